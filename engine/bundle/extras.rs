//! The optional files of a cluster directory and of the bundle root. Each gives one
//! or two inventory facts; a file that is absent gives none (the fact stays unknown).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{codes, json, locate};
use crate::diagnostics::Problem;
use crate::model::Version;
use crate::source::Sources;

/// The annotation that exempts a ResourcePatch from the 4.x preflight check.
pub const EXEMPT_ANNOTATION: &str = "config.cpaas.io/exempt-for-ver";

#[derive(Deserialize)]
struct List<T> {
    items: Vec<T>,
}

#[derive(Deserialize)]
struct Meta {
    name: String,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Machine {
    #[serde(default)]
    status: MachineStatus,
}

#[derive(Deserialize, Default)]
struct MachineStatus {
    phase: Option<String>,
}

/// `machines.json`: how many Machines are not `Running` (a Machine that reports no
/// phase is not known to run, so it counts).
pub fn machines_not_running(sources: &Sources, file: u32) -> Result<u64, Problem> {
    let what = "a Machine list (`kubectl get machines.platform.tkestack.io -o json`)";
    let list: List<Machine> = json::parse(sources, file, what)?;
    Ok(list
        .items
        .iter()
        .filter(|m| m.status.phase.as_deref() != Some("Running"))
        .count() as u64)
}

#[derive(Deserialize)]
struct Named {
    metadata: Meta,
}

/// One ResourcePatch: its name and its exemption annotation, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch {
    pub name: String,
    pub exempt_for: Option<String>,
}

/// `resourcepatches.json`: every ResourcePatch, sorted by name.
pub fn resource_patches(sources: &Sources, file: u32) -> Result<Vec<Patch>, Problem> {
    let what = "a ResourcePatch list (`kubectl get resourcepatches -o json`)";
    let list: List<Named> = json::parse(sources, file, what)?;
    let mut out = Vec::new();
    for item in list.items {
        let exempt_for = item.metadata.annotations.get(EXEMPT_ANNOTATION).cloned();
        if let Some(v) = &exempt_for {
            if Version::parse(v).is_err() {
                return Err(bad_version(
                    sources,
                    file,
                    v,
                    &format!(
                        "the {EXEMPT_ANNOTATION} annotation of ResourcePatch `{}`",
                        item.metadata.name
                    ),
                ));
            }
        }
        out.push(Patch {
            name: item.metadata.name,
            exempt_for,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn bad_version(sources: &Sources, file: u32, value: &str, what: &str) -> Problem {
    let p = Problem::new(
        codes::BAD_VERSION,
        format!("{what} is `{value}`, which is not a version"),
    )
    .help("fix the value on the platform (or in the file, if it was edited) and import again");
    match locate(sources, file, value) {
        Some(span) => p.at(sources, span, "not a version"),
        None => p,
    }
}

#[derive(Deserialize)]
struct Cvsh {
    metadata: Meta,
    #[serde(default)]
    status: CvshStatus,
}

#[derive(Deserialize, Default)]
struct CvshStatus {
    current: Option<Current>,
    preflight: Option<Preflight>,
}

#[derive(Deserialize)]
struct Current {
    version: Option<String>,
}

#[derive(Deserialize)]
struct Preflight {
    #[serde(default)]
    checks: Vec<Check>,
}

#[derive(Deserialize)]
struct Check {
    name: String,
    state: Option<String>,
    reason: Option<String>,
}

/// What the 4.x cluster-version object of one cluster says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterVersion {
    /// `status.current.version`: the ACP version applied.
    pub current: Option<String>,
    /// `status.preflight.checks`: name, state and reason of each, as written.
    pub checks: Vec<(String, String, String)>,
}

/// `cvsh.json` (`kubectl -n cpaas-system get cvsh -o json`): the object named after
/// the cluster, or the only one.
pub fn cluster_version(
    sources: &Sources,
    file: u32,
    cluster: &str,
) -> Result<ClusterVersion, Problem> {
    let what = "a cvsh list (`kubectl -n cpaas-system get cvsh -o json`)";
    let list: List<Cvsh> = json::parse(sources, file, what)?;
    let only = list.items.len() == 1;
    let Some(item) = list
        .items
        .into_iter()
        .find(|c| only || c.metadata.name == cluster)
    else {
        return Ok(ClusterVersion::default());
    };
    let current = item.status.current.and_then(|c| c.version);
    if let Some(v) = &current {
        if Version::parse(v).is_err() {
            return Err(bad_version(sources, file, v, "status.current.version"));
        }
    }
    let mut checks: Vec<(String, String, String)> = item
        .status
        .preflight
        .map(|p| p.checks)
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            (
                c.name,
                c.state.unwrap_or_default(),
                c.reason.unwrap_or_default(),
            )
        })
        .collect();
    checks.sort();
    Ok(ClusterVersion { current, checks })
}

#[derive(Deserialize)]
struct Deployment {
    spec: DeploymentSpec,
}

#[derive(Deserialize)]
struct DeploymentSpec {
    template: PodTemplate,
}

#[derive(Deserialize)]
struct PodTemplate {
    spec: PodSpec,
}

#[derive(Deserialize)]
struct PodSpec {
    containers: Vec<Container>,
}

#[derive(Deserialize)]
struct Container {
    name: String,
    image: String,
}

/// `istiod.json` (`kubectl get deployments -A -l app=istiod -o json`): the Istio
/// control plane's version, from the tag of the `discovery` container's image
/// (`…/pilot:1.22.1`); the lowest when several revisions run; `None` (no Istio) for an
/// empty list.
pub fn istio(sources: &Sources, file: u32) -> Result<Option<String>, Problem> {
    let what = "a Deployment list (`kubectl get deployments -A -l app=istiod -o json`)";
    let list: List<Deployment> = json::parse(sources, file, what)?;
    let mut versions = Vec::new();
    for d in &list.items {
        let containers = &d.spec.template.spec.containers;
        let Some(c) = containers
            .iter()
            .find(|c| c.name == "discovery")
            .or(containers.first())
        else {
            continue;
        };
        let tag = image_tag(&c.image);
        match tag
            .and_then(|t| Version::parse(t).ok())
            .filter(|v| v.precision >= 2)
        {
            Some(v) => versions.push(v),
            None => return Err(bad_version(sources, file, &c.image, "the istiod image")),
        }
    }
    versions.sort_by(|a, b| a.compare(b));
    Ok(versions
        .first()
        .map(|v| format!("{}.{}.{}", v.major, v.minor, v.patch)))
}

/// `registry:5000/istio/pilot:1.22.1@sha256:…` → `1.22.1`.
fn image_tag(image: &str) -> Option<&str> {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}

/// `minio-df.txt`: the least free space, in GB (10^9 bytes, rounded down), over the
/// `df -P /cpaas/minio` outputs of the global cluster's control-plane nodes (one after
/// the other; `#` lines are comments).
pub fn minio_free_gb(sources: &Sources, file: u32) -> Result<u64, Problem> {
    let text = &sources.get(file).text;
    let mut block = None;
    let mut least: Option<u64> = None;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.first() == Some(&"Filesystem") {
            block = cols.get(1).and_then(|c| block_size(c));
            if block.is_none() {
                return Err(bad_df(
                    sources,
                    file,
                    line,
                    "a header whose second column is not `1024-blocks` or `512-blocks`",
                ));
            }
            continue;
        }
        let (Some(size), true) = (block, cols.len() >= 6) else {
            return Err(bad_df(
                sources,
                file,
                line,
                "a line before any `df -P` header, or with fewer than six columns",
            ));
        };
        let Some(avail) = cols.get(cols.len() - 3).and_then(|a| a.parse::<u64>().ok()) else {
            return Err(bad_df(
                sources,
                file,
                line,
                "an Available column that is not a number",
            ));
        };
        let gb = avail.saturating_mul(size) / 1_000_000_000;
        least = Some(least.map_or(gb, |l| l.min(gb)));
    }
    least.ok_or_else(|| bad_df(sources, file, "", "no line of `df -P` output"))
}

