//! Answers the development questions many times (for profilers: `valgrind --tool=callgrind`).
use std::path::Path;
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let kb = srm_bot::kb::load_dir(&root.join("knowledge")).unwrap();
    let m = srm_bot::matcher::Matcher::new(&kb);
    let text = std::fs::read_to_string(root.join("tests/eval/dev.tsv")).unwrap();
    let qs: Vec<&str> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.splitn(3, '\t').nth(2))
        .collect();
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let mut n = 0;
    for _ in 0..rounds {
        for q in &qs {
            n += m.best(q).runners_up.len();
        }
    }
    println!("{n}");
}
