//! Channel quizzes on Discord: one task per quiz owns its timer and renders its effects
//! in order (post the question, at most one "N answered" edit, the reveal edit, the
//! podium), so a question costs at most three REST calls. Clicks apply events under a
//! short lock and hand the channel effects to the task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use poise::serenity_prelude as serenity;
use serenity::{ChannelId, CreateMessage, EditMessage, Nonce};
use tokio::sync::mpsc;

use super::render;
use super::rest::RestError;
use super::Data;
use crate::app;
use crate::quiz::session::{Effect, Event, Millis, QuizSession};
use crate::store::{GameId, GameStatus};
use crate::text;

/// A quiz running in a channel.
pub struct Live {
    pub game: GameId,
    pub session: QuizSession,
    tx: mpsc::UnboundedSender<Vec<Effect>>,
}

/// Running quizzes by channel.
#[derive(Default)]
pub struct Quizzes {
    live: Mutex<HashMap<ChannelId, Live>>,
    /// Channels where a quiz is being started (reserved before any await).
    starting: Mutex<std::collections::HashSet<ChannelId>>,
}

/// A channel reserved for a quiz that is starting; dropped, it frees the channel (the
/// start failed) unless the quiz was launched.
pub struct Reservation {
    data: Arc<Data>,
    channel: ChannelId,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.data
            .quizzes
            .starting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.channel);
    }
}

/// Reserves `channel` for a new quiz, atomically: `None` when a quiz runs or is starting
/// there.
pub fn reserve(data: &Arc<Data>, channel: ChannelId) -> Option<Reservation> {
    let live = data.quizzes.lock();
    let mut starting = data
        .quizzes
        .starting
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if live.contains_key(&channel) || !starting.insert(channel) {
        return None;
    }
    Some(Reservation {
        data: data.clone(),
        channel,
    })
}

/// What a click on a quiz button did, for the clicker's private acknowledgement.
pub enum ClickOutcome {
    /// The effects for the clicker (Locked, AlreadyAnswered, NotOpen, InvalidChoice).
    Effects(Vec<Effect>),
    /// The button belongs to a question that is no longer open.
    Closed,
    /// The game is not running here (finished, or from before a restart).
    Ended,
}

