//! Settings from a TOML file (see `config.example.toml`); every setting has a default.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Why a configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub knowledge: KnowledgeConfig,
    pub store: StoreConfig,
    pub quiz: QuizConfig,
    pub discord: DiscordConfig,
}

/// A secret that never prints (Debug and Display show `***`).
#[derive(Clone, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Which shards this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shards {
    /// As many as Discord recommends, all in this process.
    Auto,
    /// Shards `first..=last` of `total`.
    Range { first: u32, last: u32, total: u32 },
}

impl Shards {
    /// `auto`, or `FIRST-LAST/TOTAL` (e.g. `0-1/4`), or `N/TOTAL` for one shard.
    pub fn parse(s: &str) -> Result<Shards, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("auto") {
            return Ok(Shards::Auto);
        }
        let bad = || {
            format!("discord.shards must be `auto` or FIRST-LAST/TOTAL like `0-1/4` (got `{s}`)")
        };
        let (range, total) = s.split_once('/').ok_or_else(bad)?;
        let total: u32 = total.trim().parse().map_err(|_| bad())?;
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (
                a.trim().parse().map_err(|_| bad())?,
                b.trim().parse().map_err(|_| bad())?,
            ),
            None => {
                let n: u32 = range.trim().parse().map_err(|_| bad())?;
                (n, n)
            }
        };
        if total == 0 || first > last || last >= total {
            return Err(bad());
        }
        Ok(Shards::Range { first, last, total })
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// The bot token; the environment variable DISCORD_TOKEN wins over it.
    pub token: Secret,
    /// Register commands in this server only (instant; for development).
    pub guild_id: Option<u64>,
    /// `auto`, or `FIRST-LAST/TOTAL`.
    pub shards: Option<String>,
    /// Test only: a local fake Discord (REST and gateway) instead of discord.com.
    pub api_base: Option<String>,
    /// Attempts for a quiz message (question, reveal, podium) before the quiz gives up.
    pub rest_attempts: Option<u32>,
    /// The first wait after a Discord server error, in milliseconds (it doubles, up to 8 s).
    pub rest_backoff_ms: Option<u64>,
}

impl DiscordConfig {
    /// The token to use: DISCORD_TOKEN, else `discord.token`.
    pub fn resolve_token(&self) -> Result<Secret, String> {
        let token = std::env::var("DISCORD_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty())
            .map(Secret)
            .unwrap_or_else(|| self.token.clone());
        if token.is_empty() {
            return Err(
                "discord.token is not set (set it in the config file or in DISCORD_TOKEN)".into(),
            );
        }
        Ok(token)
    }

    pub fn shards(&self) -> Result<Shards, String> {
        Shards::parse(self.shards.as_deref().unwrap_or("auto"))
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// `sqlite://FILE` (created on first run) or `postgres://USER:PASS@HOST/DB`.
    pub url: String,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            url: "sqlite://srm-bot.db".into(),
        }
    }
}

/// Defaults for `/quiz start`; each can be overridden per quiz.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct QuizConfig {
    pub questions: usize,
    pub seconds: u32,
    pub streaks: bool,
    pub mode: String,
    pub reveal_pause_seconds: u32,
}

impl Default for QuizConfig {
    fn default() -> Self {
        QuizConfig {
            questions: 10,
            seconds: 20,
            streaks: true,
            mode: "mixed".into(),
            reveal_pause_seconds: 5,
        }
    }
}

impl QuizConfig {
    /// The session settings these defaults give.
    pub fn settings(&self) -> crate::quiz::Settings {
        crate::quiz::Settings {
            questions: self.questions,
            seconds: self.seconds,
            streaks: self.streaks,
            reveal_pause_ms: u64::from(self.reveal_pause_seconds) * 1000,
        }
    }

    /// The default question mode.
    pub fn mode(&self) -> crate::quiz::Mode {
        crate::quiz::Mode::parse(&self.mode).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct KnowledgeConfig {
    /// A knowledge directory to use instead of the knowledge embedded in the binary
    /// (`srm-bot kb export DIR` writes a starting copy); it can be reloaded while running.
    pub dir: Option<PathBuf>,
}

impl Config {
    /// Reads `path`, or gives the defaults when there is none.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let Some(path) = path else {
            return Ok(Config::default());
        };
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses TOML text; the error names the key and line.
    pub fn parse(text: &str) -> Result<Config, String> {
        let c: Config = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_string())?;
        c.validate()?;
        Ok(c)
    }

    /// Values that parse but make no sense, named by key.
    fn validate(&self) -> Result<(), String> {
        let q = &self.quiz;
        use crate::quiz::session::{QUESTIONS, SECONDS};
        if !QUESTIONS.contains(&q.questions) {
            return Err(format!(
                "quiz.questions must be {}–{} (got {})",
                QUESTIONS.start(),
                QUESTIONS.end(),
                q.questions
            ));
        }
        if !SECONDS.contains(&q.seconds) {
            return Err(format!(
                "quiz.seconds must be {}–{} (got {})",
                SECONDS.start(),
                SECONDS.end(),
                q.seconds
            ));
        }
        if crate::quiz::Mode::parse(&q.mode).is_none() {
            return Err(format!(
                "quiz.mode must be owner, exam or mixed (got `{}`)",
                q.mode
            ));
        }
        if q.reveal_pause_seconds > 60 {
            return Err(format!(
                "quiz.reveal_pause_seconds must be 0–60 (got {})",
                q.reveal_pause_seconds
            ));
        }
        self.discord.shards()?;
        if let Some(base) = &self.discord.api_base {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(format!(
                    "discord.api_base must be an http:// or https:// URL (got `{base}`)"
                ));
            }
        }
        let url = &self.store.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            return Err(format!(
                "store.url must start with sqlite: or postgres: (got `{url}`)"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses() {
        let text = include_str!("../config.example.toml");
        assert!(Config::parse(text).is_ok(), "{:?}", Config::parse(text));
    }

    #[test]
    fn a_value_out_of_range_is_named_by_key() {
        let err = Config::parse("[quiz]\nseconds = 500\n").unwrap_err();
        assert!(err.contains("quiz.seconds"), "{err}");
        let err = Config::parse("[store]\nurl = \"mysql://x\"\n").unwrap_err();
        assert!(err.contains("store.url"), "{err}");
    }

    #[test]
    fn shards_parse_and_bad_ones_are_named() {
        assert_eq!(Shards::parse("auto"), Ok(Shards::Auto));
        assert_eq!(
            Shards::parse("0-1/4"),
            Ok(Shards::Range {
                first: 0,
                last: 1,
                total: 4
            })
        );
        assert_eq!(
            Shards::parse("1/2"),
            Ok(Shards::Range {
                first: 1,
                last: 1,
                total: 2
            })
        );
        let err = Config::parse("[discord]\nshards = \"3-1/2\"\n").unwrap_err();
        assert!(err.contains("discord.shards"), "{err}");
    }

    #[test]
    fn the_token_never_prints() {
        let c = Config::parse("[discord]\ntoken = \"abc.def.ghi\"\n").unwrap();
        assert!(!format!("{c:?}").contains("abc.def"));
        assert_eq!(c.discord.token.expose(), "abc.def.ghi");
    }

    #[test]
    fn an_unknown_key_is_named() {
        let err = Config::parse("[knowledge]\ndirr = \"x\"\n").unwrap_err();
        assert!(err.contains("dirr"), "{err}");
    }
}
