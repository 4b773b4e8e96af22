//! The store suite, run against SQLite and against PostgreSQL. PostgreSQL runs when
//! `SRM_TEST_POSTGRES_URL` names a database the tests may create schemas in (`.ci/run`
//! starts one); without it the PostgreSQL half reports itself skipped.

use crate::pg;

use srm_bot::store::{
    AnswerRow, GameKind, GameStatus, NewGame, Period, Scope, SqlStore, Store, UnixMs,
};

const DAY: UnixMs = 24 * 60 * 60 * 1000;
const NOW: UnixMs = 1_800_000_000_000;

fn game(guild: &str, channel: &str, runner: &str) -> NewGame {
    NewGame {
        kind: GameKind::Channel,
        runner: runner.into(),
        guild_id: guild.into(),
        channel_id: channel.into(),
        started_by: "starter".into(),
        started_at: NOW - DAY,
        questions: 5,
        settings: "{}".into(),
    }
}

/// An answer by `member` to question `q` of a game.
fn ans(q: usize, member: &str, correct: bool, points: u32, at: UnixMs) -> AnswerRow {
    AnswerRow {
        question_index: q,
        question_id: format!("kb:q{q}"),
        topic: if q % 2 == 0 { "iam" } else { "patching" }.into(),
        member_id: format!("id-{member}"),
        member_name: member.into(),
        choice: usize::from(!correct),
        correct,
        response_ms: 1_500,
        points,
        streak: u32::from(correct),
        answered_at: at,
    }
}

fn names(rows: &[srm_bot::store::BoardRow]) -> Vec<&str> {
    rows.iter().map(|r| r.name.as_str()).collect()
}

async fn leaderboards_per_channel_server_and_global(s: SqlStore) {
    let g1 = s.start_game(&game("g1", "c1", "r")).await.unwrap();
    let g2 = s.start_game(&game("g1", "c2", "r")).await.unwrap();
    let g3 = s.start_game(&game("g2", "c9", "r")).await.unwrap();
    let t = NOW - 60_000;
    s.record_answers(
        g1,
        &[ans(0, "ann", true, 900, t), ans(0, "bob", false, 0, t)],
    )
    .await
    .unwrap();
    s.record_answers(
        g1,
        &[ans(1, "ann", true, 800, t), ans(1, "bob", true, 1000, t)],
    )
    .await
    .unwrap();
    s.record_answers(g2, &[ans(0, "bob", true, 1000, t)])
        .await
        .unwrap();
    s.record_answers(g3, &[ans(0, "cat", true, 5000, t)])
        .await
        .unwrap();

    let chan = Scope::Channel {
        guild: "g1".into(),
        channel: "c1".into(),
    };
    let board = s.leaderboard(&chan, Period::All, NOW, 10).await.unwrap();
    assert_eq!(names(&board), ["ann", "bob"]);
    assert_eq!(
        (board[0].points, board[0].answers, board[0].correct),
        (1700, 2, 2)
    );
    assert_eq!(board[1].accuracy(), 0.5);

    let server = Scope::Server { guild: "g1".into() };
    let board = s.leaderboard(&server, Period::All, NOW, 10).await.unwrap();
    assert_eq!(names(&board), ["bob", "ann"]);
    assert_eq!((board[0].points, board[0].games), (2000, 2));

    let board = s
        .leaderboard(&Scope::Global, Period::All, NOW, 10)
        .await
        .unwrap();
    assert_eq!(names(&board), ["cat", "bob", "ann"]);
    let board = s
        .leaderboard(&Scope::Global, Period::All, NOW, 1)
        .await
        .unwrap();
    assert_eq!(names(&board), ["cat"]);
}

async fn periods_are_rolling_windows(s: SqlStore) {
    let g = s.start_game(&game("g1", "c1", "r")).await.unwrap();
    s.record_answers(g, &[ans(0, "old", true, 1000, NOW - 20 * DAY)])
        .await
        .unwrap();
    s.record_answers(g, &[ans(1, "new", true, 500, NOW - DAY)])
        .await
        .unwrap();
    let server = Scope::Server { guild: "g1".into() };
    let week = s.leaderboard(&server, Period::Week, NOW, 10).await.unwrap();
    assert_eq!(names(&week), ["new"]);
    let month = s
        .leaderboard(&server, Period::Month, NOW, 10)
        .await
        .unwrap();
    assert_eq!(names(&month), ["old", "new"]);
}

