//! The mutation suite: seeded mistakes in a copy of `rules/acp/` (the ones a reviewer
//! of a rule change fears most) each make `uplan lint` or `uplan test` fail, and the
//! failure names the rule (or test) and the place. A mutation that survives both is a
//! hole in the rulebook's tests: add the test that kills it.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Run, uplan};

/// One seeded change: in `file`, `edit` rewrites the text; the run that fails must
/// print every string of `names` (the rule or test, and the file it sits in).
struct Mutation {
    name: &'static str,
    file: &'static str,
    edit: Edit,
    names: &'static [&'static str],
}

enum Edit {
    /// Replace the text, which must occur exactly once.
    Replace(&'static str, &'static str),
    /// Delete the declaration starting with this line, up to its closing `}`.
    Delete(&'static str),
}

const MUTATIONS: &[Mutation] = &[
    Mutation {
        name: "swap-standby-primary-cvo",
        file: "global-dr.uplan",
        edit: Edit::Replace(
            "do     observe-upgrade(s) -> run-preflight(p)",
            "do     observe-upgrade(p) -> run-preflight(s)",
        ),
        names: &[
            "dr-cvo-4.1",
            "tests-global.uplan:",
            "run-preflight(global-north)",
        ],
    },
    Mutation {
        name: "swap-standby-primary-script",
        file: "global-dr.uplan",
        edit: Edit::Replace(
            "do     install-product-docs(s) -> trigger-upgrade(p)",
            "do     install-product-docs(p) -> trigger-upgrade(s)",
        ),
        names: &["dr-script", "tests-global.uplan:"],
    },
    Mutation {
        name: "delete-the-limit",
        file: "workloads.uplan",
        edit: Edit::Delete("limit workload-concurrency {"),
        names: &[
            "twenty-at-once",
            "tests-workloads.uplan:",
            "at most 20 `upgrade-workload-cluster`",
        ],
    },
    Mutation {
        name: "drop-global-before-workloads-cvo",
        file: "workloads.uplan",
        edit: Edit::Delete("order global-cvo-before-workloads {"),
        names: &[
            "global-before-workloads-cvo",
            "tests-workloads.uplan:",
            "observe-upgrade(global)",
        ],
    },
    Mutation {
        name: "move-kubernetes-floor-3.18-down",
        file: "releases.uplan",
        edit: Edit::Replace(
            "release 3.18 { kubernetes = 1.30",
            "release 3.18 { kubernetes = 1.29",
        ),
        names: &["k8s-floor-3.18", "tests-prerequisites-3x.uplan:"],
    },
    Mutation {
        name: "move-kubernetes-floor-3.16-up",
        file: "releases.uplan",
        edit: Edit::Replace(
            "release 3.16 { kubernetes = 1.28",
            "release 3.16 { kubernetes = 1.29",
        ),
        names: &["k8s-floor-3.16", "tests-prerequisites-3x.uplan:"],
    },
    Mutation {
        name: "move-istio-floor-3.18-up",
        file: "releases.uplan",
        edit: Edit::Replace("istio_floor = 1.22", "istio_floor = 1.24"),
        names: &["istio-floor-3.18", "tests-prerequisites-3x.uplan:"],
    },
    Mutation {
        name: "move-istio-floor-3.16-down",
        file: "releases.uplan",
        edit: Edit::Replace("istio_floor = 1.20", "istio_floor = 1.19"),
        names: &["istio-floor-3.16", "tests-prerequisites-3x.uplan:"],
    },
    Mutation {
        name: "rename-default-etcd-task",
        file: "constants.uplan",
        edit: Edit::Replace("\"etcd-backup-default\"", "\"etcd-backup-defaults\""),
        names: &["etcd-backup-tasks-4.0", "tests-prerequisites-3x.uplan:"],
    },
    Mutation {
        name: "rename-default-etcd-task-constant",
        file: "constants.uplan",
        edit: Edit::Replace("const default-etcd-backup =", "const default-etcd-task ="),
        names: &[
            "uplan::check::unknown_name",
            "default-etcd-backup",
            "prerequisites-3x.uplan:",
        ],
    },
    Mutation {
        name: "delete-a-source",
        file: "prerequisites-3x.uplan",
        edit: Edit::Replace(
            "rule k8s-floor-3.16 {\n  source  \"ACP 4.0 docs › Upgrade › Pre-Upgrade Preparation › Upgrading from 3.16 — docs.alauda.io/container_platform/4.0/upgrade/pre-upgrade.html\"\n",
            "rule k8s-floor-3.16 {\n",
        ),
        names: &[
            "uplan::check::missing_clause",
            "k8s-floor-3.16",
            "prerequisites-3x.uplan:",
        ],
    },
    Mutation {
        name: "delete-a-test-source",
        file: "tests-workloads.uplan",
        edit: Edit::Replace(
            "test twenty-at-once-cvo {\n  source    \"ACP 4.0 › Upgrade Workload Clusters: a maximum of 20 workload clusters can be upgraded concurrently\"\n",
            "test twenty-at-once-cvo {\n",
        ),
        names: &[
            "uplan::check::missing_clause",
            "twenty-at-once-cvo",
            "tests-workloads.uplan:",
        ],
    },
    Mutation {
        name: "misspell-a-fact",
        file: "prerequisites-4x.uplan",
        edit: Edit::Replace(
            "require c.runtime == containerd\n  else    block\n  message \"Global",
            "require c.runtim == containerd\n  else    block\n  message \"Global",
        ),
        names: &[
            "uplan::check::unknown_fact",
            "runtim",
            "did you mean `runtime`",
            "prerequisites-4x.uplan:",
        ],
    },
    Mutation {
        name: "misspell-a-rule-in-a-test",
        file: "tests-prerequisites-3x.uplan",
        edit: Edit::Replace(
            "expect    finding k8s-floor-3.16-managed fix on alder-prod",
            "expect    finding k8s-flor-3.16-managed fix on alder-prod",
        ),
        names: &[
            "uplan::check::unknown_rule",
            "did you mean `k8s-floor-3.16-managed`",
            "tests-prerequisites-3x.uplan:",
        ],
    },
];

/// A scratch copy of the repository's `rules/acp/` and `examples/` (the tests read
/// their inventories at `../../examples/` from the rule files), with `m` applied.
fn mutated(m: &Mutation) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mutation-{}", m.name));
    let _ = fs::remove_dir_all(&root);
    let rules = root.join("rules/acp");
    copy_dir(Path::new("examples"), &root.join("examples"));
    copy_dir(Path::new("rules/acp"), &rules);
    let path = rules.join(m.file);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", m.file));
    let edited = match m.edit {
        Edit::Replace(from, to) => {
            assert_eq!(
                text.matches(from).count(),
                1,
                "{}: `{from}` once in {}",
                m.name,
                m.file
            );
            text.replace(from, to)
        }
        Edit::Delete(head) => delete(&text, head, m),
    };
    fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
    rules
}

