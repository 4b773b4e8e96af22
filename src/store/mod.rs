//! Persistence: games, every answer, leaderboards, member stats and review boxes.
//! One trait; `SqlStore` implements it on SQLite (default, a file created on first run)
//! and PostgreSQL (for several processes), through sqlx's one query API.

mod sql;

use async_trait::async_trait;

pub use sql::SqlStore;

/// A game's id in the store.
pub type GameId = i64;

/// Unix milliseconds.
pub type UnixMs = i64;

const DAY_MS: UnixMs = 24 * 60 * 60 * 1000;

/// Why the store failed. Users see a short apology; logs get this.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL `{0}`: use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Channel games count on leaderboards; review games are private practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameKind {
    Channel,
    Review,
}

impl GameKind {
    fn id(self) -> &'static str {
        match self {
            GameKind::Channel => "channel",
            GameKind::Review => "review",
        }
    }
}

/// Where a game stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GameStatus {
    Running,
    Completed,
    Stopped,
    Inactive,
    /// The process ended while it ran (found at the next start).
    Abandoned,
    /// It could not go on (e.g. Discord stayed down).
    Failed,
}

impl GameStatus {
    pub fn id(self) -> &'static str {
        match self {
            GameStatus::Running => "running",
            GameStatus::Completed => "completed",
            GameStatus::Stopped => "stopped",
            GameStatus::Inactive => "inactive",
            GameStatus::Abandoned => "abandoned",
            GameStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            GameStatus::Running,
            GameStatus::Completed,
            GameStatus::Stopped,
            GameStatus::Inactive,
            GameStatus::Abandoned,
            GameStatus::Failed,
        ]
        .into_iter()
        .find(|g| g.id() == s)
    }
}

/// A game about to start.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGame {
    pub kind: GameKind,
    /// Which process runs it (so a restart abandons only its own games).
    pub runner: String,
    pub guild_id: String,
    pub channel_id: String,
    pub started_by: String,
    pub started_at: UnixMs,
    pub questions: usize,
    /// The settings, for the record (JSON).
    pub settings: String,
}

/// One answer as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub question_index: usize,
    pub question_id: String,
    pub topic: String,
    pub member_id: String,
    pub member_name: String,
    pub choice: usize,
    pub correct: bool,
    pub response_ms: u64,
    pub points: u32,
    pub streak: u32,
    pub answered_at: UnixMs,
}

/// Which games a leaderboard counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Global,
    Server { guild: String },
    Channel { guild: String, channel: String },
}

impl Scope {
    fn key(&self) -> (&'static str, String) {
        match self {
            Scope::Global => ("global", String::new()),
            Scope::Server { guild } => ("server", guild.clone()),
            Scope::Channel { guild, channel } => ("channel", format!("{guild}/{channel}")),
        }
    }
}

/// How far back a leaderboard looks (rolling windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
    #[default]
    All,
}

impl Period {
    pub fn parse(s: &str) -> Option<Period> {
        match s.to_ascii_lowercase().as_str() {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            "all" => Some(Period::All),
            _ => None,
        }
    }

    /// The earliest time it counts, at `now`.
    pub fn since(self, now: UnixMs) -> UnixMs {
        match self {
            Period::Week => now - 7 * DAY_MS,
            Period::Month => now - 30 * DAY_MS,
            Period::All => 0,
        }
    }
}

/// One line of a leaderboard.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardRow {
    pub member_id: String,
    pub name: String,
    pub points: i64,
    pub answers: i64,
    pub correct: i64,
    pub games: i64,
}

impl BoardRow {
    /// Correct answers as a share of answers, 0..1.
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct, self.answers)
    }
}

fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// A member's answers in one topic.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicStat {
    pub topic: String,
    pub answers: i64,
    pub correct: i64,
}

impl TopicStat {
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct, self.answers)
    }
}

/// What `/stats` shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberStats {
    pub games: i64,
    pub answers: i64,
    pub correct: i64,
    pub best_streak: i64,
    /// Every topic answered, alphabetically.
    pub topics: Vec<TopicStat>,
}

