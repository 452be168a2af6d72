//! The stable codes of command-line diagnostics, each with an input that triggers it.

/// The command line itself is wrong: `uplan plan x.yaml --format pdf`, `uplan deploy`,
/// `uplan plan` (no inventory), `uplan plan x.yaml --bogus`.
pub const USAGE: &str = "uplan::cli::usage";

/// An input cannot be read: `uplan plan no/such.yaml`, a file without read permission,
/// or one that is not UTF-8.
pub const UNREADABLE_FILE: &str = "uplan::cli::unreadable_file";

/// An input is not a regular file: `uplan plan /dev/zero`, `uplan plan examples/`, a
/// FIFO (`mkfifo inv.yaml`); checked before the file is opened, so nothing blocks.
pub const NOT_A_FILE: &str = "uplan::cli::not_a_file";

/// An input is larger than 64 MiB (`uplan::input::MAX_INPUT_BYTES`): `uplan plan
/// huge.yaml` after `truncate -s 100M huge.yaml`.
pub const TOO_LARGE: &str = "uplan::cli::too_large";

/// `-o FILE` cannot be written: `-o no/such/dir/plan.md`, a read-only directory, a full
/// disk.
pub const UNWRITABLE_FILE: &str = "uplan::cli::unwritable_file";

/// `-o FILE` names something that is not a regular file: `-o /dev/null`, `-o plans/`,
/// a FIFO, or a symlink to a missing file.
pub const OUTPUT_NOT_A_FILE: &str = "uplan::cli::output_not_a_file";

/// `-o FILE` names one of the run's inputs (the same file, through a symlink or a hard
/// link too): `uplan plan inv.yaml -o inv.yaml`.
pub const OUTPUT_IS_INPUT: &str = "uplan::cli::output_is_input";

/// Writing to stdout or stderr failed: `uplan plan inv.yaml >/dev/full`, or stdout
/// closed (`uplan plan inv.yaml >&-`).
pub const WRITE_FAILED: &str = "uplan::cli::write_failed";

/// `--to` is not a version: `--to 4.x`.
pub const BAD_VERSION: &str = "uplan::cli::bad_version";

/// The file given to `validate` is not plan JSON: truncated JSON, a wrong type
/// (`"wave": "1"`), a missing field.
pub const BAD_PLAN: &str = "uplan::cli::bad_plan";

/// The plan JSON has another schema id: `"schema": "uplan.plan/v9"`.
pub const UNKNOWN_SCHEMA: &str = "uplan::cli::unknown_schema";

/// `--today` or `UPLAN_TODAY` is not a `YYYY-MM-DD` date: `--today 31.12.2026`.
pub const BAD_DATE: &str = "uplan::cli::bad_date";

/// `uplan explain inv.yaml upgrade-kubernets` names no step of the plan and no rule of
/// the rulebook (with "did you mean" when one is close).
pub const EXPLAIN_UNKNOWN: &str = "uplan::explain::unknown_target";
