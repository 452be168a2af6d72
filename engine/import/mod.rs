//! `uplan inventory import`: a [`Bundle`] (what kubectl showed of each cluster) merged
//! into a hand-written skeleton (what kubectl cannot tell: roles, DR roles, types…),
//! written as an inventory YAML. Inventory side of the pipeline: downstream of the
//! rulebook (its schema says which fields are required or probed, so which to mark
//! `# TODO(uplan)`), upstream of eval (the output is loaded like any inventory).
//!
//! Facts are never invented: a field the bundle does not show is left as the
//! skeleton has it, or left out and marked. Where both say something, the bundle
//! wins and the skeleton's value is reported ([`codes::CONTRADICTION`]).

pub mod codes;
mod merge;
mod tree;

use crate::bundle::Bundle;
use crate::diagnostics::{Problem, Problems};
use crate::model::{RecordId, Rulebook, Schema, Type};
use crate::sanitize::one_line;
use crate::source::Sources;
use merge::{Report, child, set};
pub use tree::{Entry, Node, quote};

/// What to import.
pub struct Request<'a> {
    pub rulebook: &'a Rulebook,
    pub bundle: &'a Bundle,
    /// The bundle's path as the user gave it (for the header).
    pub bundle_name: &'a str,
    /// The skeleton: (path as given, text).
    pub skeleton: Option<(&'a str, &'a str)>,
    /// The name the written inventory is loaded under (its `-o` path, or `<stdout>`).
    pub output_name: &'a str,
}

/// The inventory written, what was reported, and whether it loads as it is.
#[derive(Debug)]
pub struct Imported {
    pub text: String,
    pub warnings: Vec<Problem>,
    pub loads: bool,
}

pub fn import(req: &Request) -> Result<Imported, Problems> {
    let mut sources = Sources::default();
    let mut root = match req.skeleton {
        Some((name, text)) => {
            let file = sources.add(name.to_string(), text);
            tree::read(&sources, file)?.unwrap_or(Node::Map(Vec::new()))
        }
        None => Node::Map(Vec::new()),
    };
    shape(&root, req.skeleton.map_or("", |s| s.0))?;
    let mut report = Report {
        sources: &sources,
        warnings: Vec::new(),
    };
    // Only when there is something to write: `child` creates the mapping.
    let collected = req.bundle.meta.collected_at.as_ref();
    // Only into a schema that has the field (a `--rules` rulebook may not).
    let collected = collected.filter(|_| has_field(&req.rulebook.schema, "meta", "collected_at"));
    if let Some((at, meta)) = collected.and_then(|at| Some((at, child(&mut root, "meta", false)?)))
    {
        set(
            meta,
            "collected_at",
            Node::string(at),
            "meta",
            "bundle.json",
            &mut report,
        );
    }
    if let Some(Node::Seq(list)) = child(&mut root, "clusters", true) {
        merge::clusters(list, req.bundle, &mut report);
    }
    versions(&mut root, req.bundle, &mut report);
    let mut warnings = req.bundle.warnings.clone();
    warnings.append(&mut report.warnings);
    warnings.extend(todos(&req.rulebook.schema, &mut root, req.bundle));
    let text = tree::emit(&root, &header(req));
    let loads = match crate::inventory::load(req.rulebook, req.output_name, &text) {
        Ok(_) => true,
        Err(problems) => {
            warnings.push(incomplete(&problems));
            false
        }
    };
    Ok(Imported {
        text,
        warnings,
        loads,
    })
}

/// Whether the inventory root has record field `record` with field `field`.
fn has_field(schema: &Schema, record: &str, field: &str) -> bool {
    let root = schema.record(schema.root);
    match root.field(record).map(|(_, f)| f.ty.non_null()) {
        Some(Type::Record(r)) => schema.record(*r).field(field).is_some(),
        _ => false,
    }
}

