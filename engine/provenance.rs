//! What a plan was made from: digests of the inventory and of the rulebook, so that
//! `uplan validate` can tell a plan checked against the wrong files in one sentence.

use sha2::{Digest, Sha256};

/// The uplan version recorded in every plan.
pub const UPLAN_VERSION: &str = env!("CARGO_PKG_VERSION");

/// sha256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The rulebook's digest: sha256 over its files sorted by file name (the name
/// without its directory: `kubernetes.uplan`), each as the name's bytes, a NUL, the
/// text's length as 8 little-endian bytes, and the text. The embedded ACP rulebook
/// and `--rules rules/acp` of the same files have one digest; renaming, adding,
/// removing or editing a file changes it. Lengths keep one file's end from passing
/// for the next one's start.
pub fn rulebook_digest(files: &[(String, String)]) -> String {
    let mut named: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (base_name(path), text.as_str()))
        .collect();
    named.sort_unstable();
    let mut hasher = Sha256::new();
    for (name, text) in named {
        hasher.update(name.as_bytes());
        hasher.update([0u8]);
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hex(&hasher.finalize())
}

/// `rules/acp/kubernetes.uplan` → `kubernetes.uplan` (either separator).
fn base_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        // FIPS 180-2's example "abc".
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn rulebook_digest_ignores_directory_and_order_but_not_content() {
        let f = |n: &str, t: &str| (n.to_string(), t.to_string());
        let a = rulebook_digest(&[f("rules/acp/a.uplan", "x"), f("rules/acp/b.uplan", "y")]);
        let b = rulebook_digest(&[f("b.uplan", "y"), f("/tmp/r/a.uplan", "x")]);
        assert_eq!(a, b);
        assert_ne!(a, rulebook_digest(&[f("a.uplan", "xy"), f("b.uplan", "")]));
        assert_ne!(a, rulebook_digest(&[f("a.uplan", "x"), f("c.uplan", "y")]));
        assert_ne!(a, rulebook_digest(&[f("a.uplan", "x")]));
    }
}
