//! The checked rulebook: every name resolved to an index, every expression typed.
//!
//! The checker produces these; the evaluator only reads them. Variables are slots in a
//! per-declaration frame (`num_vars`): step parameters first, then `each` variables,
//! then pattern and quantifier variables, in the order the checker meets them.

use std::sync::Arc;

use super::lang::Lang;
use super::types::{RecordId, Schema, Type};
use super::value::Value;
use super::version::Version;
use crate::source::{Sources, Span};

pub type StepId = u16;
pub type Var = u16;

#[derive(Clone, Debug)]
pub struct Rulebook {
    pub sources: Sources,
    pub schema: Schema,
    pub releases: Vec<Release>,
    pub hops: Vec<Hop>,
    pub phases: Vec<String>,
    pub steps: Vec<StepDef>,
    pub rules: Vec<Rule>,
    pub procedures: Vec<Procedure>,
    pub orders: Vec<Order>,
    pub limits: Vec<Limit>,
    /// `milestone` declarations: patterns naming them are expanded into their
    /// alternatives when the rulebook is checked; kept for lint and tools.
    pub milestones: Vec<Milestone>,
    /// Go/no-go points and checks after the upgrade, for the runbook.
    pub checkpoints: Vec<Checkpoint>,
    pub path: PathDecl,
    /// `test` declarations: run by `uplan test`, never read by planning.
    pub tests: Vec<super::ruletest::RuleTest>,
    /// Which texts have which translations (`translation zh { … }`), for lint; the
    /// translated templates themselves live in each [`Template`].
    pub translations: Translations,
}

/// The translation catalogue as lint sees it: every translatable English text, and
/// every entry of every `translation` block.
#[derive(Clone, Debug, Default)]
pub struct Translations {
    /// The languages that have at least one `translation` block, in [`Lang`] order.
    pub langs: Vec<Lang>,
    /// Every title, note, message and optional consequence, in checking order.
    pub sites: Vec<TextSite>,
    pub entries: Vec<TranslationEntry>,
    /// Translations of texts without holes the schema holds (a field's `probe`), by
    /// their English text: `(lang, English, translated)`.
    pub plain: Vec<(Lang, String, String)>,
}

impl Translations {
    /// `english` in `lang`: the translation of a plain text (a `probe`), or the
    /// English itself. The counterpart of [`Template::in_lang`] for texts without holes.
    pub fn plain_in<'a>(&'a self, lang: Lang, english: &'a str) -> &'a str {
        self.plain
            .iter()
            .find(|(l, e, _)| *l == lang && e == english)
            .map_or(english, |(_, _, t)| t)
    }
}

/// One English text a runbook can show, and the languages it has an entry in.
#[derive(Clone, Debug)]
pub struct TextSite {
    /// The English template as written, quotes included: the key of its entries.
    pub key: String,
    pub span: Span,
    pub langs: Vec<Lang>,
}

/// `"English" = "translated"` in a `translation LANG` block.
#[derive(Clone, Debug)]
pub struct TranslationEntry {
    pub lang: Lang,
    pub key: String,
    /// The span of the key (where lint points when nothing uses it).
    pub span: Span,
    /// Some English text of the rulebook has this key.
    pub used: bool,
}

