//! Faults the bot must survive, against the fake Discord: the process killed mid-quiz,
//! the gateway dropped, REST calls failing (500, 429) or failing for good, a broken reload.

use crate::pg;

use crate::fake_discord::harness::*;
use crate::fake_discord::*;
use serde_json::json;

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
    start_quiz(&fake, (51, "hal"), 5, 5).await;
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
    let Some(url) = pg::fresh_schema_url("t_kill_9").await else {
        eprintln!("skipped: SRM_TEST_POSTGRES_URL is not set");
        return;
    };
    kill_9_mid_quiz_keeps_every_revealed_answer(url, tempfile::tempdir().unwrap()).await;
}

/// Asks `question` with /ask and returns the reply's embed title or content.
async fn ask(fake: &FakeDiscord, question: &str) -> String {
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            61,
            "joe",
            "ask",
            json!([{"name": "question", "type": 3, "value": question}]),
            0,
        ),
    );
    let cb = callback(fake, id).await;
    let data = &cb.body["data"];
    data["embeds"][0]["title"]
        .as_str()
        .or(data["content"].as_str())
        .unwrap_or_default()
        .to_string()
}

async fn admin_reload(fake: &FakeDiscord) -> String {
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            62,
            "kim",
            "srm-admin",
            json!([{"name": "reload", "type": 1, "options": []}]),
            1 << 5,
        ),
    );
    callback(fake, id).await.body["data"]["content"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A bot on its own copy of the knowledge directory (to edit and reload).
async fn bot_with_own_knowledge() -> (FakeDiscord, Bot, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("knowledge");
    copy_tree(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
        &kb,
    );
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let fake = FakeDiscord::start().await;
    let bot = Bot::start_with(&fake, dir, &url, "auto").await;
    (fake, bot, kb)
}

#[tokio::test]
async fn knowledge_reloads_on_sighup_and_a_broken_one_keeps_the_old() {
    let (fake, bot, kb) = bot_with_own_knowledge().await;
    assert!(ask(&fake, "who feeds the zebras in the data center")
        .await
        .starts_with("I don't know"));

    std::fs::write(
        kb.join("zebra.yaml"),
        "topic: physical\nentries:\n  - id: zebra_feeding\n    question: Who feeds the zebras in the data center?\n    owner: aws\n    rationale: Everything inside AWS facilities is AWS's to look after.\n    phrasings: [who feeds the zebras, zebra feeding duty, are the zebras mine to feed]\n    source: {title: \"Test entry\", url: \"https://aws.amazon.com/compliance/shared-responsibility-model/\", checked: 2026-11-24}\n",
    )
    .unwrap();
    let pid = bot.child.id().unwrap().to_string();
    assert!(std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status()
        .unwrap()
        .success());
    let mut title = String::new();
    for _ in 0..50 {
        title = ask(&fake, "who feeds the zebras in the data center").await;
        if title.starts_with("AWS") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(title.starts_with("AWS — Who feeds the zebras"), "{title}");

    // A broken file: the reload reports file, line and field, and the old knowledge stays.
    std::fs::write(
        kb.join("broken.yaml"),
        "topic: x\nentries:\n  - id: broken_one\n    question: Q?\n    owner: amazon\n    rationale: R.\n    phrasings: [a, b, c]\n    source: {title: \"Test entry\", url: \"https://aws.amazon.com/compliance/shared-responsibility-model/\", checked: 2026-11-24}\n",
    )
    .unwrap();
    let reply = admin_reload(&fake).await;
    assert!(reply.contains("current knowledge stays"), "{reply}");
    assert!(reply.contains("broken.yaml:5: entries[0].owner"), "{reply}");
    assert!(ask(&fake, "who feeds the zebras").await.starts_with("AWS"));

    std::fs::remove_file(kb.join("broken.yaml")).unwrap();
    assert!(admin_reload(&fake).await.starts_with("Knowledge reloaded"));
}

/// The gateway drops mid-quiz: resumably (close 4000), with a session that cannot be
/// resumed (close 4009, "session timed out") and with INVALID_SESSION (op 9). The bot
/// reconnects each time and the quiz completes with every answer counted.
#[tokio::test]
async fn gateway_drops_mid_quiz_and_every_answer_counts() {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake).await;
    let url = bot.store_url.clone();
    // 30 s questions: long enough for a re-identify (serenity waits a few seconds).
    start_quiz(&fake, (91, "lee"), 4, 30).await;
    for q in 0..4 {
        let (msg, buttons) = question_message(&fake, q).await;
        match q {
            0 => {
                fake.close_gateway(4000);
                fake.wait_until("the bot resumed", |f| f.resumes() >= 1)
                    .await;
            }
            1 => {
                let before = fake.identifies();
                fake.close_gateway(4009);
                fake.wait_until("the bot identified after 4009", move |f| {
                    f.identifies() > before
                })
                .await;
            }
            2 => {
                let before = fake.identifies();
                fake.invalidate_session();
                fake.wait_until("the bot identified again", move |f| f.identifies() > before)
                    .await;
            }
            _ => {}
        }
        for (uid, name) in [(91u64, "lee"), (92, "max")] {
            let id = fake.id();
            fake.dispatch("INTERACTION_CREATE", click(id, uid, name, &buttons[0], msg));
            assert_locked_in(&callback(&fake, id).await);
        }
        reveal_of(&fake, msg).await;
    }
    podium(&fake).await;
    let (answers, status) = saved(&url).await;
    assert_eq!((answers, status.as_str()), (8, "completed"));
}

/// Members 61 and 62 answer question `index`; returns its message id and the buttons.
async fn both_answer(fake: &FakeDiscord, index: usize) -> (u64, Vec<String>) {
    let (msg, buttons) = question_message(fake, index).await;
    for (uid, name) in [(61u64, "nia"), (62, "oto")] {
        let id = fake.id();
        fake.dispatch("INTERACTION_CREATE", click(id, uid, name, &buttons[1], msg));
        callback(fake, id).await;
    }
    (msg, buttons)
}

fn question_post(title: &'static str) -> impl Fn(&str, &str, &serde_json::Value) -> bool {
    move |method, path, body| {
        method == "POST"
            && path.ends_with("/messages")
            && body["embeds"][0]["title"]
                .as_str()
                .is_some_and(|t| t.starts_with(title))
    }
}

fn reveal_edit(method: &str, _path: &str, body: &serde_json::Value) -> bool {
    method == "PATCH" && body["components"][0]["components"][0]["disabled"] == true
}

/// The question post fails with 500 twice, the first reveal edit gets a 429 with
/// `retry_after` 0.8 s, the second reveal edit a 502: the bot backs off, waits what
/// Discord asked, and the quiz completes with every answer saved.
#[tokio::test]
async fn rest_500_and_429_are_retried_and_the_quiz_completes() {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake).await;
    let url = bot.store_url.clone();
    fake.fail_next(question_post("Question 1/"), 500, None, 2);
    fake.fail_next(reveal_edit, 429, Some(0.8), 1);
    start_quiz(&fake, (61, "nia"), 2, 5).await;
    let (first, _) = both_answer(&fake, 0).await;
    reveal_of(&fake, first).await;
    fake.fail_next(reveal_edit, 502, None, 1);
    let (second, _) = both_answer(&fake, 1).await;
    reveal_of(&fake, second).await;
    podium(&fake).await;
    let (answers, status) = saved(&url).await;
    assert_eq!((answers, status.as_str()), (4, "completed"));

    let calls = fake.calls();
    // Question 1: 500, 500, then posted; the waits grew (100 ms, then 200 ms).
    let posts: Vec<&Call> = calls
        .iter()
        .filter(|c| question_post("Question 1/")("POST", &c.path, &c.body) && c.method == "POST")
        .collect();
    let statuses: Vec<u16> = posts.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [500, 500, 200]);
    assert!(posts[1].at - posts[0].at >= std::time::Duration::from_millis(100));
    assert!(posts[2].at - posts[1].at >= std::time::Duration::from_millis(200));
    // Every attempt carries the same nonce, so Discord would drop a duplicate post.
    let nonce = &posts[0].body["nonce"];
    assert!(nonce.is_string() && posts.iter().all(|c| &c.body["nonce"] == nonce));
    assert!(posts.iter().all(|c| c.body["enforce_nonce"] == true));
    // Reveal 1: a 429 asking for 0.8 s, retried no sooner.
    let reveal_path = format!("/api/v10/channels/{CHANNEL_ID}/messages/{first}");
    let reveals: Vec<&Call> = calls
        .iter()
        .filter(|c| c.path == reveal_path && reveal_edit(&c.method, &c.path, &c.body))
        .collect();
    assert_eq!(
        reveals.iter().map(|c| c.status).collect::<Vec<_>>(),
        [429, 200]
    );
    assert!(reveals[1].at - reveals[0].at >= std::time::Duration::from_millis(800));
    // Reveal 2: a 502, then done.
    let reveal_path = format!("/api/v10/channels/{CHANNEL_ID}/messages/{second}");
    let statuses: Vec<u16> = calls
        .iter()
        .filter(|c| c.path == reveal_path && reveal_edit(&c.method, &c.path, &c.body))
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [502, 200]);
    // Accepted quiz messages: at most 3 per question, plus the podium.
    let accepted = calls
        .iter()
        .filter(|c| {
            c.ok()
                && c.path
                    .starts_with(&format!("/api/v10/channels/{CHANNEL_ID}/"))
        })
        .count();
    assert!(accepted <= 2 * 3 + 1, "{accepted} accepted calls");
}

