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

# Against a floor written major.minor (every floor of the rules is), the shorter
# precision is two components: [major, minor] compares directly.
mm(v) := [to_number(x[0]), to_number(x[1])] if x := split(trim_prefix(v, "v"), ".")

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

# ─── the hop ───

from := array.slice(vparts(input.platform.version), 0, 2)

from_text := concat(".", [format_int(x, 10) | some x in from])

to := vparts(data.params.to)

default script := false

script if {
	vin(from, [[3, 16], [3, 18]])
	veq(to, [4, 0])
}

default cvo := false

cvo if {
	vin(from, [[4, 0], [4, 1], [4, 2]])
	veq(to, [4, 3])
}

default hop_3_16 := false

hop_3_16 if {
	script
	veq(from, [3, 16])
}

default hop_3_18 := false

hop_3_18 if {
	script
	veq(from, [3, 18])
}

default from_below_4_0 := false

from_below_4_0 if vlt(from, [4, 0])

default to_4_3 := false

to_4_3 if {
	cvo
	veq(to, [4, 3])
}

# ─── defaults of the schema ───

provider(c) := p if {
	p := object.get(c, "provider", null)
	p != null
} else := "its cloud provider"

has_plugin(c, name) if {
	some p in object.get(c, "plugins", [])
	p.name == name
}

custom_etcd_tasks(c) if {
	some t in object.get(c, "etcd_backup_tasks", [])
	t != "etcd-backup-default"
}

minio_low(c) if {
	some d in object.get(c, "disks", [])
	d.path == "/cpaas/minio"
	d.free_gb < 120
}

f(rule, c, severity, message) := {"rule": rule, "cluster": c.name, "severity": severity, "message": message}

# ─── cluster versions ───

findings contains f("cluster-version-path-4.0", c, "block", msg) if {
	script
	some c in input.clusters
	v := object.get(c, "version", null)
	v != null
	not vin(vparts(v), [[3, 16], [3, 18]])
	msg := sprintf("%s is recorded at ACP %s, but only 3.16 and 3.18 upgrade to 4.0: bring this cluster to 3.16 or 3.18 first (not covered by this plan), or correct its version in the inventory", [c.name, v])
}

findings contains f("cluster-version-path-4.3", c, "block", msg) if {
	cvo
	some c in input.clusters
	v := object.get(c, "version", null)
	v != null
	not vin(vparts(v), [[4, 0], [4, 1], [4, 2]])
	msg := sprintf("%s is recorded at ACP %s, but only 4.0, 4.1 and 4.2 upgrade to 4.3: bring this cluster to one of them first (not covered by this plan), or correct its version in the inventory", [c.name, v])
}

# The global tier is at the hop's source when the hop starts.
findings contains f("workload-not-beyond-global", w, "block", msg) if {
	some w in input.clusters
	w.role == "workload"
	v := object.get(w, "version", null)
	v != null
	not vle(vparts(v), from)
	msg := sprintf("Workload cluster %s is recorded at ACP %s, ahead of its global tier; a workload cluster may only run a version the global has already reached: correct the inventory", [w.name, v])
}

# ─── Kubernetes and Istio floors of 3.x ───

k8s_floors := [
	{"on": hop_3_16, "floor": [1, 28], "text": "1.28", "onprem": "k8s-floor-3.16", "managed": "k8s-floor-3.16-managed"},
	{"on": hop_3_18, "floor": [1, 30], "text": "1.30", "onprem": "k8s-floor-3.18", "managed": "k8s-floor-3.18-managed"},
]

findings contains f(r.onprem, c, "fix", msg) if {
	some r in k8s_floors
	r.on
	some c in input.clusters
	object.get(c, "type", "on-premises") == "on-premises"
	mm(c.kubernetes) < r.floor
	msg := sprintf("%s runs Kubernetes %s; %s → 4.0 needs every cluster on %s first: upgrade its Kubernetes one minor at a time before the ACP upgrade starts", [c.name, c.kubernetes, from_text, r.text])
}

