//! The console adapter: a simulated channel in the terminal. It reads lines (a TTY or a
//! pipe), turns them into core calls and quiz events, owns the quiz timer, and prints the
//! effects. Several people can play at one terminal with `@NAME text`.

pub mod parse;

use std::io::Write;
use std::time::Instant;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::app::{self, Brain, QuizRequest, RunningQuiz, StartError, Venue};
use crate::config::QuizConfig;
use crate::matcher::exam;
use crate::quiz::session::{Effect, Event, Millis, Player};
use crate::store::{Period, Scope, Store};
use crate::text;
use parse::{parse_line, Line};

/// The console's guild and channel ids in the store.
pub const CONSOLE_GUILD: &str = "console";
pub const CONSOLE_CHANNEL: &str = "console";

/// How the console runs.
pub struct Options {
    /// The player typing at the terminal (the moderator).
    pub player: String,
    /// Fixes question order (otherwise taken from the clock).
    pub seed: Option<u64>,
    pub quiz: QuizConfig,
}

/// A console failure that ends it (the caller prints it).
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("cannot write to the terminal: {0}")]
    Output(#[from] std::io::Error),
}

fn player(name: &str) -> Player {
    Player {
        id: format!("console:{}", name.to_lowercase()),
        name: name.to_string(),
    }
}

struct Console<'a, W: Write> {
    brain: &'a Brain,
    store: &'a dyn Store,
    opts: Options,
    out: W,
    clock: Instant,
    quiz: Option<RunningQuiz>,
    /// Countdown notes still to print for the open question (times on the clock).
    notes: Vec<Millis>,
    answered: usize,
    /// `/wait`: input pauses until a question other than this one (None: any) is asked,
    /// or the quiz ends.
    waiting: Option<Option<usize>>,
    /// The question that was open when the last input line (other than /wait) was read.
    line_question: Option<usize>,
    quizzes_started: u64,
    /// A practice question's stem waiting for its options (pasted lines arrive one by
    /// one), and when to answer it anyway.
    pending: Option<(String, Millis)>,
    /// A personal review in progress (untimed; `app` owns the flow).
    review: Option<app::Review>,
}

/// How long a pasted practice question's stem waits for its next option line.
const PASTE_WAIT_MS: Millis = 800;

/// Runs the console until `/quit`, Ctrl-C, or the end of input (after a running quiz has
/// played out).
pub async fn run<R, W>(
    brain: &Brain,
    store: &dyn Store,
    opts: Options,
    input: R,
    out: W,
) -> Result<(), ConsoleError>
where
    R: AsyncBufRead + Unpin,
    W: Write,
{
    let mut c = Console {
        brain,
        store,
        opts,
        out,
        clock: Instant::now(),
        quiz: None,
        notes: Vec::new(),
        answered: 0,
        waiting: None,
        line_question: None,
        quizzes_started: 0,
        pending: None,
        review: None,
    };
    let abandoned = store
        .abandon_running(&runner(), app::unix_now())
        .await
        .unwrap_or(0);
    if abandoned > 0 {
        c.say(&format!(
            "({abandoned} unfinished quiz from an earlier run marked abandoned; its revealed answers are kept)"
        ))?;
    }
    c.say("srm-bot console — ask who is responsible for what in AWS, or type /help.")?;
    let mut lines = input.lines();
    let mut eof = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        if eof {
            c.flush_pending()?;
        }
        if eof && c.quiz.is_none() {
            break;
        }
        let wake = c.next_wake();
        let sleep = tokio::time::sleep_until(
            tokio::time::Instant::from_std(c.clock)
                + std::time::Duration::from_millis(wake.unwrap_or(0)),
        );
        tokio::select! {
            _ = &mut ctrl_c => {
                c.stop_now().await?;
                break;
            }
            _ = sleep, if wake.is_some() => c.on_time().await?,
            line = lines.next_line(), if !eof && c.waiting.is_none() => match line {
                Ok(Some(l)) => {
                    if !c.on_line(&l).await? {
                        break;
                    }
                }
                // End of input (or unreadable input): let a running quiz play out.
                _ => eof = true,
            },
        }
    }
    c.out.flush()?;
    Ok(())
}

/// Which process runs console games (a restart abandons only these).
fn runner() -> String {
    "console".to_string()
}

