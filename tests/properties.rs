//! Properties of planning on random valid ACP inventories (proptest, bounded for CI):
//! a global tier (standard, or a DR pair) and 0–30 workload clusters with random
//! Kubernetes and Istio versions, plugins, disks, ETCD backup tasks, ResourcePatches
//! and data services, from 3.16, 3.18, 4.0, 4.1 or 4.2 to 4.0 or 4.3 (where a path
//! exists). For every one, the plan
//!
//! - is deterministic (the same plan twice),
//! - does not depend on the order of the clusters or of any list in the inventory
//!   (steps and findings compared as sorted sets),
//! - replays valid (`uplan::eval::validate` finds nothing but the blocked findings),
//! - keeps every order and limit: `after` points backwards to an earlier wave, no wave
//!   upgrades more than 20 workload clusters, and the global tier finishes its hop
//!   before any workload cluster starts it,
//! - never upgrades a workload cluster beyond the global: a ready plan holds no
//!   workload recorded ahead of the platform,
//! - has unique step ids,
//! - is `blocked` exactly when a finding blocks.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Value, json};
use uplan::model::Rulebook;
use uplan::plan::Plan;

/// The limit of `workload-concurrency` in rules/acp/workloads.uplan.
const WORKLOADS_AT_ONCE: usize = 20;

fn acp() -> &'static Rulebook {
    static ACP: OnceLock<Rulebook> = OnceLock::new();
    ACP.get_or_init(|| {
        uplan::rulebooks::embedded_acp()
            .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
    })
}

// ── the generator ───────────────────────────────────────────────────────────────

/// A source release: its version and the Kubernetes minor it brings.
const SOURCES: [(&str, u32); 5] = [
    ("3.16", 28),
    ("3.18", 30),
    ("4.0", 31),
    ("4.1", 32),
    ("4.2", 33),
];

const PLUGINS: [&str; 8] = [
    "costmanager",
    "kubecost",
    "topolvm",
    "log-storage-clickhouse",
    "log-storage-elasticsearch",
    "gitops",
    "devops-toolchain",
    "acme-backup",
];

/// `16` for `3.16`.
fn minor_of(release: &str) -> u32 {
    release
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

/// `1.30.4`, or now and then `1.30` (people write both).
fn version(prefix: &str, minor: impl Strategy<Value = u32>) -> impl Strategy<Value = String> {
    let prefix = prefix.to_string();
    (minor, prop::option::weighted(0.8, 0u32..10)).prop_map(move |(m, p)| match p {
        Some(p) => format!("{prefix}.{m}.{p}"),
        None => format!("{prefix}.{m}"),
    })
}

fn plugin() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(&PLUGINS[..]),
        prop::option::of(version("4", 0u32..4)),
        prop::bool::weighted(0.2),
        prop::bool::ANY,
    )
        .prop_map(|(name, version, operator, alauda)| {
            let mut p = json!({"name": name, "version": version});
            if operator {
                p["kind"] = json!("operator");
                p["source"] = json!(if alauda { "alauda" } else { "community" });
            }
            p
        })
}

/// Distinct plugins (a cluster installs a plugin once).
fn plugins() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(plugin(), 0..4).prop_map(|list| {
        let mut seen = BTreeSet::new();
        list.into_iter()
            .filter(|p| seen.insert(p["name"].to_string()))
            .collect()
    })
}

fn disks() -> impl Strategy<Value = Vec<Value>> {
    prop::sample::subsequence(&["/cpaas/minio", "/var/lib/etcd", "/data"][..], 0..=3)
        .prop_flat_map(|paths| {
            let n = paths.len();
            (Just(paths), prop::collection::vec(0i64..400, n))
        })
        .prop_map(|(paths, free)| {
            paths
                .into_iter()
                .zip(free)
                .map(|(path, free_gb)| json!({"path": path, "free_gb": free_gb}))
                .collect()
        })
}

fn data_service() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(
            &[
                "postgresql",
                "mysql-pxc",
                "mysql-mgr",
                "redis",
                "kafka",
                "rabbitmq",
            ][..],
        ),
        prop::sample::select(&["auto", "manual"][..]),
    )
        .prop_map(|(engine, strategy)| json!({"engine": engine, "update_strategy": strategy}))
}

