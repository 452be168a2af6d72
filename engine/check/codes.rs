//! Every diagnostic code the checker emits, each with a one-line input that triggers
//! it. The codes are stable: tests, scripts and people search for them.
//!
//! The parser's codes live with the parser, in [`crate::syntax::codes`].

/// `require c.kubernetes >= 1.28` with no variable or root field `c` in scope.
pub const UNKNOWN_NAME: &str = "uplan::check::unknown_name";
/// `c.kubernets` where `cluster` has no field `kubernets`.
pub const UNKNOWN_FACT: &str = "uplan::check::unknown_fact";
/// `kubernetes: verison` (no such type or record).
pub const UNKNOWN_TYPE: &str = "uplan::check::unknown_type";
/// `else step upgrade-kubernets(c, 1.28)` with no step of that name.
pub const UNKNOWN_STEP: &str = "uplan::check::unknown_step";
/// `c.role == globl` where `role: global | workload`; `value globl "…"` on that field.
pub const UNKNOWN_VARIANT: &str = "uplan::check::unknown_variant";
/// `when hop 3.61 -> 4.0` where no `hop` declares `3.61`.
pub const UNKNOWN_VERSION: &str = "uplan::check::unknown_version";
/// `phase kubernets` not listed in `phases`.
pub const UNKNOWN_PHASE: &str = "uplan::check::unknown_phase";
/// `c.kubernetes >= "1.28"` (version compared with string).
pub const TYPE_MISMATCH: &str = "uplan::check::type_mismatch";
/// `c.istio >= 1.20` without `c.istio != null and …` first.
pub const OPTIONAL_NOT_NARROWED: &str = "uplan::check::optional_not_narrowed";
/// Two `step backup(...)` declarations, or `title` given twice in one step.
pub const DUPLICATE: &str = "uplan::check::duplicate";
/// `step upgrade(c: cluster)` called as `upgrade(c, 1.28)`.
pub const ARITY: &str = "uplan::check::arity";
/// A rule without `source` or `message`, a step without `title`.
pub const MISSING_CLAUSE: &str = "uplan::check::missing_clause";
/// `else block` in a rule without `require`, or `block` without `else` after one.
pub const ELSE_MISMATCH: &str = "uplan::check::else_mismatch";
/// `add c.plugins { version = 1.0 }` leaving out the required `name`.
pub const MISSING_FIELD: &str = "uplan::check::missing_field";
/// `release 4.0 { }` when `release fields` has a required field, or a hop endpoint
/// with no `release` when one is needed.
pub const MISSING_RELEASE: &str = "uplan::check::missing_release";
/// A rulebook with no `path from platform.version to target` declaration; pointed at
/// the `inventory` declaration (or the first file's first line: an empty rulebook).
pub const MISSING_PATH: &str = "uplan::check::missing_path";
/// A rulebook with no `hop 4.0 -> 4.1` declaration (only a schema, say): no version
/// is reachable.
pub const MISSING_HOP: &str = "uplan::check::missing_hop";
/// A rulebook with no `inventory { ... }` declaration.
pub const MISSING_INVENTORY: &str = "uplan::check::missing_inventory";
/// `entity cluster { role: string }` (no `name: string`), or an entity listed by no
/// root field (or by two).
pub const ENTITY_SHAPE: &str = "uplan::check::entity_shape";
/// `kind: a | b = c.kind` (a default or release fact must be a literal).
pub const NOT_CONSTANT: &str = "uplan::check::not_constant";
/// `p.name == "{c.name}"` (holes only in titles, commands, notes and messages).
pub const TEMPLATE_NOT_ALLOWED: &str = "uplan::check::template_not_allowed";
/// `effect c.name.x = 1` or `effect to = 1.28` (not a field of an entity or the root).
pub const BAD_PLACE: &str = "uplan::check::bad_place";
/// `message "{c.name} runs Istio {c.istio}"` where `istio: version?` and nothing
/// narrows it: an optional would print `none`.
pub const OPTIONAL_IN_TEXT: &str = "uplan::check::optional_in_text";
/// `limit l { source "x"  upgrade(c) to 0 at once }`.
pub const BAD_LIMIT: &str = "uplan::check::bad_limit";
/// `order a { x(c) before y(c) }` plus `order b { y(c) before x(c) }`.
pub const ORDERING_CYCLE: &str = "uplan::check::ordering_cycle";
/// `vocabulary plugin.name { "costmanager" }` and a rule comparing `p.name == "costmanagr"`
/// (a literal the field's vocabulary does not know).
pub const UNKNOWN_VOCABULARY_NAME: &str = "uplan::check::unknown_vocabulary_name";
/// 10,001 `rule` declarations, 1,001 variants in one enum, a step with 1,001
/// parameters: a count past one of the limits in [`super::limits`].
pub const TOO_MANY: &str = "uplan::check::too_many";
/// `hop 4.3 -> 4.3` (a hop to its own version) or `hop 4.3 -> 4.0` (a hop back to an
/// older one): hops are upgrades.
pub const BAD_HOP: &str = "uplan::check::bad_hop";
/// `order o { source "x"  upgrade(c) before upgrade(c) }` (also `step S(c) before
/// S(c)`, `then step S(c) after S(c)`, `do S(c) -> S(c)`): an instance ordered before
/// itself.
pub const SELF_ORDER: &str = "uplan::check::self_order";
/// `then step reinstall(c) after upgrade-cluster(c)` in a rule whose outcome is
/// `else block`, `warn` or `note`: a follow-up goes with a remediation step (`else
/// step …`), and would otherwise be ignored.
pub const THEN_WITHOUT_STEP: &str = "uplan::check::then_without_step";
/// `expect finding k8s-flor-3.16` in a `test` where no rule has that id.
pub const UNKNOWN_RULE: &str = "uplan::check::unknown_rule";
/// `set clusters.istio = 1.20` (a list needs `[key]`), `remove platform.version` (only
/// a list element can be removed), `set platform.version = c.kubernetes` (a test writes
/// literals): an override a test cannot apply.
pub const BAD_OVERRIDE: &str = "uplan::check::bad_override";
/// `expect step upgrade-cluster(global) in 4.1 -> 4.2` where no hop `4.1 -> 4.2` exists,
/// or `expect finding r critical` (severities are block, fix, warn, info).
pub const BAD_EXPECTATION: &str = "uplan::check::bad_expectation";
/// `registry: builtin | external value builtin "…" synonyms "external"` (a synonym that
/// is itself a value, or is given for two values), or `value` on a field that is no enum.
pub const BAD_SYNONYM: &str = "uplan::check::bad_synonym";
/// `milestone upgraded(c: cluster) = upgrade-cluster(c) | backup(_)` (an alternative
/// that leaves out a parameter), `= upgrade-cluster(c.name)` (an argument that is not a
/// parameter or `_`), or a milestone named like a step: a milestone cannot stand for
/// its steps.
pub const BAD_MILESTONE: &str = "uplan::check::bad_milestone";
/// `translation fr { … }` (uplan translates into `zh`; the rule texts are English).
pub const UNKNOWN_LANGUAGE: &str = "uplan::check::unknown_language";
/// `"Upgrade {c.name}" = "升级 {c.kubernetes}"`: a translation's placeholder that its
/// English text does not have.
pub const TRANSLATION_PLACEHOLDER: &str = "uplan::check::translation_placeholder";
