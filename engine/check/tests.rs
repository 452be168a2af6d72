//! Checker tests: small rulebooks in, IR or diagnostics out.

use super::codes;
use crate::diagnostics::{Problems, render};
use crate::model::*;

fn mini_files() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "uplan"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

fn compile(files: &[(String, String)]) -> Result<Rulebook, Problems> {
    crate::compile(files)
}

fn ok(files: &[(String, String)]) -> Rulebook {
    match compile(files) {
        Ok(rb) => rb,
        Err(p) => panic!("{}", render(&p, false)),
    }
}

#[test]
fn the_mini_rulebook_compiles_clean() {
    let rb = ok(&mini_files());
    assert_eq!(rb.hops.len(), 3);
    assert_eq!(rb.phases.len(), 5);
}

/// The mini rulebook plus one more file.
fn with_mini(extra: &str) -> Result<Rulebook, Problems> {
    let mut files = mini_files();
    files.push(("extra.uplan".into(), extra.into()));
    compile(&files)
}

/// (code, text under the primary span) of every problem.
fn errs(extra: &str) -> Vec<(&'static str, String)> {
    let mut files = mini_files();
    files.push(("extra.uplan".into(), extra.into()));
    let Err(problems) = compile(&files) else {
        panic!("expected errors for:\n{extra}");
    };
    problems
        .0
        .iter()
        .map(|p| {
            let text = p.span.map_or(String::new(), |s| {
                let text = &files
                    .iter()
                    .find(|(n, _)| Some(n.as_str()) == p.source.as_ref().map(|s| s.name()))
                    .unwrap()
                    .1;
                text[s.start as usize..s.end as usize].to_string()
            });
            (p.code, text)
        })
        .collect()
}

fn one_err(extra: &str) -> (&'static str, String) {
    let e = errs(extra);
    assert_eq!(e.len(), 1, "{e:?}");
    e.into_iter().next().unwrap()
}

fn rule(body: &str) -> String {
    format!("rule t {{ source \"s\" message \"m\" {body} }}")
}

fn problems_of(extra: &str) -> Problems {
    with_mini(extra).expect_err("errors")
}

#[test]
fn comparing_an_optional_needs_a_null_check() {
    let e = one_err(&rule("each cluster c require c.istio >= 1.20 else block"));
    assert_eq!(e, (codes::OPTIONAL_NOT_NARROWED, "c.istio".into()));
    let e = one_err(&rule(
        "each cluster c require c.search.version >= 7 else block",
    ));
    assert_eq!(e, (codes::OPTIONAL_NOT_NARROWED, "c.search".into()));
}

#[test]
fn null_checks_narrow_the_rest_of_the_condition() {
    for body in [
        "each cluster c require c.istio != null and c.istio >= 1.20 else block",
        "each cluster c require c.istio == null or c.istio >= 1.20 else block",
        "each cluster c require not (c.istio == null) and c.istio >= 1.20 else block",
        "each cluster c where c.istio != null require c.istio >= 1.20 else block",
        "each cluster c where c.search != null require c.search.version >= 7 else block",
        "when target != null each cluster c require target > 1.0 else block",
        "each cluster c require (c.istio ?? 0.0) >= 1.20 else block",
        "each cluster c require all(p in c.plugins: p.version == null or p.version > 1.0) else block",
    ] {
        if let Err(p) = with_mini(&rule(body)) {
            panic!("{body}\n{}", render(&p, false));
        }
    }
}

