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
    // topology.uplan
    "clusters-listed",
    "a-global-cluster",
    "one-global-tier",
    "dr-pair-complete",
    "dr-only-on-global",
    "global-version-is-platform",
    // prerequisites-3x.uplan
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
    // prerequisites-4x.uplan
    "cluster-version-path-4.3",
    "workload-k8s-compatible-4.3",
    "workload-k8s-compatible-4.3-managed",
    "workload-k8s-above-4.3",
    "preflight-k8s-supported",
    "preflight-docker-runtime",
    "preflight-docker-runtime-workload",
    "preflight-custom-etcd-backups",
    "preflight-custom-etcd-backups-workload",
    "preflight-resource-patches",
    "preflight-resource-patches-workload",
    "minio-space-4.3",
    // plugins.uplan
    "costmanager-removed",
    "kubecost-removed",
    "clickhouse-reinstall-3.16",
    "clickhouse-reinstall-3.16-workload",
    "topolvm-package-4.0",
    "log-essentials-upload",
    "operator-packages-per-cluster",
    "devops-toolchain-after-upgrade",
    // warnings.uplan
    "application-services-3x",
    // global-dr.uplan
    "dr-machines-running-3x",
    "dr-machines-running-4x",
    // workloads.uplan
    "workload-not-beyond-global",
];

// ─── the rulebook's facts (releases.uplan, constants.uplan, plugins.uplan) ───

/// `release X { kubernetes = …  compatible_kubernetes = lo..=hi  istio_floor = … }`
struct Release {
    version: Ver,
    kubernetes: Ver,
    compatible_kubernetes: Option<(Ver, Ver)>,
    istio_floor: Option<Ver>,
}

const fn release(version: Ver, kubernetes: Ver) -> Release {
    Release {
        version,
        kubernetes,
        compatible_kubernetes: None,
        istio_floor: None,
    }
}

