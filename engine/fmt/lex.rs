//! The formatter's own tokens: words, strings, comments, punctuation and line breaks.
//!
//! The formatter only moves whitespace, so it needs tokens, not a parse tree: a token
//! is kept byte for byte, and the formatted file has the same tokens in the same
//! order (checked after every format). Strings are single tokens even when they hold
//! `{…}` holes with strings of their own, and comments run to the end of the line.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Identifiers, keywords, numbers, versions, durations, dotted paths:
    /// `upgrade-cluster`, `k8s-floor-3.16`, `1.30`, `v1.30.4`, `2h30m`, `c.name`.
    Word,
    Str,
    Comment,
    Punct,
    Newline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok<'a> {
    pub kind: Kind,
    pub text: &'a str,
}

const PUNCT: [&str; 14] = [
    "..=", "..", "->", "==", "!=", "<=", ">=", "??", "<", ">", "=", "|", "?", "!",
];

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits `text` into tokens; whitespace other than line breaks is dropped.
pub fn lex(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        let (kind, len) = match c {
            '\n' => (Kind::Newline, 1),
            ' ' | '\t' | '\r' | '\u{feff}' => {
                at += c.len_utf8();
                continue;
            }
            '#' => (
                Kind::Comment,
                text[at..].find('\n').unwrap_or(text.len() - at),
            ),
            '"' => (Kind::Str, string_len(&text[at..])),
            c if word_char(c) => (Kind::Word, word_len(&text[at..])),
            _ => (Kind::Punct, punct_len(&text[at..])),
        };
        out.push(Tok {
            kind,
            text: &text[at..at + len],
        });
        at += len;
    }
    out
}

/// `upgrade-cluster`, `1.31` in `1.31..=1.34`: word characters, and a `-` or `.`
/// only when a word character follows it.
fn word_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if word_char(char::from(b)) {
            i += 1;
        } else if (b == b'-' || b == b'.')
            && bytes.get(i + 1).is_some_and(|&n| word_char(char::from(n)))
        {
            i += 2;
        } else {
            break;
        }
    }
    i.max(1)
}

fn punct_len(text: &str) -> usize {
    PUNCT.iter().find(|p| text.starts_with(**p)).map_or_else(
        || text.chars().next().map_or(1, char::len_utf8),
        |p| p.len(),
    )
}

/// A string from its opening quote to its closing one, holes and their own strings
/// included; an unterminated string runs to the end (the parser has refused such a
/// file before the formatter sees it).
fn string_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    // Each entry: the brace depth of an open hole inside a string.
    let mut holes: Vec<usize> = Vec::new();
    let mut in_string = true;
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' if holes.is_empty() => return i + 1,
                b'"' => in_string = false,
                b'{' => {
                    holes.push(0);
                    in_string = false;
                }
                _ => {}
            }
        } else {
            match (b, holes.last_mut()) {
                (b'"', _) => in_string = true,
                (b'{', Some(d)) => *d += 1,
                (b'}', Some(0)) => {
                    holes.pop();
                    in_string = true;
                }
                (b'}', Some(d)) => *d -= 1,
                _ => {}
            }
        }
        i += 1;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        lex(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn words_keep_dashes_and_dots_between_word_characters() {
        assert_eq!(
            texts("k8s-floor-3.16 c.name a->b 1.31..=1.34 v1.30.4"),
            [
                "k8s-floor-3.16",
                "c.name",
                "a",
                "->",
                "b",
                "1.31",
                "..=",
                "1.34",
                "v1.30.4"
            ]
        );
    }

    #[test]
    fn a_string_with_holes_and_inner_strings_is_one_token() {
        let t = r#"message "{c.name ?? "none"} runs {x}" # tail"#;
        assert_eq!(
            texts(t),
            ["message", r#""{c.name ?? "none"} runs {x}""#, "# tail"]
        );
    }

    #[test]
    fn escaped_quotes_stay_inside() {
        assert_eq!(texts(r#""a \" b" c"#), [r#""a \" b""#, "c"]);
    }

    #[test]
    fn line_breaks_are_tokens_and_carriage_returns_are_not() {
        let kinds: Vec<Kind> = lex("a\r\nb").into_iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [Kind::Word, Kind::Newline, Kind::Word]);
    }
}
