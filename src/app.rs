//! What every adapter shares: the loaded knowledge (knowledge base, matcher, question
//! bank) and the glue between quiz sessions and the store. Adapters call these and only
//! turn the results into messages.

use std::path::Path;

use crate::kb::{self, Files, KnowledgeBase, LoadError};
use crate::matcher::Matcher;
use crate::quiz::review::{ReviewSession, ReviewStep};
use crate::quiz::session::{Effect, Millis, Player, QuizSession, Settings, SettingsError};
use crate::quiz::session::{EndReason, Reveal};
use crate::quiz::{Filter, QuestionBank};
use crate::store::{AnswerRow, GameId, GameKind, GameStatus, NewGame, Store, StoreError, UnixMs};

/// The knowledge the bot answers and quizzes from.
pub struct Brain {
    pub kb: KnowledgeBase,
    pub matcher: Matcher,
    pub bank: QuestionBank,
    /// Stack pictures drawn from this knowledge (a reload starts afresh).
    pub pictures: crate::picture::Cache,
}

impl Brain {
    /// Loads and validates `dir` (entries, vocabulary and `quiz/`).
    pub fn load(dir: &Path) -> Result<Brain, LoadError> {
        Self::from_files(&Files::read_dir(dir)?)
    }

    /// The knowledge embedded in the binary at build time.
    pub fn embedded() -> Result<Brain, LoadError> {
        Self::from_files(&Files::embedded())
    }

    /// From a directory if one is given, else the embedded knowledge.
    pub fn load_from(dir: Option<&Path>) -> Result<Brain, LoadError> {
        match dir {
            Some(d) => Self::load(d),
            None => Self::embedded(),
        }
    }

    /// Loads and validates a knowledge directory's files.
    pub fn from_files(files: &Files) -> Result<Brain, LoadError> {
        let kb = kb::load(files)?;
        let bank = QuestionBank::from_files(&kb, files, "quiz/")?;
        let matcher = Matcher::new(&kb);
        Ok(Brain {
            kb,
            matcher,
            bank,
            pictures: Default::default(),
        })
    }
}

/// Why a quiz could not start; the message is for the user.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("no questions match those filters")]
    NoQuestions,
    #[error("a quiz is already running here: answer it, or stop it with /quiz stop")]
    AlreadyRunning,
    #[error("nothing to review yet: questions you miss come back here, spaced out over days")]
    NothingToReview,
    #[error("could not save the game")]
    Store(#[from] StoreError),
}

/// A quiz running in a channel, with its game in the store.
pub struct RunningQuiz {
    pub session: QuizSession,
    pub game: GameId,
}

/// Where a quiz runs and who started it.
pub struct Venue {
    pub runner: String,
    pub guild: String,
    pub channel: String,
    pub starter: Player,
}

impl Venue {
    /// The store's record of a game starting here.
    fn new_game(&self, kind: GameKind, questions: usize, settings: String, at: UnixMs) -> NewGame {
        NewGame {
            kind,
            runner: self.runner.clone(),
            guild_id: self.guild.clone(),
            channel_id: self.channel.clone(),
            started_by: self.starter.id.clone(),
            started_at: at,
            questions,
            settings,
        }
    }
}

/// Starts a quiz: checks the settings, draws the questions and records the game.
#[allow(clippy::too_many_arguments)]
pub async fn start_quiz(
    brain: &Brain,
    store: &dyn Store,
    settings: Settings,
    filter: &Filter,
    seed: u64,
    venue: &Venue,
    now: Millis,
    unix_now: UnixMs,
) -> Result<(RunningQuiz, Vec<Effect>), StartError> {
    settings.validate()?;
    let questions = brain.bank.select(filter, settings.questions, seed);
    if questions.is_empty() {
        return Err(StartError::NoQuestions);
    }
    begin(
        store,
        GameKind::Channel,
        settings,
        questions,
        venue,
        now,
        unix_now,
    )
    .await
}

/// How many due questions one review takes at most.
pub const REVIEW_QUESTIONS: usize = 10;
/// A review nobody has answered for this long is abandoned (its game too).
pub const REVIEW_IDLE_MS: UnixMs = 30 * 60 * 1000;

/// A member's personal review: their due questions one at a time, untimed. The same flow
/// for every adapter; answers move the questions between Leitner boxes in the store.
#[derive(Debug, Clone)]
pub struct Review {
    pub game: GameId,
    pub player: Player,
    pub session: ReviewSession,
    /// When it was started or last answered.
    pub active_at: UnixMs,
}

