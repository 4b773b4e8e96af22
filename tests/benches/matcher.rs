//! Matcher latency on the real knowledge base and on synthetic ones of 1k, 10k and 100k
//! entries generated from it. Run: `cargo bench --bench matcher`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use srm_bot::kb::{load_dir, Entry, KnowledgeBase};
use srm_bot::matcher::Matcher;

fn real_kb() -> KnowledgeBase {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).expect("knowledge/")
}

/// The development questions: realistic queries, in-domain and off-topic.
fn queries() -> Vec<String> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/dev.tsv"))
            .unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| l.splitn(3, '\t').nth(2).map(str::to_string))
        .collect()
}

/// A deterministic pseudo-random stream (xorshift), so every run builds the same KB.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A Zipf-like rank in 0..n: small ranks are common, as in real vocabularies.
    fn zipf(&mut self, n: u64) -> u64 {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64).powf(u) - 1.0) as u64
    }
}

/// `n` entries made from the real ones: each copy keeps the structure of its original and
/// replaces about half of its words with words of a synthetic Zipf-distributed vocabulary
/// of 50,000 words, so the index grows the way a bigger real knowledge base would.
fn synthetic(real: &KnowledgeBase, n: usize) -> KnowledgeBase {
    let mut rng = Rng(0x5eed_1234_abcd_9876);
    let mutate = |text: &str, rng: &mut Rng| -> String {
        text.split_whitespace()
            .map(|w| {
                if rng.next() % 2 == 0 {
                    format!("w{}", rng.zipf(50_000))
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let base = real.entries();
    let entries: Vec<Entry> = (0..n)
        .map(|i| {
            let mut e = base[i % base.len()].clone();
            if i >= base.len() {
                e.id = format!("{}_{i}", e.id);
                e.question = mutate(&e.question, &mut rng);
                e.phrasings = e.phrasings.iter().map(|p| mutate(p, &mut rng)).collect();
                e.keywords = e.keywords.iter().map(|k| mutate(k, &mut rng)).collect();
                e.rationale = mutate(&e.rationale, &mut rng);
                e.related.clear();
                e.cases.clear();
            }
            e
        })
        .collect();
    KnowledgeBase::from_parts(entries, real.vocabulary().clone())
}

/// The median over questions of each question's own mean answer time: criterion's figure
/// is a mean over the whole set, which long pasted scenarios dominate.
fn median_per_question(matcher: &Matcher, queries: &[String]) -> std::time::Duration {
    const RUNS: u32 = 200;
    let mut times: Vec<std::time::Duration> = queries
        .iter()
        .map(|q| {
            let start = std::time::Instant::now();
            for _ in 0..RUNS {
                black_box(matcher.best(black_box(q)));
            }
            start.elapsed() / RUNS
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn bench(c: &mut Criterion) {
    let real = real_kb();
    let queries = queries();
    let mut group = c.benchmark_group("matcher_per_query");
    group.sample_size(20);
    group.throughput(Throughput::Elements(queries.len() as u64));
    let sizes: Vec<(String, KnowledgeBase)> = std::iter::once(("real".to_string(), real.clone()))
        .chain(
            [1_000usize, 10_000, 100_000]
                .into_iter()
                .map(|n| (n.to_string(), synthetic(&real, n))),
        )
        .collect();
    for (name, kb) in &sizes {
        let matcher = Matcher::new(kb);
        println!(
            "median per question, {name} ({} entries): {:?}",
            kb.entries().len(),
            median_per_question(&matcher, &queries)
        );
        group.bench_with_input(
            BenchmarkId::new("entries", format!("{name} ({})", kb.entries().len())),
            &matcher,
            |b, m| {
                b.iter(|| {
                    for q in &queries {
                        black_box(m.best(black_box(q)));
                    }
                })
            },
        );
    }
    group.finish();

    let real_matcher = Matcher::new(&real);
    let mut norm = c.benchmark_group("normalize_per_query");
    norm.throughput(Throughput::Elements(queries.len() as u64));
    norm.bench_function("real", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(real_matcher.normalize(black_box(q)));
            }
        })
    });
    norm.finish();

    let mut build = c.benchmark_group("matcher_build");
    build.sample_size(10);
    build.bench_function("real", |b| b.iter(|| Matcher::new(black_box(&real))));
    build.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
