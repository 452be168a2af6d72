//! Readings of the ACP guides, asserted on the embedded rulebook. Each test names the
//! guide sentence it checks.

use uplan::eval::{self, Mode};
use uplan::model::{Rulebook, Version};
use uplan::plan::{Plan, PlannedStep, Status};

fn acp() -> &'static Rulebook {
    static RB: std::sync::OnceLock<Rulebook> = std::sync::OnceLock::new();
    RB.get_or_init(|| {
        uplan::rulebooks::embedded_acp()
            .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
    })
}

fn load(name: &str) -> uplan::inventory::Inventory {
    let path = format!("{}/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    uplan::inventory::load(acp(), name, &text)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn plan(name: &str, to: Option<&str>) -> Plan {
    let inv = load(name);
    let to = to.map(|t| Version::parse(t).unwrap_or_else(|e| panic!("{t}: {}", e.reason)));
    let ev = eval::evaluate(acp(), &inv, to.as_ref(), Mode::Plan)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    ev.to_plan(acp(), &inv)
}

fn position(p: &Plan, pred: impl Fn(&PlannedStep) -> bool) -> Vec<usize> {
    p.steps
        .iter()
        .enumerate()
        .filter(|(_, s)| pred(s))
        .map(|(i, _)| i)
        .collect()
}

fn examples() -> Vec<String> {
    let dir = format!("{}/examples", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| format!("examples/{n}"))
        .collect();
    names.sort();
    names
}

/// 4.0 guide, Important Notes: upgrading Kubernetes to 1.31 or higher restarts every
/// running pod. The warning follows the cluster across 1.31 in any hop, by any kind of
/// step: here a managed workload moves to 1.31 through its provider on 4.0 → 4.3.
#[test]
fn pods_restart_is_a_warning_on_a_4x_hop_too() {
    let p = plan("examples/harbor-3.16-to-4.3.yaml", None);
    let restart = p.findings.iter().find(|f| {
        f.rule == "pods-restart-k8s-1.31"
            && f.cluster.as_deref() == Some("harbor-tracking-eks")
            && f.hop.as_deref() == Some("4.0->4.3")
    });
    let f = restart.unwrap_or_else(|| panic!("no restart warning on 4.0 → 4.3: {:#?}", p.findings));
    assert_eq!(f.severity, "warn");
    // … and the step that crosses 1.31 carries it.
    let step = p
        .steps
        .iter()
        .find(|s| s.id == "4.0->4.3:upgrade-kubernetes-via-provider(harbor-tracking-eks,1.31)")
        .unwrap_or_else(|| panic!("no provider upgrade to 1.31"));
    assert!(
        step.notes
            .iter()
            .any(|n| n.contains("pods-restart-k8s-1.31")),
        "{step:#?}"
    );
    // A cluster that does not cross 1.31 in a hop gets no warning for it.
    assert!(!p.findings.iter().any(|f| f.rule == "pods-restart-k8s-1.31"
        && f.cluster.as_deref() == Some("harbor-terminal")
        && f.hop.as_deref() == Some("4.0->4.3")));
}

/// 4.0 guide, Upgrading from 3.16: the Elasticsearch 6 of 3.16 cannot go to 8, the
/// checklist output has the instructions, run the checklist before upgrading. So the
/// plan is ready, the migration is a step after the checklist and before the downloads.
#[test]
fn elasticsearch_6_is_ready_with_the_checklist_migration() {
    let p = plan("examples/osprey-3.16-es6.yaml", None);
    assert_eq!(p.status, Status::Ready, "{:#?}", p.findings);
    let f = p.findings.iter().find(|f| f.rule == "es6-from-3.16");
    assert_eq!(f.map(|f| f.severity.as_str()), Some("fix"));
    let checklist = position(&p, |s| s.action == "run-checklist");
    let migrate = position(&p, |s| s.action == "migrate-elasticsearch");
    let download = position(&p, |s| s.action == "download-packages");
    assert_eq!(migrate.len(), 1);
    assert!(
        checklist[0] < migrate[0] && migrate[0] < download[0],
        "{checklist:?} {migrate:?} {download:?}"
    );
}

/// 4.0 guide (every edition): "Run the Checklist" comes before "Download the Packages"
/// on 3.x sources; every prerequisite fix comes before both.
#[test]
fn the_checklist_comes_before_the_downloads_on_every_3x_hop() {
    let (mut seen, mut fixed) = (0, 0);
    for name in examples() {
        let p = plan(&name, None);
        for hop in ["3.16->4.0", "3.18->4.0"] {
            let checklist = position(&p, |s| s.hop == hop && s.action == "run-checklist");
            let download = position(&p, |s| s.hop == hop && s.action == "download-packages");
            if download.is_empty() {
                continue;
            }
            seen += 1;
            assert_eq!(checklist.len(), 1, "{name} {hop}");
            assert!(checklist[0] < download[0], "{name} {hop}");
            // ClickHouse comes off `just before` its cluster's upgrade ("uninstalled
            // before the upgrade and reinstalled afterward"), not before the checklist.
            let fixes = position(&p, |s| {
                s.hop == hop
                    && PREREQUISITE_FIXES.contains(&s.action.as_str())
                    && !s.id.contains("log-storage-clickhouse")
            });
            assert!(
                fixes.iter().all(|f| *f < checklist[0]),
                "{name} {hop}: {fixes:?}"
            );
            fixed += fixes.len();
        }
    }
    assert!(seen >= 10, "only {seen} 3.x hops among the examples");
    assert!(
        fixed >= 5,
        "only {fixed} prerequisite fixes among the examples"
    );
}

/// Steps that make a 3.x platform meet the 4.0 prerequisites.
const PREREQUISITE_FIXES: &[&str] = &[
    "upgrade-istio",
    "upgrade-kubernetes",
    "upgrade-kubernetes-via-provider",
    "uninstall-plugin",
    "remove-etcd-backup-tasks",
    "apply-es-node-role-fix",
    "expand-disk",
    "free-extraction-space",
];

/// Drops every step whose id matches, and what named it in `after`.
fn without(mut p: Plan, drop: impl Fn(&PlannedStep) -> bool) -> (Plan, usize) {
    let gone: Vec<String> = p
        .steps
        .iter()
        .filter(|s| drop(s))
        .map(|s| s.id.clone())
        .collect();
    p.steps.retain(|s| !gone.contains(&s.id));
    for s in &mut p.steps {
        s.after.retain(|a| !gone.contains(a));
    }
    (p, gone.len())
}

fn violations(name: &str, p: &Plan) -> Vec<eval::Violation> {
    eval::validate(acp(), &load(name), p)
        .unwrap_or_else(|e| panic!("{}", uplan::diagnostics::render(&e, false)))
}

/// 4.0 guide, Upgrade the global cluster (INFO): the Kubernetes upgrade in the component
/// upgrade is optional but recommended. On a single hop nothing later needs it: a plan
/// without those steps is still valid.
#[test]
fn an_optional_step_nothing_needs_may_be_skipped() {
    let name = "examples/alder-3.16-clean.yaml";
    let p = plan(name, None);
    assert!(
        p.steps.iter().any(|s| s.optional),
        "alder has optional steps"
    );
    let (skipped, n) = without(p, |s| s.optional);
    assert!(n > 0);
    assert_eq!(violations(name, &skipped), vec![]);
}

/// 3.16 → 4.0 → 4.3: the second hop needs Kubernetes 1.31 (4.3 Compatible Versions),
/// which the first hop's optional in-window upgrade gives. The plan shows those steps as
/// needed, and `validate` names the requirement that breaks without them.
#[test]
fn an_optional_step_a_later_hop_needs_is_kept_and_named() {
    let name = "examples/harbor-3.16-to-4.3.yaml";
    let p = plan(name, None);
    let in_window: Vec<&PlannedStep> = p
        .steps
        .iter()
        .filter(|s| s.action == "upgrade-kubernetes-with-platform")
        .collect();
    assert!(!in_window.is_empty());
    for s in &in_window {
        assert!(!s.optional, "{} is needed by 4.0 → 4.3", s.id);
        assert!(
            s.notes
                .iter()
                .any(|n| n.starts_with("Not optional in this plan")),
            "{s:#?}"
        );
    }
    let (skipped, _) = without(p, |s| s.action == "upgrade-kubernetes-with-platform");
    let v = violations(name, &skipped);
    assert!(
        v.iter().any(|v| v.code == "uplan::validate::requirement"
            && v.rule.as_deref() == Some("preflight-k8s-supported")),
        "{v:#?}"
    );
}

/// Skipping the middle of a one-minor-at-a-time ladder while keeping its last rung is
/// never valid, optional or not.
#[test]
fn a_ladder_cannot_lose_a_middle_rung() {
    let name = "examples/alder-3.16-clean.yaml";
    let p = plan(name, None);
    let ladder: Vec<String> = p
        .steps
        .iter()
        .filter(|s| s.action == "upgrade-kubernetes-with-platform")
        .map(|s| s.id.clone())
        .collect();
    assert!(ladder.len() >= 2, "{ladder:?}");
    let first = ladder[0].clone();
    let (skipped, _) = without(p, |s| s.id == first);
    let v = violations(name, &skipped);
    assert!(
        v.iter().any(|v| v.code == "uplan::validate::missing_step"
            && v.step.as_deref() == Some(first.as_str())),
        "{v:#?}"
    );
}

/// 4.3 guide, Download the Packages: cluster plugins are pushed once to the global
/// tier, operator packages for each workload cluster, before the upgrade.
#[test]
fn plugin_packages_are_pushed_before_the_artifacts() {
    let p = plan("examples/kestrel-4.1-log-essentials.yaml", None);
    let push = position(&p, |s| s.action == "push-plugin-packages");
    let prepare = position(&p, |s| s.action == "prepare-artifacts");
    assert_eq!(push.len(), 1, "once, to the global tier");
    assert!(push[0] < prepare[0]);
    let step = &p.steps[push[0]];
    assert!(
        step.notes
            .iter()
            .any(|n| n.contains("another maintenance window")),
        "{step:#?}"
    );
}

/// 4.3 guide: Service Mesh Essentials are upgraded (not installed) on 4.x.
#[test]
fn service_mesh_essentials_are_upgraded_on_4x() {
    let p = plan("examples/ember-4.1-dr.yaml", None);
    assert!(
        !p.steps
            .iter()
            .any(|s| s.action == "install-service-mesh-essentials")
    );
    let c = plan("examples/corvid-3.18-istio.yaml", None);
    assert!(
        c.steps
            .iter()
            .any(|s| s.action == "install-service-mesh-essentials")
    );
}

/// A patch-level target reaches every command that names the target version.
#[test]
fn a_patch_target_reaches_every_command() {
    let p = plan("examples/sorrel-4.1-patch-target.yaml", None);
    assert_eq!(p.to, "4.3.2");
    let text = uplan::render::json(&p);
    assert!(text.contains("--to=4.3.2"), "request-upgrade");
    assert!(
        text.contains("config.cpaas.io/exempt-for-ver=4.3.2"),
        "annotation"
    );
    assert!(
        !text.contains("4.3.0\""),
        "no other target version in a command"
    );
}