/// `path from platform.version to target`: which root facts hold the installed version
/// (where the upgrade path starts) and the default target (`--to` overrides it).
#[derive(Clone, Debug)]
pub struct PathDecl {
    /// Field indices from the root; the fact has type `version`.
    pub from: Vec<u16>,
    /// Field indices from the root; the fact has type `version?`.
    pub to: Option<Vec<u16>>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Release {
    pub version: Version,
    /// A record of `schema.release`.
    pub facts: Value,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Hop {
    pub from: Version,
    pub to: Version,
    /// A record of `schema.hop_fields`.
    pub attrs: Value,
    pub span: Span,
}

impl Hop {
    /// `3.16->4.0`: how plans, step ids and diagnostics name a hop.
    pub fn name(&self) -> String {
        format!("{}->{}", self.from, self.to)
    }
}

/// Which fact of the current hop an expression reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopRef {
    From,
    To,
    /// The release facts of `from` (a record of `schema.release`, or null).
    Source,
    /// The release facts of `to`.
    Target,
    /// The exact version the hop lands on: the requested target (`4.3.7`) on the
    /// path's last hop, `to` with every component (`4.0.0`) on the others.
    Version,
    /// `plan.target`: the requested target with every component, on every hop of
    /// the path (a hop's `to` where no plan is being made, as in lint).
    PlanTarget,
    /// The hop's record of attributes.
    Attrs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
    Count,
}

#[derive(Clone, Debug)]
pub enum Expr {
    Lit(Value),
    Var(Var),
    /// The inventory root record.
    Root,
    Hop(HopRef),
    Field(Box<Expr>, u16),
    /// `r.min` / `r.max` of a range (`upper` for `max`).
    RangeBound {
        range: Box<Expr>,
        upper: bool,
    },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// Both sides have the same (non-optional) type, or one side is `null`.
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    /// `x in [..]` (list) or `v in lo..=hi` (range); `negated` for `not in`.
    In {
        item: Box<Expr>,
        set: Box<Expr>,
        negated: bool,
    },
    /// `s like "log-storage-*"`.
    Like(Box<Expr>, Arc<str>),
    Coalesce(Box<Expr>, Box<Expr>),
    Quant {
        kind: Quantifier,
        var: Var,
        list: Box<Expr>,
        body: Box<Expr>,
    },
    /// `hop 3.16 -> 4.0`; `None` is `*`.
    HopIs {
        from: Option<Version>,
        to: Option<Version>,
    },
    List(Vec<Expr>),
}

/// A string with `{expr}` holes; each hole keeps its type so enums print by name.
#[derive(Clone, Debug, Default)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
    /// The same text in other languages, checked in the same scope (holes of the
    /// English text only). Empty for commands: they never change with the language.
    pub translations: Vec<(Lang, Template)>,
}

impl Template {
    /// The template to show in `lang`: its translation, or the English text when the
    /// rulebook has none (`uplan lint` reports that as `missing_translation`). Every
    /// text a runbook shows goes through here, so a new text field gets languages by
    /// being rendered with [`crate::eval`]'s `Env::render`.
    pub fn in_lang(&self, lang: Lang) -> &Template {
        self.translations
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(self, |(_, t)| t)
    }
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Text(String),
    Hole(Expr, Type),
}