findings contains f(r.managed, c, "fix", msg) if {
	some r in k8s_floors
	r.on
	some c in input.clusters
	object.get(c, "type", "on-premises") == "managed"
	mm(c.kubernetes) < r.floor
	msg := sprintf("Managed cluster %s runs Kubernetes %s; %s → 4.0 needs %s first: upgrade it through %s before the ACP upgrade starts", [c.name, c.kubernetes, from_text, r.text, provider(c)])
}

istio_floors := [
	{"on": hop_3_16, "floor": [1, 20], "text": "1.20", "rule": "istio-floor-3.16"},
	{"on": hop_3_18, "floor": [1, 22], "text": "1.22", "rule": "istio-floor-3.18"},
]

findings contains f(r.rule, c, "fix", msg) if {
	some r in istio_floors
	r.on
	some c in input.clusters
	istio := object.get(c, "istio", null)
	istio != null
	mm(istio) < r.floor
	msg := sprintf("%s runs Istio %s; %s → 4.0 needs Istio %s or later on every cluster that has it: upgrade Istio and its instances first, before Kubernetes and ACP", [c.name, istio, from_text, r.text])
}

# ─── Elasticsearch ───

findings contains f("es-node-role-fix", c, "fix", msg) if {
	from_below_4_0
	some c in input.clusters
	es := object.get(c, "elasticsearch", null)
	es != null
	not object.get(es, "node_role_fix", false)
	msg := sprintf("%s logs to Elasticsearch without the node-role fix; apply the Knowledge-base fix for node role settings in big Elasticsearch clusters before the upgrade", [c.name])
}

findings contains f("es6-from-3.16", c, "block", msg) if {
	hop_3_16
	some c in input.clusters
	es := object.get(c, "elasticsearch", null)
	es != null
	es.version < 8
	msg := sprintf("%s still runs the Elasticsearch 6 shipped with 3.16, which cannot move in place to the Elasticsearch 8 of 4.0: run the support checklist, carry out its Elasticsearch instructions, then set elasticsearch.version to 8 in the inventory", [c.name])
}

# ─── disks ───

findings contains f("minio-space-4.0", c, "fix", msg) if {
	script
	some c in input.clusters
	c.role == "global"
	minio_low(c)
	msg := sprintf("/cpaas/minio on the control plane of global cluster %s has less than 120 GB free; expand it to at least 120 GB before the upgrade", [c.name])
}

findings contains f("minio-space-4.3", c, "fix", msg) if {
	cvo
	some c in input.clusters
	c.role == "global"
	minio_low(c)
	msg := sprintf("/cpaas/minio on the control-plane nodes of global cluster %s has less than 120 GB free; expand it to at least 120 GB before the upgrade", [c.name])
}

findings contains f("extraction-space-4.0", c, "fix", msg) if {
	script
	x := object.get(input, "extraction", null)
	x != null
	object.get(x, "same_disk", false)
	x.free_gb < 250
	some c in input.clusters
	c.role == "global"
	msg := sprintf("The upgrade package and its extraction path share one disk with less than 250 GB free; free or add space (250 GB) on the control-plane node of %s", [c.name])
}

# ─── ETCD backup tasks ───

findings contains f("etcd-backup-tasks-4.0", c, "fix", msg) if {
	from_below_4_0
	some c in input.clusters
	custom_etcd_tasks(c)
	msg := sprintf("%s has periodic ETCD backup tasks other than etcd-backup-default; 4.0 drops custom tasks: back them up and delete them before the upgrade (snapshots stay)", [c.name])
}

findings contains f("preflight-custom-etcd-backups", c, "fix", msg) if {
	cvo
	some c in input.clusters
	custom_etcd_tasks(c)
	msg := sprintf("%s still has ETCD backup tasks other than etcd-backup-default; the 4.3 preflight (CustomEtcdBackupCronJobsAbsent) fails on them: back them up and delete them first", [c.name])
}

# ─── Kubernetes for 4.3 ───