#[test]
fn narrowing_does_not_leak_out_of_its_branch() {
    let e = one_err(&rule(
        "each cluster c require (c.istio != null or true) and c.istio > 1.0 else block",
    ));
    assert_eq!(e.0, codes::OPTIONAL_NOT_NARROWED);
    // the narrowing of one quantifier's variable does not carry to another's
    let e = one_err(&rule(
        "each cluster c require any(p in c.plugins: p.version != null) and all(p in c.plugins: p.version > 1.0) else block",
    ));
    assert_eq!(e, (codes::OPTIONAL_NOT_NARROWED, "p.version".into()));
    // a requirement's narrowing does not reach its message
    let e = one_err(
        "rule t { source \"s\" each cluster c require c.search != null and c.search.version > 1 else block message \"{c.search.version}\" }",
    );
    assert_eq!(e, (codes::OPTIONAL_NOT_NARROWED, "c.search".into()));
}

#[test]
fn type_errors_name_both_types() {
    let e = one_err(&rule(
        "each cluster c require c.kubernetes >= \"1.28\" else block",
    ));
    assert_eq!(e, (codes::TYPE_MISMATCH, "c.kubernetes >= \"1.28\"".into()));
    let p = problems_of(&rule(
        "each cluster c require c.kubernetes >= \"1.28\" else block",
    ));
    assert_eq!(p.0[0].message, "cannot compare `version` with `string`");
    let e = one_err(&rule("each cluster c require c.name < \"x\" else block"));
    assert_eq!(e, (codes::TYPE_MISMATCH, "c.name".into()));
    let e = one_err(&rule(
        "each cluster c require c.kubernetes like \"1.*\" else block",
    ));
    assert_eq!(e, (codes::TYPE_MISMATCH, "c.kubernetes".into()));
    let e = one_err(&rule(
        "each cluster c require count(d in c.disks: true) else block",
    ));
    assert_eq!(
        e,
        (codes::TYPE_MISMATCH, "count(d in c.disks: true)".into())
    );
    let e = one_err(&rule("each cluster c require c.name == null else block"));
    assert_eq!(e, (codes::TYPE_MISMATCH, "c.name".into()));
    let e = one_err(&rule(
        "each cluster c require c.kubernetes in [\"a\"] else block",
    ));
    assert_eq!(e.0, codes::TYPE_MISMATCH);
}

#[test]
fn a_bare_int_is_a_version_where_a_version_is_expected() {
    let rb = with_mini(&rule(
        "each cluster c where c.search != null require 6 <= c.search.version else block",
    ))
    .unwrap();
    let r = rb.rules.iter().find(|r| r.id == "t").unwrap();
    let Some(Expr::Cmp(CmpOp::Le, lhs, _)) = &r.require else {
        panic!()
    };
    assert!(matches!(**lhs, Expr::Lit(Value::Version(_))));
}

#[test]
fn unknown_names_suggest_the_closest() {
    let p = problems_of(&rule(
        "each cluster c require c.kubernets >= 1.28 else block",
    ));
    assert_eq!(p.codes(), vec![codes::UNKNOWN_FACT]);
    assert_eq!(p.0[0].help.as_deref(), Some("did you mean `kubernetes`?"));
    let p = problems_of(&rule("each cluster c require c.role == globl else block"));
    assert_eq!(p.codes(), vec![codes::UNKNOWN_VARIANT]);
    assert_eq!(p.0[0].help.as_deref(), Some("did you mean `global`?"));
    let p = problems_of(&rule("each cluster c require cc.role == global else block"));
    assert_eq!(p.codes(), vec![codes::UNKNOWN_NAME]);
    assert_eq!(p.0[0].help.as_deref(), Some("did you mean `c`?"));
    let p = problems_of(&rule(
        "each cluster c require true else step upgrade-kubernets(c, 1.0)",
    ));
    assert_eq!(p.codes(), vec![codes::UNKNOWN_STEP]);
    assert_eq!(
        p.0[0].help.as_deref(),
        Some("did you mean `upgrade-kubernetes`?")
    );
    let p = problems_of(&rule("when hop 2.1 -> 3.0 warn"));
    assert_eq!(p.codes(), vec![codes::UNKNOWN_VERSION]);
    assert_eq!(p.0[0].help.as_deref(), Some("did you mean `2.0`?"));
    let p = problems_of(&rule("when hop.flwo == script warn"));
    assert_eq!(p.codes(), vec![codes::UNKNOWN_FACT]);
    assert_eq!(p.0[0].help.as_deref(), Some("did you mean `flow`?"));
}

