//! The command line: parses arguments and runs one command, printing to a writer.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::kb::{self, Files, LoadError};
use crate::matcher::{exam, Matcher};
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
        /// The knowledge directory [default: the config's knowledge.dir, else the embedded knowledge].
        dir: Option<PathBuf>,
    },
    /// Ask who is responsible for something, e.g. `ask "who patches the guest OS on EC2?"`.
    Ask {
        /// The question. Without it, one question per line is read from standard input
        /// and each is answered with one JSON line.
        question: Vec<String>,
        /// Print one JSON object: question, owner (null = abstained), confidence, entry,
        /// rationale, suggestions.
        #[arg(long)]
        json: bool,
        /// Show the best-ranked entries and their scores (for curating the knowledge base).
        #[arg(long)]
        explain: bool,
        /// The knowledge directory [default: the config's knowledge.dir, else the embedded knowledge].
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
    /// Run the Discord bot (settings: --config FILE; the token may come from DISCORD_TOKEN).
    Serve,
    /// Play in the terminal: ask, quiz a group (`@NAME text`), leaderboards and stats.
    Console {
        /// The knowledge directory [default: the config's knowledge.dir, else the embedded knowledge].
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
        /// The database [default: sqlite://srm-bot.db or the config's store.url].
        #[arg(long, value_name = "URL")]
        db: Option<String>,
        /// Your name in quizzes [default: $USER, or "you"].
        #[arg(long, value_name = "NAME")]
        player: Option<String>,
        /// Fix the question order (reproducible quizzes).
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
    },
    /// Measure the matcher on a labelled question set (`tests/eval/test.tsv`): accuracy,
    /// confidently-wrong answers and abstention per class, and the calibration table.
    Eval {
        /// The question set: `expected<TAB>kind<TAB>question` lines after a header, or a
        /// practice-question set (`.yaml`: a list of `{id, style, question, picks}`).
        file: PathBuf,
        /// List every question answered wrongly or not at all.
        #[arg(long)]
        misses: bool,
        /// Print the calibration table fitted on this set (for the matcher's source).
        #[arg(long)]
        calibrate: bool,
        /// The knowledge directory [default: the config's knowledge.dir, else the embedded knowledge].
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
    /// Show the responsibility stacks of up to three services side by side, e.g.
    /// `model ec2 rds lambda --png stacks.png`.
    Model {
        /// Service ids (ec2, rds, lambda, s3, …).
        #[arg(required = true)]
        services: Vec<String>,
        /// Also write the picture as a PNG file.
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
        /// Outline this layer (os, platform, data, …).
        #[arg(long)]
        layer: Option<String>,
        /// The knowledge directory [default: the config's knowledge.dir, else the embedded knowledge].
        #[arg(long, value_name = "DIR")]
        kb: Option<PathBuf>,
    },
    /// Print the knowledge base's entries, or `kb export DIR` to write the embedded
    /// knowledge out as the starting point for a curated copy.
    #[command(args_conflicts_with_subcommands = true)]
    Kb {
        #[command(subcommand)]
        action: Option<KbAction>,
        /// One JSON object per line per entry.
        #[arg(long)]
        json: bool,
        /// The knowledge directory [default: the config's knowledge.dir, else the embedded knowledge].
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KbAction {
    /// Write the knowledge embedded in this binary to DIR (a new or empty directory);
    /// point `[knowledge] dir` or `--kb` at it to curate your own copy.
    Export { dir: PathBuf },
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
    #[error("database: {0}")]
    Store(String),
    #[error("model: {0}")]
    Model(String),
    /// The bot stopped: the message names its layer (discord, database, …).
    #[error("{0}")]
    Serve(String),
}

/// Runs the command; `Ok(false)` means "ran, but the answer is a failure" (exit 1).
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<bool, CliError> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Check { dir } => check(dir.or(config.knowledge.dir).as_deref(), out),
        Command::Ask {
            question,
            json,
            explain,
            kb,
        } => {
            let kb = load(kb.or(config.knowledge.dir).as_deref())?;
            let matcher = Matcher::new(&kb);
            if question.is_empty() {
                return ask_batch(&kb, &matcher, out);
            }
            let question = question.join(" ");
            if let Some(exam) = exam::read(&matcher, &kb, &question) {
                if json {
                    let line = serde_json::to_string(&exam.answer_json(&kb, &question))
                        .map_err(std::io::Error::other)?;
                    writeln!(out, "{line}")?;
                } else {
                    write!(out, "{}", text::exam_text(&kb, &exam))?;
                }
                return Ok(true);
            }
            let answer = matcher.best(&question);
            if json {
                let line = serde_json::to_string(&answer.to_json(&kb, &question))
                    .map_err(std::io::Error::other)?;
                writeln!(out, "{line}")?;
            } else {
                write!(out, "{}", text::answer_text(&kb, &answer))?;
            }
            if explain {
                let (normalized, ranked) = matcher.rank(&question);
                let terms: Vec<&str> = normalized.terms.iter().map(|t| t.text.as_str()).collect();
                writeln!(
                    out,
                    "
terms: {terms:?}  services: {:?}",
                    normalized.services
                )?;
                for (e, score) in ranked.iter().take(8) {
                    let e = &kb.entries()[*e];
                    writeln!(out, "  {score:.3}  {:<9} {}", e.owner.id(), e.id)?;
                }
            }
            Ok(true)
        }
        Command::Serve => {
            init_logging();
            // Every setting is checked before anything connects.
            config
                .discord
                .resolve_token()
                .map_err(|e| CliError::Knowledge(format!("configuration: {e}")))?;
            let brain = brain(config.knowledge.dir.as_deref())?;
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(crate::discord::serve(config, brain))
                .map_err(|e| CliError::Serve(e.to_string()))?;
            Ok(true)
        }
        Command::Console {
            kb,
            db,
            player,
            seed,
        } => {
            let brain = brain(kb.or(config.knowledge.dir).as_deref())?;
            let url = db.unwrap_or(config.store.url);
            let player = player
                .or_else(|| std::env::var("USER").ok())
                .filter(|p| !p.trim().is_empty())
                .unwrap_or_else(|| "you".into());
            let opts = crate::console::Options {
                player,
                seed,
                quiz: config.quiz,
            };
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let result = rt.block_on(async {
                let store = crate::store::SqlStore::connect(&url)
                    .await
                    .map_err(|e| CliError::Store(e.to_string()))?;
                let input = tokio::io::BufReader::new(tokio::io::stdin());
                crate::console::run(&brain, &store, opts, input, std::io::stdout())
                    .await
                    .map_err(|e| CliError::Output(std::io::Error::other(e.to_string())))
            });
            // A read of standard input may still be waiting in a blocking thread (after
            // Ctrl-C or /quit with input open): do not wait for it.
            rt.shutdown_background();
            result?;
            Ok(true)
        }
        Command::Eval {
            file,
            misses,
            calibrate,
            kb,
        } => {
            let kb = load(kb.or(config.knowledge.dir).as_deref())?;
            let matcher = Matcher::new(&kb);
            let text = std::fs::read_to_string(&file)
                .map_err(|e| CliError::Knowledge(format!("{}: {e}", file.display())))?;
            if file.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                let cases = crate::matcher::eval::parse_exam(&text)
                    .map_err(|e| CliError::Knowledge(format!("{}: {e}", file.display())))?;
                let report = crate::matcher::eval::evaluate_exam(&kb, &matcher, &cases);
                write!(out, "{report}")?;
                if misses {
                    writeln!(out)?;
                    for m in &report.misses {
                        writeln!(out, "{m}")?;
                    }
                }
                return Ok(true);
            }
            let cases = crate::matcher::eval::parse_tsv(&text)
                .map_err(|e| CliError::Knowledge(format!("{}: {e}", file.display())))?;
            let report = crate::matcher::eval::evaluate(&kb, &matcher, &cases);
            write!(out, "{report}")?;
            if calibrate {
                let points = crate::matcher::eval::fit_calibration(&matcher, &cases, 40);
                writeln!(out, "\ncalibration (score, share right):")?;
                for (s, p) in points {
                    writeln!(out, "    ({s:.3}, {p:.3}),")?;
                }
            }
            if misses {
                writeln!(out)?;
                for m in &report.misses {
                    writeln!(out, "{m}")?;
                }
            }
            Ok(true)
        }
        Command::Model {
            services,
            png,
            layer,
            kb,
        } => {
            let kb = load(kb.or(config.knowledge.dir).as_deref())?;
            let ids = crate::app::service_ids(&services);
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            let table =
                text::stacks_table(&kb, &ids).map_err(|e| CliError::Model(e.to_string()))?;
            write!(out, "{table}")?;
            if let Some(file) = png {
                let (w, h) = crate::picture::write_png(&kb, &ids, layer.as_deref(), &file)
                    .map_err(|e| CliError::Model(e.to_string()))?;
                writeln!(
                    out,
                    "{}",
                    text::picture_written(&file.display().to_string(), w, h)
                )?;
            }
            Ok(true)
        }
        Command::Kb {
            action: Some(KbAction::Export { dir }),
            ..
        } => {
            let n = export(&dir)?;
            writeln!(out, "{}", text::exported(n, &dir.display().to_string()))?;
            Ok(true)
        }
        Command::Kb { json, dir, .. } => {
            let kb = load(dir.or(config.knowledge.dir).as_deref())?;
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

/// Logs go to standard error; RUST_LOG sets the level (default: info for srm-bot,
/// warnings for libraries).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,srm_bot=info"));
    // Colours only on a terminal: a log file or a pipe gets plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Answers every line of standard input with one JSON line.
fn ask_batch(
    kb: &kb::KnowledgeBase,
    matcher: &Matcher,
    out: &mut dyn Write,
) -> Result<bool, CliError> {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line?;
        let line = line.trim();
        // A JSON string holds a multi-line question ("Which…\nA. …").
        let question = match serde_json::from_str::<String>(line) {
            Ok(q) if line.starts_with('"') => q,
            _ => line.to_string(),
        };
        let question = question.trim();
        if question.is_empty() {
            continue;
        }
        let answer = match exam::read(matcher, kb, question) {
            Some(exam) => exam.answer_json(kb, question),
            None => matcher.best(question).to_json(kb, question),
        };
        let json = serde_json::to_string(&answer).map_err(std::io::Error::other)?;
        writeln!(out, "{json}")?;
    }
    Ok(true)
}

/// The knowledge files: `dir`'s, or the ones embedded in the binary.
fn files(dir: Option<&Path>) -> Result<Files, CliError> {
    match dir {
        Some(d) => Files::read_dir(d).map_err(|e| CliError::Knowledge(e.to_string())),
        None => Ok(Files::embedded()),
    }
}

/// The knowledge (knowledge base, matcher, question bank) from `dir` or the embedded copy.
fn brain(dir: Option<&Path>) -> Result<crate::app::Brain, CliError> {
    let files = files(dir)?;
    crate::app::Brain::from_files(&files)
        .map_err(|e| CliError::Knowledge(format!("{}: {e}", files.root().display())))
}

/// Writes the embedded knowledge to `dir` (new or empty); returns how many files.
fn export(dir: &Path) -> Result<usize, CliError> {
    let refuse = |why: String| CliError::Knowledge(format!("{}: {why}", dir.display()));
    if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(refuse(
            "not empty; export into a new or empty directory so nothing is overwritten".into(),
        ));
    }
    let files = Files::embedded();
    for (rel, bytes) in files.iter() {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| refuse(e.to_string()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| refuse(e.to_string()))?;
    }
    Ok(files.len())
}

fn check(dir: Option<&Path>, out: &mut dyn Write) -> Result<bool, CliError> {
    let source = files(dir)?;
    let shown = source.root().display().to_string();
    match kb::load(&source) {
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

/// Loads the knowledge base (from `dir` or the embedded copy), turning a failure into a
/// user-facing error.
pub fn load(dir: Option<&Path>) -> Result<kb::KnowledgeBase, CliError> {
    let source = files(dir)?;
    kb::load(&source).map_err(|e| CliError::Knowledge(format!("{}: {e}", source.root().display())))
}
