//! Text safety for everything uplan shows a person: inventory, rule-file and plan text
//! reaches a terminal, a runbook or a diagram, and it comes from customers and pull
//! requests. Two dangers, two families of functions:
//!
//! - **Control characters** ([`is_unsafe_char`]): an ESC starts a terminal escape
//!   sequence (colours, cursor moves, OSC 8 links, window titles), a lone CR or a
//!   backspace overwrites what was printed, a bidi override reorders what is read, a
//!   line break starts a line the value was never meant to have. [`one_line`] and
//!   [`multi_line`] show them as visible escapes (`\x1b`, `\u{202e}`, `\n`);
//!   [`same_length`] replaces them byte for byte, for source snippets whose byte
//!   offsets must not move.
//! - **Secrets**: the value of a field whose name looks like a credential
//!   ([`is_credential_name`]) and the userinfo of a URL (`https://user:pw@host`).
//!   [`secret_ranges`] finds both in a text, [`redact`] and [`redact_url_userinfo`]
//!   replace them with `***`; [`field_value`] shows one field's value safely.
//!
//! Redact first, then escape: escaping can split a secret the redaction would have
//! recognised.

use std::borrow::Cow;
use std::fmt::Write;
use std::ops::Range;

/// What [`same_length`] writes for each byte of an unsafe character: ASCII, so one
/// byte, and visible.
pub const PLACEHOLDER: char = '?';

/// What [`redact`] and [`redact_url_userinfo`] write instead of a secret.
pub const REDACTED: &str = "***";

/// A key longer than this is not looked at (bounds the backward scan from a `:`).
const MAX_KEY_LEN: usize = 256;

/// Whether `c` must never reach a terminal as itself: the C0 controls (tab and line
/// feed included), DEL, the C1 controls (U+0080–U+009F), the Unicode bidirectional
/// controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line and
/// paragraph separators U+2028 and U+2029.
pub fn is_unsafe_char(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f'
            | '\x7f'..='\u{9f}'
            | '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `text` made safe to show on one line of a terminal, a Markdown line or a DOT
/// label: every [unsafe character](is_unsafe_char) becomes a visible escape — `\n`,
/// `\r`, `\t`, `\x1b` for the other ASCII controls, `\u{9b}` / `\u{202e}` for the
/// others. Everything else, backslashes included, is kept as it is (so the result is
/// for reading, not for parsing back). Borrows when there is nothing to escape.
///
/// ```
/// use uplan::sanitize::one_line;
/// assert_eq!(one_line("a\nb\x1b[31m\u{202e}"), "a\\nb\\x1b[31m\\u{202e}");
/// assert_eq!(one_line("biz-1"), "biz-1");
/// ```
pub fn one_line(text: &str) -> Cow<'_, str> {
    escape(text, false)
}

/// [`one_line`], except that line feeds are kept: for help texts and other
/// multi-line prose. A CR is still escaped, so `\r\n` shows as `\r` then a new line.
pub fn multi_line(text: &str) -> Cow<'_, str> {
    escape(text, true)
}

fn escape(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_here = |c: char| is_unsafe_char(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(unsafe_here) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !unsafe_here(c) {
            out.push(c);
            continue;
        }
        let _ = match c {
            '\n' => write!(out, "\\n"),
            '\r' => write!(out, "\\r"),
            '\t' => write!(out, "\\t"),
            c if c.is_ascii() => write!(out, "\\x{:02x}", u32::from(c)),
            c => write!(out, "\\u{{{:x}}}", u32::from(c)),
        };
    }
    Cow::Owned(out)
}

/// `text` with every byte of each [unsafe character](is_unsafe_char) replaced by
/// [`PLACEHOLDER`], except line feeds, tabs and the CR of a CRLF (a source snippet's
/// line structure; tabs are expanded by the renderer). The result has exactly the
/// byte length of `text` and the same line breaks, so spans into `text` stay right.
///
/// ```
/// use uplan::sanitize::same_length;
/// assert_eq!(same_length("a\x1b]0;x\x07\tb\r\n"), "a?]0;x?\tb\r\n");
/// assert_eq!(same_length("\u{202e}").len(), 3);
/// ```
pub fn same_length(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let kept = |i: usize, c: char| match c {
        '\n' | '\t' => true,
        '\r' => bytes.get(i + 1) == Some(&b'\n'),
        c => !is_unsafe_char(c),
    };
    if text.char_indices().all(|(i, c)| kept(i, c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if kept(i, c) {
            out.push(c);
        } else {
            out.extend(std::iter::repeat_n(PLACEHOLDER, c.len_utf8()));
        }
    }
    Cow::Owned(out)
}

/// `text` with the userinfo of every URL replaced by [`REDACTED`]:
/// `https://user:pw@host/x` → `https://***@host/x`, `https://token@host` →
/// `https://***@host`. A URL here is `scheme://authority`, the authority ending at
/// the first `/`, `?`, `#`, whitespace, quote, backtick or angle bracket; its
/// userinfo is what comes before the authority's last `@`.
pub fn redact_url_userinfo(text: &str) -> Cow<'_, str> {
    let mut ranges = Vec::new();
    url_userinfo(text, &mut ranges);
    replace(text, &ranges)
}

