//! Every example inventory loads against the embedded ACP rulebook, `locate` finds
//! each cluster's Kubernetes version on its YAML line, and the same example with its
//! versions typed without quotes loads to the same facts.

use std::fs;
use std::path::Path;

use uplan::diagnostics::render;
use uplan::model::Value;

#[test]
fn every_example_loads_and_locates_its_facts() {
    let rulebook = uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("the ACP rulebook does not compile:\n{}", render(&p, false)));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    let clusters = rulebook
        .schema
        .record(rulebook.schema.root)
        .field("clusters");
    let (clusters_field, _) = clusters.expect("the ACP inventory has `clusters`");
    let cluster = rulebook.schema.entity_of_root_field(clusters_field);
    let cluster = cluster.expect("`clusters` lists entities");
    let key = rulebook
        .schema
        .record(cluster)
        .entity
        .as_ref()
        .map(|e| e.key_field);
    let key = key.expect("an entity has a key field") as usize;
    for path in paths {
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.display().to_string();
        let inv = uplan::inventory::load(&rulebook, &name, &text)
            .unwrap_or_else(|p| panic!("{name} does not load:\n{}", render(&p, false)));
        let facts = inv.facts.as_record().expect("the facts are a record");
        let list = facts[clusters_field as usize]
            .as_list()
            .expect("clusters is a list");
        for cluster in list {
            let cluster_name = cluster
                .as_record()
                .and_then(|r| r[key].as_str())
                .unwrap_or("");
            let fact = format!("clusters.{cluster_name}.kubernetes");
            let span = inv
                .locate(&fact)
                .unwrap_or_else(|| panic!("{name}: cannot locate {fact}"));
            let written = &text[span.start as usize..span.end as usize];
            let written = written.trim_matches('"');
            assert!(
                uplan::model::Version::parse(written).is_ok(),
                "{name}: {fact} located at {written:?}"
            );
        }
        assert!(!matches!(inv.facts, Value::Null));
    }
}

/// `"1.30.4"` → `1.30.4`: every double-quoted string made only of digits and dots
/// (with at least one dot) loses its quotes, as a person typing versions would write them.
fn unquote_versions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let inner_len = after.find('"').unwrap_or(after.len());
        let inner = &after[..inner_len];
        let version_like = inner.contains('.')
            && inner.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && inner_len < after.len();
        if version_like {
            out.push_str(inner);
        } else {
            out.push('"');
            out.push_str(&after[..inner_len.min(after.len())]);
            if inner_len < after.len() {
                out.push('"');
            }
        }
        rest = &after[(inner_len + 1).min(after.len())..];
    }
    out.push_str(rest);
    out
}

/// Issue 7: `kubernetes: 1.30` is read as written, so an example with its versions
/// typed without quotes loads to exactly the same facts (1.20 stays 1.20, 4.10 stays
/// 4.10).
#[test]
fn every_example_loads_the_same_with_versions_unquoted() {
    let rulebook = uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("the ACP rulebook does not compile:\n{}", render(&p, false)));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut unquoted = 0;
    for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bare = unquote_versions(&text);
        unquoted += text.len() - bare.len();
        let name = path.display().to_string();
        let load = |t: &str| {
            uplan::inventory::load(&rulebook, &name, t)
                .unwrap_or_else(|p| panic!("{name} does not load:\n{}", render(&p, false)))
        };
        assert_eq!(load(&bare).facts, load(&text).facts, "{name}");
    }
    assert!(unquoted > 200, "only {unquoted} quotes removed");
}

#[test]
fn unquoting_touches_only_version_like_strings() {
    let text = "a: \"1.30\"\nb: \"x.1\"\nc: \"1\"\nd: \"4.10.2\" # \"2.0\"\ne: \"unterminated 1.2";
    assert_eq!(
        unquote_versions(text),
        "a: 1.30\nb: \"x.1\"\nc: \"1\"\nd: 4.10.2 # 2.0\ne: \"unterminated 1.2"
    );
}
