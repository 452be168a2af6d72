# The ACP prerequisite checks of one hop (3.16/3.18 -> 4.0, 4.0/4.1/4.2 -> 4.3) as a
# Rego policy: what a team would write for OPA instead of using uplan. It mirrors every
# rule of rules/acp/*.uplan that can fire with severity block or fix on such a hop
# (the same list as RULES in floor.rs); tests/crosscheck.rs keeps the three in step.
#
# input: the inventory (design.md's contract) as JSON; data.params.to: the target
# ("4.0" or "4.3"). Result: data.uplan.acp.findings, a set of
# {rule, cluster, severity, message}.
#
# Versions are compared as uplan compares them: numerically per component, at the
# shorter precision of the two sides ("1.30.4" == "1.30", "1.9" < "1.10").
package uplan.acp

# ─── versions ───
# A version is parsed once into an array of numbers; two parsed versions compare at the
# shorter precision of the two ([1, 30, 4] vs [1, 30] compares [1, 30] with [1, 30]),
# and arrays of numbers compare element by element, numerically.

vparts(v) := [to_number(p) | some p in split(trim_prefix(v, "v"), ".")]

vtext(parts) := concat(".", [format_int(x, 10) | some x in parts])

vcut(a, b) := [array.slice(a, 0, n), array.slice(b, 0, n)] if n := min([count(a), count(b)])

vlt(a, b) if {
	[x, y] := vcut(a, b)
	x < y
}

vle(a, b) if {
	[x, y] := vcut(a, b)
	x <= y
}

veq(a, b) if {
	[x, y] := vcut(a, b)
	x == y
}

vin(v, list) if {
	some w in list
	veq(v, w)
}

# ─── the rulebook's facts (releases.uplan, constants.uplan, plugins.uplan) ───

releases := {
	"3.16": {"kubernetes": [1, 28], "istio_floor": [1, 20]},
	"3.18": {"kubernetes": [1, 30], "istio_floor": [1, 22]},
	"4.0": {"kubernetes": [1, 31]},
	"4.1": {"kubernetes": [1, 32]},
	"4.2": {"kubernetes": [1, 33]},
	"4.3": {"kubernetes": [1, 34], "compatible_kubernetes": {"min": [1, 31], "max": [1, 34]}},
}

hops := [
	{"from": [3, 16], "to": [4, 0], "flow": "script"},
	{"from": [3, 18], "to": [4, 0], "flow": "script"},
	{"from": [4, 0], "to": [4, 3], "flow": "cvo"},
	{"from": [4, 1], "to": [4, 3], "flow": "cvo"},
	{"from": [4, 2], "to": [4, 3], "flow": "cvo"},
]

minio_path := "/cpaas/minio"

minio_free_gb := 120

extraction_free_gb := 250

elasticsearch_of_4_0 := 8

default_etcd_backup := "etcd-backup-default"

# `vocabulary plugin.name`: every spelling (lowercase) with the name it stands for.
plugin_names := {
	"costmanager": "costmanager", "cost-manager": "costmanager", "cost_manager": "costmanager",
	"kubecost": "kubecost", "kube-cost": "kubecost",
	"log-storage-clickhouse": "log-storage-clickhouse", "clickhouse": "log-storage-clickhouse",
	"log-clickhouse": "log-storage-clickhouse",
	"log-storage-elasticsearch": "log-storage-elasticsearch",
	"log-elasticsearch": "log-storage-elasticsearch",
	"log-essentials": "log-essentials", "alauda-container-platform-log-essentials": "log-essentials",
	"topolvm": "topolvm", "build-of-topolvm": "topolvm", "top-lvm": "topolvm",
	"gitops": "gitops", "acp-gitops": "gitops", "alauda-container-platform-gitops": "gitops",
	"devops-toolchain": "devops-toolchain",
	"product-docs": "product-docs", "alauda-container-platform-product-docs": "product-docs",
	"service-mesh-essentials": "service-mesh-essentials",
	"alauda-service-mesh-essentials": "service-mesh-essentials",
}

