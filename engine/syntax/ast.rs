//! The AST of one rule file. Every node carries a [`Span`].
//!
//! The AST is close to the text: clauses of a rule are kept in source order and in
//! one list, so the checker can say "`message` given twice" or "missing `source`"
//! with the right spans. Names are unresolved strings.

use crate::model::{CmpOp, Quantifier, Version};
use crate::source::Span;

#[derive(Clone, Debug, Default)]
pub struct Module {
    pub file: u32,
    pub span: Span,
    pub decls: Vec<Decl>,
}

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Decl {
    Record(RecordDecl),
    Inventory(FieldBlock),
    Path(PathDecl),
    ReleaseFields(FieldBlock),
    Release(ReleaseDecl),
    HopFields(FieldBlock),
    Hop(HopDecl),
    Phases(PhasesDecl),
    Step(StepDecl),
    Rule(ClauseDecl),
    Procedure(ClauseDecl),
    Order(ClauseDecl),
    Limit(ClauseDecl),
    Const(ConstDecl),
    Vocabulary(VocabularyDecl),
    Test(TestDecl),
    Milestone(MilestoneDecl),
    Checkpoint(CheckpointDecl),
    Translation(TranslationDecl),
}

/// `milestone upgraded(c: cluster) = upgrade-cluster(c) | upgrade-workload-cluster(c)`
#[derive(Clone, Debug)]
pub struct MilestoneDecl {
    pub name: Ident,
    pub params: Vec<ParamDecl>,
    /// The alternatives, each a step pattern over the parameters.
    pub alts: Vec<Pattern>,
    pub span: Span,
}

// ---------------------------------------------------------------- translations

/// `translation zh { "English {x}" = "中文 {x}" … }`
#[derive(Clone, Debug)]
pub struct TranslationDecl {
    /// The language code as written (`zh`); the checker knows which exist.
    pub lang: Ident,
    pub entries: Vec<TranslationEntry>,
    pub span: Span,
}

/// `"English {x}" = "中文 {x}"`: the key is matched against the English texts by its
/// source text (quotes included), so it is kept as a string literal with its span.
#[derive(Clone, Debug)]
pub struct TranslationEntry {
    pub key: StrLit,
    pub text: StrLit,
    pub span: Span,
}

// ---------------------------------------------------------------- tests

