//! The friction a new user met writing an inventory by hand (issue 10): each shape the
//! user tried is either accepted with its meaning, or refused with help that names
//! the right shape, and never with a suggestion that means the opposite.

use uplan::diagnostics::Problems;
use uplan::inventory::Inventory;
use uplan::model::Rulebook;
use uplan::plan::Plan;

fn acp() -> Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

const BASE: &str = "\
platform:
  version: \"3.18.1\"
target: \"4.3\"
clusters:
  - name: global
    role: global
    kubernetes: \"1.30.4\"
";

fn load(text: &str) -> Result<Inventory, Problems> {
    uplan::inventory::load(&acp(), "inv.yaml", text)
}

fn plan(text: &str) -> Plan {
    let rb = acp();
    let inv = uplan::inventory::load(&rb, "inv.yaml", text)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let ev = uplan::eval::evaluate(&rb, &inv, None, uplan::eval::Mode::Plan)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    ev.to_plan(&rb, &inv)
}

/// The help of the single diagnostic `text` gets, with its code.
fn refused(text: &str) -> (String, String) {
    let problems = match load(text) {
        Ok(_) => panic!("loaded:\n{text}"),
        Err(p) => p,
    };
    assert_eq!(
        problems.0.len(),
        1,
        "{}",
        uplan::diagnostics::render(&problems, false)
    );
    let p = &problems.0[0];
    (p.code.to_string(), p.help.clone().unwrap_or_default())
}

#[test]
fn an_unquoted_target_is_the_version_written() {
    let p = plan(&BASE.replace("target: \"4.3\"", "target: 4.3"));
    assert_eq!(p.to, "4.3.0");
    assert_eq!(p.path.last().map(String::as_str), Some("4.3"));
}

#[test]
fn plugins_listed_by_name_are_installed_with_kind_and_source_unknown() {
    for plugins in [
        "    plugins: [costmanager]\n",
        "    plugins:\n      - costmanager\n",
    ] {
        let p = plan(&format!("{BASE}{plugins}"));
        // The name is a fact the rules use: CostManager must be removed before 4.0.
        assert!(
            p.findings.iter().any(|f| f.rule == "costmanager-removed"),
            "{plugins}"
        );
        let named: Vec<_> = p
            .findings
            .iter()
            .filter(|f| f.rule == "uplan.name-only")
            .collect();
        assert_eq!(named.len(), 1, "{plugins}: {:#?}", p.findings);
        let f = named[0];
        assert_eq!(f.severity, "warn");
        assert_eq!(f.cluster.as_deref(), Some("global"));
        assert_eq!(f.facts, ["clusters.global.plugins.costmanager"]);
        for word in [
            "costmanager",
            "kind",
            "source",
            "operators-not-from-platform",
            "cluster-plugin",
        ] {
            assert!(f.message.contains(word), "{word}: {}", f.message);
        }
    }
}

#[test]
fn a_plugin_mapping_is_not_reported_as_name_only() {
    let p = plan(&format!("{BASE}    plugins: [{{name: costmanager}}]\n"));
    assert!(!p.findings.iter().any(|f| f.rule == "uplan.name-only"));
}

#[test]
fn a_record_with_required_fields_cannot_be_a_bare_name() {
    let (code, _) = refused(&BASE.replace(
        "clusters:\n  - name: global\n    role: global\n    kubernetes: \"1.30.4\"\n",
        "clusters: [global]\n",
    ));
    assert_eq!(code, "uplan::inventory::wrong_type");
    let (code, _) = refused(&format!("{BASE}    disks: [/cpaas/minio]\n"));
    assert_eq!(code, "uplan::inventory::wrong_type");
}

#[test]
fn a_bare_name_is_still_checked_as_a_name() {
    let (code, _) = refused(&format!("{BASE}    resource_patches: [\"Not A Name\"]\n"));
    assert_eq!(code, "uplan::inventory::bad_name");
    let p = plan(&format!("{BASE}    resource_patches: [rp-1]\n"));
    let f = p.findings.iter().find(|f| f.rule == "uplan.name-only");
    let f = f.unwrap_or_else(|| panic!("{:#?}", p.findings));
    assert!(f.message.contains("exempt_for"), "{}", f.message);
}

