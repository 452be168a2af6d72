//! The floor: the ACP prerequisite checks of one hop as a hand-written Rust loop over
//! plain `#[derive(Deserialize)]` structs of the inventory (what someone would write
//! without uplan). The structs are also the "bare serde_yaml parse" baseline.
//!
//! Mirrors every rule of rules/acp/*.uplan that can fire with severity block or fix on
//! a single hop 3.16/3.18 → 4.0 or 4.0/4.1/4.2 → 4.3 (the list is [`RULES`]); the
//! cross-check test keeps it honest against uplan and the Rego policy.

#![allow(dead_code)]

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer};

/// A version compared like uplan's: numerically, at the shorter precision of the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ver {
    parts: [u32; 3],
    precision: u8,
}

impl Ver {
    pub const fn new(major: u32, minor: u32) -> Ver {
        Ver {
            parts: [major, minor, 0],
            precision: 2,
        }
    }

    pub fn parse(s: &str) -> Option<Ver> {
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let s = s.split(['-', '+']).next()?;
        let mut parts = [0u32; 3];
        let mut precision = 0u8;
        for (i, p) in s.split('.').enumerate() {
            if i >= 3 {
                return None;
            }
            if p == "x" || p == "*" {
                break;
            }
            parts[i] = p.parse().ok()?;
            precision += 1;
        }
        (precision > 0).then_some(Ver { parts, precision })
    }

    pub fn cmp_short(&self, other: &Ver) -> Ordering {
        let p = self.precision.min(other.precision) as usize;
        self.parts[..p].cmp(&other.parts[..p])
    }

    pub fn lt(&self, o: Ver) -> bool {
        self.cmp_short(&o) == Ordering::Less
    }
    pub fn le(&self, o: Ver) -> bool {
        self.cmp_short(&o) != Ordering::Greater
    }
    pub fn ge(&self, o: Ver) -> bool {
        self.cmp_short(&o) != Ordering::Less
    }
    pub fn eq_short(&self, o: Ver) -> bool {
        self.cmp_short(&o) == Ordering::Equal
    }
    pub fn major_minor(&self) -> Ver {
        Ver::new(self.parts[0], self.parts[1])
    }
}

impl fmt::Display for Ver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.parts[0])?;
        for i in 1..self.precision as usize {
            write!(f, ".{}", self.parts[i])?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Ver {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ver, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ver::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("bad version `{s}`")))
    }
}

#[derive(Debug, Deserialize)]
pub struct Inventory {
    pub platform: Platform,
    #[serde(default)]
    pub target: Option<Ver>,
    #[serde(default)]
    pub extraction: Option<Extraction>,
    pub clusters: Vec<Cluster>,
}

