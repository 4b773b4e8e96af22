//! The real bot (`srm-bot serve`) against a local fake Discord: slash commands, a whole
//! quiz with buttons, the REST budget, no pings, and no token in the logs.

use crate::fake_discord::harness::*;
use crate::fake_discord::*;
use serde_json::json;
use serenity::all as sy;

#[test]
fn every_fixture_parses_as_serenity_types() {
    let addr: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
    serde_json::from_value::<sy::Ready>(ready(addr)).expect("READY");
    serde_json::from_value::<sy::CurrentApplicationInfo>(application()).expect("application");
    serde_json::from_value::<sy::Message>(message(5, CHANNEL_ID, BOT_ID, &json!({})))
        .expect("message");
    let cases = [
        command(
            1,
            10,
            "ann",
            "ask",
            json!([{"name": "question", "type": 3, "value": "hi"}]),
            0,
        ),
        command(
            2,
            10,
            "ann",
            "quiz",
            json!([{"name": "start", "type": 1, "options": []}]),
            0,
        ),
        autocomplete(3, 10, "ask", "question", "patch"),
        click(4, 10, "ann", "quiz:1:0:1", 77),
    ];
    for c in cases {
        let parsed: sy::Interaction =
            serde_json::from_value(c.clone()).unwrap_or_else(|e| panic!("{e}: {c:#}"));
        match (c["type"].as_u64(), parsed) {
            (Some(2), sy::Interaction::Command(_))
            | (Some(4), sy::Interaction::Autocomplete(_))
            | (Some(3), sy::Interaction::Component(_)) => {}
            (t, p) => panic!("type {t:?} parsed as {p:?}"),
        }
    }
}

