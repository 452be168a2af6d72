//! The diagnostic codes of `uplan test`, each with an input that triggers it.

/// An expectation that does not hold: `expect ready` on a plan that is blocked.
pub const FAILED: &str = "uplan::test::failed";
/// The test's planning stopped with an error (a contradiction in the rules, such as an
/// ordering cycle or a plan that fails its own replay): the test fails with it.
pub const NOT_PLANNED: &str = "uplan::test::not_planned";
/// `inventory "../../examples/no-such.yaml"`: the file cannot be read.
pub const UNREADABLE_INVENTORY: &str = "uplan::test::unreadable_inventory";
/// `set clusters[biz-9].istio = 1.20.8` when the inventory has no cluster `biz-9`.
pub const BAD_OVERRIDE: &str = "uplan::test::bad_override";
/// `kubernetes: 1.30` (unquoted) in a file a test overrides: rewriting it would read 1.3.
pub const UNQUOTED_DECIMAL: &str = "uplan::test::unquoted_decimal";
/// The inventory with the overrides applied does not load (a required field left out
/// of an inline inventory, a value of the wrong type).
pub const BAD_INVENTORY: &str = "uplan::test::bad_inventory";
/// `uplan test --filter x` where no test's name contains `x`.
pub const NO_TESTS: &str = "uplan::test::no_tests";
/// `uplan lint`: a rule, procedure, order or limit no test exercises (only when the
/// rulebook has tests at all).
pub const UNEXERCISED: &str = "uplan::lint::unexercised";
