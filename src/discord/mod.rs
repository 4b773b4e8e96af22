//! The Discord adapter (serenity 0.12 + poise): slash commands, buttons, mentions and
//! DMs mapped to core calls, and core effects rendered as messages. The only module that
//! imports serenity or poise.

//! - `startup`: configuration to a running client (checks, registration, signals);
//! - `events`: gateway events to handlers (clicks, mentions, errors);
//! - `commands`: the slash commands; `quiz`: running channel quizzes; `render`: embeds
//!   and buttons; `rest`: quiz messages with retries.

mod commands;
mod events;
pub mod quiz;
pub mod render;
pub mod rest;
mod startup;

pub use events::player;
pub use startup::{intents, serve, ServeError};

use std::sync::Arc;
use std::time::Instant;

use poise::serenity_prelude as serenity;

use crate::app::{self, Brain};
use crate::config::Config;
use crate::quiz::session::Millis;
use crate::store::Store;

/// Shared state, built once at start.
pub struct Data {
    /// The loaded knowledge; replaced whole on reload (running quizzes keep their questions).
    brain: std::sync::RwLock<Arc<Brain>>,
    pub store: Arc<dyn Store>,
    pub config: Config,
    /// Which process runs games (a restart abandons only these).
    pub runner: String,
    /// The clock quiz sessions run on.
    pub clock: Instant,
    pub quizzes: quiz::Quizzes,
    /// Quiz messages go through this client (it retries; see `rest`).
    pub rest: rest::Rest,
    /// Personal reviews by user id (see `app::Review`).
    pub reviews: std::sync::Mutex<std::collections::HashMap<u64, app::Review>>,
    pub seeds: std::sync::atomic::AtomicU64,
}

impl Data {
    pub fn now(&self) -> Millis {
        self.clock.elapsed().as_millis() as Millis
    }

    /// The current knowledge (the lock is held only to clone the pointer).
    pub fn brain(&self) -> Arc<Brain> {
        self.brain.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Ends reviews nobody has answered for `app::REVIEW_IDLE_MS` (their games abandoned).
    pub async fn expire_reviews(&self, now: crate::store::UnixMs) {
        let idle: Vec<app::Review> = {
            let mut reviews = self.reviews.lock().unwrap_or_else(|e| e.into_inner());
            let ids: Vec<u64> = reviews
                .iter()
                .filter(|(_, r)| app::review_idle(r, now))
                .map(|(id, _)| *id)
                .collect();
            ids.iter().filter_map(|id| reviews.remove(id)).collect()
        };
        app::abandon_reviews(self.store.as_ref(), &idle, now).await;
    }

    /// Reloads the knowledge directory (`[knowledge] dir`); a broken knowledge base keeps
    /// the old one and returns its errors (file:line: field: message). The embedded
    /// knowledge cannot change while running.
    pub fn reload(&self) -> Result<String, String> {
        let Some(dir) = &self.config.knowledge.dir else {
            return Err(crate::text::RELOAD_EMBEDDED.into());
        };
        match Brain::load(dir) {
            Ok(brain) => {
                let summary = format!(
                    "{} entries, {} quiz questions",
                    brain.kb.entries().len(),
                    brain.bank.questions().len()
                );
                *self.brain.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(brain);
                Ok(summary)
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

/// A command's failure. `User` is shown to the user (ephemeral); anything else is logged
/// and the user sees a short apology.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Discord(#[from] serenity::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A bug on our side (logged; the user sees an apology).
    #[error("{0}")]
    Internal(String),
}

/// Runs CPU work (matching a question, drawing a picture) off the async workers.
pub async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Internal(format!("background work failed: {e}")))
}

pub type Context<'a> = poise::Context<'a, Arc<Data>, Error>;
