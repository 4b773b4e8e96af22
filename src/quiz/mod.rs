//! Group quizzes: the question bank and the per-channel quiz session (core: no IO).

pub mod bank;
pub mod review;
pub mod session;

pub use bank::{Filter, Mode, QuestionBank, QuestionKind, QuizQuestion};
pub use session::{Effect, EndReason, Event, Millis, Player, QuizSession, Settings, Standing};
