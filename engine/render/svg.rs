//! The step graph as SVG, laid out by uplan itself (for the HTML report): one row per
//! rank (wave) from top to bottom, nodes ordered in each row to keep edges short
//! (barycentres, a few sweeps), edges between neighbouring rows as curves and longer
//! ones in lanes to the right so they never run under a node. The critical path has
//! the class `critical`; the report's stylesheet draws it thick, red and dashed-free,
//! and manual steps filled. Every text is escaped; the full titles are in each node's
//! `<title>` (a tooltip, and in the DOM for tests and screen readers).

use std::fmt::Write;

use super::graph::{self, EdgeKind, Graph, Node, Words};
use super::{duration, hop_label};
use crate::model::Lang;
use crate::plan::Plan;

const NODE_W: f64 = 290.0;
const LINE_H: f64 = 15.0;
const PAD: f64 = 8.0;
const H_GAP: f64 = 28.0;
const V_GAP: f64 = 44.0;
const GUTTER: f64 = 96.0;
const LANE: f64 = 12.0;
const TOP: f64 = 40.0;
/// Characters per title line at 12px, and title lines at most (the rest is in the
/// node's tooltip and in the runbook).
const TITLE_WIDTH: usize = 38;
const TITLE_LINES: usize = 3;

/// Where each node sits.
struct Layout {
    /// Per node: left, top, width, height.
    boxes: Vec<(f64, f64, f64, f64)>,
    /// Per row: top and height.
    rows: Vec<(f64, f64)>,
    /// Per row: its rank (a rank whose nodes wait for each other, as in a
    /// hand-edited plan, takes several rows).
    row_rank: Vec<usize>,
    /// The right edge of the widest row, where lanes start.
    right: f64,
}

/// The inline `<svg>` element for `plan` (pass a printable plan).
pub(crate) fn svg(plan: &Plan, lang: Lang) -> String {
    let words = graph::words(lang);
    let g = graph::build(plan);
    let labels: Vec<Vec<String>> = g.nodes.iter().map(|n| lines(plan, n, words)).collect();
    let levels = levels(&g);
    let layout = layout(&g, &levels, &labels);
    let long: Vec<usize> = (0..g.edges.len())
        .filter(|&i| is_long(&levels, &g, i))
        .collect();
    let width = layout.right + LANE * (long.len() as f64 + 1.0) + PAD;
    let height = layout.rows.last().map_or(TOP, |(y, h)| y + h) + V_GAP / 2.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg class=\"steps\" role=\"group\" aria-label=\"{}\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\">",
        words.step_graph
    );
    defs(&mut out);
    legend(&mut out, &g, words);
    hops(&mut out, &g, &layout, width, words);
    for (i, e) in g.edges.iter().enumerate() {
        let lane = long.iter().position(|&l| l == i);
        edge(&mut out, &layout, e, lane);
    }
    for (n, node) in g.nodes.iter().enumerate() {
        node_box(&mut out, plan, n, node, &labels[n], layout.boxes[n]);
    }
    out.push_str("</svg>\n");
    out
}

/// A node's text lines: numbered title (at most [`TITLE_LINES`]), clusters, meta.
fn lines(plan: &Plan, node: &Node, words: &Words) -> Vec<String> {
    let title = format!("{}. {}", graph::step_numbers(&node.steps), node.title);
    let mut lines = graph::wrap(&title, TITLE_WIDTH);
    if lines.len() > TITLE_LINES {
        lines.truncate(TITLE_LINES);
        if let Some(last) = lines.last_mut() {
            last.push_str(" …");
        }
    }
    if let Some(line) = graph::clusters_line(node, words) {
        lines.extend(graph::wrap(&line, TITLE_WIDTH + 4));
    }
    lines.push(graph::meta_label(plan, node, words));
    lines
}

fn is_long(levels: &[usize], g: &Graph, edge: usize) -> bool {
    let e = &g.edges[edge];
    levels[e.to] > levels[e.from] + 1
}

