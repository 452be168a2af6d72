//! `uplan inventory collect` (the collect script) and `uplan inventory import` (a
//! bundle, merged into a skeleton, as an inventory).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use uplan::diagnostics::{self, Problems};
use uplan::{bundle, collect, import};

use super::{Report, io, pipeline};

#[derive(Args, Debug)]
pub struct InventoryArgs {
    #[command(subcommand)]
    pub command: InventoryCommand,
}

#[derive(Subcommand, Debug)]
pub enum InventoryCommand {
    /// Print the POSIX sh script that collects a bundle (read-only `kubectl get`s)
    Collect(CollectArgs),
    /// Build an inventory from a bundle, merged into a hand-written skeleton
    Import(ImportArgs),
}

#[derive(Args, Debug)]
pub struct CollectArgs {
    /// Kube contexts, one per cluster, as CONTEXT or CONTEXT=CLUSTER (the script's
    /// default arguments; arguments given to the script replace them)
    #[arg(value_name = "CONTEXT")]
    pub contexts: Vec<String>,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The bundle directory the collect script wrote (BUNDLE/<cluster>/nodes.json …)
    pub bundle: PathBuf,
    /// The hand-written skeleton inventory to merge into (names, roles, DR roles, types…)
    #[arg(long, value_name = "SKELETON")]
    pub into: Option<PathBuf>,
    /// A directory of `*.uplan` rule files whose schema the inventory follows
    /// (default: the embedded ACP rulebook)
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Write to FILE (atomically, and only when the run succeeds) instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl InventoryArgs {
    pub fn output(&self) -> Option<&std::path::Path> {
        match &self.command {
            InventoryCommand::Collect(a) => a.output.as_deref(),
            InventoryCommand::Import(a) => a.output.as_deref(),
        }
    }

    /// What `-o` must not name: the skeleton, and every file of the bundle.
    pub fn inputs(&self) -> Vec<(&'static str, PathBuf)> {
        let InventoryCommand::Import(a) = &self.command else {
            return Vec::new();
        };
        let mut files: Vec<(&'static str, PathBuf)> =
            a.into.iter().map(|p| ("skeleton", p.clone())).collect();
        let dirs = std::fs::read_dir(&a.bundle).into_iter().flatten().flatten();
        for dir in dirs.take(10_000) {
            for name in bundle::FILES {
                files.push(("bundle file", dir.path().join(name)));
            }
        }
        files.push(("bundle file", a.bundle.join(bundle::META_FILE)));
        files
    }
}

pub fn run(args: &InventoryArgs, stderr_colour: bool) -> Result<Report, Problems> {
    match &args.command {
        InventoryCommand::Collect(a) => Ok(Report {
            code: 0,
            text: collect::script(&a.contexts)?,
            warnings: String::new(),
        }),
        InventoryCommand::Import(a) => import_bundle(a, stderr_colour),
    }
}

/// Exit 0 when the written inventory loads, 1 when fields are still to be filled
/// before it does; 2 (an error) when the bundle or the skeleton is bad input.
fn import_bundle(a: &ImportArgs, stderr_colour: bool) -> Result<Report, Problems> {
    let skeleton = a
        .into
        .as_ref()
        .map(|p| io::read_file(p, "skeleton"))
        .transpose()?;
    let rulebook = pipeline::rules(a.rules.as_deref())?;
    let raw = bundle::read(&a.bundle)?;
    let parsed = bundle::parse(&raw)?;
    let bundle_name = a.bundle.display().to_string();
    let skeleton_name = a.into.as_ref().map(|p| p.display().to_string());
    let output_name = a
        .output
        .as_ref()
        .map_or("<stdout>".to_string(), |p| p.display().to_string());
    let imported = import::import(&import::Request {
        rulebook: &rulebook,
        bundle: &parsed,
        bundle_name: &bundle_name,
        skeleton: skeleton_name.as_deref().zip(skeleton.as_deref()),
        output_name: &output_name,
    })?;
    let warnings = Problems(imported.warnings);
    Ok(Report {
        code: if imported.loads { 0 } else { 1 },
        text: imported.text,
        warnings: if warnings.is_empty() {
            String::new()
        } else {
            diagnostics::render(&warnings, stderr_colour)
        },
    })
}
