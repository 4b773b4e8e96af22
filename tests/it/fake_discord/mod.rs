//! A fake Discord on 127.0.0.1 for end-to-end tests: the REST API (every call recorded)
//! and the gateway (HELLO, READY, heartbeat ACKs, dispatches sent on demand).
#![allow(dead_code)]

pub mod harness;
pub mod load;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_ID: u64 = 900_000_000_000_000_002;
pub const GUILD_ID: u64 = 900_000_000_000_000_100;
pub const CHANNEL_ID: u64 = 900_000_000_000_000_200;

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// The id of the message the fake returned, for calls that return one.
    pub message_id: Option<u64>,
    /// The HTTP status the fake answered with (an injected fault, or 2xx/404).
    pub status: u16,
    /// When the call arrived.
    pub at: std::time::Instant,
    /// Files sent with it (multipart): (file name, bytes).
    pub files: Files,
}

impl Call {
    /// The fake accepted it (no injected fault).
    pub fn ok(&self) -> bool {
        self.status < 300
    }
}

/// Which REST calls a fault hits: (method, path, JSON body).
pub type CallFilter = Box<dyn Fn(&str, &str, &Value) -> bool + Send>;

/// A scripted REST failure for the next `times` calls matching `filter`.
struct Fault {
    filter: CallFilter,
    status: u16,
    /// For 429: the `retry_after` seconds in the body (and, rounded up, the header).
    retry_after: Option<f64>,
    times: usize,
    /// The error body to answer with (Discord's JSON error), if not the default.
    body: Option<Value>,
}

#[derive(Default)]
struct Inner {
    calls: Mutex<Vec<Call>>,
    /// Streams of every call (the load generator reacts to them as they come).
    subscribers: Mutex<Vec<mpsc::UnboundedSender<Call>>>,
    faults: Mutex<Vec<Fault>>,
    /// The last gateway session to identify.
    gateway: Mutex<Option<mpsc::UnboundedSender<String>>>,
    /// Gateway sessions by shard id, and the shard total the bot identified with.
    shards: Mutex<std::collections::HashMap<u64, mpsc::UnboundedSender<String>>>,
    shard_total: AtomicU64,
    /// The guilds the bot is in (READY lists each shard's share).
    guilds: Mutex<Vec<u64>>,
    identified: AtomicU64,
    resumed: AtomicU64,
    seq: AtomicU64,
    ids: AtomicU64,
    addr: Mutex<Option<SocketAddr>>,
}