/// `text` with every [secret](secret_ranges) replaced by [`REDACTED`]: for messages,
/// labels and help, where lengths need not be kept.
///
/// ```
/// use uplan::sanitize::redact;
/// assert_eq!(redact("registry_password: hunter2"), "registry_password: ***");
/// assert_eq!(redact("see https://bob:pw@example.com/x"), "see https://***@example.com/x");
/// ```
pub fn redact(text: &str) -> Cow<'_, str> {
    replace(text, &secret_ranges(text))
}

fn replace<'a>(text: &'a str, ranges: &[Range<usize>]) -> Cow<'a, str> {
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in ranges {
        out.push_str(text.get(at..r.start).unwrap_or(""));
        out.push_str(REDACTED);
        at = r.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Cow::Owned(out)
}

/// A field's value as it may be shown on one line: [`REDACTED`] when the field's
/// name [is a credential name](is_credential_name), else the value with URL userinfo
/// redacted and control characters escaped ([`one_line`]).
///
/// ```
/// use uplan::sanitize::field_value;
/// assert_eq!(field_value("registry_password", "hunter2"), "***");
/// assert_eq!(field_value("source", "https://u:p@h/x\n"), "https://***@h/x\\n");
/// ```
pub fn field_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if is_credential_name(name) {
        return Cow::Borrowed(REDACTED);
    }
    match redact_url_userinfo(value) {
        Cow::Borrowed(v) => one_line(v),
        Cow::Owned(v) => Cow::Owned(one_line(&v).into_owned()),
    }
}

/// Whether a field or key name looks like it holds a credential, so its value must
/// not be shown. The name is split into lowercase words at every character that is
/// not a letter or digit and at camelCase boundaries (`registry_password`,
/// `platformToken`, `API-Key`, `"api key"`). It is a credential name when
///
/// - the words, joined, contain `password`, `passwd`, `passphrase`, `secret`, `token`,
///   `credential`, `apikey`, `privatekey`, `privkey` or `accesskey`
///   (`registry_password`, `platform_token`, `client_secret`, `api_key`, `apiKey`);
/// - or its last word is `pass`, `pwd`, `pw`, `auth` or `creds` (`db_pass`,
///   `basic_auth`, but not `pass_through` or `auth_mode`);
/// - or a word `key`/`keys` follows `api`, `private`, `access`, `secret`, `signing`,
///   `ssh`, `encryption`, `client`, `master`, `license`, `deploy`, `auth` or `shared`
///   (`ssh_key`, `deploy-keys`).
///
/// So `key`, `keys`, `monkey`, `hotkey`, `key_name` and `passport` are not credential
/// names. Erring towards masking is cheap (a value is hidden), the other way leaks.
pub fn is_credential_name(name: &str) -> bool {
    const PARTS: [&str; 10] = [
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "credential",
        "apikey",
        "privatekey",
        "privkey",
        "accesskey",
    ];
    const LAST: [&str; 5] = ["pass", "pwd", "pw", "auth", "creds"];
    const KEY_AFTER: [&str; 13] = [
        "api",
        "private",
        "access",
        "secret",
        "signing",
        "ssh",
        "encryption",
        "client",
        "master",
        "license",
        "deploy",
        "auth",
        "shared",
    ];
    let words = words(name);
    let joined = words.concat();
    PARTS.iter().any(|p| joined.contains(p))
        || words.last().is_some_and(|w| LAST.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|w| (w[1] == "key" || w[1] == "keys") && KEY_AFTER.contains(&w[0].as_str()))
}