fn delete(text: &str, head: &str, m: &Mutation) -> String {
    let start = text
        .find(head)
        .unwrap_or_else(|| panic!("{}: no `{head}` in {}", m.name, m.file));
    let len = text[start..]
        .find("\n}\n")
        .unwrap_or_else(|| panic!("{}: unclosed", m.name));
    format!("{}{}", &text[..start], &text[start + len + 3..])
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.is_file() {
            let target = to.join(path.file_name().unwrap_or_default());
            fs::copy(&path, target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// Lint, then (when lint passes) the tests: the first run that fails.
fn killer(rules: &Path) -> Option<(&'static str, Run)> {
    let dir = rules.display().to_string();
    let lint = uplan(&["lint", &dir]);
    if lint.code != Some(0) {
        return Some(("lint", lint));
    }
    let test = uplan(&["test", &dir]);
    (test.code != Some(0)).then_some(("test", test))
}

#[test]
fn every_mutation_is_killed_naming_the_rule_and_place() {
    let mut survivors = Vec::new();
    for m in MUTATIONS {
        let rules = mutated(m);
        let Some((by, run)) = killer(&rules) else {
            survivors.push(m.name);
            continue;
        };
        let all = format!("{}{}", run.stdout, run.stderr);
        for name in m.names {
            assert!(
                all.contains(name),
                "{}: `uplan {by}` does not name `{name}`:\n{all}",
                m.name
            );
        }
        assert!(
            matches!(run.code, Some(1 | 2)),
            "{}: `uplan {by}` exit {:?}",
            m.name,
            run.code
        );
    }
    assert!(
        survivors.is_empty(),
        "mutations no lint or test kills: {survivors:?}"
    );
}

#[test]
fn the_unmutated_copy_passes_lint_and_test() {
    let m = Mutation {
        name: "none",
        file: "workloads.uplan",
        edit: Edit::Replace("to 20 at once", "to 20 at once"),
        names: &[],
    };
    let rules = mutated(&m);
    assert!(killer(&rules).is_none(), "the copy itself must pass");
    let run = uplan(&["test", &rules.display().to_string()]);
    assert!(
        run.stdout.ends_with(" passed, 0 failed\n"),
        "{}",
        run.stdout
    );
}

/// Found by this suite: `global-before-workloads` (upgrade-cluster before the
/// workloads) is implied by `global-finished-before-workloads` and the procedures'
/// `upgrade-cluster(c) -> … -> install-product-docs(c)` chain, so deleting it alone
/// changes no plan and no test can see it. Kept as a measured fact: if this test
/// fails, the order started to matter, and the mutation belongs in MUTATIONS.
#[test]
fn dropping_global_before_workloads_alone_changes_no_plan() {
    let m = Mutation {
        name: "drop-global-before-workloads-script",
        file: "workloads.uplan",
        edit: Edit::Delete("order global-before-workloads {"),
        names: &[],
    };
    let rules = mutated(&m);
    assert!(
        killer(&rules).is_none(),
        "the order became observable: add it to MUTATIONS"
    );
    let both = Mutation {
        name: "drop-both-script-global-before-workloads",
        file: "workloads.uplan",
        edit: Edit::Replace(
            "install-product-docs(g) before upgrade-workload-cluster(w)",
            "install-product-docs(g) before upgrade-devops-toolchain(w)",
        ),
        names: &[],
    };
    let rules = mutated(&both);
    let text = fs::read_to_string(rules.join("workloads.uplan")).unwrap_or_default();
    let text = delete(&text, "order global-before-workloads {", &both);
    fs::write(rules.join("workloads.uplan"), text).unwrap_or_else(|e| panic!("{e}"));
    let (_, run) =
        killer(&rules).unwrap_or_else(|| panic!("dropping both script orders must be killed"));
    assert!(
        run.stdout.contains("global-before-workloads-script"),
        "{}",
        run.stdout
    );
}
