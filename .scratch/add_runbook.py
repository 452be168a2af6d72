import re, json
p='rules/acp/steps.uplan'
s=open(p).read()
G='guide'; E='estimate'
add = {
 'run-checklist': ['duration 30m..1h', 'verify "The checklist report lists no open item"', 'undo judgement "Nothing to undo: the checklist only reads the platform"', 'escalate "An item you cannot clear: ask technical support, who supply the checklist"'],
 'download-packages': ['duration 1h..3h', 'undo judgement "Nothing to undo: the downloads do not touch the platform"'],
 'push-plugin-packages': ['duration 30m..1h', 'undo judgement "Nothing to undo: pushed packages wait in the platform\'s catalog until a cluster is upgraded"'],
 'prepare-application-services': ['duration 1h..2h', 'verify "Every item of the Application Services upgrade guide for a 3.x global cluster is done"'],
 'uninstall-plugin': ['duration 10m..20m', 'verify "{name} is no longer listed for {c.name}"', 'undo judgement "Install {name} again on {c.name} from the same page, with the settings noted before removing it"'],
 'reinstall-plugin': ['duration 10m..20m', 'verify "{name} is listed as installed and running on {c.name}"', 'undo judgement "Uninstall it again from the same page"'],
 'remove-etcd-backup-tasks': ['duration 15m', 'verify "Only {default-etcd-backup} is left in the ETCD backup tasks of {c.name}"', 'undo judgement "Create the deleted tasks again from the schedules and targets written down"'],
 'apply-es-node-role-fix': ['duration 30m..1h', 'undo judgement "The knowledge article describes the change; reverting it brings back the node-role issue the upgrade must not meet"'],
 'migrate-elasticsearch': ['duration 2h..4h', 'irreversible "Once the data has moved to the new Elasticsearch, the plan assumes the old one is gone"', 'escalate "The procedure is in the support checklist\'s report; any doubt about the data: technical support"'],
 'expand-disk': ['duration 30m..1h', 'verify "`df -h {path}` shows at least {gb} GB free on every control-plane node of {c.name}"', 'undo judgement "Nothing to undo: the extra space does no harm"'],
 'free-extraction-space': ['duration 15m..30m', 'undo judgement "Nothing to undo: the extra space does no harm"'],
 'annotate-resource-patch': ['duration 10m', 'verify "The next preflight run passes `ResourcePatchUpgradeable`"', 'undo judgement "Remove the annotation: `kubectl annotate resourcepatches {name} config.cpaas.io/exempt-for-ver-`"'],
 'repair-machines': ['duration 30m..2h', 'verify "`kubectl get machines.platform.tkestack.io` lists every Machine as Running"', 'escalate "On a 3.x source the 4.0 guide sends this to technical support" when hop.flow == script'],
 'upload-topolvm': ['duration 15m..30m', 'undo judgement "Nothing to undo: the package waits until {c.name} is upgraded"'],
 'upload-log-essentials': ['duration 15m..30m', 'undo judgement "Nothing to undo: the package waits until the upgrade"'],
 'push-operator-packages': ['duration 15m..30m', 'undo judgement "Nothing to undo: the packages wait until {c.name} is upgraded"'],
 'upgrade-istio': ['duration 1h..2h', 'verify "The Istio control plane and every instance on {c.name} report {to}"', 'undo judgement "The Alauda Service Mesh documentation covers going back to the previous Istio while Kubernetes has not moved yet"'],
 'upgrade-kubernetes': ['duration 30m..1h', 'verify "The Functional Components of {c.name} show Kubernetes {to}"', 'irreversible "Kubernetes is never downgraded: the control plane keeps {to} (Kubernetes version skew policy)"'],
 'upgrade-kubernetes-via-provider': ['duration 30m..1h', 'verify "The {c.provider ?? "cloud provider"} console shows Kubernetes {to} for {c.name}"', 'irreversible "Kubernetes is never downgraded: the control plane keeps {to} (Kubernetes version skew policy)"'],
 'upgrade-kubernetes-with-platform': ['duration 30m..1h', 'irreversible "Kubernetes is never downgraded: the control plane keeps {to} (Kubernetes version skew policy)"'],
 'verify-dr-consistency': ['duration 15m..30m', 'verify "The DR inspection finds the standby consistent with the primary, and every Machine is Running"', 'undo judgement "Nothing to undo: it only reads"', 'escalate "Any inconsistency: contact technical support before going on"'],
 'remove-etcd-sync-helm': ['duration 10m', 'verify "`kubectl get pod -n kube-system | grep etcd-mirror` prints nothing"', 'undo judgement "The sync is installed again after the upgrade (its own step)"'],
 'uninstall-etcdsync-plugin': ['duration 10m..15m', 'verify "EtcdSync is no longer listed for the global cluster"', 'undo judgement "The sync is installed again after the upgrade (its own step)"'],
 'uninstall-etcd-synchronizer': ['duration 10m..15m', 'verify "etcd Synchronizer is no longer listed for the global cluster"', 'undo judgement "The sync is installed again after the upgrade (its own step)"'],
 'check-standby-productbase': ['duration 10m', 'verify "`spec.alternativeURLs` of ProductBase `base` lists `https://<standby-cluster-vip>`"', 'undo judgement "Nothing to undo: the extra URL does no harm"'],
 'reinstall-etcd-sync': ['duration 15m..30m', 'verify "The etcd-sync pod is 1/1 Running and its log shows Start Sync update"'],
 'check-etcd-sync': ['duration 10m..15m', 'verify "The check lists no missed keys and no surplus keys"', 'escalate "Surplus keys: agree with the operations team which to delete before deleting any"'],
 'upload-images': ['duration 2h guide', 'verify "The image sync has finished without errors"', 'undo judgement "Nothing to undo: the images only sit in the registry; {c.name} still runs its current version"'],
 'trigger-upgrade': ['duration 30m..1h', 'verify "`upgrade.sh` has ended without errors"', 'irreversible "From here {c.name} is being upgraded; the guides describe no way back"'],
 'upgrade-cluster': ['duration 1h..2h', 'verify "The Functional Components of {c.name} show no upgrade left to do"', 'irreversible "The guides describe no way back once the components of {c.name} are upgraded"'],
 'install-product-docs': ['duration 10m..15m', 'verify "A help link in the platform opens the product documentation instead of a 404 page"', 'undo judgement "Uninstall the plugin; help links then answer 404"'],
 'install-service-mesh-essentials': ['duration 20m..30m', 'undo judgement "Uninstall the plugin before any workload cluster has moved"'],
 'upgrade-workload-cluster': ['duration 45m..1h30m', 'verify "The Functional Components of {c.name} show no upgrade left to do" when hop.flow == script', 'verify "{c.name} reports ACP {hop.version}" when hop.flow == cvo', 'irreversible "The guides describe no way back once {c.name} is upgraded"', 'escalate "Custom configuration overrides whose effect you cannot judge: ask technical support before confirming" when hop.flow == script'],
 'upgrade-workload-kubernetes': ['duration 30m..1h', 'irreversible "Kubernetes is never downgraded: the control plane keeps {to} (Kubernetes version skew policy)"'],
 'prepare-artifacts': ['duration 1h..2h', 'verify "The image and plugin sync of `upgrade.sh` has finished"', 'undo judgement "Nothing to undo: the prepared artifacts wait until the upgrade is requested"'],
 'run-preflight': ['duration 10m..15m', 'verify "`PreflightReady=True`"', 'undo judgement "Nothing to undo: the checks only read"'],
 'request-upgrade': ['duration 5m..10m', 'verify "The request shows as submitted: `ac adm upgrade status --cluster=global` names {hop.version} as the desired version"', 'irreversible "Once requested, the cluster version operator moves {c.name} to {hop.version}; the guides describe no way back"'],
 'observe-upgrade': ['duration 1h..2h', 'verify "`Ready=True` in `kubectl get cvsh -n cpaas-system`, with {hop.version} as the current version"', 'escalate "`Stalled=True` means the upgrade is blocked and needs someone to intervene: keep the output of `ac adm upgrade status --cluster=global` for technical support"'],
 'upgrade-service-mesh-essentials': ['duration 20m..30m'],
 'upgrade-devops-toolchain': ['duration 30m..1h', 'verify "No instance of {c.name} offers an upgrade any more"'],
}
blocks = re.split(r'(?m)^(?=step )', s)
out=[]
seen=set()
for b in blocks:
    m = re.match(r'step ([a-z0-9-]+)\(', b)
    if m:
        name=m.group(1); seen.add(name)
        lines=b.split('\n')
        # drop existing duration line
        lines=[l for l in lines if not l.strip().startswith('duration ')]
        idx=[i for i,l in enumerate(lines) if l.strip() in ('manual','automatic')][0]
        new=[]
        for a in add[name]:
            kw,rest=a.split(' ',1)
            new.append('  %-8s %s' % (kw, rest))
        lines[idx+1:idx+1]=new
        b='\n'.join(lines)
    out.append(b)
assert seen==set(add), set(add)^seen
open(p,'w').write(''.join(out))
