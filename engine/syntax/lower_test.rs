//! Lowering of `test` declarations (pest pairs → [`TestDecl`]), beside the rest of
//! [`Lower`] so that lower.rs keeps to the planning language.

use pest::iterators::Pair;

use super::Rule;
use super::ast::*;
use super::lower::{Kids, Lower, R};

impl Lower<'_> {
    pub(super) fn test_decl(&mut self, pair: Pair<'_, Rule>) -> R<TestDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let id = self.ident(k.next()?);
        let clauses = k.rest().map(|p| self.test_clause(p)).collect::<R<_>>()?;
        Ok(TestDecl { id, clauses, span })
    }

    fn test_clause(&mut self, pair: Pair<'_, Rule>) -> R<TestClause> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        let kind = match rule {
            Rule::source => TestClauseKind::Source(self.string(k.next()?)?),
            Rule::test_inventory => TestClauseKind::Inventory(self.string(k.next()?)?),
            Rule::test_set => {
                let path = self.fact_path(k.next()?)?;
                TestClauseKind::Set(path, self.expr(k.next()?)?)
            }
            Rule::test_remove => TestClauseKind::Remove(self.fact_path(k.next()?)?),
            Rule::test_add => {
                let path = self.fact_path(k.next()?)?;
                TestClauseKind::Add(path, self.init_block(k.take(Rule::init_block))?)
            }
            Rule::test_to => TestClauseKind::To(self.version_lit(k.next()?)),
            Rule::expect => TestClauseKind::Expect(self.expect(k.next()?)?),
            other => {
                return Err(super::lower::bug(
                    span,
                    &format!("unexpected test clause {other:?}"),
                ));
            }
        };
        Ok(TestClause { kind, span })
    }

    fn fact_path(&mut self, pair: Pair<'_, Rule>) -> R<FactPath> {
        let span = self.span(&pair);
        let mut segs = Vec::new();
        for seg in self.kids(pair).rest() {
            let mut k = self.kids(seg);
            let field = self.ident(k.next()?);
            let key = match k.take(Rule::fact_key) {
                Some(key) => Some(self.fact_key(key)?),
                None => None,
            };
            segs.push(FactSeg { field, key });
        }
        Ok(FactPath { segs, span })
    }

    /// A bare key as written, or a plain string's text (a key has no holes).
    fn fact_key(&mut self, pair: Pair<'_, Rule>) -> R<Ident> {
        let inner = Kids::first(self.kids(pair))?;
        if inner.as_rule() != Rule::string {
            return Ok(self.ident(inner));
        }
        let lit = self.string(inner)?;
        let name = lit.plain().unwrap_or_default();
        Ok(Ident {
            name,
            span: lit.span,
        })
    }

    fn expect(&mut self, pair: Pair<'_, Rule>) -> R<Expect> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        Ok(match rule {
            Rule::expect_status => Expect::Status(k.take(Rule::kw_ready).is_some()),
            Rule::expect_finding => {
                let negated = k.take(Rule::kw_no).is_some();
                let rule = self.ident(k.next()?);
                let severity = k.take(Rule::severity).map(|p| self.ident(p));
                let cluster = self.on_cluster(&mut k)?;
                Expect::Finding {
                    negated,
                    rule,
                    severity,
                    cluster,
                }
            }
            Rule::expect_step => {
                let negated = k.take(Rule::kw_no).is_some();
                let pattern = self.pattern(k.next()?)?;
                let cluster = self.on_cluster(&mut k)?;
                let hop = self.in_hop(&mut k)?;
                Expect::Step {
                    negated,
                    pattern,
                    cluster,
                    hop,
                }
            }
            Rule::expect_order => {
                let first = self.pattern(k.next()?)?;
                let then = self.pattern(k.next()?)?;
                let hop = self.in_hop(&mut k)?;
                Expect::Before { first, then, hop }
            }
            Rule::expect_wave => {
                let max_pair = k.next()?;
                let max_span = self.span(&max_pair);
                let max = self.count(max_pair.as_str(), max_span);
                let step = self.ident(k.next()?);
                Expect::AtMost {
                    max,
                    max_span,
                    step,
                }
            }
            other => {
                return Err(super::lower::bug(
                    span,
                    &format!("unexpected expectation {other:?}"),
                ));
            }
        })
    }

    fn on_cluster(&mut self, k: &mut Kids<'_>) -> R<Option<Ident>> {
        let Some(on) = k.take(Rule::on_cluster) else {
            return Ok(None);
        };
        let mut ok = self.kids(on);
        ok.take(Rule::kw_on);
        Ok(Some(self.fact_key(ok.next()?)?))
    }

    fn in_hop(&mut self, k: &mut Kids<'_>) -> R<Option<(VersionLit, VersionLit)>> {
        let Some(hop) = k.take(Rule::in_hop) else {
            return Ok(None);
        };
        let mut hk = self.kids(hop);
        let from = self.version_lit(hk.next()?);
        let to = self.version_lit(hk.next()?);
        Ok(Some((from, to)))
    }
}
