//! Characters a rule file may not contain, refused before pest sees the file.
//!
//! Control characters (NUL, ESC, BEL, DEL, C1 controls) would reach commands, runbooks
//! and terminals through titles, commands and messages, and cannot be seen in a
//! review; bidirectional overrides make text read differently from what is parsed
//! ("trojan source"). Tabs, line feeds and carriage returns are ordinary whitespace;
//! a string says `\n` or `\t` for a line break or a tab in its text.

use super::codes;
use crate::diagnostics::Problem;
use crate::source::{Sources, Span};

/// The first forbidden character, as a diagnostic pointing at it.
pub fn check(sources: &Sources, file: u32, text: &str) -> Result<(), Problem> {
    let Some((i, c)) = text.char_indices().find(|(_, c)| forbidden(*c)) else {
        return Ok(());
    };
    let span = Span::new(file, i, i + c.len_utf8());
    let code = c as u32;
    let what = if c.is_control() {
        "a control character"
    } else {
        "a bidirectional text control"
    };
    Err(Problem::new(
        codes::CONTROL_CHAR,
        format!("this rule file contains {what} (U+{code:04X})"),
    )
    .at(sources, span, "here")
    .help("rule files are plain text: remove it; inside a string write `\\n` or `\\t` for a line break or a tab"))
}

fn forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::forbidden;

    #[test]
    fn text_whitespace_passes_controls_do_not() {
        for c in ['a', ' ', '\t', '\n', '\r', 'é', '›', '\u{FEFF}'] {
            assert!(!forbidden(c), "{c:?}");
        }
        for c in [
            '\0', '\u{1b}', '\u{7}', '\u{7f}', '\u{85}', '\u{202E}', '\u{2067}',
        ] {
            assert!(forbidden(c), "{c:?}");
        }
    }
}
