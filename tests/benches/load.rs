//! Load, measured: the real `srm-bot serve` binary against the fake Discord on 127.0.0.1
//! (the generator is `tests/it/fake_discord/load.rs`). Prints a table; exits non-zero if any
//! click was lost, acknowledged twice or scored twice.
//!
//! ```text
//! cargo bench --bench load                       # 1,000 quizzes × 20 members × 5 questions
//! cargo bench --bench load -- --quizzes 100 --members 10
//! ```
//!
//! Bounded: loopback only, a fixed number of clicks, and a deadline (it gives up and says
//! so if the bot falls behind).

#[path = "../it/fake_discord/mod.rs"]
mod fake_discord;
#[path = "../it/pg.rs"]
mod pg;

use fake_discord::load::{run, Args};

fn args() -> Args {
    let mut a = Args::default();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let value = argv.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        let slot = match argv[i].as_str() {
            "--quizzes" => &mut a.quizzes,
            "--members" => &mut a.members,
            "--questions" => &mut a.questions,
            "--seconds" => &mut a.seconds,
            "--doubles" => &mut a.doubles,
            "--click-window-ms" => &mut a.window_ms,
            "--rounds" => &mut a.rounds,
            "--postgres" => {
                a.postgres = Some(String::new());
                i += 1;
                continue;
            }
            // `cargo bench` passes --bench; anything else is ignored too.
            _ => {
                i += 1;
                continue;
            }
        };
        match value {
            Some(v) => *slot = v,
            None => panic!("{} needs a number", argv[i]),
        }
        i += 2;
    }
    a
}

#[tokio::main]
async fn main() {
    let mut a = args();
    if a.postgres.is_some() {
        a.postgres = Some(
            pg::fresh_schema_url("load")
                .await
                .expect("--postgres needs SRM_TEST_POSTGRES_URL"),
        );
    }
    let report = run(a).await;
    print!("{}", report.table);
    if !report.exactly_once {
        std::process::exit(1);
    }
}
