//! A quiz in one channel as a state machine: `apply(event, now) -> effects`. No IO and
//! no sleeping: the adapter owns the timers, asks `next_deadline()` when to send `Tick`,
//! and turns effects into messages and database writes.

use std::collections::BTreeMap;

use super::bank::QuizQuestion;

/// Milliseconds on the adapter's clock (any epoch, as long as it is the same).
pub type Millis = u64;

/// How a quiz is played.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// 1–50.
    pub questions: usize,
    /// Seconds per question, 5–120.
    pub seconds: u32,
    /// Streak bonus on or off.
    pub streaks: bool,
    /// Pause between a reveal and the next question, so people can read the reason.
    pub reveal_pause_ms: Millis,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            questions: 10,
            seconds: 20,
            streaks: true,
            reveal_pause_ms: 5_000,
        }
    }
}

/// How many questions a quiz may have: the one limit the config, the console and
/// Discord's slash options (`min_value`/`max_value`) all use.
pub const QUESTIONS: std::ops::RangeInclusive<usize> = 1..=50;
/// How many seconds a question may be open.
pub const SECONDS: std::ops::RangeInclusive<u32> = 5..=120;

/// A setting out of range; the message is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("questions must be between {lo} and {hi} (got {0})", lo = QUESTIONS.start(), hi = QUESTIONS.end())]
    Questions(usize),
    #[error("seconds must be between {lo} and {hi} (got {0})", lo = SECONDS.start(), hi = SECONDS.end())]
    Seconds(u32),
}

impl Settings {
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !QUESTIONS.contains(&self.questions) {
            return Err(SettingsError::Questions(self.questions));
        }
        if !SECONDS.contains(&self.seconds) {
            return Err(SettingsError::Seconds(self.seconds));
        }
        Ok(())
    }
}

/// A member, by the adapter's id, with the name to show.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Player {
    pub id: String,
    pub name: String,
}

/// What happens to a quiz.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `player` picks option `choice` (0-based) of the current question.
    Answer { player: Player, choice: usize },
    /// Time passes: the adapter sends this at `next_deadline()`.
    Tick,
    /// `by` asks to stop; `may_moderate` says whether the adapter lets them stop anyone's quiz.
    Stop { by: Player, may_moderate: bool },
}

/// One player's answer to one question, as revealed.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerResult {
    pub player: Player,
    pub choice: usize,
    pub correct: bool,
    pub elapsed_ms: Millis,
    pub points: u32,
    /// Consecutive correct answers including this one (0 when wrong).
    pub streak: u32,
}

/// A player's running total.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub player: Player,
    pub points: u32,
    pub correct: u32,
    pub answered: u32,
    /// Sum of answer times, the tie-breaker.
    pub total_ms: Millis,
    pub best_streak: u32,
}

/// The answer to a question, with how the channel voted.
#[derive(Debug, Clone, PartialEq)]
pub struct Reveal {
    pub index: usize,
    pub total: usize,
    pub question: QuizQuestion,
    /// Votes per option.
    pub votes: Vec<usize>,
    /// Every answer, in the order given.
    pub results: Vec<AnswerResult>,
    /// The running top 5.
    pub top: Vec<Standing>,
}

/// Why a quiz ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// All questions were asked.
    Completed,
    /// Someone allowed to stopped it.
    Stopped,
    /// Two questions in a row nobody answered.
    Inactive,
}

/// What the adapter must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Post question `index` (0-based) of `total`; answers close at `deadline`.
    Ask {
        index: usize,
        total: usize,
        question: QuizQuestion,
        deadline: Millis,
    },
    /// Acknowledge `player`'s answer (privately); `answered` players have answered so far.
    Locked {
        player: Player,
        choice: usize,
        elapsed_ms: Millis,
        answered: usize,
    },
    /// `player` answered this question already; their first answer stands.
    AlreadyAnswered { player: Player, choice: usize },
    /// No question is open (between questions, or the quiz is over).
    NotOpen { player: Player },
    /// The choice is not one of the options.
    InvalidChoice { player: Player, options: usize },
    /// Show the answer, the votes and who was right. Save these answers.
    Reveal(Reveal),
    /// The quiz is over: podium and standings.
    Finished {
        reason: EndReason,
        standings: Vec<Standing>,
    },
    /// `player` may not stop this quiz.
    StopDenied { player: Player },
}

