//! What only the runbook reads: a step's `verify`, `undo`, `irreversible` and
//! `escalate` clauses, and `checkpoint` declarations (docs/dsl.md › The runbook).

use super::limits::MAX_DECLS;
use super::scope::Scope;
use super::steps::{conditional, phase_index};
use super::{Cx, Decls, codes};
use crate::model::{Checkpoint, Conditional, StepRunbook, Template};
use crate::source::Span;
use crate::syntax::ast::{self, CheckpointClauseKind as K, RunbookKind};

/// Files one checked runbook clause of a step.
pub fn step_clause(into: &mut StepRunbook, kind: RunbookKind, c: Conditional<Template>) {
    match kind {
        RunbookKind::Verify => into.verify.push(c),
        RunbookKind::Undo { judgement } => into.undo.push((c, judgement)),
        RunbookKind::Irreversible => into.irreversible.push(c),
        RunbookKind::Escalate => into.escalate.push(c),
        RunbookKind::Restarts => into.restarts.push(c),
    }
}

pub fn checkpoints(cx: &mut Cx, d: &Decls) -> Vec<Checkpoint> {
    let decls = cx.unique(
        "checkpoint",
        MAX_DECLS,
        d.checkpoints.iter().copied(),
        |c| (c.id.name.clone(), c.id.span),
    );
    decls
        .into_iter()
        .filter_map(|c| checkpoint(cx, c))
        .collect()
}

/// The single clauses of a checkpoint, as they are read.
#[derive(Default)]
struct Parts {
    source: Option<(Option<String>, Span)>,
    when: Option<(Option<crate::model::Expr>, Span)>,
    place: Option<(Option<u16>, Span)>,
    title: Option<(Template, Span)>,
}

/// Checkpoints see the hop and the facts, no entity variable: they are about a
/// window, not one cluster.
fn checkpoint(cx: &mut Cx, decl: &ast::CheckpointDecl) -> Option<Checkpoint> {
    let mut sc = Scope::default();
    let mut p = Parts::default();
    let (mut checks, mut commands) = (Vec::new(), Vec::new());
    for clause in &decl.clauses {
        let span = clause.span;
        match &clause.kind {
            K::Source(s) => {
                let text = cx.plain_string(s);
                cx.once(&mut p.source, text, span, "source");
            }
            K::When(e) => {
                let e = cx.bool_expr(&mut sc, e);
                cx.once(&mut p.when, e, span, "when");
            }
            K::Place(phase) => {
                let i = phase.as_ref().map(|name| phase_index(cx, name));
                cx.once(&mut p.place, i, span, "before");
            }
            K::Title(s) => {
                let t = cx.text(&mut sc, s);
                cx.once(&mut p.title, t, span, "title");
            }
            K::Check(s, when) => checks.push(conditional(cx, &mut sc, s, when, true)),
            K::Command(s, when) => commands.push(conditional(cx, &mut sc, s, when, false)),
        }
    }
    for (missing, help) in [
        (
            p.source.is_none(),
            "cite where it comes from: `source \"ACP 4.3 guide › …\"`",
        ),
        (
            p.place.is_none(),
            "say where it stands: `before workloads` or `at end`",
        ),
        (
            p.title.is_none(),
            "say what must be true: `title \"The global tier is ready\"`",
        ),
    ] {
        if missing {
            missing_clause(cx, decl, help);
        }
    }
    if checks.is_empty() {
        missing_clause(cx, decl, "list what to check: `check \"…\"`");
    }
    cx.check_vars(&sc, "checkpoint", &decl.id);
    Some(Checkpoint {
        id: decl.id.name.clone(),
        source: p.source?.0?,
        when: match p.when {
            Some((e, _)) => Some(e?),
            None => None,
        },
        before: p.place?.0,
        title: p.title?.0,
        checks,
        commands,
        num_vars: sc.num_vars(),
        span: decl.span,
    })
}

fn missing_clause(cx: &mut Cx, decl: &ast::CheckpointDecl, help: &str) {
    let p = cx.problem(
        codes::MISSING_CLAUSE,
        format!("checkpoint `{}` is incomplete", decl.id.name),
        decl.id.span,
        "a clause is missing",
    );
    cx.report(p, Some(help.into()));
}
