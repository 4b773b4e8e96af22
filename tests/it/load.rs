//! The load generator at a small size, as a behaviour test (no timing asserted; the
//! measured run is `cargo bench --bench load`): 12 channel quizzes at once, 6 members each
//! clicking every question, 2 of them twice. Every click is acknowledged once, every
//! member's answer is scored once, and no question costs more than 3 REST calls.

use crate::fake_discord::load::{run, Args};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_quizzes_score_every_click_exactly_once() {
    let report = run(Args {
        quizzes: 12,
        members: 6,
        questions: 2,
        seconds: 5,
        doubles: 2,
        ..Args::default()
    })
    .await;
    println!("{}", report.table);
    assert_eq!(report.clicks_sent, 12 * 2 * (6 + 2));
    assert_eq!(report.acked_once, report.clicks_sent);
    assert_eq!(report.wrong_acks, 0);
    assert_eq!(
        (report.answers, report.answers_expected),
        (12 * 2 * 6, 12 * 2 * 6)
    );
    assert_eq!(report.completed, 12);
    assert!(
        report.rest_max <= 3,
        "{} REST calls for one question",
        report.rest_max
    );
    assert!(report.exactly_once, "{}", report.table);
}