#[derive(Debug, Clone)]
enum State {
    Asking {
        index: usize,
        opened_at: Millis,
        deadline: Millis,
        /// (player, choice, at), in order.
        answers: Vec<(Player, usize, Millis)>,
    },
    Between {
        next_index: usize,
        at: Millis,
    },
    Finished,
}

#[derive(Debug, Clone, Default)]
struct Tally {
    points: u32,
    correct: u32,
    answered: u32,
    total_ms: Millis,
    streak: u32,
    best_streak: u32,
}

/// One quiz in one channel.
#[derive(Debug, Clone)]
pub struct QuizSession {
    settings: Settings,
    questions: Vec<QuizQuestion>,
    starter: Player,
    state: State,
    /// Tallies by player id (a renamed member keeps one tally), with the latest name.
    players: BTreeMap<String, (Player, Tally)>,
    /// Questions in a row that nobody answered.
    idle: u32,
}

/// Points for a correct answer after `elapsed` of `limit`: 1000 at once, 500 at the bell.
pub fn points_for(elapsed: Millis, limit: Millis) -> u32 {
    let t = elapsed.min(limit) as f64 / limit.max(1) as f64;
    (1000.0 * (1.0 - t / 2.0)).round() as u32
}

/// The streak bonus for the `streak`-th correct answer in a row: +100 per answer after
/// the first, at most +500.
pub fn streak_bonus(streak: u32) -> u32 {
    (100 * streak.saturating_sub(1)).min(500)
}

impl QuizSession {
    /// Starts a quiz: the first question is asked at once.
    pub fn start(
        settings: Settings,
        questions: Vec<QuizQuestion>,
        starter: Player,
        now: Millis,
    ) -> (Self, Vec<Effect>) {
        let mut s = QuizSession {
            settings,
            questions,
            starter,
            state: State::Finished,
            players: BTreeMap::new(),
            idle: 0,
        };
        let mut effects = Vec::new();
        if s.questions.is_empty() {
            s.finish(EndReason::Completed, &mut effects);
        } else {
            s.ask(0, now, &mut effects);
        }
        (s, effects)
    }