#[test]
fn rules_frames_number_each_then_pattern_then_quantifier_variables() {
    let rb = ok(&mini_files());
    let by_id = |id: &str| rb.rules.iter().find(|r| r.id == id).unwrap();
    // each c = 0, pattern `g` = 1
    let r = by_id("k8s-floor-2.0");
    assert_eq!(r.num_vars, 2);
    let Outcome::Step { before, .. } = &r.outcome else {
        panic!()
    };
    let [p] = before.as_slice() else { panic!() };
    assert!(matches!(p.args[..], [PatArg::Bind(1)]));
    // each c = 0, each p = 1; `c` in the patterns is the each variable
    let r = by_id("no-costmanager");
    assert_eq!(r.num_vars, 2);
    let Outcome::Step { before, .. } = &r.outcome else {
        panic!()
    };
    let [p] = before.as_slice() else { panic!() };
    assert!(matches!(p.args[..], [PatArg::Equal(Expr::Var(0))]));
    // two quantifiers get two slots
    assert_eq!(by_id("disk-space").num_vars, 3);
    // steps: parameters first, then effect variables
    let s = &rb.steps[rb.step_by_name("remove-plugin").unwrap() as usize];
    assert_eq!(s.num_vars, 3);
    assert!(matches!(s.effects[0], Effect::Remove { var: 2, .. }));
}

#[test]
fn facts_are_the_paths_a_requirement_reads() {
    let rb = ok(&mini_files());
    let r = rb.rules.iter().find(|r| r.id == "disk-space").unwrap();
    let cluster = rb.schema.record(rb.schema.entities().next().unwrap().0);
    let disks = cluster.field("disks").unwrap().0;
    assert_eq!(
        r.facts,
        vec![FactRef {
            base: PlaceBase::Var(0),
            fields: vec![disks]
        }]
    );
    let r = rb
        .rules
        .iter()
        .find(|r| r.id == "external-registry")
        .unwrap();
    assert_eq!(
        r.facts,
        vec![FactRef {
            base: PlaceBase::Root,
            fields: vec![0, 0]
        }]
    );
}

#[test]
fn order_filters_split_by_the_variables_they_read() {
    let rb = ok(&mini_files());
    let by_id = |id: &str| rb.orders.iter().find(|o| o.id == id).unwrap();
    let o = by_id("standby-first");
    assert!(matches!(o.first[0].args[..], [PatArg::Bind(0)]));
    assert!(matches!(o.then[0].args[..], [PatArg::Bind(1)]));
    let reads = |e: &Option<Expr>| e.as_ref().map(super::facts::vars_read);
    assert_eq!(reads(&o.filter_first), Some(vec![0]));
    assert_eq!(reads(&o.filter_then), Some(vec![1]));
    assert_eq!(reads(&o.filter_pair), Some(vec![0, 1]));
    // a name in both patterns is one slot; a conjunct over it and the second
    // pattern's own variable filters the second step
    let o = by_id("mesh-before-kubernetes");
    assert!(matches!(
        o.first[0].args[..],
        [PatArg::Bind(0), PatArg::Any]
    ));
    assert!(matches!(
        o.then[0].args[..],
        [PatArg::Bind(0), PatArg::Bind(1)]
    ));
    assert!(o.filter_first.is_none() && o.filter_pair.is_none());
    assert_eq!(reads(&o.filter_then), Some(vec![1]));
    let l = &rb.limits[0];
    assert_eq!(l.key_vars, vec![0]);
    assert_eq!(l.num_vars, 1);
}

