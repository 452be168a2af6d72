//! A deterministic, seeded generator of ACP fleet inventories (inventory contract v1,
//! design.md), for the fleet benchmark (`benches/fleet.rs`) and the cross-check test
//! (`tests/crosscheck.rs`). Include it with `#[path = "../benches/fleet/gen.rs"] mod gen;`.
//!
//! A fleet is one platform version (the source of one hop: 3.16 / 3.18 → 4.0,
//! 4.0 / 4.1 / 4.2 → 4.3), one global cluster or a DR primary + standby pair, and
//! workload clusters with realistic spreads: Kubernetes around the hop's floor (a tenth
//! below, a few above 4.3's range), Istio on a quarter, plugins (TopoLVM, log storage,
//! CostManager/Kubecost on 3.x, operators), disks (/cpaas/minio, some below 120 GB),
//! custom ETCD backup tasks, the Docker runtime rarely (less rarely on a global),
//! ResourcePatches with and
//! without the exemption, data services, managed clusters with providers, plugin names
//! now and then spelled as an alias or in another case (the rulebook's vocabulary maps
//! them to one name). Rare faults (a workload marked DR, a cluster recorded at an
//! unsupported version, an incomplete DR pair) appear at rates that a handful of
//! 50-cluster seeds exercises.
//!
//! A well-formed fleet never trips the topology rules (rules/acp/topology.uplan: no
//! clusters, no global, more than one global tier, a global recorded at another version
//! than the platform); [`Topology`] asks for one of those faults explicitly, so the
//! cross-check can compare them without making the benchmark's fleets unplannable.
//!
//! The same `(source, clusters, seed, topology)` always gives byte-identical YAML.

#![allow(dead_code)]

use std::fmt::Write as _;

/// The platform version a fleet starts from (the source of its single hop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    V3_16,
    V3_18,
    V4_0,
    V4_1,
    V4_2,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::V3_16,
        Source::V3_18,
        Source::V4_0,
        Source::V4_1,
        Source::V4_2,
    ];

    /// `major.minor` of the source, as the hop names it.
    pub fn name(self) -> &'static str {
        match self {
            Source::V3_16 => "3.16",
            Source::V3_18 => "3.18",
            Source::V4_0 => "4.0",
            Source::V4_1 => "4.1",
            Source::V4_2 => "4.2",
        }
    }

    /// The target of the single hop: 4.0 for 3.x, 4.3 for 4.x.
    pub fn target(self) -> &'static str {
        if self.is_3x() { "4.0" } else { "4.3" }
    }

    fn major_minor(self) -> (u32, u32) {
        match self {
            Source::V3_16 => (3, 16),
            Source::V3_18 => (3, 18),
            Source::V4_0 => (4, 0),
            Source::V4_1 => (4, 1),
            Source::V4_2 => (4, 2),
        }
    }

    pub fn is_3x(self) -> bool {
        matches!(self, Source::V3_16 | Source::V3_18)
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.name() == s)
    }

    /// The Kubernetes minor (1.x) the release ships (rules/acp/releases.uplan).
    fn k8s_minor(self) -> u32 {
        match self {
            Source::V3_16 => 28,
            Source::V3_18 => 30,
            Source::V4_0 => 31,
            Source::V4_1 => 32,
            Source::V4_2 => 33,
        }
    }

    /// The lowest Kubernetes minor the hop accepts without a fix.
    fn k8s_floor(self) -> u32 {
        match self {
            Source::V3_16 => 28,
            Source::V3_18 => 30,
            _ => 31,
        }
    }

    /// (lowest, highest) Istio minor seen on this source; the floor is in the middle.
    fn istio_minors(self) -> (u32, u32) {
        match self {
            Source::V3_16 => (17, 22),
            Source::V3_18 => (19, 24),
            _ => (22, 26),
        }
    }

    /// A supported-but-older cluster version, an unsupported one, and one ahead of the
    /// platform (for clusters whose `version` is recorded).
    fn cluster_versions(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Source::V3_16 => ("3.16.0", "3.14.2", "3.18.1"),
            Source::V3_18 => ("3.16.3", "3.14.2", "4.0.2"),
            Source::V4_0 => ("4.0.1", "3.18.2", "4.1.0"),
            Source::V4_1 => ("4.0.3", "3.18.2", "4.2.1"),
            Source::V4_2 => ("4.1.2", "3.18.2", "4.3.0"),
        }
    }

    /// A supported source of the same hop that is not this one: a global cluster
    /// recorded there contradicts `platform.version`.
    fn other_source_version(self) -> &'static str {
        match self {
            Source::V3_16 => "3.18.0",
            Source::V3_18 => "3.16.5",
            Source::V4_0 => "4.1.0",
            Source::V4_1 => "4.0.2",
            Source::V4_2 => "4.1.1",
        }
    }
}