/// Discord answers every post of question 2 with 503: after its attempts the bot ends the
/// game as failed, keeps question 1's answers, tells the channel, old buttons say the quiz
/// ended, and a new quiz can start in the channel.
#[tokio::test]
async fn discord_staying_down_fails_the_game_and_keeps_what_was_revealed() {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake).await;
    let url = bot.store_url.clone();
    fake.fail_next(question_post("Question 2/"), 503, None, usize::MAX);
    start_quiz(&fake, (61, "nia"), 3, 5).await;
    let (first, buttons) = both_answer(&fake, 0).await;
    reveal_of(&fake, first).await;
    let notice = fake
        .wait_call(0, "the failure notice", |c| {
            c.ok()
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("This quiz had to stop"))
        })
        .await;
    assert!(pings_nobody(&notice.body));
    let (answers, status) = saved(&url).await;
    assert_eq!((answers, status.as_str()), (2, "failed"));
    let attempts = fake.calls().iter().filter(|c| c.status == 503).count();
    assert_eq!(attempts, 6, "the configured default of 6 attempts");

    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        click(id, 62, "oto", &buttons[0], first),
    );
    assert_eq!(
        callback(&fake, id).await.body["data"]["content"],
        "This quiz has ended."
    );
    fake.heal();
    let again = start_quiz(&fake, (61, "nia"), 1, 5).await;
    assert!(
        again.body["data"]["content"]
            .as_str()
            .is_some_and(|t| t.starts_with("Quiz starting")),
        "{:#}",
        again.body
    );
}