/// Lowercase words of a name: split at non-alphanumerics, at a lowercase or digit
/// followed by an uppercase (`apiKey`), and before the last capital of a run followed
/// by a lowercase (`APIKey` → `api`, `key`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The byte ranges of every secret in `text`, sorted and disjoint, each on character
/// boundaries: the userinfo of each URL (see [`redact_url_userinfo`]) and the value
/// of each `key: value` or `key=value` whose key [is a credential
/// name](is_credential_name). The scan knows YAML and JSON well enough for inputs and
/// diagnostics, not perfectly:
///
/// - a key is a run of letters, digits, `_`, `-`, `.` or a quoted string, followed
///   (after optional blanks) by `:` — then a blank or the end of the line when the key
///   is not quoted, as in YAML — or by `=` not followed by `=`;
/// - a quoted value is masked between its quotes (across lines), a `{…}` or `[…]`
///   value between its brackets, a plain value to the end of the line or a ` #`
///   comment (and, in a flow collection or after a quoted key, to a `,` `}` `]`;
///   after `=`, also to a blank, `&` or `;`);
/// - a key with nothing after it, or a `|`/`>` block scalar, masks the lines below
///   that are indented deeper than the key (its nested value), line by line.
///
/// Line breaks and the indentation of masked lines are not part of any range.
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    url_userinfo(text, &mut ranges);
    Scanner::new(text, &mut ranges).run();
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

fn url_userinfo(text: &str, out: &mut Vec<Range<usize>>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|rest| rest.find("://")) {
        let at = from + i;
        let start = at + 3;
        let end = bytes[start..]
            .iter()
            .position(|&b| {
                b.is_ascii_whitespace() || b"/?#\"'`<>\\".contains(&b) || b.is_ascii_control()
            })
            .map_or(bytes.len(), |n| start + n);
        let has_scheme = at > 0 && bytes[at - 1].is_ascii_alphanumeric();
        if let Some(k) = bytes[start..end].iter().rposition(|&b| b == b'@') {
            if has_scheme && k > 0 {
                out.push(start..start + k);
            }
        }
        from = end.max(start);
    }
}

/// One pass over a text finding credential values; see [`secret_ranges`].
struct Scanner<'a, 'o> {
    text: &'a str,
    bytes: &'a [u8],
    out: &'o mut Vec<Range<usize>>,
    /// Where the line being scanned starts: kept up to date by [`Scanner::run`], so
    /// nothing scans back to a line start (a 5 MB one-line JSON has 500,000 colons).
    line_start: usize,
}

/// A key found before a `:` or `=`.
struct Key {
    /// Byte offset of the key's first byte (its opening quote when quoted).
    start: usize,
    quoted: bool,
}