#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
    pub addr: SocketAddr,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        Self::start_with(&[GUILD_ID], 1).await
    }

    /// A fake Discord where the bot is in `guilds`, recommending `shards` shards.
    pub async fn start_with(guilds: &[u64], shards: u64) -> FakeDiscord {
        let inner = Arc::new(Inner {
            ids: AtomicU64::new(1_000_000),
            shard_total: AtomicU64::new(shards),
            guilds: Mutex::new(guilds.to_vec()),
            ..Inner::default()
        });
        let app = Router::new()
            .route("/api/v10/gateway", get(gateway))
            .route("/api/v10/gateway/bot", get(gateway_bot))
            .route("/ws", get(ws))
            .fallback(rest)
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        *inner.addr.lock().unwrap() = Some(addr);
        tokio::spawn(async move {
            // No Nagle delay: small gateway frames go out at once, as Discord's do.
            use axum::serve::ListenerExt;
            let listener = listener.tap_io(|tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, app).await.unwrap();
        });
        FakeDiscord { inner, addr }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every REST call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.inner.calls.lock().unwrap().clone()
    }

    /// Waits for a REST call matching `pred` made after the first `skip` calls.
    pub async fn wait_call(&self, skip: usize, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(c) = self.calls().into_iter().skip(skip).find(|c| pred(c)) {
                return c;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting for {what}; calls: {:#?}", self.calls());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many times commands were registered (once per bot start).
    pub fn registrations(&self) -> usize {
        self.calls()
            .iter()
            .filter(|c| c.method == "PUT" && c.path.ends_with("/commands"))
            .count()
    }

    /// Waits until commands were registered `n` times (the bot is ready).
    pub async fn wait_registrations(&self, n: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.registrations() < n {
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "the bot never registered its commands; calls: {:#?}",
                    self.calls()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Sends a dispatch event (op 0) to the connected bot.
    pub fn dispatch(&self, t: &str, d: Value) {
        let s = self.inner.seq.fetch_add(1, Ordering::SeqCst) + 2;
        let payload = json!({"op": 0, "s": s, "t": t, "d": d}).to_string();
        let tx = self
            .inner
            .gateway
            .lock()
            .unwrap()
            .clone()
            .expect("bot connected");
        tx.send(payload).unwrap();
    }

    /// Sends a dispatch for `guild` to the shard Discord routes it to:
    /// `(guild_id >> 22) % shard_total`.
    pub fn dispatch_to_guild(&self, guild: u64, t: &str, d: Value) {
        let total = self.inner.shard_total.load(Ordering::SeqCst).max(1);
        let shard = (guild >> 22) % total;
        let s = self.inner.seq.fetch_add(1, Ordering::SeqCst) + 2;
        let payload = json!({"op": 0, "s": s, "t": t, "d": d}).to_string();
        let tx = self.inner.shards.lock().unwrap().get(&shard).cloned();
        tx.unwrap_or_else(|| panic!("no session for shard {shard}"))
            .send(payload)
            .unwrap();
    }

    /// Closes the gateway connection with `code` (4000: resumable; see Discord's codes).
    pub fn close_gateway(&self, code: u16) {
        if let Some(tx) = self.inner.gateway.lock().unwrap().clone() {
            let _ = tx.send(format!("{CLOSE}{code}"));
        }
    }

    /// Sends INVALID_SESSION (op 9, not resumable): the bot must identify again.
    pub fn invalidate_session(&self) {
        if let Some(tx) = self.inner.gateway.lock().unwrap().clone() {
            let _ = tx.send(json!({"op": 9, "d": false}).to_string());
        }
    }

    /// Answers the next `times` REST calls matching `filter` with `status` (for 429, with
    /// `retry_after` seconds) instead of doing them.
    pub fn fail_next(
        &self,
        filter: impl Fn(&str, &str, &Value) -> bool + Send + 'static,
        status: u16,
        retry_after: Option<f64>,
        times: usize,
    ) {
        self.inner.faults.lock().unwrap().push(Fault {
            filter: Box::new(filter),
            status,
            retry_after,
            times,
            body: None,
        });
    }

    /// Answers the next `times` calls matching `filter` with `status` and Discord's JSON
    /// error `body` (e.g. 400 "Invalid Form Body" with its `errors`).
    pub fn refuse_next(
        &self,
        filter: impl Fn(&str, &str, &Value) -> bool + Send + 'static,
        status: u16,
        body: Value,
        times: usize,
    ) {
        self.inner.faults.lock().unwrap().push(Fault {
            filter: Box::new(filter),
            status,
            retry_after: None,
            times,
            body: Some(body),
        });
    }

    /// Every REST call from now on, as it arrives.
    pub fn subscribe(&self) -> mpsc::UnboundedReceiver<Call> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.inner.subscribers.lock().unwrap().push(tx);
        rx
    }

    /// Ends every scripted fault (Discord is back).
    pub fn heal(&self) {
        self.inner.faults.lock().unwrap().clear();
    }

    /// How many times the bot identified (a fresh session) and resumed.
    pub fn identifies(&self) -> u64 {
        self.inner.identified.load(Ordering::SeqCst)
    }

    pub fn resumes(&self) -> u64 {
        self.inner.resumed.load(Ordering::SeqCst)
    }

    /// Waits until `f` holds (e.g. the bot reconnected).
    pub async fn wait_until(&self, what: &str, f: impl Fn(&FakeDiscord) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !f(self) {
            if tokio::time::Instant::now() > deadline {
                panic!("timed out waiting until {what}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// How many shard sessions have identified.
    pub fn shard_sessions(&self) -> usize {
        self.inner.shards.lock().unwrap().len()
    }

    /// A fresh snowflake.
    pub fn id(&self) -> u64 {
        self.inner.ids.fetch_add(1, Ordering::SeqCst)
    }
}

/// A message to a session task that closes the connection with a code.
const CLOSE: &str = "\u{0}close:";

async fn gateway(State(st): State<Arc<Inner>>) -> Json<Value> {
    let addr = st.addr.lock().unwrap().unwrap();
    Json(json!({ "url": format!("ws://{addr}/ws") }))
}

async fn gateway_bot(State(st): State<Arc<Inner>>) -> Json<Value> {
    let addr = st.addr.lock().unwrap().unwrap();
    Json(json!({
        "url": format!("ws://{addr}/ws"),
        "shards": st.shard_total.load(Ordering::SeqCst).max(1),
        "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
    }))
}

async fn ws(State(st): State<Arc<Inner>>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| session(socket, st))
}

async fn session(socket: WebSocket, st: Arc<Inner>) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}}).to_string();
    if sink.send(WsMessage::Text(hello.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(text) if text.starts_with(CLOSE) => {
                    let code: u16 = text[CLOSE.len()..].parse().unwrap_or(4000);
                    let frame = axum::extract::ws::CloseFrame { code, reason: "fake close".into() };
                    let _ = sink.send(WsMessage::Close(Some(frame))).await;
                    break;
                }
                Some(text) => if sink.send(WsMessage::Text(text.into())).await.is_err() { break },
                None => break,
            },
            incoming = stream.next() => {
                let Some(Ok(WsMessage::Text(text))) = incoming else {
                    match incoming {
                        Some(Ok(_)) => continue,
                        _ => break,
                    }
                };
                let v: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
                match v["op"].as_u64() {
                    Some(1) => { let _ = tx.send(json!({"op": 11}).to_string()); }
                    Some(2) => {
                        st.identified.fetch_add(1, Ordering::SeqCst);
                        let shard = v["d"]["shard"][0].as_u64().unwrap_or(0);
                        let total = v["d"]["shard"][1].as_u64().unwrap_or(1).max(1);
                        st.shard_total.store(total, Ordering::SeqCst);
                        st.shards.lock().unwrap().insert(shard, tx.clone());
                        *st.gateway.lock().unwrap() = Some(tx.clone());
                        let addr = st.addr.lock().unwrap().unwrap();
                        let mine: Vec<u64> = st.guilds.lock().unwrap().iter().copied()
                            .filter(|g| (g >> 22) % total == shard).collect();
                        let mut d = ready(addr);
                        d["session_id"] = json!(format!("fake-session-{shard}"));
                        d["guilds"] = json!(mine.iter().map(|g| json!({"id": g.to_string(), "unavailable": true})).collect::<Vec<_>>());
                        d["shard"] = json!([shard, total]);
                        let ready = json!({"op": 0, "s": 1, "t": "READY", "d": d});
                        let _ = tx.send(ready.to_string());
                    }
                    Some(6) => {
                        // RESUME: same session, same shard (its id is in the session id).
                        st.resumed.fetch_add(1, Ordering::SeqCst);
                        let shard = v["d"]["session_id"].as_str()
                            .and_then(|s| s.rsplit('-').next())
                            .and_then(|n| n.parse::<u64>().ok())
                            .unwrap_or(0);
                        st.shards.lock().unwrap().insert(shard, tx.clone());
                        *st.gateway.lock().unwrap() = Some(tx.clone());
                        let s = st.seq.fetch_add(1, Ordering::SeqCst) + 2;
                        let _ = tx.send(json!({"op": 0, "s": s, "t": "RESUMED", "d": {}}).to_string());
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The READY payload.
pub fn ready(addr: SocketAddr) -> Value {
    json!({
        "v": 10,
        "user": user(BOT_ID, "srm-bot", true),
        "guilds": [{"id": GUILD_ID.to_string(), "unavailable": true}],
        "session_id": "fake-session",
        "resume_gateway_url": format!("ws://{addr}/ws"),
        "shard": [0, 1],
        "application": {"id": APP_ID.to_string(), "flags": 0}
    })
}

/// Files of a multipart body: (file name, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// A multipart/form-data body: the `payload_json` part, and the files.
fn multipart(content_type: &str, body: &[u8]) -> Option<(Value, Files)> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let delimiter = format!("--{boundary}");
    let d = delimiter.as_bytes();
    let mut starts = Vec::new();
    let mut i = 0;
    while i + d.len() <= body.len() {
        if &body[i..i + d.len()] == d {
            starts.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    let (mut payload, mut files) = (Value::Null, Vec::new());
    for w in starts.windows(2) {
        let part = &body[w[0] + d.len()..w[1]];
        let split = part.windows(4).position(|x| x == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let mut content = &part[split + 4..];
        if content.ends_with(b"\r\n") {
            content = &content[..content.len() - 2];
        }
        let field = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(str::to_string)
        };
        match (field("name"), field("filename")) {
            (Some(n), None) if n == "payload_json" => {
                payload = serde_json::from_slice(content).unwrap_or(Value::Null);
            }
            (_, Some(file)) => files.push((file, content.to_vec())),
            _ => {}
        }
    }
    Some((payload, files))
}

async fn rest(
    State(st): State<Arc<Inner>>,
    method: Method,
    uri: Uri,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (body_json, files): (Value, Files) = if body.is_empty() {
        (Value::Null, Vec::new())
    } else if content_type.starts_with("multipart/form-data") {
        multipart(&content_type, &body).unwrap_or((Value::Null, Vec::new()))
    } else {
        (
            serde_json::from_slice(&body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into())),
            Vec::new(),
        )
    };
    if let Some((status, response)) = injected_fault(&st, method.as_str(), &path, &body_json) {
        st.record(Call {
            method: method.to_string(),
            path,
            body: body_json,
            message_id: None,
            status,
            at: std::time::Instant::now(),
            files: files.clone(),
        });
        return response;
    }
    let seg: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let (message_id, response) = match (method.as_str(), seg.as_slice()) {
        ("GET", ["oauth2", "applications", "@me"]) => (None, Json(application()).into_response()),
        ("GET", ["users", "@me"]) => (None, Json(user(BOT_ID, "srm-bot", true)).into_response()),
        // The bot's own membership: Unknown Guild for a server it is not in.
        ("GET", ["users", "@me", "guilds", guild, "member"]) => {
            let known = guild
                .parse::<u64>()
                .is_ok_and(|g| st.guilds.lock().unwrap().contains(&g));
            if known {
                (None, Json(member(BOT_ID, "srm-bot", 0)).into_response())
            } else {
                (
                    None,
                    (
                        StatusCode::NOT_FOUND,
                        Json(json!({"message": "Unknown Guild", "code": 10004})),
                    )
                        .into_response(),
                )
            }
        }
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            (None, Json(json!([])).into_response())
        }
        ("POST", ["interactions", _, _, "callback"]) => {
            (None, StatusCode::NO_CONTENT.into_response())
        }
        ("POST", ["channels", channel, "messages"]) => {
            let id = st.ids.fetch_add(1, Ordering::SeqCst);
            let channel: u64 = channel.parse().unwrap_or(CHANNEL_ID);
            (
                Some(id),
                Json(message(id, channel, BOT_ID, &body_json)).into_response(),
            )
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            let channel: u64 = channel.parse().unwrap_or(CHANNEL_ID);
            let id = id.parse().unwrap_or(1);
            (
                Some(id),
                Json(message(id, channel, BOT_ID, &body_json)).into_response(),
            )
        }
        (_, ["webhooks", ..]) => {
            let id = st.ids.fetch_add(1, Ordering::SeqCst);
            (
                Some(id),
                Json(message(id, CHANNEL_ID, BOT_ID, &body_json)).into_response(),
            )
        }
        _ => (
            None,
            (
                StatusCode::NOT_FOUND,
                Json(json!({"message": "Unknown", "code": 0})),
            )
                .into_response(),
        ),
    };
    st.record(Call {
        method: method.to_string(),
        path,
        body: body_json,
        message_id,
        status: response.status().as_u16(),
        at: std::time::Instant::now(),
        files,
    });
    response
}

impl Inner {
    fn record(&self, call: Call) {
        self.subscribers
            .lock()
            .unwrap()
            .retain(|tx| tx.send(call.clone()).is_ok());
        self.calls.lock().unwrap().push(call);
    }
}

/// The response of the first scripted fault that matches this call, if any.
fn injected_fault(st: &Inner, method: &str, path: &str, body: &Value) -> Option<(u16, Response)> {
    let mut faults = st.faults.lock().unwrap();
    let fault = faults
        .iter_mut()
        .find(|f| f.times > 0 && (f.filter)(method, path, body))?;
    fault.times -= 1;
    let status = StatusCode::from_u16(fault.status).unwrap();
    let response = match fault.retry_after {
        Some(secs) => (
            status,
            [("retry-after", secs.ceil().to_string())],
            Json(json!({"message": "You are being rate limited.", "retry_after": secs, "global": false})),
        )
            .into_response(),
        None => match &fault.body {
            Some(body) => (status, Json(body.clone())).into_response(),
            None => (status, Json(json!({"message": "fake outage", "code": 0}))).into_response(),
        },
    };
    Some((fault.status, response))
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": null,
        "bot": bot,
        "public_flags": 0
    })
}

/// A guild member as interactions carry it (with the member's channel permissions).
pub fn member(id: u64, name: &str, permissions: u64) -> Value {
    json!({
        "user": user(id, name, false),
        "nick": null,
        "roles": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": permissions.to_string()
    })
}

pub fn application() -> Value {
    json!({
        "id": APP_ID.to_string(),
        "name": "srm-bot",
        "icon": null,
        "description": "",
        "bot_public": true,
        "bot_require_code_grant": false,
        "verify_key": "00",
        "flags": 0,
        "owner": user(1, "owner", false),
        "team": null
    })
}

/// A message as REST and MESSAGE_CREATE return it.
pub fn message(id: u64, channel: u64, author: u64, sent: &Value) -> Value {
    json!({
        "id": id.to_string(),
        "channel_id": channel.to_string(),
        "author": user(author, if author == BOT_ID { "srm-bot" } else { "someone" }, author == BOT_ID),
        "content": sent.get("content").cloned().unwrap_or(json!("")),
        "timestamp": "2024-01-01T00:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": sent.get("embeds").cloned().unwrap_or(json!([])),
        "components": sent.get("components").cloned().unwrap_or(json!([])),
        "pinned": false,
        "type": 0
    })
}

fn interaction_base(kind: u8, user_id: u64, name: &str, permissions: u64) -> Value {
    interaction_in(GUILD_ID, CHANNEL_ID, kind, user_id, name, permissions)
}

/// The fields every interaction carries, in `guild` and `channel`.
pub fn interaction_in(
    guild: u64,
    channel: u64,
    kind: u8,
    user_id: u64,
    name: &str,
    permissions: u64,
) -> Value {
    json!({
        "id": (user_id ^ 0x5555).to_string(),
        "application_id": APP_ID.to_string(),
        "type": kind,
        "guild_id": guild.to_string(),
        "channel_id": channel.to_string(),
        "member": member(user_id, name, permissions),
        "token": format!("itoken-{user_id}"),
        "version": 1,
        "locale": "en-US",
        "guild_locale": "en-US",
        "app_permissions": "2251799813685247",
        "entitlements": [],
        "attachment_size_limit": 26214400,
        "authorizing_integration_owners": {},
        "context": 0
    })
}

/// A slash command (type 2). `options` as Discord sends them.
pub fn command(
    id: u64,
    user_id: u64,
    name: &str,
    command: &str,
    options: Value,
    permissions: u64,
) -> Value {
    let mut v = interaction_base(2, user_id, name, permissions);
    v["id"] = json!(id.to_string());
    v["token"] = json!(format!("itoken-{id}"));
    v["data"] = json!({"id": "1", "name": command, "type": 1, "options": options});
    v
}

/// An autocomplete request (type 4).
pub fn autocomplete(id: u64, user_id: u64, command: &str, option: &str, partial: &str) -> Value {
    let mut v = interaction_base(4, user_id, "someone", 0);
    v["id"] = json!(id.to_string());
    v["token"] = json!(format!("itoken-{id}"));
    v["data"] = json!({"id": "1", "name": command, "type": 1,
        "options": [{"name": option, "type": 3, "value": partial, "focused": true}]});
    v
}

/// A button click (type 3) on message `message_id`.
pub fn click(id: u64, user_id: u64, name: &str, custom_id: &str, message_id: u64) -> Value {
    let mut v = interaction_base(3, user_id, name, 0);
    v["id"] = json!(id.to_string());
    v["token"] = json!(format!("itoken-{id}"));
    v["data"] = json!({"custom_id": custom_id, "component_type": 2});
    v["message"] = message(message_id, CHANNEL_ID, BOT_ID, &json!({}));
    v
}

/// `interaction` moved to `guild` and `channel`.
pub fn in_channel(mut interaction: Value, guild: u64, channel: u64) -> Value {
    interaction["guild_id"] = json!(guild.to_string());
    interaction["channel_id"] = json!(channel.to_string());
    if interaction["message"].is_object() {
        interaction["message"]["channel_id"] = json!(channel.to_string());
    }
    interaction
}
