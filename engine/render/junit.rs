//! JUnit XML for CI test reports: a `<testsuite>` per rule of the rulebook, a
//! `<testcase>` per rule × cluster its findings name (`platform` for a finding about
//! no cluster, and for a rule that found nothing: checked, passed). A testcase fails
//! when a `block` or `fix` finding names it (a fix must be done before the upgrade);
//! warnings and notes are its `<system-out>`. Every text is XML-escaped; characters
//! XML 1.0 cannot carry at all are replaced, so a hostile inventory cannot end an
//! attribute, open an element or make the document unreadable.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::annotations::{Annotations, Item, Level};

/// The findings of one rule on one cluster.
type Cases<'a> = BTreeMap<&'a str, Vec<&'a Item>>;

/// The report; `name` names the whole run (`uplan check examples/x.yaml`).
pub fn junit(annotations: &Annotations, name: &str) -> String {
    let mut suites: BTreeMap<&str, (Cases<'_>, &str)> = BTreeMap::new();
    for r in &annotations.rules {
        suites.insert(&r.id, (BTreeMap::new(), &r.source));
    }
    for item in &annotations.items {
        let cluster = item.cluster.as_deref().unwrap_or("platform");
        let (cases, _) = suites.entry(&item.rule).or_insert((BTreeMap::new(), ""));
        cases.entry(cluster).or_default().push(item);
    }
    let mut body = String::new();
    let (mut tests, mut failures) = (0, 0);
    for (rule, (cases, source)) in &suites {
        let (t, f) = suite(&mut body, rule, source, cases);
        tests += t;
        failures += f;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">",
        attr(name)
    );
    out.push_str(&body);
    out.push_str("</testsuites>\n");
    out
}

/// One rule's suite; returns its test and failure counts.
fn suite(out: &mut String, rule: &str, source: &str, cases: &Cases<'_>) -> (usize, usize) {
    let tests = cases.len().max(1);
    let failures = cases.values().filter(|items| failing(items)).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        attr(rule)
    );
    if !source.is_empty() {
        let _ = writeln!(
            out,
            "    <properties>\n      <property name=\"source\" value=\"{}\"/>\n    </properties>",
            attr(source)
        );
    }
    if cases.is_empty() {
        let _ = writeln!(
            out,
            "    <testcase name=\"platform\" classname=\"{}\"/>",
            attr(rule)
        );
    }
    for (cluster, items) in cases {
        case(out, rule, cluster, items);
    }
    out.push_str("  </testsuite>\n");
    (tests, failures)
}

fn failing(items: &[&Item]) -> bool {
    items.iter().any(|i| i.level == Level::Error)
}

fn case(out: &mut String, rule: &str, cluster: &str, items: &[&Item]) {
    let _ = writeln!(
        out,
        "    <testcase name=\"{}\" classname=\"{}\">",
        attr(cluster),
        attr(rule)
    );
    let (errors, others): (Vec<&Item>, Vec<&Item>) =
        items.iter().partition(|i| i.level == Level::Error);
    if let Some(first) = errors.first() {
        let _ = writeln!(
            out,
            "      <failure type=\"{}\" message=\"{}\">{}</failure>",
            attr(&first.severity),
            attr(&first.message),
            text(&details(&errors))
        );
    }
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "      <system-out>{}</system-out>",
            text(&details(&others))
        );
    }
    out.push_str("    </testcase>\n");
}

/// Each finding: `severity: message`, where it is, and its help.
fn details(items: &[&Item]) -> String {
    let mut out = String::new();
    for i in items {
        let _ = writeln!(out, "{}: {}", i.severity, i.message);
        for l in i.locations.iter().chain(&i.related) {
            let _ = writeln!(out, "  at {}:{}:{} ({})", l.file, l.line, l.column, l.label);
        }
        if let Some(help) = &i.help {
            let _ = writeln!(out, "  {}", help.replace('\n', "\n  "));
        }
    }
    out
}

/// Character data: `&`, `<`, `>` escaped.
fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes: quotes and line breaks escaped too (a raw
/// line break in an attribute would be normalised to a space by a reader).
fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production: not even a character reference can carry the rest.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_hostile_text_inside() {
        assert_eq!(
            attr("a\"/><x y='1'>&\n\u{1}\u{FFFE}"),
            "a&quot;/&gt;&lt;x y=&apos;1&apos;&gt;&amp;&#10;\u{FFFD}\u{FFFD}"
        );
        assert_eq!(text("]]><![CDATA[ <b>"), "]]&gt;&lt;![CDATA[ &lt;b&gt;");
    }
}