/// The last line a failed start printed, checked to be plain text (no colour codes).
fn last_line(exit: &Exit) -> &str {
    assert!(
        !exit.stderr.contains('\u{1b}'),
        "colour codes in a piped log:\n{}",
        exit.stderr
    );
    exit.stderr.lines().last().unwrap_or_default()
}

/// A start against a fake Discord that refuses the first call matching `method` and the
/// path's `end` with `status` and Discord's JSON error `body`; the exit, checked quick.
async fn refused_start(
    method: &'static str,
    end: &'static str,
    status: u16,
    body: serde_json::Value,
) -> (FakeDiscord, Exit) {
    let fake = FakeDiscord::start().await;
    fake.refuse_next(
        move |m, p, _| m == method && p.ends_with(end),
        status,
        body,
        1,
    );
    let exit = serve_until_exit(&fake.base_url(), Some(GUILD_ID)).await;
    let exit = assert_quick_failure(&exit).clone();
    (fake, exit)
}

fn assert_quick_failure(exit: &Option<Exit>) -> &Exit {
    let exit = exit.as_ref().expect("the bot stayed up instead of exiting");
    assert_eq!(exit.code, Some(2), "{}", exit.stderr);
    assert!(
        exit.after < std::time::Duration::from_secs(10),
        "took {:?} to give up",
        exit.after
    );
    exit
}

#[tokio::test]
async fn a_refused_command_upload_ends_the_process_naming_the_command() {
    let (fake, exit) = refused_start(
        "PUT",
        "/commands",
        400,
        json!({"message": "Invalid Form Body", "code": 50035, "errors": {"2": {"options": {"0": {"description": {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}}}}}}),
    )
    .await;
    let line = last_line(&exit);
    assert!(
        line.starts_with("error: discord: Discord refused the slash command /quiz (HTTP 400: Invalid Form Body — options.0.description: Must be between 1 and 100 in length.)"),
        "{line}"
    );
    assert_eq!(fake.identifies(), 0, "it never connected to the gateway");
}

#[tokio::test]
async fn a_403_on_the_upload_ends_the_process_too() {
    let (_fake, exit) = refused_start(
        "PUT",
        "/commands",
        403,
        json!({"message": "Missing Access", "code": 50001}),
    )
    .await;
    let line = last_line(&exit);
    assert!(line.contains("HTTP 403: Missing Access"), "{line}");
}

