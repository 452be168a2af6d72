//! The stable codes of inventory diagnostics, each with an input that triggers it.

/// The text is not YAML: `clusters: [a, b` (an unclosed bracket), a tab indent, two
/// documents separated by `---`, or a control character (`\u{1}`) anywhere.
pub const YAML_SYNTAX: &str = "uplan::inventory::yaml_syntax";

/// A key the schema does not declare for that record: `kubernets: "1.30"`.
pub const UNKNOWN_FIELD: &str = "uplan::inventory::unknown_field";

/// The same key twice in one mapping: `name: a` then `name: b`.
pub const DUPLICATE_KEY: &str = "uplan::inventory::duplicate_key";

/// A value of the wrong shape: `kubernetes: {major: 1}`, `machines_not_running: lots`.
pub const WRONG_TYPE: &str = "uplan::inventory::wrong_type";

/// A value that should be a version and is not: `kubernetes: "one.two"`, or a YAML
/// number whose text is not a version (`kubernetes: 1.3e2`, `.inf`, `0x1F`). Unquoted
/// versions are read as written: `kubernetes: 1.30` is 1.30, not the number 1.3.
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
/// Collections nested deeper than [`super::limits::MAX_DEPTH`]: `plugins: [[[[…]]]]`
/// 65 brackets deep, or 65 levels of `- - - …`.
pub const TOO_DEEP: &str = "uplan::inventory::too_deep";

/// Aliases that expand past the cap of [`super::limits::MAX_NODES_BASE`]: an anchor of
/// 1,000 plugins (`plugins: &all [...]`) referenced from 1,200 clusters (`plugins: *all`).
pub const ALIAS_EXPANSION: &str = "uplan::inventory::alias_expansion";

/// A list longer than [`super::limits::MAX_LIST_LEN`]: 1,000,001 entries under
/// `etcd_backup_tasks:`.
pub const LIST_TOO_LONG: &str = "uplan::inventory::list_too_long";

/// A YAML tag that does not agree with the field's type: `provider: !!binary aGVsbG8=`,
/// `name: !foo x`, `kubernetes: !!int 130`. Only `!!str` (strings, versions, enums,
/// keys), `!!int`, `!!bool`, `!!seq`, `!!map` and `!!null` (where null is allowed) pass,
/// each on a field of its type.
pub const BAD_TAG: &str = "uplan::inventory::bad_tag";

/// An integer outside the 64-bit range: `machines_not_running: 99999999999999999999`.
pub const INT_OUT_OF_RANGE: &str = "uplan::inventory::int_out_of_range";
