//! Grammar tests: each construct parses into the AST shape it should.

use super::ast::*;
use super::parse;
use crate::diagnostics::Problems;
use crate::model::{CmpOp, Quantifier};
use crate::source::Sources;

fn parse_text(text: &str) -> Result<Module, Problems> {
    let mut sources = Sources::default();
    let file = sources.add("test.uplan", text);
    parse(&sources, file)
}

fn module(text: &str) -> Module {
    match parse_text(text) {
        Ok(m) => m,
        Err(p) => panic!("parse failed:\n{}", crate::diagnostics::render(&p, false)),
    }
}

fn fails(text: &str) -> Problems {
    match parse_text(text) {
        Ok(m) => panic!("expected a syntax error, got {m:?}"),
        Err(p) => p,
    }
}

/// The `when` expression of a one-clause rule.
fn expr(text: &str) -> Expr {
    let m = module(&format!("rule r {{ when {text} }}"));
    let Some(Decl::Rule(r)) = m.decls.into_iter().next() else {
        panic!("not a rule");
    };
    match r.clauses.into_iter().next().map(|c| c.kind) {
        Some(ClauseKind::When(e)) => e,
        other => panic!("not a when: {other:?}"),
    }
}

/// An expression as an s-expression, to assert structure in one line.
fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Null => "null".into(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Int(n) => n.to_string(),
        ExprKind::Str(s) => format!("{:?}", s.plain().unwrap_or_else(|| "<template>".into())),
        ExprKind::Version(v) => format!("v{v}"),
        ExprKind::Range { lo, hi, inclusive } => format!("(range v{lo} v{hi} {inclusive})"),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Field(b, f) => format!("{}.{}", sexp(b), f.name),
        ExprKind::Not(x) => format!("(not {})", sexp(x)),
        ExprKind::And(a, b) => format!("(and {} {})", sexp(a), sexp(b)),
        ExprKind::Or(a, b) => format!("(or {} {})", sexp(a), sexp(b)),
        ExprKind::Cmp(op, a, b) => format!("({op:?} {} {})", sexp(a), sexp(b)),
        ExprKind::In { item, set, negated } => {
            format!(
                "({} {} {})",
                if *negated { "not-in" } else { "in" },
                sexp(item),
                sexp(set)
            )
        }
        ExprKind::Like(a, p) => format!("(like {} {:?})", sexp(a), p.plain().unwrap_or_default()),
        ExprKind::Coalesce(a, b) => format!("(?? {} {})", sexp(a), sexp(b)),
        ExprKind::Quant {
            kind,
            var,
            list,
            body,
        } => {
            format!("({kind:?} {} {} {})", var.name, sexp(list), sexp(body))
        }
        ExprKind::HopIs { from, to } => {
            let end = |v: &Option<VersionLit>| {
                v.as_ref()
                    .map_or("*".to_string(), |v| v.version.to_string())
            };
            format!("(hop {} {})", end(from), end(to))
        }
        ExprKind::List(items) => {
            format!("[{}]", items.iter().map(sexp).collect::<Vec<_>>().join(" "))
        }
    }
}

fn check_sexp(text: &str, want: &str) {
    assert_eq!(sexp(&expr(text)), want, "{text}");
}

#[test]
fn the_mini_rulebook_parses() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "uplan") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let m = module(&text);
        assert!(!m.decls.is_empty(), "{}", path.display());
        n += 1;
    }
    assert!(n >= 3);
}

#[test]
fn boolean_precedence_is_not_and_or() {
    check_sexp("a or b and c", "(or a (and b c))");
    check_sexp("a and b or c", "(or (and a b) c)");
    check_sexp("not a and b", "(and (not a) b)");
    check_sexp("not (a or b)", "(not (or a b))");
    check_sexp("a or b or c", "(or (or a b) c)");
}

