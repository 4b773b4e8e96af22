//! A personal review quiz: the member's due questions one at a time, untimed, private.

use super::bank::QuizQuestion;

/// The result of answering the current review question.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewStep {
    pub index: usize,
    pub question: QuizQuestion,
    pub choice: usize,
    pub correct: bool,
    /// Whether another question follows.
    pub more: bool,
}

/// A review in progress.
#[derive(Debug, Clone)]
pub struct ReviewSession {
    questions: Vec<QuizQuestion>,
    index: usize,
    correct: usize,
}

impl ReviewSession {
    pub fn new(questions: Vec<QuizQuestion>) -> Self {
        ReviewSession {
            questions,
            index: 0,
            correct: 0,
        }
    }

    /// The question to answer now, with its index, if any is left.
    pub fn current(&self) -> Option<(usize, &QuizQuestion)> {
        self.questions.get(self.index).map(|q| (self.index, q))
    }

    pub fn total(&self) -> usize {
        self.questions.len()
    }

    pub fn correct(&self) -> usize {
        self.correct
    }

    /// Answers question `index` with `choice`; `None` if that is not the current question
    /// (an old button) or not an option.
    pub fn answer(&mut self, index: usize, choice: usize) -> Option<ReviewStep> {
        let q = self.questions.get(self.index)?;
        if index != self.index || choice >= q.options.len() {
            return None;
        }
        let correct = choice == q.answer;
        self.correct += usize::from(correct);
        self.index += 1;
        Some(ReviewStep {
            index,
            question: q.clone(),
            choice,
            correct,
            more: self.index < self.questions.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::QuestionKind;

    fn q(answer: usize) -> QuizQuestion {
        QuizQuestion {
            id: format!("q{answer}"),
            kind: QuestionKind::Owner,
            question: "?".into(),
            options: vec!["AWS".into(), "Customer".into(), "Shared".into()],
            answer,
            explanation: "".into(),
            topic: "t".into(),
            services: vec![],
        }
    }

    #[test]
    fn goes_through_the_questions_once() {
        let mut r = ReviewSession::new(vec![q(0), q(1)]);
        assert_eq!(r.answer(1, 0), None, "not the current question");
        let s = r.answer(0, 0).unwrap();
        assert!(s.correct && s.more);
        assert_eq!(r.answer(0, 0), None, "an old button");
        let s = r.answer(1, 2).unwrap();
        assert!(!s.correct && !s.more);
        assert_eq!((r.correct(), r.current()), (1, None));
    }
}
