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

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct KnowledgeConfig {
    /// The knowledge directory.
    pub dir: PathBuf,
}

impl Default for KnowledgeConfig {
    fn default() -> Self {
        KnowledgeConfig {
            dir: PathBuf::from("knowledge"),
        }
    }
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
        if !(1..=50).contains(&q.questions) {
            return Err(format!("quiz.questions must be 1–50 (got {})", q.questions));
        }
        if !(5..=120).contains(&q.seconds) {
            return Err(format!("quiz.seconds must be 5–120 (got {})", q.seconds));
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
    fn an_unknown_key_is_named() {
        let err = Config::parse("[knowledge]\ndirr = \"x\"\n").unwrap_err();
        assert!(err.contains("dirr"), "{err}");
    }
}