#[test]
fn comparisons_bind_tighter_than_and_and_looser_than_coalesce() {
    check_sexp(
        "c.x >= 1.28 and c.y == global",
        "(and (Ge c.x v1.28) (Eq c.y global))",
    );
    check_sexp("c.mesh ?? v2 != v1", "(Ne (?? c.mesh v2) v1)");
    check_sexp("a ?? b ?? c", "(?? (?? a b) c)");
    check_sexp("not c.x == 1", "(not (Eq c.x 1))");
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        let e = expr(&format!("a {op} b"));
        assert!(matches!(e.kind, ExprKind::Cmp(..)), "{op}");
    }
    assert!(matches!(expr("a <= b").kind, ExprKind::Cmp(CmpOp::Le, ..)));
}

#[test]
fn comparisons_do_not_chain() {
    fails("rule r { when a == b == c }");
}

#[test]
fn in_not_in_and_like() {
    check_sexp("x in [\"eks\", \"aks\"]", r#"(in x ["eks" "aks"])"#);
    check_sexp("x not in [a]", "(not-in x [a])");
    check_sexp("c.k in 1.31..=1.34", "(in c.k (range v1.31 v1.34 true))");
    check_sexp("c.k in 1.31..1.35", "(in c.k (range v1.31 v1.35 false))");
    check_sexp(
        "p.name like \"log-storage-*\"",
        r#"(like p.name "log-storage-*")"#,
    );
    check_sexp("[]", "[]");
}

#[test]
fn version_literals() {
    check_sexp("x == 1.28", "(Eq x v1.28)");
    check_sexp("x == 3.18.2", "(Eq x v3.18.2)");
    check_sexp("x == v1.30.4", "(Eq x v1.30.4)");
    check_sexp("x == 4.0.x", "(Eq x v4.0)");
    check_sexp("x == 120", "(Eq x 120)");
    // `v1` alone is a name (an enum variant like `service_mesh: v1 | v2`)
    check_sexp("x == v1", "(Eq x v1)");
    check_sexp("v1.name == y", "(Eq v1.name y)");
    let p = fails("rule r { when x == 1.2.3.4 }");
    assert_eq!(p.codes(), vec!["uplan::syntax::bad_literal"]);
}

#[test]
fn hop_atoms_and_hop_fields() {
    check_sexp("hop 3.16 -> 4.0", "(hop 3.16 4.0)");
    check_sexp("hop * -> 4.0", "(hop * 4.0)");
    check_sexp("hop 4.2->*", "(hop 4.2 *)");
    check_sexp("hop.from < 4.0", "(Lt hop.from v4.0)");
    check_sexp("hop.target.kubernetes", "hop.target.kubernetes");
}

#[test]
fn quantifiers() {
    check_sexp(
        "any(p in c.plugins: p.kind == operator)",
        "(Any p c.plugins (Eq p.kind operator))",
    );
    check_sexp(
        "all(d in c.disks: d.free_gb >= 50)",
        "(All d c.disks (Ge d.free_gb 50))",
    );
    check_sexp(
        "count(d in c.disks: true) > 2",
        "(Gt (Count d c.disks true) 2)",
    );
    let Expr {
        kind: ExprKind::Quant { kind, .. },
        ..
    } = expr("count(x in y: x)")
    else {
        panic!()
    };
    assert_eq!(kind, Quantifier::Count);
    // `count` without a parenthesis is a plain name
    check_sexp("count == 1", "(Eq count 1)");
}

#[test]
fn identifiers_take_dashes_but_not_arrows() {
    check_sexp("c.type == on-premises", "(Eq c.type on-premises)");
    check_sexp(
        "x in [log-storage-clickhouse]",
        "(in x [log-storage-clickhouse])",
    );
    // keywords are whole words only: `install-docs`, `order-x`, `notes`
    check_sexp("install-docs == notes", "(Eq install-docs notes)");
    check_sexp("a == b or ordered", "(or (Eq a b) ordered)");
    check_sexp("not-a and android", "(and not-a android)");
    let m = module("procedure p { source \"s\" do a(c)->b(c) -> c-d(c) }");
    let Some(Decl::Procedure(p)) = m.decls.first() else {
        panic!()
    };
    let Some(ClauseKind::Do(chain)) = p
        .clauses
        .iter()
        .map(|c| &c.kind)
        .find(|k| matches!(k, ClauseKind::Do(_)))
    else {
        panic!()
    };
    let names: Vec<&str> = chain.calls.iter().map(|c| c.step.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c-d"]);
    assert!(chain.ordered);
}

#[test]
fn rule_ids_may_have_dots() {
    let m = module("rule k8s-floor-3.16 { source \"s\" }");
    let Some(Decl::Rule(r)) = m.decls.first() else {
        panic!()
    };
    assert_eq!(r.id.name, "k8s-floor-3.16");
}

#[test]
fn interpolated_strings() {
    let m = module(
        r#"step s(c: cluster) { title "Upgrade {c.name} to {c.k ?? 1.0} \{literal\} \"q\"" }"#,
    );
    let Some(Decl::Step(s)) = m.decls.first() else {
        panic!()
    };
    let StepClauseKind::Title(t) = &s.clauses[0].kind else {
        panic!()
    };
    let shape: Vec<String> = t
        .parts
        .iter()
        .map(|p| match p {
            StrPart::Text(t) => format!("text:{t}"),
            StrPart::Hole(e) => format!("hole:{}", sexp(e)),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "text:Upgrade ",
            "hole:c.name",
            "text: to ",
            "hole:(?? c.k v1.0)",
            "text: {literal} \"q\""
        ]
    );
    assert_eq!(t.plain(), None);
}

#[test]
fn durations() {
    for (text, minutes) in [("2h", 120), ("30m", 30), ("1h30m", 90), ("45m", 45)] {
        let m = module(&format!("step s() {{ title \"t\" duration {text} }}"));
        let Some(Decl::Step(s)) = m.decls.first() else {
            panic!()
        };
        let StepClauseKind::Duration(d) = s.clauses[1].kind else {
            panic!()
        };
        assert_eq!(d.min, minutes, "{text}");
    }
    fails("step s() { duration 2d }");
    fails("step s() { duration 90 }");
}

#[test]
fn duration_ranges_and_their_basis() {
    let m = module("step s() { title \"t\" duration 10m..15m guide }");
    let Some(Decl::Step(s)) = m.decls.first() else {
        panic!()
    };
    let StepClauseKind::Duration(d) = s.clauses[1].kind else {
        panic!()
    };
    assert_eq!((d.min, d.max, d.guide), (10, Some(15), true));
    fails("step s() { title \"t\" duration 15m..10m }");
    fails("step s() { title \"t\" duration 10m.. }");
}

#[test]
fn runbook_clauses_and_checkpoints() {
    let m = module(
        r#"
        step s() { title "t" verify "v" undo judgement "u" when true irreversible "i" escalate "e" }
        checkpoint c { source "s" before workloads title "t" check "x" when true command "y" }
        checkpoint d { source "s" at end title "t" check "x" }
        "#,
    );
    let Some(Decl::Step(s)) = m.decls.first() else {
        panic!()
    };
    let kinds: Vec<_> = s.clauses[1..]
        .iter()
        .map(|c| match &c.kind {
            StepClauseKind::Runbook(k, _, when) => (*k, when.is_some()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (RunbookKind::Verify, false),
            (RunbookKind::Undo { judgement: true }, true),
            (RunbookKind::Irreversible, false),
            (RunbookKind::Escalate, false),
        ]
    );
    let places: Vec<_> = m.decls[1..]
        .iter()
        .map(|d| match d {
            Decl::Checkpoint(c) => c.clauses.iter().find_map(|c| match &c.kind {
                CheckpointClauseKind::Place(p) => Some(p.as_ref().map(|i| i.name.clone())),
                _ => None,
            }),
            _ => panic!(),
        })
        .collect();
    assert_eq!(places, [Some(Some("workloads".into())), Some(None)]);
}

#[test]
fn schema_declarations() {
    let m = module(
        r#"
        record plugin { name: string  version: version?  kind: a | b = a, tags: [string] = [] }
        entity cluster { name: string mesh: (v1 | v2)? dr: primary | standby | null }
        inventory { clusters: [cluster] }
        path from platform.version to target
        release fields { k: version  compat: range? }
        release 4.0 { k = 1.31  compat = 1.31..=1.34 }
        hop fields { flow: script | cvo }
        hop 3.16 -> 4.0 { flow = script }
        hop 4.0 -> 4.3
        phases prepare, mesh, post
        "#,
    );
    assert_eq!(m.decls.len(), 10);
    let Decl::Record(plugin) = &m.decls[0] else {
        panic!()
    };
    assert_eq!(plugin.fields.fields.len(), 4);
    assert!(plugin.fields.fields[1].ty.optional);
    assert!(matches!(&plugin.fields.fields[2].ty.kind, TypeKind::Enum(v) if v.len() == 2));
    assert!(plugin.fields.fields[2].default.is_some());
    let Decl::Record(cluster) = &m.decls[1] else {
        panic!()
    };
    assert!(cluster.entity);
    assert!(cluster.fields.fields[1].ty.optional);
    // `| null` makes an enum optional and is not a variant
    let dr = &cluster.fields.fields[2].ty;
    assert!(dr.optional);
    assert!(matches!(&dr.kind, TypeKind::Enum(v) if v.len() == 2));
    let Decl::Path(p) = &m.decls[3] else { panic!() };
    assert_eq!(p.from.parts.len(), 2);
    let Decl::Hop(h) = &m.decls[8] else { panic!() };
    assert!(h.fields.is_empty());
}

#[test]
fn steps_with_every_clause() {
    let m = module(
        r#"step upgrade-kubernetes(c: cluster, to: version) {
          title    "Upgrade {c.name}"
          phase    kubernetes
          manual
          automatic
          duration 30m
          command  "kubectl get nodes"
          command  "x" when platform.registry == external
          note     "All pods restart" when to >= 1.31
          effect   c.kubernetes = to
          effect   remove p in c.plugins where p.name == "costmanager"
          effect   add c.plugins { name = "topolvm" }
          effect   for d in c.disks where d.path == "/cpaas/minio": d.free_gb = 120
          effect   c.istio = null when c.istio != null
          stepwise c.kubernetes to
        }"#,
    );
    let Some(Decl::Step(s)) = m.decls.first() else {
        panic!()
    };
    assert_eq!(s.params.len(), 2);
    assert_eq!(s.clauses.len(), 14);
    let effects: Vec<&str> = s
        .clauses
        .iter()
        .filter_map(|c| match &c.kind {
            StepClauseKind::Effect(e, _) => Some(match &**e {
                EffectKind::Set { .. } => "set",
                EffectKind::Remove { .. } => "remove",
                EffectKind::Add { .. } => "add",
                EffectKind::ForEach { .. } => "for",
            }),
            _ => None,
        })
        .collect();
    assert_eq!(effects, ["set", "remove", "add", "for", "set"]);
}

#[test]
fn rules_with_every_outcome() {
    let m = module(
        r#"
        rule a { source "s" each cluster c where c.x each p in c.plugins require c.k >= 1.28
                 else step up(c, 1.28) before up-cluster(g) where g.role == global
                 then step re(c) after up-cluster(c)
                 message "m" }
        rule b { source "s" require true else block message "m" }
        rule c { source "s" warn at up(c, _) where true message "m" }
        rule d { source "s" note message "m" }
        rule e { source "s" require x else note at up(c) message "m" }
        "#,
    );
    let outcomes: Vec<(bool, &str)> = m
        .decls
        .iter()
        .filter_map(|d| match d {
            Decl::Rule(r) => r.clauses.iter().find_map(|c| match &c.kind {
                ClauseKind::Outcome { has_else, outcome } => Some((
                    *has_else,
                    match outcome {
                        Outcome::Block => "block",
                        Outcome::Warn(g) if !g.at.is_empty() => "warn-at",
                        Outcome::Warn(_) => "warn",
                        Outcome::Note(g) if !g.at.is_empty() => "note-at",
                        Outcome::Note(_) => "note",
                        Outcome::Step {
                            before,
                            filter: Some(_),
                            ..
                        } if !before.is_empty() => "step-before-where",
                        Outcome::Step { .. } => "step",
                    },
                )),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (true, "step-before-where"),
            (true, "block"),
            (false, "warn-at"),
            (false, "note"),
            (true, "note-at")
        ]
    );
}

#[test]
fn orders_limits_procedures() {
    let m = module(
        r#"
        order o { source "s" when hop * -> 4.0 up(g) before up(w) where g.role == global }
        limit l { source "s" up(c), k8s(c, _) where c.role == workload to 20 at once }
        procedure p { source "s" when hop * -> 4.0 each cluster c do a(c), b(c) when hop.from < 4.0 }
        "#,
    );
    let Decl::Limit(l) = &m.decls[1] else {
        panic!()
    };
    let Some(ClauseKind::LimitBody(body)) = l.clauses.iter().map(|c| &c.kind).next_back() else {
        panic!()
    };
    assert_eq!(body.patterns.len(), 2);
    assert_eq!(body.max, 20);
    assert!(matches!(body.patterns[1].args[1], PatArg::Any(_)));
    let Decl::Procedure(p) = &m.decls[2] else {
        panic!()
    };
    let Some(ClauseKind::Do(d)) = p.clauses.iter().map(|c| &c.kind).next_back() else {
        panic!()
    };
    assert!(!d.ordered);
    assert!(d.when.is_some());
}

#[test]
fn comments_are_ignored_but_not_inside_strings() {
    let m = module("# header\nrule r { # why\n source \"a # b\" }\n# end");
    let Some(Decl::Rule(r)) = m.decls.first() else {
        panic!()
    };
    let ClauseKind::Source(s) = &r.clauses[0].kind else {
        panic!()
    };
    assert_eq!(s.plain().as_deref(), Some("a # b"));
}

#[test]
fn syntax_errors_point_at_the_unexpected_token() {
    let text = "rule r {\n  sourc \"x\"\n}";
    let p = fails(text);
    assert_eq!(p.codes(), vec!["uplan::syntax::parse"]);
    let span = p.0[0].span.unwrap();
    assert_eq!(&text[span.start as usize..span.end as usize], "sourc");
    assert!(p.0[0].message.contains("expected"), "{}", p.0[0].message);
    assert!(p.0[0].help.is_some());
}

#[test]
fn an_unclosed_string_gets_a_hint() {
    let p = fails("rule r { source \"x }");
    assert!(p.0[0].help.as_deref().unwrap_or("").contains("not closed"));
}

#[test]
fn every_node_has_a_span_inside_the_file() {
    let text = "rule r { when c.a >= 1.0 and hop * -> 2.0 }";
    let e = expr("c.a >= 1.0 and hop * -> 2.0");
    assert!(e.span.end > e.span.start);
    let m = module(text);
    assert_eq!(m.span.end as usize, text.len());
}

// ---------------------------------------------------------------- limits

use super::codes;
use super::limits::{MAX_BRACKET_DEPTH, MAX_EXPR_DEPTH, MAX_EXPR_NODES};

#[test]
fn the_acp_rules_stay_far_inside_the_expression_limits() {
    let mut sources = Sources::default();
    let mut peak = super::lower::Peak::default();
    for (name, text) in crate::rulebooks::EMBEDDED_ACP {
        let file = sources.add(*name, *text);
        let (module, p) = super::parse_measured(&sources, file);
        assert!(module.is_ok(), "{name}");
        peak.height = peak.height.max(p.height);
        peak.nodes = peak.nodes.max(p.nodes);
        assert!(text.len() * 16 < super::limits::MAX_FILE_BYTES, "{name}");
    }
    eprintln!("ACP peak: {peak:?}");
    assert!(peak.height >= 5, "{peak:?}: the measure measures nothing");
    assert!(peak.height * 4 <= MAX_EXPR_DEPTH, "{peak:?}");
    assert!(peak.nodes * 16 <= MAX_EXPR_NODES, "{peak:?}");
}

/// The one diagnostic of `text` (which must fail) and the text under its span.
fn failure(text: &str) -> (&'static str, String) {
    let p = fails(text);
    assert_eq!(p.0.len(), 1, "{:?}", p.codes());
    let span = p.0[0].span.expect("a span");
    let under = text[span.start as usize..span.end as usize].to_string();
    (p.0[0].code, under)
}

// The issue's sizes (30,000 `and`s, 100,000 `??`s, …) run once, through the whole
// compiler, in tests/bad_rules.rs; these smaller ones pin the mechanics.

/// `a1 OP a2 OP … aN` as a `when` clause.
fn chain(op: &str, n: usize) -> String {
    let operands: Vec<String> = (1..=n).map(|i| format!("a{i}")).collect();
    format!("rule r {{ when {} }}", operands.join(op))
}

#[test]
fn long_operator_chains_stop_at_the_operand_past_the_depth_limit() {
    // a chain of k operands folds into a tree of height k: operand MAX + 1 crosses
    let past = format!("a{}", MAX_EXPR_DEPTH + 1);
    for (op, n) in [(" and ", 1_000), (" or ", 2_000), (" ?? ", 3_000)] {
        assert_eq!(
            failure(&chain(op, n)),
            (codes::EXPR_TOO_DEEP, past.clone()),
            "{op}"
        );
    }
    for op in [" and ", " or ", " ?? "] {
        expr(&chain(op, MAX_EXPR_DEPTH)["rule r { when ".len()..].replace(" }", ""));
    }
}

#[test]
fn long_member_chains_stop_at_the_field_past_the_depth_limit() {
    let fields: String = (1..=3_000).map(|i| format!(".f{i}")).collect();
    let text = format!("rule r {{ when c{fields} == 1 }}");
    // `c` is one level, `c.f1` two: field MAX crosses
    let past = format!("f{MAX_EXPR_DEPTH}");
    assert_eq!(failure(&text), (codes::EXPR_TOO_DEEP, past));
    let fields: String = (1..MAX_EXPR_DEPTH).map(|i| format!(".f{i}")).collect();
    expr(&format!("c{fields}"));
}

#[test]
fn long_not_chains_are_a_repetition_then_a_depth_diagnostic() {
    let n = 3_000;
    let text = format!("rule r {{ when {}a }}", "not ".repeat(n));
    let p = fails(&text);
    assert_eq!(p.codes(), vec![codes::EXPR_TOO_DEEP]);
    // `a` is one level; the MAX-th `not` from the operand is one too many
    let span = p.0[0].span.unwrap();
    let at = "rule r { when ".len() + 4 * (n - MAX_EXPR_DEPTH);
    assert_eq!(span.start as usize, at);
    assert_eq!(&text[span.start as usize..span.end as usize], "not");
    let ok = "not ".repeat(MAX_EXPR_DEPTH - 1);
    check_sexp(
        &format!("{ok}a"),
        &format!(
            "{}a{}",
            "(not ".repeat(MAX_EXPR_DEPTH - 1),
            ")".repeat(MAX_EXPR_DEPTH - 1)
        ),
    );
}

#[test]
fn big_lists_and_many_holes_stop_at_the_node_past_the_size_limit() {
    let items: Vec<String> = (1..=MAX_EXPR_NODES + 100).map(|i| i.to_string()).collect();
    let text = format!("rule r {{ when x in [{}] }}", items.join(", "));
    // `x` is a node: item MAX - 1 is the one too many
    let past = format!("{}", MAX_EXPR_NODES);
    assert_eq!(failure(&text), (codes::EXPR_TOO_LARGE, past));
    let holes: String = (1..=MAX_EXPR_NODES + 100)
        .map(|i| format!("{{h{i}}}"))
        .collect();
    let text = format!("step s() {{ title \"{holes}\" }}");
    let past = format!("h{}", MAX_EXPR_NODES + 1);
    assert_eq!(failure(&text), (codes::EXPR_TOO_LARGE, past));
    // each string and each expression has a budget of its own
    let holes: String = (1..=MAX_EXPR_NODES).map(|i| format!("{{h{i}}}")).collect();
    module(&format!(
        "step s() {{ title \"{holes}\"  note \"{holes}\" }}"
    ));
}

#[test]
fn the_bracket_guard_counts_string_holes_and_brackets_together() {
    let half = MAX_BRACKET_DEPTH / 2;
    let text = format!(
        "rule r {{ when {}\"{{{}a{}}}\"{} }}",
        "(".repeat(half),
        "(".repeat(half),
        ")".repeat(half),
        ")".repeat(half)
    );
    assert_eq!(failure(&text).0, codes::TOO_DEEP);
}

#[test]
fn pest_running_out_of_stack_is_a_too_deep_diagnostic() {
    // On a thread far smaller than the bracket guard assumes, pest's own stack check
    // must turn into our diagnostic, not an abort.
    let text = format!(
        "rule r {{ when {}a{} }}",
        "(".repeat(MAX_BRACKET_DEPTH),
        ")".repeat(MAX_BRACKET_DEPTH)
    );
    let run = std::thread::Builder::new()
        .stack_size(96 * 1024)
        .spawn(move || parse_text(&text).map(|_| ()).map_err(|p| p.codes()))
        .unwrap();
    assert_eq!(run.join().unwrap(), Err(vec![codes::TOO_DEEP]));
}

#[test]
fn a_rule_file_past_the_size_limit_is_refused_before_parsing() {
    let text = format!("# {}\n", "x".repeat(super::limits::MAX_FILE_BYTES));
    let p = fails(&text);
    assert_eq!(p.codes(), vec![codes::FILE_TOO_LARGE]);
    assert_eq!(p.0[0].span.map(|s| (s.start, s.end)), Some((0, 0)));
}

#[test]
fn a_limit_past_u32_is_a_bad_literal() {
    let p = fails("limit l { s(c) to 4294967296 at once }");
    assert_eq!(p.codes(), vec![codes::BAD_LITERAL]);
    module("limit l { s(c) to 4294967295 at once }");
}

#[test]
fn a_byte_order_mark_may_open_a_file_but_not_stand_elsewhere() {
    let m = module("\u{FEFF}rule r { when a }");
    assert_eq!(m.decls.len(), 1);
    assert_eq!(
        fails("rule r { }\n\u{FEFF}rule s { }").codes(),
        vec![codes::PARSE]
    );
}

#[test]
fn control_characters_are_refused_where_they_are() {
    for c in ['\0', '\u{1b}', '\u{7}', '\u{202E}'] {
        let text = format!("# a comment\nrule r {{ message \"x{c}y\" }}");
        let (code, under) = failure(&text);
        assert_eq!((code, under), (codes::CONTROL_CHAR, c.to_string()));
    }
    module("rule r {\r\n\tmessage \"x\\ty\\n\"\r\n}");
}
