//! `test` declarations: every rule, step, hop and fact a test names is checked here, so
//! a test that names a rule that does not exist fails at compile time with a "did you
//! mean", not at run time as a puzzling failure. Tests never reach planning.

use super::{Cx, Decls, codes, suggest};
use crate::model::ruletest::{
    ArgLit, ExpectKind, Expectation, FactPath, HopName, Lit, Override, OverrideKind, RuleTest,
    StepPattern,
};
use crate::model::{Hop, RecordId, Rule, Severity, Type, Version};
use crate::source::Span;
use crate::syntax::ast;

/// What the expectations of every test may name.
struct Names<'a> {
    rules: &'a [Rule],
    hops: &'a [Hop],
}

pub fn all(cx: &mut Cx, decls: &Decls, rules: &[Rule], hops: &[Hop]) -> Vec<RuleTest> {
    let names = Names { rules, hops };
    let decls = cx.unique("test", super::limits::MAX_DECLS, decls.tests.iter(), |t| {
        (t.id.name.clone(), t.id.span)
    });
    decls
        .into_iter()
        .filter_map(|t| test(cx, &names, t))
        .collect()
}

/// The clauses of one test, sorted by kind.
#[derive(Default)]
struct Sorted<'a> {
    source: Option<(&'a ast::StrLit, Span)>,
    inventory: Option<(&'a ast::StrLit, Span)>,
    to: Option<(&'a ast::VersionLit, Span)>,
    overrides: Vec<&'a ast::TestClause>,
    expects: Vec<(&'a ast::Expect, Span)>,
}

fn sort<'a>(cx: &mut Cx, decl: &'a ast::TestDecl) -> Sorted<'a> {
    let mut s = Sorted::default();
    for clause in &decl.clauses {
        let span = clause.span;
        match &clause.kind {
            ast::TestClauseKind::Source(x) => cx.once(&mut s.source, x, span, "source"),
            ast::TestClauseKind::Inventory(x) => cx.once(&mut s.inventory, x, span, "inventory"),
            ast::TestClauseKind::To(x) => cx.once(&mut s.to, x, span, "to"),
            ast::TestClauseKind::Expect(e) => s.expects.push((e, span)),
            _ => s.overrides.push(clause),
        }
    }
    s
}

fn test(cx: &mut Cx, names: &Names, decl: &ast::TestDecl) -> Option<RuleTest> {
    let s = sort(cx, decl);
    let source = match s.source {
        Some((lit, _)) => cx.plain_string(lit),
        None => {
            missing(
                cx,
                decl,
                "source",
                "name the guide sentence the test checks: `source \"ACP 4.0 guide › Upgrading from 3.18 › …\"`",
            );
            None
        }
    };
    if s.expects.is_empty() {
        missing(
            cx,
            decl,
            "expect",
            "a test without expectations cannot fail: add `expect ready`, `expect finding RULE`, `expect step S(…)`, …",
        );
    }
    let inventory = match s.inventory {
        Some((lit, span)) => Some((cx.plain_string(lit)?, span)),
        None => None,
    };
    let overrides: Vec<Option<Override>> = s.overrides.iter().map(|c| over(cx, c)).collect();
    let expects: Vec<Option<Expectation>> = s
        .expects
        .iter()
        .map(|(e, span)| expect(cx, names, e, *span))
        .collect();
    Some(RuleTest {
        id: decl.id.name.clone(),
        source: source?,
        file: decl.span.file,
        inventory,
        overrides: overrides.into_iter().collect::<Option<_>>()?,
        target: s.to.map(|(v, _)| v.version.clone()),
        expects: expects.into_iter().collect::<Option<_>>()?,
        span: decl.id.span,
    })
}

fn missing(cx: &mut Cx, decl: &ast::TestDecl, clause: &str, help: &str) {
    let p = cx.problem(
        codes::MISSING_CLAUSE,
        format!("test `{}` has no `{clause}`", decl.id.name),
        decl.id.span,
        format!("needs `{clause}`"),
    );
    cx.report(p, Some(help.into()));
}

fn bad(cx: &mut Cx, code: &'static str, message: String, span: Span, help: Option<String>) {
    let p = cx.problem(code, message, span, "here");
    cx.report(p, help);
}

// ------------------------------------------------------------ overrides

fn over(cx: &mut Cx, clause: &ast::TestClause) -> Option<Override> {
    let kind = match &clause.kind {
        ast::TestClauseKind::Set(path, value) => {
            let (fp, ty) = fact_path(cx, path)?;
            if fp.segs.last().is_some_and(|(_, k)| k.is_some()) {
                let help = "name a field of the element: `set clusters[biz-1].kubernetes = 1.30.4`";
                let msg = format!("`set {}` replaces a whole list element", fp.text);
                bad(cx, codes::BAD_OVERRIDE, msg, path.span, Some(help.into()));
                return None;
            }
            OverrideKind::Set(fp, lit(cx, value, &ty)?)
        }
        ast::TestClauseKind::Remove(path) => {
            let (fp, _) = fact_path(cx, path)?;
            if !fp.segs.last().is_some_and(|(_, k)| k.is_some()) {
                let help = "remove one element of a list: `remove clusters[biz-1]`, `remove clusters[global].plugins[costmanager]`";
                let msg = format!("`remove {}` names no list element", fp.text);
                bad(cx, codes::BAD_OVERRIDE, msg, path.span, Some(help.into()));
                return None;
            }
            OverrideKind::Remove(fp)
        }
        ast::TestClauseKind::Add(path, fields) => add(cx, path, fields)?,
        _ => return None,
    };
    Some(Override {
        kind,
        span: clause.span,
    })
}

fn add(cx: &mut Cx, path: &ast::FactPath, fields: &[ast::FieldInit]) -> Option<OverrideKind> {
    let (fp, ty) = fact_path(cx, path)?;
    let elem = match (fp.segs.last(), ty.non_null()) {
        (Some((_, None)), Type::List(elem)) => (**elem).clone(),
        _ => {
            let help =
                "add appends to a list: `add clusters[global].plugins { name = \"costmanager\" }`";
            let msg = format!("`add {}` names no list", fp.text);
            bad(cx, codes::BAD_OVERRIDE, msg, path.span, Some(help.into()));
            return None;
        }
    };
    let Type::Record(rec) = elem else {
        let help =
            "set the whole list instead: `set clusters[global].etcd_backup_tasks = [\"a\", \"b\"]`";
        let msg = format!("`{}` holds no records", fp.text);
        bad(cx, codes::BAD_OVERRIDE, msg, path.span, Some(help.into()));
        return None;
    };
    let mut out = Vec::new();
    for f in fields {
        let ty = field_type(cx, rec, &f.name)?;
        out.push((f.name.name.clone(), lit(cx, &f.value, &ty)?));
    }
    Some(OverrideKind::Add(fp, out))
}

/// Resolves a path against the schema: its checked form and the type it reaches.
fn fact_path(cx: &mut Cx, path: &ast::FactPath) -> Option<(FactPath, Type)> {
    let mut ty = Type::Record(cx.schema.root);
    let (mut segs, mut key_fields, mut text) = (Vec::new(), Vec::new(), Vec::new());
    for seg in &path.segs {
        let Type::Record(rec) = ty.non_null().clone() else {
            let msg = format!("`{}` has no fields", text.join("."));
            bad(cx, codes::BAD_OVERRIDE, msg, seg.field.span, None);
            return None;
        };
        ty = field_type(cx, rec, &seg.field)?;
        let mut written = seg.field.name.clone();
        let key_field = match &seg.key {
            Some(key) => {
                let (elem, field) = keyed(cx, &ty, &seg.field)?;
                ty = elem;
                written.push_str(&format!("[{}]", key.name));
                Some(field)
            }
            None => None,
        };
        text.push(written);
        segs.push((
            seg.field.name.clone(),
            seg.key.as_ref().map(|k| k.name.clone()),
        ));
        key_fields.push(key_field);
    }
    let text = text.join(".");
    Some((
        FactPath {
            segs,
            key_fields,
            text,
        },
        ty,
    ))
}

/// The type of field `name` of record `rec`, or an unknown-fact diagnostic.
fn field_type(cx: &mut Cx, rec: RecordId, name: &ast::Ident) -> Option<Type> {
    let record = cx.schema.record(rec);
    if let Some((_, f)) = record.field(&name.name) {
        return Some(f.ty.clone());
    }
    let fields: Vec<&str> = record.fields.iter().map(|f| f.name.as_str()).collect();
    let help = suggest::help(&name.name, fields.iter().copied());
    let what = if rec == cx.schema.root {
        "the inventory".to_string()
    } else {
        format!("`{}`", record.name)
    };
    let msg = format!("{what} has no field `{}`", name.name);
    bad(cx, codes::UNKNOWN_FACT, msg, name.span, help);
    None
}

/// `clusters[key]`: the element type of a list of records and the field holding its key.
fn keyed(cx: &mut Cx, ty: &Type, field: &ast::Ident) -> Option<(Type, String)> {
    if let Type::List(elem) = ty.non_null()
        && let Type::Record(rec) = elem.non_null()
    {
        let record = cx.schema.record(*rec);
        let key = record
            .key_field
            .or_else(|| {
                record
                    .fields
                    .iter()
                    .position(|f| f.ty == Type::Str)
                    .map(|i| i as u16)
            })
            .and_then(|k| record.fields.get(k as usize));
        if let Some(key) = key {
            return Some(((**elem).clone(), key.name.clone()));
        }
    }
    let msg = format!(
        "`{}[…]` picks an element, but `{}` is not a list of named records",
        field.name, field.name
    );
    bad(cx, codes::BAD_OVERRIDE, msg, field.span, None);
    None
}

/// A literal for a field of type `ty`; a bare name must be one of its enum's variants.
fn lit(cx: &mut Cx, e: &ast::Expr, ty: &Type) -> Option<Lit> {
    let bare = ty.non_null();
    Some(match &e.kind {
        ast::ExprKind::Null => Lit::Null,
        ast::ExprKind::Bool(b) => Lit::Bool(*b),
        ast::ExprKind::Int(i) if *bare == Type::Version => Lit::Version(i.to_string()),
        ast::ExprKind::Int(i) => Lit::Int(*i),
        ast::ExprKind::Str(s) => Lit::Str(cx.plain_string(s)?),
        // as written (`v1.30.4` stays `v1.30.4`): the loader reads it like the YAML's
        ast::ExprKind::Version(_) => Lit::Version(span_text(cx, e.span)),
        ast::ExprKind::Name(n) => Lit::Str(variant(cx, n, bare, e.span)?),
        ast::ExprKind::List(items) => {
            let elem = match bare {
                Type::List(t) => (**t).clone(),
                _ => Type::Null,
            };
            let all: Vec<Option<Lit>> = items.iter().map(|i| lit(cx, i, &elem)).collect();
            Lit::List(all.into_iter().collect::<Option<_>>()?)
        }
        _ => {
            let help = "write the value as the inventory would hold it: `1.30.4`, `\"name\"`, `workload`, `true`, `[\"a\"]`, `null`";
            let msg = "a test sets literals only".to_string();
            bad(cx, codes::BAD_OVERRIDE, msg, e.span, Some(help.into()));
            return None;
        }
    })
}

fn variant(cx: &mut Cx, name: &str, ty: &Type, span: Span) -> Option<String> {
    if let Type::Enum(id) = ty {
        let def = cx.schema.enum_def(*id);
        if def.variant(name).is_some() {
            return Some(name.to_string());
        }
        let help = suggest::help(name, def.variants.iter().map(String::as_str));
        let msg = format!("`{name}` is not one of this field's values");
        bad(cx, codes::UNKNOWN_VARIANT, msg, span, help);
        return None;
    }
    let help = format!("a string is written in quotes: `\"{name}\"`");
    let msg = format!("`{name}` is a bare name, but this field is not an enum");
    bad(cx, codes::BAD_OVERRIDE, msg, span, Some(help));
    None
}

// ------------------------------------------------------------ expectations

fn expect(cx: &mut Cx, names: &Names, e: &ast::Expect, span: Span) -> Option<Expectation> {
    let kind = match e {
        ast::Expect::Status(ready) => ExpectKind::Status(*ready),
        ast::Expect::Finding {
            negated,
            rule,
            severity,
            cluster,
        } => ExpectKind::Finding {
            negated: *negated,
            rule: rule_id(cx, names, rule)?,
            severity: match severity {
                Some(s) => Some(severity_of(cx, s)?),
                None => None,
            },
            cluster: cluster.as_ref().map(|c| c.name.clone()),
        },
        ast::Expect::Step {
            negated,
            pattern,
            cluster,
            hop,
        } => ExpectKind::Step {
            negated: *negated,
            pattern: step_pattern(cx, pattern)?,
            cluster: cluster.as_ref().map(|c| c.name.clone()),
            hop: hop_name(cx, names, hop.as_ref())?,
        },
        ast::Expect::Before { first, then, hop } => {
            let (first, then) = (step_pattern(cx, first), step_pattern(cx, then));
            ExpectKind::Before {
                first: first?,
                then: then?,
                hop: hop_name(cx, names, hop.as_ref())?,
            }
        }
        ast::Expect::AtMost { max, step, .. } => ExpectKind::AtMost {
            max: *max,
            step: step_named(cx, step)?,
        },
    };
    Some(Expectation { kind, span })
}

fn rule_id(cx: &mut Cx, names: &Names, rule: &ast::Ident) -> Option<String> {
    if names.rules.iter().any(|r| r.id == rule.name) {
        return Some(rule.name.clone());
    }
    let help = suggest::help(&rule.name, names.rules.iter().map(|r| r.id.as_str()));
    let msg = format!("no rule `{}`", rule.name);
    let p = cx.problem(
        codes::UNKNOWN_RULE,
        msg,
        rule.span,
        "not a rule of this rulebook",
    );
    cx.report(p, help);
    None
}

fn severity_of(cx: &mut Cx, s: &ast::Ident) -> Option<Severity> {
    Some(match s.name.as_str() {
        "block" => Severity::Block,
        "fix" => Severity::Fix,
        "warn" => Severity::Warn,
        "info" => Severity::Info,
        _ => {
            let msg = format!("`{}` is not a severity", s.name);
            let help = Some("a finding is `block`, `fix`, `warn` or `info`".into());
            bad(cx, codes::BAD_EXPECTATION, msg, s.span, help);
            return None;
        }
    })
}

fn step_named(cx: &mut Cx, name: &ast::Ident) -> Option<crate::model::StepId> {
    if let Some(id) = cx.step_id(&name.name) {
        return Some(id);
    }
    let help = suggest::help(&name.name, cx.steps.iter().map(|s| s.name.as_str()));
    let p = cx.problem(
        codes::UNKNOWN_STEP,
        format!("no step `{}`", name.name),
        name.span,
        "not a step of this rulebook",
    );
    cx.report(p, help);
    None
}

/// `upgrade-kubernetes(biz-1, 1.29)`: the step exists and takes that many arguments,
/// each `_` or a literal.
fn step_pattern(cx: &mut Cx, p: &ast::Pattern) -> Option<StepPattern> {
    let step = step_named(cx, &p.step)?;
    let arity = cx.steps[step as usize].params.len();
    if arity != p.args.len() {
        let msg = format!(
            "step `{}` takes {arity} arguments, not {}",
            p.step.name,
            p.args.len()
        );
        let help = Some("write `_` for an argument that may be anything".into());
        bad(cx, codes::ARITY, msg, p.span, help);
        return None;
    }
    let args: Vec<Option<Option<ArgLit>>> = p.args.iter().map(|a| arg_lit(cx, a)).collect();
    let text = span_text(cx, p.span);
    Some(StepPattern {
        step,
        args: args.into_iter().collect::<Option<_>>()?,
        text,
    })
}

fn arg_lit(cx: &mut Cx, a: &ast::PatArg) -> Option<Option<ArgLit>> {
    let e = match a {
        ast::PatArg::Any(_) => return Some(None),
        ast::PatArg::Expr(e) => e,
    };
    Some(Some(match &e.kind {
        ast::ExprKind::Name(n) => ArgLit::Text(n.clone()),
        ast::ExprKind::Str(s) => ArgLit::Text(cx.plain_string(s)?),
        ast::ExprKind::Version(v) => ArgLit::Version(v.clone()),
        ast::ExprKind::Int(i) => ArgLit::Int(*i),
        _ => {
            let help = "write a cluster name, a version, a number, a string or `_`";
            bad(
                cx,
                codes::BAD_EXPECTATION,
                "a step argument in a test is a literal".into(),
                e.span,
                Some(help.into()),
            );
            return None;
        }
    }))
}

/// `in 3.18 -> 4.0`: a hop the rulebook declares, named as plans name it.
fn hop_name(
    cx: &mut Cx,
    names: &Names,
    hop: Option<&(ast::VersionLit, ast::VersionLit)>,
) -> Option<Option<HopName>> {
    let Some((from, to)) = hop else {
        return Some(None);
    };
    let same = |a: &Version, b: &Version| a.compare(b).is_eq();
    if let Some(h) = names
        .hops
        .iter()
        .find(|h| same(&h.from, &from.version) && same(&h.to, &to.version))
    {
        return Some(Some(HopName(format!("{}->{}", h.from, h.to))));
    }
    let all: Vec<String> = names
        .hops
        .iter()
        .map(|h| format!("{} -> {}", h.from, h.to))
        .collect();
    let span = Span::new(
        from.span.file,
        from.span.start as usize,
        to.span.end as usize,
    );
    let msg = format!("no hop `{} -> {}`", from.version, to.version);
    let help = Some(format!("the hops are {}", all.join(", ")));
    bad(cx, codes::BAD_EXPECTATION, msg, span, help);
    None
}

fn span_text(cx: &Cx, span: Span) -> String {
    let text = &cx.sources.get(span.file).text;
    text.get(span.start as usize..span.end as usize)
        .unwrap_or_default()
        .to_string()
}