# Matched without regard to case, an alias read as its name; a name the vocabulary
# does not know stays as written.
canonical(name) := n if {
	n := plugin_names[lower(name)]
} else := name

# ─── the hop ───

from := array.slice(vparts(input.platform.version), 0, 2)

to := vparts(data.params.to)

hop := h if {
	some h in hops
	veq(h.from, from)
	veq(h.to, to)
}

from_text := vtext(hop.from)

to_text := vtext(hop.to)

source := releases[from_text]

target := releases[to_text]

# hop.version: where the hop lands, every component written (4.3 -> 4.3.0)
hop_version := array.slice(array.concat(to, [0, 0, 0]), 0, 3)

default script := false

script if hop.flow == "script"

default cvo := false

cvo if hop.flow == "cvo"

default to_4_0 := false

to_4_0 if veq(hop.to, [4, 0])

default to_4_3 := false

to_4_3 if veq(hop.to, [4, 3])

default hop_3_16 := false

hop_3_16 if {
	veq(hop.from, [3, 16])
	to_4_0
}

default hop_3_18 := false

hop_3_18 if {
	veq(hop.from, [3, 18])
	to_4_0
}

default from_3x := false

from_3x if vlt(hop.from, [4, 0])

# ─── defaults of the schema ───

dr(c) := object.get(c, "dr", "none")

provider(c) := p if {
	p := object.get(c, "provider", null)
	p != null
} else := "its cloud provider"

has_plugin(c, name) if {
	some p in object.get(c, "plugins", [])
	canonical(p.name) == name
}

custom_etcd_tasks(c) if {
	some t in object.get(c, "etcd_backup_tasks", [])
	t != default_etcd_backup
}

minio_low(c) if {
	some d in object.get(c, "disks", [])
	d.path == minio_path
	d.free_gb < minio_free_gb
}

f(rule, c, severity, message) := {"rule": rule, "cluster": c.name, "severity": severity, "message": message}

platform(rule, message) := {"rule": rule, "cluster": null, "severity": "block", "message": message}

# ─── topology ───

globals := [c | some c in input.clusters; c.role == "global"]

global_primaries := count([c | some c in globals; dr(c) == "primary"])

global_standbys := count([c | some c in globals; dr(c) == "standby"])

default dr_pair := false

dr_pair if {
	global_primaries == 1
	global_standbys == 1
}

findings contains platform("clusters-listed", msg) if {
	hop
	count(input.clusters) == 0
	msg := "The inventory lists no clusters, so there is nothing to plan: list the global cluster and every workload cluster under clusters"
}

findings contains platform("a-global-cluster", msg) if {
	hop
	n := count(input.clusters)
	n > 0
	count(globals) == 0
	msg := sprintf("None of the %d clusters has role: global; every platform is upgraded from its global cluster first, so the inventory must include it", [n])
}

findings contains platform("one-global-tier", msg) if {
	hop
	count(globals) > 1
	not one_tier
	msg := sprintf("The inventory has %d global clusters; a platform has one, or exactly two forming a DR pair (one dr: primary, one dr: standby): correct the role or dr fields", [count(globals)])
}

one_tier if {
	count(globals) == 2
	dr_pair
}

findings contains platform("dr-pair-complete", msg) if {
	hop
	some g in globals
	dr(g) != "none"
	not dr_pair
	msg := sprintf("Global DR needs one primary and one standby global cluster; the inventory has %d primary and %d standby: correct the dr fields of the global clusters (the primary is the one the platform's domain name resolves to)", [global_primaries, global_standbys])
}

findings contains f("dr-only-on-global", c, "block", msg) if {
	hop
	some c in input.clusters
	c.role == "workload"
	dr(c) != "none"
	msg := sprintf("Workload cluster %s has dr: %s, but only the two global clusters take part in global DR: set it to none", [c.name, dr(c)])
}

