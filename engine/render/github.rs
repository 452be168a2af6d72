//! GitHub Actions workflow commands: one annotation per finding or diagnostic,
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. Levels:
//! `block` and `fix` are `error`, `warn` is `warning`, `info` is `notice`.
//!
//! Escaping follows the runner's workflow-command rules: in the message `%`, CR and LF
//! become `%25`, `%0D`, `%0A`; in a property value `:` and `,` also become `%3A`,
//! `%2C`. So no value can end the command, add a property, or start a second command
//! on a line of its own.

use std::fmt::Write;

use super::annotations::{Annotations, Item, Loc};

pub fn github(annotations: &Annotations) -> String {
    let mut out = String::new();
    for item in &annotations.items {
        annotation(&mut out, item);
    }
    out
}

fn annotation(out: &mut String, item: &Item) {
    let mut props = Vec::new();
    if let Some(l) = item.locations.first().filter(|l| is_file(l)) {
        props.push(format!("file={}", property(&l.file)));
        props.push(format!("line={}", l.line));
        props.push(format!("col={}", l.column));
        if l.end_line >= l.line {
            props.push(format!("endLine={}", l.end_line));
        }
        if l.end_line == l.line && l.end_column > l.column {
            props.push(format!("endColumn={}", l.end_column));
        }
    }
    let title = match &item.cluster {
        Some(c) => format!("{} ({c})", item.rule),
        None => item.rule.clone(),
    };
    props.push(format!("title={}", property(&title)));
    let mut text = item.message.clone();
    if let Some(help) = &item.help {
        let _ = write!(text, "\n{help}");
    }
    let _ = writeln!(
        out,
        "::{} {}::{}",
        item.level.github(),
        props.join(","),
        data(&text)
    );
}

/// A place the runner can show in a file (not `<stdin>` or the command line).
fn is_file(l: &Loc) -> bool {
    !l.file.is_empty() && !l.file.starts_with('<') && l.file != "command line"
}

/// A command's data (the message).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: also `:` and `,`, which end a value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_escaping() {
        assert_eq!(data("100%\r\n::error::x"), "100%25%0D%0A::error::x");
        assert_eq!(property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
