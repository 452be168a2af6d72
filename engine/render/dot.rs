//! The plan as a Graphviz digraph: steps as nodes, `after` as edges, one cluster per
//! hop holding one cluster per wave.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{HopGroup, blocking, count, duration, groups, hop_label, numbers, path_label};
use crate::plan::{Plan, PlannedStep};

/// Renders `plan` as a Graphviz `digraph` (`dot -Tsvg plan.dot > plan.svg`).
pub fn dot(plan: &Plan) -> String {
    let plan = &super::printable(plan);
    let numbers = numbers(plan);
    let mut out = String::from("digraph plan {\n");
    graph_attributes(&mut out, plan);
    for (i, group) in groups(plan).iter().enumerate() {
        hop(&mut out, i, group);
    }
    edges(&mut out, plan, &numbers);
    out.push_str("}\n");
    out
}

fn graph_attributes(out: &mut String, plan: &Plan) {
    let status = if plan.is_ready() {
        "ready".to_string()
    } else {
        format!(
            "BLOCKED — NOT EXECUTABLE ({})",
            count(blocking(plan), "blocking finding")
        )
    };
    let label = format!(
        "Upgrade plan {} → {}: {status}\npath {}",
        plan.from,
        plan.to,
        path_label(plan)
    );
    let colour = if plan.is_ready() { "black" } else { "red" };
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname=\"Helvetica\", fontcolor={colour}, rankdir=TB, compound=true];",
        quote(&label)
    );
    out.push_str("  node [shape=box, style=\"rounded\", fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\"];\n");
}

fn hop(out: &mut String, index: usize, group: &HopGroup<'_>) {
    let _ = writeln!(out, "  subgraph cluster_hop_{index} {{");
    let _ = writeln!(
        out,
        "    label={}; style=\"rounded\"; color=\"gray40\";",
        quote(&format!("hop {}", hop_label(group.hop)))
    );
    for (w, wave) in group.waves.iter().enumerate() {
        let _ = writeln!(out, "    subgraph cluster_hop_{index}_wave_{w} {{");
        let _ = writeln!(
            out,
            "      label={}; style=\"dashed\"; color=\"gray70\";",
            quote(&format!("wave {}", wave.wave))
        );
        for (n, step) in &wave.steps {
            node(out, *n, step);
        }
        out.push_str("    }\n");
    }
    out.push_str("  }\n");
}

fn node(out: &mut String, n: usize, s: &PlannedStep) {
    let cluster = s.cluster.as_deref().unwrap_or("platform");
    let mode = if s.manual { "manual" } else { "auto" };
    let time = s
        .duration_minutes
        .map_or("?".to_string(), |m| duration(m.into()));
    let label = format!("{n}. {}\n{cluster} · {mode} · {time}", s.title);
    let style = if s.manual {
        ", style=\"rounded,bold\""
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "      {} [label={}{style}];",
        quote(&s.id),
        quote(&label)
    );
}

/// One edge per `after` entry between steps of the plan; ids the plan does not hold
/// are left out rather than drawn as unlabelled nodes.
fn edges(out: &mut String, plan: &Plan, numbers: &BTreeMap<&str, usize>) {
    for step in &plan.steps {
        for before in &step.after {
            if numbers.contains_key(before.as_str()) {
                let _ = writeln!(out, "  {} -> {};", quote(before), quote(&step.id));
            }
        }
    }
}

/// A DOT string literal; `\n` becomes a centred line break.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    #[test]
    fn ready_plan() {
        insta::assert_snapshot!(dot(&fixtures::ready()));
    }

    #[test]
    fn blocked_plan_says_so_in_its_label() {
        let out = dot(&fixtures::blocked());
        assert!(out.contains("NOT EXECUTABLE"));
    }

    #[test]
    fn quotes_escape() {
        assert_eq!(quote("a \"b\"\\c\nd"), "\"a \\\"b\\\"\\\\c\\nd\"");
    }
}