/// Where an effect writes: a variable (an entity parameter) or the root, then fields.
#[derive(Clone, Debug)]
pub struct Place {
    pub base: PlaceBase,
    pub fields: Vec<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceBase {
    Root,
    Var(Var),
}

#[derive(Clone, Debug)]
pub enum Effect {
    /// `effect c.kubernetes = to`
    Set {
        place: Place,
        value: Expr,
        when: Option<Expr>,
    },
    /// `effect remove p in c.plugins where p.name == name`
    Remove {
        var: Var,
        list: Place,
        cond: Expr,
        when: Option<Expr>,
    },
    /// `effect add c.plugins { name = name }`: one expression per field of the element
    /// record, defaults already filled in by the checker.
    Add {
        list: Place,
        fields: Vec<Expr>,
        when: Option<Expr>,
    },
    /// `effect for d in c.disks where d.path == p: d.free_gb = gb`
    ForEach {
        var: Var,
        list: Place,
        cond: Expr,
        fields: Vec<u16>,
        value: Expr,
        when: Option<Expr>,
    },
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub ty: Type,
    pub span: Span,
}

/// `stepwise c.kubernetes to`: one instance per minor version from the place's current
/// value up to the parameter's value.
#[derive(Clone, Debug)]
pub struct Stepwise {
    pub place: Place,
    pub param: u16,
}

#[derive(Clone, Debug)]
pub struct Conditional<T> {
    pub item: T,
    pub when: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct StepDef {
    pub name: String,
    pub params: Vec<Param>,
    pub title: Template,
    pub phase: u16,
    pub manual: bool,
    pub duration_minutes: Option<u32>,
    pub commands: Vec<Conditional<Template>>,
    pub notes: Vec<Conditional<Template>>,
    pub effects: Vec<Effect>,
    pub stepwise: Option<Stepwise>,
    /// `optional "…"`: a person may skip the step; the text says what that costs.
    pub optional: Option<Template>,
    /// What only the runbook reads.
    pub runbook: StepRunbook,
    pub num_vars: u16,
    pub span: Span,
}

impl StepDef {
    /// The index of the first entity-typed parameter: the step's "cluster".
    pub fn subject(&self, schema: &Schema) -> Option<usize> {
        self.params.iter().position(|p| match p.ty {
            Type::Record(id) => schema.record(id).entity.is_some(),
            _ => false,
        })
    }
}

/// What an `each` iterates.
#[derive(Clone, Debug)]
pub enum EachSource {
    /// `each cluster c`: the root list holding that entity.
    Entity { record: RecordId, root_field: u16 },
    /// `each p in c.plugins`
    List(Expr),
}

#[derive(Clone, Debug)]
pub struct Each {
    pub var: Var,
    pub source: EachSource,
    pub filter: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct StepCall {
    pub step: StepId,
    pub args: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatArg {
    /// `_`
    Any,
    /// A name not bound before: binds the argument. A slot bound earlier in the same
    /// declaration (e.g. by the other pattern of an `order`) means "equal to it".
    Bind(Var),
    /// An expression over variables already bound: the argument must equal it.
    Equal(Expr),
}

#[derive(Clone, Debug)]
pub struct Pattern {
    pub step: StepId,
    pub args: Vec<PatArg>,
    pub span: Span,
    /// The milestone this pattern is one alternative of, as written (`upgraded(c)`).
    pub via: Option<u16>,
}

/// `milestone upgraded(c: cluster) = upgrade-cluster(c) | upgrade-workload-cluster(c)`.
#[derive(Clone, Debug)]
pub struct Milestone {
    pub name: String,
    pub params: Vec<Param>,
    pub alts: Vec<MilestoneAlt>,
    pub span: Span,
}

/// One alternative: a step, and per step parameter the milestone parameter it takes
/// (`None` for `_`).
#[derive(Clone, Debug)]
pub struct MilestoneAlt {
    pub step: StepId,
    pub args: Vec<Option<u16>>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational.
    Info,
    Warn,
    /// Fixed by a step the plan adds.
    Fix,
    Block,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Fix => "fix",
            Severity::Block => "block",
        }
    }
}

#[derive(Clone, Debug)]
pub enum Outcome {
    Block,
    Warn(Guard),
    Note(Guard),
    Step {
        call: StepCall,
        /// The steps the remediation must precede (and before which the requirement
        /// must hold): every step matching any of them; empty only puts it in its hop.
        before: Vec<Pattern>,
        filter: Option<Expr>,
        /// `just before`: the scheduler places the remediation as late as its
        /// successors allow (see `eval::placement`).
        late: bool,
    },
}

/// Where a `warn` or `note` is also shown: `at P, Q where E`; with `on`, the finding
/// exists only when a step of its hop matches.
#[derive(Clone, Debug, Default)]
pub struct Guard {
    pub at: Vec<Pattern>,
    pub on: bool,
    pub filter: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct FollowUp {
    pub call: StepCall,
    /// The anchor's alternatives (one pattern, or a milestone's steps).
    pub after: Vec<Pattern>,
    pub filter: Option<Expr>,
}

/// A fact a requirement reads, for the finding's `facts` list:
/// a variable (or the root) followed by field indices.
#[derive(Clone, Debug, PartialEq)]
pub struct FactRef {
    pub base: PlaceBase,
    pub fields: Vec<u16>,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    /// The `source` as written, holes and all (`ACP {hop.to} guide › …`): what lint,
    /// SARIF and the rulebook's documentation cite.
    pub source: String,
    /// The `source` with holes, filled per finding like its message; `None` when it
    /// has none (then every finding cites `source`).
    pub source_template: Option<Template>,
    pub message: Template,
    pub when: Option<Expr>,
    pub each: Vec<Each>,
    pub require: Option<Expr>,
    pub outcome: Outcome,
    pub then: Option<FollowUp>,
    pub facts: Vec<FactRef>,
    /// Where the rule reads facts the inventory may leave out (fields with a
    /// `probe`); `None` when it reads none.
    pub unknowns: Option<Box<Unknowns>>,
    /// Numbers and versions the requirement writes as literals that the message repeats
    /// as plain text (lint warns: the two can drift apart).
    pub echoes: Vec<String>,
    /// The inventory fields the rule's conditions read (`when`, `each`, `require`), as
    /// `record.field` (`cluster.kubernetes`, `plugin.name`), or a root field's name
    /// (`extraction`); sorted. Documentation and tools use it.
    pub reads: Vec<String>,
    /// False for an `unwaivable` rule: a waiver naming it is a diagnostic.
    pub waivable: bool,
    pub num_vars: u16,
    pub span: Span,
}

/// A probed fact a rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProbeRead {
    /// A field of the entity the rule's first `each` binds.
    Bound(u16),
    /// A field of any entity of a root list (`any(x in clusters: x.plugins …)`).
    AnyOf { list: u16, field: u16 },
    /// A field of the inventory root.
    Root(u16),
}

/// A rule's conditions split so each part can be judged on its own: a part that reads
/// a fact the inventory leaves out is unknown, the others are evaluated.
#[derive(Clone, Debug, Default)]
pub struct Unknowns {
    /// `when`, split at `and`, each part with the probed facts it reads.
    pub when: Vec<(Expr, Vec<ProbeRead>)>,
    /// The first `each` clause's filter, split likewise.
    pub filter: Vec<(Expr, Vec<ProbeRead>)>,
    /// What the rest of the rule reads (later `each` clauses, `require`).
    pub rest: Vec<ProbeRead>,
}

impl Rule {
    pub fn severity(&self) -> Severity {
        match self.outcome {
            Outcome::Block => Severity::Block,
            Outcome::Warn(_) => Severity::Warn,
            Outcome::Note(_) => Severity::Info,
            Outcome::Step { .. } => Severity::Fix,
        }
    }
}

/// `do a(c) -> b(c) -> c(c) [when EXPR]`
#[derive(Clone, Debug)]
pub struct Chain {
    pub calls: Vec<StepCall>,
    /// Consecutive calls are ordered (`->`) when true, merely instantiated (`,`) when false.
    pub ordered: bool,
    pub when: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct Procedure {
    pub id: String,
    pub source: String,
    pub when: Option<Expr>,
    pub each: Vec<Each>,
    pub chains: Vec<Chain>,
    pub num_vars: u16,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Order {
    pub id: String,
    pub source: String,
    pub when: Option<Expr>,
    /// Each side's alternatives (one pattern, or a milestone's steps); every
    /// alternative of a side binds the same variables.
    pub first: Vec<Pattern>,
    pub then: Vec<Pattern>,
    /// Conjuncts of the `where` that read only the first pattern's variables.
    pub filter_first: Option<Expr>,
    /// Conjuncts that read only the second pattern's (and shared) variables.
    pub filter_then: Option<Expr>,
    /// The remaining conjuncts, checked per pair.
    pub filter_pair: Option<Expr>,
    pub num_vars: u16,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Limit {
    pub id: String,
    pub source: String,
    /// The hops (and inventories) it holds on; read on the facts at the hop's start.
    pub when: Option<Expr>,
    pub patterns: Vec<Pattern>,
    pub filter: Option<Expr>,
    /// The bound when it is a number.
    pub max: u32,
    /// The bound computed per hop (an `int`), when it is no number; a value below 1
    /// is a plan-time error at `count_span`.
    pub count: Option<Expr>,
    pub count_span: Span,
    /// The variables whose values form a binding that holds a slot.
    pub key_vars: Vec<Var>,
    pub num_vars: u16,
    pub span: Span,
}

impl Rulebook {
    pub fn step_by_name(&self, name: &str) -> Option<StepId> {
        self.steps
            .iter()
            .position(|s| s.name == name)
            .map(|i| i as StepId)
    }

    pub fn release(&self, version: &Version) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| r.version.compare(version) == std::cmp::Ordering::Equal)
    }
}

/// What only the runbook reads of a step (docs/dsl.md › The runbook).
#[derive(Clone, Debug, Default)]
pub struct StepRunbook {
    /// The short end of `duration A..B` (`duration_minutes` holds the long end).
    pub duration_min: Option<u32>,
    /// `duration … guide`: the guides give the time; otherwise an estimate.
    pub duration_from_guide: bool,
    pub verify: Vec<Conditional<Template>>,
    /// `undo "…"`; the flag: `undo judgement`, the rule author's, not the guides'.
    pub undo: Vec<(Conditional<Template>, bool)>,
    pub irreversible: Vec<Conditional<Template>>,
    pub escalate: Vec<Conditional<Template>>,
    pub restarts: Vec<Conditional<Template>>,
}

/// `checkpoint ID { … }`: a go/no-go point of every window whose `when` holds, or
/// (`before` is `None`) a check after the upgrade.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    pub id: String,
    pub source: String,
    pub when: Option<Expr>,
    /// The phase it precedes; `None`: `at end`.
    pub before: Option<u16>,
    pub title: Template,
    pub checks: Vec<Conditional<Template>>,
    pub commands: Vec<Conditional<Template>>,
    pub num_vars: u16,
    pub span: Span,
}
