//! Reading one YAML file with errors that name the file, the line and the field.
//! Shared by the knowledge base and the quiz bank loaders.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::position::{NodePath, Positions, Seg};

/// One problem found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based; `None` only when the file could not be read at all.
    pub line: Option<usize>,
    /// The field's path in the file, e.g. `entries[3].owner`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: ", self.file.display(), line)?,
            None => write!(f, "{}: ", self.file.display())?,
        }
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Why a knowledge directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} error(s):\n{}", .0.len(), DiagList(.0))]
    Invalid(Vec<Diagnostic>),
}

impl LoadError {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Invalid(d) => d,
            LoadError::Io { .. } => &[],
        }
    }
}

struct DiagList<'a>(&'a [Diagnostic]);

impl fmt::Display for DiagList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {d}")?;
        }
        Ok(())
    }
}

/// A file's text with an index of where each of its nodes is.
pub struct SourceFile {
    pub path: PathBuf,
    positions: Positions,
    value: serde_yaml::Value,
}

impl SourceFile {
    /// Reads and parses `path`; on failure records why in `diags` and returns `None`.
    pub fn read(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Self> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                diags.push(Diagnostic {
                    file: path.to_path_buf(),
                    line: None,
                    field: "(file)".into(),
                    message: format!("cannot read: {e}"),
                });
                return None;
            }
        };
        Self::parse(path, &bytes, diags)
    }

    /// Parses `bytes` as the content of `path`.
    pub fn parse(path: &Path, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> Option<Self> {
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
                diags.push(Diagnostic {
                    file: path.to_path_buf(),
                    line: Some(line),
                    field: "(file)".into(),
                    message: format!(
                        "not UTF-8: invalid byte 0x{:02x} at byte offset {}",
                        bytes[e.valid_up_to()],
                        e.valid_up_to()
                    ),
                });
                return None;
            }
        };
        let value: serde_yaml::Value = match serde_yaml::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let line = e.location().map(|l| l.line()).unwrap_or(1);
                diags.push(Diagnostic {
                    file: path.to_path_buf(),
                    line: Some(line),
                    field: "(syntax)".into(),
                    message: format!("YAML syntax error: {}", strip_location(&e.to_string())),
                });
                return None;
            }
        };
        Some(SourceFile {
            path: path.to_path_buf(),
            positions: Positions::index(text),
            value,
        })
    }

    /// Deserialises the whole document (whose lists are usually kept as raw values, so
    /// that each item is checked on its own and every bad item is reported).
    pub fn top<T: DeserializeOwned>(&self, diags: &mut Vec<Diagnostic>) -> Option<T> {
        if self.value.is_null() {
            diags.push(self.diag(&NodePath::root(), "the file is empty".into()));
            return None;
        }
        self.item(self.value.clone(), &NodePath::root(), diags)
    }

    /// Deserialises `value`, found at `at`, into `T`.
    pub fn item<T: DeserializeOwned>(
        &self,
        value: serde_yaml::Value,
        at: &NodePath,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<T> {
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => Some(v),
            Err(e) => {
                let mut path = at.join_serde(e.path());
                let message = e.inner().to_string();
                // A missing field is reported at the mapping that lacks it; name the field.
                for prefix in ["unknown field ", "missing field "] {
                    if let Some(field) = backticked_after(&message, prefix) {
                        if path.0.last() != Some(&Seg::Key(field.clone())) {
                            path = path.key(&field);
                        }
                    }
                }
                diags.push(self.diag(&path, message));
                None
            }
        }
    }

    /// A diagnostic at `at` (the line of the nearest located node).
    pub fn diag(&self, at: &NodePath, message: String) -> Diagnostic {
        Diagnostic {
            file: self.path.clone(),
            line: Some(self.positions.line_of(at).unwrap_or(1)),
            field: at.to_string(),
            message,
        }
    }

    /// The line of `at`.
    pub fn line(&self, at: &NodePath) -> usize {
        self.positions.line_of(at).unwrap_or(1)
    }
}

/// serde_yaml appends "at line L column C"; the diagnostic carries the line already.
fn strip_location(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn backticked_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    let end = rest.find('`')?;
    Some(rest[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        count: u32,
    }

    fn parse(text: &str) -> (Option<SourceFile>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let f = SourceFile::parse(Path::new("t.yaml"), text.as_bytes(), &mut d);
        (f, d)
    }

    #[test]
    fn unknown_field_points_at_the_key() {
        let (f, mut d) = parse("name: a\ncount: 1\ncolour: red\n");
        let r: Option<Item> = f.unwrap().top(&mut d);
        assert!(r.is_none());
        assert_eq!(d[0].line, Some(3));
        assert_eq!(d[0].field, "colour");
    }

    #[test]
    fn wrong_type_names_the_field() {
        let (f, mut d) = parse("name: a\ncount: many\n");
        let r: Option<Item> = f.unwrap().top(&mut d);
        assert!(r.is_none());
        assert_eq!((d[0].line, d[0].field.as_str()), (Some(2), "count"));
    }

    #[test]
    fn syntax_error_has_a_line() {
        let (f, d) = parse("name: a\ncount: [1, 2\n");
        assert!(f.is_none());
        assert_eq!(d[0].field, "(syntax)");
        assert!(d[0].line.is_some());
    }

    #[test]
    fn non_utf8_names_the_line() {
        let mut d = Vec::new();
        let f = SourceFile::parse(Path::new("t.yaml"), b"a: 1\nb: \xff\n", &mut d);
        assert!(f.is_none());
        assert_eq!(d[0].line, Some(2));
        assert!(d[0].message.contains("UTF-8"));
    }
}
