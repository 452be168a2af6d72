//! Lint catches what compiles but is a mistake, each next to the generic mini
//! rulebook (`tests/fixtures/mini`): a `when` no hop satisfies, a requirement that
//! ignores the inventory, a pattern naming a step its hops never hold, an order whose
//! steps never meet, a limit on a step no hop holds. Each warning names the rule and
//! points at the place; `--deny warnings` fails; the ACP rulebook lints clean.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::uplan;

fn with_mini(name: &str, extra: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lint-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    for entry in fs::read_dir("tests/fixtures/mini").unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.extension().is_some_and(|x| x == "uplan") {
            let target = dir.join(path.file_name().unwrap_or_default());
            fs::copy(&path, target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    fs::write(dir.join("zz-extra.uplan"), extra).unwrap_or_else(|e| panic!("{e}"));
    dir
}

/// Lints the mini rulebook plus `extra` and returns the warnings about `extra`.
fn warnings_of(name: &str, extra: &str) -> String {
    let dir = with_mini(name, extra);
    let run = uplan(&["lint", &dir.display().to_string()]);
    assert_eq!(run.code, Some(0), "warnings alone exit 0: {run:?}");
    // Each diagnostic starts with its code on a line of its own; keep those that point
    // into the extra file, on one line each (miette wraps long messages).
    let mut blocks: Vec<String> = Vec::new();
    for line in run.stderr.lines() {
        if line.starts_with("uplan::") || blocks.is_empty() {
            blocks.push(String::new());
        }
        if let Some(b) = blocks.last_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    blocks
        .iter()
        .filter(|b| b.contains("zz-extra.uplan"))
        .map(|b| {
            b.replace('│', " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

const RULE_TAIL: &str =
    "  each    cluster c\n  require c.kubernetes >= 1.28\n  else    block\n  message \"m\"\n}\n";

#[test]
fn a_when_naming_a_hop_that_does_not_exist_applies_nowhere() {
    let out = warnings_of(
        "hop",
        &format!("rule backwards {{\n  source  \"s\"\n  when    hop 3.1 -> 2.0\n{RULE_TAIL}"),
    );
    assert!(out.contains("uplan::lint::never_applies"), "{out}");
    assert!(out.contains("rule `backwards` applies on no hop"), "{out}");
    assert!(
        out.contains("the hops are 1.0->2.0, 2.0->3.0, 3.0->3.1"),
        "{out}"
    );
}

#[test]
fn a_when_below_every_source_applies_nowhere() {
    let out = warnings_of(
        "from",
        &format!(
            "rule ancient {{\n  source  \"s\"\n  when    hop.from < 0.5 and hop.flow == script\n{RULE_TAIL}"
        ),
    );
    assert!(out.contains("rule `ancient` applies on no hop"), "{out}");
}

#[test]
fn a_when_that_depends_on_the_inventory_is_not_flagged() {
    let out = warnings_of(
        "depends",
        &format!(
            "rule fine {{\n  source  \"s\"\n  when    hop.from < 2.0 and platform.registry == external\n{RULE_TAIL}"
        ),
    );
    assert!(!out.contains("never_applies"), "{out}");
}

#[test]
fn require_true_never_fires() {
    let out = warnings_of(
        "true",
        "rule vacuous {\n  source  \"s\"\n  each    cluster c\n  require true\n  else    block\n  message \"m\"\n}\n",
    );
    assert!(out.contains("uplan::lint::constant_requirement"), "{out}");
    assert!(out.contains("the rule never fires"), "{out}");
}

#[test]
fn require_false_without_narrowing_fires_everywhere_but_with_a_filter_is_an_idiom() {
    let bare = warnings_of(
        "false",
        "rule always {\n  source  \"s\"\n  each    cluster c\n  require false\n  else    block\n  message \"m\"\n}\n",
    );
    assert!(
        bare.contains("fails on every hop, for every binding"),
        "{bare}"
    );
    let filtered = warnings_of(
        "false-where",
        "rule filtered {\n  source  \"s\"\n  each    cluster c where c.role == workload\n  require false\n  else    block\n  message \"m\"\n}\n",
    );
    assert!(!filtered.contains("constant_requirement"), "{filtered}");
}

#[test]
fn a_follow_up_after_a_step_its_hops_never_hold_is_named_at_the_pattern() {
    // `upgrade-kubernetes` is added only on hops into 2.0 (k8s-floor-2.0).
    let extra = "rule late-fix {\n  source  \"s\"\n  when    hop.from >= 2.0\n  each    cluster c\n  require c.kubernetes >= 1.28\n  else    step backup(c) before upgrade-cluster(c)\n  then    step backup(c) after upgrade-kubernetes(c, _)\n  message \"m\"\n}\n";
    let out = warnings_of("after", extra);
    assert!(out.contains("uplan::lint::absent_anchor"), "{out}");
    assert!(
        out.contains(
            "rule `late-fix`: `after` `upgrade-kubernetes` matches no step on 2.0->3.0, 3.0->3.1"
        ),
        "{out}"
    );
    assert!(
        out.contains("upgrade-kubernetes(c, _)"),
        "the snippet shows the pattern: {out}"
    );
}

#[test]
fn an_order_whose_steps_never_meet_is_dead() {
    let extra = "order never-together {\n  source \"s\"\n  when   hop.from >= 2.0\n  upgrade-kubernetes(c, _) before upgrade-cluster(c)\n}\n";
    let out = warnings_of("order", extra);
    assert!(out.contains("uplan::lint::dead_order"), "{out}");
    assert!(
        out.contains("order `never-together` never applies"),
        "{out}"
    );
}

#[test]
fn deny_warnings_exits_1_and_the_acp_rulebook_lints_clean() {
    let dir = with_mini(
        "deny",
        "rule vacuous {\n  source  \"s\"\n  each    cluster c\n  require true\n  else    block\n  message \"m\"\n}\n",
    );
    let run = uplan(&["lint", "--deny", "warnings", &dir.display().to_string()]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let acp = uplan(&["lint", "--deny", "warnings", "rules/acp"]);
    assert_eq!(acp.code, Some(0), "{acp:?}");
    assert_eq!(acp.stderr, "", "the ACP rulebook has no lint warning");
    assert!(
        acp.stdout.contains(" rules, "),
        "the summary line: {}",
        acp.stdout
    );
}

#[test]
fn the_per_hop_view_lists_what_a_cvo_hop_inherits_and_nothing_of_the_script_flow() {
    let run = uplan(&["lint", "--hop", "4.2->4.3"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let out = &run.stdout;
    // 4.2 -> 4.3 is a CVO hop (releases.uplan): the CVO procedures apply, the script ones not.
    for present in [
        "global-standard-cvo",
        "global-dr-cvo",
        "workloads-cvo",
        "workload-concurrency",
        "global-before-workloads",
    ] {
        assert!(
            out.contains(present),
            "{present} applies on 4.2->4.3: {out}"
        );
    }
    for absent in ["global-standard-script", "costmanager-removed"] {
        assert!(!out.contains(absent), "{absent} is for 3.x sources: {out}");
    }
    assert!(
        out.contains("rules/acp/workloads.uplan:"),
        "each entry says where: {out}"
    );
    // A milestone shows the steps it stands for on this hop: the CVO request and
    // observation, never the script's trigger or console upgrade.
    let started = out
        .lines()
        .find(|l| l.trim_start().starts_with("upgrade-started"))
        .unwrap_or_else(|| panic!("the milestones are listed: {out}"));
    assert!(
        started.contains("request-upgrade | upgrade-workload-cluster"),
        "{started}"
    );
    assert!(!started.contains("trigger-upgrade"), "{started}");
    let upgraded = out
        .lines()
        .find(|l| l.trim_start().starts_with("upgraded "))
        .unwrap_or_else(|| panic!("the milestones are listed: {out}"));
    assert!(upgraded.contains("observe-upgrade"), "{upgraded}");
    assert!(!upgraded.contains("install-product-docs"), "{upgraded}");
}

#[test]
fn the_per_hop_view_refuses_a_hop_the_rulebook_lacks() {
    let run = uplan(&["lint", "--hop", "4.3->4.4"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("uplan::cli::usage"), "{}", run.stderr);
    assert!(
        run.stderr.contains("4.2->4.3"),
        "the help lists the hops: {}",
        run.stderr
    );
}

/// Per language with a `translation` block: a text without an entry is reported at
/// the English text, an entry no text has at its key; a rulebook without translations
/// is not asked for any.
#[test]
fn translations_missing_and_unused() {
    let extra = "step lint-say(c: cluster) {\n  title \"Say hello to {c.name}\"\n  note  \"A second text\"\n}\n\
                 translation zh {\n  \"Say hello to {c.name}\" = \"向 {c.name} 问好\"\n  \"Say goodbye to {c.name}\" = \"向 {c.name} 告别\"\n}\n";
    let out = warnings_of("translations", extra);
    let missing: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("uplan::lint::missing_translation"))
        .collect();
    // The mini rulebook's own texts have no entry either; the extra file's one does.
    assert_eq!(missing.len(), 1, "{out}");
    assert!(missing[0].contains("note \"A second text\""), "{out}");
    let unused: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("uplan::lint::unused_translation"))
        .collect();
    assert_eq!(unused.len(), 1, "{out}");
    assert!(unused[0].contains("\"Say goodbye to {c.name}\""), "{out}");
    assert!(!out.contains("Say hello to {c.name}\" has"), "{out}");
    let plain = warnings_of(
        "no-translations",
        "step lint-plain(c: cluster) {\n  title \"Plain {c.name}\"\n}\n",
    );
    assert!(!plain.contains("_translation"), "{plain}");
}
