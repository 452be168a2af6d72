//! The plan as a Graphviz digraph, readable at fleet scale: the step graph of
//! [`super::graph`] (implied edges dropped, alike steps of a wave as one node), one
//! cluster per hop, one rank per wave, the hops joined end to start, the critical path
//! in thick red (and bold, for a print without colour).

use std::fmt::Write;

use super::graph::{self, EdgeKind, Graph, Node};
use super::{blocking, count, duration, hop_label, path_label};
use crate::model::Lang;
use crate::plan::Plan;

/// Characters per line of a node's title: keeps a node narrow enough that a wave of
/// several nodes still fits a page.
const TITLE_WIDTH: usize = 40;

/// The critical path's colour: dark enough to stay visible in greyscale.
pub(crate) const CRITICAL: &str = "#b00020";

/// Renders `plan` as a Graphviz `digraph` (`dot -Tsvg plan.dot > plan.svg`).
pub fn dot(plan: &Plan) -> String {
    let plan = &super::printable(plan);
    let g = graph::build(plan);
    let mut out = String::from("digraph plan {\n");
    graph_attributes(&mut out, plan, &g);
    for hop in 0..g.hops.len() {
        hop_cluster(&mut out, plan, &g, hop);
    }
    edges(&mut out, &g);
    rank_order(&mut out, &g);
    out.push_str("}\n");
    out
}

fn graph_attributes(out: &mut String, plan: &Plan, g: &Graph) {
    let status = if plan.is_ready() {
        "ready".to_string()
    } else {
        format!(
            "BLOCKED — NOT EXECUTABLE ({})",
            count(blocking(plan), "blocking finding")
        )
    };
    let label = format!(
        "Upgrade plan {} → {}: {status}\npath {}\ncritical path (thick red): {}",
        plan.from,
        plan.to,
        path_label(plan),
        duration(g.critical_minutes)
    );
    let colour = if plan.is_ready() { "black" } else { "red" };
    let _ = writeln!(
        out,
        "  graph [label={}, labelloc=t, fontname=\"Helvetica\", fontcolor={colour}, rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.35];",
        quote(&label)
    );
    out.push_str("  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"gray30\"];\n");
}

/// One cluster per hop; inside it, one `rank=same` group per wave.
fn hop_cluster(out: &mut String, plan: &Plan, g: &Graph, hop: usize) {
    let _ = writeln!(out, "  subgraph cluster_hop_{hop} {{");
    let _ = writeln!(
        out,
        "    label={}; style=\"rounded\"; color=\"gray40\";",
        quote(&format!("hop {}", hop_label(&g.hops[hop])))
    );
    for rank in 0..g.ranks.len() {
        let members: Vec<usize> = (0..g.nodes.len())
            .filter(|&n| g.nodes[n].hop == hop && g.nodes[n].rank == rank)
            .collect();
        if members.is_empty() {
            continue;
        }
        out.push_str("    { rank=same;\n");
        for n in members {
            node(out, plan, n, &g.nodes[n]);
        }
        out.push_str("    }\n");
    }
    out.push_str("  }\n");
}

fn node(out: &mut String, plan: &Plan, n: usize, node: &Node) {
    let mut lines = graph::wrap(
        &format!("{}. {}", graph::step_numbers(&node.steps), node.title),
        TITLE_WIDTH,
    );
    let words = graph::words(Lang::En);
    lines.extend(graph::clusters_line(node, words));
    lines.push(graph::meta_label(plan, node, words));
    let mut style = vec!["rounded"];
    if node.manual {
        style.push("filled");
    }
    let mut attrs = format!("label={}", quote(&lines.join("\n")));
    if node.manual {
        attrs.push_str(", fillcolor=\"#fff3cd\"");
    }
    if node.critical {
        style.push("bold");
        let _ = write!(attrs, ", color=\"{CRITICAL}\", penwidth=3");
    }
    let _ = writeln!(
        out,
        "      n{} [{attrs}, style=\"{}\"];",
        n + 1,
        style.join(",")
    );
}

fn edges(out: &mut String, g: &Graph) {
    for e in &g.edges {
        let mut attrs: Vec<String> = Vec::new();
        match e.kind {
            EdgeKind::Depends => {}
            EdgeKind::Hop => attrs.push("label=\"next hop\"".into()),
            EdgeKind::Wave => attrs.push("style=dashed, label=\"next wave\"".into()),
        }
        if e.critical {
            attrs.push(format!("color=\"{CRITICAL}\", penwidth=3"));
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(out, "  n{} -> n{}{attrs};", e.from + 1, e.to + 1);
    }
}

/// Invisible edges from each wave to the next, so a wave formed by a concurrency
/// limit sits below the one it waits for instead of beside it.
fn rank_order(out: &mut String, g: &Graph) {
    let firsts: Vec<usize> = (0..g.ranks.len())
        .filter_map(|r| g.nodes.iter().position(|n| n.rank == r))
        .collect();
    for pair in firsts.windows(2) {
        let _ = writeln!(out, "  n{} -> n{} [style=invis];", pair[0] + 1, pair[1] + 1);
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
    fn the_critical_path_is_drawn_thick() {
        let out = dot(&fixtures::ready());
        // upload-images (2h) → global (1h30m) in wave 1 (the fixture has steps
        // waiting for others of their wave), biz-1 (45m), global 4.3 (1h) → docs (10m).
        assert!(out.contains("critical path (thick red): 5h25m"), "{out}");
        let thick = out.lines().filter(|l| l.contains("penwidth=3")).count();
        assert!(thick >= 4, "{out}");
    }

    #[test]
    fn quotes_escape() {
        assert_eq!(quote("a \"b\"\\c\nd"), "\"a \\\"b\\\"\\\\c\\nd\"");
    }
}