#[test]
fn a_cycle_names_every_declaration_on_it() {
    // procedure `standard` orders backup -> upgrade-cluster; these close the loop
    let extra = "rule back { source \"s\" message \"m\" each cluster c require true else step upgrade-cluster(c) before backup(c) }";
    let p = problems_of(extra);
    assert_eq!(p.codes(), vec![codes::ORDERING_CYCLE]);
    let cycle = &p.0[0];
    assert!(cycle.message.contains("`backup`") && cycle.message.contains("`upgrade-cluster`"));
    let help = cycle.help.as_deref().unwrap();
    assert!(
        help.contains("rule `back`") && help.contains("procedure `standard`"),
        "{help}"
    );
    // the procedure's edge is in another file: one label here, one related diagnostic
    assert_eq!(cycle.labels.len() + cycle.related.len(), 2);
    assert_eq!(cycle.related.len(), 1);
}

#[test]
fn a_three_step_cycle_in_one_file_labels_each_edge() {
    let extra = r#"
        order o1 { source "s" upgrade-istio(c, _) before free-disk(c, _) }
        order o2 { source "s" free-disk(c, _) before remove-plugin(c, _) }
        rule r3 { source "s" message "m" each cluster c require true
                  else step remove-plugin(c, "x") before upgrade-istio(c, _) }
        order self { source "s" free-disk(a, _) before free-disk(b, _) }
    "#;
    let p = problems_of(extra);
    assert_eq!(p.codes(), vec![codes::ORDERING_CYCLE]);
    let labels: Vec<String> = p.0[0]
        .labels
        .iter()
        .map(|l| l.label().unwrap_or("").to_string())
        .collect();
    assert_eq!(labels.len(), 3, "{labels:?}");
    assert!(labels[0].contains("order `o1`"));
    assert!(labels[2].contains("rule `r3`"));
    assert!(p.0[0].related.is_empty());
}

#[test]
fn duplicates_show_both_declarations() {
    let p = problems_of("step backup(c: cluster) { title \"again\" }");
    assert_eq!(p.codes(), vec![codes::DUPLICATE]);
    // in another file: the first declaration is a related diagnostic
    assert_eq!(p.0[0].related.len(), 1);
    let p = problems_of(
        "rule r { source \"s\" message \"m\" warn } rule r { source \"s\" message \"m\" note }",
    );
    assert_eq!(p.codes(), vec![codes::DUPLICATE]);
    assert_eq!(p.0[0].labels.len(), 2);
}

#[test]
fn clauses_are_required_and_else_goes_with_require() {
    let e = errs("rule r { each cluster c warn }");
    assert_eq!(
        e,
        vec![
            (codes::MISSING_CLAUSE, "r".into()),
            (codes::MISSING_CLAUSE, "r".into())
        ]
    );
    let e = one_err("rule r { source \"s\" message \"m\" require true block }");
    assert_eq!(e, (codes::ELSE_MISMATCH, "block".into()));
    let e = one_err("rule r { source \"s\" message \"m\" else block }");
    assert_eq!(e, (codes::ELSE_MISMATCH, "else block".into()));
    let e = one_err("step s() { phase prepare }");
    assert_eq!(e, (codes::MISSING_CLAUSE, "s".into()));
}

#[test]
fn calls_and_patterns_check_arity_and_types() {
    let e = one_err(&rule(
        "each cluster c require true else step upgrade-cluster(c, 1.0)",
    ));
    assert_eq!(e, (codes::ARITY, "upgrade-cluster(c, 1.0)".into()));
    let e = one_err(&rule(
        "each cluster c require true else step upgrade-cluster(platform)",
    ));
    assert_eq!(e, (codes::TYPE_MISMATCH, "platform".into()));
    let e = one_err(&rule(
        "each cluster c require true else step upgrade-istio(c, c.istio)",
    ));
    assert_eq!(e, (codes::OPTIONAL_NOT_NARROWED, "c.istio".into()));
    let e = one_err(&rule("each cluster c warn at upgrade-istio(c, \"1.2\")"));
    assert_eq!(e, (codes::TYPE_MISMATCH, "\"1.2\"".into()));
}

