//! The command line: parses arguments and runs one command, printing to a writer.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::kb::{self, LoadError};
use crate::text;

/// srm-bot: who secures what in AWS? Answers and quizzes on the Shared Responsibility Model.
#[derive(Debug, Parser)]
#[command(name = "srm-bot", version, about)]
pub struct Cli {
    /// A TOML configuration file (see config.example.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the knowledge base and print a summary (exit 1 with the errors).
    Check {
        /// The knowledge directory [default: knowledge/ or the config's knowledge.dir].
        dir: Option<PathBuf>,
    },
    /// Print the knowledge base's entries.
    Kb {
        /// One JSON object per line per entry.
        #[arg(long)]
        json: bool,
        /// The knowledge directory [default: knowledge/ or the config's knowledge.dir].
        dir: Option<PathBuf>,
    },
}

/// Why a command failed; the message is for the user.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Knowledge(String),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

/// Runs the command; `Ok(false)` means "ran, but the answer is a failure" (exit 1).
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<bool, CliError> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Check { dir } => {
            let dir = dir.unwrap_or(config.knowledge.dir);
            check(&dir, out)
        }
        Command::Kb { json, dir } => {
            let dir = dir.unwrap_or(config.knowledge.dir);
            let kb = load(&dir)?;
            for e in kb.entries() {
                if json {
                    let line = serde_json::to_string(e).map_err(std::io::Error::other)?;
                    writeln!(out, "{line}")?;
                } else {
                    writeln!(out, "{:<40} {:<9} {}", e.id, e.owner.id(), e.question)?;
                }
            }
            Ok(true)
        }
    }
}

fn check(dir: &Path, out: &mut dyn Write) -> Result<bool, CliError> {
    let shown = dir.display().to_string();
    match kb::load_dir(dir) {
        Ok(kb) => {
            write!(out, "{}", text::check_summary(&shown, &kb.summary()))?;
            Ok(true)
        }
        Err(LoadError::Invalid(diags)) => {
            writeln!(out, "{}", text::check_failed(&shown, diags.len()))?;
            for d in diags {
                writeln!(out, "{d}")?;
            }
            Ok(false)
        }
        Err(e) => Err(CliError::Knowledge(e.to_string())),
    }
}

/// Loads the knowledge base, turning a failure into a user-facing error.
pub fn load(dir: &Path) -> Result<kb::KnowledgeBase, CliError> {
    kb::load_dir(dir).map_err(|e| CliError::Knowledge(format!("{}: {e}", dir.display())))
}
