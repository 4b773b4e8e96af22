//! Start-up checks before the gateway connects: the token, the server, and the slash
//! commands. Each either succeeds, is retried (5xx, 429, a dropped connection), or ends
//! the process with one line naming the cause and what to change — the bot never stays up
//! connected and doing nothing.

use std::sync::Arc;
use std::time::Instant;

use poise::serenity_prelude as serenity;
use serenity::{GatewayIntents, GuildId, Http, HttpBuilder, HttpError};

use super::rest::{self, Retry};
use super::{commands, events, quiz, render, Data};
use crate::app::{self, Brain};
use crate::config::{Config, Shards};
use crate::store::Store;

/// Why the bot could not start or had to stop; each names its layer and what to check.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("knowledge: {0}")]
    Knowledge(String),
    #[error("database: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("discord: the bot token was rejected (401 Unauthorized): check DISCORD_TOKEN or [discord] token (the Bot token from the Developer Portal, not the client secret)")]
    Token,
    #[error("discord: the bot is not in server {guild} (HTTP {status}: {message}): invite it with the link in the README, or fix [discord] guild_id")]
    Guild {
        guild: u64,
        status: u16,
        message: String,
    },
    #[error("discord: {0}; fix the command definition and start again")]
    Commands(String),
    #[error("discord: unreachable while {0}")]
    Unreachable(String),
    #[error("discord: refused {0}")]
    Rejected(String),
    #[error("discord gateway: {0}")]
    Gateway(#[from] serenity::Error),
}

/// The gateway intents: server events for channels, messages that mention the bot and
/// DMs. No privileged intent: Discord sends the content of mentions and DMs without it.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES
}

/// Runs the bot until it is stopped.
pub async fn serve(config: Config, brain: Brain) -> Result<(), ServeError> {
    let token = config.discord.resolve_token().map_err(ServeError::Config)?;
    let shards = config.discord.shards().map_err(ServeError::Config)?;
    let store: Arc<dyn Store> = Arc::new(crate::store::SqlStore::connect(&config.store.url).await?);
    let runner = match shards {
        Shards::Auto => "discord".to_string(),
        Shards::Range { first, last, total } => format!("discord:{first}-{last}/{total}"),
    };
    let abandoned = store.abandon_running(&runner, app::unix_now()).await?;
    if abandoned > 0 {
        tracing::info!(
            abandoned,
            "marked unfinished quizzes from the last run as abandoned"
        );
    }
    let mut http = HttpBuilder::new(token.expose());
    if let Some(base) = &config.discord.api_base {
        // Test only: a local fake Discord. serenity's proxy applies with the rate limiter off.
        http = http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();
    let commands = commands::all();
    preflight(
        &http,
        &rest::Retry::from_config(&config.discord),
        config.discord.guild_id,
        &commands,
    )
    .await?;
    let rest = rest::Rest::new(
        token.expose(),
        config.discord.api_base.as_deref(),
        rest::Retry::from_config(&config.discord),
    );
    let data: Arc<Data> = Arc::new(Data {
        brain: std::sync::RwLock::new(Arc::new(brain)),
        store,
        config,
        runner,
        clock: Instant::now(),
        quizzes: quiz::Quizzes::default(),
        rest,
        reviews: Default::default(),
        seeds: std::sync::atomic::AtomicU64::new(app::unix_now() as u64),
    });
    spawn_reload_on_sighup(data.clone());
    spawn_review_expiry(data.clone());
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands,
            allowed_mentions: Some(render::no_pings()),
            on_error: |e| Box::pin(events::on_error(e)),
            event_handler: |ctx, event, _fw, data| Box::pin(events::on_event(ctx, event, data)),
            ..Default::default()
        })
        // The commands were registered before connecting (see `startup`).
        .setup(move |_ctx, ready, _framework| {
            Box::pin(async move {
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "ready");
                Ok(data)
            })
        })
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .await?;
    match shards {
        Shards::Auto => client.start_autosharded().await?,
        Shards::Range { first, last, total } => {
            // serenity treats this range's end as inclusive ("up to and including").
            client.start_shard_range(first..last, total).await?
        }
    }
    Ok(())
}

/// Reviews left alone end even if nobody uses /review again: a sweep every few minutes.
fn spawn_review_expiry(data: Arc<Data>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            every.tick().await;
            data.expire_reviews(app::unix_now()).await;
        }
    });
}

/// SIGHUP reloads the knowledge base, like `/srm-admin reload`.
fn spawn_reload_on_sighup(data: Arc<Data>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hup) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; reload with /srm-admin reload");
            return;
        };
        while hup.recv().await.is_some() {
            match data.reload() {
                Ok(summary) => tracing::info!(%summary, "knowledge reloaded (SIGHUP)"),
                Err(errors) => {
                    tracing::error!(%errors, "knowledge reload failed (SIGHUP); the previous knowledge stays")
                }
            }
        }
    });
    #[cfg(not(unix))]
    let _ = data;
}

/// What a failed start-up call means.
enum Failure {
    /// Worth another try: a server error, a rate limit, no connection.
    Transient(String),
    /// Discord refused it: (HTTP status, Discord's message, the errors' paths).
    Refused(u16, String, Vec<(String, String)>),
}