impl<W: Write> Console<'_, W> {
    fn now(&self) -> Millis {
        self.clock.elapsed().as_millis() as Millis
    }

    fn say(&mut self, s: &str) -> Result<(), ConsoleError> {
        writeln!(self.out, "{}", s.trim_end())?;
        self.out.flush()?;
        Ok(())
    }

    fn next_wake(&self) -> Option<Millis> {
        let paste = self.pending.as_ref().map(|(_, at)| *at);
        let quiz = self
            .quiz
            .as_ref()
            .and_then(|q| q.session.next_deadline())
            .map(|d| self.notes.iter().copied().fold(d, Millis::min));
        match (paste, quiz) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Answers a waiting practice question with the lines it has.
    fn flush_pending(&mut self) -> Result<(), ConsoleError> {
        match self.pending.take() {
            Some((text, _)) => self.answer(&text),
            None => Ok(()),
        }
    }

    /// Handles one line; `false` means quit.
    async fn on_line(&mut self, line: &str) -> Result<bool, ConsoleError> {
        if let Some((text, at)) = &mut self.pending {
            // The options of a pasted practice question (and a blank line before them).
            let blank_before_options = line.trim().is_empty() && exam::parse(text).is_none();
            if exam::is_option_line(line) || blank_before_options {
                text.push('\n');
                text.push_str(line);
                *at = self.clock.elapsed().as_millis() as Millis + PASTE_WAIT_MS;
                return Ok(true);
            }
            self.flush_pending()?;
        }
        let me = self.opts.player.clone();
        let parsed = parse_line(line);
        if parsed != Line::Wait {
            self.line_question = self.quiz.as_ref().and_then(|q| q.session.open_question());
        }
        self.on_parsed(parsed, player(&me), true).await
    }

    async fn on_parsed(
        &mut self,
        line: Line,
        who: Player,
        at_terminal: bool,
    ) -> Result<bool, ConsoleError> {
        match line {
            Line::Empty => {}
            Line::As { name, line } => {
                let at_terminal = name.eq_ignore_ascii_case(&self.opts.player);
                return Box::pin(self.on_parsed(*line, player(&name), at_terminal)).await;
            }
            Line::Text(t) if self.review.is_some() && self.quiz.is_none() => {
                self.review_line(&t).await?
            }
            Line::Text(t) => match self.quiz.as_ref().map(|q| &q.session) {
                Some(s) => match s.open_question() {
                    Some(i) => match s.questions()[i].parse_choice(&t) {
                        Some(choice) => {
                            self.event(Event::Answer {
                                player: who,
                                choice,
                            })
                            .await?
                        }
                        None => self.ask(&t)?,
                    },
                    // Between questions, a short answer-like word is a late answer.
                    None if t.split_whitespace().count() == 1 && t.len() <= 10 => {
                        self.say(&format!("   {}: {}", who.name, text::NOT_OPEN))?
                    }
                    None => self.ask(&t)?,
                },
                None => self.ask(&t)?,
            },
            Line::Ask(q) => self.ask(&q)?,
            Line::QuizStart(pairs) => self.start(&pairs, who).await?,
            Line::QuizStop => match &self.quiz {
                Some(_) => {
                    self.event(Event::Stop {
                        by: who,
                        may_moderate: at_terminal,
                    })
                    .await?
                }
                None => self.say("No quiz is running.")?,
            },
            Line::Leaderboard(pairs) => self.leaderboard(&pairs).await?,
            Line::Stats(name) => {
                let p = name.as_deref().map(player).unwrap_or(who);
                match self.store.member_stats(&p.id, Some(CONSOLE_GUILD)).await {
                    Ok(s) => self.say(&text::member_stats(&p.name, &s))?,
                    Err(e) => self.store_failed(&e)?,
                }
            }
            Line::Review => self.review(who).await?,
            Line::Model(services) => self.model(&services)?,
            Line::Topics => {
                let services: Vec<&str> = self
                    .brain
                    .kb
                    .vocabulary()
                    .services
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect();
                let t = text::topics(&self.brain.bank.topics(), &services);
                self.say(&t)?;
            }
            Line::Help => self.say(text::CONSOLE_HELP)?,
            Line::Quit => {
                self.stop_now().await?;
                return Ok(false);
            }
            Line::Wait => {
                // Wait unless a question newer than the one the previous lines were
                // about is already open (answers may have revealed it early).
                if let Some(q) = &self.quiz {
                    let moved_on = match (q.session.open_question(), self.line_question) {
                        (Some(open), Some(seen)) => open > seen,
                        (Some(_), None) => true,
                        (None, _) => false,
                    };
                    if !moved_on {
                        self.waiting = Some(self.line_question);
                    }
                }
            }
            Line::Bad(msg) => self.say(&msg)?,
        }
        Ok(true)
    }

    /// `/model`: the stacks as a table, and the picture written to a file.
    fn model(&mut self, services: &[String]) -> Result<(), ConsoleError> {
        let ids = app::service_ids(services);
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let table = match text::stacks_table(&self.brain.kb, &ids) {
            Ok(t) => t,
            Err(e) => return self.say(&e.to_string()),
        };
        self.say(&table)?;
        let path = std::env::temp_dir().join(format!("srm-bot-model-{}.png", ids.join("-")));
        match crate::picture::write_png(&self.brain.kb, &ids, None, &path) {
            Ok((w, h)) => self.say(&text::picture_written(&path.display().to_string(), w, h)),
            Err(e) => self.say(&e.to_string()),
        }
    }

    /// A question, or the stem of a practice question whose options are still coming.
    fn ask(&mut self, question: &str) -> Result<(), ConsoleError> {
        if exam::parse(question).is_none() && exam::looks_like_stem(question) {
            self.pending = Some((question.to_string(), self.now() + PASTE_WAIT_MS));
            return Ok(());
        }
        self.answer(question)
    }

    fn answer(&mut self, question: &str) -> Result<(), ConsoleError> {
        let t = match exam::read(&self.brain.matcher, &self.brain.kb, question) {
            Some(e) => text::exam_text(&self.brain.kb, &e),
            None => text::answer_text(&self.brain.kb, &self.brain.matcher.best(question)),
        };
        self.say(&t)
    }

    fn venue(&self, starter: Player) -> Venue {
        Venue {
            runner: runner(),
            guild: CONSOLE_GUILD.into(),
            channel: CONSOLE_CHANNEL.into(),
            starter,
        }
    }

    fn seed(&mut self) -> u64 {
        self.quizzes_started += 1;
        match self.opts.seed {
            Some(s) => s.wrapping_add(self.quizzes_started - 1),
            None => app::unix_now() as u64,
        }
    }

    async fn start(&mut self, pairs: &[(String, String)], who: Player) -> Result<(), ConsoleError> {
        if self.quiz.is_some() {
            return self.say(&StartError::AlreadyRunning.to_string());
        }
        let resolved =
            QuizRequest::from_pairs(pairs).and_then(|r| r.resolve(&self.opts.quiz, self.brain));
        let (settings, filter) = match resolved {
            Ok(x) => x,
            Err(msg) => return self.say(&msg),
        };
        let seed = self.seed();
        let venue = self.venue(who);
        let (now, unix) = (self.now(), app::unix_now());
        let started = app::start_quiz(
            self.brain, self.store, settings, &filter, seed, &venue, now, unix,
        )
        .await;
        self.started(started).await
    }

    async fn review(&mut self, who: Player) -> Result<(), ConsoleError> {
        if self.quiz.is_some() || self.review.is_some() {
            return self.say(&StartError::AlreadyRunning.to_string());
        }
        let venue = self.venue(who);
        match app::begin_review(self.brain, self.store, &venue, app::unix_now()).await {
            Ok(review) => {
                if let Some((i, q)) = review.session.current() {
                    let t = text::review_question(i, review.session.total(), q);
                    self.say(&t)?;
                }
                self.review = Some(review);
                Ok(())
            }
            Err(StartError::Store(e)) => self.store_failed(&e),
            Err(e) => self.say(&e.to_string()),
        }
    }

    /// A line while a review is open: an answer to its question, or (not an option) a
    /// question to ask. A review left alone too long has ended.
    async fn review_line(&mut self, t: &str) -> Result<(), ConsoleError> {
        let Some(mut review) = self.review.take() else {
            return self.ask(t);
        };
        let now = app::unix_now();
        if app::review_idle(&review, now) {
            app::abandon_reviews(self.store, std::slice::from_ref(&review), now).await;
            self.say(text::REVIEW_EXPIRED)?;
            return self.ask(t);
        }
        let Some((index, choice)) = review
            .session
            .current()
            .and_then(|(i, q)| q.parse_choice(t).map(|c| (i, c)))
        else {
            self.review = Some(review);
            return self.ask(t);
        };
        match app::answer_review(self.store, &mut review, index, choice, now).await {
            Ok(Some(step)) => {
                self.say(&text::review_verdict(&step, |s| s.to_string()))?;
                match review.session.current() {
                    Some((i, q)) => {
                        let next = text::review_question(i, review.session.total(), q);
                        self.say(&next)?;
                        self.review = Some(review);
                    }
                    None => self.say(&text::review_done(
                        review.session.correct(),
                        review.session.total(),
                    ))?,
                }
                Ok(())
            }
            Ok(None) => {
                self.review = Some(review);
                Ok(())
            }
            Err(e) => {
                self.review = Some(review);
                self.store_failed(&e)
            }
        }
    }

    async fn started(
        &mut self,
        started: Result<(RunningQuiz, Vec<Effect>), StartError>,
    ) -> Result<(), ConsoleError> {
        match started {
            Ok((quiz, effects)) => {
                self.quiz = Some(quiz);
                self.show(effects).await
            }
            Err(StartError::Store(e)) => self.store_failed(&e),
            Err(e) => self.say(&e.to_string()),
        }
    }

    async fn event(&mut self, event: Event) -> Result<(), ConsoleError> {
        let now = self.now();
        let Some(q) = self.quiz.as_mut() else {
            return self.say(text::NOT_OPEN);
        };
        let effects = q.session.apply(event, now);
        self.show(effects).await
    }

    async fn on_time(&mut self) -> Result<(), ConsoleError> {
        let now = self.now();
        if self.pending.as_ref().is_some_and(|(_, at)| *at <= now) {
            return self.flush_pending();
        }
        if let Some(&note) = self.notes.first() {
            if note <= now {
                self.notes.remove(0);
                let left = self
                    .quiz
                    .as_ref()
                    .and_then(|q| q.session.next_deadline())
                    .map_or(0, |d| d.saturating_sub(now).div_ceil(1000));
                let n = self.answered;
                return self.say(&format!("   ⏳ {left} s left · {n} answered"));
            }
        }
        self.event(Event::Tick).await
    }

    /// Ctrl-C or /quit: stop a running quiz at once, keeping what was revealed.
    async fn stop_now(&mut self) -> Result<(), ConsoleError> {
        if let Some(q) = &self.quiz {
            let by = q.session.starter().clone();
            self.event(Event::Stop {
                by,
                may_moderate: true,
            })
            .await?;
        }
        Ok(())
    }

    /// Prints effects and saves what they say happened.
    async fn show(&mut self, effects: Vec<Effect>) -> Result<(), ConsoleError> {
        let Some(game) = self.quiz.as_ref().map(|q| q.game) else {
            return Ok(());
        };
        if let Err(e) = app::persist(self.store, game, &effects, app::unix_now()).await {
            self.store_failed(&e)?;
        }
        for e in effects {
            match e {
                Effect::Ask {
                    index,
                    total,
                    question,
                    deadline,
                } => {
                    let secs = self
                        .quiz
                        .as_ref()
                        .map_or(0, |q| q.session.settings().seconds);
                    self.answered = 0;
                    if self.waiting.is_some_and(|from| from != Some(index)) {
                        self.waiting = None;
                    }
                    self.notes = [10_000u64, 5_000]
                        .iter()
                        .filter(|&&before| Millis::from(secs) * 1000 > before)
                        .map(|before| deadline - before)
                        .collect();
                    self.say(&text::quiz_question(index, total, &question, secs))?;
                }
                Effect::Locked {
                    player,
                    choice: _,
                    elapsed_ms,
                    answered,
                } => {
                    self.answered = answered;
                    self.say(&format!(
                        "   🔒 {} locked in after {} · {answered} answered",
                        player.name,
                        text::seconds(elapsed_ms)
                    ))?;
                }
                Effect::AlreadyAnswered { player, .. } => {
                    self.say(&format!("   {}: {}", player.name, text::ALREADY_ANSWERED))?
                }
                Effect::NotOpen { player } => {
                    self.say(&format!("   {}: {}", player.name, text::NOT_OPEN))?
                }
                Effect::InvalidChoice { player, options } => self.say(&format!(
                    "   {}: {}",
                    player.name,
                    text::invalid_choice(options)
                ))?,
                Effect::StopDenied { player } => {
                    self.say(&format!("   {}: {}", player.name, text::STOP_DENIED))?
                }
                Effect::Reveal(r) => {
                    self.notes.clear();
                    self.say(&text::quiz_reveal(&r))?;
                }
                Effect::Finished { reason, standings } => {
                    self.notes.clear();
                    self.waiting = None;
                    self.quiz = None;
                    self.say(&text::quiz_finished(reason, &standings))?;
                }
            }
        }
        Ok(())
    }

    async fn leaderboard(&mut self, pairs: &[(String, String)]) -> Result<(), ConsoleError> {
        let mut scope = Scope::Server {
            guild: CONSOLE_GUILD.into(),
        };
        let mut period = Period::All;
        for (k, v) in pairs {
            match (k.as_str(), v.to_lowercase().as_str()) {
                ("scope", "server") => {}
                ("scope", "channel") => {
                    scope = Scope::Channel {
                        guild: CONSOLE_GUILD.into(),
                        channel: CONSOLE_CHANNEL.into(),
                    }
                }
                ("scope", "global") => scope = Scope::Global,
                ("period", p) if Period::parse(p).is_some() => {
                    period = Period::parse(p).unwrap_or_default()
                }
                _ => {
                    return self.say(
                        "usage: /leaderboard [scope:server|channel|global] [period:week|month|all]",
                    )
                }
            }
        }
        match self
            .store
            .leaderboard(&scope, period, app::unix_now(), 10)
            .await
        {
            Ok(rows) => self.say(&text::leaderboard(&rows, &scope, period)),
            Err(e) => self.store_failed(&e),
        }
    }

    fn store_failed(&mut self, e: &crate::store::StoreError) -> Result<(), ConsoleError> {
        eprintln!("store error: {e}");
        self.say(text::STORE_APOLOGY)
    }
}