    pub fn starter(&self) -> &Player {
        &self.starter
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn questions(&self) -> &[QuizQuestion] {
        &self.questions
    }

    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Finished)
    }

    /// The open question's index, if one is open.
    pub fn open_question(&self) -> Option<usize> {
        match self.state {
            State::Asking { index, .. } => Some(index),
            _ => None,
        }
    }

    /// When the adapter must send the next `Tick`.
    pub fn next_deadline(&self) -> Option<Millis> {
        match &self.state {
            State::Asking { deadline, .. } => Some(*deadline),
            State::Between { at, .. } => Some(*at),
            State::Finished => None,
        }
    }

    /// Applies `event` at time `now`.
    pub fn apply(&mut self, event: Event, now: Millis) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            Event::Answer { player, choice } => self.answer(player, choice, now, &mut effects),
            Event::Tick => self.tick(now, &mut effects),
            Event::Stop { by, may_moderate } => {
                if self.is_finished() {
                    effects.push(Effect::NotOpen { player: by });
                } else if by.id == self.starter.id || may_moderate {
                    // The open question is dropped: only revealed answers count.
                    self.finish(EndReason::Stopped, &mut effects);
                } else {
                    effects.push(Effect::StopDenied { player: by });
                }
            }
        }
        effects
    }

    fn ask(&mut self, index: usize, now: Millis, effects: &mut Vec<Effect>) {
        let deadline = now + Millis::from(self.settings.seconds) * 1000;
        self.state = State::Asking {
            index,
            opened_at: now,
            deadline,
            answers: Vec::new(),
        };
        effects.push(Effect::Ask {
            index,
            total: self.questions.len(),
            question: self.questions[index].clone(),
            deadline,
        });
    }

    fn answer(&mut self, player: Player, choice: usize, now: Millis, effects: &mut Vec<Effect>) {
        let options = match &self.state {
            State::Asking { index, .. } => self.questions[*index].options.len(),
            _ => {
                effects.push(Effect::NotOpen { player });
                return;
            }
        };
        if choice >= options {
            effects.push(Effect::InvalidChoice { player, options });
            return;
        }
        let State::Asking {
            index,
            opened_at,
            answers,
            ..
        } = &mut self.state
        else {
            return;
        };
        if let Some((_, first, _)) = answers.iter().find(|(p, ..)| p.id == player.id) {
            effects.push(Effect::AlreadyAnswered {
                player,
                choice: *first,
            });
            return;
        }
        answers.push((player.clone(), choice, now));
        let answered = answers.len();
        let elapsed_ms = now.saturating_sub(*opened_at);
        let index = *index;
        let everyone = self
            .players
            .keys()
            .all(|id| answers.iter().any(|(a, ..)| &a.id == id));
        effects.push(Effect::Locked {
            player,
            choice,
            elapsed_ms,
            answered,
        });
        // The first question always runs its full time, so everyone can join.
        if index > 0 && everyone {
            self.reveal(now, effects);
        }
    }

    fn tick(&mut self, now: Millis, effects: &mut Vec<Effect>) {
        // Several steps may be due at once (a late tick, or no pause between questions).
        loop {
            match self.state {
                State::Asking { deadline, .. } if now >= deadline => self.reveal(now, effects),
                State::Between { next_index, at } if now >= at => self.ask(next_index, at, effects),
                _ => return,
            }
        }
    }

    fn reveal(&mut self, now: Millis, effects: &mut Vec<Effect>) {
        let State::Asking {
            index,
            opened_at,
            answers,
            ..
        } = std::mem::replace(&mut self.state, State::Finished)
        else {
            return;
        };
        let question = self.questions[index].clone();
        let limit = Millis::from(self.settings.seconds) * 1000;
        let mut votes = vec![0; question.options.len()];
        let mut results = Vec::new();
        for (player, choice, at) in &answers {
            votes[*choice] += 1;
            let elapsed_ms = at.saturating_sub(opened_at).min(limit);
            let correct = *choice == question.answer;
            let (shown, tally) = self
                .players
                .entry(player.id.clone())
                .or_insert_with(|| (player.clone(), Tally::default()));
            // Names are only for display: the latest one is shown.
            shown.name.clone_from(&player.name);
            tally.answered += 1;
            tally.total_ms += elapsed_ms;
            let points = if correct {
                tally.streak += 1;
                tally.correct += 1;
                tally.best_streak = tally.best_streak.max(tally.streak);
                let bonus = if self.settings.streaks {
                    streak_bonus(tally.streak)
                } else {
                    0
                };
                points_for(elapsed_ms, limit) + bonus
            } else {
                tally.streak = 0;
                0
            };
            tally.points += points;
            results.push(AnswerResult {
                player: player.clone(),
                choice: *choice,
                correct,
                elapsed_ms,
                points,
                streak: tally.streak,
            });
        }
        // A player who did not answer loses their streak.
        for (id, (_, tally)) in self.players.iter_mut() {
            if !answers.iter().any(|(a, ..)| &a.id == id) {
                tally.streak = 0;
            }
        }
        self.idle = if answers.is_empty() { self.idle + 1 } else { 0 };
        let mut top = self.standings();
        top.truncate(5);
        effects.push(Effect::Reveal(Reveal {
            index,
            total: self.questions.len(),
            question,
            votes,
            results,
            top,
        }));
        if self.idle >= 2 {
            self.finish(EndReason::Inactive, effects);
        } else if index + 1 >= self.questions.len() {
            self.finish(EndReason::Completed, effects);
        } else if self.settings.reveal_pause_ms == 0 {
            self.ask(index + 1, now, effects);
        } else {
            self.state = State::Between {
                next_index: index + 1,
                at: now + self.settings.reveal_pause_ms,
            };
        }
    }

    fn finish(&mut self, reason: EndReason, effects: &mut Vec<Effect>) {
        self.state = State::Finished;
        effects.push(Effect::Finished {
            reason,
            standings: self.standings(),
        });
    }

    /// Everyone who answered, best first: points, then less total answer time.
    pub fn standings(&self) -> Vec<Standing> {
        let mut s: Vec<Standing> = self
            .players
            .values()
            .map(|(p, t)| Standing {
                player: p.clone(),
                points: t.points,
                correct: t.correct,
                answered: t.answered,
                total_ms: t.total_ms,
                best_streak: t.best_streak,
            })
            .collect();
        s.sort_by(|a, b| {
            b.points
                .cmp(&a.points)
                .then(a.total_ms.cmp(&b.total_ms))
                .then(a.player.name.cmp(&b.player.name))
        });
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::bank::QuestionKind;

    fn q(i: usize) -> QuizQuestion {
        QuizQuestion {
            id: format!("q{i}"),
            kind: QuestionKind::Owner,
            question: format!("Question {i}?"),
            options: vec!["AWS".into(), "Customer".into(), "Shared".into()],
            answer: 1,
            explanation: "Because.".into(),
            topic: "t".into(),
            services: vec![],
        }
    }

    fn p(name: &str) -> Player {
        Player {
            id: format!("id-{name}"),
            name: name.into(),
        }
    }

    fn answer(name: &str, choice: usize) -> Event {
        Event::Answer {
            player: p(name),
            choice,
        }
    }

    fn settings(n: usize) -> Settings {
        Settings {
            questions: n,
            seconds: 20,
            streaks: true,
            reveal_pause_ms: 0,
        }
    }

    fn reveal(effects: &[Effect]) -> &Reveal {
        effects
            .iter()
            .find_map(|e| match e {
                Effect::Reveal(r) => Some(r),
                _ => None,
            })
            .expect("a reveal")
    }

    #[test]
    fn a_member_who_renames_mid_quiz_keeps_one_tally() {
        let (mut s, _) = QuizSession::start(settings(2), vec![q(0), q(1)], p("ann"), 0);
        s.apply(answer("ann", 1), 1_000);
        s.apply(Event::Tick, 20_000);
        // Same member, new nickname.
        let renamed = Player {
            id: "id-ann".into(),
            name: "Ann the Architect".into(),
        };
        // Everyone known has answered: the last question is revealed at once.
        let fx = s.apply(
            Event::Answer {
                player: renamed,
                choice: 1,
            },
            21_000,
        );
        let standings = match fx.iter().find(|e| matches!(e, Effect::Finished { .. })) {
            Some(Effect::Finished { standings, .. }) => standings.clone(),
            _ => panic!("finished: {fx:?}"),
        };
        assert_eq!(standings.len(), 1, "{standings:?}");
        assert_eq!(standings[0].correct, 2);
        assert_eq!(standings[0].player.name, "Ann the Architect");
    }

    #[test]
    fn points_at_zero_half_and_full_time() {
        assert_eq!(points_for(0, 20_000), 1000);
        assert_eq!(points_for(10_000, 20_000), 750);
        assert_eq!(points_for(20_000, 20_000), 500);
        assert_eq!(points_for(99_000, 20_000), 500);
    }

    #[test]
    fn streak_bonus_grows_by_100_and_caps_at_500() {
        let bonuses: Vec<u32> = (1..=8).map(streak_bonus).collect();
        assert_eq!(bonuses, [0, 100, 200, 300, 400, 500, 500, 500]);
    }

    #[test]
    fn scoring_in_a_session_uses_the_answer_time() {
        let (mut s, fx) = QuizSession::start(settings(1), vec![q(0)], p("ann"), 0);
        assert!(matches!(
            fx[0],
            Effect::Ask {
                deadline: 20_000,
                ..
            }
        ));
        s.apply(answer("ann", 1), 0);
        s.apply(answer("bob", 1), 10_000);
        s.apply(answer("cat", 0), 5_000);
        let fx = s.apply(Event::Tick, 20_000);
        let r = reveal(&fx);
        let pts: Vec<u32> = r.results.iter().map(|a| a.points).collect();
        assert_eq!(pts, [1000, 750, 0]);
        assert_eq!(r.votes, [1, 2, 0]);
        assert!(matches!(
            fx.last(),
            Some(Effect::Finished {
                reason: EndReason::Completed,
                ..
            })
        ));
    }

    #[test]
    fn a_second_answer_is_refused_and_the_first_stands() {
        let (mut s, _) = QuizSession::start(settings(1), vec![q(0)], p("ann"), 0);
        s.apply(answer("ann", 0), 1_000);
        let fx = s.apply(answer("ann", 1), 2_000);
        assert_eq!(
            fx,
            [Effect::AlreadyAnswered {
                player: p("ann"),
                choice: 0
            }]
        );
        let fx = s.apply(Event::Tick, 20_000);
        assert_eq!(reveal(&fx).results[0].choice, 0);
    }

    #[test]
    fn the_first_question_runs_its_full_time() {
        let (mut s, _) = QuizSession::start(settings(2), vec![q(0), q(1)], p("ann"), 0);
        let fx = s.apply(answer("ann", 1), 1_000);
        assert!(!fx.iter().any(|e| matches!(e, Effect::Reveal(_))));
        assert_eq!(s.next_deadline(), Some(20_000));
    }

    #[test]
    fn later_questions_reveal_as_soon_as_every_player_answered() {
        let (mut s, _) = QuizSession::start(settings(3), vec![q(0), q(1), q(2)], p("ann"), 0);
        s.apply(answer("ann", 1), 1_000);
        s.apply(answer("bob", 1), 2_000);
        let fx = s.apply(Event::Tick, 20_000); // reveal q0, ask q1 (no pause)
        assert!(matches!(fx.last(), Some(Effect::Ask { index: 1, .. })));
        let fx = s.apply(answer("bob", 0), 21_000);
        assert!(!fx.iter().any(|e| matches!(e, Effect::Reveal(_))));
        let fx = s.apply(answer("ann", 1), 22_000);
        assert_eq!(reveal(&fx).index, 1);
        assert!(matches!(fx.last(), Some(Effect::Ask { index: 2, .. })));
    }

    #[test]
    fn streaks_add_a_bonus_and_a_miss_resets_them() {
        let qs: Vec<QuizQuestion> = (0..4).map(q).collect();
        let (mut s, _) = QuizSession::start(settings(4), qs, p("ann"), 0);
        let mut t = 0;
        let mut points = Vec::new();
        for (i, choice) in [1, 1, 1, 0].into_iter().enumerate() {
            // Instant answers: 1000 base. The first question waits for its time; later
            // ones are revealed as soon as the only player has answered.
            let mut fx = s.apply(answer("ann", choice), t);
            if i == 0 {
                fx = s.apply(Event::Tick, t + 20_000);
                t += 20_000;
            }
            points.push(reveal(&fx).results[0].points);
        }
        assert_eq!(points, [1000, 1100, 1200, 0]);
        assert_eq!(s.standings()[0].best_streak, 3);
    }

    #[test]
    fn streaks_off_gives_no_bonus() {
        let mut st = settings(2);
        st.streaks = false;
        let (mut s, _) = QuizSession::start(st, vec![q(0), q(1)], p("ann"), 0);
        s.apply(answer("ann", 1), 0);
        s.apply(Event::Tick, 20_000);
        let fx = s.apply(answer("ann", 1), 20_000);
        assert_eq!(reveal(&fx).results[0].points, 1000);
    }

    #[test]
    fn two_unanswered_questions_in_a_row_end_the_quiz() {
        let qs: Vec<QuizQuestion> = (0..5).map(q).collect();
        let (mut s, _) = QuizSession::start(settings(5), qs, p("ann"), 0);
        s.apply(Event::Tick, 20_000);
        let fx = s.apply(Event::Tick, 40_000);
        assert!(matches!(
            fx.last(),
            Some(Effect::Finished {
                reason: EndReason::Inactive,
                ..
            })
        ));
        assert!(s.is_finished());
        assert_eq!(s.next_deadline(), None);
    }

    #[test]
    fn only_the_starter_or_a_moderator_may_stop() {
        let (mut s, _) = QuizSession::start(settings(3), (0..3).map(q).collect(), p("ann"), 0);
        let fx = s.apply(
            Event::Stop {
                by: p("bob"),
                may_moderate: false,
            },
            1_000,
        );
        assert_eq!(fx, [Effect::StopDenied { player: p("bob") }]);
        let fx = s.apply(
            Event::Stop {
                by: p("mod"),
                may_moderate: true,
            },
            1_000,
        );
        assert!(matches!(
            fx[0],
            Effect::Finished {
                reason: EndReason::Stopped,
                ..
            }
        ));
        let (mut s, _) = QuizSession::start(settings(3), (0..3).map(q).collect(), p("ann"), 0);
        let fx = s.apply(
            Event::Stop {
                by: p("ann"),
                may_moderate: false,
            },
            1_000,
        );
        assert!(matches!(fx[0], Effect::Finished { .. }));
    }

    #[test]
    fn ties_are_broken_by_total_answer_time() {
        let (mut s, _) = QuizSession::start(settings(1), vec![q(0)], p("ann"), 0);
        s.apply(answer("slow", 1), 30_000 - 29_000); // 1 s
        s.apply(answer("fast", 1), 1_000); // same 1 s: same points
        let fx = s.apply(Event::Tick, 20_000);
        let Some(Effect::Finished { standings, .. }) = fx.last() else {
            panic!()
        };
        assert_eq!(standings[0].points, standings[1].points);
        assert_eq!(standings[0].player.name, "fast"); // equal time: by name
        let (mut s, _) = QuizSession::start(settings(1), vec![q(0)], p("ann"), 0);
        s.apply(answer("a", 1), 1_000);
        s.apply(answer("b", 1), 1_001); // 1 ms slower, same rounded points
        let fx = s.apply(Event::Tick, 20_000);
        let Some(Effect::Finished { standings, .. }) = fx.last() else {
            panic!()
        };
        assert_eq!(standings[0].points, standings[1].points);
        assert_eq!(standings[0].player.name, "a");
    }

    #[test]
    fn answers_outside_a_question_and_bad_choices_are_refused() {
        let mut st = settings(2);
        st.reveal_pause_ms = 5_000;
        let (mut s, _) = QuizSession::start(st, vec![q(0), q(1)], p("ann"), 0);
        assert_eq!(
            s.apply(answer("ann", 7), 100),
            [Effect::InvalidChoice {
                player: p("ann"),
                options: 3
            }]
        );
        s.apply(Event::Tick, 20_000);
        assert_eq!(
            s.apply(answer("ann", 1), 21_000),
            [Effect::NotOpen { player: p("ann") }]
        );
        let fx = s.apply(Event::Tick, 25_000);
        assert!(matches!(fx[0], Effect::Ask { index: 1, .. }));
    }

    #[test]
    fn settings_are_checked() {
        let mut st = Settings::default();
        assert!(st.validate().is_ok());
        st.questions = 51;
        assert_eq!(st.validate(), Err(SettingsError::Questions(51)));
        st.questions = 5;
        st.seconds = 4;
        assert_eq!(st.validate(), Err(SettingsError::Seconds(4)));
    }
}