/// The skeleton's top level is a mapping and its `clusters` a list of mappings.
fn shape(root: &Node, name: &str) -> Result<(), Problem> {
    let bad = |why: &str| {
        Problem::new(codes::BAD_SKELETON, format!("the skeleton `{name}` {why}"))
            .help("the skeleton is an inventory in part: `platform:`, `clusters:` (a list of mappings with at least `name`)…")
    };
    if !matches!(root, Node::Map(_)) {
        return Err(bad("is not a mapping"));
    }
    match root.get("clusters") {
        None => Ok(()),
        Some(Node::Seq(items))
            if items
                .iter()
                .all(|c| c.get("name").and_then(Node::scalar).is_some()) =>
        {
            Ok(())
        }
        Some(Node::Seq(_)) => Err(bad("has a cluster that is not a mapping with a `name`")),
        Some(_) => Err(bad("has `clusters` that is not a list")),
    }
}

/// `platform.version` from the global cluster's cvsh (the primary's under DR), and a
/// cluster's own `version` where its cvsh says another one.
fn versions(root: &mut Node, bundle: &Bundle, report: &mut Report) {
    let current = |name: &str| {
        let facts = bundle.clusters.iter().find(|c| c.name == name)?;
        facts.version.as_ref()?.current.clone()
    };
    let Some(Node::Seq(list)) = root.get("clusters").cloned() else {
        return;
    };
    let global = list.iter().find(|c| {
        c.get("role").and_then(Node::scalar) == Some("global")
            && c.get("dr").and_then(Node::scalar) != Some("standby")
    });
    let platform = global
        .and_then(|g| g.get("name")?.scalar())
        .and_then(current);
    let Some(platform) = platform else { return };
    if let Some(p) = child(root, "platform", false) {
        let value = Node::string(&platform);
        set(p, "version", value, "platform", "cvsh.json", report);
    }
    if let Some(Node::Seq(list)) = child(root, "clusters", true) {
        for c in list.iter_mut() {
            let name = c
                .get("name")
                .and_then(Node::scalar)
                .unwrap_or_default()
                .to_string();
            if let Some(v) = current(&name).filter(|v| *v != platform) {
                set(
                    c,
                    "version",
                    Node::string(v),
                    &format!("clusters.{name}"),
                    "cvsh.json",
                    report,
                );
            }
        }
    }
}

/// Marks every required or probed field left out, in the root, its records and its
/// entity lists; one warning per mapping that has some.
fn todos(schema: &Schema, root: &mut Node, bundle: &Bundle) -> Vec<Problem> {
    let mut out = Vec::new();
    let root_id = schema.root;
    for (i, f) in schema.record(root_id).fields.iter().enumerate() {
        let entity = schema.entity_of_root_field(i as u16);
        let record = match (f.ty.non_null(), entity) {
            (Type::Record(r), _) => Some(*r),
            _ => None,
        };
        let Some(value) = child_if_present(root, &f.name) else {
            continue;
        };
        match (record, entity) {
            (Some(r), _) if matches!(value, Node::Map(_)) => {
                mark(schema, r, value, &f.name, bundle, &mut out)
            }
            (_, Some(e)) => {
                let Node::Seq(items) = value else { continue };
                for item in items.iter_mut() {
                    let name = item
                        .get("name")
                        .and_then(Node::scalar)
                        .unwrap_or("?")
                        .to_string();
                    mark(
                        schema,
                        e,
                        item,
                        &format!("cluster `{name}`"),
                        bundle,
                        &mut out,
                    );
                }
            }
            _ => {}
        }
    }
    mark(schema, root_id, root, "the inventory", bundle, &mut out);
    out
}

fn child_if_present<'a>(map: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    let Node::Map(entries) = map else { return None };
    entries.iter_mut().find_map(|e| match e {
        Entry::Field { key: k, value, .. } if k == key => Some(value),
        _ => None,
    })
}