#[test]
fn effects_write_entity_or_root_facts() {
    let e = one_err("step s(to: version) { title \"t\" effect to = 1.0 }");
    assert_eq!(e, (codes::BAD_PLACE, "to".into()));
    let e = one_err("step s(c: cluster) { title \"t\" effect c.search.version = 1.0 }");
    assert_eq!(e, (codes::OPTIONAL_NOT_NARROWED, "c.search".into()));
    with_mini(
        "step s(c: cluster) { title \"t\" effect c.search.version = 1.0 when c.search != null }",
    )
    .unwrap();
    let e = one_err("step s(c: cluster) { title \"t\" effect add c.plugins { kind = operator } }");
    assert_eq!(e, (codes::MISSING_FIELD, "c.plugins".into()));
    let e = one_err("step s(c: cluster) { title \"t\" effect c.kubernetes = \"1.0\" }");
    assert_eq!(e, (codes::TYPE_MISMATCH, "\"1.0\"".into()));
    let e = one_err("step s(c: cluster) { title \"t\" stepwise c.name c }");
    assert_eq!(e, (codes::TYPE_MISMATCH, "c.name".into()));
}

#[test]
fn add_fills_defaults_in() {
    let rb = ok(&mini_files());
    let s = &rb.steps[rb.step_by_name("install-plugin").unwrap() as usize];
    let Effect::Add { fields, .. } = &s.effects[0] else {
        panic!()
    };
    // name = param, version = null (optional), kind = operator (given), source = default
    assert!(matches!(
        fields[..],
        [
            Expr::Var(1),
            Expr::Lit(Value::Null),
            Expr::Lit(Value::Enum(1)),
            Expr::Lit(Value::Str(_))
        ]
    ));
}

#[test]
fn schema_defaults_entities_and_releases() {
    let rb = ok(&mini_files());
    let plugin = rb
        .schema
        .records
        .iter()
        .find(|r| r.name == "plugin")
        .unwrap();
    assert_eq!(plugin.key_field, Some(0));
    assert_eq!(
        plugin.field("source").unwrap().1.default,
        Some(Value::Str("vendor".into()))
    );
    assert!(plugin.field("version").unwrap().1.default.is_none());
    let (cluster, info) = rb.schema.entities().next().unwrap();
    assert_eq!(rb.schema.record(cluster).name, "cluster");
    assert_eq!(info.root_field, 2);
    assert_eq!(info.key_field, 0);
    // `release 1.0` leaves `compatible_kubernetes` out: null
    let r = rb.release(&Version::parse("1.0").unwrap()).unwrap();
    assert_eq!(r.facts.as_record().unwrap()[1], Value::Null);
    // phases: a step without one sorts last
    assert_eq!(
        rb.steps[rb.step_by_name("switch-registry").unwrap() as usize].phase,
        0
    );
    assert_eq!(rb.path.from, vec![0, 0]);
    assert_eq!(rb.path.to, Some(vec![1]));
}

#[test]
fn schema_errors() {
    let e = one_err("entity node { role: string }");
    assert_eq!(e, (codes::ENTITY_SHAPE, "node".into()));
    let e = one_err("entity node { name: string }");
    assert_eq!(e, (codes::ENTITY_SHAPE, "node".into()));
    let e = one_err("record r { x: verison }");
    assert_eq!(e, (codes::UNKNOWN_TYPE, "verison".into()));
    let e = one_err("record r { x: version = \"1.0\" }");
    assert_eq!(e, (codes::TYPE_MISMATCH, "\"1.0\"".into()));
    let e = one_err("record r { x: a | b = c }");
    assert_eq!(e, (codes::UNKNOWN_VARIANT, "c".into()));
    let e = one_err("record cluster { name: string }");
    assert_eq!(e, (codes::DUPLICATE, "cluster".into()));
    let e = one_err("release 9.0 { kubernetes = 1.0  kubernetes = 2.0 }");
    assert_eq!(e, (codes::DUPLICATE, "kubernetes".into()));
    let e = one_err("release 9.0 { }");
    assert_eq!(e, (codes::MISSING_FIELD, "9.0".into()));
    let e = one_err("hop 3.0 -> 4.0 { flow = script }");
    assert_eq!(
        e,
        (
            codes::MISSING_RELEASE,
            "hop 3.0 -> 4.0 { flow = script }".into()
        )
    );
    let e = one_err("step s() { title \"t\" phase kubernets }");
    assert_eq!(e, (codes::UNKNOWN_PHASE, "kubernets".into()));
}

