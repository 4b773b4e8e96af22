//! Drawing the responsibility stacks: one service and three side by side, uncached (the
//! first time a picture is asked) and cached. An `/ask` answer must reach Discord within
//! 3 s of the interaction; this is the part of it a picture adds.

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use srm_bot::kb::load_dir;
use srm_bot::picture::{render, Cache};

fn bench(c: &mut Criterion) {
    let kb = load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap();
    c.bench_function("picture: ec2 with the OS outlined, uncached", |b| {
        b.iter(|| render(&kb, &["ec2"], Some("os")).unwrap())
    });
    c.bench_function("picture: ec2 rds lambda, uncached", |b| {
        b.iter(|| render(&kb, &["ec2", "rds", "lambda"], None).unwrap())
    });
    let cache = Cache::default();
    c.bench_function("picture: ec2 rds lambda, cached", |b| {
        b.iter(|| cache.png(&kb, &["ec2", "rds", "lambda"], None).unwrap())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
