//! One knowledge or quiz file of arbitrary bytes: never panics; errors name a line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use srm_bot::kb::source::SourceFile;

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Any {
    entries: Vec<serde_yaml::Value>,
}

fuzz_target!(|data: &[u8]| {
    let mut diags = Vec::new();
    if let Some(file) = SourceFile::parse(std::path::Path::new("fuzz.yaml"), data, &mut diags) {
        let _: Option<Any> = file.top(&mut diags);
    }
    for d in diags {
        assert!(d.line.is_some_and(|l| l >= 1));
    }
});
