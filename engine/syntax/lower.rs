//! pest pairs → AST, in one place. The grammar guarantees the shape of each pair; a
//! shape it does not guarantee is a bug reported as `uplan::syntax::internal`, never a
//! panic. Literal errors (a version with four numbers, an int too large) are collected
//! and reported together.

use pest::iterators::{Pair, Pairs};

use super::ast::*;
use super::limits::{MAX_EXPR_DEPTH, MAX_EXPR_NODES};
use super::{Rule, codes};
use crate::diagnostics::Problem;
use crate::model::{CmpOp, Quantifier, Version};
use crate::source::{Sources, Span};

pub(super) type R<T> = Result<T, Problem>;

/// Keywords that carry meaning beyond the rule they start; all other `kw_*` pairs
/// are skipped by [`Kids`].
const MEANINGFUL_KEYWORDS: &[&str] = &[
    "kw_else",
    "kw_entity",
    "kw_record",
    "kw_any",
    "kw_all",
    "kw_count",
    "kw_true",
    "kw_false",
    "kw_null",
    "kw_on",
    "kw_no",
    "kw_ready",
    "kw_blocked",
    "kw_judgement",
];

fn is_noise(rule: Rule) -> bool {
    let name = format!("{rule:?}");
    name.starts_with("kw_") && !MEANINGFUL_KEYWORDS.contains(&name.as_str())
}

/// The children of a pair, without keyword noise.
pub(super) struct Kids<'i> {
    inner: std::iter::Peekable<Pairs<'i, Rule>>,
    span: Span,
}

impl<'i> Kids<'i> {
    pub(super) fn next(&mut self) -> R<Pair<'i, Rule>> {
        self.skip_noise();
        self.inner
            .next()
            .ok_or_else(|| bug(self.span, "missing child"))
    }

    pub(super) fn peek(&mut self) -> Option<Rule> {
        self.skip_noise();
        self.inner.peek().map(|p| p.as_rule())
    }

    /// The next child if it is a `rule`.
    pub(super) fn take(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        if self.peek() == Some(rule) {
            self.inner.next()
        } else {
            None
        }
    }

    fn skip_noise(&mut self) {
        while self.inner.peek().is_some_and(|p| is_noise(p.as_rule())) {
            self.inner.next();
        }
    }

    pub(super) fn rest(mut self) -> impl Iterator<Item = Pair<'i, Rule>> {
        self.skip_noise();
        self.inner.filter(|p| !is_noise(p.as_rule()))
    }
}

pub(super) fn bug(span: Span, what: &str) -> Problem {
    Problem::new(codes::INTERNAL, format!("internal parser error: {what}"))
        .help("this is a bug in uplan's grammar lowering; please report it with the rule file")
        .with_span(span)
}

impl Problem {
    /// Records the span without a source (for [`Lower`]'s internal errors, which get
    /// their source attached in [`Lower::finish`]).
    fn with_span(mut self, span: Span) -> Problem {
        self.span = Some(span);
        self
    }
}

pub struct Lower<'s> {
    pub file: u32,
    pub sources: &'s Sources,
    pub problems: Vec<Problem>,
    /// Nodes of the expression (or string) being lowered, against [`MAX_EXPR_NODES`].
    nodes: usize,
    pub peak: Peak,
}

/// The highest and the largest expression lowered so far, to show how far inside the
/// limits real rules stay.
#[derive(Clone, Copy, Debug, Default)]
pub struct Peak {
    pub height: usize,
    pub nodes: usize,
}

impl<'s> Lower<'s> {
    pub fn new(file: u32, sources: &'s Sources) -> Lower<'s> {
        Lower {
            file,
            sources,
            problems: Vec::new(),
            nodes: 0,
            peak: Peak::default(),
        }
    }

    /// A pair's span without the whitespace pest leaves at its end (after a
    /// repetition that found nothing more), so labels underline just the text.
    pub(super) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let text = pair.as_str();
        Span::new(self.file, s.start(), s.start() + text.trim_end().len())
    }

