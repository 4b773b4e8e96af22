//! `Store` on SQLite or PostgreSQL through sqlx's `Any` driver: one SQL text for both
//! (`$n` parameters, `ON CONFLICT`, `RETURNING`, integers for booleans, aggregates cast
//! to BIGINT), and one migration directory per database.

use async_trait::async_trait;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Row};

use super::{
    leitner, AnswerRow, BoardRow, GameId, GameStatus, MemberStats, NewGame, Period, Scope, Store,
    StoreError, TopicStat, UnixMs,
};

static SQLITE: Migrator = sqlx::migrate!("src/store/migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("src/store/migrations/postgres");

/// The SQL store.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pool: AnyPool,
}

impl SqlStore {
    /// Connects to `url` (`sqlite://FILE`, `sqlite::memory:`, `postgres://…`), creating
    /// the SQLite file if needed, and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, migrator, max) = if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:");
            let url = if memory || url.contains("mode=") {
                url.to_string()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            // An in-memory database exists once per connection: keep exactly one.
            (url, &SQLITE, if memory { 1 } else { 4 })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            (url.to_string(), &POSTGRES, 8)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .min_connections(if max == 1 { 1 } else { 0 })
            .idle_timeout(None)
            .max_lifetime(None)
            .connect(&url)
            .await?;
        if std::ptr::eq(migrator, &SQLITE) {
            // WAL: readers do not block the writer; the setting stays with the file.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await?;
        }
        migrator.run(&pool).await?;
        Ok(SqlStore { pool })
    }
}

fn board_row(r: &AnyRow) -> Result<BoardRow, sqlx::Error> {
    Ok(BoardRow {
        member_id: r.try_get(0)?,
        name: r.try_get(1)?,
        points: r.try_get(2)?,
        answers: r.try_get(3)?,
        correct: r.try_get(4)?,
        games: r.try_get(5)?,
    })
}

