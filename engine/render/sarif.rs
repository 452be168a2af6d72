//! SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format): one run whose
//! tool is uplan, with the rules it checked and a result per finding or diagnostic.
//!
//! Levels: `block` and `fix` are `error`, `warn` is `warning`, `info` is `note` (see
//! [`Level`]). Places are regions of the inventory (findings) or of a rule file
//! (lint), lines and columns 1-based, columns counted in bytes of the line as in the
//! text report (the same as code points on ASCII lines). File names become URIs
//! relative to the working directory (`uriBaseId` `%SRCROOT%`), or `file://` URIs
//! for files outside it; a source that is no file (`<stdin>`, the command line) gets
//! no physical location. Keys come out sorted: the output is byte-identical for the
//! same input.

use std::path::{Component, Path};

use serde_json::{Map, Value, json};

use super::annotations::{Annotations, Item, Loc, RuleInfo};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

/// A SARIF log of `annotations`; `cwd` is where relative file names are rooted.
pub fn sarif(annotations: &Annotations, cwd: Option<&Path>) -> String {
    let results: Vec<Value> = annotations
        .items
        .iter()
        .map(|item| result(item, &annotations.rules, cwd))
        .collect();
    let run = json!({
        "tool": tool(&annotations.rules),
        "invocations": [{"executionSuccessful": true}],
        "results": results,
    });
    log(run)
}

/// A SARIF log of a run that could not start on its input (exit 2): no results, the
/// diagnostics as the invocation's tool execution notifications.
pub fn sarif_failure(problems: &Annotations, cwd: Option<&Path>) -> String {
    let notifications: Vec<Value> = problems
        .items
        .iter()
        .map(|item| notification(item, cwd))
        .collect();
    let run = json!({
        "tool": tool(&[]),
        "invocations": [{
            "executionSuccessful": false,
            "exitCode": 2,
            "toolExecutionNotifications": notifications,
        }],
        "results": [],
    });
    log(run)
}

fn log(run: Value) -> String {
    let log = json!({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]});
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn tool(rules: &[RuleInfo]) -> Value {
    let mut driver = Map::new();
    driver.insert("name".into(), json!("uplan"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    // The package's home page, when Cargo.toml names one (SARIF wants it absolute).
    let home = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| u.starts_with("https://"));
    if let Some(home) = home {
        driver.insert("informationUri".into(), json!(home));
    }
    driver.insert("rules".into(), rules.iter().map(rule).collect());
    json!({"driver": driver})
}

fn rule(r: &RuleInfo) -> Value {
    let mut v = json!({
        "id": r.id,
        "name": rule_name(&r.id),
        "shortDescription": {"text": r.short},
        "fullDescription": {"text": r.full},
        "help": {"text": if r.help.is_empty() { &r.short } else { &r.help }},
        "defaultConfiguration": {"level": r.level.sarif()},
        "properties": {"source": r.source},
    });
    if let (Some(uri), Some(obj)) = (&r.uri, v.as_object_mut()) {
        obj.insert("helpUri".into(), json!(uri));
    }
    v
}

/// A rule's `name` in SARIF's style: `k8s-ceiling-4.3` → `K8sCeiling43`
/// (identifier characters only).
fn rule_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn result(item: &Item, rules: &[RuleInfo], cwd: Option<&Path>) -> Value {
    let mut v = Map::new();
    v.insert("ruleId".into(), json!(item.rule));
    if let Some(i) = rules.iter().position(|r| r.id == item.rule) {
        v.insert("ruleIndex".into(), json!(i));
    }
    v.insert("level".into(), json!(item.level.sarif()));
    v.insert("message".into(), json!({"text": message(item)}));
    if let Some(why) = &item.suppression {
        v.insert(
            "suppressions".into(),
            json!([{"kind": "external", "status": "accepted", "justification": why}]),
        );
    }
    let locations: Vec<Value> = item
        .locations
        .iter()
        .filter_map(|l| location(l, cwd))
        .collect();
    v.insert("locations".into(), json!(locations));
    let related: Vec<Value> = item
        .related
        .iter()
        .filter_map(|l| location(l, cwd))
        .enumerate()
        .map(|(i, mut l)| {
            if let Some(o) = l.as_object_mut() {
                o.insert("id".into(), json!(i + 1));
            }
            l
        })
        .collect();
    if !related.is_empty() {
        v.insert("relatedLocations".into(), json!(related));
    }
    let mut props = Map::new();
    props.insert("severity".into(), json!(item.severity));
    if let Some(c) = &item.cluster {
        props.insert("cluster".into(), json!(c));
    }
    v.insert("properties".into(), Value::Object(props));
    Value::Object(v)
}

/// The message, then its help on the lines after it.
fn message(item: &Item) -> String {
    match &item.help {
        Some(help) if !help.is_empty() => format!("{}\n{help}", item.message),
        _ => item.message.clone(),
    }
}

fn notification(item: &Item, cwd: Option<&Path>) -> Value {
    let locations: Vec<Value> = item
        .locations
        .iter()
        .chain(&item.related)
        .filter_map(|l| location(l, cwd))
        .collect();
    json!({
        "descriptor": {"id": item.rule},
        "level": item.level.sarif(),
        "message": {"text": message(item)},
        "locations": locations,
    })
}

fn location(l: &Loc, cwd: Option<&Path>) -> Option<Value> {
    let (uri, base) = artifact_uri(&l.file, cwd)?;
    let mut artifact = json!({"uri": uri});
    if let (Some(base), Some(o)) = (base, artifact.as_object_mut()) {
        o.insert("uriBaseId".into(), json!(base));
    }
    // A zero-width span (a missing value) still covers one column: SARIF regions
    // end after their start.
    let end_column = if (l.end_line, l.end_column) <= (l.line, l.column) {
        l.column + 1
    } else {
        l.end_column
    };
    let mut v = json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": l.line,
                "startColumn": l.column,
                "endLine": l.end_line.max(l.line),
                "endColumn": end_column,
            },
        },
    });
    if let (false, Some(o)) = (l.label.is_empty(), v.as_object_mut()) {
        o.insert("message".into(), json!({"text": l.label}));
    }
    Some(v)
}

