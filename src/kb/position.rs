//! Where each node of a YAML document starts, by path, so that errors found after
//! deserialisation (which loses positions) can still name a line.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A path into a YAML document, displayed like `entries[3].owner`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct NodePath(pub Vec<Seg>);

impl NodePath {
    pub fn root() -> Self {
        NodePath(Vec::new())
    }
    pub fn key(&self, key: &str) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Key(key.to_string()));
        p
    }
    pub fn index(&self, i: usize) -> Self {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
    /// Appends the segments of a serde path (from `serde_path_to_error`).
    pub fn join_serde(&self, path: &serde_path_to_error::Path) -> Self {
        let mut p = self.clone();
        for seg in path {
            match seg {
                serde_path_to_error::Segment::Seq { index } => p.0.push(Seg::Index(*index)),
                serde_path_to_error::Segment::Map { key } => p.0.push(Seg::Key(key.clone())),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => {}
            }
        }
        p
    }
}

impl std::fmt::Display for NodePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        let mut first = true;
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if first => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// Line numbers (1-based) of every node in a document. A mapping value is located at
/// its key, which is where a reader looks for "the field".
#[derive(Debug, Default)]
pub struct Positions {
    lines: HashMap<NodePath, usize>,
}

impl Positions {
    /// Indexes `text`. A document that does not parse gives an empty index: the syntax
    /// error itself is reported by the caller.
    pub fn index(text: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return Positions::default();
        }
        Positions {
            lines: builder.lines,
        }
    }

    /// The line of `path`, or of its nearest located ancestor.
    pub fn line_of(&self, path: &NodePath) -> Option<usize> {
        let mut p = path.clone();
        loop {
            if let Some(line) = self.lines.get(&p) {
                return Some(*line);
            }
            p.0.pop()?;
        }
    }
}

enum Frame {
    Map {
        path: NodePath,
        /// The key just read and the line it was on; `None` when a key comes next.
        key: Option<(String, usize)>,
    },
    Seq {
        path: NodePath,
        next: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    lines: HashMap<NodePath, usize>,
}

impl Builder {
    /// Called when a node (scalar, sequence or mapping) starts; returns its path, or
    /// `None` when the node is a mapping key.
    fn node_start(&mut self, mark: Marker, scalar: Option<&str>) -> Option<NodePath> {
        let line = mark.line();
        match self.stack.last_mut() {
            None => {
                self.lines.insert(NodePath::root(), line);
                Some(NodePath::root())
            }
            Some(Frame::Seq { path, next }) => {
                let p = path.index(*next);
                *next += 1;
                self.lines.insert(p.clone(), line);
                Some(p)
            }
            Some(Frame::Map { path, key }) => match key.take() {
                None => {
                    // A key. Complex (non-scalar) keys are not used by our files.
                    let k = scalar.unwrap_or_default().to_string();
                    self.lines.insert(path.key(&k), line);
                    *key = Some((k, line));
                    None
                }
                Some((k, _)) => Some(path.key(&k)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                self.node_start(mark, Some(&value));
            }
            Event::Alias(_) => {
                self.node_start(mark, None);
            }
            Event::SequenceStart(..) => {
                let path = self.node_start(mark, None).unwrap_or_default();
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingStart(..) => {
                let path = self.node_start(mark, None).unwrap_or_default();
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_and_items() {
        let text =
            "topic: x\nentries:\n  - id: a\n    owner: aws\n  - id: b\n    services: [ec2, s3]\n";
        let pos = Positions::index(text);
        let root = NodePath::root();
        assert_eq!(pos.line_of(&root.key("topic")), Some(1));
        assert_eq!(pos.line_of(&root.key("entries").index(0)), Some(3));
        assert_eq!(
            pos.line_of(&root.key("entries").index(0).key("owner")),
            Some(4)
        );
        assert_eq!(
            pos.line_of(&root.key("entries").index(1).key("id")),
            Some(5)
        );
        assert_eq!(
            pos.line_of(&root.key("entries").index(1).key("services").index(1)),
            Some(6)
        );
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(
            pos.line_of(&root.key("entries").index(1).key("nope")),
            Some(5)
        );
    }

    #[test]
    fn displays_paths_like_serde() {
        let p = NodePath::root()
            .key("entries")
            .index(3)
            .key("related")
            .index(0);
        assert_eq!(p.to_string(), "entries[3].related[0]");
    }
}