impl<'a, 'o> Scanner<'a, 'o> {
    fn new(text: &'a str, out: &'o mut Vec<Range<usize>>) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            out,
            line_start: 0,
        }
    }

    /// Walks the text once; after a masked value it resumes behind it, so nested
    /// credential keys are not scanned twice and the pass stays linear.
    fn run(&mut self) {
        let mut i = 0;
        // Unclosed `{` / `[` on the current line: a flow collection, where a plain
        // value ends at `,`.
        let mut depth = 0usize;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\n' => {
                    depth = 0;
                    self.line_start = i + 1;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                b':' | b'=' => {
                    if let Some(end) = self.value_after(i, depth > 0) {
                        let end = end.clamp(i + 1, self.bytes.len());
                        if let Some(n) = self.bytes[i..end].iter().rposition(|&b| b == b'\n') {
                            self.line_start = i + n + 1;
                            depth = 0;
                        }
                        i = end;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// Masks the value after the separator at `sep` when its key is a credential
    /// name; returns where the scan resumes.
    fn value_after(&mut self, sep: usize, flow: bool) -> Option<usize> {
        let key = self.key_before(sep)?;
        let next = self.bytes.get(sep + 1).copied();
        let colon = self.bytes[sep] == b':';
        if colon && !key.quoted && !matches!(next, None | Some(b' ' | b'\t' | b'\r' | b'\n')) {
            return None;
        }
        if !colon && next == Some(b'=') {
            return None;
        }
        let v = self.skip_blanks(sep + 1);
        let end = match self.bytes.get(v).copied() {
            None | Some(b'\n' | b'\r' | b'#') if colon => self.nested(key.start, v),
            Some(q @ (b'"' | b'\'')) => self.quoted(v, q),
            Some(b'{' | b'[') => self.bracketed(v),
            Some(b'|' | b'>') if colon => self.nested(key.start, v),
            Some(_) if colon => self.plain(key.start, v, flow || key.quoted),
            Some(_) => self.assigned(v),
            None => v,
        };
        Some(end)
    }

    /// The credential key ending just before `sep` (blanks allowed in between).
    fn key_before(&self, sep: usize) -> Option<Key> {
        let line_start = self.line_start;
        let mut end = sep;
        while end > line_start && matches!(self.bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        let floor = end.saturating_sub(MAX_KEY_LEN).max(line_start);
        let last = *self.bytes.get(end.checked_sub(1)?)?;
        let (start, name, quoted) = if last == b'"' || last == b'\'' {
            let open = self.bytes[floor..end - 1]
                .iter()
                .rposition(|&b| b == last)?
                + floor;
            (open, self.text.get(open + 1..end - 1)?, true)
        } else {
            let key_char = |b: &u8| b.is_ascii_alphanumeric() || b"_-.".contains(b);
            let n = self.bytes[floor..end]
                .iter()
                .rev()
                .take_while(|b| key_char(b))
                .count();
            (end - n, self.text.get(end - n..end)?, false)
        };
        (!name.is_empty() && is_credential_name(name)).then_some(Key { start, quoted })
    }

    fn skip_blanks(&self, mut i: usize) -> usize {
        while matches!(self.bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    }

    fn line_end(&self, i: usize) -> usize {
        self.bytes[i.min(self.bytes.len())..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |n| i + n)
    }

    /// The line's content end: before its `\n` and a `\r` ahead of it.
    fn content_end(&self, i: usize) -> usize {
        let end = self.line_end(i);
        if end > i && self.bytes.get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        }
    }

    fn push(&mut self, start: usize, end: usize) {
        if start < end {
            self.out.push(start..end);
        }
    }

    /// A quoted value from `open`; `''` inside single quotes and `\"` inside double
    /// quotes do not close it. Unterminated: to the end of the line.
    fn quoted(&mut self, open: usize, quote: u8) -> usize {
        let mut i = open + 1;
        let close = loop {
            match self.bytes.get(i).copied() {
                None => break None,
                Some(b'\\') if quote == b'"' => i += 2,
                Some(b) if b == quote => {
                    if quote == b'\'' && self.bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                    } else {
                        break Some(i);
                    }
                }
                Some(_) => i += 1,
            }
        };
        let end = close.unwrap_or_else(|| self.content_end(open));
        self.push_lines(open + 1, end.min(self.bytes.len()));
        close.map_or(end, |c| c + 1)
    }

    /// A `{…}` or `[…]` value, brackets nested and quoted strings skipped.
    /// Unclosed: to the end of the text.
    fn bracketed(&mut self, open: usize) -> usize {
        let mut depth = 0usize;
        let mut i = open;
        let close = loop {
            match self.bytes.get(i).copied() {
                None => break None,
                Some(b'{' | b'[') => depth += 1,
                Some(b'}' | b']') => {
                    depth -= 1;
                    if depth == 0 {
                        break Some(i);
                    }
                }
                Some(q @ (b'"' | b'\'')) => {
                    let mut j = i + 1;
                    while let Some(&b) = self.bytes.get(j) {
                        if b == b'\\' && q == b'"' {
                            j += 1;
                        } else if b == q {
                            break;
                        }
                        j += 1;
                    }
                    i = j;
                }
                Some(_) => {}
            }
            i += 1;
        };
        // Unclosed, the collection runs to the end of the text (as YAML reads it).
        let end = close.unwrap_or(self.bytes.len());
        self.push_lines(open + 1, end);
        close.map_or(end, |c| c + 1)
    }

    /// A plain YAML value: to the end of the line or a comment (in flow, to a `,`,
    /// `}` or `]`), then any continuation lines indented deeper than the key.
    fn plain(&mut self, key: usize, v: usize, flow: bool) -> usize {
        // Scans forward to the first stop only: many keys on one long line stay linear.
        let mut end = v;
        while let Some(&b) = self.bytes.get(end) {
            let comment = b == b'#' && b" \t".contains(&self.bytes[end - 1]);
            if b == b'\n' || comment || (flow && b",}]".contains(&b)) {
                break;
            }
            end += 1;
        }
        while end > v && matches!(self.bytes[end - 1], b' ' | b'\t' | b'\r') {
            end -= 1;
        }
        self.push(v, end);
        if flow { end } else { self.nested(key, end) }
    }

    /// A value after `=`: up to a blank, quote, `&`, `;`, `,` or closing bracket.
    fn assigned(&mut self, v: usize) -> usize {
        let n = self.bytes[v..]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b"\"'`&;,)}]".contains(&b))
            .unwrap_or(self.bytes.len() - v);
        self.push(v, v + n);
        v + n
    }

    /// Masks, line by line, the lines after the one holding `from` that are indented
    /// deeper than the key at `key` (or as deep, starting with `- `): the key's
    /// nested value. Returns the end of the last masked line.
    fn nested(&mut self, key: usize, from: usize) -> usize {
        let column = key.saturating_sub(self.line_start);
        let mut end = self.line_end(from);
        let mut at = end + 1;
        while at < self.bytes.len() {
            let content = self.content_end(at);
            let indent = self.skip_blanks(at) - at;
            let text = &self.bytes[at + indent..content];
            let item = text == b"-" || text.starts_with(b"- ");
            if !text.is_empty() && indent < column + usize::from(!item) {
                break;
            }
            self.push(at + indent, content);
            end = self.line_end(at);
            at = end + 1;
        }
        end
    }

    /// Pushes `start..end`, split at line breaks so no range holds a `\n` or the
    /// `\r` of a CRLF.
    fn push_lines(&mut self, start: usize, end: usize) {
        let mut at = start;
        while at < end {
            let stop = self.content_end(at).min(end);
            self.push(at, stop);
            at = self.line_end(at) + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_every_control_and_line_break() {
        assert_eq!(one_line("a\nb"), "a\\nb");
        assert_eq!(one_line("cr\rlf\r\n"), "cr\\rlf\\r\\n");
        assert_eq!(one_line("\x1b]8;;http://x\x07"), "\\x1b]8;;http://x\\x07");
        assert_eq!(one_line("\0\x08\x7f\t"), "\\x00\\x08\\x7f\\t");
        assert_eq!(one_line("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(
            one_line("abc\u{202e}fed\u{2066}"),
            "abc\\u{202e}fed\\u{2066}"
        );
        assert_eq!(one_line("x\u{2028}y\u{2029}"), "x\\u{2028}y\\u{2029}");
        assert_eq!(
            one_line("\u{61c}\u{200e}\u{200f}"),
            "\\u{61c}\\u{200e}\\u{200f}"
        );
    }

    #[test]
    fn one_line_keeps_ordinary_text_borrowed() {
        for text in ["biz-1", "1.30 → 1.31", "日本語", "a\\nb", "", "emoji 👨‍👩‍👧"]
        {
            assert!(matches!(one_line(text), Cow::Borrowed(_)), "{text:?}");
        }
    }

    #[test]
    fn multi_line_keeps_line_feeds_only() {
        assert_eq!(multi_line("source: x\nfix: y"), "source: x\nfix: y");
        assert_eq!(multi_line("a\r\nb\x1bc"), "a\\r\nb\\x1bc");
    }

    #[test]
    fn same_length_keeps_bytes_and_lines() {
        let text = "name: \"a\x1b[2J\u{9b}\u{202e}b\"\r\n\tx\ry\u{2028}\n";
        let safe = same_length(text);
        assert_eq!(safe.len(), text.len());
        assert_eq!(safe, "name: \"a?[2J?????b\"\r\n\tx?y???\n");
        assert!(
            !safe
                .chars()
                .any(|c| is_unsafe_char(c) && !"\n\t\r".contains(c))
        );
        assert!(matches!(same_length("plain\ttext\r\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn url_userinfo_is_redacted() {
        let cases = [
            ("https://user:pw@host/x", "https://***@host/x"),
            ("https://token@host", "https://***@host"),
            (
                "git+ssh://a:b@h:22/r and http://c@d?e",
                "git+ssh://***@h:22/r and http://***@d?e",
            ),
            ("\"https://u:p@h\"", "\"https://***@h\""),
            ("https://u:p%40x@host/p@q", "https://***@host/p@q"),
        ];
        for (text, want) in cases {
            assert_eq!(redact_url_userinfo(text), want, "{text}");
        }
        for text in ["https://host/x@y", "mailto:a@b", "://u:p@h", "user:pw@host"] {
            assert_eq!(redact_url_userinfo(text), text);
        }
    }

    #[test]
    fn credential_names() {
        let yes = [
            "password",
            "registry_password",
            "platform_token",
            "platformToken",
            "PLATFORM_TOKEN",
            "passwd",
            "client_secret",
            "secretRef",
            "api_key",
            "apiKey",
            "APIKey",
            "api-key",
            "api key",
            "apikey",
            "private_key",
            "privateKey",
            "ssh_key",
            "deploy-keys",
            "aws_access_key_id",
            "credentials",
            "db_pass",
            "basic_auth",
            "auth",
            "pwd",
            "--platform-token",
            "cluster.registry_password",
        ];
        for name in yes {
            assert!(
                is_credential_name(name),
                "{name} should be a credential name"
            );
        }
        let no = [
            "key",
            "keys",
            "monkey",
            "hotkey",
            "key_name",
            "keyName",
            "name",
            "passport",
            "pass_through",
            "auth_mode",
            "bypass",
            "compass",
            "kubernetes",
            "free_gb",
            "",
        ];
        for name in no {
            assert!(
                !is_credential_name(name),
                "{name} should not be a credential name"
            );
        }
    }

    fn masked(text: &str) -> String {
        let mut out = text.to_string().into_bytes();
        for r in secret_ranges(text) {
            out[r].fill(b'*');
        }
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn yaml_credential_values_are_found() {
        let text = "\
clusters:
  - name: biz-1
    registry_password: \"hunter2\" # set by ops
    platform_token: abc def
    apiKey: 'it''s'
    monkey: banana
    key: value
    token:
      user: admin
      pass: x
    secret: |
      line one
      line two
    name: after
";
        let want = "\
clusters:
  - name: biz-1
    registry_password: \"*******\" # set by ops
    platform_token: *******
    apiKey: '*****'
    monkey: banana
    key: value
    token:
      ***********
      *******
    secret: |
      ********
      ********
    name: after
";
        assert_eq!(masked(text), want);
    }

    #[test]
    fn json_and_flow_credential_values_are_found() {
        let text = r#"{"name":"a","platform_token":"abc\"d","n":{"password":12345,"x":1},"api_key":["a","b"],"ok":"https://u:p@h/x"}"#;
        let want = r#"{"name":"a","platform_token":"******","n":{"password":*****,"x":1},"api_key":[*******],"ok":"https://***@h/x"}"#;
        assert_eq!(masked(text), want);
        assert_eq!(
            masked("{password: abc, name: x}\n"),
            "{password: ***, name: x}\n"
        );
    }

    #[test]
    fn assignments_and_comparisons() {
        assert_eq!(
            masked("run --platform-token=abc --x=1 ?token=t&y=2"),
            "run --platform-token=*** --x=1 ?token=*&y=2"
        );
        let rule = "require c.password == \"\" and c.token != x\n";
        assert_eq!(masked(rule), rule);
        let url = "image: https://registry.example/x:1\n";
        assert_eq!(masked(url), url);
    }

    #[test]
    fn ranges_are_on_char_boundaries_and_sorted() {
        let text = "token: ünïcödé\npassword: \"日本\"\nx: https://ü:p@h\n";
        let ranges = secret_ranges(text);
        assert!(ranges.windows(2).all(|w| w[0].end <= w[1].start));
        for r in &ranges {
            assert!(text.get(r.clone()).is_some(), "{r:?}");
        }
        assert_eq!(ranges.len(), 3);
    }

    #[test]
    fn hostile_inputs_do_not_blow_up() {
        // Many keys, one long line, unclosed quotes and brackets: linear, no panic.
        let text =
            "token: ".repeat(20_000) + &"password: \"".repeat(1000) + "{[" + &"a:".repeat(10_000);
        let ranges = secret_ranges(&text);
        assert!(!ranges.is_empty());
        // One long line with half a million separators (a minified plan): linear.
        let line = "{\"token\":1,\"a\":\"b\",".repeat(100_000) + &" :".repeat(100_000);
        assert_eq!(secret_ranges(&line).len(), 100_000);
        let lines = "token: [\n".repeat(10_000) + &"token: \"\n".repeat(10_000);
        assert!(!secret_ranges(&lines).is_empty());
        for text in [
            "token:",
            "token: \"",
            "token: {",
            "=",
            ":",
            "\"\":",
            "token=",
            "'",
            "token: '''",
        ] {
            let _ = secret_ranges(text);
            let _ = redact(text);
        }
    }

    #[test]
    fn redact_replaces_with_stars() {
        assert_eq!(
            redact("unknown field `registry_password`"),
            "unknown field `registry_password`"
        );
        assert_eq!(redact("platform_token: abc"), "platform_token: ***");
    }
}