/// Starts `venue.starter`'s review of the questions due for them (at most
/// `REVIEW_QUESTIONS`), recorded as a review game.
pub async fn begin_review(
    brain: &Brain,
    store: &dyn Store,
    venue: &Venue,
    unix_now: UnixMs,
) -> Result<Review, StartError> {
    let due = store
        .due_reviews(&venue.starter.id, unix_now, REVIEW_QUESTIONS)
        .await?;
    let questions = brain.bank.by_ids(&due);
    if questions.is_empty() {
        return Err(StartError::NothingToReview);
    }
    let game = store
        .start_game(&venue.new_game(GameKind::Review, questions.len(), "{}".into(), unix_now))
        .await?;
    Ok(Review {
        game,
        player: venue.starter.clone(),
        session: ReviewSession::new(questions),
        active_at: unix_now,
    })
}

/// Answers the current review question: `None` for an old button or a choice that is not
/// an option. The answer is saved (its Leitner box moves); the last one ends the game.
pub async fn answer_review(
    store: &dyn Store,
    review: &mut Review,
    index: usize,
    choice: usize,
    unix_now: UnixMs,
) -> Result<Option<ReviewStep>, StoreError> {
    let Some(step) = review.session.answer(index, choice) else {
        return Ok(None);
    };
    review.active_at = unix_now;
    let row = AnswerRow {
        question_index: step.index,
        question_id: step.question.id.clone(),
        topic: step.question.topic.clone(),
        member_id: review.player.id.clone(),
        member_name: review.player.name.clone(),
        choice: step.choice,
        correct: step.correct,
        response_ms: 0,
        points: 0,
        streak: 0,
        answered_at: unix_now,
    };
    store.record_answers(review.game, &[row]).await?;
    if !step.more {
        store
            .finish_game(review.game, GameStatus::Completed, unix_now)
            .await?;
    }
    Ok(Some(step))
}

/// Whether a review has been left alone too long.
pub fn review_idle(review: &Review, unix_now: UnixMs) -> bool {
    unix_now.saturating_sub(review.active_at) >= REVIEW_IDLE_MS
}

/// Marks the games of reviews that were left alone as abandoned.
pub async fn abandon_reviews(store: &dyn Store, idle: &[Review], unix_now: UnixMs) {
    for r in idle {
        if let Err(e) = store
            .finish_game(r.game, GameStatus::Abandoned, unix_now)
            .await
        {
            tracing::warn!(game = r.game, error = %e, "could not mark an idle review abandoned");
        }
    }
}

async fn begin(
    store: &dyn Store,
    kind: GameKind,
    settings: Settings,
    questions: Vec<crate::quiz::QuizQuestion>,
    venue: &Venue,
    now: Millis,
    unix_now: UnixMs,
) -> Result<(RunningQuiz, Vec<Effect>), StartError> {
    let record = format!(
        "{{\"questions\":{},\"seconds\":{},\"streaks\":{}}}",
        settings.questions, settings.seconds, settings.streaks
    );
    let game = store
        .start_game(&venue.new_game(kind, questions.len(), record, unix_now))
        .await?;
    let (session, effects) = QuizSession::start(settings, questions, venue.starter.clone(), now);
    Ok((RunningQuiz { session, game }, effects))
}

/// Saves what `effects` say happened: each reveal's answers in one transaction, and the
/// end of the game.
pub async fn persist(
    store: &dyn Store,
    game: GameId,
    effects: &[Effect],
    unix_now: UnixMs,
) -> Result<(), StoreError> {
    for e in effects {
        match e {
            Effect::Reveal(r) => store.record_answers(game, &answers_of(r, unix_now)).await?,
            Effect::Finished { reason, .. } => {
                store
                    .finish_game(game, status_of(*reason), unix_now)
                    .await?
            }
            _ => {}
        }
    }
    Ok(())
}

/// The current Unix time in milliseconds.
pub fn unix_now() -> UnixMs {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as UnixMs)
        .unwrap_or(0)
}

/// What a member asked for with `/quiz start`; `None` means "the configured default".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuizRequest {
    pub questions: Option<usize>,
    pub seconds: Option<u32>,
    pub topic: Option<String>,
    pub service: Option<String>,
    pub mode: Option<crate::quiz::Mode>,
    pub streaks: Option<bool>,
}

