//! Reading a bundle: the directory `uplan inventory collect`'s script writes, one
//! directory per cluster holding what `kubectl get … -o json` printed there. Inventory
//! side of the pipeline: its output, [`Bundle`], is facts the importer
//! (`crate::import`) merges into an inventory skeleton.
//!
//! The layout is a contract (docs/bundle.md): `BUNDLE/<cluster>/nodes.json` is
//! required, everything else optional ([`FILES`]). Reading is two layers: [`read`]
//! walks the file system (regular files only, no symlinks, each file at most 64 MiB)
//! into a [`Raw`] of texts; [`parse`] turns texts into facts, with a coded diagnostic
//! pointing into the file for each fault, and can be fed texts directly (fuzzing).

pub mod codes;
mod extras;
mod json;
mod nodes;
mod walk;

use crate::diagnostics::{Problem, Problems};
use crate::source::{Sources, Span};
pub use extras::{BundleMeta, ClusterVersion, EXEMPT_ANNOTATION, Patch};
pub use nodes::Nodes;
pub use walk::read;

/// The files of a cluster directory the importer reads, in the order it reads them.
pub const FILES: [&str; 6] = [
    "nodes.json",
    "machines.json",
    "resourcepatches.json",
    "cvsh.json",
    "istiod.json",
    "minio-df.txt",
];

/// The bundle's own metadata file (at its root).
pub const META_FILE: &str = "bundle.json";

/// The `violet list` output, at the bundle's root when the script could run it.
pub const VIOLET_FILE: &str = "violet-apps.yaml";

/// A bundle's texts, before parsing: every file registered in `sources`.
#[derive(Debug, Default)]
pub struct Raw {
    pub sources: Sources,
    pub meta: Option<u32>,
    pub violet: bool,
    /// Sorted by name.
    pub clusters: Vec<RawCluster>,
}

#[derive(Debug)]
pub struct RawCluster {
    pub name: String,
    /// The directory as shown in messages (`BUNDLE/name`).
    pub dir: String,
    /// (file name from [`FILES`], file id in `sources`).
    pub files: Vec<(&'static str, u32)>,
}

/// What the bundle shows of one cluster. `None`: the bundle does not show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterFacts {
    pub name: String,
    pub nodes: Nodes,
    pub machines_not_running: Option<u64>,
    pub resource_patches: Option<Vec<Patch>>,
    pub version: Option<ClusterVersion>,
    /// `Some(None)`: the bundle shows no Istio control plane.
    pub istio: Option<Option<String>>,
    pub minio_free_gb: Option<u64>,
    /// The files read, for the output's header.
    pub files: Vec<&'static str>,
}

/// A parsed bundle, with the warnings reading it raised.
#[derive(Debug)]
pub struct Bundle {
    pub meta: BundleMeta,
    pub violet: bool,
    pub clusters: Vec<ClusterFacts>,
    pub warnings: Vec<Problem>,
}

/// Facts from texts; every fault of every file, or the bundle.
pub fn parse(raw: &Raw) -> Result<Bundle, Problems> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let meta = match raw.meta.map(|f| extras::bundle_meta(&raw.sources, f)) {
        Some(Ok(m)) => m,
        Some(Err(p)) => {
            errors.push(p);
            BundleMeta::default()
        }
        None => BundleMeta::default(),
    };
    let mut clusters = Vec::new();
    for c in &raw.clusters {
        match cluster(&raw.sources, c, &mut warnings) {
            Ok(facts) => clusters.push(facts),
            Err(p) => errors.extend(p),
        }
    }
    if !errors.is_empty() {
        return Err(Problems(errors));
    }
    Ok(Bundle {
        meta,
        violet: raw.violet,
        clusters,
        warnings,
    })
}

/// One cluster directory's facts, or all its faults.
fn cluster(
    sources: &Sources,
    c: &RawCluster,
    warnings: &mut Vec<Problem>,
) -> Result<ClusterFacts, Vec<Problem>> {
    let file = |name: &str| c.files.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
    let Some(nodes_file) = file("nodes.json") else {
        return Err(vec![missing_nodes(&c.name, &c.dir)]);
    };
    let mut errors = Vec::new();
    let nodes = nodes::read(sources, nodes_file, &c.name, warnings).map_err(|e| errors.extend(e));
    let machines = optional(file("machines.json"), &mut errors, |f| {
        extras::machines_not_running(sources, f)
    });
    let patches = optional(file("resourcepatches.json"), &mut errors, |f| {
        extras::resource_patches(sources, f)
    });
    let version = optional(file("cvsh.json"), &mut errors, |f| {
        extras::cluster_version(sources, f, &c.name)
    });
    let istio = optional(file("istiod.json"), &mut errors, |f| {
        extras::istio(sources, f)
    });
    let minio = optional(file("minio-df.txt"), &mut errors, |f| {
        extras::minio_free_gb(sources, f)
    });
    match nodes {
        Ok(nodes) if errors.is_empty() => Ok(ClusterFacts {
            name: c.name.clone(),
            nodes,
            machines_not_running: machines,
            resource_patches: patches,
            version,
            istio,
            minio_free_gb: minio,
            files: c.files.iter().map(|(n, _)| *n).collect(),
        }),
        _ => Err(errors),
    }
}

/// An optional file's fact: `None` when the file is absent or faulty (the fault kept).
fn optional<T>(
    file: Option<u32>,
    errors: &mut Vec<Problem>,
    read: impl FnOnce(u32) -> Result<T, Problem>,
) -> Option<T> {
    read(file?).map_err(|p| errors.push(p)).ok()
}

