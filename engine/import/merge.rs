//! Bundle facts into the skeleton tree. The bundle wins where it shows a fact (it
//! was read off the cluster; the skeleton was typed by hand), and each value it
//! overrides is reported. What it does not show is left as the skeleton has it.

use super::codes;
use super::tree::{Entry, Node};
use crate::bundle::{Bundle, ClusterFacts};
use crate::diagnostics::Problem;
use crate::source::Sources;

/// Where the merge reports to.
pub struct Report<'s> {
    pub sources: &'s Sources,
    pub warnings: Vec<Problem>,
}

impl Report<'_> {
    /// `old` (a skeleton value at `path`) gives way to `new` from `file`.
    fn contradiction(&mut self, path: &str, old: &Node, new: &Node, file: &str) {
        let (Some(was), Some(is)) = (old.scalar(), new.scalar()) else {
            return self.replaced(path, file);
        };
        if was == is {
            return;
        }
        let p = Problem::new(
            codes::CONTRADICTION,
            format!("{path}: the skeleton says `{was}`, the bundle's {file} says `{is}`; taking `{is}`"),
        )
        .warning()
        .help("the bundle was read off the cluster; correct the skeleton if it is the bundle that is out of date, and collect again");
        let p = match old.span() {
            Some(span) => p.at(self.sources, span, "the skeleton's value"),
            None => p,
        };
        self.warnings.push(p);
    }

    fn replaced(&mut self, path: &str, file: &str) {
        self.warnings.push(
            Problem::new(
                codes::CONTRADICTION,
                format!("{path}: the skeleton's value is replaced by the bundle's {file}"),
            )
            .warning()
            .help("the bundle was read off the cluster; the skeleton's list is not kept"),
        );
    }
}

/// Sets field `key` of mapping `map` (appended when new), reporting a changed value.
pub fn set(map: &mut Node, key: &str, value: Node, path: &str, file: &str, report: &mut Report) {
    let Node::Map(entries) = map else { return };
    for entry in entries.iter_mut() {
        if let Entry::Field {
            key: k, value: old, ..
        } = entry
        {
            if k == key {
                if *old != value && !same_list(old, &value) {
                    report.contradiction(&format!("{path}.{key}"), old, &value, file);
                }
                *old = value;
                return;
            }
        }
    }
    entries.push(Entry::Field {
        key: key.to_string(),
        span: None,
        value,
    });
}

/// Two lists that hold the same scalars (the skeleton's spans aside).
fn same_list(a: &Node, b: &Node) -> bool {
    strip(a) == strip(b)
}

fn strip(n: &Node) -> Node {
    match n {
        Node::Scalar { text, plain, .. } => match n.scalar() {
            Some("null") if *plain => Node::null(),
            _ => Node::Scalar {
                text: text.clone(),
                plain: *plain && text.parse::<u64>().is_ok(),
                span: None,
            },
        },
        Node::Seq(items) => Node::Seq(items.iter().map(strip).collect()),
        Node::Map(entries) => Node::Map(
            entries
                .iter()
                .map(|e| match e {
                    Entry::Field { key, value, .. } => Entry::Field {
                        key: key.clone(),
                        span: None,
                        value: strip(value),
                    },
                    Entry::Todo(t) => Entry::Todo(t.clone()),
                })
                .collect(),
        ),
    }
}

/// A mapping's field, created (empty mapping or list) when absent.
pub fn child<'a>(map: &'a mut Node, key: &str, list: bool) -> Option<&'a mut Node> {
    let Node::Map(entries) = map else { return None };
    let at = entries
        .iter()
        .position(|e| matches!(e, Entry::Field { key: k, .. } if k == key));
    let at = match at {
        Some(at) => at,
        None => {
            let value = if list {
                Node::Seq(Vec::new())
            } else {
                Node::Map(Vec::new())
            };
            entries.push(Entry::Field {
                key: key.to_string(),
                span: None,
                value,
            });
            entries.len() - 1
        }
    };
    match &mut entries[at] {
        Entry::Field { value, .. } => Some(value),
        Entry::Todo(_) => None,
    }
}