const RELEASES: &[Release] = &[
    Release {
        istio_floor: Some(Ver::new(1, 20)),
        ..release(Ver::new(3, 16), Ver::new(1, 28))
    },
    Release {
        istio_floor: Some(Ver::new(1, 22)),
        ..release(Ver::new(3, 18), Ver::new(1, 30))
    },
    release(Ver::new(4, 0), Ver::new(1, 31)),
    release(Ver::new(4, 1), Ver::new(1, 32)),
    release(Ver::new(4, 2), Ver::new(1, 33)),
    Release {
        compatible_kubernetes: Some((Ver::new(1, 31), Ver::new(1, 34))),
        ..release(Ver::new(4, 3), Ver::new(1, 34))
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Script,
    Cvo,
}

/// `hop FROM -> TO { flow = … }`
const HOPS: &[(Ver, Ver, Flow)] = &[
    (Ver::new(3, 16), Ver::new(4, 0), Flow::Script),
    (Ver::new(3, 18), Ver::new(4, 0), Flow::Script),
    (Ver::new(4, 0), Ver::new(4, 3), Flow::Cvo),
    (Ver::new(4, 1), Ver::new(4, 3), Flow::Cvo),
    (Ver::new(4, 2), Ver::new(4, 3), Flow::Cvo),
];

const MINIO_PATH: &str = "/cpaas/minio";
const MINIO_FREE_GB: i64 = 120;
const EXTRACTION_FREE_GB: i64 = 250;
const ELASTICSEARCH_OF_4_0: i64 = 8;
const DEFAULT_ETCD_BACKUP: &str = "etcd-backup-default";

/// `vocabulary plugin.name`: every spelling (lowercase) with the name it stands for.
const PLUGIN_NAMES: &[(&str, &str)] = &[
    ("costmanager", "costmanager"),
    ("cost-manager", "costmanager"),
    ("cost_manager", "costmanager"),
    ("kubecost", "kubecost"),
    ("kube-cost", "kubecost"),
    ("log-storage-clickhouse", "log-storage-clickhouse"),
    ("clickhouse", "log-storage-clickhouse"),
    ("log-clickhouse", "log-storage-clickhouse"),
    ("log-storage-elasticsearch", "log-storage-elasticsearch"),
    ("log-elasticsearch", "log-storage-elasticsearch"),
    ("log-essentials", "log-essentials"),
    ("alauda-container-platform-log-essentials", "log-essentials"),
    ("topolvm", "topolvm"),
    ("build-of-topolvm", "topolvm"),
    ("top-lvm", "topolvm"),
    ("gitops", "gitops"),
    ("acp-gitops", "gitops"),
    ("alauda-container-platform-gitops", "gitops"),
    ("devops-toolchain", "devops-toolchain"),
    ("product-docs", "product-docs"),
    ("alauda-container-platform-product-docs", "product-docs"),
    ("service-mesh-essentials", "service-mesh-essentials"),
    ("alauda-service-mesh-essentials", "service-mesh-essentials"),
];

/// The name a plugin's `name` stands for: matched without regard to case, an alias
/// read as its name; a name the vocabulary does not know stays as written.
fn canonical(name: &str) -> &str {
    // uplan lowercases with Unicode rules; for ASCII that is the cheap comparison
    let hit = if name.is_ascii() {
        PLUGIN_NAMES
            .iter()
            .find(|(spelling, _)| spelling.eq_ignore_ascii_case(name))
    } else {
        let lower = name.to_lowercase();
        PLUGIN_NAMES.iter().find(|(spelling, _)| *spelling == lower)
    };
    hit.map_or(name, |(_, n)| n)
}

/// `p.name like "log-storage-*"`, the vocabulary's prefix entry: any case, like every
/// name of the vocabulary. (The engine now keeps a prefix-matched name as written, so
/// `Log-Storage-Loki` does not match there; the generator writes no such name.)
fn is_log_storage(name: &str) -> bool {
    const PREFIX: &str = "log-storage-";
    let name = canonical(name);
    if name.is_ascii() {
        name.get(..PREFIX.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
    } else {
        name.to_lowercase().starts_with(PREFIX)
    }
}

impl Ver {
    /// `4.3` as the exact version a hop lands on, `4.3.0` (`hop.version`).
    pub fn full(self) -> Ver {
        Ver {
            precision: 3,
            ..self
        }
    }
}

// ─── the loop ───

/// The hop and what the rules read of it (`hop.from`, `hop.source`, …).
struct Hop {
    from: Ver,
    to: Ver,
    flow: Flow,
    /// `hop.version`: where the hop lands, every component written.
    version: Ver,
    source: &'static Release,
    target: &'static Release,
}

impl Hop {
    fn find(from: Ver, to: Ver) -> Option<Hop> {
        let (f, t, flow) = HOPS
            .iter()
            .find(|(f, t, _)| from.eq_short(*f) && to.eq_short(*t))?;
        let rel = |v: Ver| RELEASES.iter().find(|r| r.version.eq_short(v));
        Some(Hop {
            from: *f,
            to: *t,
            flow: *flow,
            version: to.full(),
            source: rel(*f)?,
            target: rel(*t)?,
        })
    }

    /// `hop FROM -> TO`
    fn is(&self, from: Ver, to: Ver) -> bool {
        self.from.eq_short(from) && self.to.eq_short(to)
    }

    fn to_4_0(&self) -> bool {
        self.to.eq_short(Ver::new(4, 0))
    }

    fn to_4_3(&self) -> bool {
        self.to.eq_short(Ver::new(4, 3))
    }

    fn leaves_3x(&self) -> bool {
        self.from.lt(Ver::new(4, 0))
    }
}

/// Where findings go.
struct Out<'a>(Vec<Hit<'a>>);

impl<'a> Out<'a> {
    fn hit(
        &mut self,
        rule: &'static str,
        c: Option<&'a Cluster>,
        severity: &'static str,
        message: String,
    ) {
        self.0.push(Hit {
            rule,
            cluster: c.map(|c| c.name.as_str()),
            severity,
            message,
        });
    }
    fn block(&mut self, rule: &'static str, c: &'a Cluster, message: String) {
        self.hit(rule, Some(c), "block", message);
    }
    fn fix(&mut self, rule: &'static str, c: &'a Cluster, message: String) {
        self.hit(rule, Some(c), "fix", message);
    }
}

/// Facts-wide facts, counted once.
#[derive(Default)]
struct Facts {
    globals: usize,
    global_primaries: usize,
    global_standbys: usize,
    any_global_dr: bool,
    any_log_storage: bool,
    any_app_services: bool,
}

impl Facts {
    fn of(inv: &Inventory) -> Facts {
        let mut p = Facts::default();
        for c in &inv.clusters {
            let global = c.role == Role::Global;
            p.globals += global as usize;
            p.global_primaries += (global && c.dr == Dr::Primary) as usize;
            p.global_standbys += (global && c.dr == Dr::Standby) as usize;
            p.any_global_dr |= global && c.dr != Dr::None;
            p.any_log_storage |= c.plugins.iter().any(|p| is_log_storage(&p.name));
            p.any_app_services |= c.application_services;
        }
        p
    }

    fn dr_pair(&self) -> bool {
        self.global_primaries == 1 && self.global_standbys == 1
    }
}

/// The prerequisite findings of the hop from the inventory's platform version
/// (major.minor) to `to` (`4.0` or `4.3`).
pub fn check<'a>(inv: &'a Inventory, to: Ver) -> Vec<Hit<'a>> {
    let mut out = Out(Vec::new());
    let Some(hop) = Hop::find(inv.platform.version.major_minor(), to) else {
        return out.0;
    };
    let p = Facts::of(inv);
    topology(&mut out, inv, &p);
    for c in &inv.clusters {
        let k = Ctx {
            hop: &hop,
            p: &p,
            inv,
            c,
        };
        k.versions(&mut out);
        k.floors_3x(&mut out);
        k.elasticsearch(&mut out);
        k.disks(&mut out);
        k.etcd_backups(&mut out);
        k.kubernetes_4_3(&mut out);
        k.preflight(&mut out);
        k.plugins(&mut out);
        k.dr(&mut out);
    }
    out.0
}