fn resource_patches() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(
        prop::option::of(prop::sample::select(&["4.3.0", "4.0.0", "4.3.1"][..])),
        0..4,
    )
    .prop_map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, exempt)| json!({"name": format!("rp-{i}"), "exempt_for": exempt}))
            .collect()
    })
}

/// Everything a cluster has but its name, role, DR role and ACP version. Only a
/// `troubled` cluster may have what no step fixes (Docker before 4.3, Elasticsearch 6
/// from 3.16, Machines not running in DR), so that most plans are ready and the
/// properties of ready plans get exercised.
fn cluster_body(k8s_minor: u32, troubled: bool) -> impl Strategy<Value = Value> {
    let istio = prop::option::of((
        version("1", 18u32..24),
        prop::option::of(prop::sample::select(&["v1", "v2"][..])),
    ));
    let (es, not_running): (&[i64], &[i64]) = if troubled {
        (&[6, 8], &[0, 0, 1, 2])
    } else {
        (&[8], &[0])
    };
    let basics = (
        version("1", k8s_minor - 2..k8s_minor + 2),
        prop::bool::weighted(0.1),
        prop::bool::weighted(if troubled { 0.2 } else { 0.0 }),
        istio,
        prop::option::of((prop::sample::select(es), prop::bool::ANY)),
        prop::sample::select(not_running),
    );
    let lists = (
        plugins(),
        disks(),
        prop::sample::subsequence(&["etcd-backup-default", "nightly", "offsite"][..], 0..=3),
        prop::collection::vec(data_service(), 0..3),
        resource_patches(),
        prop::bool::weighted(0.2),
    );
    (basics, lists).prop_map(|(basics, lists)| {
        let (kubernetes, managed, docker, istio, es, not_running) = basics;
        let (plugins, disks, tasks, services, patches, app_services) = lists;
        let mut c = json!({
            "kubernetes": kubernetes,
            "runtime": if docker { "docker" } else { "containerd" },
            "plugins": plugins,
            "disks": disks,
            "etcd_backup_tasks": tasks,
            "machines_not_running": not_running,
            "data_services": services,
            "resource_patches": patches,
            "application_services": app_services,
        });
        if managed {
            c["type"] = json!("managed");
            c["provider"] = json!("eks");
        }
        if let Some((istio, mesh)) = istio {
            c["istio"] = json!(istio);
            c["service_mesh"] = json!(mesh);
        }
        if let Some((version, fix)) = es {
            c["elasticsearch"] = json!({"version": version, "node_role_fix": fix});
        }
        c
    })
}

/// A workload's own ACP version: mostly unset (the platform's), sometimes behind or
/// (a blocking finding) ahead of it.
fn workload_version(source: usize, troubled: bool) -> impl Strategy<Value = Option<String>> {
    let behind = SOURCES[source.saturating_sub(1)].0;
    let ahead = SOURCES[(source + 1).min(SOURCES.len() - 1)].0;
    let mut versions = vec![
        None,
        None,
        None,
        None,
        Some(format!("{}.0", SOURCES[source].0)),
    ];
    if troubled {
        versions.extend([Some(format!("{behind}.1")), Some(format!("{ahead}.0"))]);
    }
    prop::sample::select(versions)
}

