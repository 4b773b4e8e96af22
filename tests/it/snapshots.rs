//! What users read, as snapshots (insta): an answer, a practice question, a reveal, a
//! podium and a leaderboard, in the console and as Discord embeds. A wording change shows
//! up as a reviewed diff in `tests/it/snapshots/`.

use std::path::Path;
use std::sync::OnceLock;

use srm_bot::app::Brain;
use srm_bot::discord::render;
use srm_bot::quiz::session::{AnswerResult, EndReason, Player, Reveal, Standing};
use srm_bot::store::{BoardRow, Period, Scope};
use srm_bot::text;

fn brain() -> &'static Brain {
    static B: OnceLock<Brain> = OnceLock::new();
    B.get_or_init(|| Brain::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap())
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

fn player(id: &str, name: &str) -> Player {
    Player {
        id: id.into(),
        name: name.into(),
    }
}

fn standings() -> Vec<Standing> {
    vec![
        Standing {
            player: player("1", "Ann"),
            points: 2850,
            correct: 3,
            answered: 3,
            total_ms: 9_400,
            best_streak: 3,
        },
        Standing {
            player: player("2", "Bob @everyone"),
            points: 1700,
            correct: 2,
            answered: 3,
            total_ms: 15_100,
            best_streak: 2,
        },
        Standing {
            player: player("3", "Cy"),
            points: 0,
            correct: 0,
            answered: 1,
            total_ms: 19_000,
            best_streak: 0,
        },
    ]
}

fn reveal() -> Reveal {
    let question = brain()
        .bank
        .questions()
        .iter()
        .find(|q| q.id == "kb:ec2_guest_os_patching")
        .expect("the EC2 guest OS question")
        .clone();
    let answer = question.answer;
    Reveal {
        index: 1,
        total: 5,
        votes: (0..question.options.len())
            .map(|i| if i == answer { 2 } else { 1 })
            .collect(),
        results: vec![
            AnswerResult {
                player: player("1", "Ann"),
                choice: answer,
                correct: true,
                elapsed_ms: 2_300,
                points: 1043,
                streak: 2,
            },
            AnswerResult {
                player: player("2", "Bob @everyone"),
                choice: (answer + 1) % question.options.len(),
                correct: false,
                elapsed_ms: 7_900,
                points: 0,
                streak: 0,
            },
        ],
        top: standings(),
        question,
    }
}

fn rows() -> Vec<BoardRow> {
    vec![
        BoardRow {
            member_id: "1".into(),
            name: "Ann".into(),
            points: 12_400,
            answers: 20,
            correct: 17,
            games: 3,
        },
        BoardRow {
            member_id: "2".into(),
            name: render::safe("Bob @everyone"),
            points: 8_050,
            answers: 18,
            correct: 11,
            games: 3,
        },
    ]
}

const QUESTION: &str = "who patches the guest OS on EC2?";
const PRACTICE: &str = "Which of the following is a customer responsibility? A) Patching underlying infrastructure B) Physical security C) Patching Amazon EC2 instances D) Patching network infrastructure";

#[test]
fn an_answer() {
    let b = brain();
    let answer = b.matcher.best(QUESTION);
    insta::assert_snapshot!("console_answer", text::answer_text(&b.kb, &answer));
    match render::reply(b, &answer) {
        render::Reply::Known(embed, _) => {
            insta::assert_json_snapshot!("discord_answer", json(&*embed))
        }
        _ => panic!("a known answer"),
    }
}

#[test]
fn a_practice_question() {
    let b = brain();
    let exam = srm_bot::matcher::exam::read(&b.matcher, &b.kb, PRACTICE).unwrap();
    insta::assert_snapshot!("console_practice_question", text::exam_text(&b.kb, &exam));
    insta::assert_json_snapshot!(
        "discord_practice_question",
        json(&render::exam_embed(b, &exam))
    );
}

#[test]
fn a_reveal() {
    let r = reveal();
    insta::assert_snapshot!("console_reveal", text::quiz_reveal(&r));
    let (embed, buttons) = render::reveal(7, &r);
    insta::assert_json_snapshot!(
        "discord_reveal",
        serde_json::json!({"embed": json(&embed), "buttons": json(&buttons)})
    );
}

#[test]
fn a_podium() {
    let s = standings();
    insta::assert_snapshot!(
        "console_podium",
        text::quiz_finished(EndReason::Completed, &s)
    );
    insta::assert_json_snapshot!(
        "discord_podium",
        json(&render::podium(EndReason::Completed, &s))
    );
}

#[test]
fn a_leaderboard() {
    let scope = Scope::Server {
        guild: "100".into(),
    };
    let r = rows();
    insta::assert_snapshot!(
        "console_leaderboard",
        text::leaderboard(&r, &scope, Period::Week)
    );
    insta::assert_json_snapshot!(
        "discord_leaderboard",
        json(&render::leaderboard(&r, &scope, Period::Week))
    );
}