/// Each node's row: ranks in order, and inside a rank, below any node of the same rank
/// it waits for.
fn levels(g: &Graph) -> Vec<usize> {
    let mut level = vec![0; g.nodes.len()];
    let mut base = 0;
    for rank in 0..g.ranks.len() {
        let mut top = base;
        for n in (0..g.nodes.len()).filter(|&n| g.nodes[n].rank == rank) {
            let below = g
                .edges
                .iter()
                .filter(|e| e.to == n && g.nodes[e.from].rank == rank && e.from < n)
                .map(|e| level[e.from] + 1)
                .max();
            level[n] = below.unwrap_or(base);
            top = top.max(level[n]);
        }
        base = top + 1;
    }
    level
}

/// Rows top to bottom, nodes in each row ordered by barycentre, rows centred.
fn layout(g: &Graph, levels: &[usize], labels: &[Vec<String>]) -> Layout {
    let order = order(g, levels);
    let widest = order.iter().map(Vec::len).max().unwrap_or(0) as f64;
    let full = widest * NODE_W + (widest - 1.0).max(0.0) * H_GAP;
    let mut boxes = vec![(0.0, 0.0, NODE_W, 0.0); g.nodes.len()];
    let mut rows = Vec::new();
    let row_rank = order
        .iter()
        .map(|row| row.first().map_or(0, |&n| g.nodes[n].rank))
        .collect();
    let mut y = TOP;
    for row in &order {
        let lines = row.iter().map(|&n| labels[n].len()).max().unwrap_or(1);
        let h = lines as f64 * LINE_H + 2.0 * PAD;
        let k = row.len() as f64;
        let mut x = GUTTER + (full - (k * NODE_W + (k - 1.0) * H_GAP)) / 2.0;
        for &n in row {
            boxes[n] = (x, y, NODE_W, h);
            x += NODE_W + H_GAP;
        }
        rows.push((y, h));
        y += h + V_GAP;
    }
    Layout {
        boxes,
        rows,
        row_rank,
        right: GUTTER + full,
    }
}

/// The nodes of each rank, ordered: first by plan order, then two down-and-up sweeps
/// that sort each row by the mean position of its neighbours in the rows already
/// placed (ties keep the previous order, so the result is deterministic).
fn order(g: &Graph, levels: &[usize]) -> Vec<Vec<usize>> {
    let count = levels.iter().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (n, &level) in levels.iter().enumerate() {
        rows[level].push(n);
    }
    for _ in 0..2 {
        for r in 1..rows.len() {
            sweep(g, &mut rows, r, true);
        }
        for r in (0..rows.len().saturating_sub(1)).rev() {
            sweep(g, &mut rows, r, false);
        }
    }
    rows
}

fn sweep(g: &Graph, rows: &mut [Vec<usize>], r: usize, down: bool) {
    let mut place = vec![0.0_f64; g.nodes.len()];
    for row in rows.iter() {
        let centre = (row.len() as f64 - 1.0) / 2.0;
        for (i, &n) in row.iter().enumerate() {
            place[n] = i as f64 - centre;
        }
    }
    let key = |n: usize| -> f64 {
        let near: Vec<f64> = g
            .edges
            .iter()
            .filter_map(|e| match down {
                true if e.to == n => Some(place[e.from]),
                false if e.from == n => Some(place[e.to]),
                _ => None,
            })
            .collect();
        if near.is_empty() {
            place[n]
        } else {
            near.iter().sum::<f64>() / near.len() as f64
        }
    };
    let mut keyed: Vec<(f64, usize, usize)> = rows[r]
        .iter()
        .enumerate()
        .map(|(i, &n)| (key(n), i, n))
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    rows[r] = keyed.into_iter().map(|(_, _, n)| n).collect();
}