findings contains f("global-version-is-platform", g, "block", msg) if {
	hop
	some g in globals
	v := object.get(g, "version", null)
	v != null
	not veq(vparts(v), hop.from)
	msg := sprintf("Global cluster %s is recorded at ACP %s while the platform (its global tier) is at %s: make its version and platform.version agree", [g.name, v, from_text])
}

# ─── cluster versions ───

findings contains f("cluster-version-path-4.0", c, "block", msg) if {
	to_4_0
	some c in input.clusters
	v := object.get(c, "version", null)
	v != null
	not vin(vparts(v), [[3, 16], [3, 18]])
	msg := sprintf("%s is recorded at ACP %s, and only 3.16 and 3.18 move to 4.0: bring that cluster to 3.16 or 3.18 first (outside this plan), or correct its version in the inventory", [c.name, v])
}

findings contains f("cluster-version-path-4.3", c, "block", msg) if {
	to_4_3
	some c in input.clusters
	v := object.get(c, "version", null)
	v != null
	not vin(vparts(v), [[4, 0], [4, 1], [4, 2]])
	msg := sprintf("%s is recorded at ACP %s, and only 4.0, 4.1 and 4.2 move to 4.3: bring that cluster to one of them first (outside this plan), or correct its version in the inventory", [c.name, v])
}

# The global tier is at the hop's source when the hop starts.
findings contains f("workload-not-beyond-global", w, "block", msg) if {
	hop
	some w in input.clusters
	w.role == "workload"
	v := object.get(w, "version", null)
	v != null
	not vle(vparts(v), hop.from)
	msg := sprintf("Workload cluster %s is recorded at ACP %s, newer than its global tier's %s; since a workload can only follow its global tier, the inventory must be wrong here: correct it", [w.name, v, from_text])
}

# ─── Kubernetes and Istio floors of 3.x: the source release's facts ───

# the messages differ: 3.16 asks for the floor "or newer", 3.18 for the floor
floor_rules := {"k8s": "k8s-floor-3.16", "managed": "k8s-floor-3.16-managed", "istio": "istio-floor-3.16", "newer": " or newer"} if {
	hop_3_16
} else := {"k8s": "k8s-floor-3.18", "managed": "k8s-floor-3.18-managed", "istio": "istio-floor-3.18", "newer": ""} if {
	hop_3_18
}

findings contains f(floor_rules.k8s, c, "fix", msg) if {
	some c in input.clusters
	object.get(c, "type", "on-premises") == "on-premises"
	vlt(vparts(c.kubernetes), source.kubernetes)
	msg := sprintf("%s runs Kubernetes %s; before %s can move to 4.0 every cluster needs %s: upgrade it one minor version at a time before the ACP upgrade begins", [c.name, c.kubernetes, from_text, vtext(source.kubernetes)])
}

findings contains f(floor_rules.managed, c, "fix", msg) if {
	some c in input.clusters
	object.get(c, "type", "on-premises") == "managed"
	vlt(vparts(c.kubernetes), source.kubernetes)
	msg := sprintf("Managed cluster %s runs Kubernetes %s; before %s can move to 4.0 it needs %s: have %s upgrade it before the ACP upgrade begins", [c.name, c.kubernetes, from_text, vtext(source.kubernetes), provider(c)])
}

findings contains f(floor_rules.istio, c, "fix", msg) if {
	istio_floor := object.get(source, "istio_floor", [0, 0])
	some c in input.clusters
	istio := object.get(c, "istio", null)
	istio != null
	vlt(vparts(istio), istio_floor)
	msg := sprintf("%s runs Istio %s; %s → 4.0 needs Istio %s%s wherever Istio runs: upgrade its control plane and instances first, ahead of Kubernetes and ACP", [c.name, istio, from_text, vtext(istio_floor), floor_rules.newer])
}

# ─── Elasticsearch ───

