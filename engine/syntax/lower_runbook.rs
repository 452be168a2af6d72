//! Lowering of what only the runbook reads: a step's `duration` range and basis, its
//! `verify`, `undo`, `irreversible` and `escalate` clauses, and `checkpoint`
//! declarations (docs/dsl.md › The runbook).

use pest::iterators::Pair;

use super::Rule;
use super::ast::*;
use super::lower::{Kids, Lower, R, bug};

impl Lower<'_> {
    /// `duration 10m..15m guide` (the keyword already taken).
    pub(super) fn duration_lit(&mut self, mut k: Kids<'_>) -> R<DurationLit> {
        let min = self.duration(k.next()?);
        let max = match k.take(Rule::duration_upto) {
            Some(p) => {
                let span = self.span(&p);
                let mut pk = self.kids(p);
                let max = self.duration(pk.next()?);
                if max < min {
                    self.bad_literal(
                        span,
                        "a duration range ends before it starts".to_string(),
                        "write the shorter time first, like `10m..15m`",
                    );
                }
                Some(max.max(min))
            }
            None => None,
        };
        let guide = k
            .take(Rule::duration_basis)
            .is_some_and(|p| p.as_str().trim() == "guide");
        Ok(DurationLit { min, max, guide })
    }

    /// `verify "…"`, `undo [judgement] "…"`, `irreversible "…"`, `escalate "…"`.
    pub(super) fn runbook_clause(&mut self, rule: Rule, mut k: Kids<'_>) -> R<StepClauseKind> {
        let kind = match rule {
            Rule::verify_clause => RunbookKind::Verify,
            Rule::undo_clause => RunbookKind::Undo {
                judgement: k.take(Rule::kw_judgement).is_some(),
            },
            Rule::irreversible_clause => RunbookKind::Irreversible,
            Rule::restarts_clause => RunbookKind::Restarts,
            _ => RunbookKind::Escalate,
        };
        let text = self.string(k.next()?)?;
        let when = self.suffix(&mut k, Rule::when_suffix)?;
        Ok(StepClauseKind::Runbook(kind, text, when))
    }

    pub(super) fn checkpoint(&mut self, pair: Pair<'_, Rule>) -> R<CheckpointDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let id = self.ident(k.next()?);
        let clauses = k
            .rest()
            .map(|p| self.checkpoint_clause(p))
            .collect::<R<_>>()?;
        Ok(CheckpointDecl { id, clauses, span })
    }

    fn checkpoint_clause(&mut self, pair: Pair<'_, Rule>) -> R<CheckpointClause> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        let kind = match rule {
            Rule::source => CheckpointClauseKind::Source(self.string(k.next()?)?),
            Rule::when => CheckpointClauseKind::When(self.expr(k.next()?)?),
            Rule::title => CheckpointClauseKind::Title(self.string(k.next()?)?),
            Rule::checkpoint_place => {
                CheckpointClauseKind::Place(k.take(Rule::ident).map(|p| self.ident(p)))
            }
            Rule::checkpoint_check => {
                let text = self.string(k.next()?)?;
                CheckpointClauseKind::Check(text, self.suffix(&mut k, Rule::when_suffix)?)
            }
            Rule::command => {
                let text = self.string(k.next()?)?;
                CheckpointClauseKind::Command(text, self.suffix(&mut k, Rule::when_suffix)?)
            }
            other => return Err(bug(span, &format!("unexpected clause {other:?}"))),
        };
        Ok(CheckpointClause { kind, span })
    }
}
