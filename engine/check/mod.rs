//! Stage 2: AST → checked [`Rulebook`] (names, types, static ordering graph).
//!
//! The checker runs in passes over every file at once (declarations are
//! order-independent): the schema, then releases, hops and phases, then step
//! signatures, then step bodies, rules, procedures, orders and limits, then the
//! ordering graph. Every pass reports into one list, so a run shows all errors.

pub mod codes;
mod consts;
mod decls;
mod effects;
mod expr;
mod facts;
pub mod limits;
mod milestones;
mod ordering;
mod paths;
mod patterns;
mod precision;
mod releases;
mod rules;
mod ruletests;
mod runbook;
mod schema;
mod scope;
mod steps;
pub mod suggest;
mod translations;

/// "Did you mean": the closest of `candidates` to `name`, if it is close enough to be a typo.
pub use suggest::closest as suggest_closest;
mod types;
mod unknowns;
mod vocabulary;

#[cfg(test)]
mod limit_tests;
#[cfg(test)]
mod tests;

use rustc_hash::FxHashMap as HashMap;

use crate::diagnostics::{Problem, Problems};
use crate::model::{EnumId, Milestone, Param, RecordId, Rulebook, Schema, StepId, Version};
use crate::source::{Sources, Span};
use crate::syntax::ast;

pub fn check(sources: Sources, modules: Vec<ast::Module>) -> Result<Rulebook, Problems> {
    let decls = Decls::collect(&modules);
    let mut cx = Cx::new(&sources);
    translations::build(&mut cx, &decls);
    consts::build(&mut cx, &decls);
    schema::build(&mut cx, &decls);
    consts::reject_shadowing(&mut cx);
    vocabulary::build(&mut cx, &decls);
    let path = schema::path(&mut cx, &decls);
    let (releases, hops) = releases::build(&mut cx, &decls);
    cx.note_release_precision(&releases, &hops);
    let phases = releases::phases(&mut cx, &decls);
    steps::signatures(&mut cx, &decls);
    milestones::build(&mut cx, &decls);
    let steps = steps::bodies(&mut cx, &decls);
    let rules = rules::all(&mut cx, &decls);
    let procedures = decls::procedures(&mut cx, &decls);
    let orders = decls::orders(&mut cx, &decls);
    let limits = decls::limits(&mut cx, &decls);
    let checkpoints = runbook::checkpoints(&mut cx, &decls);
    ordering::reject_cycles(&mut cx);
    let tests = ruletests::all(&mut cx, &decls, &rules, &hops);
    let Cx {
        problems,
        schema,
        milestones,
        translations,
        ..
    } = cx;
    let rulebook = Rulebook {
        sources: sources.clone(),
        schema,
        releases,
        hops,
        phases,
        steps,
        rules,
        procedures,
        orders,
        limits,
        milestones,
        checkpoints,
        path,
        tests,
        translations: translations.out,
    };
    problems.into_result(rulebook)
}

/// Every declaration of every file, grouped by kind, in file order.
#[derive(Default)]
pub(crate) struct Decls<'m> {
    pub records: Vec<&'m ast::RecordDecl>,
    pub inventory: Vec<&'m ast::FieldBlock>,
    pub release_fields: Vec<&'m ast::FieldBlock>,
    pub hop_fields: Vec<&'m ast::FieldBlock>,
    pub paths: Vec<&'m ast::PathDecl>,
    pub releases: Vec<&'m ast::ReleaseDecl>,
    pub hops: Vec<&'m ast::HopDecl>,
    pub phases: Vec<&'m ast::PhasesDecl>,
    pub steps: Vec<&'m ast::StepDecl>,
    pub rules: Vec<&'m ast::ClauseDecl>,
    pub procedures: Vec<&'m ast::ClauseDecl>,
    pub orders: Vec<&'m ast::ClauseDecl>,
    pub limits: Vec<&'m ast::ClauseDecl>,
    pub consts: Vec<&'m ast::ConstDecl>,
    pub vocabularies: Vec<&'m ast::VocabularyDecl>,
    pub tests: Vec<&'m ast::TestDecl>,
    pub milestones: Vec<&'m ast::MilestoneDecl>,
    pub checkpoints: Vec<&'m ast::CheckpointDecl>,
    pub translations: Vec<&'m ast::TranslationDecl>,
}