findings contains f("workload-k8s-compatible-4.3", w, "fix", msg) if {
	to_4_3
	some w in input.clusters
	w.role == "workload"
	object.get(w, "type", "on-premises") == "on-premises"
	mm(w.kubernetes) < [1, 31]
	msg := sprintf("Workload cluster %s runs Kubernetes %s, below the 1.31–1.34 that 4.3 accepts: upgrade it to 1.31 (one minor at a time) before the global tier moves to 4.3", [w.name, w.kubernetes])
}

findings contains f("workload-k8s-compatible-4.3-managed", w, "fix", msg) if {
	to_4_3
	some w in input.clusters
	w.role == "workload"
	object.get(w, "type", "on-premises") == "managed"
	mm(w.kubernetes) < [1, 31]
	msg := sprintf("Managed workload cluster %s runs Kubernetes %s, below the 1.31–1.34 that 4.3 accepts: upgrade it to 1.31 through %s before the global tier moves to 4.3", [w.name, w.kubernetes, provider(w)])
}

findings contains f("workload-k8s-above-4.3", w, "block", msg) if {
	to_4_3
	some w in input.clusters
	w.role == "workload"
	mm(w.kubernetes) > [1, 34]
	msg := sprintf("Workload cluster %s runs Kubernetes %s, newer than the 1.31–1.34 that 4.3 accepts; Kubernetes cannot be downgraded, so the global tier cannot go to 4.3 while it manages %s: contact technical support", [w.name, w.kubernetes, w.name])
}

findings contains f("preflight-k8s-supported", c, "fix", msg) if {
	to_4_3
	some c in input.clusters
	c.role == "global"
	mm(c.kubernetes) < [1, 31]
	msg := sprintf("Global cluster %s runs Kubernetes %s; the 4.3 preflight (KubernetesVersionSupported) expects 1.31–1.34: upgrade it to 1.31 first", [c.name, c.kubernetes])
}

# ─── runtime, ResourcePatches ───

findings contains f("preflight-docker-runtime", c, "block", msg) if {
	to_4_3
	some c in input.clusters
	object.get(c, "runtime", "containerd") != "containerd"
	msg := sprintf("%s still uses the Docker container runtime, which 4.3 rejects (preflight DockerRuntimeUnsupported): move its nodes to containerd before planning this upgrade; the guides give no in-place procedure, so this plan cannot add it", [c.name])
}

exempt_for(rp) := vparts(v) if {
	v := object.get(rp, "exempt_for", null)
	v != null
} else := [0, 0]

findings contains f("preflight-resource-patches", c, "fix", msg) if {
	to_4_3
	some c in input.clusters
	some rp in object.get(c, "resource_patches", [])
	not veq(exempt_for(rp), to)
	msg := sprintf("ResourcePatch %s on %s has no config.cpaas.io/exempt-for-ver=4.3.0 annotation, so the preflight stops with UnexemptResourcePatches: review the patch, then annotate it", [rp.name, c.name])
}

# ─── plugins ───

findings contains f("costmanager-removed", c, "fix", msg) if {
	from_below_4_0
	some c in input.clusters
	has_plugin(c, "costmanager")
	msg := sprintf("%s has the CostManager plugin, which 4.0 no longer supports: uninstall it before the upgrade", [c.name])
}

findings contains f("kubecost-removed", c, "fix", msg) if {
	from_below_4_0
	some c in input.clusters
	has_plugin(c, "kubecost")
	msg := sprintf("%s has the Kubecost plugin, which 4.0 no longer supports: uninstall it before the upgrade", [c.name])
}

findings contains f("clickhouse-reinstall-3.16", c, "fix", msg) if {
	hop_3_16
	some c in input.clusters
	c.role == "global"
	has_plugin(c, "log-storage-clickhouse")
	msg := sprintf("Global cluster %s stores logs in ClickHouse; on 3.16 → 4.0 that plugin must be uninstalled before the upgrade and installed again once %s runs 4.0", [c.name, c.name])
}