#[tokio::test]
async fn ask_autocomplete_and_mentions() {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake).await;

    // Commands were registered in the configured server.
    let reg = fake
        .calls()
        .into_iter()
        .find(|c| c.method == "PUT" && c.path.ends_with("/commands"))
        .unwrap();
    assert!(
        reg.path.contains(&format!("/guilds/{GUILD_ID}/")),
        "{}",
        reg.path
    );
    let names: Vec<&str> = reg
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for n in [
        "ask",
        "model",
        "quiz",
        "leaderboard",
        "stats",
        "review",
        "topics",
        "help",
        "srm-admin",
    ] {
        assert!(names.contains(&n), "{n} not registered: {names:?}");
    }

    // /quiz start's limits travel to Discord (its UI refuses other values), and they are
    // the core's limits.
    let quiz = reg
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "quiz")
        .unwrap();
    let start = quiz["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "start")
        .unwrap();
    let limit = |name: &str| {
        let o = start["options"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {start:#}"));
        (o["min_value"].as_f64(), o["max_value"].as_f64())
    };
    use srm_bot::quiz::session::{QUESTIONS, SECONDS};
    assert_eq!(
        limit("questions"),
        (
            Some(*QUESTIONS.start() as f64),
            Some(*QUESTIONS.end() as f64)
        )
    );
    assert_eq!(
        limit("seconds"),
        (Some(*SECONDS.start() as f64), Some(*SECONDS.end() as f64))
    );

    // /ask: owner in the title, pings nobody.
    let cb = slash(&fake, "ask", "question", "who patches the guest OS on EC2?").await;
    let data = &cb.body["data"];
    let title = data["embeds"][0]["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Customer"), "{:#}", cb.body);
    assert!(pings_nobody(data), "{:#}", cb.body);
    // The AWS page the answer was checked against is a clickable link.
    let embed = &data["embeds"][0];
    assert!(
        embed["url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://") && u.contains("amazon")),
        "{embed:#}"
    );
    let source = embed["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "Source"))
        .and_then(|f| f["value"].as_str())
        .unwrap_or_default();
    assert!(
        source.starts_with('[') && source.contains("](https://") && source.contains("checked 20"),
        "{embed:#}"
    );

    // Off-topic: an ephemeral "I don't know".
    let cb = slash(&fake, "ask", "question", "tell me a joke").await;
    assert_eq!(cb.body["data"]["flags"], 64, "ephemeral: {:#}", cb.body);
    assert!(cb.body["data"]["content"]
        .as_str()
        .unwrap()
        .starts_with("I don't know"));

    // Vague: "did you mean" buttons that answer the chosen entry.
    let cb = slash(&fake, "ask", "question", "encryption").await;
    let custom = cb.body["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .expect("a did-you-mean button")
        .to_string();
    let click_id = fake.id();
    fake.dispatch("INTERACTION_CREATE", click(click_id, 11, "ann", &custom, 1));
    let cb = callback(&fake, click_id).await;
    assert!(
        cb.body["data"]["embeds"][0]["title"].is_string(),
        "{:#}",
        cb.body
    );

    // Autocomplete: at most 25 knowledge-base questions.
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        autocomplete(id, 11, "ask", "question", "patch"),
    );
    let cb = callback(&fake, id).await;
    assert_eq!(cb.body["type"], 8, "{:#}", cb.body);
    let choices = cb.body["data"]["choices"].as_array().unwrap();
    assert!(
        !choices.is_empty() && choices.len() <= 25,
        "{}",
        choices.len()
    );

    // A mention with a question is answered in the channel, pinging nobody.
    let mut msg = message(fake.id(), CHANNEL_ID, 12, &json!({}));
    msg["content"] = json!(format!("<@{BOT_ID}> who destroys old disks? @everyone"));
    msg["mentions"] = json!([user(BOT_ID, "srm-bot", true)]);
    msg["guild_id"] = json!(GUILD_ID.to_string());
    let before = fake.calls().len();
    fake.dispatch("MESSAGE_CREATE", msg);
    let sent = fake
        .wait_call(before, "mention reply", |c| {
            c.method == "POST" && c.path.ends_with("/messages")
        })
        .await;
    assert!(
        sent.body["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("AWS"),
        "{:#}",
        sent.body
    );
    assert!(pings_nobody(&sent.body), "{:#}", sent.body);

    assert!(!bot.log().contains(TOKEN), "the token appeared in the log");
    assert!(
        !bot.log().is_empty(),
        "the bot logged nothing at debug level"
    );
}

#[tokio::test]
async fn a_whole_quiz_with_three_members_clicking() {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake).await;
    let members = [(21u64, "ann"), (22, "bob"), (23, "cat")];

    let start = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            start,
            21,
            "ann",
            "quiz",
            json!([{"name": "start", "type": 1, "options": [
                {"name": "questions", "type": 4, "value": 3},
                {"name": "seconds", "type": 4, "value": 5},
                {"name": "mode", "type": 4, "value": 0}
            ]}]),
            0,
        ),
    );
    let log = bot.log.clone();
    let cb = tokio::time::timeout(std::time::Duration::from_secs(10), callback(&fake, start))
        .await
        .unwrap_or_else(|_| panic!("no callback; log:\n{}", log.lock().unwrap()));
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("Quiz starting"),
        "{:#}",
        cb.body
    );

    let mut right_counts = [0usize; 3];
    for q in 0..3 {
        let (msg_id, buttons) = question_message(&fake, q).await;
        assert_eq!(buttons.len(), 3, "owner questions have three options");
        if q == 1 {
            // A button of the previous question does not answer this one.
            let (old_msg, old_buttons) = question_message(&fake, 0).await;
            let id = fake.id();
            fake.dispatch(
                "INTERACTION_CREATE",
                click(id, 21, "ann", &old_buttons[2], old_msg),
            );
            let cb = callback(&fake, id).await;
            assert!(
                cb.body["data"]["content"]
                    .as_str()
                    .unwrap()
                    .contains("closed"),
                "{:#}",
                cb.body
            );
        }
        // ann picks 1, bob 2, cat 3: exactly one of them is right.
        for (m, (uid, name)) in members.iter().enumerate() {
            let id = fake.id();
            fake.dispatch(
                "INTERACTION_CREATE",
                click(id, *uid, name, &buttons[m], msg_id),
            );
            let cb = callback(&fake, id).await;
            let text = cb.body["data"]["content"].as_str().unwrap().to_string();
            assert!(text.starts_with("Locked in: "), "{text}");
            assert_eq!(cb.body["data"]["flags"], 64, "acks are ephemeral");
            assert!(pings_nobody(&cb.body["data"]));
            if q == 0 && m == 0 {
                // A second click: the first answer stands.
                let again = fake.id();
                fake.dispatch(
                    "INTERACTION_CREATE",
                    click(again, *uid, name, &buttons[1], msg_id),
                );
                let cb = callback(&fake, again).await;
                assert!(
                    cb.body["data"]["content"]
                        .as_str()
                        .unwrap()
                        .contains("already answered"),
                    "{:#}",
                    cb.body
                );
            }
        }
        let (right, body) = reveal_of(&fake, msg_id).await;
        assert!(pings_nobody(&body), "{body:#}");
        right_counts[right] += 1;
        let votes = body["embeds"][0]["fields"][0]["value"].as_str().unwrap();
        assert_eq!(
            votes.matches(": **1**").count(),
            3,
            "one vote each: {votes}"
        );
    }

    // The podium.
    let podium = podium(&fake).await;
    assert!(pings_nobody(&podium.body));

    // A click on the finished quiz, as after a restart: "this quiz has ended".
    let (msg_id, buttons) = question_message(&fake, 0).await;
    let late = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        click(late, 22, "bob", &buttons[0], msg_id),
    );
    let cb = callback(&fake, late).await;
    assert_eq!(cb.body["data"]["content"], "This quiz has ended.");
    let stale = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        click(stale, 22, "bob", "quiz:999999:0:0", msg_id),
    );
    assert_eq!(
        callback(&fake, stale).await.body["data"]["content"],
        "This quiz has ended."
    );

    // At most three channel REST calls per question (post, progress edit, reveal), plus
    // the podium; acknowledgements are interaction responses.
    let channel_calls = fake
        .calls()
        .iter()
        .filter(|c| {
            c.path
                .starts_with(&format!("/api/v10/channels/{CHANNEL_ID}/messages"))
        })
        .count();
    assert!(
        channel_calls <= 3 * 3 + 1,
        "{channel_calls} channel calls for 3 questions"
    );

    // Scores are in the store: every answer once, right where the reveal said.
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        bot._dir.path().join("bot.db").display()
    ))
    .await
    .unwrap();
    for (m, (uid, name)) in members.iter().enumerate() {
        let (answers, correct): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM answers WHERE member_id = ?",
        )
        .bind(uid.to_string())
        .fetch_one(&db)
        .await
        .unwrap();
        assert_eq!((answers, correct as usize), (3, right_counts[m]), "{name}");
    }

    // /leaderboard and /stats answer from the store.
    let lb = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(lb, 21, "ann", "leaderboard", json!([]), 0),
    );
    let board = callback(&fake, lb).await.body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    for (m, (_, name)) in members.iter().enumerate() {
        if right_counts[m] > 0 {
            assert!(board.contains(name), "{name} missing from {board}");
        }
    }
    let st = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(st, 22, "bob", "stats", json!([]), 0),
    );
    let stats = callback(&fake, st).await.body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(stats.contains("3 answers"), "{stats}");

    // Every message the bot sent pings nobody.
    for c in fake.calls() {
        let sent = if c.path.contains("/callback") {
            (c.body["type"] != 8).then(|| c.body["data"].clone())
        } else if c.path.starts_with("/api/v10/channels/") && c.method != "GET" {
            Some(c.body.clone())
        } else {
            None
        };
        if let Some(body) = sent {
            assert!(pings_nobody(&body), "{} {}: {body:#}", c.method, c.path);
        }
    }
    assert!(!bot.log().contains(TOKEN), "the token appeared in the log");
}

