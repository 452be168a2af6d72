//! `nodes.json` (`kubectl get nodes -o json`): the Kubernetes version, the container
//! runtime and the control-plane nodes of one cluster.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{codes, json, locate_field};
use crate::diagnostics::Problem;
use crate::model::Version;
use crate::source::Sources;

/// What the importer needs of a Node (everything else in it is ignored).
#[derive(Deserialize)]
struct Node {
    kind: Option<String>,
    metadata: Metadata,
    status: Status,
}

#[derive(Deserialize)]
struct Metadata {
    name: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(rename = "nodeInfo")]
    node_info: NodeInfo,
}

#[derive(Deserialize)]
struct NodeInfo {
    #[serde(rename = "kubeletVersion")]
    kubelet_version: String,
    #[serde(rename = "containerRuntimeVersion")]
    container_runtime_version: String,
}

/// The document's kind first: a `List` (what `kubectl get nodes -o json` prints), a
/// `NodeList` (the API's own), or one `Node` (`kubectl get node NAME -o json`).
#[derive(Deserialize)]
struct Kind {
    kind: String,
}

#[derive(Deserialize)]
struct List {
    items: Vec<Node>,
}

/// The control-plane labels: kubeadm's since 1.20, and the older `master`.
const CONTROL_PLANE_LABELS: [&str; 2] = [
    "node-role.kubernetes.io/control-plane",
    "node-role.kubernetes.io/master",
];

/// One cluster's nodes, summarised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nodes {
    /// The lowest kubelet version, as `major.minor.patch` (no `v`, no vendor suffix).
    pub kubernetes: String,
    /// `containerd` or `docker`; `None` when a node's runtime is neither.
    pub runtime: Option<&'static str>,
    /// Names of the nodes labelled control plane, sorted.
    pub control_plane: Vec<String>,
    pub count: usize,
}

/// Reads `nodes.json` (file `file`); warnings go to `warnings`.
pub fn read(
    sources: &Sources,
    file: u32,
    cluster: &str,
    warnings: &mut Vec<Problem>,
) -> Result<Nodes, Vec<Problem>> {
    let what = "a Node list (`kubectl get nodes -o json`)";
    let kind: Kind = json::parse(sources, file, what).map_err(|p| vec![p])?;
    let mut nodes = match kind.kind.as_str() {
        "List" | "NodeList" => json::parse::<List>(sources, file, what).map(|l| l.items),
        "Node" => json::parse::<Node>(sources, file, what).map(|n| vec![n]),
        other => Err(wrong_kind(sources, file, other)),
    }
    .map_err(|p| vec![p])?;
    if let Some(bad) = nodes
        .iter()
        .find_map(|n| n.kind.as_deref().filter(|k| *k != "Node"))
    {
        return Err(vec![wrong_kind(sources, file, bad)]);
    }
    if nodes.is_empty() {
        let name = &sources.get(file).name;
        return Err(vec![
            Problem::new(codes::EMPTY_NODE_LIST, format!("`{name}` lists no Node"))
                .help("run `kubectl get nodes -o json` against the cluster again: every cluster has at least one node; a wrong context or missing permission shows none"),
        ]);
    }
    nodes.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    summarise(sources, file, cluster, &nodes, warnings)
}

fn wrong_kind(sources: &Sources, file: u32, kind: &str) -> Problem {
    let name = &sources.get(file).name;
    let p = Problem::new(
        codes::WRONG_SHAPE,
        format!("`{name}` holds a `{kind}`, not Nodes"),
    )
    .help("nodes.json must be the output of `kubectl get nodes -o json` (a `List` of `Node`s)");
    match locate_field(sources, file, "kind", kind) {
        Some(span) => p.at(sources, span, "this kind"),
        None => p,
    }
}