/// The TODO marks of one mapping of record `record`, and its warning.
fn mark(
    schema: &Schema,
    record: RecordId,
    node: &mut Node,
    what: &str,
    bundle: &Bundle,
    out: &mut Vec<Problem>,
) {
    let Node::Map(entries) = node else { return };
    let mut missing = Vec::new();
    for f in &schema.record(record).fields {
        let present = entries
            .iter()
            .any(|e| matches!(e, Entry::Field { key, .. } if *key == f.name));
        if present || !(f.required() || f.meta.probe.is_some()) {
            continue;
        }
        let mut text = match &f.meta.probe {
            Some(probe) => format!("{}: not in the bundle; find it with: {probe}", f.name),
            None => format!(
                "{}: required ({}); not in the bundle",
                f.name,
                schema.type_name(&f.ty)
            ),
        };
        if f.name == "plugins" && bundle.violet {
            text.push_str(&format!(
                " (the bundle's {} holds the violet list)",
                crate::bundle::VIOLET_FILE
            ));
        }
        entries.push(Entry::Todo(text));
        missing.push(f.name.clone());
    }
    if !missing.is_empty() {
        out.push(
            Problem::new(codes::TO_FILL, format!("{what}: the bundle does not show {}; marked `# TODO(uplan)`", missing.join(", ")))
                .warning()
                .help("fill each marked field by hand (or write it as null / [] when you looked and there is none), then run `uplan check`"),
        );
    }
}

/// The header comment: what was collected when, from which bundle.
fn header(req: &Request) -> Vec<String> {
    let b = req.bundle;
    let mut lines = vec![format!(
        "Written by `uplan inventory import` ({} {}) from the bundle {}{}.",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        quote(req.bundle_name),
        req.skeleton
            .map(|(n, _)| format!(" into the skeleton {}", quote(n)))
            .unwrap_or_default()
    )];
    lines.push(match (&b.meta.collected_at, &b.meta.uplan) {
        (Some(at), Some(v)) => format!(
            "Collected at {} by the script of uplan {}.",
            quote(at),
            quote(v)
        ),
        (Some(at), None) => format!("Collected at {}.", quote(at)),
        _ => {
            "The bundle does not say when it was collected (no collected_at in bundle.json).".into()
        }
    });
    for c in &b.clusters {
        lines.push(cluster_line(c));
        if let Some(checks) = c
            .version
            .as_ref()
            .map(|v| &v.checks)
            .filter(|c| !c.is_empty())
        {
            let shown: Vec<String> = checks
                .iter()
                .map(|(n, s, r)| {
                    if r.is_empty() {
                        format!("{n}={s}")
                    } else {
                        format!("{n}={s} ({r})")
                    }
                })
                .collect();
            lines.push(format!(
                "  preflight checks (cvsh.json): {}",
                shown.join(", ")
            ));
        }
    }
    lines.push("Fields marked `# TODO(uplan)` are not in the bundle: fill them in by hand, then run `uplan check`.".into());
    if req.skeleton.is_some() {
        lines.push("The skeleton's values are kept where the bundle is silent; its comments are not carried over.".into());
    }
    lines
        .into_iter()
        .map(|l| one_line(&l).into_owned())
        .collect()
}

fn cluster_line(c: &crate::bundle::ClusterFacts) -> String {
    let cp = if c.nodes.control_plane.is_empty() {
        "no control-plane node (a managed cluster?)".to_string()
    } else {
        format!("control plane {}", c.nodes.control_plane.join(", "))
    };
    format!(
        "Cluster {}: {} node(s), Kubernetes {}, runtime {}, {cp}; from {}.",
        c.name,
        c.nodes.count,
        c.nodes.kubernetes,
        c.nodes.runtime.unwrap_or("unknown"),
        c.files.join(", ")
    )
}

/// At most this many of the loader's diagnostics are quoted.
const QUOTED: usize = 5;

fn incomplete(problems: &Problems) -> Problem {
    let mut shown: Vec<String> = problems
        .0
        .iter()
        .take(QUOTED)
        .map(|p| format!("{} [{}]", one_line(&p.message), p.code))
        .collect();
    if problems.0.len() > QUOTED {
        shown.push(format!("and {} more", problems.0.len() - QUOTED));
    }
    Problem::new(
        codes::INCOMPLETE,
        format!(
            "the inventory is written but does not load yet: {}",
            shown.join("; ")
        ),
    )
    .warning()
    .help("fill the fields marked `# TODO(uplan)`, then `uplan check` the file")
}