#[test]
fn a_rulebook_needs_an_inventory_and_a_path() {
    let files: Vec<_> = mini_files()
        .into_iter()
        .filter(|(n, _)| n != "schema.uplan")
        .collect();
    let p = compile(&files).err().unwrap();
    assert!(p.codes().contains(&codes::MISSING_INVENTORY));
    assert!(p.codes().contains(&codes::MISSING_PATH));
}

#[test]
fn errors_of_every_file_are_reported() {
    let mut files = mini_files();
    files.push((
        "a.uplan".into(),
        rule("each cluster c require c.kubernets > 1.0 else block"),
    ));
    files.push((
        "b.uplan".into(),
        "rule u { source \"s\" message \"m\" when hop 9.9 -> * warn }".into(),
    ));
    let p = compile(&files).err().unwrap();
    assert_eq!(p.codes(), vec![codes::UNKNOWN_FACT, codes::UNKNOWN_VERSION]);
    // and every error of one declaration
    let e = errs(&rule(
        "each cluster c require c.kubernets > 1.0 and c.rol == global else block",
    ));
    assert_eq!(e.len(), 2, "{e:?}");
}

#[test]
fn cycles_through_edges_between_different_entities_are_left_to_the_evaluator() {
    // standard orders backup(c) -> upgrade-cluster(c); this orders upgrade-cluster of
    // the standby before backup of the primary: a cycle by name, not by instance
    let extra = r#"
        procedure dr {
          source "s"
          each   cluster s where s.dr == standby
          each   cluster p where p.dr == primary
          do     upgrade-cluster(s) -> backup(p)
        }
        order w { source "s" upgrade-cluster(g) before backup(w) where g.role == global }
    "#;
    if let Err(p) = with_mini(extra) {
        panic!("{}", render(&p, false));
    }
}

#[test]
fn interpolating_an_optional_needs_a_default_or_a_narrowing() {
    let msg = |m: &str| format!("rule t {{ source \"s\" each cluster c note message \"{m}\" }}");
    let e = one_err(&msg("{c.istio}"));
    assert_eq!(e, (codes::OPTIONAL_IN_TEXT, "c.istio".into()));
    let e = one_err(&msg("{target}"));
    assert_eq!(e, (codes::OPTIONAL_IN_TEXT, "target".into()));
    for ok in [
        msg("{c.istio ?? 0.0}"),
        "rule t { source \"s\" each cluster c where c.istio != null note message \"{c.istio}\" }"
            .into(),
        "step s(c: cluster) { title \"t\" note \"{c.istio}\" when c.istio != null }".into(),
    ] {
        if let Err(p) = with_mini(&ok) {
            panic!("{ok}\n{}", render(&p, false));
        }
    }
}

#[test]
fn a_range_has_a_start_and_an_end() {
    for bound in ["start", "end", "min", "max"] {
        let body = format!(
            "each cluster c where hop.target.compatible_kubernetes != null require c.kubernetes >= hop.target.compatible_kubernetes.{bound} else block"
        );
        if let Err(p) = with_mini(&rule(&body)) {
            panic!("{bound}\n{}", render(&p, false));
        }
    }
}
