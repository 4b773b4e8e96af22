//! srm-bot: a study bot for the AWS Shared Responsibility Model.
//!
//! The core (`kb`, and later the matcher, quiz and store) knows nothing of Discord or
//! the terminal; adapters turn its results into output.

pub mod app;
pub mod cli;
pub mod config;
pub mod console;
pub mod discord;
pub mod kb;
pub mod matcher;
pub mod picture;
pub mod quiz;
pub mod store;
pub mod text;