#[tokio::test]
async fn bad_options_and_permissions_get_ephemeral_explanations() {
    // An option of the wrong type (an outdated command shape): an ephemeral explanation.
    let fake_outdated = FakeDiscord::start().await;
    let _bot_outdated = Bot::start(&fake_outdated).await;
    let id = fake_outdated.id();
    fake_outdated.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            31,
            "dan",
            "quiz",
            json!([{"name": "start", "type": 1, "options": [
            {"name": "mode", "type": 3, "value": "owner"}]}]),
            0,
        ),
    );
    let cb = callback(&fake_outdated, id).await;
    assert_eq!(cb.body["data"]["flags"], 64, "{:#}", cb.body);
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("don't match"),
        "{:#}",
        cb.body
    );

    let fake = FakeDiscord::start().await;
    let _bot = Bot::start(&fake).await;
    let quiz = |opts: serde_json::Value| json!([{"name": "start", "type": 1, "options": opts}]);

    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            31,
            "dan",
            "quiz",
            quiz(json!([{"name": "seconds", "type": 4, "value": 500}])),
            0,
        ),
    );
    let cb = callback(&fake, id).await;
    assert_eq!(cb.body["data"]["flags"], 64);
    assert!(cb.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("seconds must be between 5 and 120"));

    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            31,
            "dan",
            "quiz",
            quiz(json!([{"name": "topic", "type": 3, "value": "astrology"}])),
            0,
        ),
    );
    let cb = callback(&fake, id).await;
    assert!(
        cb.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("unknown topic"),
        "{:#}",
        cb.body
    );

    // A quiz started by dan; eve may not stop it, a member with Manage Messages may.
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, 31, "dan", "quiz", quiz(json!([])), 0),
    );
    callback(&fake, id).await;
    let stop = json!([{"name": "stop", "type": 1, "options": []}]);
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, 32, "eve", "quiz", stop.clone(), 0),
    );
    assert!(callback(&fake, id).await.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("Only the member"));
    let id = fake.id();
    const MANAGE_MESSAGES: u64 = 1 << 13;
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, 33, "mod", "quiz", stop, MANAGE_MESSAGES),
    );
    assert_eq!(
        callback(&fake, id).await.body["data"]["content"],
        "Quiz stopped."
    );
}