/// The skeleton's clusters list gets every bundle cluster's facts; clusters the
/// skeleton lacks are appended (name only, the rest to fill).
pub fn clusters(list: &mut Vec<Node>, bundle: &Bundle, report: &mut Report) {
    for facts in &bundle.clusters {
        let found = list
            .iter()
            .position(|c| c.get("name").and_then(Node::scalar) == Some(&facts.name));
        let at = found.unwrap_or_else(|| {
            let name = Entry::Field {
                key: "name".into(),
                span: None,
                value: Node::string(&facts.name),
            };
            list.push(Node::Map(vec![name]));
            list.len() - 1
        });
        cluster(&mut list[at], facts, report);
    }
    for c in list.iter() {
        let name = c.get("name").and_then(Node::scalar).unwrap_or("?");
        if !bundle.clusters.iter().any(|f| f.name == name) {
            let p = Problem::new(codes::NOT_IN_BUNDLE, format!("cluster `{name}` of the skeleton has no directory in the bundle; its facts stay the skeleton's"))
                .warning()
                .help(format!("collect it too (`uplan inventory collect … {name}`), or check that the bundle directory is named after the cluster"));
            let p = match c.get("name").and_then(Node::span) {
                Some(span) => p.at(report.sources, span, "not in the bundle"),
                None => p,
            };
            report.warnings.push(p);
        }
    }
}

/// One cluster's facts into its mapping.
fn cluster(map: &mut Node, f: &ClusterFacts, report: &mut Report) {
    let path = format!("clusters.{}", f.name);
    set(
        map,
        "kubernetes",
        Node::string(&f.nodes.kubernetes),
        &path,
        "nodes.json",
        report,
    );
    if let Some(runtime) = f.nodes.runtime {
        set(
            map,
            "runtime",
            Node::string(runtime),
            &path,
            "nodes.json",
            report,
        );
    }
    if let Some(n) = f.machines_not_running {
        set(
            map,
            "machines_not_running",
            Node::int(n),
            &path,
            "machines.json",
            report,
        );
    }
    if let Some(patches) = &f.resource_patches {
        let items = patches
            .iter()
            .map(|p| {
                let exempt = p
                    .exempt_for
                    .as_deref()
                    .map_or_else(Node::null, Node::string);
                Node::Map(vec![
                    field("name", Node::string(&p.name)),
                    field("exempt_for", exempt),
                ])
            })
            .collect();
        set(
            map,
            "resource_patches",
            Node::Seq(items),
            &path,
            "resourcepatches.json",
            report,
        );
    }
    if let Some(istio) = &f.istio {
        let value = istio.as_deref().map_or_else(Node::null, Node::string);
        set(map, "istio", value, &path, "istiod.json", report);
    }
    if let Some(gb) = f.minio_free_gb {
        minio(map, gb, &path, report);
    }
}

pub fn field(key: &str, value: Node) -> Entry {
    Entry::Field {
        key: key.into(),
        span: None,
        value,
    }
}

/// The path of the disk `minio-df.txt` measures.
pub const MINIO_PATH: &str = "/cpaas/minio";

/// `disks`: the `/cpaas/minio` entry gets the measured free space; others are kept.
fn minio(map: &mut Node, gb: u64, path: &str, report: &mut Report) {
    let Some(Node::Seq(disks)) = child(map, "disks", true) else {
        return;
    };
    let at = disks
        .iter()
        .position(|d| d.get("path").and_then(Node::scalar) == Some(MINIO_PATH));
    match at {
        Some(at) => set(
            &mut disks[at],
            "free_gb",
            Node::int(gb),
            &format!("{path}.disks.{MINIO_PATH}"),
            "minio-df.txt",
            report,
        ),
        None => disks.push(Node::Map(vec![
            field("path", Node::string(MINIO_PATH)),
            field("free_gb", Node::int(gb)),
        ])),
    }
}