    pub(super) fn kids<'i>(&self, pair: Pair<'i, Rule>) -> Kids<'i> {
        let span = self.span(&pair);
        Kids {
            inner: pair.into_inner().peekable(),
            span,
        }
    }

    /// Turns a spanned internal error into a located diagnostic.
    fn locate(&self, p: Problem) -> Problem {
        match p.span {
            Some(span) if p.source.is_none() => {
                let label = "while reading this";
                let mut q = Problem::new(p.code, p.message).at(self.sources, span, label);
                q.help = p.help;
                q
            }
            _ => p,
        }
    }

    pub(super) fn bad_literal(&mut self, span: Span, message: String, help: &str) {
        let p = Problem::new(codes::BAD_LITERAL, message)
            .at(self.sources, span, "here")
            .help(help);
        self.problems.push(p);
    }

    // ------------------------------------------------------------ module

    pub fn module(&mut self, pair: Pair<'_, Rule>) -> Module {
        let span = self.span(&pair);
        let mut decls = Vec::new();
        for p in pair.into_inner() {
            if p.as_rule() == Rule::EOI {
                continue;
            }
            match self.decl(p) {
                Ok(d) => decls.push(d),
                Err(e) => {
                    let e = self.locate(e);
                    self.problems.push(e);
                }
            }
        }
        Module {
            file: self.file,
            span,
            decls,
        }
    }

    fn decl(&mut self, pair: Pair<'_, Rule>) -> R<Decl> {
        let span = self.span(&pair);
        Ok(match pair.as_rule() {
            Rule::record_decl => Decl::Record(self.record(pair)?),
            Rule::inventory_decl => Decl::Inventory(self.only_field_block(pair)?),
            Rule::release_fields => Decl::ReleaseFields(self.only_field_block(pair)?),
            Rule::hop_fields => Decl::HopFields(self.only_field_block(pair)?),
            Rule::path_decl => Decl::Path(self.path_decl(pair)?),
            Rule::release_decl => Decl::Release(self.release(pair)?),
            Rule::hop_decl => Decl::Hop(self.hop(pair)?),
            Rule::phases_decl => Decl::Phases(PhasesDecl {
                names: self.kids(pair).rest().map(|p| self.ident(p)).collect(),
                span,
            }),
            Rule::step_decl => Decl::Step(self.step(pair)?),
            Rule::rule_decl => Decl::Rule(self.clause_decl(pair)?),
            Rule::procedure_decl => Decl::Procedure(self.clause_decl(pair)?),
            Rule::order_decl => Decl::Order(self.clause_decl(pair)?),
            Rule::limit_decl => Decl::Limit(self.clause_decl(pair)?),
            Rule::const_decl => Decl::Const(self.const_decl(pair)?),
            Rule::vocabulary_decl => Decl::Vocabulary(self.vocabulary(pair)?),
            Rule::test_decl => Decl::Test(self.test_decl(pair)?),
            Rule::milestone_decl => Decl::Milestone(self.milestone(pair)?),
            Rule::checkpoint_decl => Decl::Checkpoint(self.checkpoint(pair)?),
            Rule::translation_decl => Decl::Translation(self.translation(pair)?),
            other => return Err(bug(span, &format!("unexpected {other:?}"))),
        })
    }

    pub(super) fn ident(&self, pair: Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    // ------------------------------------------------------------ schema

    fn record(&mut self, pair: Pair<'_, Rule>) -> R<RecordDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let entity = k.next()?.as_rule() == Rule::kw_entity;
        let name = self.ident(k.next()?);
        let fields = self.field_block(k.next()?)?;
        Ok(RecordDecl {
            name,
            entity,
            fields,
            span,
        })
    }

    fn only_field_block(&mut self, pair: Pair<'_, Rule>) -> R<FieldBlock> {
        let mut k = self.kids(pair);
        self.field_block(k.next()?)
    }

    fn field_block(&mut self, pair: Pair<'_, Rule>) -> R<FieldBlock> {
        let span = self.span(&pair);
        let fields = self
            .kids(pair)
            .rest()
            .map(|p| self.field_def(p))
            .collect::<R<_>>()?;
        Ok(FieldBlock { fields, span })
    }

    fn field_def(&mut self, pair: Pair<'_, Rule>) -> R<FieldDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let name = self.ident(k.next()?);
        let ty = self.type_expr(k.next()?)?;
        let default = match k.take(Rule::expr) {
            Some(p) => Some(self.expr(p)?),
            None => None,
        };
        let mut decl = FieldDecl {
            name,
            ty,
            default,
            probe: None,
            doc: None,
            values: Vec::new(),
            span,
        };
        for clause in k.rest() {
            self.field_clause(&mut decl, clause)?;
        }
        Ok(decl)
    }

    /// `probe "…"`, `doc "…"` (each at most once) or `value NAME "…" synonyms …`.
    fn field_clause(&mut self, decl: &mut FieldDecl, pair: Pair<'_, Rule>) -> R<()> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        let slot = match rule {
            Rule::probe_clause => &mut decl.probe,
            Rule::doc_clause => &mut decl.doc,
            Rule::value_clause => {
                let name = self.ident(k.next()?);
                let doc = self.string(k.next()?)?;
                let synonyms = k
                    .rest()
                    .filter(|p| p.as_rule() == Rule::string)
                    .map(|p| self.string(p))
                    .collect::<R<_>>()?;
                let value = ValueDoc {
                    name,
                    doc,
                    synonyms,
                    span,
                };
                decl.values.push(value);
                return Ok(());
            }
            other => return Err(bug(span, &format!("unexpected field clause {other:?}"))),
        };
        if slot.is_some() {
            return Err(Problem::new(
                codes::DUPLICATE_CLAUSE,
                format!("field `{}` has this clause twice", decl.name.name),
            )
            .help("keep one: a field has at most one `probe` and one `doc`")
            .with_span(span));
        }
        *slot = Some(self.string(k.next()?)?);
        Ok(())
    }

    fn const_decl(&mut self, pair: Pair<'_, Rule>) -> R<ConstDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let name = self.ident(k.next()?);
        let value = self.expr(k.next()?)?;
        Ok(ConstDecl { name, value, span })
    }

    fn vocabulary(&mut self, pair: Pair<'_, Rule>) -> R<VocabularyDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let field = self.dotted(k.next()?);
        let mut entries = Vec::new();
        for entry in k.rest() {
            let span = self.span(&entry);
            let mut strings = self.kids(entry).rest();
            let Some(first) = strings.next() else {
                return Err(bug(span, "vocabulary entry without a name"));
            };
            let name = self.string(first)?;
            let aliases = strings.map(|p| self.string(p)).collect::<R<_>>()?;
            entries.push(VocabEntry {
                name,
                aliases,
                span,
            });
        }
        Ok(VocabularyDecl {
            field,
            entries,
            span,
        })
    }

    /// `translation zh { "key" = "text" … }`
    fn translation(&mut self, pair: Pair<'_, Rule>) -> R<TranslationDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let lang = self.ident(k.next()?);
        let mut entries = Vec::new();
        for entry in k.rest() {
            let span = self.span(&entry);
            let mut strings = self.kids(entry);
            let key = self.string(strings.next()?)?;
            let text = self.string(strings.next()?)?;
            entries.push(TranslationEntry { key, text, span });
        }
        Ok(TranslationDecl {
            lang,
            entries,
            span,
        })
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> R<TypeExpr> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let inner = k.next()?;
        let mut optional = k.take(Rule::optional_mark).is_some();
        let kind = match inner.as_rule() {
            Rule::ident => TypeKind::Named(self.ident(inner)),
            Rule::list_type => {
                let mut lk = self.kids(inner);
                TypeKind::List(Box::new(self.type_expr(lk.next()?)?))
            }
            Rule::enum_type => {
                let mut variants = Vec::new();
                for v in self.kids(inner).rest() {
                    let v = Kids::first(self.kids(v))?;
                    if v.as_rule() == Rule::kw_null {
                        // `a | b | null` is the optional enum `(a | b)?`
                        optional = true;
                    } else {
                        variants.push(self.ident(v));
                    }
                }
                TypeKind::Enum(variants)
            }
            other => return Err(bug(span, &format!("unexpected type {other:?}"))),
        };
        Ok(TypeExpr {
            kind,
            optional,
            span,
        })
    }

    fn dotted(&self, pair: Pair<'_, Rule>) -> Dotted {
        let span = self.span(&pair);
        Dotted {
            parts: self.kids(pair).rest().map(|p| self.ident(p)).collect(),
            span,
        }
    }

    fn path_decl(&mut self, pair: Pair<'_, Rule>) -> R<PathDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let from = self.dotted(k.next()?);
        let to = k.take(Rule::dotted).map(|p| self.dotted(p));
        Ok(PathDecl { from, to, span })
    }

    pub(super) fn version_lit(&mut self, pair: Pair<'_, Rule>) -> VersionLit {
        let span = self.span(&pair);
        let version = self.version(pair.as_str(), span);
        VersionLit { version, span }
    }

    /// Parses a version literal, reporting a malformed one (and going on with `0`).
    fn version(&mut self, text: &str, span: Span) -> Version {
        match Version::parse(text) {
            Ok(v) => v,
            Err(e) => {
                self.bad_literal(span, format!("`{text}` is not a version"), e.reason);
                Version::new(0, 0, 0, 1)
            }
        }
    }

    pub(super) fn init_block(&mut self, pair: Option<Pair<'_, Rule>>) -> R<Vec<FieldInit>> {
        let Some(pair) = pair else {
            return Ok(Vec::new());
        };
        self.kids(pair).rest().map(|p| self.field_init(p)).collect()
    }

    pub(super) fn field_init(&mut self, pair: Pair<'_, Rule>) -> R<FieldInit> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let name = self.ident(k.next()?);
        let value = self.expr(k.next()?)?;
        Ok(FieldInit { name, value, span })
    }

    fn release(&mut self, pair: Pair<'_, Rule>) -> R<ReleaseDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let version = self.version_lit(k.next()?);
        let fields = self.init_block(k.take(Rule::init_block))?;
        Ok(ReleaseDecl {
            version,
            fields,
            span,
        })
    }

    fn hop(&mut self, pair: Pair<'_, Rule>) -> R<HopDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let from = self.version_lit(k.next()?);
        let to = self.version_lit(k.next()?);
        let fields = self.init_block(k.take(Rule::init_block))?;
        Ok(HopDecl {
            from,
            to,
            fields,
            span,
        })
    }

    // ------------------------------------------------------------ steps

    fn step(&mut self, pair: Pair<'_, Rule>) -> R<StepDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let name = self.ident(k.next()?);
        let mut params = Vec::new();
        let mut clauses = Vec::new();
        for p in k.rest() {
            if p.as_rule() == Rule::param {
                params.push(self.param(p)?);
            } else {
                clauses.push(self.step_clause(p)?);
            }
        }
        Ok(StepDecl {
            name,
            params,
            clauses,
            span,
        })
    }

    fn param(&mut self, pair: Pair<'_, Rule>) -> R<ParamDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let name = self.ident(k.next()?);
        let ty = self.type_expr(k.next()?)?;
        Ok(ParamDecl { name, ty, span })
    }

    fn step_clause(&mut self, pair: Pair<'_, Rule>) -> R<StepClause> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        let kind = match rule {
            Rule::title => StepClauseKind::Title(self.string(k.next()?)?),
            Rule::phase => StepClauseKind::Phase(self.ident(k.next()?)),
            Rule::manual => StepClauseKind::Manual,
            Rule::automatic => StepClauseKind::Automatic,
            Rule::duration_clause => StepClauseKind::Duration(self.duration_lit(k)?),
            Rule::command => {
                let text = self.string(k.next()?)?;
                StepClauseKind::Command(text, self.suffix(&mut k, Rule::when_suffix)?)
            }
            Rule::step_note => {
                let text = self.string(k.next()?)?;
                StepClauseKind::Note(text, self.suffix(&mut k, Rule::when_suffix)?)
            }
            Rule::effect => {
                let effect = self.effect(k.next()?)?;
                StepClauseKind::Effect(Box::new(effect), self.suffix(&mut k, Rule::when_suffix)?)
            }
            Rule::stepwise => {
                let place = self.dotted(k.next()?);
                StepClauseKind::Stepwise(place, self.ident(k.next()?))
            }
            Rule::optional_clause => StepClauseKind::Optional(self.string(k.next()?)?),
            Rule::verify_clause
            | Rule::undo_clause
            | Rule::irreversible_clause
            | Rule::escalate_clause
            | Rule::restarts_clause => self.runbook_clause(rule, k)?,
            other => return Err(bug(span, &format!("unexpected clause {other:?}"))),
        };
        Ok(StepClause { kind, span })
    }

    /// `2h`, `30m`, `1h30m` in minutes.
    pub(super) fn duration(&mut self, pair: Pair<'_, Rule>) -> u32 {
        let span = self.span(&pair);
        let text = pair.as_str();
        let (hours, minutes) = match text.split_once('h') {
            Some((h, m)) => (h, m.trim_end_matches('m')),
            None => ("0", text.trim_end_matches('m')),
        };
        let parse = |s: &str| {
            if s.is_empty() {
                Some(0)
            } else {
                s.parse::<u32>().ok()
            }
        };
        match (parse(hours), parse(minutes)) {
            (Some(h), Some(m)) if h.checked_mul(60).and_then(|x| x.checked_add(m)).is_some() => {
                h * 60 + m
            }
            _ => {
                self.bad_literal(
                    span,
                    format!("`{text}` is not a duration"),
                    "write hours and minutes like `2h`, `45m` or `1h30m`",
                );
                0
            }
        }
    }

    /// An optional trailing `when EXPR` / `where EXPR`.
    pub(super) fn suffix(&mut self, k: &mut Kids<'_>, rule: Rule) -> R<Option<Expr>> {
        match k.take(rule) {
            Some(p) => {
                let mut sk = self.kids(p);
                Ok(Some(self.expr(sk.next()?)?))
            }
            None => Ok(None),
        }
    }

    fn effect(&mut self, pair: Pair<'_, Rule>) -> R<EffectKind> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        Ok(match rule {
            Rule::effect_set => {
                let place = self.dotted(k.next()?);
                EffectKind::Set {
                    place,
                    value: self.expr(k.next()?)?,
                }
            }
            Rule::effect_remove => EffectKind::Remove {
                var: self.ident(k.next()?),
                list: self.dotted(k.next()?),
                cond: self.suffix(&mut k, Rule::where_suffix)?,
            },
            Rule::effect_add => {
                let list = self.dotted(k.next()?);
                EffectKind::Add {
                    list,
                    fields: self.init_block(k.take(Rule::init_block))?,
                }
            }
            Rule::effect_for => EffectKind::ForEach {
                var: self.ident(k.next()?),
                list: self.dotted(k.next()?),
                cond: self.suffix(&mut k, Rule::where_suffix)?,
                target: self.dotted(k.next()?),
                value: self.expr(k.next()?)?,
            },
            other => return Err(bug(span, &format!("unexpected effect {other:?}"))),
        })
    }

    // ------------------------------------------------------------ rules and friends

    fn clause_decl(&mut self, pair: Pair<'_, Rule>) -> R<ClauseDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let id = self.ident(k.next()?);
        let clauses = k.rest().map(|p| self.clause(p)).collect::<R<_>>()?;
        Ok(ClauseDecl { id, clauses, span })
    }

    fn clause(&mut self, pair: Pair<'_, Rule>) -> R<Clause> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        let kind = match rule {
            Rule::source => ClauseKind::Source(self.string(k.next()?)?),
            Rule::message => ClauseKind::Message(self.string(k.next()?)?),
            Rule::when => ClauseKind::When(self.expr(k.next()?)?),
            Rule::require => ClauseKind::Require(self.expr(k.next()?)?),
            Rule::each => ClauseKind::Each(self.each(span, k)?),
            Rule::outcome => {
                let has_else = k.take(Rule::kw_else).is_some();
                let outcome = self.outcome(k.next()?)?;
                ClauseKind::Outcome { has_else, outcome }
            }
            Rule::follow_up => ClauseKind::FollowUp(FollowUp {
                call: self.call(k.next()?)?,
                after: self.pattern(k.next()?)?,
                filter: self.suffix(&mut k, Rule::where_suffix)?,
            }),
            Rule::do_clause => ClauseKind::Do(self.do_chain(k)?),
            Rule::order_body => ClauseKind::OrderBody(OrderBody {
                first: self.pattern(k.next()?)?,
                then: self.pattern(k.next()?)?,
                filter: self.suffix(&mut k, Rule::where_suffix)?,
            }),
            Rule::limit_body => ClauseKind::LimitBody(self.limit_body(k)?),
            Rule::unwaivable => ClauseKind::Unwaivable,
            other => return Err(bug(span, &format!("unexpected clause {other:?}"))),
        };
        Ok(Clause { kind, span })
    }

    fn each(&mut self, span: Span, mut k: Kids<'_>) -> R<Each> {
        let head = k.next()?;
        let rule = head.as_rule();
        let mut hk = self.kids(head);
        let (var, source) = if rule == Rule::each_in {
            let var = self.ident(hk.next()?);
            (var, EachSource::List(self.expr(hk.next()?)?))
        } else {
            let entity = self.ident(hk.next()?);
            (self.ident(hk.next()?), EachSource::Entity(entity))
        };
        let filter = self.suffix(&mut k, Rule::where_suffix)?;
        Ok(Each {
            var,
            source,
            filter,
            span,
        })
    }

    fn outcome(&mut self, pair: Pair<'_, Rule>) -> R<Outcome> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        let call = k.take(Rule::call);
        let guard = match k.take(Rule::guard_at) {
            Some(g) => self.guard(g)?,
            None => Guard::default(),
        };
        let late = k.take(Rule::placement).is_some();
        let mut before = Vec::new();
        while let Some(p) = k.take(Rule::pattern) {
            before.push(self.pattern(p)?);
        }
        let filter = self.suffix(&mut k, Rule::where_suffix)?;
        Ok(match (rule, call) {
            (Rule::block, _) => Outcome::Block,
            (Rule::warn, _) => Outcome::Warn(guard),
            (Rule::rule_note, _) => Outcome::Note(guard),
            (Rule::step_outcome, Some(call)) => Outcome::Step {
                call: self.call(call)?,
                before,
                filter,
                late,
            },
            (other, _) => return Err(bug(span, &format!("unexpected outcome {other:?}"))),
        })
    }

    /// `at P, Q where E` or `on P where E`.
    fn guard(&mut self, pair: Pair<'_, Rule>) -> R<Guard> {
        let mut k = self.kids(pair);
        let on = k.take(Rule::kw_on).is_some();
        let mut at = Vec::new();
        while let Some(p) = k.take(Rule::pattern) {
            at.push(self.pattern(p)?);
        }
        let filter = self.suffix(&mut k, Rule::where_suffix)?;
        Ok(Guard { at, on, filter })
    }

    fn call(&mut self, pair: Pair<'_, Rule>) -> R<Call> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let step = self.ident(k.next()?);
        let args = k.rest().map(|p| self.expr(p)).collect::<R<_>>()?;
        Ok(Call { step, args, span })
    }

    pub(super) fn pattern(&mut self, pair: Pair<'_, Rule>) -> R<Pattern> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let step = self.ident(k.next()?);
        let mut args = Vec::new();
        for arg in k.rest() {
            let inner = Kids::first(self.kids(arg))?;
            if inner.as_rule() == Rule::pat_any {
                args.push(PatArg::Any(self.span(&inner)));
            } else {
                args.push(PatArg::Expr(self.expr(inner)?));
            }
        }
        Ok(Pattern { step, args, span })
    }

    /// `milestone NAME(params) = P | Q`
    fn milestone(&mut self, pair: Pair<'_, Rule>) -> R<MilestoneDecl> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let name = self.ident(k.next()?);
        let (mut params, mut alts) = (Vec::new(), Vec::new());
        for p in k.rest() {
            if p.as_rule() == Rule::param {
                params.push(self.param(p)?);
            } else {
                alts.push(self.pattern(p)?);
            }
        }
        Ok(MilestoneDecl {
            name,
            params,
            alts,
            span,
        })
    }

    fn do_chain(&mut self, mut k: Kids<'_>) -> R<DoChain> {
        let mut calls = vec![self.call(k.next()?)?];
        let mut ordered = false;
        let mut when = None;
        for p in k.rest() {
            match p.as_rule() {
                Rule::do_then | Rule::do_also => {
                    ordered = p.as_rule() == Rule::do_then;
                    let mut ck = self.kids(p);
                    calls.push(self.call(ck.next()?)?);
                }
                _ => {
                    let mut wk = self.kids(p);
                    when = Some(self.expr(wk.next()?)?);
                }
            }
        }
        Ok(DoChain {
            calls,
            ordered,
            when,
        })
    }

    fn limit_body(&mut self, mut k: Kids<'_>) -> R<LimitBody> {
        let mut patterns = Vec::new();
        while let Some(p) = k.take(Rule::pattern) {
            patterns.push(self.pattern(p)?);
        }
        let filter = self.suffix(&mut k, Rule::where_suffix)?;
        let count_pair = k.next()?;
        let max_span = self.span(&count_pair);
        let inner = self.kids(count_pair).next()?;
        let (max, count) = if inner.as_rule() == Rule::int {
            (self.count(inner.as_str(), max_span), None)
        } else {
            (1, Some(self.expr(inner)?))
        };
        Ok(LimitBody {
            patterns,
            filter,
            max,
            count,
            max_span,
        })
    }

    /// A limit's count: at most `u32::MAX` (the grammar admits only digits).
    pub(super) fn count(&mut self, text: &str, span: Span) -> u32 {
        match text.parse() {
            Ok(n) => n,
            Err(_) => {
                self.bad_literal(
                    span,
                    format!("`{text}` is too large for a limit"),
                    "a limit counts steps: at most 4294967295",
                );
                1
            }
        }
    }

    // ------------------------------------------------------------ expressions

    fn int(&mut self, text: &str, span: Span) -> i64 {
        match text.parse() {
            Ok(n) => n,
            Err(_) => {
                self.bad_literal(
                    span,
                    format!("`{text}` is too large for an int"),
                    "ints are 64-bit signed numbers",
                );
                0
            }
        }
    }

    /// A string that is not part of an expression (a title, a message): it starts a
    /// new budget of [`MAX_EXPR_NODES`] for its holes.
    pub(super) fn string(&mut self, pair: Pair<'_, Rule>) -> R<StrLit> {
        self.nodes = 0;
        Ok(self.string_node(pair)?.0)
    }

    /// A string and the height of its highest hole (0 without holes).
    fn string_node(&mut self, pair: Pair<'_, Rule>) -> R<(StrLit, usize)> {
        let span = self.span(&pair);
        let mut parts: Vec<StrPart> = Vec::new();
        let mut height = 0;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::str_text => push_text(&mut parts, p.as_str()),
                Rule::str_escape => push_text(&mut parts, &unescape(p.as_str())),
                Rule::str_hole => {
                    let mut hk = self.kids(p);
                    let hole = self.node(hk.next()?)?;
                    height = height.max(hole.height);
                    parts.push(StrPart::Hole(hole.expr));
                }
                other => return Err(bug(span, &format!("unexpected {other:?} in string"))),
            }
        }
        Ok((StrLit { parts, span }, height))
    }

    /// A whole expression (a condition, an argument, a value): it gets its own budget
    /// of [`MAX_EXPR_NODES`].
    pub fn expr(&mut self, pair: Pair<'_, Rule>) -> R<Expr> {
        self.nodes = 0;
        Ok(self.node(pair)?.expr)
    }

    /// One more node over children at most `below` high, or the diagnostic of the
    /// limit it crosses, pointing at `at` (where the chain went one step too far).
    fn grow(&mut self, kind: ExprKind, span: Span, below: usize, at: Span) -> R<Node> {
        self.nodes += 1;
        let height = below + 1;
        if height > MAX_EXPR_DEPTH {
            let p = Problem::new(
                codes::EXPR_TOO_DEEP,
                format!("this expression nests more than {MAX_EXPR_DEPTH} levels deep"),
            )
            .at(self.sources, at, "one level too many")
            .help("long chains of `and`, `or`, `??`, `not` or `.field` nest one level per operator; use `in [...]`, `any(...)`/`all(...)`, or split the condition over several `each … where` or `when` clauses");
            return Err(p);
        }
        if self.nodes > MAX_EXPR_NODES {
            let p = Problem::new(
                codes::EXPR_TOO_LARGE,
                format!(
                    "this expression has more than {MAX_EXPR_NODES} names, literals and operators"
                ),
            )
            .at(self.sources, at, "one too many")
            .help("split it over several clauses, rules or strings");
            return Err(p);
        }
        self.peak.height = self.peak.height.max(height);
        self.peak.nodes = self.peak.nodes.max(self.nodes);
        Ok(Node {
            expr: Expr { kind, span },
            height,
        })
    }

    fn leaf(&mut self, kind: ExprKind, span: Span) -> R<Node> {
        self.grow(kind, span, 0, span)
    }

    fn node(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        match pair.as_rule() {
            Rule::expr => {
                let mut k = self.kids(pair);
                self.node(k.next()?)
            }
            Rule::or_expr | Rule::and_expr | Rule::coalesce => self.left_assoc(pair),
            Rule::not_expr => self.not(pair),
            Rule::cmp_expr => self.cmp(pair),
            Rule::postfix => self.postfix(pair),
            _ => self.primary(pair),
        }
    }

    /// `not not x`: the grammar repeats `not` (no pest recursion); folded here from
    /// the operand outwards, each `not` one level.
    fn not(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        let span = self.span(&pair);
        let mut nots = Vec::new();
        let mut operand = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::kw_not {
                nots.push(self.span(&p));
            } else {
                operand = Some(p);
            }
        }
        let operand = operand.ok_or_else(|| bug(span, "`not` without an operand"))?;
        let mut acc = self.node(operand)?;
        for at in nots.into_iter().rev() {
            let span = at.to(acc.expr.span);
            acc = self.grow(ExprKind::Not(Box::new(acc.expr)), span, acc.height, at)?;
        }
        Ok(acc)
    }

    /// `a or b or c`, `a and b`, `a ?? b ?? c`: folded to the left, so each operator
    /// is one level deeper than the one before.
    fn left_assoc(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        let rule = pair.as_rule();
        let mut k = self.kids(pair);
        let mut acc = self.node(k.next()?)?;
        for p in k.rest() {
            let rhs = self.node(p)?;
            let span = acc.expr.span.to(rhs.expr.span);
            let (at, below) = (rhs.expr.span, acc.height.max(rhs.height));
            let (l, r) = (Box::new(acc.expr), Box::new(rhs.expr));
            let kind = match rule {
                Rule::or_expr => ExprKind::Or(l, r),
                Rule::and_expr => ExprKind::And(l, r),
                _ => ExprKind::Coalesce(l, r),
            };
            acc = self.grow(kind, span, below, at)?;
        }
        Ok(acc)
    }

    fn cmp(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let lhs = self.node(k.next()?)?;
        let Some(op) = k.peek() else {
            return Ok(lhs);
        };
        let op_pair = k.next()?;
        let rhs = k.next()?;
        let l = Box::new(lhs.expr);
        let (kind, rhs_height) = match op {
            Rule::cmp_op => {
                let r = self.node(rhs)?;
                (
                    ExprKind::Cmp(cmp_op(op_pair.as_str()), l, Box::new(r.expr)),
                    r.height,
                )
            }
            Rule::in_op | Rule::not_in => {
                let r = self.node(rhs)?;
                let negated = op == Rule::not_in;
                let set = Box::new(r.expr);
                (
                    ExprKind::In {
                        item: l,
                        set,
                        negated,
                    },
                    r.height,
                )
            }
            Rule::like_op => {
                let (pattern, height) = self.string_node(rhs)?;
                (ExprKind::Like(l, pattern), height)
            }
            other => return Err(bug(span, &format!("unexpected operator {other:?}"))),
        };
        self.grow(kind, span, lhs.height.max(rhs_height), span)
    }

    /// `a.b.c`: each field one level deeper.
    fn postfix(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        let mut k = self.kids(pair);
        let mut acc = self.primary(k.next()?)?;
        for p in k.rest() {
            let field = self.ident(p);
            let (span, at) = (acc.expr.span.to(field.span), field.span);
            let kind = ExprKind::Field(Box::new(acc.expr), field);
            acc = self.grow(kind, span, acc.height, at)?;
        }
        Ok(acc)
    }

    fn primary(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::expr => return self.node(pair),
            Rule::kw_null => ExprKind::Null,
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::int => ExprKind::Int(self.int(pair.as_str(), span)),
            Rule::version => ExprKind::Version(self.version(pair.as_str(), span)),
            Rule::string => {
                let (s, height) = self.string_node(pair)?;
                return self.grow(ExprKind::Str(s), span, height, span);
            }
            Rule::ident => ExprKind::Name(pair.as_str().to_string()),
            Rule::range_lit => self.range(pair)?,
            Rule::list_lit => return self.list(pair),
            Rule::hop_is => self.hop_is(pair)?,
            Rule::quantifier => return self.quantifier(pair),
            other => return Err(bug(span, &format!("unexpected expression {other:?}"))),
        };
        self.leaf(kind, span)
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        let span = self.span(&pair);
        let mut items = Vec::new();
        let mut height = 0;
        for p in self.kids(pair).rest() {
            let item = self.node(p)?;
            height = height.max(item.height);
            items.push(item.expr);
        }
        self.grow(ExprKind::List(items), span, height, span)
    }

    fn range(&mut self, pair: Pair<'_, Rule>) -> R<ExprKind> {
        let mut k = self.kids(pair);
        let lo = self.version_lit(k.next()?).version;
        let inclusive = k.next()?.as_str() == "..=";
        let hi = self.version_lit(k.next()?).version;
        Ok(ExprKind::Range { lo, hi, inclusive })
    }

    fn hop_is(&mut self, pair: Pair<'_, Rule>) -> R<ExprKind> {
        let mut k = self.kids(pair);
        let from = self.hop_end(k.next()?);
        let to = self.hop_end(k.next()?);
        Ok(ExprKind::HopIs { from, to })
    }

    /// A version, or `None` for `*`.
    fn hop_end(&mut self, pair: Pair<'_, Rule>) -> Option<VersionLit> {
        let v = pair.into_inner().next()?;
        Some(self.version_lit(v))
    }

    fn quantifier(&mut self, pair: Pair<'_, Rule>) -> R<Node> {
        let span = self.span(&pair);
        let mut k = self.kids(pair);
        let kind = match k.next()?.as_rule() {
            Rule::kw_any => Quantifier::Any,
            Rule::kw_all => Quantifier::All,
            _ => Quantifier::Count,
        };
        let var = self.ident(k.next()?);
        let list = self.node(k.next()?)?;
        let body = self.node(k.next()?)?;
        let below = list.height.max(body.height);
        let (list, body) = (Box::new(list.expr), Box::new(body.expr));
        let kind = ExprKind::Quant {
            kind,
            var,
            list,
            body,
        };
        self.grow(kind, span, below, span)
    }
}

/// A lowered expression and the height of its tree (a leaf is 1).
struct Node {
    expr: Expr,
    height: usize,
}

impl<'i> Kids<'i> {
    pub(super) fn first(mut kids: Kids<'i>) -> R<Pair<'i, Rule>> {
        kids.next()
    }
}

fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    if let Some(StrPart::Text(last)) = parts.last_mut() {
        last.push_str(text);
    } else {
        parts.push(StrPart::Text(text.to_string()));
    }
}

/// `\{` → `{`, `\n` → newline; any other escaped character stands for itself.
fn unescape(escape: &str) -> String {
    match escape.chars().nth(1) {
        Some('n') => "\n".into(),
        Some('t') => "\t".into(),
        Some(c) => c.to_string(),
        None => String::new(),
    }
}

fn cmp_op(text: &str) -> CmpOp {
    match text {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}
