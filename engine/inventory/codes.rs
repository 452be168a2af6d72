//! The stable codes of inventory diagnostics, each with an input that triggers it.

/// The text is not YAML: `clusters: [a, b` (an unclosed bracket), a tab indent, or
/// two documents separated by `---`.
pub const YAML_SYNTAX: &str = "uplan::inventory::yaml_syntax";

/// A key the schema does not declare for that record: `kubernets: "1.30"`.
pub const UNKNOWN_FIELD: &str = "uplan::inventory::unknown_field";

/// The same key twice in one mapping: `name: a` then `name: b`.
pub const DUPLICATE_KEY: &str = "uplan::inventory::duplicate_key";

/// A value of the wrong shape: `kubernetes: {major: 1}`, `machines_not_running: lots`.
pub const WRONG_TYPE: &str = "uplan::inventory::wrong_type";

/// A value that should be a version and is not: `kubernetes: 1.30` (a YAML float) or
/// `kubernetes: "one.two"`.
pub const BAD_VERSION: &str = "uplan::inventory::bad_version";

/// A value outside its enum: `role: globel`.
pub const UNKNOWN_VARIANT: &str = "uplan::inventory::unknown_variant";

/// A required field left out: a cluster without `kubernetes`.
pub const MISSING_FIELD: &str = "uplan::inventory::missing_field";

/// Two entities with the same name: two clusters named `biz-1`.
pub const DUPLICATE_NAME: &str = "uplan::inventory::duplicate_name";

/// The file is empty, or its top level is not a mapping: `- a`.
pub const NOT_A_MAPPING: &str = "uplan::inventory::not_a_mapping";

/// The rulebook declares no inventory root record (a rulebook bug, not an inventory one).
pub const NO_SCHEMA: &str = "uplan::inventory::no_schema";

/// A name that reaches commands and is not a Kubernetes name: a cluster named
/// `biz 1`, a ResourcePatch named `rp; curl x | sh`.
pub const BAD_NAME: &str = "uplan::inventory::bad_name";

/// A negative number where the schema says `uint`: `machines_not_running: -1`.
pub const NEGATIVE: &str = "uplan::inventory::negative";

/// A version with fewer components than the rules compare it with: `kubernetes: "1"`
/// when a rule asks for `>= 1.28`, or `platform.version: "3"`.
pub const IMPRECISE_VERSION: &str = "uplan::inventory::imprecise_version";

/// A name the rulebook's vocabulary does not know (a warning in the plan, not an
/// error): plugin `costmanagr`.
pub const UNKNOWN_NAME: &str = "uplan::inventory::unknown_name";
