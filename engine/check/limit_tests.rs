//! The checker on hostile sizes (linear time, a `too_many` at the first item past a
//! limit) and the lint holes of issue 12 (self orders, backward hops, diagnostics with
//! a place).

use std::time::{Duration, Instant};

use super::codes;
use super::limits::{MAX_DECLS, MAX_NAMES, MAX_VARS};
use crate::diagnostics::{Problem, Problems};
use crate::source::{Sources, Span};
use crate::syntax::{self, ast};

/// Generous for a debug build: linear checks take well under a second here; the
/// quadratic ones they replace took minutes (over a minute for 100,000 rules even in
/// a release build).
const BUDGET: Duration = Duration::from_secs(20);

fn mini_modules(sources: &mut Sources) -> Vec<ast::Module> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mini");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "uplan"))
        .collect();
    paths.sort();
    let ids: Vec<u32> = paths
        .iter()
        .map(|p| sources.add(p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect();
    ids.iter()
        .map(|id| syntax::parse(sources, *id).unwrap())
        .collect()
}

/// `n` names `{prefix}0 {prefix}1 …` as the text of a new file, and idents pointing
/// into it: an AST built without the parser, so that 100,000 of something cost the
/// checker, not pest in a debug build.
fn names(sources: &mut Sources, prefix: &str, n: usize) -> Vec<ast::Ident> {
    let words: Vec<String> = (0..n).map(|i| format!("{prefix}{i}")).collect();
    let file = sources.add(format!("{prefix}.uplan"), words.join(" "));
    let mut at = 0;
    words
        .into_iter()
        .map(|name| {
            let span = Span::new(file, at, at + name.len());
            at += name.len() + 1;
            ast::Ident { name, span }
        })
        .collect()
}

fn module(file: u32, decls: Vec<ast::Decl>) -> ast::Module {
    ast::Module {
        file,
        span: Span::default(),
        decls,
    }
}

/// Checks `modules` within [`BUDGET`]; the diagnostics (none when it compiles).
fn timed_check(sources: Sources, modules: Vec<ast::Module>) -> Problems {
    let start = Instant::now();
    let result = super::check(sources, modules);
    assert!(start.elapsed() < BUDGET, "took {:?}", start.elapsed());
    result.err().unwrap_or_default()
}

/// The `too_many` diagnostic, and the text under its span.
fn too_many(p: &Problems, sources: &Sources) -> String {
    let found: Vec<&Problem> = p.0.iter().filter(|p| p.code == codes::TOO_MANY).collect();
    assert_eq!(found.len(), 1, "{:?}", p.codes());
    sources.slice(found[0].span.unwrap()).to_string()
}

fn string(text: &str) -> ast::StrLit {
    ast::StrLit {
        parts: vec![ast::StrPart::Text(text.into())],
        span: Span::default(),
    }
}

fn warn_rule(id: ast::Ident) -> ast::Decl {
    let clause = |kind| ast::Clause {
        kind,
        span: id.span,
    };
    let outcome = ast::Outcome::Warn(ast::Guard::default());
    ast::Decl::Rule(ast::ClauseDecl {
        clauses: vec![
            clause(ast::ClauseKind::Source(string("x"))),
            clause(ast::ClauseKind::Outcome {
                has_else: false,
                outcome,
            }),
            clause(ast::ClauseKind::Message(string("m"))),
        ],
        span: id.span,
        id,
    })
}

#[test]
fn a_hundred_thousand_rules_are_checked_in_linear_time() {
    let mut sources = Sources::default();
    let mut modules = mini_modules(&mut sources);
    let mini_rules = modules
        .iter()
        .flat_map(|m| &m.decls)
        .filter(|d| matches!(d, ast::Decl::Rule(_)))
        .count();
    let ids = names(&mut sources, "r", 100_000);
    let file = ids[0].span.file;
    modules.push(module(file, ids.into_iter().map(warn_rule).collect()));
    let p = timed_check(sources.clone(), modules);
    assert_eq!(p.codes(), vec![codes::TOO_MANY]);
    assert_eq!(
        too_many(&p, &sources),
        format!("r{}", MAX_DECLS - mini_rules)
    );
}

#[test]
fn a_hundred_thousand_phases_are_checked_in_linear_time() {
    let mut sources = Sources::default();
    let phases = names(&mut sources, "p", 100_000);
    let file = phases[0].span.file;
    let decl = ast::Decl::Phases(ast::PhasesDecl {
        names: phases,
        span: Span::new(file, 0, 1),
    });
    let p = timed_check(sources.clone(), vec![module(file, vec![decl])]);
    assert_eq!(too_many(&p, &sources), format!("p{MAX_NAMES}"));
}

#[test]
fn a_hundred_thousand_variants_are_checked_in_linear_time() {
    let mut sources = Sources::default();
    let variants = names(&mut sources, "v", 100_000);
    let file = variants[0].span.file;
    let span = Span::new(file, 0, 1);
    let ident = |name: &str| ast::Ident {
        name: name.into(),
        span,
    };
    let ty = ast::TypeExpr {
        kind: ast::TypeKind::Enum(variants),
        optional: false,
        span,
    };
    let field = ast::FieldDecl {
        name: ident("k"),
        ty,
        default: None,
        probe: None,
        doc: None,
        values: Vec::new(),
        span,
    };
    let decl = ast::Decl::Record(ast::RecordDecl {
        name: ident("r"),
        entity: false,
        fields: ast::FieldBlock {
            fields: vec![field],
            span,
        },
        span,
    });
    let p = timed_check(sources.clone(), vec![module(file, vec![decl])]);
    assert_eq!(too_many(&p, &sources), format!("v{MAX_NAMES}"));
}

/// Compiles `extra` next to the mini rulebook: (code, text under the span) of each
/// diagnostic.
fn with_mini(extra: &str) -> Vec<(&'static str, String)> {
    let mut sources = Sources::default();
    let mut modules = mini_modules(&mut sources);
    let file = sources.add("extra.uplan", extra);
    modules.push(syntax::parse(&sources, file).expect("parses"));
    let p = timed_check(sources.clone(), modules);
    p.0.iter()
        .map(|p| (p.code, sources.slice(p.span.expect("a place")).to_string()))
        .collect()
}

#[test]
fn a_step_with_too_many_parameters_or_a_rule_with_too_many_variables() {
    let params: Vec<String> = (0..=MAX_NAMES).map(|i| format!("p{i}: int")).collect();
    let step = format!("step s({}) {{ title \"t\" }}", params.join(", "));
    assert_eq!(
        with_mini(&step),
        vec![(codes::TOO_MANY, format!("p{MAX_NAMES}"))]
    );
    let eaches = "each cluster c ".repeat(MAX_VARS + 1);
    let rule = format!("rule many {{ source \"s\" {eaches} warn message \"m\" }}");
    assert_eq!(with_mini(&rule), vec![(codes::TOO_MANY, "many".into())]);
    let eaches = "each cluster c ".repeat(MAX_VARS);
    let rule = format!("rule many {{ source \"s\" {eaches} warn message \"m\" }}");
    assert!(with_mini(&rule).is_empty());
}

#[test]
fn a_step_ordered_before_itself_is_an_error() {
    let self_order = |body: &str| {
        with_mini(body)
            .into_iter()
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
    };
    for body in [
        "order o { source \"s\" backup(c) before backup(c) }",
        "order o { source \"s\" upgrade-kubernetes(c, _) before upgrade-kubernetes(c, _) }",
        "order o { source \"s\" remove-plugin(c, \"x\") before remove-plugin(c, \"x\") }",
        "procedure p { source \"s\" each cluster c do backup(c) -> backup(c) }",
        "rule r { source \"s\" each cluster c require false else step remove-plugin(c, \"x\") before backup(c) then step backup(c) after backup(c) message \"m\" }",
        "rule r { source \"s\" each cluster c require false else step backup(c) before backup(c) message \"m\" }",
    ] {
        assert_eq!(self_order(body), vec![codes::SELF_ORDER], "{body}");
    }
    // different instances of one step may be ordered
    for body in [
        "order o { source \"s\" backup(g) before backup(w) where g.role == global and w.role == workload }",
        "order o { source \"s\" remove-plugin(c, \"x\") before remove-plugin(c, _) }",
        "order o { source \"s\" remove-plugin(c, \"x\") before remove-plugin(c, \"y\") }",
        "procedure p { source \"s\" each cluster c do backup(c), backup(c) }",
    ] {
        assert!(self_order(body).is_empty(), "{body}");
    }
}

#[test]
fn a_hop_to_its_own_version_or_back_is_an_error() {
    for (hop, to) in [
        ("hop 2.0 -> 2.0 { flow = script }", "2.0"),
        ("hop 3.0 -> 3.0.0 { flow = script }", "3.0.0"),
        ("hop 3.0 -> 2.0 { flow = script }", "2.0"),
    ] {
        assert_eq!(with_mini(hop), vec![(codes::BAD_HOP, to.into())], "{hop}");
    }
}

#[test]
fn a_limit_of_zero_says_how_to_write_one() {
    let mut sources = Sources::default();
    let mut modules = mini_modules(&mut sources);
    let file = sources.add(
        "extra.uplan",
        "limit l { source \"s\" backup(c) to 0 at once }",
    );
    modules.push(syntax::parse(&sources, file).unwrap());
    let p = timed_check(sources, modules);
    assert_eq!(p.codes(), vec![codes::BAD_LIMIT]);
    assert!(p.0[0].help.as_deref().unwrap_or("").contains("at once"));
}

/// A whole-rulebook problem still points somewhere: (code, file, start, end).
fn placed(files: &[(&str, &str)]) -> Vec<(&'static str, String, u32, u32)> {
    let owned: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let p = crate::compile(&owned).expect_err("diagnostics");
    p.0.iter()
        .map(|p| {
            let span = p.span.expect("a span");
            let file = p.source.as_ref().expect("a file").name().to_string();
            (p.code, file, span.start, span.end)
        })
        .collect()
}

#[test]
fn missing_declarations_point_at_a_file() {
    let empty = placed(&[("empty.uplan", "")]);
    let codes_of: Vec<_> = empty.iter().map(|p| p.0).collect();
    assert_eq!(
        codes_of,
        vec![
            codes::MISSING_INVENTORY,
            codes::MISSING_PATH,
            codes::MISSING_HOP
        ]
    );
    assert!(
        empty
            .iter()
            .all(|p| (p.1.as_str(), p.2, p.3) == ("empty.uplan", 0, 0))
    );
    // the path belongs next to the inventory; the hops next to the path
    let schema = "record platform { version: version }\ninventory { platform: platform }\n";
    let no_path = placed(&[("schema.uplan", schema)]);
    let at = schema.find("{ platform:").unwrap() as u32;
    assert!(no_path.contains(&(codes::MISSING_PATH, "schema.uplan".into(), at, at)));
    let with_path = format!("{schema}path from platform.version\n");
    let start = with_path.find("path").unwrap() as u32;
    let end = with_path.trim_end().len() as u32;
    assert_eq!(
        placed(&[("schema.uplan", &with_path)]),
        vec![(codes::MISSING_HOP, "schema.uplan".into(), start, end)]
    );
}
