//! A knowledge directory's files in memory: read from a directory, or the copy of
//! `knowledge/` embedded in the binary at build time (see `build.rs`). Loading works on
//! these, so a copied binary needs no files beside it and `--kb DIR` switches to a curated
//! copy.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::source::LoadError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/knowledge.rs"));
}

/// The YAML files of a knowledge directory, by path relative to it (`/`-separated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// Where they came from, for messages (`knowledge (embedded)` or the directory).
    root: PathBuf,
    files: BTreeMap<String, Vec<u8>>,
}

impl Files {
    /// The knowledge embedded in this binary.
    pub fn embedded() -> Files {
        Files {
            root: PathBuf::from("knowledge (embedded)"),
            files: embedded::FILES
                .iter()
                .map(|(p, b)| (p.to_string(), b.to_vec()))
                .collect(),
        }
    }

    /// Every YAML file under `dir`.
    pub fn read_dir(dir: &Path) -> Result<Files, LoadError> {
        fn walk(
            root: &Path,
            dir: &Path,
            out: &mut BTreeMap<String, Vec<u8>>,
        ) -> Result<(), LoadError> {
            let io = |path: &Path| {
                let path = path.to_path_buf();
                move |source| LoadError::Io { path, source }
            };
            for item in std::fs::read_dir(dir).map_err(io(dir))? {
                let path = item.map_err(io(dir))?.path();
                if path.is_dir() {
                    walk(root, &path, out)?;
                } else if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml")
                ) {
                    let bytes = std::fs::read(&path).map_err(io(&path))?;
                    let rel = path
                        .strip_prefix(root)
                        .unwrap_or(&path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    out.insert(rel, bytes);
                }
            }
            Ok(())
        }
        let mut files = BTreeMap::new();
        walk(dir, dir, &mut files)?;
        Ok(Files {
            root: dir.to_path_buf(),
            files,
        })
    }

    /// No files, from `root`.
    pub fn empty(root: &Path) -> Files {
        Files {
            root: root.to_path_buf(),
            files: BTreeMap::new(),
        }
    }

    /// Where the files came from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path to show for file `rel`.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn get(&self, rel: &str) -> Option<&[u8]> {
        self.files.get(rel).map(Vec::as_slice)
    }

    /// Every file, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_copy_is_the_knowledge_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
        let on_disk = Files::read_dir(&dir).unwrap();
        let embedded = Files::embedded();
        assert!(embedded.len() > 20, "{}", embedded.len());
        assert_eq!(
            embedded.iter().collect::<Vec<_>>(),
            on_disk.iter().collect::<Vec<_>>()
        );
        assert!(embedded.get("vocabulary/services.yaml").is_some());
    }
}
