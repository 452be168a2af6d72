//! Texts without a translation, and translations of no text.

use super::warn;
use crate::diagnostics::Problems;
use crate::model::Rulebook;

/// An English text with no entry in a language the rulebook translates into.
pub const MISSING_TRANSLATION: &str = "uplan::lint::missing_translation";
/// An entry whose key is no English text of the rulebook (the English changed, or a typo).
pub const UNUSED_TRANSLATION: &str = "uplan::lint::unused_translation";

/// Per language that has any `translation` block: every text it lacks, then every
/// entry nothing uses. A rulebook without translations gets no warning.
pub fn check(rb: &Rulebook, out: &mut Problems) {
    let tr = &rb.translations;
    for &lang in &tr.langs {
        for site in tr.sites.iter().filter(|s| !s.langs.contains(&lang)) {
            out.push(warn(
                rb,
                MISSING_TRANSLATION,
                format!("this text has no `{}` translation", lang.code()),
                site.span,
                "shown in English by `--lang` runs",
                &format!(
                    "add `{} = \"…\"` to a `translation {} {{ … }}` block",
                    site.key,
                    lang.code()
                ),
            ));
        }
    }
    for entry in tr.entries.iter().filter(|e| !e.used) {
        out.push(warn(
            rb,
            UNUSED_TRANSLATION,
            format!("no text of the rulebook is `{}`", entry.key),
            entry.span,
            "translates nothing",
            "the key is the English text exactly as written: update it to the text's new wording, or delete the entry",
        ));
    }
}