/// A random valid inventory, as JSON (which is YAML).
fn inventory() -> impl Strategy<Value = Value> {
    (
        0..SOURCES.len(),
        prop::bool::ANY,
        0usize..=30,
        prop::bool::weighted(0.3),
    )
        .prop_flat_map(|(source, dr, workloads, troubled)| {
            let (release, k8s) = SOURCES[source];
            let targets: Vec<&str> = if source < 2 {
                vec!["4.0", "4.3"]
            } else {
                vec!["4.3"]
            };
            let globals = if dr { 2 } else { 1 };
            (
                Just((source, dr)),
                version(
                    release.split('.').next().unwrap_or("3"),
                    Just(minor_of(release)),
                ),
                prop::sample::select(targets),
                prop::sample::select(&["builtin", "external"][..]),
                prop::option::of((prop::bool::ANY, 100i64..400)),
                prop::collection::vec(cluster_body(k8s, troubled), globals),
                prop::collection::vec(
                    (
                        cluster_body(k8s, troubled),
                        workload_version(source, troubled),
                    ),
                    workloads,
                ),
            )
        })
        .prop_map(
            |((_, dr), platform, target, registry, extraction, globals, workloads)| {
                let mut clusters = Vec::new();
                for (i, mut g) in globals.into_iter().enumerate() {
                    let (name, role) = match (dr, i) {
                        (false, _) => ("global", "none"),
                        (true, 0) => ("global-a", "primary"),
                        (true, _) => ("global-b", "standby"),
                    };
                    g["name"] = json!(name);
                    g["role"] = json!("global");
                    g["dr"] = json!(role);
                    clusters.push(g);
                }
                for (i, (mut w, version)) in workloads.into_iter().enumerate() {
                    w["name"] = json!(format!("w-{i:02}"));
                    w["role"] = json!("workload");
                    if let Some(v) = version {
                        w["version"] = json!(v);
                    }
                    clusters.push(w);
                }
                let mut inv = json!({
                    "platform": {"version": platform, "registry": registry},
                    "target": target,
                    "clusters": clusters,
                });
                if let Some((same_disk, free_gb)) = extraction {
                    inv["extraction"] = json!({"same_disk": same_disk, "free_gb": free_gb});
                }
                inv
            },
        )
}

// ── planning and comparing ──────────────────────────────────────────────────────

fn load(inv: &Value) -> uplan::inventory::Inventory {
    let text = serde_json::to_string_pretty(inv).unwrap_or_else(|e| panic!("{e}"));
    uplan::inventory::load(acp(), "inventory.yaml", &text)
        .unwrap_or_else(|p| panic!("{}\n{text}", uplan::diagnostics::render(&p, false)))
}

fn plan(inv: &Value) -> (uplan::inventory::Inventory, Plan) {
    let inventory = load(inv);
    let evaluation = uplan::eval::evaluate(acp(), &inventory, None, uplan::eval::Mode::Plan)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let plan = evaluation.to_plan(acp(), &inventory);
    (inventory, plan)
}

/// A small deterministic generator (SplitMix64), for shuffling from one seed.
struct Mix(u64);

impl Mix {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % bound as u64) as usize
    }

    fn shuffle(&mut self, list: &mut [Value]) {
        for i in (1..list.len()).rev() {
            list.swap(i, self.next(i + 1));
        }
    }
}

/// The inventory with its clusters and every list inside a cluster in another order.
fn shuffled(inv: &Value, seed: u64) -> Value {
    let mut inv = inv.clone();
    let mut mix = Mix(seed);
    if let Some(clusters) = inv["clusters"].as_array_mut() {
        mix.shuffle(clusters);
        for c in clusters.iter_mut() {
            for list in [
                "plugins",
                "disks",
                "etcd_backup_tasks",
                "data_services",
                "resource_patches",
            ] {
                if let Some(items) = c[list].as_array_mut() {
                    mix.shuffle(items);
                }
            }
        }
    }
    inv
}

/// Steps and findings as sorted sets (each with its `after`, `notes` and `facts`
/// lists sorted), and the rest.
fn canonical(plan: &Plan) -> (String, Vec<String>, Vec<String>) {
    let head = format!(
        "{:?} {} {} {:?}",
        plan.status, plan.from, plan.to, plan.path
    );
    let mut steps: Vec<String> = plan
        .steps
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.after.sort();
            // One note per list entry (a data service…) comes in the list's order.
            s.notes.sort();
            serde_json::to_string(&s).unwrap_or_default()
        })
        .collect();
    steps.sort();
    let mut findings: Vec<String> = plan
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            // A fact in a list without keys is named by its position
            // (`clusters.w-1.data_services.0`): that moves with the entry, rightly.
            f.facts = f.facts.iter().map(|p| without_positions(p)).collect();
            f.facts.sort();
            // Where the facts are written moves with the entries, rightly too.
            (f.file, f.line, f.column, f.locations) = (None, None, None, Vec::new());
            serde_json::to_string(&f).unwrap_or_default()
        })
        .collect();
    findings.sort();
    (head, steps, findings)
}