impl<'m> Decls<'m> {
    fn collect(modules: &'m [ast::Module]) -> Decls<'m> {
        let mut d = Decls::default();
        for decl in modules.iter().flat_map(|m| &m.decls) {
            match decl {
                ast::Decl::Record(x) => d.records.push(x),
                ast::Decl::Inventory(x) => d.inventory.push(x),
                ast::Decl::ReleaseFields(x) => d.release_fields.push(x),
                ast::Decl::HopFields(x) => d.hop_fields.push(x),
                ast::Decl::Path(x) => d.paths.push(x),
                ast::Decl::Release(x) => d.releases.push(x),
                ast::Decl::Hop(x) => d.hops.push(x),
                ast::Decl::Phases(x) => d.phases.push(x),
                ast::Decl::Step(x) => d.steps.push(x),
                ast::Decl::Rule(x) => d.rules.push(x),
                ast::Decl::Procedure(x) => d.procedures.push(x),
                ast::Decl::Order(x) => d.orders.push(x),
                ast::Decl::Limit(x) => d.limits.push(x),
                ast::Decl::Const(x) => d.consts.push(x),
                ast::Decl::Vocabulary(x) => d.vocabularies.push(x),
                ast::Decl::Test(x) => d.tests.push(x),
                ast::Decl::Milestone(x) => d.milestones.push(x),
                ast::Decl::Checkpoint(x) => d.checkpoints.push(x),
                ast::Decl::Translation(x) => d.translations.push(x),
            }
        }
        d
    }
}

/// A step's name and parameters, known before any body is checked so that calls and
/// patterns anywhere can be resolved.
#[derive(Clone, Debug)]
pub(crate) struct StepSig {
    pub name: String,
    pub params: Vec<Param>,
    pub span: Span,
}

/// A static ordering edge between two step declarations, and who asked for it.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub from: StepId,
    pub to: StepId,
    /// `rule `k8s-floor``, `order `global-first``, `procedure `standard``.
    pub origin: String,
    pub span: Span,
    /// Orders two steps of one subject entity (see `ordering`): only tight edges
    /// make a compile-time cycle.
    pub tight: bool,
}

/// The checker's state shared by every pass.
pub(crate) struct Cx<'s> {
    pub sources: &'s Sources,
    pub problems: Problems,
    pub schema: Schema,
    /// How many of `schema.records` the user declared (the rest are the root, the
    /// release record and the hop record, which have no type name).
    pub user_records: usize,
    /// Every version a `hop` names.
    pub versions: Vec<Version>,
    pub phases: Vec<String>,
    pub steps: Vec<StepSig>,
    /// Checked milestones; patterns naming one expand into its alternatives.
    pub milestones: Vec<Milestone>,
    pub milestone_index: HashMap<String, u16>,
    pub edges: Vec<Edge>,
    pub consts: std::collections::BTreeMap<String, consts::Const>,
    /// How many version components the hop and release versions have at most, per
    /// `HopRef` reading them (see [`Cx::note_release_precision`]).
    pub precision: precision::Known,
    /// Indexes by name, so that lookups stay constant-time however many there are.
    pub step_index: HashMap<String, StepId>,
    pub record_index: HashMap<String, RecordId>,
    pub enum_index: HashMap<Vec<String>, EnumId>,
    pub translations: translations::Catalog,
}