fn block_size(column: &str) -> Option<u64> {
    match column {
        "1024-blocks" | "1K-blocks" => Some(1024),
        "512-blocks" => Some(512),
        _ => None,
    }
}

fn bad_df(sources: &Sources, file: u32, line: &str, what: &str) -> Problem {
    let name = &sources.get(file).name;
    let p = Problem::new(codes::BAD_DF, format!("`{name}` is not `df -P` output: it has {what}"))
        .help("save the output of `df -P /cpaas/minio` of each control-plane node of the global cluster, unchanged, one after the other");
    match (!line.is_empty())
        .then(|| locate(sources, file, line))
        .flatten()
    {
        Some(span) => p.at(sources, span, "this line"),
        None => p,
    }
}

/// `bundle.json` at the bundle's root, written by the collect script.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct BundleMeta {
    pub collected_at: Option<String>,
    pub uplan: Option<String>,
    #[serde(default)]
    pub contexts: Vec<String>,
}

pub fn bundle_meta(sources: &Sources, file: u32) -> Result<BundleMeta, Problem> {
    json::parse(
        sources,
        file,
        "the bundle's metadata (`collected_at`, `uplan`, `contexts`)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("docker.io/istio/pilot:1.22.1"), Some("1.22.1"));
        assert_eq!(
            image_tag("reg:5000/asm/pilot:1.20.3@sha256:ab"),
            Some("1.20.3")
        );
        assert_eq!(image_tag("reg:5000/asm/pilot"), None);
    }

    #[test]
    fn df_takes_the_least_free_space_in_gb() {
        let mut s = Sources::default();
        let f = s.add(
            "minio-df.txt",
            "# cp-1\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb1 524288000 104857600 419430400 21% /cpaas/minio\n# cp-2\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb1 524288000 400000000 117187500 77% /cpaas/minio\n",
        );
        assert_eq!(minio_free_gb(&s, f).ok(), Some(120));
        let g = s.add("minio-df.txt", "/dev/sdb1 1 2 3 4% /x\n");
        assert_eq!(
            minio_free_gb(&s, g).err().map(|p| p.code),
            Some(codes::BAD_DF)
        );
    }
}