/// Kubernetes version, runtime and control plane of the (sorted) nodes.
fn summarise(
    sources: &Sources,
    file: u32,
    cluster: &str,
    nodes: &[Node],
    warnings: &mut Vec<Problem>,
) -> Result<Nodes, Vec<Problem>> {
    let mut errors = Vec::new();
    let mut versions: Vec<(Version, &str)> = Vec::new();
    for n in nodes {
        match kubelet_version(&n.status.node_info.kubelet_version) {
            Some(v) => versions.push((v, &n.metadata.name)),
            None => errors.push(bad_kubelet(sources, file, n)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    versions.sort_by(|a, b| a.0.compare(&b.0).then_with(|| a.1.cmp(b.1)));
    let lowest = versions
        .first()
        .map(|(v, _)| text_of(v))
        .unwrap_or_default();
    let by_version = group(versions.iter().map(|(v, n)| (text_of(v), *n)));
    if by_version.len() > 1 {
        warnings.push(mixed(
            codes::MIXED_VERSIONS,
            sources,
            file,
            cluster,
            "Kubernetes version",
            &by_version,
            &format!("taking the lowest, {lowest}"),
        ));
    }
    let runtime = runtime(sources, file, cluster, nodes, warnings);
    let control_plane = nodes
        .iter()
        .filter(|n| {
            CONTROL_PLANE_LABELS
                .iter()
                .any(|l| n.metadata.labels.contains_key(*l))
        })
        .map(|n| n.metadata.name.clone())
        .collect();
    Ok(Nodes {
        kubernetes: lowest,
        runtime,
        control_plane,
        count: nodes.len(),
    })
}

/// `v1.30.4`, `v1.28.9-eks-036c24b`, `v1.27.5+rke2r1` → 1.30.4 (the vendor suffix
/// names a build of the same Kubernetes release; as a pre-release it would sort
/// below the release it is).
fn kubelet_version(text: &str) -> Option<Version> {
    let v = Version::parse(text).ok()?;
    (v.precision >= 2).then(|| Version::new(v.major, v.minor, v.patch, v.precision))
}

fn text_of(v: &Version) -> String {
    match v.precision {
        2 => format!("{}.{}", v.major, v.minor),
        _ => format!("{}.{}.{}", v.major, v.minor, v.patch),
    }
}

fn bad_kubelet(sources: &Sources, file: u32, n: &Node) -> Problem {
    let value = &n.status.node_info.kubelet_version;
    let p = Problem::new(
        codes::BAD_VERSION,
        format!(
            "node `{}` reports kubelet version `{value}`, which is not a version",
            n.metadata.name
        ),
    )
    .help("status.nodeInfo.kubeletVersion reads like `v1.30.4`; collect nodes.json again with `kubectl get nodes -o json`");
    match locate_field(sources, file, "kubeletVersion", value) {
        Some(span) => p.at(sources, span, "not a version"),
        None => p,
    }
}

/// `containerd://1.7.13` → containerd, `docker://24.0.7` → docker.
fn runtime_of(text: &str) -> Option<&'static str> {
    match text.split_once("://").map(|(scheme, _)| scheme) {
        Some("containerd") => Some("containerd"),
        Some("docker") => Some("docker"),
        _ => None,
    }
}

/// The cluster's runtime: the one every node runs; `docker` when some node runs it;
/// `None` (left to fill in) when a node runs something else.
fn runtime(
    sources: &Sources,
    file: u32,
    cluster: &str,
    nodes: &[Node],
    warnings: &mut Vec<Problem>,
) -> Option<&'static str> {
    let mut unknown = false;
    for n in nodes {
        let value = &n.status.node_info.container_runtime_version;
        if runtime_of(value).is_none() {
            unknown = true;
            warnings.push(unknown_runtime(
                sources,
                file,
                cluster,
                &n.metadata.name,
                value,
            ));
        }
    }
    if unknown {
        return None;
    }
    let by_runtime = group(nodes.iter().map(|n| {
        let r = runtime_of(&n.status.node_info.container_runtime_version).unwrap_or("");
        (r.to_string(), n.metadata.name.as_str())
    }));
    if by_runtime.len() > 1 {
        warnings.push(mixed(
            codes::MIXED_RUNTIMES,
            sources,
            file,
            cluster,
            "container runtime",
            &by_runtime,
            "taking docker, which the rules must see",
        ));
        return Some("docker");
    }
    by_runtime
        .keys()
        .next()
        .and_then(|r| runtime_of(&format!("{r}://")))
}

fn unknown_runtime(
    sources: &Sources,
    file: u32,
    cluster: &str,
    node: &str,
    value: &str,
) -> Problem {
    let p = Problem::new(
        codes::UNKNOWN_RUNTIME,
        format!("cluster `{cluster}`: node `{node}` runs `{value}`, neither containerd nor docker"),
    )
    .warning()
    .help("the inventory knows containerd and docker; the cluster's `runtime` is left for you to fill in");
    match locate_field(sources, file, "containerRuntimeVersion", value) {
        Some(span) => p.at(sources, span, "this runtime"),
        None => p,
    }
}

/// Node names by value, values in their first-seen order (the caller sorts).
fn group<'a>(pairs: impl Iterator<Item = (String, &'a str)>) -> BTreeMap<String, Vec<&'a str>> {
    let mut out: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (value, node) in pairs {
        out.entry(value).or_default().push(node);
    }
    out
}

/// At most this many node names per value in a warning.
const NAMES_SHOWN: usize = 20;

fn mixed(
    code: &'static str,
    sources: &Sources,
    file: u32,
    cluster: &str,
    what: &str,
    by_value: &BTreeMap<String, Vec<&str>>,
    taken: &str,
) -> Problem {
    let mut values: Vec<(&String, &Vec<&str>)> = by_value.iter().collect();
    // Versions in version order, not string order (1.9 before 1.10).
    values.sort_by(|a, b| match (Version::parse(a.0), Version::parse(b.0)) {
        (Ok(x), Ok(y)) => x.compare(&y).then_with(|| a.0.cmp(b.0)),
        _ => a.0.cmp(b.0),
    });
    let parts: Vec<String> = values
        .iter()
        .map(|(value, nodes)| {
            let mut shown = nodes
                .iter()
                .take(NAMES_SHOWN)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            if nodes.len() > NAMES_SHOWN {
                shown.push_str(&format!(" and {} more", nodes.len() - NAMES_SHOWN));
            }
            format!("{value} on {shown}")
        })
        .collect();
    let name = &sources.get(file).name;
    Problem::new(
        code,
        format!("cluster `{cluster}`: nodes disagree on the {what}: {}; {taken}", parts.join("; ")),
    )
    .warning()
    .help(format!("from `{name}`; a cluster mid-upgrade shows this; finish the upgrade or collect again when it is done"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubelet_versions_lose_the_v_and_the_vendor_suffix() {
        let t = |s| kubelet_version(s).map(|v| text_of(&v));
        assert_eq!(t("v1.30.4").as_deref(), Some("1.30.4"));
        assert_eq!(t("v1.28.9-eks-036c24b").as_deref(), Some("1.28.9"));
        assert_eq!(t("v1.27.5+rke2r1").as_deref(), Some("1.27.5"));
        assert_eq!(t("latest"), None);
        assert_eq!(t("v1"), None);
    }

    #[test]
    fn runtimes_by_scheme() {
        assert_eq!(runtime_of("containerd://1.7.13"), Some("containerd"));
        assert_eq!(runtime_of("docker://24.0.7"), Some("docker"));
        assert_eq!(runtime_of("cri-o://1.28.1"), None);
        assert_eq!(runtime_of("containerd"), None);
    }
}
