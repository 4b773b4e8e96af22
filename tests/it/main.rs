//! The integration tests, as one binary (as ripgrep does): the fake Discord and the
//! helpers compile once. Each module is the behaviour of one area across modules; unit
//! tests live beside the code.

mod fake_discord;
mod pg;

mod ask;
mod cli;
mod console;
mod coverage;
mod discord;
mod faults;
mod hostile;
mod kb_validation;
mod layering;
mod load;
mod matcher_eval;
mod quiz_bank;
mod scale;
mod snapshots;
mod store;
