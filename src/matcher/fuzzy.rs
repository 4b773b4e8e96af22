//! Typo-tolerant word lookup: a symmetric-delete index (as in SymSpell) finds the known
//! words within edit distance 1 (2 for long words) without comparing against them all;
//! candidates are confirmed with strsim's Damerau-Levenshtein distance. Deletion variants
//! are keyed by their hash, computed without building the strings; a hash collision only
//! adds a candidate that the distance check then rejects.

use rustc_hash::FxHashMap as HashMap;

/// Known words and their frequencies, indexed by their deletion variants.
#[derive(Debug, Default)]
pub struct FuzzyWords {
    words: Vec<(String, u32)>,
    by_word: HashMap<String, u32>,
    deletes: HashMap<u64, Vec<u32>>,
}

/// Words shorter than this are never corrected (too many false friends: "os", "s3").
const MIN_LEN: usize = 4;
/// Words at least this long may be two edits away.
const TWO_EDITS_LEN: usize = 8;

fn max_distance(len: usize) -> usize {
    if len >= TWO_EDITS_LEN {
        2
    } else {
        1
    }
}

/// Hashes of `chars` with the positions in `skip` left out.
fn hash_without(chars: &[char], skip: &[usize]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    for (i, c) in chars.iter().enumerate() {
        if !skip.contains(&i) {
            h.write_u32(*c as u32);
        }
    }
    h.write_usize(chars.len() - skip.len());
    h.finish()
}

/// The hashes of `word` and of every variant with up to `depth` characters deleted.
fn variant_hashes(chars: &[char], depth: usize, out: &mut Vec<u64>) {
    out.push(hash_without(chars, &[]));
    for i in 0..chars.len() {
        out.push(hash_without(chars, &[i]));
        if depth > 1 {
            for j in i + 1..chars.len() {
                out.push(hash_without(chars, &[i, j]));
            }
        }
    }
}

impl FuzzyWords {
    /// Adds `word` (or counts it again).
    pub fn add(&mut self, word: &str) {
        if let Some(&id) = self.by_word.get(word) {
            self.words[id as usize].1 += 1;
            return;
        }
        let id = self.words.len() as u32;
        self.words.push((word.to_string(), 1));
        self.by_word.insert(word.to_string(), id);
        let len = word.chars().count();
        if len < MIN_LEN {
            return;
        }
        let chars: Vec<char> = word.chars().collect();
        let mut vs = Vec::new();
        variant_hashes(&chars, max_distance(len), &mut vs);
        vs.sort_unstable();
        vs.dedup();
        for v in vs {
            self.deletes.entry(v).or_default().push(id);
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.by_word.contains_key(word)
    }

    /// The closest known word to `word` and its distance, preferring frequent words.
    pub fn correct(&self, word: &str) -> Option<(&str, usize)> {
        let len = word.chars().count();
        if len == 3 {
            return self.swapped(word);
        }
        if !(MIN_LEN..=40).contains(&len) {
            return None;
        }
        // Most typos are one edit away: look there first, and only then further.
        let mut best = self.closest(word, 1);
        if best.is_none() && max_distance(len) == 2 {
            best = self.closest(word, 2);
        }
        best.map(|(id, d, _)| (self.words[id as usize].0.as_str(), d))
    }
}

impl FuzzyWords {
    /// The best known word within `max` edits of `word`: (id, distance, frequency).
    fn closest(&self, word: &str, max: usize) -> Option<(u32, usize, u32)> {
        let chars: Vec<char> = word.chars().collect();
        let mut vs = Vec::new();
        variant_hashes(&chars, max, &mut vs);
        let mut best: Option<(u32, usize, u32)> = None;
        for v in &vs {
            for &id in self.deletes.get(v).map(Vec::as_slice).unwrap_or(&[]) {
                let (cand, freq) = &self.words[id as usize];
                let d = strsim::damerau_levenshtein(word, cand);
                // Long known words may be two edits away only if the typo is long too.
                if d == 0 || d > max.min(max_distance(cand.chars().count())) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((_, bd, bf)) => d < bd || (d == bd && *freq > bf),
                };
                if better {
                    best = Some((id, d, *freq));
                }
            }
        }
        best
    }

    /// Short words are corrected only by swapping two neighbours ("teh" → "the").
    fn swapped(&self, word: &str) -> Option<(&str, usize)> {
        let chars: Vec<char> = word.chars().collect();
        (0..chars.len() - 1).find_map(|i| {
            let mut c = chars.clone();
            c.swap(i, i + 1);
            let w: String = c.into_iter().collect();
            let id = *self.by_word.get(&w)?;
            Some((self.words[id as usize].0.as_str(), 1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> FuzzyWords {
        let mut f = FuzzyWords::default();
        for w in list {
            f.add(w);
        }
        f
    }

    #[test]
    fn corrects_swaps_drops_and_extras() {
        let f = words(&["patch", "guest", "secur", "group", "hypervisor"]);
        assert_eq!(f.correct("pacth"), Some(("patch", 1)));
        assert_eq!(f.correct("gest"), Some(("guest", 1)));
        assert_eq!(f.correct("grup"), Some(("group", 1)));
        assert_eq!(f.correct("hypervsr"), Some(("hypervisor", 2)));
        let f = words(&["the"]);
        assert_eq!(f.correct("teh"), Some(("the", 1)));
    }

    #[test]
    fn leaves_short_and_distant_words_alone() {
        let f = words(&["patch", "data"]);
        assert_eq!(f.correct("os"), None);
        assert_eq!(f.correct("teh"), None);
        assert_eq!(f.correct("pizza"), None);
        assert_eq!(f.correct("weather"), None);
    }
}