impl QuizRequest {
    /// Reads `key:value` options (the console's syntax); the error is for the user.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<QuizRequest, String> {
        let mut r = QuizRequest::default();
        for (k, v) in pairs {
            match k.as_str() {
                "questions" | "q" => {
                    r.questions = Some(v.parse().map_err(|_| {
                        format!("questions must be a number from 1 to 50 (got `{v}`)")
                    })?)
                }
                "seconds" | "s" => {
                    r.seconds = Some(v.parse().map_err(|_| {
                        format!("seconds must be a number from 5 to 120 (got `{v}`)")
                    })?)
                }
                "topic" => r.topic = Some(v.clone()),
                "service" => r.service = Some(v.clone()),
                "mode" => {
                    r.mode = Some(crate::quiz::Mode::parse(v).ok_or_else(|| {
                        format!("mode must be owner, exam or mixed (got `{v}`)")
                    })?)
                }
                "streaks" => {
                    r.streaks = Some(match v.to_lowercase().as_str() {
                        "on" | "true" | "yes" => true,
                        "off" | "false" | "no" => false,
                        _ => return Err(format!("streaks must be on or off (got `{v}`)")),
                    })
                }
                other => {
                    return Err(format!(
                        "unknown option `{other}`: use questions, seconds, topic, service, mode or streaks"
                    ))
                }
            }
        }
        Ok(r)
    }

    /// The settings and filter for this request over `defaults`; the error is for the user.
    pub fn resolve(
        &self,
        defaults: &crate::config::QuizConfig,
        brain: &Brain,
    ) -> Result<(Settings, Filter), String> {
        let mut settings = defaults.settings();
        if let Some(n) = self.questions {
            settings.questions = n;
        }
        if let Some(s) = self.seconds {
            settings.seconds = s;
        }
        if let Some(s) = self.streaks {
            settings.streaks = s;
        }
        settings.validate().map_err(|e| e.to_string())?;
        let topic = match &self.topic {
            Some(t) => {
                let known = brain.bank.topics();
                match known.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)) {
                    Some((k, _)) => Some(k.clone()),
                    None => return Err(format!("unknown topic `{t}`: see /topics")),
                }
            }
            None => None,
        };
        let service = match &self.service {
            Some(s) => {
                let vocab = brain.kb.vocabulary();
                let id = s.to_lowercase().replace([' ', '-'], "_");
                let found = vocab.services.iter().find(|x| {
                    x.id == id
                        || x.name.eq_ignore_ascii_case(s)
                        || x.aliases.iter().any(|a| a.eq_ignore_ascii_case(s))
                });
                match found {
                    Some(x) => Some(x.id.clone()),
                    None => return Err(format!("unknown service `{s}`: see /topics")),
                }
            }
            None => None,
        };
        let filter = Filter {
            topic,
            service,
            mode: self.mode.unwrap_or_else(|| defaults.mode()),
        };
        Ok((settings, filter))
    }
}

/// How a finished quiz is recorded.
pub fn status_of(reason: EndReason) -> GameStatus {
    match reason {
        EndReason::Completed => GameStatus::Completed,
        EndReason::Stopped => GameStatus::Stopped,
        EndReason::Inactive => GameStatus::Inactive,
    }
}

/// The rows to save for a revealed question.
pub fn answers_of(reveal: &Reveal, at: UnixMs) -> Vec<AnswerRow> {
    reveal
        .results
        .iter()
        .map(|r| AnswerRow {
            question_index: reveal.index,
            question_id: reveal.question.id.clone(),
            topic: reveal.question.topic.clone(),
            member_id: r.player.id.clone(),
            member_name: r.player.name.clone(),
            choice: r.choice,
            correct: r.correct,
            response_ms: r.elapsed_ms,
            points: r.points,
            streak: r.streak,
            answered_at: at,
        })
        .collect()
}

/// Service ids from what a user typed: `ec2 rds`, `ec2, rds`, `EC2`.
pub fn service_ids(words: &[String]) -> Vec<String> {
    words
        .iter()
        .flat_map(|w| w.split([',', ' ']))
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The stack picture for an answer about one layer of a service: the services the entry
/// is about (those the question named first), at most three with a stack, and the layer.
pub fn answer_picture(
    brain: &Brain,
    entry: usize,
    asked: &[String],
) -> Option<(Vec<String>, String)> {
    let e = &brain.kb.entries()[entry];
    let layer = e.layer.clone()?;
    let mut services: Vec<String> = asked
        .iter()
        .filter(|s| e.services.contains(s))
        .chain(e.services.iter())
        .filter(|s| {
            brain
                .kb
                .stacks()
                .of(s)
                .is_some_and(|st| st.layer(&layer).is_some())
        })
        .cloned()
        .collect();
    let mut seen = std::collections::HashSet::new();
    services.retain(|s| seen.insert(s.clone()));
    services.truncate(crate::picture::MAX_SERVICES);
    (!services.is_empty()).then_some((services, layer))
}

#[cfg(test)]
mod review_tests {
    use super::*;

    fn review(active_at: UnixMs) -> Review {
        Review {
            game: 1,
            player: Player {
                id: "u".into(),
                name: "U".into(),
            },
            session: ReviewSession::new(Vec::new()),
            active_at,
        }
    }

    #[test]
    fn a_review_left_alone_for_the_idle_time_expires() {
        let r = review(1_000);
        assert!(!review_idle(&r, 1_000 + REVIEW_IDLE_MS - 1));
        assert!(review_idle(&r, 1_000 + REVIEW_IDLE_MS));
    }
}