#[derive(Debug, Deserialize)]
pub struct Platform {
    pub version: Ver,
    #[serde(default)]
    pub registry: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Extraction {
    #[serde(default)]
    pub same_disk: bool,
    pub free_gb: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Global,
    Workload,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dr {
    Primary,
    Standby,
    #[default]
    None,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterType {
    #[default]
    OnPremises,
    Managed,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runtime {
    #[default]
    Containerd,
    Docker,
}

#[derive(Debug, Deserialize)]
pub struct Cluster {
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub dr: Dr,
    #[serde(default, rename = "type")]
    pub kind: ClusterType,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub version: Option<Ver>,
    pub kubernetes: Ver,
    #[serde(default)]
    pub runtime: Runtime,
    #[serde(default)]
    pub istio: Option<Ver>,
    #[serde(default)]
    pub service_mesh: Option<String>,
    #[serde(default)]
    pub plugins: Vec<Plugin>,
    #[serde(default)]
    pub disks: Vec<Disk>,
    #[serde(default)]
    pub etcd_backup_tasks: Vec<String>,
    #[serde(default)]
    pub machines_not_running: i64,
    #[serde(default)]
    pub data_services: Vec<DataService>,
    #[serde(default)]
    pub elasticsearch: Option<Elasticsearch>,
    #[serde(default)]
    pub resource_patches: Vec<ResourcePatch>,
    #[serde(default)]
    pub application_services: bool,
}

#[derive(Debug, Deserialize)]
pub struct Plugin {
    pub name: String,
    #[serde(default)]
    pub version: Option<Ver>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

impl Plugin {
    fn is_operator(&self) -> bool {
        self.kind.as_deref() == Some("operator")
    }
    fn source(&self) -> &str {
        self.source.as_deref().unwrap_or("alauda")
    }
}

#[derive(Debug, Deserialize)]
pub struct Disk {
    pub path: String,
    pub free_gb: i64,
}

#[derive(Debug, Deserialize)]
pub struct DataService {
    pub engine: String,
    #[serde(default)]
    pub update_strategy: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Elasticsearch {
    pub version: i64,
    #[serde(default)]
    pub node_role_fix: bool,
}

#[derive(Debug, Deserialize)]
pub struct ResourcePatch {
    pub name: String,
    #[serde(default)]
    pub exempt_for: Option<Ver>,
}

/// Parses inventory YAML into the plain structs (the bare-parse baseline).
pub fn parse(yaml: &str) -> Inventory {
    serde_yaml::from_str(yaml).expect("generated inventory parses into plain structs")
}

/// One finding of the hand loop.
#[derive(Debug)]
pub struct Hit<'a> {
    pub rule: &'static str,
    pub cluster: Option<&'a str>,
    pub severity: &'static str,
    pub message: String,
}

/// The rules mirrored here (and in policy.rego): every block/fix rule of the ACP
/// rulebook that can fire on a single 3.x → 4.0 or 4.x → 4.3 hop.
pub const RULES: &[&str] = &[
    "cluster-version-path-4.0",
    "k8s-floor-3.16",
    "k8s-floor-3.16-managed",
    "k8s-floor-3.18",
    "k8s-floor-3.18-managed",
    "istio-floor-3.16",
    "istio-floor-3.18",
    "es-node-role-fix",
    "es6-from-3.16",
    "minio-space-4.0",
    "extraction-space-4.0",
    "etcd-backup-tasks-4.0",
    "cluster-version-path-4.3",
    "workload-k8s-compatible-4.3",
    "workload-k8s-compatible-4.3-managed",
    "workload-k8s-above-4.3",
    "preflight-k8s-supported",
    "preflight-docker-runtime",
    "preflight-custom-etcd-backups",
    "preflight-resource-patches",
    "minio-space-4.3",
    "costmanager-removed",
    "kubecost-removed",
    "clickhouse-reinstall-3.16",
    "clickhouse-reinstall-3.16-workload",
    "topolvm-package-4.0",
    "log-essentials-upload",
    "operator-packages-per-cluster",
    "devops-toolchain-after-upgrade",
    "application-services-3x",
    "dr-pair-complete",
    "dr-only-on-global",
    "dr-machines-running-3x",
    "dr-machines-running-4x",
    "workload-not-beyond-global",
];

const V3_16: Ver = Ver::new(3, 16);
const V3_18: Ver = Ver::new(3, 18);
const V4_0: Ver = Ver::new(4, 0);
const V4_1: Ver = Ver::new(4, 1);
const V4_2: Ver = Ver::new(4, 2);
const V4_3: Ver = Ver::new(4, 3);
const K1_28: Ver = Ver::new(1, 28);
const K1_30: Ver = Ver::new(1, 30);
const K1_31: Ver = Ver::new(1, 31);
const K1_34: Ver = Ver::new(1, 34);
const I1_20: Ver = Ver::new(1, 20);
const I1_22: Ver = Ver::new(1, 22);

/// The prerequisite findings of the hop from the inventory's platform version
/// (major.minor) to `to` (`4.0` or `4.3`).
pub fn check<'a>(inv: &'a Inventory, to: Ver) -> Vec<Hit<'a>> {
    let mut out = Vec::new();
    let from = inv.platform.version.major_minor();
    let script = (from.eq_short(V3_16) || from.eq_short(V3_18)) && to.eq_short(V4_0);
    let cvo =
        (from.eq_short(V4_0) || from.eq_short(V4_1) || from.eq_short(V4_2)) && to.eq_short(V4_3);
    if !script && !cvo {
        return out;
    }
    let to_4_3 = to.eq_short(V4_3);
    let from_3_16 = from.eq_short(V3_16) && script;
    let from_3_18 = from.eq_short(V3_18) && script;
    let below_4_0 = from.lt(V4_0);
    let mut hit =
        |rule: &'static str, c: Option<&'a Cluster>, severity: &'static str, message: String| {
            out.push(Hit {
                rule,
                cluster: c.map(|c| c.name.as_str()),
                severity,
                message,
            })
        };

    // Platform-wide facts some rules need.
    let (mut primaries, mut standbys, mut any_dr) = (0, 0, false);
    let mut any_log_storage = false;
    let mut any_app_services = false;
    for c in &inv.clusters {
        primaries += (c.dr == Dr::Primary) as u32;
        standbys += (c.dr == Dr::Standby) as u32;
        any_dr |= c.dr != Dr::None;
        any_log_storage |= c.plugins.iter().any(|p| p.name.starts_with("log-storage-"));
        any_app_services |= c.application_services;
    }

    if any_dr && !(primaries == 1 && standbys == 1) {
        hit(
            "dr-pair-complete",
            None,
            "block",
            "A DR environment is one primary and one standby global cluster; the inventory marks a different number of clusters as primary or standby: fix the dr fields".into(),
        );
    }

    for c in &inv.clusters {
        let global = c.role == Role::Global;
        let workload = !global;
        let managed = c.kind == ClusterType::Managed;
        let k = c.kubernetes;
        let has_plugin = |name: &str| c.plugins.iter().any(|p| p.name == name);
        let provider = || c.provider.as_deref().unwrap_or("its cloud provider");

        if let Some(v) = c.version {
            if script && !(v.eq_short(V3_16) || v.eq_short(V3_18)) {
                hit(
                    "cluster-version-path-4.0",
                    Some(c),
                    "block",
                    format!(
                        "{} is recorded at ACP {v}, but only 3.16 and 3.18 upgrade to 4.0: bring this cluster to 3.16 or 3.18 first (not covered by this plan), or correct its version in the inventory",
                        c.name
                    ),
                );
            }
            if cvo && !(v.eq_short(V4_0) || v.eq_short(V4_1) || v.eq_short(V4_2)) {
                hit(
                    "cluster-version-path-4.3",
                    Some(c),
                    "block",
                    format!(
                        "{} is recorded at ACP {v}, but only 4.0, 4.1 and 4.2 upgrade to 4.3: bring this cluster to one of them first (not covered by this plan), or correct its version in the inventory",
                        c.name
                    ),
                );
            }
        }
        for (on, floor, id_onprem, id_managed) in [
            (from_3_16, K1_28, "k8s-floor-3.16", "k8s-floor-3.16-managed"),
            (from_3_18, K1_30, "k8s-floor-3.18", "k8s-floor-3.18-managed"),
        ] {
            if on && k.lt(floor) {
                if managed {
                    hit(
                        id_managed,
                        Some(c),
                        "fix",
                        format!(
                            "Managed cluster {} runs Kubernetes {k}; {from} → 4.0 needs {floor} first: upgrade it through {} before the ACP upgrade starts",
                            c.name,
                            provider()
                        ),
                    );
                } else {
                    hit(
                        id_onprem,
                        Some(c),
                        "fix",
                        format!(
                            "{} runs Kubernetes {k}; {from} → 4.0 needs every cluster on {floor} first: upgrade its Kubernetes one minor at a time before the ACP upgrade starts",
                            c.name
                        ),
                    );
                }
            }
        }
        if let Some(istio) = c.istio {
            for (on, floor, id) in [
                (from_3_16, I1_20, "istio-floor-3.16"),
                (from_3_18, I1_22, "istio-floor-3.18"),
            ] {
                if on && istio.lt(floor) {
                    hit(
                        id,
                        Some(c),
                        "fix",
                        format!(
                            "{} runs Istio {istio}; {from} → 4.0 needs Istio {floor} or later on every cluster that has it: upgrade Istio and its instances first, before Kubernetes and ACP",
                            c.name
                        ),
                    );
                }
            }
        }
        if let Some(es) = &c.elasticsearch {
            if below_4_0 && !es.node_role_fix {
                hit(
                    "es-node-role-fix",
                    Some(c),
                    "fix",
                    format!(
                        "{} logs to Elasticsearch without the node-role fix; apply the Knowledge-base fix for node role settings in big Elasticsearch clusters before the upgrade",
                        c.name
                    ),
                );
            }
            if from_3_16 && es.version < 8 {
                hit(
                    "es6-from-3.16",
                    Some(c),
                    "block",
                    format!(
                        "{} still runs the Elasticsearch 6 shipped with 3.16, which cannot move in place to the Elasticsearch 8 of 4.0: run the support checklist, carry out its Elasticsearch instructions, then set elasticsearch.version to 8 in the inventory",
                        c.name
                    ),
                );
            }
        }
        if global
            && c.disks
                .iter()
                .any(|d| d.path == "/cpaas/minio" && d.free_gb < 120)
        {
            if script {
                hit(
                    "minio-space-4.0",
                    Some(c),
                    "fix",
                    format!(
                        "/cpaas/minio on the control plane of global cluster {} has less than 120 GB free; expand it to at least 120 GB before the upgrade",
                        c.name
                    ),
                );
            }
            if cvo {
                hit(
                    "minio-space-4.3",
                    Some(c),
                    "fix",
                    format!(
                        "/cpaas/minio on the control-plane nodes of global cluster {} has less than 120 GB free; expand it to at least 120 GB before the upgrade",
                        c.name
                    ),
                );
            }
        }
        if global
            && script
            && let Some(x) = &inv.extraction
            && x.same_disk
            && x.free_gb < 250
        {
            hit(
                "extraction-space-4.0",
                Some(c),
                "fix",
                format!(
                    "The upgrade package and its extraction path share one disk with less than 250 GB free; free or add space (250 GB) on the control-plane node of {}",
                    c.name
                ),
            );
        }
        if c.etcd_backup_tasks
            .iter()
            .any(|t| t != "etcd-backup-default")
        {
            if below_4_0 {
                hit(
                    "etcd-backup-tasks-4.0",
                    Some(c),
                    "fix",
                    format!(
                        "{} has periodic ETCD backup tasks other than etcd-backup-default; 4.0 drops custom tasks: back them up and delete them before the upgrade (snapshots stay)",
                        c.name
                    ),
                );
            }
            if cvo {
                hit(
                    "preflight-custom-etcd-backups",
                    Some(c),
                    "fix",
                    format!(
                        "{} still has ETCD backup tasks other than etcd-backup-default; the 4.3 preflight (CustomEtcdBackupCronJobsAbsent) fails on them: back them up and delete them first",
                        c.name
                    ),
                );
            }
        }
        if to_4_3 {
            if workload && k.le(K1_34) && k.lt(K1_31) {
                if managed {
                    hit(
                        "workload-k8s-compatible-4.3-managed",
                        Some(c),
                        "fix",
                        format!(
                            "Managed workload cluster {} runs Kubernetes {k}, below the 1.31–1.34 that 4.3 accepts: upgrade it to 1.31 through {} before the global tier moves to 4.3",
                            c.name,
                            provider()
                        ),
                    );
                } else {
                    hit(
                        "workload-k8s-compatible-4.3",
                        Some(c),
                        "fix",
                        format!(
                            "Workload cluster {} runs Kubernetes {k}, below the 1.31–1.34 that 4.3 accepts: upgrade it to 1.31 (one minor at a time) before the global tier moves to 4.3",
                            c.name
                        ),
                    );
                }
            }
            if workload && !k.le(K1_34) {
                hit(
                    "workload-k8s-above-4.3",
                    Some(c),
                    "block",
                    format!(
                        "Workload cluster {0} runs Kubernetes {k}, newer than the 1.31–1.34 that 4.3 accepts; Kubernetes cannot be downgraded, so the global tier cannot go to 4.3 while it manages {0}: contact technical support",
                        c.name
                    ),
                );
            }
            if global && k.le(K1_34) && k.lt(K1_31) {
                hit(
                    "preflight-k8s-supported",
                    Some(c),
                    "fix",
                    format!(
                        "Global cluster {} runs Kubernetes {k}; the 4.3 preflight (KubernetesVersionSupported) expects 1.31–1.34: upgrade it to 1.31 first",
                        c.name
                    ),
                );
            }
            if c.runtime != Runtime::Containerd {
                hit(
                    "preflight-docker-runtime",
                    Some(c),
                    "block",
                    format!(
                        "{} still uses the Docker container runtime, which 4.3 rejects (preflight DockerRuntimeUnsupported): move its nodes to containerd before planning this upgrade; the guides give no in-place procedure, so this plan cannot add it",
                        c.name
                    ),
                );
            }
            for rp in &c.resource_patches {
                if !rp.exempt_for.unwrap_or(Ver::new(0, 0)).eq_short(to) {
                    hit(
                        "preflight-resource-patches",
                        Some(c),
                        "fix",
                        format!(
                            "ResourcePatch {} on {} has no config.cpaas.io/exempt-for-ver=4.3.0 annotation, so the preflight stops with UnexemptResourcePatches: review the patch, then annotate it",
                            rp.name, c.name
                        ),
                    );
                }
            }
        }
        if below_4_0 {
            if has_plugin("costmanager") {
                hit(
                    "costmanager-removed",
                    Some(c),
                    "fix",
                    format!(
                        "{} has the CostManager plugin, which 4.0 no longer supports: uninstall it before the upgrade",
                        c.name
                    ),
                );
            }
            if has_plugin("kubecost") {
                hit(
                    "kubecost-removed",
                    Some(c),
                    "fix",
                    format!(
                        "{} has the Kubecost plugin, which 4.0 no longer supports: uninstall it before the upgrade",
                        c.name
                    ),
                );
            }
        }
        if from_3_16 && has_plugin("log-storage-clickhouse") {
            if global {
                hit(
                    "clickhouse-reinstall-3.16",
                    Some(c),
                    "fix",
                    format!(
                        "Global cluster {0} stores logs in ClickHouse; on 3.16 → 4.0 that plugin must be uninstalled before the upgrade and installed again once {0} runs 4.0",
                        c.name
                    ),
                );
            } else {
                hit(
                    "clickhouse-reinstall-3.16-workload",
                    Some(c),
                    "fix",
                    format!(
                        "Workload cluster {0} stores logs in ClickHouse; on 3.16 → 4.0 that plugin must be uninstalled before the upgrade and installed again once {0} runs 4.0",
                        c.name
                    ),
                );
            }
        }
        if cvo && from.eq_short(V4_0) && has_plugin("topolvm") {
            hit(
                "topolvm-package-4.0",
                Some(c),
                "fix",
                format!(
                    "{} runs TopoLVM; from 4.0 the TopoLVM package must be pushed to it before the upgrade (not needed from 4.1 or 4.2)",
                    c.name
                ),
            );
        }
        if to_4_3 && from.lt(V4_2) && any_log_storage && global && c.dr != Dr::Standby {
            hit(
                "log-essentials-upload",
                Some(c),
                "fix",
                format!(
                    "A cluster of this platform runs a log storage plugin; 4.3 also needs the Log Essentials plugin (new in 4.2): upload its package through {} before the upgrade",
                    c.name
                ),
            );
        }
        if cvo
            && workload
            && c.plugins
                .iter()
                .any(|p| p.is_operator() && p.source() == "alauda")
        {
            hit(
                "operator-packages-per-cluster",
                Some(c),
                "fix",
                format!(
                    "{0} runs platform operators; operator packages are per cluster, so the target versions must be pushed for {0} before its upgrade",
                    c.name
                ),
            );
        }
        if script && has_plugin("devops-toolchain") {
            hit(
                "devops-toolchain-after-upgrade",
                Some(c),
                "fix",
                format!(
                    "{} has DevOps toolchain instances: upgrade them once the cluster itself is upgraded",
                    c.name
                ),
            );
        }
        if below_4_0 && any_app_services && global && c.dr != Dr::Standby {
            hit(
                "application-services-3x",
                Some(c),
                "fix",
                format!(
                    "Application Services are installed: the Application Services upgrade guide has steps that must be done before global cluster {} is upgraded",
                    c.name
                ),
            );
        }
        if workload && c.dr != Dr::None {
            hit(
                "dr-only-on-global",
                Some(c),
                "block",
                format!(
                    "Workload cluster {} is marked dr: {:?}; only the two global clusters take part in global DR: set it to none",
                    c.name, c.dr
                ),
            );
        }
        if global && c.dr != Dr::None && c.machines_not_running != 0 {
            if script {
                hit(
                    "dr-machines-running-3x",
                    Some(c),
                    "block",
                    format!(
                        "DR global cluster {} has {} Machine(s) not Running; technical support must resolve them before the DR upgrade can start",
                        c.name, c.machines_not_running
                    ),
                );
            }
            if cvo {
                hit(
                    "dr-machines-running-4x",
                    Some(c),
                    "fix",
                    format!(
                        "DR global cluster {} has {} Machine(s) not Running; bring them back to Running before the DR checks",
                        c.name, c.machines_not_running
                    ),
                );
            }
        }
        if workload {
            // the global tier is at the hop's source when the hop starts
            let v = c.version.unwrap_or(from);
            if !v.le(from) {
                hit(
                    "workload-not-beyond-global",
                    Some(c),
                    "block",
                    format!(
                        "Workload cluster {} is recorded at ACP {v}, ahead of its global tier; a workload cluster may only run a version the global has already reached: correct the inventory",
                        c.name
                    ),
                );
            }
        }
    }
    out
}
