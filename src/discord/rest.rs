//! The quiz's own REST path: post a question, edit it (progress, reveal), post the podium.
//!
//! Quizzes are where a Discord hiccup costs scores, so these calls retry on their own
//! terms: a 429 waits exactly the `retry_after` Discord asks for (a global one holds every
//! quiz call back), a 5xx or a dropped connection backs off exponentially, and any other
//! 4xx (missing permission, deleted channel) fails at once. When the attempts run out the
//! caller gets [`RestError::Down`] and ends the game cleanly. Everything else (command
//! replies, button acknowledgements) goes through serenity, whose rate limiter already
//! honours 429s against discord.com.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use tokio::time::Instant;

/// How hard to try before giving up on a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, the first one included.
    pub attempts: u32,
    /// The wait after the first 5xx; it doubles after each, up to `max_delay`.
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Retry {
    /// From `[discord] rest_attempts` (default 6) and `rest_backoff_ms` (default 500).
    pub fn from_config(c: &crate::config::DiscordConfig) -> Retry {
        Retry {
            attempts: c.rest_attempts.unwrap_or(6).clamp(1, 20),
            first_delay: Duration::from_millis(c.rest_backoff_ms.unwrap_or(500).clamp(1, 60_000)),
            max_delay: Duration::from_secs(8),
        }
    }

    /// The wait before attempt `next` (2, 3, …) after a server error.
    pub fn backoff(&self, next: u32) -> Duration {
        let doublings = next.saturating_sub(2).min(16);
        (self.first_delay * (1u32 << doublings)).min(self.max_delay)
    }
}

/// Why a call did not go through.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// Discord refused it for good (a 4xx other than 429).
    #[error("discord refused {what}: HTTP {status}: {message}")]
    Refused {
        what: &'static str,
        status: u16,
        message: String,
    },
    /// Discord kept failing (5xx, 429 or no connection) for every attempt.
    #[error("discord is unavailable for {what} after {attempts} attempts: {last}")]
    Down {
        what: &'static str,
        attempts: u32,
        last: String,
    },
}

/// A small Discord REST client for quiz messages.
pub struct Rest {
    client: reqwest::Client,
    /// e.g. `https://discord.com/api/v10`.
    base: String,
    /// `Bot <token>`; never logged (this type has no Debug).
    auth: String,
    retry: Retry,
    /// Until when a global rate limit holds every call back.
    global_until: Mutex<Option<Instant>>,
    /// Until when a route (method + channel) has no requests left in its bucket.
    routes: Mutex<HashMap<(bool, u64), Instant>>,
}

impl Rest {
    /// `api_base` is the fake Discord in tests, `None` for discord.com.
    pub fn new(token: &str, api_base: Option<&str>, retry: Retry) -> Rest {
        let base = format!(
            "{}/api/v10",
            api_base
                .unwrap_or("https://discord.com")
                .trim_end_matches('/')
        );
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "DiscordBot (https://github.com/srm-bot/srm-bot, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Rest {
            client,
            base,
            auth: format!("Bot {token}"),
            retry,
            global_until: Mutex::new(None),
            routes: Mutex::new(HashMap::new()),
        }
    }

    /// Posts a message in `channel`; returns its id.
    pub async fn post(
        &self,
        what: &'static str,
        channel: u64,
        body: &impl Serialize,
    ) -> Result<u64, RestError> {
        let url = format!("{}/channels/{channel}/messages", self.base);
        let reply = self
            .send(what, Method::POST, (true, channel), url, body)
            .await?;
        reply
            .get("id")
            .and_then(|id| id.as_str())
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| RestError::Refused {
                what,
                status: 200,
                message: "the reply has no message id".into(),
            })
    }

    /// Edits message `message` in `channel`.
    pub async fn edit(
        &self,
        what: &'static str,
        channel: u64,
        message: u64,
        body: &impl Serialize,
    ) -> Result<(), RestError> {
        let url = format!("{}/channels/{channel}/messages/{message}", self.base);
        self.send(what, Method::PATCH, (false, channel), url, body)
            .await
            .map(|_| ())
    }

    async fn send(
        &self,
        what: &'static str,
        method: Method,
        route: (bool, u64),
        url: String,
        body: &impl Serialize,
    ) -> Result<serde_json::Value, RestError> {
        let body = serde_json::to_vec(body).map_err(|e| RestError::Refused {
            what,
            status: 0,
            message: e.to_string(),
        })?;
        let mut last = String::new();
        for attempt in 1..=self.retry.attempts {
            self.wait_for_limits(route).await;
            let sent = self
                .client
                .request(method.clone(), &url)
                .header(reqwest::header::AUTHORIZATION, &self.auth)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = format!("no connection ({e})");
                    self.pause(what, attempt, &last, self.retry.backoff(attempt + 1))
                        .await;
                    continue;
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            self.note_bucket(route, &headers);
            let text = response.text().await.unwrap_or_default();
            if status.is_success() {
                return Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null));
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                let limit = RateLimit::read(&headers, &text);
                if limit.global {
                    *self.global_until.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(Instant::now() + limit.retry_after);
                }
                last = format!("rate limited for {:?}", limit.retry_after);
                self.pause(what, attempt, &last, limit.retry_after).await;
                continue;
            }
            if status.is_server_error() {
                last = format!("HTTP {}", status.as_u16());
                self.pause(what, attempt, &last, self.retry.backoff(attempt + 1))
                    .await;
                continue;
            }
            return Err(RestError::Refused {
                what,
                status: status.as_u16(),
                message: discord_message(&text),
            });
        }
        Err(RestError::Down {
            what,
            attempts: self.retry.attempts,
            last,
        })
    }

    /// Sleeps before the next attempt (not after the last one).
    async fn pause(&self, what: &str, attempt: u32, why: &str, wait: Duration) {
        if attempt >= self.retry.attempts {
            return;
        }
        tracing::warn!(
            call = what,
            attempt,
            wait_ms = wait.as_millis() as u64,
            why,
            "discord call failed; retrying"
        );
        tokio::time::sleep(wait).await;
    }

    async fn wait_for_limits(&self, route: (bool, u64)) {
        let global = *self.global_until.lock().unwrap_or_else(|e| e.into_inner());
        let own = {
            let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
            let until = routes.get(&route).copied();
            if until.is_some_and(|u| u <= Instant::now()) {
                routes.remove(&route);
            }
            until
        };
        if let Some(until) = global.max(own) {
            tokio::time::sleep_until(until).await;
        }
    }

    /// Remembers a route whose bucket is empty until it resets.
    fn note_bucket(&self, route: (bool, u64), headers: &reqwest::header::HeaderMap) {
        let remaining = header_f64(headers, "x-ratelimit-remaining");
        let reset_after = header_f64(headers, "x-ratelimit-reset-after");
        if let (Some(r), Some(after)) = (remaining, reset_after) {
            if r < 1.0 && after > 0.0 {
                let now = Instant::now();
                let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
                // Buckets of channels that never post again would otherwise stay forever.
                routes.retain(|_, until| *until > now);
                routes.insert(route, now + secs(after));
            }
        }
    }
}

