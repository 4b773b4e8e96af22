//! Running the real bot binary against the fake Discord, and reading what it did.
#![allow(dead_code)]

use super::*;

pub const TOKEN: &str = "FAKE.bot-token.never-log-me";

/// The bot process, its database and everything it wrote to stderr.
pub struct Bot {
    pub child: tokio::process::Child,
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
    pub _dir: tempfile::TempDir,
    /// The database it uses.
    pub store_url: String,
}

impl Bot {
    pub async fn start(fake: &FakeDiscord) -> Bot {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("bot.db").display());
        Bot::start_with(fake, dir, &url, "auto").await
    }

    /// Starts the bot with this database and shard setting, in `dir`.
    pub async fn start_with(
        fake: &FakeDiscord,
        dir: tempfile::TempDir,
        store_url: &str,
        shards: &str,
    ) -> Bot {
        Bot::start_in(fake, dir, store_url, shards, Some(GUILD_ID)).await
    }

    /// Starts the bot; `guild` registers the commands in one server, `None` globally.
    pub async fn start_in(
        fake: &FakeDiscord,
        dir: tempfile::TempDir,
        store_url: &str,
        shards: &str,
        guild: Option<u64>,
    ) -> Bot {
        Bot::start_logging(fake, dir, store_url, shards, guild, "debug").await
    }

    /// Starts the bot with `RUST_LOG=rust_log` (the load generator keeps it quiet).
    pub async fn start_logging(
        fake: &FakeDiscord,
        dir: tempfile::TempDir,
        store_url: &str,
        shards: &str,
        guild: Option<u64>,
        rust_log: &str,
    ) -> Bot {
        // A knowledge/ copy in `dir` (for reload tests) wins over the project's.
        let own = dir.path().join("knowledge");
        let root = if own.exists() {
            dir.path().display().to_string()
        } else {
            env!("CARGO_MANIFEST_DIR").to_string()
        };
        let config = dir.path().join("bot.toml");
        std::fs::write(
            &config,
            format!(
                "[knowledge]\ndir = \"{root}/knowledge\"\n\
                 [store]\nurl = \"{store_url}\"\n\
                 [quiz]\nreveal_pause_seconds = 0\n\
                 [discord]\nrest_backoff_ms = 100\n\
                 token = \"{TOKEN}\"{}\napi_base = \"{}\"\nshards = \"{shards}\"\n",
                guild
                    .map(|g| format!("\nguild_id = {g}"))
                    .unwrap_or_default(),
                fake.base_url()
            ),
        )
        .unwrap();
        let before = fake.registrations();
        let sessions = fake.identifies();
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_srm-bot"))
            .args(["--config", config.to_str().unwrap(), "serve"])
            .env("RUST_LOG", rust_log)
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
        // The commands are registered before the gateway connects; then wait for it.
        fake.wait_registrations(before + 1).await;
        fake.wait_until("the bot identified", |f| f.identifies() > sessions)
            .await;
        Bot {
            child,
            log,
            _dir: dir,
            store_url: store_url.to_string(),
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

/// The interaction callback for interaction `id`.
pub async fn callback(fake: &FakeDiscord, id: u64) -> Call {
    let path = format!("/api/v10/interactions/{id}/itoken-{id}/callback");
    fake.wait_call(0, &path.clone(), move |c| c.path == path)
        .await
}

/// `/quiz start` by `user` in the default channel with `questions` questions of `seconds`
/// seconds; returns the bot's reply (the interaction callback).
pub async fn start_quiz(
    fake: &FakeDiscord,
    user: (u64, &str),
    questions: u64,
    seconds: u64,
) -> Call {
    let id = fake.id();
    let options = serde_json::json!([{"name": "start", "type": 1, "options": [
        {"name": "questions", "type": 4, "value": questions},
        {"name": "seconds", "type": 4, "value": seconds}
    ]}]);
    fake.dispatch(
        "INTERACTION_CREATE",
        command(id, user.0, user.1, "quiz", options, 0),
    );
    callback(fake, id).await
}

/// The podium (🏁) the bot posted at the end of a quiz, once Discord accepted it.
pub async fn podium(fake: &FakeDiscord) -> Call {
    fake.wait_call(0, "podium", |c| {
        c.ok()
            && c.method == "POST"
            && c.body["embeds"][0]["title"]
                .as_str()
                .is_some_and(|t| t.starts_with('🏁'))
    })
    .await
}

/// Asserts that a click's acknowledgement locked the answer in.
pub fn assert_locked_in(ack: &Call) {
    let content = ack.body["data"]["content"].as_str().unwrap_or("");
    assert!(content.starts_with("Locked in"), "{:#}", ack.body);
}

/// Allowed mentions that ping nobody.
pub fn pings_nobody(body: &serde_json::Value) -> bool {
    let am = &body["allowed_mentions"];
    am.is_object()
        && am["parse"].as_array().is_some_and(|p| p.is_empty())
        && am["users"].as_array().is_none_or(|u| u.is_empty())
        && am["roles"].as_array().is_none_or(|r| r.is_empty())
}

/// The question message the bot posted for question `index` (0-based): its id and the
/// custom ids of its buttons.
pub async fn question_message(fake: &FakeDiscord, index: usize) -> (u64, Vec<String>) {
    question_message_in(fake, CHANNEL_ID, index).await
}

/// The question message for question `index` in `channel`.
pub async fn question_message_in(
    fake: &FakeDiscord,
    channel: u64,
    index: usize,
) -> (u64, Vec<String>) {
    let title = format!("Question {}/", index + 1);
    let path = format!("/api/v10/channels/{channel}/messages");
    let call = fake
        .wait_call(0, &title.clone(), move |c| {
            c.ok()
                && c.method == "POST"
                && c.path == path
                && c.body["embeds"][0]["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with(&title))
        })
        .await;
    let ids: Vec<String> = call.body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap().to_string())
        .collect();
    (call.message_id.expect("the fake returned a message"), ids)
}

/// The reveal edit of message `id`: the index of the green (style 3) button.
pub async fn reveal_of(fake: &FakeDiscord, id: u64) -> (usize, serde_json::Value) {
    reveal_in(fake, CHANNEL_ID, id).await
}

/// The reveal edit of message `id` in `channel`.
pub async fn reveal_in(fake: &FakeDiscord, channel: u64, id: u64) -> (usize, serde_json::Value) {
    let path = format!("/api/v10/channels/{channel}/messages/{id}");
    let call = fake
        .wait_call(0, &format!("reveal of {id}"), move |c| {
            c.ok()
                && c.method == "PATCH"
                && c.path == path
                && c.body["components"][0]["components"][0]["disabled"] == true
        })
        .await;
    let right = call.body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .position(|b| b["style"] == 3)
        .expect("a green button");
    (right, call.body)
}

/// Copies a directory tree (the knowledge base) into `to`.
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// How a bot process that should not start ended.
#[derive(Clone)]
pub struct Exit {
    pub code: Option<i32>,
    pub after: std::time::Duration,
    pub stderr: String,
}

/// Runs `srm-bot serve` against `api_base` (the fake, or nothing listening) and waits up to
/// 30 s for it to exit on its own; `None` if it was still running (then it is killed).
pub async fn serve_until_exit(api_base: &str, guild: Option<u64>) -> Option<Exit> {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(
        &config,
        format!(
            "[knowledge]\ndir = \"{}/knowledge\"\n\
             [store]\nurl = \"sqlite://{}\"\n\
             [discord]\nrest_backoff_ms = 100\nrest_attempts = 4\n\
             token = \"{TOKEN}\"{}\napi_base = \"{api_base}\"\n",
            env!("CARGO_MANIFEST_DIR"),
            dir.path().join("bot.db").display(),
            guild
                .map(|g| format!("\nguild_id = {g}"))
                .unwrap_or_default(),
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_srm-bot"))
        .args(["--config", config.to_str().unwrap(), "serve"])
        .env("RUST_LOG", "info")
        .env_remove("DISCORD_TOKEN")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let out = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait_with_output())
        .await
        .ok()?
        .unwrap();
    Some(Exit {
        code: out.status.code(),
        after: started.elapsed(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

/// Member 11 ("ann") runs slash command `name` with one string option; Discord's callback.
pub async fn slash(fake: &FakeDiscord, name: &str, option: &str, value: &str) -> Call {
    let id = fake.id();
    fake.dispatch(
        "INTERACTION_CREATE",
        command(
            id,
            11,
            "ann",
            name,
            serde_json::json!([{"name": option, "type": 3, "value": value}]),
            0,
        ),
    );
    callback(fake, id).await
}