/// The rules about the whole platform (no `each`: no cluster in the finding).
fn topology(out: &mut Out<'_>, inv: &Inventory, p: &Facts) {
    let n = inv.clusters.len();
    if n == 0 {
        out.hit(
            "clusters-listed",
            None,
            "block",
            "The inventory lists no clusters, so there is nothing to plan: list the global cluster and every workload cluster under clusters".into(),
        );
    }
    if n > 0 && p.globals == 0 {
        out.hit(
            "a-global-cluster",
            None,
            "block",
            format!(
                "None of the {n} clusters has role: global; every platform is upgraded from its global cluster first, so the inventory must include it",
            ),
        );
    }
    if p.globals > 1 && !(p.globals == 2 && p.dr_pair()) {
        out.hit(
            "one-global-tier",
            None,
            "block",
            format!(
                "The inventory has {} global clusters; a platform has one, or exactly two forming a DR pair (one dr: primary, one dr: standby): correct the role or dr fields",
                p.globals,
            ),
        );
    }
    if p.any_global_dr && !p.dr_pair() {
        out.hit(
            "dr-pair-complete",
            None,
            "block",
            format!(
                "Global DR needs one primary and one standby global cluster; the inventory has {} primary and {} standby: correct the dr fields of the global clusters (the primary is the one the platform's domain name resolves to)",
                p.global_primaries,
                p.global_standbys,
            ),
        );
    }
}

/// One cluster of one hop: what every per-cluster rule reads.
struct Ctx<'h, 'a> {
    hop: &'h Hop,
    p: &'h Facts,
    inv: &'a Inventory,
    c: &'a Cluster,
}