/// The URI of a file as the run named it, and its base: relative to the working
/// directory when it is inside it, else absolute; `None` for what is not a file.
pub(crate) fn artifact_uri(
    name: &str,
    cwd: Option<&Path>,
) -> Option<(String, Option<&'static str>)> {
    if name.is_empty() || name.starts_with('<') || name == "command line" {
        return None;
    }
    let path = Path::new(name);
    let relative = if path.is_absolute() {
        cwd.and_then(|c| path.strip_prefix(c).ok())
    } else {
        Some(path)
    };
    match relative {
        Some(rel) => {
            let parts: Vec<String> = rel
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(encode(&s.to_string_lossy())),
                    Component::ParentDir => Some("..".to_string()),
                    _ => None,
                })
                .collect();
            if parts.is_empty() {
                return None;
            }
            Some((parts.join("/"), Some(SRCROOT)))
        }
        None => Some((format!("file://{}", encode(name)), None)),
    }
}

/// Percent-encodes every byte that is not unreserved in a URI path (RFC 3986), `/`
/// kept: a file name with spaces, `#`, `?` or non-ASCII letters stays one valid URI.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uris() {
        let cwd = Path::new("/work/x");
        assert_eq!(
            artifact_uri("examples/a b#c.yaml", Some(cwd)),
            Some(("examples/a%20b%23c.yaml".into(), Some(SRCROOT)))
        );
        assert_eq!(
            artifact_uri("/work/x/examples/a.yaml", Some(cwd)),
            Some(("examples/a.yaml".into(), Some(SRCROOT)))
        );
        assert_eq!(
            artifact_uri("/tmp/ü.yaml", Some(cwd)),
            Some(("file:///tmp/%C3%BC.yaml".into(), None))
        );
        assert_eq!(
            artifact_uri("./inv.yaml", None),
            Some(("inv.yaml".into(), Some(SRCROOT)))
        );
        assert_eq!(artifact_uri("<stdin>", Some(cwd)), None);
        assert_eq!(artifact_uri("command line", Some(cwd)), None);
    }

    #[test]
    fn rule_names_are_identifiers() {
        assert_eq!(rule_name("k8s-ceiling-4.3"), "K8sCeiling43");
        assert_eq!(rule_name("uplan::lint::unused_step"), "UplanLintUnusedStep");
    }
}