fn classify(e: &serenity::Error) -> Failure {
    match e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => {
            let status = r.status_code.as_u16();
            let message = r.error.message.clone();
            if status >= 500 || status == 429 {
                Failure::Transient(format!("HTTP {status}: {message}"))
            } else {
                let paths = r
                    .error
                    .errors
                    .iter()
                    .map(|e| (e.path.clone(), e.message.clone()))
                    .collect();
                Failure::Refused(status, message, paths)
            }
        }
        serenity::Error::Http(HttpError::Request(e)) => Failure::Transient(if e.is_connect() {
            "cannot connect".to_string()
        } else if e.is_timeout() {
            "timed out".to_string()
        } else {
            "the connection failed".to_string()
        }),
        other => Failure::Refused(0, other.to_string(), Vec::new()),
    }
}

/// Runs `call` until it succeeds, is refused, or `retry.attempts` transient failures.
async fn retried<T, F, Fut>(retry: &Retry, what: &str, mut call: F) -> Result<T, (Failure, u32)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, serenity::Error>>,
{
    let mut attempt = 1;
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e) => match classify(&e) {
                Failure::Transient(why) if attempt < retry.attempts => {
                    attempt += 1;
                    let wait = retry.backoff(attempt);
                    tracing::warn!(what, %why, attempt, wait_ms = wait.as_millis() as u64, "start-up call failed; retrying");
                    tokio::time::sleep(wait).await;
                }
                f => return Err((f, attempt)),
            },
        }
    }
}

fn unreachable(what: &str, why: &str, attempts: u32) -> ServeError {
    ServeError::Unreachable(format!(
        "{what}: {why} after {attempts} attempt(s); check the network (and [discord] api_base if set), then start again"
    ))
}

/// Checks the token, learns the application id, checks the server (`guild`) and
/// registers `commands` there (or globally). Called before the gateway connects.
pub async fn preflight(
    http: &Http,
    retry: &Retry,
    guild: Option<u64>,
    commands: &[poise::Command<std::sync::Arc<super::Data>, super::Error>],
) -> Result<(), ServeError> {
    let me = match retried(retry, "checking the token", || http.get_current_user()).await {
        Ok(me) => me,
        Err((Failure::Refused(401, ..), _)) => return Err(ServeError::Token),
        Err((Failure::Refused(status, message, _), _)) => {
            return Err(ServeError::Rejected(format!(
                "checking the token: HTTP {status}: {message}"
            )))
        }
        Err((Failure::Transient(why), n)) => {
            return Err(unreachable("checking the token", &why, n))
        }
    };
    tracing::debug!(user = %me.name, "token accepted");
    let app = match retried(retry, "reading the application", || {
        http.get_current_application_info()
    })
    .await
    {
        Ok(app) => app,
        Err((Failure::Refused(status, message, _), _)) => {
            return Err(ServeError::Rejected(format!(
                "reading the application: HTTP {status}: {message}"
            )))
        }
        Err((Failure::Transient(why), n)) => {
            return Err(unreachable("reading the application", &why, n))
        }
    };
    http.set_application_id(app.id);
    let body = poise::builtins::create_application_commands(commands);
    let names: Vec<&str> = commands.iter().map(|c| c.name.as_str()).collect();
    let registered = match guild {
        Some(g) => {
            let member = || http.get_current_user_guild_member(GuildId::new(g));
            match retried(retry, "finding the server", member).await {
                Ok(_) => {}
                Err((Failure::Refused(status @ (403 | 404), message, _), _)) => {
                    return Err(ServeError::Guild {
                        guild: g,
                        status,
                        message,
                    })
                }
                Err((Failure::Refused(status, message, _), _)) => {
                    return Err(ServeError::Rejected(format!(
                        "finding server {g}: HTTP {status}: {message}"
                    )))
                }
                Err((Failure::Transient(why), n)) => {
                    return Err(unreachable("finding the server", &why, n))
                }
            }
            retried(retry, "registering the slash commands", || {
                http.create_guild_commands(GuildId::new(g), &body)
            })
            .await
        }
        None => {
            retried(retry, "registering the slash commands", || {
                http.create_global_commands(&body)
            })
            .await
        }
    };
    match registered {
        Ok(_) => Ok(()),
        Err((Failure::Refused(status, message, paths), _)) => Err(ServeError::Commands(
            command_refusal(status, &message, &paths, &names),
        )),
        Err((Failure::Transient(why), n)) => {
            Err(unreachable("registering the slash commands", &why, n))
        }
    }
}

/// "Discord refused the slash command /quiz (HTTP 400: Invalid Form Body — options.0.name:
/// Must be 32 or fewer in length)". Discord names a command by its index in the upload.
fn command_refusal(
    status: u16,
    message: &str,
    paths: &[(String, String)],
    names: &[&str],
) -> String {
    let first = paths.first();
    let command = first
        .and_then(|(path, _)| path.split('.').next()?.parse::<usize>().ok())
        .and_then(|i| names.get(i))
        .map_or(String::new(), |n| format!(" /{n}"));
    let detail = first.map_or(String::new(), |(path, m)| {
        let rest = path.split_once('.').map_or("", |(_, r)| r);
        format!(" — {rest}: {m}")
    });
    format!("Discord refused the slash command{command} (HTTP {status}: {message}{detail})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_upload_names_the_command_and_the_field() {
        let paths = vec![(
            "1.options.0.name".to_string(),
            "Must be 32 or fewer in length.".to_string(),
        )];
        assert_eq!(
            command_refusal(400, "Invalid Form Body", &paths, &["ask", "quiz"]),
            "Discord refused the slash command /quiz (HTTP 400: Invalid Form Body — options.0.name: Must be 32 or fewer in length.)"
        );
        assert_eq!(
            command_refusal(403, "Missing Access", &[], &["ask"]),
            "Discord refused the slash command (HTTP 403: Missing Access)"
        );
    }
}
