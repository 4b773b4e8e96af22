//! The console's line parser on arbitrary text: never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = srm_bot::console::parse::parse_line(&String::from_utf8_lossy(data));
});