#[tokio::test]
async fn a_server_the_bot_is_not_in_ends_the_process() {
    let fake = FakeDiscord::start().await;
    let exit = serve_until_exit(&fake.base_url(), Some(GUILD_ID + 1)).await;
    let line = last_line(assert_quick_failure(&exit));
    assert!(
        line.contains(&format!("the bot is not in server {}", GUILD_ID + 1))
            && line.contains("Unknown Guild")
            && line.contains("[discord] guild_id"),
        "{line}"
    );
}

#[tokio::test]
async fn a_bad_token_names_the_token_setting() {
    let (_fake, exit) = refused_start(
        "GET",
        "/users/@me",
        401,
        json!({"message": "401: Unauthorized", "code": 0}),
    )
    .await;
    let line = last_line(&exit);
    assert!(
        line.starts_with("error: discord: the bot token was rejected")
            && line.contains("DISCORD_TOKEN")
            && line.contains("[discord] token"),
        "{line}"
    );
    assert!(!line.contains("database"), "{line}");
    assert!(!exit.stderr.contains(TOKEN), "the token was logged");
}

#[tokio::test]
async fn transient_failures_at_start_are_retried() {
    let fake = FakeDiscord::start().await;
    fake.fail_next(
        |m, p, _| m == "GET" && p.ends_with("/users/@me"),
        502,
        None,
        2,
    );
    fake.fail_next(
        |m, p, _| m == "PUT" && p.ends_with("/commands"),
        429,
        Some(0.1),
        1,
    );
    let bot = Bot::start(&fake).await;
    let tries = |path: &'static str| {
        fake.calls()
            .iter()
            .filter(|c| c.path.ends_with(path))
            .count()
    };
    assert_eq!(tries("/users/@me"), 3, "two 502s, then the token check");
    assert!(tries("/commands") >= 2, "the 429 was retried");
    assert!(bot.log().contains("retrying"), "{}", bot.log());
}

#[tokio::test]
async fn discord_unreachable_at_start_gives_up_after_retries() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let exit = serve_until_exit(&format!("http://127.0.0.1:{port}"), Some(GUILD_ID)).await;
    let exit = assert_quick_failure(&exit);
    let line = last_line(exit);
    assert!(
        line.starts_with("error: discord: unreachable while checking the token")
            && line.contains("after 4 attempt(s)"),
        "{line}"
    );
}

/// Forty filler entries that sort first, so every entry's index shifts while they exist.
fn filler() -> String {
    let mut s = String::from("topic: physical\nentries:\n");
    for i in 0..40 {
        s.push_str(&format!(
            "  - id: aaa_filler_{i}\n    question: Who polishes brass plaque number {i} in the lobby?\n    owner: aws\n    rationale: Plaques in AWS buildings are AWS's.\n    phrasings: [brass plaque {i} polishing, who polishes plaque {i}, plaque {i} duty]\n    source: {{title: \"Test entry\", url: \"https://aws.amazon.com/compliance/shared-responsibility-model/\", checked: 2026-11-24}}\n"
        ));
    }
    s
}

#[tokio::test]
async fn reloading_while_answering_never_mixes_two_knowledge_bases() {
    let (fake, bot, kb) = bot_with_own_knowledge().await;
    let want = "Customer — Who patches the guest operating system on an Amazon EC2 instance?";
    for round in 0..6 {
        if round % 2 == 0 {
            std::fs::write(kb.join("aaa_filler.yaml"), filler()).unwrap();
        } else {
            std::fs::remove_file(kb.join("aaa_filler.yaml")).unwrap();
        }
        // The reload and the answers race: none may be rendered against the other
        // knowledge base (a wrong entry, or an index out of range).
        let mut ids = Vec::new();
        for k in 0..12 {
            let id = fake.id();
            if k == 3 {
                fake.dispatch(
                    "INTERACTION_CREATE",
                    command(
                        id,
                        62,
                        "kim",
                        "srm-admin",
                        json!([{"name": "reload", "type": 1, "options": []}]),
                        1 << 5,
                    ),
                );
                continue;
            }
            let event = if k % 2 == 0 {
                command(
                    id,
                    61,
                    "joe",
                    "ask",
                    json!([{"name": "question", "type": 3, "value": "who patches the guest OS on EC2?"}]),
                    0,
                )
            } else {
                click(id, 61, "joe", "ask:ec2_guest_os_patching", 1)
            };
            fake.dispatch("INTERACTION_CREATE", event);
            ids.push(id);
        }
        for id in ids {
            let cb = callback(&fake, id).await;
            let title = cb.body["data"]["embeds"][0]["title"]
                .as_str()
                .unwrap_or_default();
            assert_eq!(title, want, "round {round}: {:#}", cb.body);
        }
    }
    assert!(!bot.log().contains("panicked"), "{}", bot.log());
}
