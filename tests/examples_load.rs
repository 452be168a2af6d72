//! Every example inventory loads against the embedded ACP rulebook, and `locate` finds
//! each cluster's Kubernetes version on its YAML line.

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