async fn a_reset_starts_a_season_and_keeps_history(s: SqlStore) {
    let g = s.start_game(&game("g1", "c1", "r")).await.unwrap();
    s.record_answers(g, &[ans(0, "ann", true, 1000, NOW - DAY)])
        .await
        .unwrap();
    let server = Scope::Server { guild: "g1".into() };
    s.reset_leaderboard(&server, "admin", NOW - 1000)
        .await
        .unwrap();
    assert!(s
        .leaderboard(&server, Period::All, NOW, 10)
        .await
        .unwrap()
        .is_empty());
    // Other scopes and the member's history are untouched.
    assert_eq!(
        names(
            &s.leaderboard(&Scope::Global, Period::All, NOW, 10)
                .await
                .unwrap()
        ),
        ["ann"]
    );
    assert_eq!(s.member_stats("id-ann", None).await.unwrap().answers, 1);
    // New points count in the new season.
    s.record_answers(g, &[ans(1, "bob", true, 700, NOW)])
        .await
        .unwrap();
    assert_eq!(
        names(&s.leaderboard(&server, Period::All, NOW, 10).await.unwrap()),
        ["bob"]
    );
}

async fn member_stats_by_topic_weakest_and_best_streak(s: SqlStore) {
    let g = s.start_game(&game("g1", "c1", "r")).await.unwrap();
    let t = NOW - DAY;
    let mut rows = Vec::new();
    // iam (even questions): 1 of 3 right; patching (odd): 2 of 2 right.
    for (q, correct) in [(0, false), (1, true), (2, true), (3, true), (4, false)] {
        rows.push(ans(q, "ann", correct, if correct { 800 } else { 0 }, t));
    }
    rows[2].streak = 3;
    for r in &rows {
        s.record_answers(g, std::slice::from_ref(r)).await.unwrap();
    }
    let st = s.member_stats("id-ann", Some("g1")).await.unwrap();
    assert_eq!(
        (st.games, st.answers, st.correct, st.best_streak),
        (1, 5, 3, 3)
    );
    assert_eq!(st.topics.len(), 2);
    let weak: Vec<&str> = st.weakest(3).iter().map(|t| t.topic.as_str()).collect();
    assert_eq!(weak, ["iam"]);
    assert_eq!(
        s.member_stats("id-ann", Some("other"))
            .await
            .unwrap()
            .answers,
        0
    );
}