/// What a 429 says: how long to wait, and whether every call must wait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub retry_after: Duration,
    pub global: bool,
}

impl RateLimit {
    /// Reads the JSON body's `retry_after` (seconds, fractional), else the `Retry-After`
    /// header, else one second.
    pub fn read(headers: &reqwest::header::HeaderMap, body: &str) -> RateLimit {
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let retry_after = json["retry_after"]
            .as_f64()
            .or_else(|| header_f64(headers, "retry-after"))
            .filter(|s| s.is_finite() && *s >= 0.0)
            .unwrap_or(1.0);
        let global = json["global"].as_bool().unwrap_or(false)
            || headers.contains_key("x-ratelimit-global")
            || headers
                .get("x-ratelimit-scope")
                .is_some_and(|s| s == "global");
        RateLimit {
            retry_after: secs(retry_after),
            global,
        }
    }
}

/// Seconds as a duration, capped at 10 minutes (a broken header never stalls a quiz for days).
fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.clamp(0.0, 600.0))
}

fn header_f64(headers: &reqwest::header::HeaderMap, name: &str) -> Option<f64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Discord's error message from a JSON error body, else the body itself (shortened).
fn discord_message(body: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    match json["message"].as_str() {
        Some(m) => m.to_string(),
        None => body.chars().take(200).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let r = Retry {
            attempts: 6,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(4),
        };
        let waits: Vec<u128> = (2..=7).map(|n| r.backoff(n).as_millis()).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 4000, 4000]);
    }

    #[test]
    fn retry_after_comes_from_the_body_then_the_header() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        let body = r#"{"message":"You are being rate limited.","retry_after":0.75,"global":false}"#;
        assert_eq!(
            RateLimit::read(&h, body),
            RateLimit {
                retry_after: Duration::from_millis(750),
                global: false
            }
        );
        assert_eq!(RateLimit::read(&h, "").retry_after, Duration::from_secs(3));
        assert_eq!(
            RateLimit::read(&HeaderMap::new(), "oops").retry_after,
            Duration::from_secs(1)
        );
        h.insert("x-ratelimit-scope", HeaderValue::from_static("global"));
        assert!(RateLimit::read(&h, "").global);
        assert!(RateLimit::read(&HeaderMap::new(), r#"{"retry_after":1,"global":true}"#).global);
    }

    #[test]
    fn absurd_waits_are_capped() {
        let body = r#"{"retry_after":1e300}"#;
        assert_eq!(
            RateLimit::read(&HeaderMap::new(), body).retry_after,
            Duration::from_secs(600)
        );
        let negative = r#"{"retry_after":-5}"#;
        assert_eq!(
            RateLimit::read(&HeaderMap::new(), negative).retry_after,
            Duration::from_secs(1)
        );
    }

    #[test]
    fn errors_say_what_failed_without_the_token() {
        let e = RestError::Down {
            what: "question post",
            attempts: 3,
            last: "HTTP 503".into(),
        };
        assert_eq!(
            e.to_string(),
            "discord is unavailable for question post after 3 attempts: HTTP 503"
        );
        assert_eq!(
            discord_message(r#"{"message":"Missing Access","code":50001}"#),
            "Missing Access"
        );
    }
}