findings contains f("es-node-role-fix", c, "fix", msg) if {
	from_3x
	some c in input.clusters
	es := object.get(c, "elasticsearch", null)
	es != null
	not object.get(es, "node_role_fix", false)
	msg := sprintf("%s logs to an Elasticsearch without the node-role fix; apply the Knowledge-base fix for node roles in big Elasticsearch clusters before the upgrade", [c.name])
}

findings contains f("es6-from-3.16", c, "fix", msg) if {
	hop_3_16
	some c in input.clusters
	es := object.get(c, "elasticsearch", null)
	es != null
	es.version < elasticsearch_of_4_0
	msg := sprintf("%s logs to Elasticsearch %d, and 4.0 comes with Elasticsearch %d, which cannot take over the 3.16 one in place: carry out the migration the support checklist reports, before the downloads", [c.name, es.version, elasticsearch_of_4_0])
}

# ─── disks ───

findings contains f("minio-space-4.0", c, "fix", msg) if {
	to_4_0
	some c in globals
	minio_low(c)
	msg := sprintf("%s on the control plane of global cluster %s has less than %d GB free; grow it to %d GB or more before the upgrade", [minio_path, c.name, minio_free_gb, minio_free_gb])
}

findings contains f("minio-space-4.3", c, "fix", msg) if {
	to_4_3
	some c in globals
	minio_low(c)
	msg := sprintf("%s on the control-plane nodes of global cluster %s has less than %d GB free; grow it to %d GB or more before the upgrade", [minio_path, c.name, minio_free_gb, minio_free_gb])
}

findings contains f("extraction-space-4.0", c, "fix", msg) if {
	from_3x
	x := object.get(input, "extraction", null)
	x != null
	object.get(x, "same_disk", false)
	x.free_gb < extraction_free_gb
	some c in globals
	dr(c) != "standby"
	msg := sprintf("The package and its extraction directory on %s share a disk with less than %d GB free; free or add space there, or unpack onto another disk", [c.name, extraction_free_gb])
}

# ─── ETCD backup tasks ───

findings contains f("etcd-backup-tasks-4.0", c, "fix", msg) if {
	from_3x
	some c in input.clusters
	custom_etcd_tasks(c)
	msg := sprintf("%s has periodic ETCD backup tasks besides %s, and 4.0 drops them: save their settings and delete them before the upgrade (their snapshots are kept)", [c.name, default_etcd_backup])
}

findings contains f("preflight-custom-etcd-backups", c, "fix", msg) if {
	to_4_3
	some c in globals
	custom_etcd_tasks(c)
	msg := sprintf("Global cluster %s still has ETCD backup tasks besides %s, which the 4.3 preflight check CustomEtcdBackupCronJobsAbsent rejects: save their settings and delete them first", [c.name, default_etcd_backup])
}

findings contains f("preflight-custom-etcd-backups-workload", c, "fix", msg) if {
	to_4_3
	some c in input.clusters
	c.role == "workload"
	custom_etcd_tasks(c)
	msg := sprintf("Workload cluster %s still has ETCD backup tasks besides %s, which its own 4.3 preflight (CustomEtcdBackupCronJobsAbsent) rejects: save their settings and delete them before its upgrade", [c.name, default_etcd_backup])
}

# ─── Kubernetes for 4.3: the range the target release accepts ───

compatible := target.compatible_kubernetes if to_4_3

compatible_text := sprintf("%s–%s", [vtext(compatible.min), vtext(compatible.max)])

# at or below the range's top, and not in the range
below_compatible(c) if {
	k := vparts(c.kubernetes)
	vle(k, compatible.max)
	vlt(k, compatible.min)
}

findings contains f("workload-k8s-compatible-4.3", w, "fix", msg) if {
	some w in input.clusters
	w.role == "workload"
	object.get(w, "type", "on-premises") == "on-premises"
	below_compatible(w)
	msg := sprintf("Workload cluster %s runs Kubernetes %s, below the %s that %s accepts: move it up to %s, one minor version at a time, before the global tier goes to %s", [w.name, w.kubernetes, compatible_text, to_text, vtext(compatible.min), to_text])
}