impl MemberStats {
    pub fn accuracy(&self) -> f64 {
        ratio(self.correct, self.answers)
    }

    /// The `n` topics with the lowest accuracy (below 100%), most answered first on ties.
    pub fn weakest(&self, n: usize) -> Vec<&TopicStat> {
        let mut t: Vec<&TopicStat> = self
            .topics
            .iter()
            .filter(|t| t.correct < t.answers)
            .collect();
        t.sort_by(|a, b| {
            a.accuracy()
                .total_cmp(&b.accuracy())
                .then(b.answers.cmp(&a.answers))
        });
        t.truncate(n);
        t
    }
}

/// The Leitner box after an answer: wrong → 1, right → the next box (at most 5), and
/// when that box is due again: box n after 2^(n−1) days.
pub fn leitner(previous: Option<i64>, correct: bool, now: UnixMs) -> Option<(i64, UnixMs)> {
    let next = match (previous, correct) {
        (_, false) => 1,
        (Some(b), true) => (b + 1).min(5),
        // Right on a question never missed: nothing to review.
        (None, true) => return None,
    };
    Some((next, now + (1 << (next - 1)) * DAY_MS))
}

/// The database behind leaderboards and stats.
#[async_trait]
pub trait Store: Send + Sync {
    /// Records a new game as running.
    async fn start_game(&self, game: &NewGame) -> Result<GameId, StoreError>;
    /// Saves a revealed question's answers, and the review boxes they move, in one
    /// transaction.
    async fn record_answers(&self, game: GameId, answers: &[AnswerRow]) -> Result<(), StoreError>;
    /// Marks a game as ended.
    async fn finish_game(
        &self,
        game: GameId,
        status: GameStatus,
        at: UnixMs,
    ) -> Result<(), StoreError>;
    /// Marks `runner`'s running games as abandoned (after a crash); returns how many.
    async fn abandon_running(&self, runner: &str, at: UnixMs) -> Result<u64, StoreError>;
    async fn game_status(&self, game: GameId) -> Result<Option<GameStatus>, StoreError>;
    /// Members ranked by points in `scope` since the later of `period` and the last reset.
    async fn leaderboard(
        &self,
        scope: &Scope,
        period: Period,
        now: UnixMs,
        limit: usize,
    ) -> Result<Vec<BoardRow>, StoreError>;
    /// Starts a new season for `scope`: boards count from now; history stays.
    async fn reset_leaderboard(
        &self,
        scope: &Scope,
        by: &str,
        now: UnixMs,
    ) -> Result<(), StoreError>;
    /// A member's stats, in one server or everywhere.
    async fn member_stats(
        &self,
        member: &str,
        guild: Option<&str>,
    ) -> Result<MemberStats, StoreError>;
    /// Question ids due for `member`'s review, most urgent first.
    async fn due_reviews(
        &self,
        member: &str,
        now: UnixMs,
        limit: usize,
    ) -> Result<Vec<String>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leitner_boxes() {
        assert_eq!(leitner(None, false, 0), Some((1, DAY_MS)));
        assert_eq!(leitner(Some(1), true, 0), Some((2, 2 * DAY_MS)));
        assert_eq!(leitner(Some(3), true, 0), Some((4, 8 * DAY_MS)));
        assert_eq!(leitner(Some(5), true, 0), Some((5, 16 * DAY_MS)));
        assert_eq!(leitner(Some(4), false, 0), Some((1, DAY_MS)));
        assert_eq!(leitner(None, true, 0), None);
    }

    #[test]
    fn weakest_topics_skip_perfect_ones() {
        let t = |topic: &str, answers, correct| TopicStat {
            topic: topic.into(),
            answers,
            correct,
        };
        let s = MemberStats {
            topics: vec![t("a", 4, 1), t("b", 4, 4), t("c", 1, 0), t("d", 5, 3)],
            ..MemberStats::default()
        };
        let w: Vec<&str> = s.weakest(3).iter().map(|t| t.topic.as_str()).collect();
        assert_eq!(w, ["c", "a", "d"]);
    }
}