async fn missed_questions_come_back_by_leitner_box(s: SqlStore) {
    let g = s.start_game(&game("g1", "c1", "r")).await.unwrap();
    s.record_answers(g, &[ans(0, "ann", false, 0, NOW)])
        .await
        .unwrap();
    s.record_answers(g, &[ans(1, "ann", true, 900, NOW)])
        .await
        .unwrap();
    assert!(s.due_reviews("id-ann", NOW, 10).await.unwrap().is_empty());
    assert_eq!(
        s.due_reviews("id-ann", NOW + DAY, 10).await.unwrap(),
        ["kb:q0"]
    );
    // Right in review: box 2, due two days later.
    let review = NewGame {
        kind: GameKind::Review,
        ..game("g1", "dm", "r")
    };
    let r = s.start_game(&review).await.unwrap();
    s.record_answers(r, &[ans(0, "ann", true, 900, NOW + DAY)])
        .await
        .unwrap();
    assert!(s
        .due_reviews("id-ann", NOW + 2 * DAY, 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        s.due_reviews("id-ann", NOW + 3 * DAY, 10).await.unwrap(),
        ["kb:q0"]
    );
    // Review games do not count on leaderboards.
    let board = s
        .leaderboard(&Scope::Global, Period::All, NOW + 3 * DAY, 10)
        .await
        .unwrap();
    assert_eq!(board[0].points, 900);
}

async fn answers_are_counted_exactly_once(s: SqlStore) {
    let g = s.start_game(&game("g1", "c1", "r")).await.unwrap();
    let rows = [ans(0, "ann", true, 1000, NOW)];
    s.record_answers(g, &rows).await.unwrap();
    s.record_answers(g, &rows).await.unwrap();
    assert_eq!(s.member_stats("id-ann", None).await.unwrap().answers, 1);
}

async fn a_restart_abandons_only_its_own_running_games(s: SqlStore) {
    let mine = s.start_game(&game("g1", "c1", "shard-0")).await.unwrap();
    let done = s.start_game(&game("g1", "c2", "shard-0")).await.unwrap();
    let theirs = s.start_game(&game("g2", "c1", "shard-1")).await.unwrap();
    s.finish_game(done, GameStatus::Completed, NOW)
        .await
        .unwrap();
    assert_eq!(s.abandon_running("shard-0", NOW).await.unwrap(), 1);
    assert_eq!(
        s.game_status(mine).await.unwrap(),
        Some(GameStatus::Abandoned)
    );
    assert_eq!(
        s.game_status(done).await.unwrap(),
        Some(GameStatus::Completed)
    );
    assert_eq!(
        s.game_status(theirs).await.unwrap(),
        Some(GameStatus::Running)
    );
    assert_eq!(s.game_status(9_999_999).await.unwrap(), None);
}

/// A fresh SQLite database file.
async fn sqlite() -> (SqlStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    (SqlStore::connect(&url).await.unwrap(), dir)
}

/// A fresh schema in the test PostgreSQL, or None when there is none.
async fn postgres(name: &str) -> Option<SqlStore> {
    let url = pg::fresh_schema_url(&format!("t_{name}")).await?;
    Some(SqlStore::connect(&url).await.unwrap())
}

macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    let (store, _dir) = super::sqlite().await;
                    super::$test(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    match super::postgres(stringify!($test)).await {
                        Some(store) => super::$test(store).await,
                        None => eprintln!("skipped: SRM_TEST_POSTGRES_URL is not set"),
                    }
                }
            )*
        }
    };
}

suite!(
    leaderboards_per_channel_server_and_global,
    periods_are_rolling_windows,
    a_reset_starts_a_season_and_keeps_history,
    member_stats_by_topic_weakest_and_best_streak,
    missed_questions_come_back_by_leitner_box,
    answers_are_counted_exactly_once,
    a_restart_abandons_only_its_own_running_games,
);

#[tokio::test]
async fn sqlite_is_created_on_first_run_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    assert!(!path.exists());
    let store = SqlStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert!(path.exists());
    drop(store);
    let conn = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn an_unsupported_url_is_a_clear_error() {
    let err = SqlStore::connect("mysql://x").await.unwrap_err();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
}

/// The review flow `app` owns, against a real database: a review left alone past
/// `REVIEW_IDLE_MS` is abandoned, and its game says so.
#[tokio::test]
async fn an_idle_review_is_abandoned_with_its_game() {
    use srm_bot::app::{self, Brain, Venue};
    let (store, dir) = sqlite().await;
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        dir.path().join("test.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("INSERT INTO reviews (member_id, question_id, box, due_at) VALUES ('u1', 'kb:ec2_guest_os_patching', 1, 0)")
        .execute(&pool)
        .await
        .unwrap();
    let venue = Venue {
        runner: "test".into(),
        guild: "g".into(),
        channel: "c".into(),
        starter: srm_bot::quiz::session::Player {
            id: "u1".into(),
            name: "Ann".into(),
        },
    };
    let brain = Brain::embedded().unwrap();
    let started = 1_000_000;
    let review = app::begin_review(&brain, &store, &venue, started)
        .await
        .unwrap();
    assert_eq!(review.session.total(), 1);
    let later = started + app::REVIEW_IDLE_MS;
    assert!(app::review_idle(&review, later));
    app::abandon_reviews(&store, std::slice::from_ref(&review), later).await;
    let status: String = sqlx::query_scalar("SELECT status FROM games WHERE kind = 'review'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "abandoned");
}