findings contains f("workload-k8s-compatible-4.3-managed", w, "fix", msg) if {
	some w in input.clusters
	w.role == "workload"
	object.get(w, "type", "on-premises") == "managed"
	below_compatible(w)
	msg := sprintf("Managed workload cluster %s runs Kubernetes %s, below the %s that %s accepts: have %s move it to %s before the global tier goes to %s", [w.name, w.kubernetes, compatible_text, to_text, provider(w), vtext(compatible.min), to_text])
}

findings contains f("workload-k8s-above-4.3", w, "block", msg) if {
	some w in input.clusters
	w.role == "workload"
	not vle(vparts(w.kubernetes), compatible.max)
	msg := sprintf("Workload cluster %s runs Kubernetes %s, newer than the %s that %s accepts, and Kubernetes is never downgraded: the global tier cannot go to %s while it manages %s", [w.name, w.kubernetes, compatible_text, to_text, to_text, w.name])
}

findings contains f("preflight-k8s-supported", c, "fix", msg) if {
	some c in globals
	below_compatible(c)
	msg := sprintf("Global cluster %s runs Kubernetes %s; the %s preflight check KubernetesVersionSupported is expected to want %s: move it to %s first", [c.name, c.kubernetes, to_text, compatible_text, vtext(compatible.min)])
}

# ─── runtime, ResourcePatches (the 4.3 preflight, per cluster role) ───

docker(c) if object.get(c, "runtime", "containerd") != "containerd"

findings contains f("preflight-docker-runtime", c, "block", msg) if {
	to_4_3
	some c in globals
	docker(c)
	msg := sprintf("Global cluster %s still runs the Docker container runtime, which the 4.3 preflight check DockerRuntimeUnsupported refuses: move its nodes to containerd first; the guides describe no in-place way, so this plan cannot add one", [c.name])
}

findings contains f("preflight-docker-runtime-workload", c, "block", msg) if {
	to_4_3
	some c in input.clusters
	c.role == "workload"
	docker(c)
	msg := sprintf("Workload cluster %s still runs the Docker container runtime, which the 4.3 preflight check DockerRuntimeUnsupported refuses for its own upgrade: move its nodes to containerd (no in-place way is described); the global tier and the other workload clusters are not held back by it", [c.name])
}

exempt_for(rp) := vparts(v) if {
	v := object.get(rp, "exempt_for", null)
	v != null
} else := [0, 0, 0]

findings contains f("preflight-resource-patches", c, "fix", msg) if {
	to_4_3
	some c in globals
	some rp in object.get(c, "resource_patches", [])
	not veq(exempt_for(rp), hop_version)
	msg := sprintf("ResourcePatch %s on global cluster %s carries no config.cpaas.io/exempt-for-ver=%s annotation, so the preflight would stop on UnexemptResourcePatches: read the patch, then annotate it", [rp.name, c.name, vtext(hop_version)])
}

findings contains f("preflight-resource-patches-workload", c, "fix", msg) if {
	to_4_3
	some c in input.clusters
	c.role == "workload"
	some rp in object.get(c, "resource_patches", [])
	not veq(exempt_for(rp), hop_version)
	msg := sprintf("ResourcePatch %s on workload cluster %s carries no config.cpaas.io/exempt-for-ver=%s annotation, which its own upgrade's preflight checks: read the patch, then annotate it before that upgrade", [rp.name, c.name, vtext(hop_version)])
}

# ─── plugins ───

findings contains f("costmanager-removed", c, "fix", msg) if {
	from_3x
	some c in input.clusters
	has_plugin(c, "costmanager")
	msg := sprintf("%s runs the CostManager plugin, deprecated from 4.0 on: remove it before the upgrade", [c.name])
}

findings contains f("kubecost-removed", c, "fix", msg) if {
	from_3x
	some c in input.clusters
	has_plugin(c, "kubecost")
	msg := sprintf("%s runs the Kubecost plugin, deprecated from 4.0 on: remove it before the upgrade", [c.name])
}

