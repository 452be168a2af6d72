//! `uplan explain`: why a step is in the plan, why a rule fired or did not, with the
//! inventory lines of the facts involved (issue 9, acceptance 6).

mod common;

use common::uplan;

const HARBOR: &str = "examples/harbor-3.16-to-4.3.yaml";

/// The ACP 4.0 guide: leaving 3.16 needs Kubernetes 1.28 on every cluster, so the plan
/// adds an upgrade of harbor-terminal (1.27.12). Explaining that step names the rule,
/// the fact with its value and its inventory line.
#[test]
fn a_remediation_step_names_its_rule_fact_and_inventory_line() {
    let run = uplan(&[
        "explain",
        HARBOR,
        "--to",
        "4.3",
        "upgrade-kubernetes",
        "harbor-terminal",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let out = &run.stdout;
    assert!(out.contains("rule `k8s-floor-3.16`"), "{out}");
    assert!(
        out.contains(
            "clusters.harbor-terminal.kubernetes = \"1.27.12\" (examples/harbor-3.16-to-4.3.yaml:27:"
        ),
        "{out}"
    );
    // The miette snippet shows the line itself.
    assert!(out.contains("kubernetes: \"1.27.12\""), "{out}");
    insta::assert_snapshot!(out);
}

/// A step is found by its plan id as well as by action and cluster.
#[test]
fn a_step_is_named_by_its_id_or_by_action_and_cluster() {
    let by_id = uplan(&[
        "explain",
        HARBOR,
        "--to",
        "4.3",
        "3.16->4.0:upgrade-kubernetes(harbor-terminal,1.28)",
    ]);
    let by_name = uplan(&[
        "explain",
        HARBOR,
        "--to",
        "4.3",
        "upgrade-kubernetes harbor-terminal",
    ]);
    assert_eq!(by_id.code, Some(0), "{by_id:#?}");
    assert_eq!(by_id.stdout, by_name.stdout);
}

/// The guide's standard procedure uploads images, triggers the upgrade, then upgrades
/// the global cluster: the upgrade step cites the procedure, the facts its `each`
/// read (role, DR role) and the step it waits for.
#[test]
fn a_procedure_step_cites_its_procedure_conditions_and_predecessor() {
    let run = uplan(&[
        "explain",
        HARBOR,
        "--to",
        "4.3",
        "upgrade-cluster",
        "global",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let out = &run.stdout;
    assert!(out.contains("procedure `global-standard-script`"), "{out}");
    assert!(out.contains("clusters.global.role = global"), "{out}");
    assert!(
        out.contains("(`3.16->4.0:trigger-upgrade(global)`)"),
        "{out}"
    );
    insta::assert_snapshot!(out);
}

/// Global before workloads (the guide's order): a workload cluster's upgrade names
/// the order that puts it after the global tier.
#[test]
fn a_workload_step_names_the_order_behind_its_predecessor() {
    let run = uplan(&[
        "explain",
        HARBOR,
        "--to",
        "4.3",
        "3.16->4.0:upgrade-workload-cluster(harbor-tracking-eks)",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("order `"), "{}", run.stdout);
}

/// A rule per cluster and hop: where it fires (and what fixes it), where its
/// requirement holds, which clusters its `each … where` leaves out, and the hops it
/// does not apply on.
#[test]
fn a_rule_is_explained_per_cluster_and_hop() {
    let run = uplan(&["explain", HARBOR, "--to", "4.3", "k8s-floor-3.16"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let out = &run.stdout;
    assert!(out.contains("harbor-terminal: fires (fix)"), "{out}");
    assert!(out.contains("global: the requirement holds"), "{out}");
    assert!(
        out.contains(
            "not selected by `each cluster c where c.type == on-premises`: harbor-tracking-eks"
        ),
        "{out}"
    );
    assert!(
        out.contains("clusters.harbor-tracking-eks.type = managed"),
        "{out}"
    );
    assert!(out.contains("hop 4.0 → 4.3:\n  - does not apply"), "{out}");
    insta::assert_snapshot!(out);
}

/// `RULE CLUSTER` keeps one cluster.
#[test]
fn a_rule_can_be_explained_for_one_cluster() {
    let run = uplan(&["explain", HARBOR, "--to", "4.3", "k8s-floor-3.16", "global"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(run.stdout.contains("global: the requirement holds"));
    assert!(!run.stdout.contains("harbor-terminal"), "{}", run.stdout);
}

/// A misspelt name is bad input with a stable code and "did you mean".
#[test]
fn an_unknown_name_is_exit_2_with_did_you_mean() {
    let run = uplan(&["explain", HARBOR, "--to", "4.3", "k8s-flor-3.16"]);
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("uplan::explain::unknown_target"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `k8s-floor-3.16`?"),
        "{}",
        run.stderr
    );
    let step = uplan(&[
        "explain",
        HARBOR,
        "--to",
        "4.3",
        "upgrade-kubernets",
        "global",
    ]);
    assert_eq!(step.code, Some(2), "{step:#?}");
    assert!(
        step.stderr.contains("did you mean `upgrade-kubernetes`?"),
        "{}",
        step.stderr
    );
}

/// With `--lang zh` the texts explain quotes (finding messages, titles) are Chinese.
#[test]
fn explain_quotes_the_rule_texts_in_the_chosen_language() {
    let run = uplan(&[
        "explain",
        HARBOR,
        "--to",
        "4.3",
        "--lang",
        "zh",
        "upgrade-kubernetes",
        "harbor-terminal",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let english = "before 3.16 can move to 4.0 every cluster needs";
    assert!(!run.stdout.contains(english), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("harbor-terminal 运行 Kubernetes 1.27.12"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("为什么计划中有这一步"),
        "{}",
        run.stdout
    );
    // Rule ids, step ids, facts and inventory lines are the same in both languages.
    assert!(
        run.stdout.contains("规则 `k8s-floor-3.16`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("clusters.harbor-terminal.kubernetes = \"1.27.12\" (examples/harbor-3.16-to-4.3.yaml:27:"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(run.stdout);
}
