//! Hand-built plans for the renderers' snapshot tests: two hops, waves, manual and
//! automatic steps, remediation steps, cross-hop `after` edges, every severity.

use crate::plan::{Finding, Plan, PlannedStep, SCHEMA_ID, Status};

fn step(id: &str, cluster: Option<&str>, title: &str) -> PlannedStep {
    let (hop, action) = id.split_once(':').unwrap_or(("", id));
    PlannedStep {
        id: id.to_string(),
        hop: hop.to_string(),
        action: action.split('(').next().unwrap_or(action).to_string(),
        cluster: cluster.map(str::to_string),
        title: title.to_string(),
        commands: Vec::new(),
        manual: false,
        after: Vec::new(),
        wave: 1,
        rule: None,
        notes: Vec::new(),
        duration_minutes: None,
        ..PlannedStep::default()
    }
}

fn finding(rule: &str, severity: &str, cluster: Option<&str>, message: &str) -> Finding {
    Finding {
        rule: rule.to_string(),
        severity: severity.to_string(),
        cluster: cluster.map(str::to_string),
        message: message.to_string(),
        facts: Vec::new(),
        source: String::new(),
        fixed_by: None,
        hop: Some("3.16->4.0".to_string()),
        ..Finding::default()
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn first_hop_steps() -> Vec<PlannedStep> {
    let mut uninstall = step(
        "3.16->4.0:uninstall-plugin(biz-1,costmanager)",
        Some("biz-1"),
        "Uninstall costmanager from biz-1",
    );
    uninstall.manual = true;
    uninstall.duration_minutes = Some(15);
    uninstall.rule = Some("costmanager-removed".into());
    uninstall.commands = strings(&["kubectl -n cpaas-system delete moduleinfo costmanager-biz-1"]);

    let mut k8s = step(
        "3.16->4.0:upgrade-kubernetes(biz-1,1.28)",
        Some("biz-1"),
        "Upgrade Kubernetes on biz-1 to 1.28",
    );
    k8s.manual = true;
    k8s.duration_minutes = Some(60);
    k8s.rule = Some("k8s-floor-3.16".into());
    k8s.notes = strings(&["Every pod on biz-1 restarts"]);

    let mut images = step(
        "3.16->4.0:upload-images(global)",
        Some("global"),
        "Upload the 4.0 images to the registry of global",
    );
    images.duration_minutes = Some(120);
    images.commands = strings(&["bash upgrade.sh --only-sync-image=true"]);

    let mut global = step(
        "3.16->4.0:upgrade-cluster(global)",
        Some("global"),
        "Upgrade the global cluster to 4.0",
    );
    global.duration_minutes = Some(90);
    global.after = strings(&[
        "3.16->4.0:upload-images(global)",
        "3.16->4.0:uninstall-plugin(biz-1,costmanager)",
        "3.16->4.0:upgrade-kubernetes(biz-1,1.28)",
    ]);
    global.commands = strings(&[
        "bash upgrade.sh --skip-sync-image",
        "kubectl get nodes | grep -v Ready",
    ]);
    global.notes = strings(&["The console is unavailable for about 10 minutes"]);

    let mut biz1 = step(
        "3.16->4.0:upgrade-cluster(biz-1)",
        Some("biz-1"),
        "Upgrade workload cluster biz-1 to 4.0",
    );
    biz1.wave = 2;
    biz1.duration_minutes = Some(45);
    biz1.after = strings(&["3.16->4.0:upgrade-cluster(global)"]);
    biz1.commands = strings(&["kubectl annotate cluster biz-1 cpaas.io/upgrade=4.0"]);

    let mut biz2 = step(
        "3.16->4.0:upgrade-cluster(biz-2)",
        Some("biz-2"),
        "Upgrade workload cluster biz-2 to 4.0",
    );
    biz2.wave = 2;
    biz2.after = strings(&["3.16->4.0:upgrade-cluster(global)"]);

    vec![uninstall, k8s, images, global, biz1, biz2]
}

fn second_hop_steps() -> Vec<PlannedStep> {
    let mut global = step(
        "4.0->4.3:upgrade-cluster(global)",
        Some("global"),
        "Upgrade the global cluster to 4.3",
    );
    global.duration_minutes = Some(60);
    global.after = strings(&[
        "3.16->4.0:upgrade-cluster(biz-1)",
        "3.16->4.0:upgrade-cluster(biz-2)",
    ]);
    global.commands = strings(&["kubectl apply -f cvo-4.3.yaml"]);

    let mut docs = step(
        "4.0->4.3:install-product-docs",
        None,
        "Install the product documentation plugin",
    );
    docs.manual = true;
    docs.duration_minutes = Some(10);
    docs.rule = Some("product-docs".into());
    docs.after = strings(&["4.0->4.3:upgrade-cluster(global)"]);

    vec![global, docs]
}

fn fix_findings() -> Vec<Finding> {
    let mut k8s = finding(
        "k8s-floor-3.16",
        "fix",
        Some("biz-1"),
        "biz-1 runs Kubernetes 1.27.4; leaving 3.16 needs 1.28",
    );
    k8s.facts = strings(&["clusters.biz-1.kubernetes"]);
    k8s.source = "ACP 4.0 guide › Pre-upgrade preparation › Upgrading from 3.16".into();
    k8s.fixed_by = Some("3.16->4.0:upgrade-kubernetes(biz-1,1.28)".into());

    let mut cost = finding(
        "costmanager-removed",
        "fix",
        Some("biz-1"),
        "costmanager is installed on biz-1; 4.0 no longer ships it",
    );
    cost.facts = strings(&["clusters.biz-1.plugins.costmanager"]);
    cost.source = "ACP 4.0 guide › Pre-upgrade preparation › Plugins".into();
    cost.fixed_by = Some("3.16->4.0:uninstall-plugin(biz-1,costmanager)".into());
    vec![k8s, cost]
}

fn other_findings() -> Vec<Finding> {
    let mut es = finding(
        "es-restart",
        "warn",
        Some("biz-2"),
        "Elasticsearch on biz-2 restarts during the upgrade | expect a short log gap",
    );
    es.facts = strings(&["clusters.biz-2.elasticsearch"]);
    es.source = "ACP 4.0 guide › Impacts".into();

    let mut docs = finding(
        "product-docs",
        "info",
        None,
        "4.3 documents itself in the console",
    );
    docs.source = "ACP 4.3 release notes".into();
    docs.hop = Some("4.0->4.3".into());
    vec![es, docs]
}

/// A ready two-hop plan.
pub fn ready() -> Plan {
    let mut steps = first_hop_steps();
    steps.extend(second_hop_steps());
    let mut findings = fix_findings();
    findings.extend(other_findings());
    Plan {
        schema: SCHEMA_ID.to_string(),
        status: Status::Ready,
        from: "3.16.2".into(),
        to: "4.3.0".into(),
        path: strings(&["3.16", "4.0", "4.3"]),
        findings,
        steps,
        provenance: None,
        inventory_meta: None,
        checkpoints: vec![],
        post_checks: vec![],
        limits: vec![],
        clusters: vec![],
        lang: None,
    }
}

/// The same plan, blocked by a cluster whose Kubernetes is too new.
pub fn blocked() -> Plan {
    let mut plan = ready();
    plan.status = Status::Blocked;
    let mut ceiling = finding(
        "k8s-ceiling-4.3",
        "block",
        Some("biz-2"),
        "biz-2 runs Kubernetes 1.35.1; 4.3 accepts 1.31–1.34\nand Kubernetes is never downgraded",
    );
    ceiling.facts = strings(&["clusters.biz-2.kubernetes"]);
    ceiling.source = "ACP 4.3 guide › Compatibility".into();
    ceiling.hop = Some("4.0->4.3".into());
    plan.findings.insert(0, ceiling);
    plan
}

/// A plan with nothing to do.
pub fn empty() -> Plan {
    Plan {
        schema: SCHEMA_ID.to_string(),
        status: Status::Ready,
        from: "4.3.0".into(),
        to: "4.3".into(),
        path: strings(&["4.3"]),
        findings: Vec::new(),
        steps: Vec::new(),
        provenance: None,
        inventory_meta: None,
        checkpoints: vec![],
        post_checks: vec![],
        limits: vec![],
        clusters: vec![],
        lang: None,
    }
}