#[async_trait]
impl Store for SqlStore {
    async fn start_game(&self, g: &NewGame) -> Result<GameId, StoreError> {
        let row = sqlx::query(
            "INSERT INTO games (kind, runner, guild_id, channel_id, started_by, started_at, status, questions, settings)
             VALUES ($1, $2, $3, $4, $5, $6, 'running', $7, $8) RETURNING id",
        )
        .bind(g.kind.id())
        .bind(&g.runner)
        .bind(&g.guild_id)
        .bind(&g.channel_id)
        .bind(&g.started_by)
        .bind(g.started_at)
        .bind(g.questions as i32)
        .bind(&g.settings)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    async fn record_answers(&self, game: GameId, answers: &[AnswerRow]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for a in answers {
            sqlx::query(
                "INSERT INTO answers (game_id, question_index, question_id, topic, member_id, member_name,
                                      choice, correct, response_ms, points, streak, answered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (game_id, question_index, member_id) DO NOTHING",
            )
            .bind(game)
            .bind(a.question_index as i32)
            .bind(&a.question_id)
            .bind(&a.topic)
            .bind(&a.member_id)
            .bind(&a.member_name)
            .bind(a.choice as i32)
            .bind(a.correct as i32)
            .bind(a.response_ms as i64)
            .bind(i64::from(a.points))
            .bind(a.streak as i32)
            .bind(a.answered_at)
            .execute(&mut *tx)
            .await?;
            let previous: Option<i64> = sqlx::query(
                "SELECT CAST(box AS BIGINT) FROM reviews WHERE member_id = $1 AND question_id = $2",
            )
            .bind(&a.member_id)
            .bind(&a.question_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
            if let Some((next, due)) = leitner(previous, a.correct, a.answered_at) {
                sqlx::query(
                    "INSERT INTO reviews (member_id, question_id, box, due_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (member_id, question_id) DO UPDATE SET box = excluded.box, due_at = excluded.due_at",
                )
                .bind(&a.member_id)
                .bind(&a.question_id)
                .bind(next as i32)
                .bind(due)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn finish_game(
        &self,
        game: GameId,
        status: GameStatus,
        at: UnixMs,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE games SET status = $1, ended_at = $2 WHERE id = $3")
            .bind(status.id())
            .bind(at)
            .bind(game)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn abandon_running(&self, runner: &str, at: UnixMs) -> Result<u64, StoreError> {
        let r = sqlx::query(
            "UPDATE games SET status = 'abandoned', ended_at = $1 WHERE status = 'running' AND runner = $2",
        )
        .bind(at)
        .bind(runner)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    async fn game_status(&self, game: GameId) -> Result<Option<GameStatus>, StoreError> {
        let row = sqlx::query("SELECT status FROM games WHERE id = $1")
            .bind(game)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => GameStatus::parse(&r.try_get::<String, _>(0)?),
            None => None,
        })
    }

    async fn leaderboard(
        &self,
        scope: &Scope,
        period: Period,
        now: UnixMs,
        limit: usize,
    ) -> Result<Vec<BoardRow>, StoreError> {
        let (kind, id) = scope.key();
        let season: Option<i64> = sqlx::query(
            "SELECT CAST(MAX(started_at) AS BIGINT) FROM seasons WHERE scope = $1 AND scope_id = $2",
        )
        .bind(kind)
        .bind(&id)
        .fetch_one(&self.pool)
        .await?
        .try_get(0)?;
        let since = period.since(now).max(season.unwrap_or(0));
        let (guild, channel) = match scope {
            Scope::Global => (String::new(), String::new()),
            Scope::Server { guild } => (guild.clone(), String::new()),
            Scope::Channel { guild, channel } => (guild.clone(), channel.clone()),
        };
        let rows = sqlx::query(
            "SELECT a.member_id, MAX(a.member_name), CAST(SUM(a.points) AS BIGINT), CAST(COUNT(*) AS BIGINT),
                    CAST(SUM(a.correct) AS BIGINT), CAST(COUNT(DISTINCT a.game_id) AS BIGINT)
             FROM answers a JOIN games g ON g.id = a.game_id
             WHERE g.kind = 'channel' AND a.answered_at >= $1
               AND ($2 = '' OR g.guild_id = $2) AND ($3 = '' OR g.channel_id = $3)
             GROUP BY a.member_id
             ORDER BY 3 DESC, 5 DESC, 2 ASC
             LIMIT $4",
        )
        .bind(since)
        .bind(guild)
        .bind(channel)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(board_row).collect::<Result<_, _>>()?)
    }

    async fn reset_leaderboard(
        &self,
        scope: &Scope,
        by: &str,
        now: UnixMs,
    ) -> Result<(), StoreError> {
        let (kind, id) = scope.key();
        sqlx::query(
            "INSERT INTO seasons (scope, scope_id, started_at, reset_by) VALUES ($1, $2, $3, $4)",
        )
        .bind(kind)
        .bind(id)
        .bind(now)
        .bind(by)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn member_stats(
        &self,
        member: &str,
        guild: Option<&str>,
    ) -> Result<MemberStats, StoreError> {
        let guild = guild.unwrap_or("");
        let totals = sqlx::query(
            "SELECT CAST(COUNT(DISTINCT a.game_id) AS BIGINT), CAST(COUNT(*) AS BIGINT),
                    CAST(COALESCE(SUM(a.correct), 0) AS BIGINT), CAST(COALESCE(MAX(a.streak), 0) AS BIGINT)
             FROM answers a JOIN games g ON g.id = a.game_id
             WHERE a.member_id = $1 AND ($2 = '' OR g.guild_id = $2)",
        )
        .bind(member)
        .bind(guild)
        .fetch_one(&self.pool)
        .await?;
        let topics = sqlx::query(
            "SELECT a.topic, CAST(COUNT(*) AS BIGINT), CAST(SUM(a.correct) AS BIGINT)
             FROM answers a JOIN games g ON g.id = a.game_id
             WHERE a.member_id = $1 AND ($2 = '' OR g.guild_id = $2)
             GROUP BY a.topic ORDER BY a.topic",
        )
        .bind(member)
        .bind(guild)
        .fetch_all(&self.pool)
        .await?;
        Ok(MemberStats {
            games: totals.try_get(0)?,
            answers: totals.try_get(1)?,
            correct: totals.try_get(2)?,
            best_streak: totals.try_get(3)?,
            topics: topics
                .iter()
                .map(|r| {
                    Ok(TopicStat {
                        topic: r.try_get(0)?,
                        answers: r.try_get(1)?,
                        correct: r.try_get(2)?,
                    })
                })
                .collect::<Result<_, sqlx::Error>>()?,
        })
    }

    async fn due_reviews(
        &self,
        member: &str,
        now: UnixMs,
        limit: usize,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT question_id FROM reviews WHERE member_id = $1 AND due_at <= $2
             ORDER BY box ASC, due_at ASC, question_id ASC LIMIT $3",
        )
        .bind(member)
        .bind(now)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?)
    }
}
