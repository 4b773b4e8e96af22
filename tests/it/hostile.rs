//! Hostile input: nothing panics, and nothing echoed pings anyone.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use srm_bot::app::Brain;
use srm_bot::console::parse::parse_line;
use srm_bot::discord::render::safe;

fn brain() -> &'static Brain {
    static B: OnceLock<Brain> = OnceLock::new();
    B.get_or_init(|| Brain::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).unwrap())
}

/// Text made of the characters that break naive code: controls, zero-width, RTL
/// overrides, markdown, mention syntax, emoji, and plain words.
fn nasty() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("@everyone ".to_string()),
        Just("@here".to_string()),
        Just("<@&123456789012345678>".to_string()),
        Just("<@123456789012345678>".to_string()),
        Just("**bold** __u__ ~~s~~ `code` ||spoiler|| > quote\n".to_string()),
        Just("\u{200b}\u{200c}\u{200d}\u{feff}".to_string()),
        Just("\u{202e}\u{202d}\u{2066}\u{2069}".to_string()),
        Just("\u{0000}\u{0007}\u{001b}[31m\r\n\t".to_string()),
        Just("🙂🔥🇦🇼 ".to_string()),
        Just("who patches the guest os on ec2 ".to_string()),
        Just("@alice /quiz start questions:9999 ".to_string()),
        "\\PC{0,40}".prop_map(|s| s),
        any::<String>(),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_matcher_never_panics(q in nasty()) {
        let a = brain().matcher.best(&q);
        prop_assert!((0.0..=1.0).contains(&a.confidence));
    }

    #[test]
    fn the_console_parser_never_panics(line in nasty()) {
        let _ = parse_line(&line);
    }

    #[test]
    fn answer_choices_never_panic(token in nasty()) {
        for q in brain().bank.questions().iter().take(3) {
            if let Some(i) = q.parse_choice(&token) {
                prop_assert!(i < q.options.len());
            }
        }
    }

    #[test]
    fn escaped_names_ping_nobody(name in nasty()) {
        let s = safe(&name);
        prop_assert!(!s.contains("@everyone") && !s.contains("@here"));
        let chars: Vec<char> = s.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            // Every @ is broken by a zero-width space, every < and * is escaped: no
            // mention or formatting can form.
            if *c == '@' {
                prop_assert_eq!(chars.get(i + 1), Some(&'\u{200B}'));
            }
            if matches!(c, '<' | '*' | '_' | '`' | '|') {
                prop_assert!(i > 0 && chars[i - 1] == '\\', "unescaped {:?} in {:?}", c, s);
            }
        }
        prop_assert!(!s.chars().any(|c| c.is_control()));
    }

    #[test]
    fn the_loader_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let dir = tempfile::tempdir().unwrap();
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        std::fs::create_dir(dir.path().join("vocabulary")).unwrap();
        for f in ["vocabulary/services.yaml", "vocabulary/synonyms.yaml", "base.yaml", "stacks.yaml"] {
            std::fs::copy(base.join(f), dir.path().join(f)).unwrap();
        }
        std::fs::write(dir.path().join("fuzzed.yaml"), &bytes).unwrap();
        let _ = srm_bot::kb::load_dir(dir.path());
        // The stacks file itself, fuzzed.
        std::fs::remove_file(dir.path().join("fuzzed.yaml")).unwrap();
        std::fs::write(dir.path().join("stacks.yaml"), &bytes).unwrap();
        let _ = srm_bot::kb::load_dir(dir.path());
    }

    #[test]
    fn the_loader_never_panics_on_yaml_shaped_noise(text in "(entries:|topic: x|  - id: a|    owner: |    phrasings: \\[|\\]|[a-z:\\[\\]{}\\-# \n]){0,60}") {
        let dir = tempfile::tempdir().unwrap();
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        std::fs::create_dir(dir.path().join("vocabulary")).unwrap();
        for f in ["vocabulary/services.yaml", "vocabulary/synonyms.yaml"] {
            std::fs::copy(base.join(f), dir.path().join(f)).unwrap();
        }
        std::fs::write(dir.path().join("fuzzed.yaml"), text).unwrap();
        let _ = srm_bot::kb::load_dir(dir.path());
    }
}

#[test]
fn very_long_inputs_are_answered_quickly_and_safely() {
    let long = "who patches the guest os on ec2 ".repeat(400); // ~12,800 characters
    let a = brain().matcher.best(&long);
    assert_eq!(a.owner(), Some(srm_bot::kb::Owner::Customer));
    let junk = "\u{202e}@everyone <@&1> **x** \u{200b}".repeat(500);
    assert_eq!(brain().matcher.best(&junk).owner(), None);
    let _ = parse_line(&junk);
}
