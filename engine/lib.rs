//! uplan: an inventory of a platform in, an ordered and validated upgrade plan out.
//!
//! The pipeline, one module per stage:
//!
//! ```text
//! rule files ─ syntax::parse ─▶ AST ─ check::check ─▶ Rulebook ─┐
//! inventory.yaml ─ inventory::load (against the rulebook's schema) ─▶ Inventory
//!                                                                 ▼
//!                      eval::evaluate (path, rules, steps, order, waves, replay)
//!                                                                 ▼
//!                      Evaluation ─ to_plan ─▶ plan::Plan ─ render ─▶ text / md / json / dot
//!                                           two plans ─ diff ─▶ PlanDiff ─ render ─▶ text / md / json
//! ```
//!
//! Inventory side, upstream of `inventory::load`: `collect::script` writes the script
//! that gathers a bundle (kubectl JSON per cluster); `bundle::read` + `bundle::parse`
//! turn it into facts; `import::import` merges them into a skeleton, marking what is
//! still to fill from the rulebook's schema, and writes the inventory YAML.

pub mod bundle;
pub mod check;
pub mod collect;
pub mod diagnostics;
pub mod diff;
pub mod eval;
pub mod fmt;
pub mod import;
pub mod input;
pub mod inventory;
pub mod lint;
pub mod model;
pub mod plan;
pub mod provenance;
pub mod render;
pub mod rulebooks;
pub mod ruletest;
pub mod sanitize;
pub mod source;
pub mod syntax;
pub mod unblock;
pub mod waivers;

use diagnostics::Problems;
use model::Rulebook;
use source::Sources;

/// Parses and checks a rulebook given as (file name, text) pairs.
pub fn compile(files: &[(String, String)]) -> Result<Rulebook, Problems> {
    let mut sources = Sources::default();
    let ids: Vec<u32> = files
        .iter()
        .map(|(name, text)| sources.add(name.clone(), text.as_str()))
        .collect();
    let mut problems = Problems::default();
    let mut modules = Vec::new();
    for id in ids {
        match syntax::parse(&sources, id) {
            Ok(module) => modules.push(module),
            Err(p) => problems.0.extend(p.0),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    check::check(sources, modules)
}