findings contains f("clickhouse-reinstall-3.16", c, "fix", msg) if {
	hop_3_16
	some c in globals
	has_plugin(c, "log-storage-clickhouse")
	msg := sprintf("Global cluster %s keeps its logs in ClickHouse; for 3.16 → 4.0 that plugin comes off before the upgrade and goes back on once %s runs 4.0", [c.name, c.name])
}

findings contains f("clickhouse-reinstall-3.16-workload", c, "fix", msg) if {
	hop_3_16
	some c in input.clusters
	c.role == "workload"
	has_plugin(c, "log-storage-clickhouse")
	msg := sprintf("Workload cluster %s keeps its logs in ClickHouse; for 3.16 → 4.0 that plugin comes off before the upgrade and goes back on once %s runs 4.0", [c.name, c.name])
}

findings contains f("topolvm-package-4.0", c, "fix", msg) if {
	veq(hop.from, [4, 0])
	to_4_3
	some c in input.clusters
	has_plugin(c, "topolvm")
	msg := sprintf("%s runs TopoLVM; coming from 4.0 (not from 4.1 or 4.2) its TopoLVM package has to be pushed to it before the upgrade", [c.name])
}

# `p.name like "log-storage-*"`, the vocabulary's prefix entry: any case, like every
# name of the vocabulary (the engine now keeps a prefix-matched name as written, so
# `Log-Storage-Loki` does not match there; the generator writes no such name).
any_log_storage if {
	some x in input.clusters
	some p in object.get(x, "plugins", [])
	startswith(lower(canonical(p.name)), "log-storage-")
}

findings contains f("log-essentials-upload", g, "fix", msg) if {
	to_4_3
	vlt(hop.from, [4, 2])
	any_log_storage
	some g in globals
	dr(g) != "standby"
	msg := sprintf("A cluster of this platform runs a log storage plugin, and 4.3 also needs Log Essentials, a plugin that first shipped with 4.2: push its package through %s before the upgrade", [g.name])
}

findings contains f("operator-packages-per-cluster", c, "fix", msg) if {
	cvo
	some c in input.clusters
	c.role == "workload"
	alauda_operator(c)
	msg := sprintf("%s runs platform operators, and operator packages are per cluster: push their %s packages for %s before its upgrade", [c.name, to_text, c.name])
}

alauda_operator(c) if {
	some p in object.get(c, "plugins", [])
	object.get(p, "kind", "cluster-plugin") == "operator"
	object.get(p, "source", "alauda") == "alauda"
}

findings contains f("devops-toolchain-after-upgrade", c, "fix", msg) if {
	script
	some c in input.clusters
	has_plugin(c, "devops-toolchain")
	msg := sprintf("%s has DevOps toolchain instances; they can be upgraded once the cluster itself runs %s", [c.name, to_text])
}

findings contains f("application-services-3x", g, "fix", msg) if {
	from_3x
	some x in input.clusters
	object.get(x, "application_services", false)
	some g in globals
	dr(g) != "standby"
	msg := sprintf("Application Services are installed, and their own upgrade guide has work to finish before global cluster %s is upgraded", [g.name])
}

# ─── the DR pair's Machines ───

findings contains f("dr-machines-running-3x", c, "fix", msg) if {
	script
	some c in globals
	dr(c) != "none"
	object.get(c, "machines_not_running", 0) != 0
	msg := sprintf("%d Machine(s) of DR global cluster %s are not Running; the DR upgrade may only begin once technical support has brought them back", [c.machines_not_running, c.name])
}

findings contains f("dr-machines-running-4x", c, "fix", msg) if {
	cvo
	some c in globals
	dr(c) != "none"
	object.get(c, "machines_not_running", 0) != 0
	msg := sprintf("%d Machine(s) of DR global cluster %s are not Running; get them back to Running before the DR checks", [c.machines_not_running, c.name])
}
