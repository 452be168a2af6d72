//! "Did you mean …": the one helper every unknown-name diagnostic uses.

/// Names longer than this get no suggestion: the distance costs the product of the
/// two lengths, and no real name is this long.
const MAX_LEN: usize = 64;

/// The candidate closest to `name`, if it is close enough to be a typo: at most two
/// edits for names of four or more characters, one for shorter ones.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if name.chars().count() >= 4 { 2 } else { 1 };
    let len = name.chars().count();
    if len > MAX_LEN {
        return None;
    }
    // the length difference bounds the distance from below: most candidates of a long
    // list are dismissed without computing it
    candidates
        .into_iter()
        .filter(|c| *c != name && c.chars().count().abs_diff(len) <= limit)
        .map(|c| (distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// The help line for a typo, or a list of what exists when nothing is close.
pub fn help<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    if let Some(c) = closest(name, candidates.clone()) {
        return Some(format!("did you mean `{c}`?"));
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    match all.len() {
        0 => None,
        1..=8 => Some(format!(
            "expected one of {}",
            all.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        _ => None,
    }
}

/// Levenshtein distance over chars, with an adjacent swap counted as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["kubernetes", "istio", "plugins"];
        assert_eq!(closest("kubernets", names), Some("kubernetes"));
        assert_eq!(closest("kuberntees", names), Some("kubernetes"));
        assert_eq!(closest("isito", names), Some("istio"));
        assert_eq!(closest("runtime", names), None);
        assert_eq!(closest("x", ["y", "zz"]), Some("y"));
        assert_eq!(closest("ab", ["xy"]), None);
        let long = "a".repeat(100_000);
        assert_eq!(closest(&long, [&long[1..]]), None, "no quadratic distance");
    }

    #[test]
    fn lists_the_candidates_when_none_is_close() {
        assert_eq!(
            help("blue", ["global", "workload"]).as_deref(),
            Some("expected one of `global`, `workload`")
        );
        assert_eq!(
            help("globl", ["global"]).as_deref(),
            Some("did you mean `global`?")
        );
    }
}