/// The shape of the platform: well-formed, or one fault of rules/acp/topology.uplan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topology {
    /// One global cluster or a DR pair (now and then an incomplete one), then workloads.
    Sound,
    /// `clusters: []` (clusters-listed).
    NoClusters,
    /// Workload clusters only (a-global-cluster).
    NoGlobal,
    /// One more global cluster, `dr: none`, besides the global tier (one-global-tier).
    ExtraGlobal,
    /// The first global cluster recorded at another ACP minor than `platform.version`
    /// (global-version-is-platform).
    GlobalOffPlatform,
}

impl Topology {
    /// The faulty shapes, one per topology rule.
    pub const BROKEN: [Topology; 4] = [
        Topology::NoClusters,
        Topology::NoGlobal,
        Topology::ExtraGlobal,
        Topology::GlobalOffPlatform,
    ];
}

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Fleet {
    pub source: Source,
    /// Total number of clusters, globals included (at least 2; none for
    /// [`Topology::NoClusters`]).
    pub clusters: usize,
    pub seed: u64,
    pub topology: Topology,
}

impl Fleet {
    pub fn new(source: Source, clusters: usize, seed: u64) -> Fleet {
        Fleet {
            source,
            clusters,
            seed,
            topology: Topology::Sound,
        }
    }

    /// The same fleet with a topology fault.
    pub fn with_topology(self, topology: Topology) -> Fleet {
        Fleet { topology, ..self }
    }

    /// The inventory as YAML text.
    pub fn yaml(&self) -> String {
        generate(self)
    }
}

/// splitmix64: small, fast, and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1A4_F87B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() >> 32) * n) >> 32
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const PREFIXES: &[&str] = &[
    "biz", "ops", "edge", "data", "web", "pay", "iot", "ml", "erp", "crm",
];
const PROVIDERS: &[&str] = &["eks", "aks", "gke", "ack", "tke"];
const ENGINES: &[&str] = &[
    "postgresql",
    "mysql-pxc",
    "mysql-mgr",
    "redis",
    "kafka",
    "rabbitmq",
];
const ALAUDA_OPERATORS: &[&str] = &[
    "rds-operator",
    "alauda-tracing-operator",
    "middleware-operator",
];
const COMMUNITY_OPERATORS: &[&str] = &[
    "strimzi-kafka-operator",
    "prometheus-operator",
    "cert-manager",
];

/// Other spellings inventories use for the plugins the rules look for: aliases of the
/// rulebook's `vocabulary plugin.name` (rules/acp/plugins.uplan) and other cases, which
/// the loader maps to the canonical name.
const SPELLINGS: &[(&str, &[&str])] = &[
    ("topolvm", &["TopoLVM", "build-of-topolvm", "top-lvm"]),
    (
        "log-storage-clickhouse",
        &["clickhouse", "log-clickhouse", "Log-Storage-ClickHouse"],
    ),
    (
        "log-storage-elasticsearch",
        &["log-elasticsearch", "Log-Storage-Elasticsearch"],
    ),
    (
        "costmanager",
        &["CostManager", "cost-manager", "cost_manager"],
    ),
    ("kubecost", &["Kubecost", "kube-cost"]),
    (
        "gitops",
        &["GitOps", "acp-gitops", "alauda-container-platform-gitops"],
    ),
    ("devops-toolchain", &["DevOps-Toolchain"]),
];

