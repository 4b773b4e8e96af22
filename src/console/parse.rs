//! The console's line language, parsed without IO: slash commands, `@NAME text` to speak
//! as another player, and anything else (an answer or a question, decided by the caller,
//! who knows whether a question is open).

/// One parsed input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Empty,
    /// `/ask QUESTION`.
    Ask(String),
    /// Plain text: an answer if a question is open and it names an option, else a question.
    Text(String),
    /// `/quiz start key:value…`.
    QuizStart(Vec<(String, String)>),
    QuizStop,
    Leaderboard(Vec<(String, String)>),
    /// `/stats [NAME]`.
    Stats(Option<String>),
    Review,
    /// `/model ec2 rds`: the stacks of up to three services.
    Model(Vec<String>),
    Topics,
    Help,
    Quit,
    /// `/wait`: for scripts, wait until the next question is asked or the quiz ends.
    Wait,
    /// `@NAME text`: `text` said by player NAME.
    As {
        name: String,
        line: Box<Line>,
    },
    /// An unknown or malformed command, with what to tell the user.
    Bad(String),
}

/// Parses one line.
pub fn parse_line(input: &str) -> Line {
    let line = input.trim();
    if line.is_empty() {
        return Line::Empty;
    }
    if let Some(rest) = line.strip_prefix('@') {
        let (name, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let name = name.trim();
        if name.is_empty() || name.len() > 32 || name.starts_with('@') {
            return Line::Bad("use @NAME text, e.g. `@alice 2`".into());
        }
        let inner = parse_line(text);
        if matches!(inner, Line::As { .. }) {
            return Line::Bad("one @NAME per line".into());
        }
        return Line::As {
            name: name.to_string(),
            line: Box::new(inner),
        };
    }
    let Some(command) = line.strip_prefix('/') else {
        return Line::Text(line.to_string());
    };
    let mut words = command.split_whitespace();
    let verb = words.next().unwrap_or("").to_lowercase();
    let rest: Vec<&str> = words.collect();
    match verb.as_str() {
        "ask" if rest.is_empty() => Line::Bad("usage: /ask QUESTION".into()),
        "ask" => Line::Ask(rest.join(" ")),
        "quiz" => match rest.first().map(|s| s.to_lowercase()).as_deref() {
            Some("start") => match options(&rest[1..]) {
                Ok(o) => Line::QuizStart(o),
                Err(e) => Line::Bad(e),
            },
            Some("stop") => Line::QuizStop,
            _ => Line::Bad("usage: /quiz start [questions:N] [seconds:S] … or /quiz stop".into()),
        },
        "leaderboard" | "lb" => match options(&rest) {
            Ok(o) => Line::Leaderboard(o),
            Err(e) => Line::Bad(e),
        },
        "stats" => Line::Stats(rest.first().map(|s| s.trim_start_matches('@').to_string())),
        "review" => Line::Review,
        "model" if rest.is_empty() => {
            Line::Bad("usage: /model SERVICE… (up to three, e.g. /model ec2 rds lambda)".into())
        }
        "model" => Line::Model(rest.iter().map(|s| s.to_string()).collect()),
        "topics" => Line::Topics,
        "help" => Line::Help,
        "quit" | "exit" => Line::Quit,
        "wait" => Line::Wait,
        "" => Line::Bad("type /help for the commands".into()),
        other => Line::Bad(format!("unknown command /{other}: type /help")),
    }
}

/// `key:value` words.
fn options(words: &[&str]) -> Result<Vec<(String, String)>, String> {
    words
        .iter()
        .map(|w| match w.split_once(':') {
            Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_lowercase(), v.to_string())),
            _ => Err(format!("options look like key:value (got `{w}`)")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_options() {
        assert_eq!(
            parse_line("/quiz start questions:5 seconds:10"),
            Line::QuizStart(vec![
                ("questions".into(), "5".into()),
                ("seconds".into(), "10".into())
            ])
        );
        assert_eq!(parse_line("/QUIZ stop"), Line::QuizStop);
        assert_eq!(
            parse_line("/ask who patches ec2"),
            Line::Ask("who patches ec2".into())
        );
        assert_eq!(parse_line("/stats @bob"), Line::Stats(Some("bob".into())));
        assert_eq!(parse_line("  "), Line::Empty);
        assert!(matches!(parse_line("/quiz start 5"), Line::Bad(_)));
        assert!(matches!(parse_line("/dance"), Line::Bad(_)));
        assert!(matches!(parse_line("/"), Line::Bad(_)));
    }

    #[test]
    fn speaking_as_another_player() {
        assert_eq!(
            parse_line("@alice 2"),
            Line::As {
                name: "alice".into(),
                line: Box::new(Line::Text("2".into()))
            }
        );
        assert!(matches!(
            parse_line("@bob /quiz stop"),
            Line::As { line, .. } if *line == Line::QuizStop
        ));
        assert!(matches!(parse_line("@"), Line::Bad(_)));
        assert!(matches!(parse_line("@a @b hi"), Line::Bad(_)));
    }
}