#[tokio::test]
async fn topics_help_dm_review_and_admin_reset() {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake).await;

    let reg = fake
        .calls()
        .into_iter()
        .find(|c| c.method == "PUT" && c.path.ends_with("/commands"))
        .unwrap();
    let admin = reg
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "srm-admin")
        .unwrap()
        .clone();
    assert_eq!(
        admin["default_member_permissions"], "32",
        "Manage Server: {admin:#}"
    );

    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, 41, "fay", "topics", json!([]), 0),
    );
    let topics = callback(&fake, id).await;
    assert!(topics.body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .contains("patching"));

    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, 41, "fay", "help", json!([]), 0),
    );
    assert!(callback(&fake, id).await.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("/quiz start"));

    // A DM (no guild) is answered like /ask.
    let mut dm = message(fake.id(), 555, 41, &json!({}));
    dm["content"] = json!("who patches mysql on rds");
    let before = fake.calls().len();
    fake.dispatch("MESSAGE_CREATE", dm);
    let sent = fake
        .wait_call(before, "DM reply", |c| {
            c.method == "POST" && c.path == "/api/v10/channels/555/messages"
        })
        .await;
    assert!(
        sent.body["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("AWS"),
        "{:#}",
        sent.body
    );

    // Nothing to review yet: an ephemeral explanation.
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, 41, "fay", "review", json!([]), 0),
    );
    let cb = callback(&fake, id).await;
    assert_eq!(cb.body["data"]["flags"], 64);
    assert!(cb.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("nothing to review"));

    // A missed question that is due comes back privately; a click answers it in place.
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        bot._dir.path().join("bot.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("INSERT INTO reviews (member_id, question_id, box, due_at) VALUES ('41', 'kb:ec2_guest_os_patching', 1, 0)")
        .execute(&db)
        .await
        .unwrap();
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, 41, "fay", "review", json!([]), 0),
    );
    let cb = callback(&fake, id).await;
    assert_eq!(cb.body["data"]["flags"], 64, "{:#}", cb.body);
    let custom = cb.body["data"]["components"][0]["components"][1]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let click_id = fake.id();
    fake.dispatch("INTERACTION_CREATE", click(click_id, 41, "fay", &custom, 1));
    let cb = callback(&fake, click_id).await;
    assert_eq!(
        cb.body["type"], 7,
        "the review message is updated in place: {:#}",
        cb.body
    );
    let content = cb.body["data"]["content"].as_str().unwrap();
    assert!(
        content.starts_with("✅ Right") && content.contains("Review done"),
        "{content}"
    );
    let (b, due): (i64, i64) =
        sqlx::query_as("SELECT box, due_at FROM reviews WHERE member_id = '41'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(b, 2, "right in review: the next box (due {due})");

    let id = fake.id();
    const MANAGE_GUILD: u64 = 1 << 5;
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            42,
            "gus",
            "srm-admin",
            json!([{"name": "reset-leaderboard", "type": 1, "options": []}]),
            MANAGE_GUILD,
        ),
    );
    assert!(callback(&fake, id).await.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("new season"));
    let seasons: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM seasons")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(seasons, 1);
}