/// `test corvid-istio { source "…"  inventory "…"  set …  expect … }`: a rule test,
/// run by `uplan test`, never by planning.
#[derive(Clone, Debug)]
pub struct TestDecl {
    pub id: Ident,
    pub clauses: Vec<TestClause>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TestClause {
    pub kind: TestClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TestClauseKind {
    Source(StrLit),
    /// `inventory "../../examples/corvid-3.18-istio.yaml"`, relative to the rule file.
    Inventory(StrLit),
    /// `set clusters[global].istio = 1.20.8`
    Set(FactPath, Expr),
    /// `remove clusters[biz-1]`
    Remove(FactPath),
    /// `add clusters[global].plugins { name = "costmanager" }`
    Add(FactPath, Vec<FieldInit>),
    /// `to 4.3`
    To(VersionLit),
    Expect(Expect),
}

/// `clusters[global].istio`: fields from the inventory root, `[key]` picks an element.
#[derive(Clone, Debug)]
pub struct FactPath {
    pub segs: Vec<FactSeg>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FactSeg {
    pub field: Ident,
    pub key: Option<Ident>,
}

#[derive(Clone, Debug)]
pub enum Expect {
    /// `expect ready` (true) / `expect blocked` (false)
    Status(bool),
    /// `expect [no] finding RULE [SEVERITY] [on CLUSTER]`
    Finding {
        negated: bool,
        rule: Ident,
        severity: Option<Ident>,
        cluster: Option<Ident>,
    },
    /// `expect [no] step P(args) [on CLUSTER] [in A -> B]`
    Step {
        negated: bool,
        pattern: Pattern,
        cluster: Option<Ident>,
        hop: Option<(VersionLit, VersionLit)>,
    },
    /// `expect step P(..) before step Q(..) [in A -> B]`
    Before {
        first: Pattern,
        then: Pattern,
        hop: Option<(VersionLit, VersionLit)>,
    },
    /// `expect at most N ACTION at once`
    AtMost {
        max: u32,
        max_span: Span,
        step: Ident,
    },
}

/// `const minio-free-gb = 120`
#[derive(Clone, Debug)]
pub struct ConstDecl {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `vocabulary plugin.name { "costmanager" aka "cost-manager" … }`
#[derive(Clone, Debug)]
pub struct VocabularyDecl {
    pub field: Dotted,
    pub entries: Vec<VocabEntry>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct VocabEntry {
    pub name: StrLit,
    pub aliases: Vec<StrLit>,
    pub span: Span,
}

// ---------------------------------------------------------------- schema

#[derive(Clone, Debug)]
pub struct RecordDecl {
    pub name: Ident,
    pub entity: bool,
    pub fields: FieldBlock,
    pub span: Span,
}

/// `{ name: type [= default] ... }`
#[derive(Clone, Debug)]
pub struct FieldBlock {
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    /// `probe "kubectl …"`: how to find the fact when the inventory leaves it out.
    pub probe: Option<StrLit>,
    /// `doc "…"`: what the field means.
    pub doc: Option<StrLit>,
    /// `value NAME "…" synonyms "…"`: what each enum value means.
    pub values: Vec<ValueDoc>,
    pub span: Span,
}

/// `value builtin "the platform's own registry" synonyms "internal", "local"`.
#[derive(Clone, Debug)]
pub struct ValueDoc {
    pub name: Ident,
    pub doc: StrLit,
    pub synonyms: Vec<StrLit>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub kind: TypeKind,
    /// `T?`, or an enum listing `null` among its variants.
    pub optional: bool,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    /// `bool`, `int`, `string`, `version`, `range` or a record name.
    Named(Ident),
    Enum(Vec<Ident>),
    List(Box<TypeExpr>),
}

/// `path from platform.version to target`
#[derive(Clone, Debug)]
pub struct PathDecl {
    pub from: Dotted,
    pub to: Option<Dotted>,
    pub span: Span,
}

/// `a.b.c`: a name followed by field names.
#[derive(Clone, Debug)]
pub struct Dotted {
    pub parts: Vec<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct VersionLit {
    pub version: Version,
    pub span: Span,
}

/// `name = expr`
#[derive(Clone, Debug)]
pub struct FieldInit {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ReleaseDecl {
    pub version: VersionLit,
    pub fields: Vec<FieldInit>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct HopDecl {
    pub from: VersionLit,
    pub to: VersionLit,
    pub fields: Vec<FieldInit>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct PhasesDecl {
    pub names: Vec<Ident>,
    pub span: Span,
}

// ---------------------------------------------------------------- steps

#[derive(Clone, Debug)]
pub struct StepDecl {
    pub name: Ident,
    pub params: Vec<ParamDecl>,
    pub clauses: Vec<StepClause>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct StepClause {
    pub kind: StepClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StepClauseKind {
    Title(StrLit),
    Phase(Ident),
    Manual,
    Automatic,
    /// `duration 10m..15m guide`
    Duration(DurationLit),
    Command(StrLit, Option<Expr>),
    Note(StrLit, Option<Expr>),
    Effect(Box<EffectKind>, Option<Expr>),
    Stepwise(Dotted, Ident),
    /// `optional "what skipping it costs"`
    Optional(StrLit),
    /// `verify`, `undo`, `irreversible`, `escalate`: read by the runbook only.
    Runbook(RunbookKind, StrLit, Option<Expr>),
}

#[derive(Clone, Debug)]
pub enum EffectKind {
    /// `c.kubernetes = to`
    Set { place: Dotted, value: Expr },
    /// `remove p in c.plugins [where cond]`
    Remove {
        var: Ident,
        list: Dotted,
        cond: Option<Expr>,
    },
    /// `add c.plugins { name = "topolvm" }`
    Add {
        list: Dotted,
        fields: Vec<FieldInit>,
    },
    /// `for d in c.disks [where cond]: d.free_gb = 120`
    ForEach {
        var: Ident,
        list: Dotted,
        cond: Option<Expr>,
        target: Dotted,
        value: Expr,
    },
}

// ---------------------------------------------------------------- rules, procedures, orders, limits

/// A rule, procedure, order or limit: an id and its clauses in source order.
#[derive(Clone, Debug)]
pub struct ClauseDecl {
    pub id: Ident,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Clause {
    pub kind: ClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ClauseKind {
    Source(StrLit),
    When(Expr),
    Each(Each),
    Require(Expr),
    Outcome {
        has_else: bool,
        outcome: Outcome,
    },
    FollowUp(FollowUp),
    Message(StrLit),
    Do(DoChain),
    OrderBody(OrderBody),
    LimitBody(LimitBody),
    /// `unwaivable` (rules only): no waiver may accept the rule's findings.
    Unwaivable,
}

impl ClauseKind {
    /// The keyword that starts the clause, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Source(_) => "source",
            ClauseKind::When(_) => "when",
            ClauseKind::Each(_) => "each",
            ClauseKind::Require(_) => "require",
            ClauseKind::Outcome { .. } => "outcome",
            ClauseKind::FollowUp(_) => "then",
            ClauseKind::Message(_) => "message",
            ClauseKind::Do(_) => "do",
            ClauseKind::OrderBody(_) => "before",
            ClauseKind::LimitBody(_) => "at once",
            ClauseKind::Unwaivable => "unwaivable",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Each {
    pub var: Ident,
    pub source: EachSource,
    pub filter: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum EachSource {
    /// `each cluster c`
    Entity(Ident),
    /// `each p in c.plugins`
    List(Expr),
}

#[derive(Clone, Debug)]
pub enum Outcome {
    Block,
    Warn(Guard),
    Note(Guard),
    Step {
        call: Call,
        /// The remediation precedes every step matching any of these.
        before: Vec<Pattern>,
        filter: Option<Expr>,
        /// `just before`: placed as late as the plan allows.
        late: bool,
    },
}

/// `warn at P, Q where E` / `warn on P where E` (no patterns: a plain `warn`).
#[derive(Clone, Debug, Default)]
pub struct Guard {
    pub at: Vec<Pattern>,
    /// `on`: the finding exists only when some step matches.
    pub on: bool,
    pub filter: Option<Expr>,
}

/// `then step S(args) after PATTERN [where EXPR]`
#[derive(Clone, Debug)]
pub struct FollowUp {
    pub call: Call,
    pub after: Pattern,
    pub filter: Option<Expr>,
}

/// `step-name(expr, ...)`
#[derive(Clone, Debug)]
pub struct Call {
    pub step: Ident,
    pub args: Vec<Expr>,
    pub span: Span,
}

/// `step-name(_, x, expr)`
#[derive(Clone, Debug)]
pub struct Pattern {
    pub step: Ident,
    pub args: Vec<PatArg>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatArg {
    Any(Span),
    Expr(Expr),
}

/// `do a(c) -> b(c) [when E]` or `do a(c), b(c)`
#[derive(Clone, Debug)]
pub struct DoChain {
    pub calls: Vec<Call>,
    pub ordered: bool,
    pub when: Option<Expr>,
}

/// `A(..) before B(..) [where E]`
#[derive(Clone, Debug)]
pub struct OrderBody {
    pub first: Pattern,
    pub then: Pattern,
    pub filter: Option<Expr>,
}

/// `P1(..), P2(..) [where E] to N at once`
#[derive(Clone, Debug)]
pub struct LimitBody {
    pub patterns: Vec<Pattern>,
    pub filter: Option<Expr>,
    /// The count when it is a number; 1 when it is computed.
    pub max: u32,
    /// The count computed per hop, when it is no plain number.
    pub count: Option<Expr>,
    pub max_span: Span,
}

// ---------------------------------------------------------------- expressions

/// A string literal; `{expr}` holes make it a template.
#[derive(Clone, Debug)]
pub struct StrLit {
    pub parts: Vec<StrPart>,
    pub span: Span,
}

impl StrLit {
    /// The text when the string has no holes.
    pub fn plain(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                StrPart::Text(t) => out.push_str(t),
                StrPart::Hole(_) => return None,
            }
        }
        Some(out)
    }
}

#[derive(Clone, Debug)]
pub enum StrPart {
    Text(String),
    Hole(Expr),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Str(StrLit),
    Version(Version),
    Range {
        lo: Version,
        hi: Version,
        inclusive: bool,
    },
    /// A bare name: a variable, a root field, `hop`, or an enum variant.
    Name(String),
    Field(Box<Expr>, Ident),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    In {
        item: Box<Expr>,
        set: Box<Expr>,
        negated: bool,
    },
    Like(Box<Expr>, StrLit),
    Coalesce(Box<Expr>, Box<Expr>),
    Quant {
        kind: Quantifier,
        var: Ident,
        list: Box<Expr>,
        body: Box<Expr>,
    },
    HopIs {
        from: Option<VersionLit>,
        to: Option<VersionLit>,
    },
    List(Vec<Expr>),
}

// ---------------------------------------------------------------- runbook

/// `duration 2h`, `duration 10m..15m guide`: minutes, at most, and on whose word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationLit {
    pub min: u32,
    pub max: Option<u32>,
    /// `guide`: the guides give it; otherwise it is the rule author's estimate.
    pub guide: bool,
}

/// The runbook's step clauses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunbookKind {
    Verify,
    /// `undo "…"` (`judgement`: the rule author's, not the guides')
    Undo {
        judgement: bool,
    },
    Irreversible,
    Escalate,
    Restarts,
}

impl RunbookKind {
    pub fn keyword(self) -> &'static str {
        match self {
            RunbookKind::Verify => "verify",
            RunbookKind::Undo { .. } => "undo",
            RunbookKind::Irreversible => "irreversible",
            RunbookKind::Escalate => "escalate",
            RunbookKind::Restarts => "restarts",
        }
    }
}

/// `checkpoint ID { … }`: a go/no-go point in a window, or a check after the upgrade.
#[derive(Clone, Debug)]
pub struct CheckpointDecl {
    pub id: Ident,
    pub clauses: Vec<CheckpointClause>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct CheckpointClause {
    pub kind: CheckpointClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum CheckpointClauseKind {
    Source(StrLit),
    When(Expr),
    /// `before PHASE`; `None`: `at end`.
    Place(Option<Ident>),
    Title(StrLit),
    Check(StrLit, Option<Expr>),
    Command(StrLit, Option<Expr>),
}