/// `clusters.w-1.data_services.0.engine` → `clusters.w-1.data_services.#.engine`.
fn without_positions(path: &str) -> String {
    path.split('.')
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                "#"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

// ── the properties ──────────────────────────────────────────────────────────────

/// The same steps and findings, whatever their order; on failure, only what differs.
fn same_plan(a: &Plan, b: &Plan) -> Result<(), TestCaseError> {
    let (a, b) = (canonical(a), canonical(b));
    prop_assert_eq!(&a.0, &b.0);
    for (what, x, y) in [("steps", &a.1, &b.1), ("findings", &a.2, &b.2)] {
        let only = |p: &[String], q: &[String]| -> Vec<String> {
            p.iter().filter(|e| !q.contains(e)).cloned().collect()
        };
        let (left, right) = (only(x, y), only(y, x));
        prop_assert!(
            left.is_empty() && right.is_empty() && x.len() == y.len(),
            "{what} depend on the inventory's order:\nonly in the first:\n{}\nonly in the reordered:\n{}",
            left.join("\n"),
            right.join("\n")
        );
    }
    Ok(())
}

fn unique_ids(plan: &Plan) -> Result<(), TestCaseError> {
    let mut seen = BTreeSet::new();
    for s in &plan.steps {
        prop_assert!(seen.insert(s.id.as_str()), "`{}` twice", s.id);
    }
    Ok(())
}

fn blocked_iff_a_finding_blocks(plan: &Plan) -> Result<(), TestCaseError> {
    let blocks = plan.findings.iter().any(|f| f.severity == "block");
    prop_assert_eq!(!plan.is_ready(), blocks, "status {:?}", plan.status);
    Ok(())
}

fn replays_valid(
    inventory: &uplan::inventory::Inventory,
    plan: &Plan,
) -> Result<(), TestCaseError> {
    let violations = uplan::eval::validate(acp(), inventory, plan)
        .map_err(|p| TestCaseError::fail(uplan::diagnostics::render(&p, false)))?;
    let (blocked, other): (Vec<_>, Vec<_>) = violations
        .iter()
        .partition(|v| v.code == "uplan::validate::blocked");
    prop_assert!(other.is_empty(), "{other:#?}");
    let blocking = plan
        .findings
        .iter()
        .filter(|f| f.severity == "block")
        .count();
    prop_assert_eq!(blocked.len(), blocking);
    Ok(())
}

/// `after` names earlier steps of earlier waves; waves never run backwards.
fn after_points_backwards(plan: &Plan) -> Result<(), TestCaseError> {
    let at: BTreeMap<&str, usize> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(n, s)| (s.id.as_str(), n))
        .collect();
    for (n, s) in plan.steps.iter().enumerate() {
        for a in &s.after {
            let m = at.get(a.as_str()).copied();
            prop_assert!(m.is_some_and(|m| m < n), "`{}` waits for `{a}`", s.id);
            let w = m.map_or(0, |m| plan.steps[m].wave);
            prop_assert!(
                w < s.wave,
                "`{}` (wave {}) waits for `{a}` (wave {w})",
                s.id,
                s.wave
            );
        }
    }
    for pair in plan.steps.windows(2) {
        prop_assert!(
            pair[0].wave <= pair[1].wave,
            "`{}` after `{}`",
            pair[1].id,
            pair[0].id
        );
    }
    Ok(())
}

/// No wave upgrades more than 20 workload clusters (the cluster upgrade and its
/// Kubernetes upgrades count once per cluster, in every wave they span).
fn workload_limit(plan: &Plan) -> Result<(), TestCaseError> {
    let mut spans: BTreeMap<(&str, &str), (u32, u32)> = BTreeMap::new();
    for s in &plan.steps {
        if matches!(
            s.action.as_str(),
            "upgrade-workload-cluster" | "upgrade-workload-kubernetes"
        ) {
            let key = (s.hop.as_str(), s.cluster.as_deref().unwrap_or(""));
            let span = spans.entry(key).or_insert((s.wave, s.wave));
            span.0 = span.0.min(s.wave);
            span.1 = span.1.max(s.wave);
        }
    }
    let last = plan.steps.iter().map(|s| s.wave).max().unwrap_or(0);
    for wave in 1..=last {
        let live = spans
            .values()
            .filter(|(a, b)| *a <= wave && wave <= *b)
            .count();
        prop_assert!(
            live <= WORKLOADS_AT_ONCE,
            "wave {wave}: {live} workload clusters"
        );
    }
    Ok(())
}