/// The picks line and the option fields of a practice-question embed.
fn exam_parts(embed: &serde_json::Value) -> (String, Vec<(String, String)>) {
    let picks = embed["description"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let fields = embed["fields"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| {
                    (
                        f["name"].as_str().unwrap_or_default().to_string(),
                        f["value"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (picks, fields)
}

#[tokio::test]
async fn a_pasted_practice_question_through_ask_and_a_mention() {
    let fake = FakeDiscord::start().await;
    let _bot = Bot::start(&fake).await;

    // /ask takes one line: the options inline.
    let cb = slash(
        &fake,
        "ask",
        "question",
        "Which of the following is a customer responsibility? A) Patching underlying infrastructure B) Physical security C) Patching Amazon EC2 instances D) Patching network infrastructure",
    )
    .await;
    let data = &cb.body["data"];
    assert!(pings_nobody(data), "{:#}", cb.body);
    let embed = &data["embeds"][0];
    let (picks, fields) = exam_parts(embed);
    assert!(
        picks.starts_with("✅ C — Customer"),
        "picks first: {embed:#}"
    );
    assert_eq!(fields.len(), 4, "{embed:#}");
    assert!(
        fields[2].0.starts_with("✅ C. Patching Amazon EC2"),
        "{embed:#}"
    );
    for i in [0, 1, 3] {
        assert!(fields[i].1.starts_with("AWS"), "{embed:#}");
    }
    assert_eq!(embed["color"], 0x3498DB, "coloured as the customer's");

    // A mention carries several lines; echoed text pings nobody and renders no markdown.
    let mut msg = message(fake.id(), CHANNEL_ID, 12, &json!({}));
    msg["content"] = json!(format!(
        "<@{BOT_ID}> Which TWO of the following are AWS's responsibility? (Choose two.)\n\
         A. Physical security of the data centers @everyone\n\
         B. Configuring security groups\n\
         C. Patching the hypervisor **now**\n\
         D. Encrypting the customer's data"
    ));
    msg["mentions"] = json!([user(BOT_ID, "srm-bot", true)]);
    msg["guild_id"] = json!(GUILD_ID.to_string());
    let before = fake.calls().len();
    fake.dispatch("MESSAGE_CREATE", msg);
    let sent = fake
        .wait_call(before, "practice-question reply", |c| {
            c.method == "POST" && c.path.ends_with("/messages")
        })
        .await;
    assert!(pings_nobody(&sent.body), "{:#}", sent.body);
    let embed = &sent.body["embeds"][0];
    let (picks, fields) = exam_parts(embed);
    assert!(
        picks.contains("✅ A — AWS") && picks.contains("✅ C — AWS"),
        "{embed:#}"
    );
    assert!(
        !picks.contains("✅ B") && !picks.contains("✅ D"),
        "{embed:#}"
    );
    assert!(
        embed["title"].as_str().unwrap().contains("choose 2"),
        "{embed:#}"
    );
    assert!(fields[0].0.contains("@\u{200B}everyone"), "{embed:#}");
    assert!(fields[2].0.contains("\\*\\*now\\*\\*"), "{embed:#}");
}

#[tokio::test]
async fn two_quiz_starts_at_once_run_exactly_one_quiz() {
    let fake = FakeDiscord::start().await;
    let bot = Bot::start(&fake).await;
    let options = json!([{"name": "start", "type": 1, "options": [
        {"name": "questions", "type": 4, "value": 2},
        {"name": "seconds", "type": 4, "value": 30}
    ]}]);
    let (a, b) = (fake.id(), fake.id());
    // Both arrive before either is answered.
    fake.dispatch(
        "INTERACTION_CREATE",
        command(a, 11, "ann", "quiz", options.clone(), 0),
    );
    fake.dispatch(
        "INTERACTION_CREATE",
        command(b, 12, "bob", "quiz", options, 0),
    );
    let replies = [callback(&fake, a).await, callback(&fake, b).await];
    let content = |c: &Call| {
        c.body["data"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let started = replies
        .iter()
        .filter(|c| content(c).starts_with("Quiz starting"))
        .count();
    let refused: Vec<&Call> = replies
        .iter()
        .filter(|c| content(c).starts_with("a quiz is already running here"))
        .collect();
    assert_eq!(
        started,
        1,
        "{:#?}",
        replies.iter().map(content).collect::<Vec<_>>()
    );
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].body["data"]["flags"], 64,
        "the refusal is ephemeral"
    );
    // The database agrees: one game, running.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&bot.store_url).await.unwrap();
    let games: Vec<String> = sqlx::query_scalar("SELECT status FROM games")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert_eq!(games, ["running"]);
}

/// A PNG's width and height, read from its header.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[tokio::test]
async fn model_and_an_answer_about_a_layer_come_with_the_picture_in_the_response() {
    let fake = FakeDiscord::start().await;
    let _bot = Bot::start(&fake).await;

    // /model ec2 rds lambda: one interaction response carrying the PNG.
    let before = fake.calls().len();
    let cb = slash(&fake, "model", "service", "ec2 rds lambda").await;
    let embed = &cb.body["data"]["embeds"][0];
    assert_eq!(
        embed["image"]["url"], "attachment://stacks.png",
        "{:#}",
        cb.body
    );
    assert!(embed["title"]
        .as_str()
        .unwrap()
        .contains("Amazon EC2 · Amazon RDS · AWS Lambda"));
    assert_eq!(
        cb.files.len(),
        1,
        "{:?}",
        cb.files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(cb.files[0].0, "stacks.png");
    let (three, h) = png_size(&cb.files[0].1);
    assert!(three > h / 2 && h > 400, "{three}×{h}");
    assert!(pings_nobody(&cb.body["data"]), "{:#}", cb.body);
    // Nothing else was sent for it: the picture is in the response itself.
    let after: Vec<Call> = fake.calls()[before..]
        .iter()
        .filter(|c| c.method != "GET")
        .cloned()
        .collect();
    assert_eq!(
        after.len(),
        1,
        "{:#?}",
        after.iter().map(|c| &c.path).collect::<Vec<_>>()
    );

    // An unknown service: an ephemeral explanation.
    let cb = slash(&fake, "model", "service", "mainframe").await;
    assert_eq!(cb.body["data"]["flags"], 64);
    assert!(cb.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("no stack for `mainframe`"));

    // /ask about a layer of a service: the EC2 stack, its OS outlined, in the response.
    let cb = slash(&fake, "ask", "question", "who patches the guest OS on EC2?").await;
    let embed = &cb.body["data"]["embeds"][0];
    assert!(embed["title"].as_str().unwrap().starts_with("Customer"));
    assert_eq!(
        embed["image"]["url"], "attachment://stacks.png",
        "{:#}",
        cb.body
    );
    assert_eq!(cb.files.len(), 1);
    let (w, _) = png_size(&cb.files[0].1);
    assert!(
        w * 2 < three,
        "one service, one column: {w} wide against {three} for three"
    );
}