impl<'s> Cx<'s> {
    fn new(sources: &'s Sources) -> Cx<'s> {
        Cx {
            sources,
            problems: Problems::default(),
            schema: Schema::default(),
            user_records: 0,
            versions: Vec::new(),
            phases: Vec::new(),
            steps: Vec::new(),
            milestones: Vec::new(),
            milestone_index: HashMap::default(),
            edges: Vec::new(),
            consts: Default::default(),
            precision: Default::default(),
            step_index: HashMap::default(),
            record_index: HashMap::default(),
            enum_index: HashMap::default(),
            translations: Default::default(),
        }
    }

    /// A diagnostic pointing at `span`; add `.help(..)` and [`Cx::push`] it.
    pub fn problem(
        &self,
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Problem {
        Problem::new(code, message).at(self.sources, span, label)
    }

    pub fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// Reports `problem` with an optional help line.
    pub fn report(&mut self, p: Problem, help: Option<String>) {
        let p = match help {
            Some(h) => p.help(h),
            None => p,
        };
        self.problems.push(p);
    }

    pub fn step_id(&self, name: &str) -> Option<StepId> {
        self.step_index.get(name).copied()
    }

    /// The items with a name not seen before, in order, at most `limit` of them; later
    /// ones with a known name are reported as duplicates, the first past the limit as
    /// [`codes::TOO_MANY`] (and the rest dropped). Linear in the number of items.
    pub fn unique<T>(
        &mut self,
        what: &str,
        limit: usize,
        items: impl IntoIterator<Item = T>,
        key: impl Fn(&T) -> (String, Span),
    ) -> Vec<T> {
        let mut seen: HashMap<String, Span> = HashMap::default();
        let mut out = Vec::new();
        for item in items {
            let (name, span) = key(&item);
            if let Some(first) = seen.get(&name) {
                self.duplicate(what, &name, *first, span);
                continue;
            }
            if out.len() == limit {
                self.too_many(&format!("{what}s"), limit, span);
                break;
            }
            seen.insert(name, span);
            out.push(item);
        }
        out
    }

    /// Reports the first of `things` (a plural: `rules`, `variants of an enum`) past
    /// its limit.
    pub fn too_many(&mut self, things: &str, limit: usize, span: Span) {
        let p = self
            .problem(
                codes::TOO_MANY,
                format!("more than {limit} {things}"),
                span,
                "one too many",
            )
            .help(format!(
                "uplan accepts at most {limit} {things}; real rulebooks need far fewer"
            ));
        self.push(p);
    }

    /// Reports a declaration that binds more variables than [`limits::MAX_VARS`].
    pub fn check_vars(&mut self, scope: &scope::Scope, what: &str, name: &ast::Ident) {
        if scope.bound() > limits::MAX_VARS {
            let things = format!("variables in {what} `{}`", name.name);
            self.too_many(&things, limits::MAX_VARS, name.span);
        }
    }

    /// Points a diagnostic about something missing from the whole rulebook at `near`,
    /// or else at the first line of the first file: every diagnostic has a place.
    pub fn somewhere(&self, p: Problem, near: Option<Span>, label: &str) -> Problem {
        match near {
            Some(span) => p.at(self.sources, span, label),
            None if !self.sources.is_empty() => p.at(self.sources, Span::new(0, 0, 0), label),
            None => p,
        }
    }

    /// Reports the second of two declarations with one name.
    pub fn duplicate(&mut self, what: &str, name: &str, first: Span, second: Span) {
        let p = self
            .problem(
                codes::DUPLICATE,
                format!("{what} `{name}` is declared twice"),
                second,
                "declared again here",
            )
            .help("names must be unique; rename or remove one of them");
        let p = if first.file == second.file {
            p.at(self.sources, first, "first declared here")
        } else {
            p.with_related(vec![self.problem(
                codes::DUPLICATE,
                format!("{what} `{name}` is first declared here"),
                first,
                "first declared here",
            )])
        };
        self.push(p);
    }

    /// Sets a clause that may appear once; reports the second.
    pub fn once<T>(&mut self, slot: &mut Option<(T, Span)>, value: T, span: Span, keyword: &str) {
        match slot {
            Some((_, first)) => {
                let first = *first;
                self.duplicate("clause", keyword, first, span);
            }
            None => *slot = Some((value, span)),
        }
    }
}