/// In every hop, each global cluster's upgrade (`upgrade-cluster`, or
/// `observe-upgrade` in the CVO flow) comes before any workload cluster's; and a
/// ready plan holds no workload recorded ahead of the platform.
fn global_first(inv: &Value, plan: &Plan) -> Result<(), TestCaseError> {
    if !plan.is_ready() {
        return Ok(());
    }
    let globals: Vec<&str> = inv["clusters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["role"] == "global")
        .filter_map(|c| c["name"].as_str())
        .collect();
    for hop in &plan
        .path
        .windows(2)
        .map(|w| format!("{}->{}", w[0], w[1]))
        .collect::<Vec<_>>()
    {
        let in_hop = || {
            plan.steps
                .iter()
                .enumerate()
                .filter(move |(_, s)| &s.hop == hop)
        };
        let first_workload = in_hop()
            .find(|(_, s)| s.action == "upgrade-workload-cluster")
            .map(|(n, _)| n);
        let Some(first_workload) = first_workload else {
            continue;
        };
        for g in &globals {
            let upgraded = in_hop().find(|(_, s)| {
                s.cluster.as_deref() == Some(g)
                    && matches!(s.action.as_str(), "upgrade-cluster" | "observe-upgrade")
            });
            prop_assert!(
                upgraded.is_some_and(|(n, _)| n < first_workload),
                "hop {hop}: a workload cluster upgrades before global `{g}`"
            );
        }
    }
    let platform = inv["platform"]["version"].as_str().unwrap_or("");
    let platform =
        uplan::model::Version::parse(platform).map_err(|e| TestCaseError::fail(e.reason))?;
    for c in inv["clusters"].as_array().into_iter().flatten() {
        if let Some(v) = c["version"].as_str() {
            let v = uplan::model::Version::parse(v).map_err(|e| TestCaseError::fail(e.reason))?;
            prop_assert!(
                v.major_minor().compare(&platform.major_minor()) != std::cmp::Ordering::Greater,
                "ready plan with workload {} at {v}",
                c["name"]
            );
        }
    }
    Ok(())
}

/// The DR standby finishes each hop's upgrade before the primary starts its own.
fn standby_before_primary(inv: &Value, plan: &Plan) -> Result<(), TestCaseError> {
    let named = |dr: &str| {
        inv["clusters"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["dr"] == dr)
            .and_then(|c| c["name"].as_str())
            .map(str::to_string)
    };
    let (Some(primary), Some(standby)) = (named("primary"), named("standby")) else {
        return Ok(());
    };
    for hop in plan.path.windows(2).map(|w| format!("{}->{}", w[0], w[1])) {
        let upgrade = |cluster: &str| {
            plan.steps.iter().position(|s| {
                s.hop == hop
                    && s.cluster.as_deref() == Some(cluster)
                    && matches!(s.action.as_str(), "upgrade-cluster" | "observe-upgrade")
            })
        };
        if let (Some(p), Some(s)) = (upgrade(&primary), upgrade(&standby)) {
            prop_assert!(
                s < p,
                "hop {hop}: primary `{primary}` upgrades before standby `{standby}`"
            );
        }
    }
    Ok(())
}

/// Per cluster, Istio goes first and Kubernetes only ever moves up, one step at a
/// time, in plan order.
fn kubernetes_moves_up(plan: &Plan) -> Result<(), TestCaseError> {
    let mut last: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut kubernetes_seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for s in &plan.steps {
        let Some(cluster) = s.cluster.as_deref() else {
            continue;
        };
        if s.action == "upgrade-istio" {
            prop_assert!(
                !kubernetes_seen.contains(&(s.hop.as_str(), cluster)),
                "`{}` after a Kubernetes upgrade of {cluster}",
                s.id
            );
        }
        if !s.action.starts_with("upgrade-") || !s.action.contains("kubernetes") {
            continue;
        }
        kubernetes_seen.insert((s.hop.as_str(), cluster));
        let to =
            s.id.rsplit_once(',')
                .and_then(|(_, v)| v.strip_suffix(')'))
                .and_then(|v| uplan::model::Version::parse(v).ok())
                .map(|v| (v.major, v.minor));
        let Some(to) = to else {
            return Err(TestCaseError::fail(format!("no version in `{}`", s.id)));
        };
        if let Some(before) = last.insert(cluster, to) {
            prop_assert!(before < to, "`{}` after {cluster} reached {before:?}", s.id);
        }
    }
    Ok(())
}

proptest! {
    // About 40 ms per case in a debug build: 128 cases take a few seconds.
    #![proptest_config(ProptestConfig {
        cases: 128,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn plans_of_random_inventories_keep_every_promise(inv in inventory(), seed in any::<u64>()) {
        let (inventory, made) = plan(&inv);
        let (_, again) = plan(&inv);
        prop_assert_eq!(&made, &again, "not deterministic");
        let (_, reordered) = plan(&shuffled(&inv, seed));
        same_plan(&made, &reordered)?;
        unique_ids(&made)?;
        blocked_iff_a_finding_blocks(&made)?;
        replays_valid(&inventory, &made)?;
        after_points_backwards(&made)?;
        workload_limit(&made)?;
        global_first(&inv, &made)?;
        standby_before_primary(&inv, &made)?;
        kubernetes_moves_up(&made)?;
    }
}

#[test]
fn the_generator_covers_what_it_promises() {
    // Every source, both global tiers, both targets: what the properties rest on.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = BTreeSet::new();
    let strategy = inventory();
    for _ in 0..200 {
        let inv = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("{e}"))
            .current();
        let source = inv["platform"]["version"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let release: String = source.split('.').take(2).collect::<Vec<_>>().join(".");
        let dr = inv["clusters"][0]["dr"] == "primary";
        seen.insert((
            release,
            dr,
            inv["target"].as_str().unwrap_or("").to_string(),
        ));
    }
    for release in ["3.16", "3.18"] {
        for target in ["4.0", "4.3"] {
            for dr in [false, true] {
                assert!(
                    seen.contains(&(release.to_string(), dr, target.to_string())),
                    "{release} {dr} {target}: {seen:?}"
                );
            }
        }
    }
    for release in ["4.0", "4.1", "4.2"] {
        assert!(
            seen.contains(&(release.to_string(), false, "4.3".to_string())),
            "{release}: {seen:?}"
        );
    }
}

/// Each check fails on a plan broken the way it looks for (a check that cannot fail
/// proves nothing).
#[test]
fn the_checks_catch_broken_plans() {
    let text = std::fs::read_to_string("examples/granite-45-workloads.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    let inv: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let (_, good) = plan(&inv);
    assert!(good.is_ready());
    for check in [
        unique_ids,
        after_points_backwards,
        workload_limit,
        kubernetes_moves_up,
    ] {
        assert!(check(&good).is_ok());
    }
    assert!(global_first(&inv, &good).is_ok());

    let mut twice = good.clone();
    twice.steps.push(good.steps[0].clone());
    assert!(unique_ids(&twice).is_err());

    let workload = |p: &Plan| {
        p.steps
            .iter()
            .position(|s| s.action == "upgrade-workload-cluster")
            .unwrap_or_else(|| panic!("no workload upgrade"))
    };
    let mut early = good.clone();
    let w = early.steps.remove(workload(&good));
    early.steps.insert(0, w);
    assert!(global_first(&inv, &early).is_err());
    assert!(after_points_backwards(&early).is_err());

    let mut crowded = good.clone();
    let first = workload(&good);
    let wave = crowded.steps[first].wave;
    for s in crowded
        .steps
        .iter_mut()
        .filter(|s| s.action == "upgrade-workload-cluster")
    {
        s.wave = wave;
    }
    assert!(workload_limit(&crowded).is_err());

    let mut blocked = good.clone();
    blocked.status = uplan::plan::Status::Blocked;
    assert!(blocked_iff_a_finding_blocks(&blocked).is_err());
}
