//! The matcher on arbitrary text: never panics, confidence stays in 0..1.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use srm_bot::app::Brain;

fn brain() -> &'static Brain {
    static B: OnceLock<Brain> = OnceLock::new();
    B.get_or_init(|| {
        Brain::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../knowledge")).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let a = brain().matcher.best(&text);
    assert!((0.0..=1.0).contains(&a.confidence));
});
