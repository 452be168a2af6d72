//! The step graph as a Mermaid flowchart, for a ```` ```mermaid ```` block in GitHub
//! Markdown: the nodes and edges of [`super::graph`], one subgraph per hop, manual
//! steps filled, the critical path in thick red (`classDef`, `linkStyle`).
//!
//! Ids are `n1`, `n2`, … and `hop1`, …; every label is a quoted string whose
//! characters Mermaid would read as syntax are written as its entity codes (`#35;`),
//! so no title can close a label, open a node or start a comment.

use std::fmt::Write;

use super::dot::CRITICAL;
use super::graph::{self, EdgeKind, Graph, Node};
use super::hop_label;
use crate::model::Lang;
use crate::plan::Plan;

const TITLE_WIDTH: usize = 40;

/// Renders `plan`'s step graph as a Mermaid flowchart.
pub fn mermaid(plan: &Plan) -> String {
    let plan = &super::printable(plan);
    let g = graph::build(plan);
    let mut out = String::from("flowchart TD\n");
    for hop in 0..g.hops.len() {
        subgraph(&mut out, plan, &g, hop);
    }
    let critical = edges(&mut out, &g);
    styles(&mut out, &g, &critical);
    out
}

fn subgraph(out: &mut String, plan: &Plan, g: &Graph, hop: usize) {
    let label = format!("hop {}", hop_label(&g.hops[hop]));
    let _ = writeln!(out, "  subgraph hop{}[\"{}\"]", hop + 1, escape(&label));
    out.push_str("    direction TB\n");
    for (n, node) in g.nodes.iter().enumerate().filter(|(_, n)| n.hop == hop) {
        let _ = writeln!(out, "    n{}[\"{}\"]", n + 1, label_of(plan, node));
    }
    out.push_str("  end\n");
}

fn label_of(plan: &Plan, node: &Node) -> String {
    let mut lines = graph::wrap(
        &format!("{}. {}", graph::step_numbers(&node.steps), node.title),
        TITLE_WIDTH,
    );
    let words = graph::words(Lang::En);
    lines.extend(graph::clusters_line(node, words));
    lines.push(graph::meta_label(plan, node, words));
    let lines: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    lines.join("<br/>")
}

/// Writes the edges; returns the positions (for `linkStyle`) of the critical ones.
fn edges(out: &mut String, g: &Graph) -> Vec<usize> {
    let mut critical = Vec::new();
    for (i, e) in g.edges.iter().enumerate() {
        let arrow = match e.kind {
            EdgeKind::Depends => "-->",
            EdgeKind::Hop => "-->|next hop|",
            EdgeKind::Wave => "-.->|next wave|",
        };
        let _ = writeln!(out, "  n{} {arrow} n{}", e.from + 1, e.to + 1);
        if e.critical {
            critical.push(i);
        }
    }
    critical
}

fn styles(out: &mut String, g: &Graph, critical_edges: &[usize]) {
    let _ = writeln!(out, "  classDef manual fill:#fff3cd,stroke:#8a6d3b");
    let _ = writeln!(
        out,
        "  classDef critical stroke:{CRITICAL},stroke-width:3px,font-weight:bold"
    );
    let ids = |pick: &dyn Fn(&Node) -> bool| -> Vec<String> {
        let picked = g.nodes.iter().enumerate().filter(|(_, n)| pick(n));
        picked.map(|(i, _)| format!("n{}", i + 1)).collect()
    };
    for (class, members) in [
        ("manual", ids(&|n| n.manual)),
        ("critical", ids(&|n| n.critical)),
    ] {
        if !members.is_empty() {
            let _ = writeln!(out, "  class {} {class}", members.join(","));
        }
    }
    if !critical_edges.is_empty() {
        let list: Vec<String> = critical_edges.iter().map(|i| i.to_string()).collect();
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{CRITICAL},stroke-width:3px",
            list.join(",")
        );
    }
}

/// Text for inside a quoted Mermaid label: the characters that end a label, open a
/// shape or an entity, or read as HTML, as Mermaid entity codes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '#' | '&' | '<' | '>' | '[' | ']' | '{' | '}' | '|' | '`' | '\\' | ';' => {
                let _ = write!(out, "#{};", u32::from(ch));
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    #[test]
    fn ready_plan() {
        insta::assert_snapshot!(mermaid(&fixtures::ready()));
    }

    #[test]
    fn an_empty_plan_is_an_empty_flowchart() {
        assert_eq!(
            mermaid(&fixtures::empty()),
            "flowchart TD\n  classDef manual fill:#fff3cd,stroke:#8a6d3b\n  classDef critical stroke:#b00020,stroke-width:3px,font-weight:bold\n"
        );
    }

    #[test]
    fn labels_cannot_break_out() {
        let mut plan = fixtures::ready();
        plan.steps[0].title = "x\"] --> evil[\"# <b>&amp; {y} | `z` %% c; \\".into();
        let out = mermaid(&plan);
        let line = out.lines().find(|l| l.contains("evil")).unwrap_or_default();
        assert_eq!(
            line,
            "    n1[\"1. x#quot;#93; --#62; evil#91;#quot;#35; #60;b#62;#38;amp#59; #123;y#125; #124; #96;z#96; %%<br/>c#59; #92;<br/>biz-1<br/>wave 1 · manual · 15m\"]"
        );
        // one quoted label per node line: the only quotes are the label's own
        assert_eq!(line.matches('"').count(), 2);
    }

    #[test]
    fn the_critical_path_is_styled() {
        let out = mermaid(&fixtures::ready());
        assert!(out.contains("  class n3,n4,n5,n7,n8 critical\n"), "{out}");
        assert!(out.contains("  linkStyle "), "{out}");
    }
}