findings contains f("clickhouse-reinstall-3.16-workload", c, "fix", msg) if {
	hop_3_16
	some c in input.clusters
	c.role == "workload"
	has_plugin(c, "log-storage-clickhouse")
	msg := sprintf("Workload cluster %s stores logs in ClickHouse; on 3.16 → 4.0 that plugin must be uninstalled before the upgrade and installed again once %s runs 4.0", [c.name, c.name])
}

findings contains f("topolvm-package-4.0", c, "fix", msg) if {
	cvo
	veq(from, [4, 0])
	some c in input.clusters
	has_plugin(c, "topolvm")
	msg := sprintf("%s runs TopoLVM; from 4.0 the TopoLVM package must be pushed to it before the upgrade (not needed from 4.1 or 4.2)", [c.name])
}

any_log_storage if {
	some x in input.clusters
	some p in object.get(x, "plugins", [])
	startswith(p.name, "log-storage-")
}

findings contains f("log-essentials-upload", g, "fix", msg) if {
	to_4_3
	vlt(from, [4, 2])
	any_log_storage
	some g in input.clusters
	g.role == "global"
	object.get(g, "dr", "none") != "standby"
	msg := sprintf("A cluster of this platform runs a log storage plugin; 4.3 also needs the Log Essentials plugin (new in 4.2): upload its package through %s before the upgrade", [g.name])
}

findings contains f("operator-packages-per-cluster", c, "fix", msg) if {
	cvo
	some c in input.clusters
	c.role == "workload"
	some p in object.get(c, "plugins", [])
	object.get(p, "kind", "cluster-plugin") == "operator"
	object.get(p, "source", "alauda") == "alauda"
	msg := sprintf("%s runs platform operators; operator packages are per cluster, so the target versions must be pushed for %s before its upgrade", [c.name, c.name])
}

findings contains f("devops-toolchain-after-upgrade", c, "fix", msg) if {
	script
	some c in input.clusters
	has_plugin(c, "devops-toolchain")
	msg := sprintf("%s has DevOps toolchain instances: upgrade them once the cluster itself is upgraded", [c.name])
}

findings contains f("application-services-3x", g, "fix", msg) if {
	from_below_4_0
	some x in input.clusters
	object.get(x, "application_services", false)
	some g in input.clusters
	g.role == "global"
	object.get(g, "dr", "none") != "standby"
	msg := sprintf("Application Services are installed: the Application Services upgrade guide has steps that must be done before global cluster %s is upgraded", [g.name])
}

# ─── DR ───

dr_members := [c | some c in input.clusters; object.get(c, "dr", "none") != "none"]

findings contains {"rule": "dr-pair-complete", "cluster": null, "severity": "block", "message": msg} if {
	count(dr_members) > 0
	not dr_pair_ok
	msg := "A DR environment is one primary and one standby global cluster; the inventory marks a different number of clusters as primary or standby: fix the dr fields"
}

dr_pair_ok if {
	count([c | some c in dr_members; c.dr == "primary"]) == 1
	count([c | some c in dr_members; c.dr == "standby"]) == 1
}

findings contains f("dr-only-on-global", c, "block", msg) if {
	some c in input.clusters
	c.role == "workload"
	object.get(c, "dr", "none") != "none"
	msg := sprintf("Workload cluster %s is marked dr: %s; only the two global clusters take part in global DR: set it to none", [c.name, object.get(c, "dr", "none")])
}

findings contains f("dr-machines-running-3x", c, "block", msg) if {
	script
	some c in input.clusters
	c.role == "global"
	object.get(c, "dr", "none") != "none"
	object.get(c, "machines_not_running", 0) != 0
	msg := sprintf("DR global cluster %s has %d Machine(s) not Running; technical support must resolve them before the DR upgrade can start", [c.name, c.machines_not_running])
}

findings contains f("dr-machines-running-4x", c, "fix", msg) if {
	cvo
	some c in input.clusters
	c.role == "global"
	object.get(c, "dr", "none") != "none"
	object.get(c, "machines_not_running", 0) != 0
	msg := sprintf("DR global cluster %s has %d Machine(s) not Running; bring them back to Running before the DR checks", [c.name, c.machines_not_running])
}
