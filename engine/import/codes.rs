//! The stable codes of import diagnostics (`uplan inventory import --into SKELETON`),
//! each with an input that triggers it.

/// The skeleton is not YAML the importer can carry over: a syntax error, a top level
/// that is not a mapping, `clusters` that is not a list, an alias or a tag (a skeleton
/// is a short hand-written file; write the value out), nesting deeper than 64 levels.
pub const BAD_SKELETON: &str = "uplan::import::bad_skeleton";

/// The skeleton says one thing, the bundle another (`kubernetes: "1.29"` when the
/// nodes run 1.30.4): a warning; the bundle wins (it was read off the cluster).
pub const CONTRADICTION: &str = "uplan::import::contradiction";

/// A skeleton cluster the bundle has no directory for: a warning; its facts stay the
/// skeleton's.
pub const NOT_IN_BUNDLE: &str = "uplan::import::not_in_bundle";

/// Facts the bundle does not show, left out and marked `# TODO(uplan)` in the output:
/// a warning per cluster (and one for the platform) naming them.
pub const TO_FILL: &str = "uplan::import::to_fill";

/// The written inventory does not load yet (a required field left to fill, such as
/// the `role` of a cluster the skeleton does not name): a warning with the loader's
/// first diagnostics; exit code 1.
pub const INCOMPLETE: &str = "uplan::import::incomplete";