impl Quizzes {
    pub fn is_running(&self, channel: ChannelId) -> bool {
        self.lock().contains_key(&channel)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ChannelId, Live>> {
        // A panic while holding the lock cannot leave the map half-updated (each update
        // is one insert, remove or apply), so a poisoned lock is still usable.
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies `event` to the quiz in `channel` if it is game `game` (and, for a click,
    /// if `question` is the open one); channel effects go to the quiz's task, in order,
    /// while the lock is held.
    pub fn apply(
        &self,
        channel: ChannelId,
        game: Option<GameId>,
        question: Option<usize>,
        event: Event,
        now: Millis,
    ) -> ClickOutcome {
        let mut map = self.lock();
        let Some(live) = map.get_mut(&channel) else {
            return ClickOutcome::Ended;
        };
        if game.is_some_and(|g| g != live.game) || live.session.is_finished() {
            return ClickOutcome::Ended;
        }
        if question.is_some() && question != live.session.open_question() {
            return ClickOutcome::Closed;
        }
        let effects = live.session.apply(event, now);
        let (mine, channel_effects): (Vec<Effect>, Vec<Effect>) =
            effects.into_iter().partition(|e| {
                matches!(
                    e,
                    Effect::AlreadyAnswered { .. }
                        | Effect::NotOpen { .. }
                        | Effect::InvalidChoice { .. }
                        | Effect::StopDenied { .. }
                )
            });
        let locked: Vec<Effect> = channel_effects
            .iter()
            .filter(|e| matches!(e, Effect::Locked { .. }))
            .cloned()
            .collect();
        if !channel_effects.is_empty() {
            let _ = live.tx.send(channel_effects);
        }
        ClickOutcome::Effects(mine.into_iter().chain(locked).collect())
    }

    fn deadline(&self, channel: ChannelId) -> Option<Millis> {
        self.lock()
            .get(&channel)
            .and_then(|l| l.session.next_deadline())
    }

    fn open_question(&self, channel: ChannelId) -> Option<usize> {
        self.lock()
            .get(&channel)
            .and_then(|l| l.session.open_question())
    }
}

/// Starts the task that runs a quiz in the reserved channel, with the effects of its
/// start.
pub fn launch(reserved: Reservation, running: app::RunningQuiz, first: Vec<Effect>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let game = running.game;
    let (data, channel) = (reserved.data.clone(), reserved.channel);
    let _ = tx.send(first);
    data.quizzes.lock().insert(
        channel,
        Live {
            game,
            session: running.session,
            tx,
        },
    );
    // Live now: the reservation ends.
    drop(reserved);
    tokio::spawn(run(data, channel, game, rx));
}

struct Renderer {
    channel: ChannelId,
    game: GameId,
    message: Option<u64>,
    /// The open question's index, total, text and deadline (for the progress edit).
    open: Option<(usize, usize, crate::quiz::QuizQuestion, i64)>,
    answered: usize,
    progress_at: Option<Millis>,
    progress_done: bool,
}

async fn run(
    data: Arc<Data>,
    channel: ChannelId,
    game: GameId,
    mut rx: mpsc::UnboundedReceiver<Vec<Effect>>,
) {
    let mut r = Renderer {
        channel,
        game,
        message: None,
        open: None,
        answered: 0,
        progress_at: None,
        progress_done: false,
    };
    loop {
        let deadline = data.quizzes.deadline(channel);
        let wake = match (deadline, r.progress_at.filter(|_| !r.progress_done)) {
            (Some(d), Some(p)) => Some(d.min(p)),
            (d, p) => d.or(p),
        };
        let sleep = tokio::time::sleep_until(
            tokio::time::Instant::from_std(data.clock)
                + std::time::Duration::from_millis(wake.unwrap_or(0)),
        );
        let finished = tokio::select! {
            batch = rx.recv() => match batch {
                Some(effects) => r.render(&data, effects).await,
                None => true,
            },
            _ = sleep, if wake.is_some() => {
                let now = data.now();
                if r.progress_at.is_some_and(|p| p <= now) && !r.progress_done
                    && deadline.is_some_and(|d| d > now)
                {
                    r.progress(&data).await;
                    false
                } else {
                    match data.quizzes.apply(channel, Some(game), None, Event::Tick, now) {
                        // Tick effects went to our own queue; render them next turn.
                        ClickOutcome::Effects(_) | ClickOutcome::Closed => false,
                        ClickOutcome::Ended => !data.quizzes.is_running(channel),
                    }
                }
            }
        };
        if finished {
            break;
        }
    }
    // Remove the channel's entry only if it is still this game's.
    let mut live = data.quizzes.lock();
    if live.get(&channel).is_some_and(|l| l.game == game) {
        live.remove(&channel);
    }
}

impl Renderer {
    /// Renders and saves a batch; `true` when the quiz is over (finished, or failed because
    /// Discord stayed down).
    async fn render(&mut self, data: &Data, effects: Vec<Effect>) -> bool {
        if let Err(e) =
            app::persist(data.store.as_ref(), self.game, &effects, app::unix_now()).await
        {
            tracing::error!(game = self.game, error = %e, "saving quiz results failed");
        }
        let channel = self.channel.get();
        let mut finished = false;
        for e in effects {
            match e {
                Effect::Ask {
                    index,
                    total,
                    question,
                    deadline,
                } => {
                    let unix_deadline =
                        (app::unix_now() + (deadline as i64 - data.now() as i64)) / 1000;
                    // The nonce lets Discord drop a duplicate if a retried post had landed.
                    let msg = CreateMessage::new()
                        .embed(render::question_embed(
                            index,
                            total,
                            &question,
                            unix_deadline,
                            None,
                        ))
                        .components(render::question_buttons(self.game, index, &question))
                        .nonce(Nonce::String(format!("q{}-{index}", self.game)))
                        .enforce_nonce(true)
                        .allowed_mentions(render::no_pings());
                    match data.rest.post("question post", channel, &msg).await {
                        Ok(id) => self.message = Some(id),
                        Err(e) => return self.fail(data, e).await,
                    }
                    let secs = deadline.saturating_sub(data.now());
                    self.progress_at = Some(data.now() + secs / 2);
                    self.progress_done = false;
                    self.answered = 0;
                    self.open = Some((index, total, question, unix_deadline));
                }
                Effect::Locked { answered, .. } => self.answered = answered,
                Effect::Reveal(rev) => {
                    self.open = None;
                    self.progress_at = None;
                    let (embed, buttons) = render::reveal(self.game, &rev);
                    if let Some(id) = self.message {
                        let edit = EditMessage::new()
                            .embed(embed)
                            .components(buttons)
                            .allowed_mentions(render::no_pings());
                        if let Err(e) = data.rest.edit("reveal edit", channel, id, &edit).await {
                            return self.fail(data, e).await;
                        }
                    }
                }
                Effect::Finished { reason, standings } => {
                    let msg = CreateMessage::new()
                        .embed(render::podium(reason, &standings))
                        .allowed_mentions(render::no_pings());
                    if let Err(e) = data.rest.post("podium post", channel, &msg).await {
                        tracing::error!(game = self.game, error = %e, "posting the podium failed");
                    }
                    finished = true;
                }
                _ => {}
            }
        }
        finished
    }

    /// Discord kept refusing the quiz's messages: the game ends as failed (its revealed
    /// answers are already saved), its buttons answer "ended", and the channel is told if
    /// Discord takes a message again.
    async fn fail(&mut self, data: &Data, error: RestError) -> bool {
        tracing::error!(game = self.game, error = %error, "quiz ended: Discord did not take its messages");
        data.quizzes.lock().remove(&self.channel);
        if let Err(e) = data
            .store
            .finish_game(self.game, GameStatus::Failed, app::unix_now())
            .await
        {
            tracing::error!(game = self.game, error = %e, "saving the failed quiz failed");
        }
        let notice = CreateMessage::new()
            .content(text::QUIZ_FAILED)
            .allowed_mentions(render::no_pings());
        if let Err(e) = data
            .rest
            .post("failure notice", self.channel.get(), &notice)
            .await
        {
            tracing::warn!(game = self.game, error = %e, "could not tell the channel the quiz stopped");
        }
        true
    }

    /// The one coalesced "N answered" edit, halfway through a question with answers. It is
    /// a nicety: a failure is logged, and the reveal edit carries the truth.
    async fn progress(&mut self, data: &Data) {
        self.progress_done = true;
        let (Some(id), Some((index, total, q, deadline))) = (self.message, &self.open) else {
            return;
        };
        if self.answered == 0 {
            return;
        }
        let edit = EditMessage::new()
            .embed(render::question_embed(
                *index,
                *total,
                q,
                *deadline,
                Some(self.answered),
            ))
            .allowed_mentions(render::no_pings());
        if let Err(e) = data
            .rest
            .edit("progress edit", self.channel.get(), id, &edit)
            .await
        {
            tracing::warn!(game = self.game, error = %e, "progress edit failed");
        }
    }
}

/// The open question in `channel`, if a quiz runs there (for tests and diagnostics).
pub fn open_question(data: &Data, channel: ChannelId) -> Option<usize> {
    data.quizzes.open_question(channel)
}

impl Quizzes {
    /// The label of option `choice` of question `index` in `channel`'s quiz.
    pub fn option_label(&self, channel: ChannelId, index: usize, choice: usize) -> Option<String> {
        let map = self.lock();
        let q = map.get(&channel)?.session.questions().get(index)?;
        q.options.get(choice).cloned()
    }
}