fn missing_nodes(cluster: &str, dir: &str) -> Problem {
    Problem::new(
        codes::MISSING_NODES,
        format!("cluster directory `{dir}/` has no nodes.json"),
    )
    .help(format!(
        "every cluster directory needs `nodes.json`, the output of `kubectl --context <ctx> get nodes -o json > {cluster}/nodes.json`; remove the directory if it is not a cluster"
    ))
}

/// The span of `value` where the file gives it as field `key` (`"key": "value"`, as
/// kubectl writes it), else wherever [`locate`] finds it.
fn locate_field(sources: &Sources, file: u32, key: &str, value: &str) -> Option<Span> {
    let text = &sources.get(file).text;
    let quoted = serde_json::to_string(value).ok()?;
    for sep in [": ", ":"] {
        let pattern = format!("\"{key}\"{sep}{quoted}");
        if let Some(at) = text.find(&pattern) {
            let start = at + pattern.len() - quoted.len();
            return Some(Span::new(file, start, start + quoted.len()));
        }
    }
    locate(sources, file, value)
}

/// The span of the first occurrence of `value` as a JSON string (or, failing that,
/// as raw text) in a file: where a diagnostic about a value points.
fn locate(sources: &Sources, file: u32, value: &str) -> Option<Span> {
    let text = &sources.get(file).text;
    let quoted = serde_json::to_string(value).ok()?;
    if let Some(at) = text.find(&quoted) {
        return Some(Span::new(file, at, at + quoted.len()));
    }
    text.find(value)
        .filter(|_| !value.is_empty())
        .map(|at| Span::new(file, at, at + value.len()))
}

/// Whether `name` is a DNS-1123 label: what a cluster directory is named.
pub fn is_dns_label(name: &str) -> bool {
    let b = name.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| edge(c) || *c == b'-')
        && b.first().is_some_and(edge)
        && b.last().is_some_and(edge)
}

/// A [`Raw`] from texts: `clusters` as (name, [(file, text)]), for fuzzing and tests.
/// Files not in [`FILES`] are ignored.
pub fn from_texts(meta: Option<&str>, clusters: &[(&str, Vec<(&str, &str)>)]) -> Raw {
    let mut raw = Raw::default();
    raw.meta = meta.map(|m| raw.sources.add(META_FILE, m));
    for (name, files) in clusters {
        let mut ids = Vec::new();
        for known in FILES {
            if let Some((_, text)) = files.iter().find(|(f, _)| *f == known) {
                ids.push((known, raw.sources.add(format!("{name}/{known}"), *text)));
            }
        }
        raw.clusters.push(RawCluster {
            name: name.to_string(),
            dir: name.to_string(),
            files: ids,
        });
    }
    raw.clusters.sort_by(|a, b| a.name.cmp(&b.name));
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        for ok in ["global", "biz-1", "a", "0a"] {
            assert!(is_dns_label(ok), "{ok}");
        }
        for bad in ["", "Biz", "biz_1", "-a", "a-", "a.b", &"a".repeat(64)] {
            assert!(!is_dns_label(bad), "{bad}");
        }
    }

    const NODES: &str = include_str!("../../tests/fixtures/bundles/acme/biz-1/nodes.json");

    #[test]
    fn mixed_runtimes_take_docker_and_say_so() {
        let mixed = NODES.replacen("containerd://1.6.28", "docker://24.0.7", 1);
        let raw = from_texts(None, &[("biz-1", vec![("nodes.json", mixed.as_str())])]);
        let bundle = parse(&raw).ok();
        let runtime = bundle
            .as_ref()
            .and_then(|b| b.clusters.first())
            .and_then(|c| c.nodes.runtime);
        assert_eq!(runtime, Some("docker"));
        let codes: Vec<&str> = bundle
            .iter()
            .flat_map(|b| b.warnings.iter().map(|w| w.code))
            .collect();
        assert_eq!(codes, [codes::MIXED_VERSIONS, codes::MIXED_RUNTIMES]);
    }

    /// Every prefix of a real Node list, and every byte of it replaced, ends in facts
    /// or in bundle diagnostics, never in a panic.
    #[test]
    fn mangled_node_lists_end_in_diagnostics() {
        let known = [
            codes::BAD_JSON,
            codes::WRONG_SHAPE,
            codes::EMPTY_NODE_LIST,
            codes::BAD_VERSION,
        ];
        for cut in (0..NODES.len())
            .step_by(13)
            .filter(|c| NODES.is_char_boundary(*c))
        {
            for text in [
                NODES[..cut].to_string(),
                format!("{}\u{1}{}", &NODES[..cut], &NODES[cut..]),
            ] {
                let raw = from_texts(None, &[("c", vec![("nodes.json", text.as_str())])]);
                if let Err(p) = parse(&raw) {
                    assert!(
                        p.codes().iter().all(|c| known.contains(c)),
                        "{cut}: {:?}",
                        p.codes()
                    );
                    let _ = crate::diagnostics::render(&p, false);
                }
            }
        }
    }

    #[test]
    fn a_cluster_without_nodes_is_refused() {
        let raw = from_texts(
            None,
            &[("biz-1", vec![("machines.json", "{\"items\":[]}")])],
        );
        let codes = parse(&raw).err().map(|p| p.codes());
        assert_eq!(codes, Some(vec![codes::MISSING_NODES]));
    }
}