impl<'a> Ctx<'_, 'a> {
    fn global(&self) -> bool {
        self.c.role == Role::Global
    }
    fn workload(&self) -> bool {
        self.c.role == Role::Workload
    }
    fn managed(&self) -> bool {
        self.c.kind == ClusterType::Managed
    }
    fn has_plugin(&self, name: &str) -> bool {
        self.c.plugins.iter().any(|p| canonical(&p.name) == name)
    }
    fn provider(&self) -> &'a str {
        self.c.provider.as_deref().unwrap_or("its cloud provider")
    }
    fn custom_etcd_backups(&self) -> bool {
        self.c
            .etcd_backup_tasks
            .iter()
            .any(|t| t != DEFAULT_ETCD_BACKUP)
    }

    /// Recorded cluster versions: topology.uplan, the two path rules, workloads.uplan.
    fn versions(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        if self.workload() && c.dr != Dr::None {
            out.block(
                "dr-only-on-global",
                c,
                format!(
                    "Workload cluster {} has dr: {}, but only the two global clusters take part in global DR: set it to none",
                    c.name,
                    dr_name(c.dr),
                ),
            );
        }
        let v = c.version.unwrap_or(hop.from);
        if self.global() && c.version.is_some() && !v.eq_short(hop.from) {
            out.block(
                "global-version-is-platform",
                c,
                format!(
                    "Global cluster {} is recorded at ACP {v} while the platform (its global tier) is at {}: make its version and platform.version agree",
                    c.name,
                    hop.from,
                ),
            );
        }
        if self.workload() && !v.le(hop.from) {
            out.block(
                "workload-not-beyond-global",
                c,
                format!(
                    "Workload cluster {} is recorded at ACP {v}, newer than its global tier's {}; since a workload can only follow its global tier, the inventory must be wrong here: correct it",
                    c.name,
                    hop.from,
                ),
            );
        }
        if c.version.is_none() {
            return;
        }
        let among = |vs: &[Ver]| vs.iter().any(|w| v.eq_short(*w));
        if hop.to_4_0() && !among(&[Ver::new(3, 16), Ver::new(3, 18)]) {
            out.block(
                "cluster-version-path-4.0",
                c,
                format!(
                    "{} is recorded at ACP {v}, and only 3.16 and 3.18 move to 4.0: bring that cluster to 3.16 or 3.18 first (outside this plan), or correct its version in the inventory",
                    c.name,
                ),
            );
        }
        if hop.to_4_3() && !among(&[Ver::new(4, 0), Ver::new(4, 1), Ver::new(4, 2)]) {
            out.block(
                "cluster-version-path-4.3",
                c,
                format!(
                    "{} is recorded at ACP {v}, and only 4.0, 4.1 and 4.2 move to 4.3: bring that cluster to one of them first (outside this plan), or correct its version in the inventory",
                    c.name,
                ),
            );
        }
    }

    /// Kubernetes and Istio floors of 3.x → 4.0: the source release's facts.
    fn floors_3x(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        let (k8s, k8s_managed, istio) = if hop.is(Ver::new(3, 16), Ver::new(4, 0)) {
            (
                "k8s-floor-3.16",
                "k8s-floor-3.16-managed",
                "istio-floor-3.16",
            )
        } else if hop.is(Ver::new(3, 18), Ver::new(4, 0)) {
            (
                "k8s-floor-3.18",
                "k8s-floor-3.18-managed",
                "istio-floor-3.18",
            )
        } else {
            return;
        };
        let (from, floor) = (hop.from, hop.source.kubernetes);
        if !c.kubernetes.ge(floor) {
            if self.managed() {
                out.fix(
                    k8s_managed,
                    c,
                    format!(
                        "Managed cluster {} runs Kubernetes {}; before {from} can move to 4.0 it needs {floor}: have {} upgrade it before the ACP upgrade begins",
                        c.name,
                        c.kubernetes,
                        self.provider(),
                    ),
                );
            } else {
                out.fix(
                    k8s,
                    c,
                    format!(
                        "{} runs Kubernetes {}; before {from} can move to 4.0 every cluster needs {floor}: upgrade it one minor version at a time before the ACP upgrade begins",
                        c.name,
                        c.kubernetes,
                    ),
                );
            }
        }
        let istio_floor = hop.source.istio_floor.unwrap_or(Ver::new(0, 0));
        if let Some(v) = c.istio
            && !v.ge(istio_floor)
        {
            let more = if from.eq_short(Ver::new(3, 16)) {
                " or newer"
            } else {
                ""
            };
            out.fix(
                istio,
                c,
                format!(
                    "{} runs Istio {v}; {from} → 4.0 needs Istio {istio_floor}{more} wherever Istio runs: upgrade its control plane and instances first, ahead of Kubernetes and ACP",
                    c.name,
                ),
            );
        }
    }

    fn elasticsearch(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        let Some(es) = &c.elasticsearch else {
            return;
        };
        if hop.leaves_3x() && !es.node_role_fix {
            out.fix(
                "es-node-role-fix",
                c,
                format!(
                    "{} logs to an Elasticsearch without the node-role fix; apply the Knowledge-base fix for node roles in big Elasticsearch clusters before the upgrade",
                    c.name,
                ),
            );
        }
        if hop.is(Ver::new(3, 16), Ver::new(4, 0)) && es.version < ELASTICSEARCH_OF_4_0 {
            out.fix(
                "es6-from-3.16",
                c,
                format!(
                    "{} logs to Elasticsearch {}, and 4.0 comes with Elasticsearch {ELASTICSEARCH_OF_4_0}, which cannot take over the 3.16 one in place: carry out the migration the support checklist reports, before the downloads",
                    c.name,
                    es.version,
                ),
            );
        }
    }

    fn disks(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        if !self.global() {
            return;
        }
        let minio_low = c
            .disks
            .iter()
            .any(|d| d.path == MINIO_PATH && d.free_gb < MINIO_FREE_GB);
        if minio_low && hop.to_4_0() {
            out.fix(
                "minio-space-4.0",
                c,
                format!(
                    "{MINIO_PATH} on the control plane of global cluster {} has less than {MINIO_FREE_GB} GB free; grow it to {MINIO_FREE_GB} GB or more before the upgrade",
                    c.name,
                ),
            );
        }
        if minio_low && hop.to_4_3() {
            out.fix(
                "minio-space-4.3",
                c,
                format!(
                    "{MINIO_PATH} on the control-plane nodes of global cluster {} has less than {MINIO_FREE_GB} GB free; grow it to {MINIO_FREE_GB} GB or more before the upgrade",
                    c.name,
                ),
            );
        }
        if hop.leaves_3x()
            && c.dr != Dr::Standby
            && let Some(x) = &self.inv.extraction
            && x.same_disk
            && x.free_gb < EXTRACTION_FREE_GB
        {
            out.fix(
                "extraction-space-4.0",
                c,
                format!(
                    "The package and its extraction directory on {} share a disk with less than {EXTRACTION_FREE_GB} GB free; free or add space there, or unpack onto another disk",
                    c.name,
                ),
            );
        }
    }

    fn etcd_backups(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        if !self.custom_etcd_backups() {
            return;
        }
        if hop.leaves_3x() {
            out.fix(
                "etcd-backup-tasks-4.0",
                c,
                format!(
                    "{} has periodic ETCD backup tasks besides {DEFAULT_ETCD_BACKUP}, and 4.0 drops them: save their settings and delete them before the upgrade (their snapshots are kept)",
                    c.name,
                ),
            );
        }
        if hop.to_4_3() && self.global() {
            out.fix(
                "preflight-custom-etcd-backups",
                c,
                format!(
                    "Global cluster {} still has ETCD backup tasks besides {DEFAULT_ETCD_BACKUP}, which the 4.3 preflight check CustomEtcdBackupCronJobsAbsent rejects: save their settings and delete them first",
                    c.name,
                ),
            );
        }
        if hop.to_4_3() && self.workload() {
            out.fix(
                "preflight-custom-etcd-backups-workload",
                c,
                format!(
                    "Workload cluster {} still has ETCD backup tasks besides {DEFAULT_ETCD_BACKUP}, which its own 4.3 preflight (CustomEtcdBackupCronJobsAbsent) rejects: save their settings and delete them before its upgrade",
                    c.name,
                ),
            );
        }
    }

    /// The Kubernetes range 4.3 accepts (`hop.target.compatible_kubernetes`).
    fn kubernetes_4_3(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        let Some((min, max)) = hop.target.compatible_kubernetes.filter(|_| hop.to_4_3()) else {
            return;
        };
        let (k, to) = (c.kubernetes, hop.to);
        let range = format!("{min}–{max}");
        let below = k.le(max) && !(k.ge(min) && k.le(max));
        if self.workload() && !k.le(max) {
            out.block(
                "workload-k8s-above-4.3",
                c,
                format!(
                    "Workload cluster {0} runs Kubernetes {k}, newer than the {range} that {to} accepts, and Kubernetes is never downgraded: the global tier cannot go to {to} while it manages {0}",
                    c.name,
                ),
            );
        }
        if !below {
            return;
        }
        if self.global() {
            out.fix(
                "preflight-k8s-supported",
                c,
                format!(
                    "Global cluster {} runs Kubernetes {k}; the {to} preflight check KubernetesVersionSupported is expected to want {range}: move it to {min} first",
                    c.name,
                ),
            );
        } else if self.managed() {
            out.fix(
                "workload-k8s-compatible-4.3-managed",
                c,
                format!(
                    "Managed workload cluster {} runs Kubernetes {k}, below the {range} that {to} accepts: have {} move it to {min} before the global tier goes to {to}",
                    c.name,
                    self.provider(),
                ),
            );
        } else {
            out.fix(
                "workload-k8s-compatible-4.3",
                c,
                format!(
                    "Workload cluster {} runs Kubernetes {k}, below the {range} that {to} accepts: move it up to {min}, one minor version at a time, before the global tier goes to {to}",
                    c.name,
                ),
            );
        }
    }

    /// What the 4.3 preflight checks (runtime, ResourcePatches), per cluster role.
    fn preflight(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        if !hop.to_4_3() {
            return;
        }
        if c.runtime != Runtime::Containerd {
            if self.global() {
                out.block(
                    "preflight-docker-runtime",
                    c,
                    format!(
                        "Global cluster {} still runs the Docker container runtime, which the 4.3 preflight check DockerRuntimeUnsupported refuses: move its nodes to containerd first; the guides describe no in-place way, so this plan cannot add one",
                        c.name,
                    ),
                );
            } else {
                out.block(
                    "preflight-docker-runtime-workload",
                    c,
                    format!(
                        "Workload cluster {} still runs the Docker container runtime, which the 4.3 preflight check DockerRuntimeUnsupported refuses for its own upgrade: move its nodes to containerd (no in-place way is described); the global tier and the other workload clusters are not held back by it",
                        c.name,
                    ),
                );
            }
        }
        let v = hop.version;
        for rp in &c.resource_patches {
            if rp.exempt_for.unwrap_or(Ver::new(0, 0).full()).eq_short(v) {
                continue;
            }
            if self.global() {
                out.fix(
                    "preflight-resource-patches",
                    c,
                    format!(
                        "ResourcePatch {} on global cluster {} carries no config.cpaas.io/exempt-for-ver={v} annotation, so the preflight would stop on UnexemptResourcePatches: read the patch, then annotate it",
                        rp.name,
                        c.name,
                    ),
                );
            } else {
                out.fix(
                    "preflight-resource-patches-workload",
                    c,
                    format!(
                        "ResourcePatch {} on workload cluster {} carries no config.cpaas.io/exempt-for-ver={v} annotation, which its own upgrade's preflight checks: read the patch, then annotate it before that upgrade",
                        rp.name,
                        c.name,
                    ),
                );
            }
        }
    }

    fn plugins(&self, out: &mut Out<'a>) {
        let (c, hop) = (self.c, self.hop);
        if hop.leaves_3x() && self.has_plugin("costmanager") {
            out.fix(
                "costmanager-removed",
                c,
                format!(
                    "{} runs the CostManager plugin, deprecated from 4.0 on: remove it before the upgrade",
                    c.name,
                ),
            );
        }
        if hop.leaves_3x() && self.has_plugin("kubecost") {
            out.fix(
                "kubecost-removed",
                c,
                format!(
                    "{} runs the Kubecost plugin, deprecated from 4.0 on: remove it before the upgrade",
                    c.name,
                ),
            );
        }
        if hop.is(Ver::new(3, 16), Ver::new(4, 0)) && self.has_plugin("log-storage-clickhouse") {
            let (rule, role) = if self.global() {
                ("clickhouse-reinstall-3.16", "Global")
            } else {
                ("clickhouse-reinstall-3.16-workload", "Workload")
            };
            out.fix(
                rule,
                c,
                format!(
                    "{role} cluster {0} keeps its logs in ClickHouse; for 3.16 → 4.0 that plugin comes off before the upgrade and goes back on once {0} runs 4.0",
                    c.name,
                ),
            );
        }
        if hop.is(Ver::new(4, 0), Ver::new(4, 3)) && self.has_plugin("topolvm") {
            out.fix(
                "topolvm-package-4.0",
                c,
                format!(
                    "{} runs TopoLVM; coming from 4.0 (not from 4.1 or 4.2) its TopoLVM package has to be pushed to it before the upgrade",
                    c.name,
                ),
            );
        }
        let main_global = self.global() && c.dr != Dr::Standby;
        if hop.to_4_3() && hop.from.lt(Ver::new(4, 2)) && self.p.any_log_storage && main_global {
            out.fix(
                "log-essentials-upload",
                c,
                format!(
                    "A cluster of this platform runs a log storage plugin, and 4.3 also needs Log Essentials, a plugin that first shipped with 4.2: push its package through {} before the upgrade",
                    c.name,
                ),
            );
        }
        let alauda_operator = |p: &Plugin| p.is_operator() && p.source() == "alauda";
        if hop.flow == Flow::Cvo && self.workload() && c.plugins.iter().any(alauda_operator) {
            out.fix(
                "operator-packages-per-cluster",
                c,
                format!(
                    "{0} runs platform operators, and operator packages are per cluster: push their {1} packages for {0} before its upgrade",
                    c.name,
                    hop.to,
                ),
            );
        }
        if hop.flow == Flow::Script && self.has_plugin("devops-toolchain") {
            out.fix(
                "devops-toolchain-after-upgrade",
                c,
                format!(
                    "{} has DevOps toolchain instances; they can be upgraded once the cluster itself runs {}",
                    c.name,
                    hop.to,
                ),
            );
        }
        if hop.leaves_3x() && self.p.any_app_services && main_global {
            out.fix(
                "application-services-3x",
                c,
                format!(
                    "Application Services are installed, and their own upgrade guide has work to finish before global cluster {} is upgraded",
                    c.name,
                ),
            );
        }
    }

    fn dr(&self, out: &mut Out<'a>) {
        let c = self.c;
        if !(self.global() && c.dr != Dr::None && c.machines_not_running != 0) {
            return;
        }
        let n = c.machines_not_running;
        match self.hop.flow {
            Flow::Script => out.fix(
                "dr-machines-running-3x",
                c,
                format!(
                    "{n} Machine(s) of DR global cluster {} are not Running; the DR upgrade may only begin once technical support has brought them back",
                    c.name,
                ),
            ),
            Flow::Cvo => out.fix(
                "dr-machines-running-4x",
                c,
                format!(
                    "{n} Machine(s) of DR global cluster {} are not Running; get them back to Running before the DR checks",
                    c.name,
                ),
            ),
        }
    }
}

fn dr_name(dr: Dr) -> &'static str {
    match dr {
        Dr::Primary => "primary",
        Dr::Standby => "standby",
        Dr::None => "none",
    }
}
