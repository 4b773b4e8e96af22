//! Faults the bot must survive, against the fake Discord: the process killed mid-quiz.

mod fake_discord;

use fake_discord::harness::*;
use fake_discord::*;
use serde_json::json;

/// A PostgreSQL URL with a fresh schema for this test, when the tests have a server.
async fn postgres_url(schema: &str) -> Option<String> {
    let base = std::env::var("SRM_TEST_POSTGRES_URL").ok()?;
    use sqlx::Executor;
    let admin = sqlx::PgPool::connect(&base).await.unwrap();
    admin
        .execute(format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
}

/// Counts of (answers, answers of revealed questions 0 and 1) and the game's status.
async fn saved(url: &str) -> (i64, String) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let answers: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    let status: String = sqlx::query_scalar("SELECT status FROM games")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    (answers, status)
}

/// Two revealed questions answered by two members, a third one open and answered by one:
/// `kill -9`. Every revealed answer is in the database; after a restart the game is
/// abandoned and its old buttons say the quiz has ended.
async fn kill_9_mid_quiz_keeps_every_revealed_answer(store_url: String, dir: tempfile::TempDir) {
    let fake = FakeDiscord::start().await;
    let mut bot = Bot::start_with(&fake, dir, &store_url, "auto").await;
    let start = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            start,
            51,
            "hal",
            "quiz",
            json!([{"name": "start", "type": 1, "options": [
                {"name": "questions", "type": 4, "value": 5},
                {"name": "seconds", "type": 4, "value": 5}
            ]}]),
            0,
        ),
    );
    callback(&fake, start).await;
    for q in 0..3 {
        let (msg, buttons) = question_message(&fake, q).await;
        let clickers: &[(u64, &str)] = if q < 2 {
            &[(51, "hal"), (52, "ida")]
        } else {
            &[(51, "hal")]
        };
        for (uid, name) in clickers {
            let id = fake.id();
            fake.dispatch(
                "INTERACTION_CREATE",
                click(id, *uid, name, &buttons[0], msg),
            );
            callback(&fake, id).await;
        }
        if q < 2 {
            reveal_of(&fake, msg).await;
        }
    }
    // Question 3 is open with one answer in memory: kill the process without warning.
    bot.child.start_kill().unwrap();
    bot.child.wait().await.unwrap();
    let (answers, status) = saved(&store_url).await;
    assert_eq!(
        (answers, status.as_str()),
        (4, "running"),
        "the revealed answers survive"
    );

    // Restart on the same database: the game is marked abandoned; old buttons end politely.
    let dir = bot._dir;
    let _again = Bot::start_with(&fake, dir, &store_url, "auto").await;
    let (answers, status) = saved(&store_url).await;
    assert_eq!((answers, status.as_str()), (4, "abandoned"));
    let (msg, buttons) = question_message(&fake, 2).await;
    let id = fake.id();
    fake.dispatch("INTERACTION_CREATE", click(id, 52, "ida", &buttons[1], msg));
    assert_eq!(
        callback(&fake, id).await.body["data"]["content"],
        "This quiz has ended."
    );
}

#[tokio::test]
async fn kill_9_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    kill_9_mid_quiz_keeps_every_revealed_answer(url, dir).await;
}

#[tokio::test]
async fn kill_9_postgres() {
    let Some(url) = postgres_url("t_kill_9").await else {
        eprintln!("skipped: SRM_TEST_POSTGRES_URL is not set");
        return;
    };
    kill_9_mid_quiz_keeps_every_revealed_answer(url, tempfile::tempdir().unwrap()).await;
}
