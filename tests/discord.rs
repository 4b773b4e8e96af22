//! The real bot (`srm-bot serve`) against a local fake Discord: slash commands, a whole
//! quiz with buttons, the REST budget, no pings, and no token in the logs.

mod fake_discord;

use fake_discord::*;
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

const TOKEN: &str = "FAKE.bot-token.never-log-me";

/// The bot process, its database and everything it wrote to stderr.
struct Bot {
    _child: tokio::process::Child,
    log: std::sync::Arc<std::sync::Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl Bot {
    async fn start(fake: &FakeDiscord) -> Bot {
        let dir = tempfile::tempdir().unwrap();
        let root = env!("CARGO_MANIFEST_DIR");
        let config = dir.path().join("bot.toml");
        std::fs::write(
            &config,
            format!(
                "[knowledge]\ndir = \"{root}/knowledge\"\n\
                 [store]\nurl = \"sqlite://{}\"\n\
                 [quiz]\nreveal_pause_seconds = 0\n\
                 [discord]\ntoken = \"{TOKEN}\"\nguild_id = {GUILD_ID}\napi_base = \"{}\"\n",
                dir.path().join("bot.db").display(),
                fake.base_url()
            ),
        )
        .unwrap();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_srm-bot"))
            .args(["--config", config.to_str().unwrap(), "serve"])
            .env("RUST_LOG", "debug")
            .env_remove("DISCORD_TOKEN")
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        tokio::spawn(async move {
            use tokio::io::AsyncBufReadExt;
            let mut lines = tokio::io::BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        fake.wait_ready().await;
        Bot {
            _child: child,
            log,
            _dir: dir,
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

/// The interaction callback for interaction `id`.
async fn callback(fake: &FakeDiscord, id: u64) -> Call {
    let path = format!("/api/v10/interactions/{id}/itoken-{id}/callback");
    fake.wait_call(0, &path.clone(), move |c| c.path == path)
        .await
}

/// Allowed mentions that ping nobody.
fn pings_nobody(body: &serde_json::Value) -> bool {
    let am = &body["allowed_mentions"];
    am.is_object()
        && am["parse"].as_array().is_some_and(|p| p.is_empty())
        && am["users"].as_array().is_none_or(|u| u.is_empty())
        && am["roles"].as_array().is_none_or(|r| r.is_empty())
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

    // /ask: owner in the title, pings nobody.
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            11,
            "ann",
            "ask",
            json!([{"name": "question", "type": 3, "value": "who patches the guest OS on EC2?"}]),
            0,
        ),
    );
    let cb = callback(&fake, id).await;
    let data = &cb.body["data"];
    let title = data["embeds"][0]["title"].as_str().unwrap_or_default();
    assert!(title.starts_with("Customer"), "{:#}", cb.body);
    assert!(pings_nobody(data), "{:#}", cb.body);

    // Off-topic: an ephemeral "I don't know".
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            11,
            "ann",
            "ask",
            json!([{"name": "question", "type": 3, "value": "tell me a joke"}]),
            0,
        ),
    );
    let cb = callback(&fake, id).await;
    assert_eq!(cb.body["data"]["flags"], 64, "ephemeral: {:#}", cb.body);
    assert!(cb.body["data"]["content"]
        .as_str()
        .unwrap()
        .starts_with("I don't know"));

    // Vague: "did you mean" buttons that answer the chosen entry.
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            11,
            "ann",
            "ask",
            json!([{"name": "question", "type": 3, "value": "keys"}]),
            0,
        ),
    );
    let cb = callback(&fake, id).await;
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
