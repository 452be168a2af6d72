//! Where each finding's facts are written in the inventory: file, line and column on
//! the finding (its first located fact) and every located fact in `locations`, so a
//! tool reading the JSON can point at the line the text report points at.

use crate::inventory::Inventory;
use crate::plan::{FactLocation, Finding};
use crate::source::SourceFile;

/// Fills the location fields of `findings` from the inventory's positions. A fact the
/// inventory leaves out is shown where the text report shows it: at the nearest node
/// that is there (a missing `runtime` at its cluster).
pub fn attach(findings: &mut [Finding], inventory: &Inventory) {
    // One source map for the whole plan: its line index is built once.
    let sources = inventory.sources();
    let file = sources.get(0);
    for f in findings.iter_mut() {
        f.locations = f
            .facts
            .iter()
            .filter_map(|fact| locate(inventory, file, fact))
            .collect();
        if let Some(first) = f.locations.first() {
            f.file = Some(first.file.clone());
            f.line = Some(first.line);
            f.column = Some(first.column);
        }
    }
}

fn locate(inventory: &Inventory, file: &SourceFile, fact: &str) -> Option<FactLocation> {
    let span = inventory.locate_nearest(fact)?;
    let (line, column) = file.line_col(span.start as usize);
    let (end_line, end_column) = file.line_col(span.end as usize);
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    Some(FactLocation {
        fact: fact.to_string(),
        file: inventory.name.clone(),
        line: n(line),
        column: n(column),
        end_line: n(end_line),
        end_column: n(end_column),
    })
}