fn defs(out: &mut String) {
    out.push_str("<defs>");
    for (id, class) in [("arrow", "head"), ("arrow-critical", "head critical")] {
        let _ = write!(
            out,
            "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto-start-reverse\"><path class=\"{class}\" d=\"M0,0 L10,5 L0,10 z\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
}

fn legend(out: &mut String, g: &Graph, words: &Words) {
    let _ = writeln!(
        out,
        "<g class=\"legend\"><line class=\"edge critical\" x1=\"{PAD}\" y1=\"16\" x2=\"{}\" y2=\"16\"/><text x=\"{}\" y=\"20\">{}: {}</text><rect class=\"node manual\" x=\"{}\" y=\"8\" width=\"16\" height=\"14\" rx=\"3\"/><text x=\"{}\" y=\"20\">{}</text></g>",
        PAD + 30.0,
        PAD + 38.0,
        words.critical_path,
        duration(g.critical_minutes),
        PAD + 230.0,
        PAD + 252.0,
        words.manual_step,
    );
}

/// A band and a label per hop, and each row's wave on the left.
fn hops(out: &mut String, g: &Graph, layout: &Layout, width: f64, words: &Words) {
    // one band per run of rows of one hop (a hand-edited plan may come back to a hop)
    let hop_of = |r: usize| g.ranks[layout.row_rank[r]].0;
    let mut first = 0;
    for r in 0..layout.rows.len() {
        if r + 1 < layout.rows.len() && hop_of(r + 1) == hop_of(r) {
            continue;
        }
        let top = layout.rows[first].0 - V_GAP / 3.0;
        let bottom = layout.rows[r].0 + layout.rows[r].1 + V_GAP / 3.0;
        let _ = writeln!(
            out,
            "<g class=\"hop\"><rect x=\"2\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"8\"/><text x=\"{PAD}\" y=\"{:.1}\">{} {}</text></g>",
            width - 4.0,
            bottom - top,
            top + 14.0,
            words.hop,
            xml(&hop_label(&g.hops[hop_of(r)]))
        );
        first = r + 1;
    }
    for (r, (y, h)) in layout.rows.iter().enumerate() {
        if r > 0 && layout.row_rank[r - 1] == layout.row_rank[r] {
            continue;
        }
        let _ = writeln!(
            out,
            "<text class=\"wave\" x=\"{PAD}\" y=\"{:.1}\">{} {}</text>",
            y + h / 2.0 + 4.0,
            words.wave,
            g.ranks[layout.row_rank[r]].1
        );
    }
}

/// A curve from the bottom of one node to the top of the next row's node; a longer
/// edge leaves to its lane right of the rows, runs down it, and comes back in.
fn edge(out: &mut String, layout: &Layout, e: &graph::Edge, lane: Option<usize>) {
    let (fx, fy, fw, fh) = layout.boxes[e.from];
    let (tx, ty, tw, _) = layout.boxes[e.to];
    // a long edge leaves and enters off centre, clear of the short edges' arrows
    let at = if lane.is_some() { 0.8 } else { 0.5 };
    let (x1, y1) = (fx + fw * at, fy + fh);
    let (x2, y2) = (tx + tw * at, ty);
    let d = match lane {
        None => {
            let ym = (y1 + y2) / 2.0;
            format!("M{x1:.1},{y1:.1} C{x1:.1},{ym:.1} {x2:.1},{ym:.1} {x2:.1},{y2:.1}")
        }
        Some(l) => {
            let lx = layout.right + LANE * (l as f64 + 1.0);
            let (a, b) = (y1 + V_GAP / 2.0, y2 - V_GAP / 2.0);
            format!(
                "M{x1:.1},{y1:.1} C{x1:.1},{a:.1} {lx:.1},{y1:.1} {lx:.1},{a:.1} L{lx:.1},{b:.1} C{lx:.1},{y2:.1} {x2:.1},{b:.1} {x2:.1},{y2:.1}"
            )
        }
    };
    let mut class = String::from("edge");
    match e.kind {
        EdgeKind::Depends => {}
        EdgeKind::Hop => class.push_str(" next-hop"),
        EdgeKind::Wave => class.push_str(" next-wave"),
    }
    let marker = if e.critical {
        class.push_str(" critical");
        "arrow-critical"
    } else {
        "arrow"
    };
    let _ = writeln!(
        out,
        "<path class=\"{class}\" d=\"{d}\" marker-end=\"url(#{marker})\"/>"
    );
}

fn node_box(
    out: &mut String,
    plan: &Plan,
    n: usize,
    node: &Node,
    lines: &[String],
    (x, y, w, h): (f64, f64, f64, f64),
) {
    let mut class = String::from("node");
    if node.manual {
        class.push_str(" manual");
    }
    if node.critical {
        class.push_str(" critical");
    }
    let tooltip: Vec<String> = node
        .steps
        .iter()
        .map(|&i| format!("{}. {}", i + 1, plan.steps[i].title))
        .collect();
    let _ = write!(
        out,
        "<g class=\"{class}\" id=\"node-{}\"><title>{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"6\"/><text>",
        n + 1,
        xml(&tooltip.join("\n"))
    );
    for (i, line) in lines.iter().enumerate() {
        let ty = y + PAD + LINE_H * (i as f64 + 0.8);
        let meta = if i + 1 == lines.len() {
            " class=\"meta\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<tspan x=\"{:.1}\" y=\"{ty:.1}\"{meta}>{}</tspan>",
            x + PAD,
            xml(line)
        );
    }
    out.push_str("</text></g>\n");
}

/// Text for XML content and attribute values.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    fn svg_of(plan: &Plan) -> String {
        svg(&super::super::printable(plan), Lang::En)
    }

    #[test]
    fn every_node_and_edge_is_drawn() {
        let plan = fixtures::ready();
        let out = svg_of(&plan);
        let g = graph::build(&plan);
        assert_eq!(out.matches("<g class=\"node").count(), g.nodes.len());
        assert_eq!(out.matches("<path class=\"edge").count(), g.edges.len());
        assert_eq!(
            out.matches("class=\"node critical").count() + out.matches("manual critical").count(),
            g.nodes.iter().filter(|n| n.critical).count()
        );
        // the XML is well formed
        roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
    }

    #[test]
    fn nodes_never_overlap_and_rows_go_down() {
        let plan = fixtures::ready();
        let g = graph::build(&plan);
        let words = graph::words(Lang::En);
        let labels: Vec<Vec<String>> = g.nodes.iter().map(|n| lines(&plan, n, words)).collect();
        let l = layout(&g, &levels(&g), &labels);
        for (a, ba) in l.boxes.iter().enumerate() {
            for (b, bb) in l.boxes.iter().enumerate().skip(a + 1) {
                let apart = ba.0 + ba.2 <= bb.0
                    || bb.0 + bb.2 <= ba.0
                    || ba.1 + ba.3 <= bb.1
                    || bb.1 + bb.3 <= ba.1;
                assert!(apart, "nodes {a} and {b} overlap: {ba:?} {bb:?}");
            }
        }
        for e in &g.edges {
            assert!(l.boxes[e.from].1 < l.boxes[e.to].1, "{e:?} points up");
        }
    }

    #[test]
    fn text_is_escaped() {
        let mut plan = fixtures::ready();
        plan.steps[0].title = "<script>alert('x')</script> & \"q\"".into();
        let out = svg_of(&plan);
        assert!(!out.contains("<script"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
        roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn long_titles_are_cut_in_the_box_and_whole_in_the_tooltip() {
        let mut plan = fixtures::ready();
        plan.steps[0].title = "word ".repeat(60).trim_end().to_string();
        let out = svg_of(&plan);
        assert!(out.contains(&format!("<title>1. {}", plan.steps[0].title)));
        assert!(out.contains(" …</tspan>"));
    }

    #[test]
    fn deterministic() {
        let plan = fixtures::ready();
        assert_eq!(svg_of(&plan), svg_of(&plan.clone()));
    }
}