#[test]
fn registry_internal_suggests_builtin_and_explains_both() {
    let (code, help) = refused(&BASE.replace(
        "  version: \"3.18.1\"\n",
        "  version: \"3.18.1\"\n  registry: internal\n",
    ));
    assert_eq!(code, "uplan::inventory::unknown_variant");
    assert!(help.starts_with("did you mean `builtin`?"), "{help}");
    assert!(!help.contains("did you mean `external`"), "{help}");
    assert!(
        help.contains("`builtin`: the registry the platform installed"),
        "{help}"
    );
    assert!(
        help.contains("`external`: a registry of the customer's own"),
        "{help}"
    );
    // A typo still gets the closest spelling.
    let (_, help) = refused(&BASE.replace(
        "  version: \"3.18.1\"\n",
        "  version: \"3.18.1\"\n  registry: externl\n",
    ));
    assert!(help.starts_with("did you mean `external`?"), "{help}");
}

#[test]
fn type_eks_says_managed_with_a_provider() {
    let (code, help) = refused(&format!("{BASE}    type: eks\n"));
    assert_eq!(code, "uplan::inventory::unknown_variant");
    assert!(help.starts_with("did you mean `managed`?"), "{help}");
    assert!(help.contains("provider: eks"), "{help}");
}

#[test]
fn disk_and_servicemesh_suggest_the_field_names() {
    let (_, help) = refused(&format!("{BASE}    disk: []\n"));
    assert!(help.starts_with("did you mean `disks`?"), "{help}");
    let (_, help) = refused(&format!("{BASE}    servicemesh: v1\n"));
    assert!(help.starts_with("did you mean `service_mesh`?"), "{help}");
}

#[test]
fn meta_is_shown_in_the_runbook_summaries_and_escaped() {
    let text = format!("meta:\n  customer: Acme Retail\n  collected_at: \"2026-11-28\"\n{BASE}");
    let p = plan(&text);
    let meta = p.inventory_meta.clone().unwrap_or_default();
    assert_eq!(meta.customer.as_deref(), Some("Acme Retail"));
    assert_eq!(meta.collected_at.as_deref(), Some("2026-11-28"));
    let md = uplan::render::markdown(&p, &Default::default());
    assert!(md.contains("| customer | Acme Retail |"), "{md}");
    assert!(md.contains("| facts of | 2026-11-28 |"), "{md}");
    let txt = uplan::render::text(&p, &Default::default());
    assert!(
        txt.lines().any(|l| l == "customer      Acme Retail"),
        "{txt}"
    );
    assert!(
        txt.lines().any(|l| l == "facts of      2026-11-28"),
        "{txt}"
    );
    // No meta, no lines.
    let plain = uplan::render::markdown(&plan(BASE), &Default::default());
    assert!(!plain.contains("| customer |"));
    // A hostile customer name cannot open a heading or break the table.
    let hostile = format!("meta:\n  customer: \"x |\\n# Injected\\u001b[31m\"\n{BASE}");
    let p = plan(&hostile);
    let md = uplan::render::markdown(&p, &Default::default());
    assert!(!md.lines().any(|l| l.starts_with("# Injected")), "{md}");
    assert!(!md.contains('\u{1b}'));
    assert!(!uplan::render::text(&p, &Default::default()).contains('\u{1b}'));
}

#[test]
fn the_inventory_schema_allows_plugins_by_name_but_not_clusters() {
    let schema = uplan::render::jsonschema::inventory(&acp());
    let v = jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{e}"));
    let ok: serde_json::Value =
        serde_yaml::from_str(&format!("{BASE}    plugins: [costmanager]\n")).unwrap_or_default();
    assert!(v.is_valid(&ok));
    let bad: serde_json::Value =
        serde_yaml::from_str("platform: {version: \"3.18.1\"}\nclusters: [global]\n")
            .unwrap_or_default();
    assert!(!v.is_valid(&bad));
}