/// `name` as most inventories write it, or (one time in eight) another spelling of it.
fn spelled(rng: &mut Rng, name: &'static str) -> &'static str {
    let others: &[&'static str] = SPELLINGS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(&[], |(_, o)| o);
    if !others.is_empty() && rng.chance(0.125) {
        others[rng.below(others.len() as u64) as usize]
    } else {
        name
    }
}

/// One generated cluster, before it is written out.
struct Cluster {
    name: String,
    global: bool,
    dr: &'static str,
    managed: Option<Option<&'static str>>,
    version: Option<String>,
    kubernetes: String,
    docker: bool,
    istio: Option<(String, &'static str)>,
    plugins: Vec<String>,
    disks: Vec<(&'static str, u64)>,
    etcd_backup_tasks: Option<Vec<&'static str>>,
    machines_not_running: u64,
    data_services: Vec<(&'static str, &'static str)>,
    elasticsearch: Option<(u64, bool)>,
    resource_patches: Vec<(String, Option<&'static str>)>,
    application_services: bool,
}

fn version3(rng: &mut Rng, major: u32, minor: u32) -> String {
    // Nine in ten carry a patch number; the rest are written major.minor.
    if rng.chance(0.9) {
        format!("{major}.{minor}.{}", rng.below(12))
    } else {
        format!("{major}.{minor}")
    }
}

fn kubernetes(rng: &mut Rng, src: Source, global: bool) -> String {
    let ships = src.k8s_minor();
    let floor = src.k8s_floor();
    // A tenth of the workloads and a fifth of the global clusters lag behind the floor.
    let r = rng.below(1000);
    let minor = if r < if global { 200 } else { 100 } {
        // below the hop's floor
        floor - 1 - rng.below(2) as u32
    } else if r < 115 && !global {
        // above 4.3's range (4.x), or simply newer than shipped (3.x)
        if src.is_3x() { ships + 1 } else { 35 }
    } else if rng.chance(0.7) {
        ships
    } else {
        ships.saturating_sub(1).max(floor)
    };
    version3(rng, 1, minor)
}

fn cluster(rng: &mut Rng, src: Source, name: String, global: bool, dr: &'static str) -> Cluster {
    let platform_plugin_version = format!("{}.{}", src.name(), rng.below(4));
    let managed = if !global && rng.chance(0.1) {
        Some(if rng.chance(0.9) {
            Some(*rng.pick(PROVIDERS))
        } else {
            None
        })
    } else {
        None
    };
    let version = if global {
        // Some inventories record the global's version too: the platform's minor, any
        // patch (they agree, global-version-is-platform compares major.minor).
        rng.chance(0.2).then(|| {
            let (major, minor) = src.major_minor();
            version3(rng, major, minor)
        })
    } else if rng.chance(0.04) {
        let (older, unsupported, ahead) = src.cluster_versions();
        let r = rng.below(20);
        Some(
            if r < 15 {
                older
            } else if r < 18 {
                unsupported
            } else {
                ahead
            }
            .to_string(),
        )
    } else {
        None
    };
    let istio = if rng.chance(0.25) {
        let (lo, hi) = src.istio_minors();
        let minor = rng.range(lo as u64, hi as u64) as u32;
        Some((
            version3(rng, 1, minor),
            if rng.chance(0.4) { "v1" } else { "v2" },
        ))
    } else {
        None
    };

    let mut plugins = Vec::new();
    let mut elasticsearch = None;
    if rng.chance(0.3) {
        plugins.push(format!(
            "{{name: {}, version: \"{platform_plugin_version}\", kind: cluster-plugin, source: alauda}}",
            spelled(rng, "topolvm")
        ));
    }
    if rng.chance(0.35) {
        if rng.chance(0.45) {
            plugins.push(format!(
                "{{name: {}, version: \"{platform_plugin_version}\"}}",
                spelled(rng, "log-storage-clickhouse")
            ));
        } else {
            plugins.push(format!(
                "{{name: {}, version: \"{platform_plugin_version}\"}}",
                spelled(rng, "log-storage-elasticsearch")
            ));
            // 3.16 ships Elasticsearch 6; most 3.16 platforms still run it
            let es_version = if src == Source::V3_16 && rng.chance(0.6) {
                6
            } else {
                8
            };
            let fixed = if src.is_3x() { rng.chance(0.6) } else { true };
            elasticsearch = Some((es_version, fixed));
        }
    }
    if src.is_3x() && rng.chance(0.04) {
        plugins.push(format!(
            "{{name: {}, version: \"{platform_plugin_version}\"}}",
            spelled(rng, "costmanager")
        ));
    }
    if src.is_3x() && rng.chance(0.03) {
        plugins.push(format!(
            "{{name: {}, version: \"{platform_plugin_version}\"}}",
            spelled(rng, "kubecost")
        ));
    }
    if rng.chance(if global { 0.3 } else { 0.04 }) {
        plugins.push(format!(
            "{{name: {}, version: \"{platform_plugin_version}\"}}",
            spelled(rng, "gitops")
        ));
    }
    if rng.chance(0.04) {
        plugins.push(format!(
            "{{name: {}, version: \"{platform_plugin_version}\"}}",
            spelled(rng, "devops-toolchain")
        ));
    }
    if rng.chance(0.15) {
        let op = rng.pick(ALAUDA_OPERATORS);
        plugins.push(format!(
            "{{name: {op}, version: \"{platform_plugin_version}\", kind: operator, source: alauda}}"
        ));
    }
    if rng.chance(0.06) {
        let op = rng.pick(COMMUNITY_OPERATORS);
        plugins.push(format!(
            "{{name: {op}, version: \"0.{}.{}\", kind: operator, source: community-operators}}",
            rng.range(10, 60),
            rng.below(5)
        ));
    }

    let mut disks = Vec::new();
    if global {
        if rng.chance(0.92) {
            disks.push(("/cpaas/minio", rng.range(40, 400)));
        }
        disks.push(("/var/lib/etcd", rng.range(20, 200)));
    } else if rng.chance(0.6) {
        disks.push(("/var/lib/containerd", rng.range(30, 500)));
    }

    let etcd_backup_tasks = match rng.below(100) {
        0..50 => None,
        50..94 => Some(vec!["etcd-backup-default"]),
        94..97 => Some(vec!["etcd-backup-default", "nightly-offsite"]),
        _ => Some(vec!["weekly-s3"]),
    };
    let machines_not_running = if dr != "none" && global && rng.chance(0.2) {
        rng.range(1, 2)
    } else if rng.chance(0.03) {
        1
    } else {
        0
    };
    let mut data_services = Vec::new();
    if rng.chance(0.2) {
        for _ in 0..rng.range(1, 3) {
            let strategy = if rng.chance(0.5) { "auto" } else { "manual" };
            data_services.push((*rng.pick(ENGINES), strategy));
        }
    }
    let mut resource_patches = Vec::new();
    if rng.chance(0.12) {
        for k in 0..rng.range(1, 3) {
            let exempt = match rng.below(10) {
                0..5 => Some("4.3.0"),
                5..7 => Some("4.2.0"),
                _ => None,
            };
            resource_patches.push((format!("rp-{}-{k}", rng.below(1000)), exempt));
        }
    }
    Cluster {
        kubernetes: kubernetes(rng, src, global),
        // a global on Docker is what preflight-docker-runtime is about: less rare there
        docker: rng.chance(if global { 0.08 } else { 0.006 }),
        name,
        global,
        dr,
        managed,
        version,
        istio,
        plugins,
        disks,
        etcd_backup_tasks,
        machines_not_running,
        data_services,
        elasticsearch,
        resource_patches,
        application_services: false,
    }
}

fn generate(f: &Fleet) -> String {
    let src = f.source;
    let mut rng = Rng::new(
        f.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ (f.clusters as u64) << 8 ^ src as u64,
    );
    let n = f.clusters.max(2);
    let mut globals = global_tier(&mut rng, src);
    match f.topology {
        Topology::Sound | Topology::NoClusters => {}
        Topology::NoGlobal => globals.clear(),
        Topology::ExtraGlobal => {
            globals.push(cluster(&mut rng, src, "global-extra".into(), true, "none"))
        }
        Topology::GlobalOffPlatform => globals[0].version = Some(src.other_source_version().into()),
    }

    let mut text = String::with_capacity(n * 360 + 512);
    header(&mut text, &mut rng, f);
    if f.topology == Topology::NoClusters {
        text.push_str("clusters: []\n");
        return text;
    }
    text.push_str("clusters:\n");
    for g in &globals {
        write_cluster(&mut text, g);
    }
    for i in 0..n.saturating_sub(globals.len()) {
        let prefix = PREFIXES[i % PREFIXES.len()];
        let name = format!("{prefix}-{i:05}");
        // a workload wrongly marked as part of the DR pair
        let dr = if rng.chance(0.004) { "standby" } else { "none" };
        let c = cluster(&mut rng, src, name, false, dr);
        write_cluster(&mut text, &c);
    }
    text
}

/// One global cluster, or a DR pair; now and then an incomplete pair.
fn global_tier(rng: &mut Rng, src: Source) -> Vec<Cluster> {
    let mut globals = Vec::new();
    if rng.chance(0.4) {
        globals.push(cluster(rng, src, "global-primary".into(), true, "primary"));
        if rng.chance(0.92) {
            globals.push(cluster(rng, src, "global-standby".into(), true, "standby"));
        } else {
            // two primaries: one-global-tier and dr-pair-complete block
            globals.push(cluster(
                rng,
                src,
                "global-secondary".into(),
                true,
                "primary",
            ));
        }
    } else {
        globals.push(cluster(rng, src, "global".into(), true, "none"));
    }
    if rng.chance(0.25) {
        globals[0].application_services = true;
    }
    globals
}

/// Everything above `clusters:`.
fn header(text: &mut String, rng: &mut Rng, f: &Fleet) {
    let src = f.source;
    let _ = writeln!(
        text,
        "# Generated fleet: {} clusters on ACP {} (seed {}{}), single hop to {}.",
        f.clusters.max(2),
        src.name(),
        f.seed,
        match f.topology {
            Topology::Sound => String::new(),
            t => format!(", topology {t:?}"),
        },
        src.target()
    );
    let _ = writeln!(
        text,
        "platform:\n  version: \"{}.{}\"",
        src.name(),
        rng.below(6)
    );
    let registry = if rng.chance(0.3) {
        "external"
    } else {
        "builtin"
    };
    let _ = writeln!(text, "  registry: {registry}");
    let _ = writeln!(text, "target: \"{}\"", src.target());
    if rng.chance(0.7) {
        let same = rng.chance(0.5);
        let _ = writeln!(
            text,
            "extraction: {{same_disk: {same}, free_gb: {}}}",
            rng.range(150, 500)
        );
    }
}

fn write_cluster(t: &mut String, c: &Cluster) {
    let _ = writeln!(t, "  - name: {}", c.name);
    let _ = writeln!(
        t,
        "    role: {}",
        if c.global { "global" } else { "workload" }
    );
    if c.dr != "none" || c.global {
        let _ = writeln!(t, "    dr: {}", c.dr);
    }
    match c.managed {
        Some(provider) => {
            t.push_str("    type: managed\n");
            match provider {
                Some(p) => {
                    let _ = writeln!(t, "    provider: {p}");
                }
                None => t.push_str("    provider: null\n"),
            }
        }
        None => t.push_str("    type: on-premises\n"),
    }
    if let Some(v) = &c.version {
        let _ = writeln!(t, "    version: \"{v}\"");
    }
    let _ = writeln!(t, "    kubernetes: \"{}\"", c.kubernetes);
    if c.docker {
        t.push_str("    runtime: docker\n");
    } else {
        t.push_str("    runtime: containerd\n");
    }
    match &c.istio {
        Some((v, mesh)) => {
            let _ = writeln!(t, "    istio: \"{v}\"\n    service_mesh: {mesh}");
        }
        None if c.global => t.push_str("    istio: null\n"),
        None => {}
    }
    if !c.plugins.is_empty() {
        t.push_str("    plugins:\n");
        for p in &c.plugins {
            let _ = writeln!(t, "      - {p}");
        }
    }
    if !c.disks.is_empty() {
        t.push_str("    disks:\n");
        for (path, free) in &c.disks {
            let _ = writeln!(t, "      - {{path: {path}, free_gb: {free}}}");
        }
    }
    if let Some(tasks) = &c.etcd_backup_tasks {
        let _ = writeln!(t, "    etcd_backup_tasks: [{}]", tasks.join(", "));
    }
    if c.machines_not_running > 0 {
        let _ = writeln!(t, "    machines_not_running: {}", c.machines_not_running);
    }
    if !c.data_services.is_empty() {
        t.push_str("    data_services:\n");
        for (engine, strategy) in &c.data_services {
            let _ = writeln!(
                t,
                "      - {{engine: {engine}, update_strategy: {strategy}}}"
            );
        }
    }
    if let Some((v, fix)) = c.elasticsearch {
        let _ = writeln!(
            t,
            "    elasticsearch: {{version: {v}, node_role_fix: {fix}}}"
        );
    }
    if !c.resource_patches.is_empty() {
        t.push_str("    resource_patches:\n");
        for (name, exempt) in &c.resource_patches {
            match exempt {
                Some(v) => {
                    let _ = writeln!(t, "      - {{name: {name}, exempt_for: \"{v}\"}}");
                }
                None => {
                    let _ = writeln!(t, "      - {{name: {name}, exempt_for: null}}");
                }
            }
        }
    }
    if c.application_services {
        t.push_str("    application_services: true\n");
    }
}
