//! The plan's steps as a graph for people to read, shared by the DOT, Mermaid and SVG
//! renderers: the `after` edges without the ones implied by others (transitive
//! reduction), identical steps of one wave on many clusters as one node, an edge from
//! the end of each hop to the start of the next, ranks from waves, and the critical
//! path.
//!
//! Built from any plan, including a hand-edited one: an `after` naming a step the
//! plan does not hold, or a step later in the plan, is left out (the plan lists steps
//! in execution order, so such an edge cannot be honoured anyway), which keeps the
//! graph acyclic by construction.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use petgraph::adj::List;
use petgraph::algo::tred::dag_transitive_reduction_closure;
use petgraph::visit::IntoNeighbors;

use crate::model::Lang;
use crate::plan::{Plan, PlannedStep};

/// Why one node waits for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum EdgeKind {
    /// A step's `after`.
    Depends,
    /// The next hop starts when the previous one has ended.
    Hop,
    /// Waves run one after another: drawn only where the critical path needs it
    /// (a wave formed by a concurrency limit waits for the one before).
    Wave,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub critical: bool,
}

/// One step, or several identical steps of one wave on different clusters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// The plan's steps, 0-based positions in plan order.
    pub steps: Vec<usize>,
    /// Index into [`Graph::hops`].
    pub hop: usize,
    pub wave: u32,
    /// Index into [`Graph::ranks`].
    pub rank: usize,
    /// The step's title; for a group, the shared title with the cluster left out.
    pub title: String,
    /// The clusters of the steps (empty for platform steps).
    pub clusters: Vec<String>,
    pub manual: bool,
    pub minutes: u64,
    pub critical: bool,
}

impl Node {
    pub fn is_group(&self) -> bool {
        self.steps.len() > 1
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Graph {
    /// Ordered by their first step in the plan.
    pub nodes: Vec<Node>,
    /// Ordered by (from, to).
    pub edges: Vec<Edge>,
    /// Hops in the order the plan runs them.
    pub hops: Vec<String>,
    /// Per rank, its (hop index, wave): runs of consecutive steps of one hop and wave,
    /// in plan order. Waves are numbered across the plan, so this is one rank per
    /// wave; a hand-edited plan that numbers waves per hop, or interleaves hops, gets
    /// one rank per run.
    pub ranks: Vec<(usize, u32)>,
    /// The length of the critical path: each wave costs its longest step.
    pub critical_minutes: u64,
}

/// The graph of `plan` (pass a [`super::printable`] plan: labels come from it).
pub(crate) fn build(plan: &Plan) -> Graph {
    let steps = &plan.steps;
    let mut edges = step_edges(plan);
    add_hop_edges(steps, &mut edges);
    let edges = reduce(steps.len(), &edges);
    let (ranks, step_rank) = ranks(steps);
    let classes = partition(steps, &step_rank, &edges);
    let mut graph = nodes(plan, &classes, ranks, &step_rank);
    graph.edges = node_edges(&classes, &edges, graph.nodes.len());
    critical_path(&mut graph);
    graph
}

/// (before, after) → kind, from every step's `after`, earlier steps only.
fn step_edges(plan: &Plan) -> BTreeMap<(usize, usize), EdgeKind> {
    let numbers = super::numbers(plan);
    let mut edges = BTreeMap::new();
    for (to, step) in plan.steps.iter().enumerate() {
        for before in &step.after {
            match numbers.get(before.as_str()) {
                Some(&n) if n - 1 < to => {
                    edges.insert((n - 1, to), EdgeKind::Depends);
                }
                _ => {}
            }
        }
    }
    edges
}

/// Runs of consecutive steps of one hop, as ranges of plan positions.
fn hop_runs(steps: &[PlannedStep]) -> Vec<std::ops::Range<usize>> {
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if steps[r.start].hop == s.hop => r.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// Joins each hop to the next: every step of a hop that nothing later in the hop waits
/// for, to every step of the next hop that waits for nothing in its hop. The hops then
/// read as one flow instead of side by side.
fn add_hop_edges(steps: &[PlannedStep], edges: &mut BTreeMap<(usize, usize), EdgeKind>) {
    let runs = hop_runs(steps);
    for pair in runs.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let ends: Vec<usize> = a
            .clone()
            .filter(|&i| !edges.keys().any(|&(f, t)| f == i && a.contains(&t)))
            .collect();
        let starts: Vec<usize> = b
            .clone()
            .filter(|&j| !edges.keys().any(|&(f, t)| t == j && b.contains(&f)))
            .collect();
        for &i in &ends {
            for &j in &starts {
                edges.entry((i, j)).or_insert(EdgeKind::Hop);
            }
        }
    }
}

/// The transitive reduction of edges that all point forward in `0..n` (plan order is
/// a topological order), keeping each surviving edge's kind.
fn reduce(
    n: usize,
    edges: &BTreeMap<(usize, usize), EdgeKind>,
) -> BTreeMap<(usize, usize), EdgeKind> {
    let mut list: List<(), u32> = List::with_capacity(n);
    for _ in 0..n {
        list.add_node();
    }
    // BTreeMap order: by source, then by target, which is the order the algorithm
    // needs each node's neighbours in.
    for &(f, t) in edges.keys() {
        list.add_edge(f as u32, t as u32, ());
    }
    let (reduced, _closure) = dag_transitive_reduction_closure(&list);
    let mut out = BTreeMap::new();
    for f in 0..n {
        for t in (&reduced).neighbors(f as u32) {
            let key = (f, t as usize);
            if let Some(kind) = edges.get(&key) {
                out.insert(key, *kind);
            }
        }
    }
    out
}

/// What two steps must share to be drawn as one node.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Likeness<'a> {
    rank: usize,
    action: &'a str,
    template: String,
    manual: bool,
    minutes: Option<u32>,
    on_cluster: bool,
}

/// Steps grouped into classes (class id per step): alike steps whose neighbours fall
/// into the same classes, refined until stable, so a group's edges hold for each of
/// its steps' classes. Class ids follow plan order.
fn partition(
    steps: &[PlannedStep],
    step_rank: &[usize],
    edges: &BTreeMap<(usize, usize), EdgeKind>,
) -> Vec<usize> {
    let keys: Vec<Likeness<'_>> = steps
        .iter()
        .zip(step_rank)
        .map(|(s, &rank)| likeness(s, rank))
        .collect();
    let mut classes = number(&keys);
    loop {
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); steps.len()];
        for &(f, t) in edges.keys() {
            preds[t].push(classes[f]);
            succs[f].push(classes[t]);
        }
        let refined: Vec<(usize, Vec<usize>, Vec<usize>)> = (0..steps.len())
            .map(|i| (classes[i], set(&preds[i]), set(&succs[i])))
            .collect();
        let next = number(&refined);
        let stable = next.iter().max() == classes.iter().max();
        classes = next;
        if stable {
            return classes;
        }
    }
}

fn likeness(s: &PlannedStep, rank: usize) -> Likeness<'_> {
    Likeness {
        rank,
        action: &s.action,
        template: template(s),
        manual: s.manual,
        minutes: s.duration_minutes,
        on_cluster: s.cluster.is_some(),
    }
}

fn set(items: &[usize]) -> Vec<usize> {
    let mut v = items.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// Equal keys get equal numbers, numbered in order of first appearance.
fn number<K: Ord + Clone>(keys: &[K]) -> Vec<usize> {
    let mut seen: BTreeMap<K, usize> = BTreeMap::new();
    keys.iter()
        .map(|k| {
            let next = seen.len();
            *seen.entry(k.clone()).or_insert(next)
        })
        .collect()
}

/// The title with its cluster's name (as a whole word) replaced by `…`.
fn template(s: &PlannedStep) -> String {
    let Some(name) = s.cluster.as_deref().filter(|n| !n.is_empty()) else {
        return s.title.clone();
    };
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    let mut out = String::new();
    let mut rest = s.title.as_str();
    let mut before: Option<char> = None;
    while let Some(at) = rest.find(name) {
        let after = rest[at + name.len()..].chars().next();
        let prev = rest[..at].chars().next_back().or(before);
        out.push_str(&rest[..at]);
        out.push_str(if word(prev) || word(after) {
            name
        } else {
            "…"
        });
        before = name.chars().next_back();
        rest = &rest[at + name.len()..];
    }
    out.push_str(rest);
    out
}

/// The ranks: runs of consecutive steps of one hop and wave, in plan order (as the
/// runbook groups them), so ranks follow the plan even where a hand-edited plan
/// interleaves hops or numbers waves per hop. Returns each rank's (hop, wave) with
/// hops numbered in order of appearance, and each step's rank.
fn ranks(steps: &[PlannedStep]) -> (Vec<(usize, u32)>, Vec<usize>) {
    let mut hops: Vec<&str> = Vec::new();
    let mut ranks: Vec<(usize, u32)> = Vec::new();
    let mut step_rank = Vec::with_capacity(steps.len());
    for s in steps {
        let hop = hops.iter().position(|h| *h == s.hop).unwrap_or_else(|| {
            hops.push(&s.hop);
            hops.len() - 1
        });
        if ranks.last() != Some(&(hop, s.wave)) {
            ranks.push((hop, s.wave));
        }
        step_rank.push(ranks.len() - 1);
    }
    (ranks, step_rank)
}

/// One node per class, with its hop, rank and label.
fn nodes(plan: &Plan, classes: &[usize], ranks: Vec<(usize, u32)>, step_rank: &[usize]) -> Graph {
    let mut graph = Graph {
        ranks,
        ..Graph::default()
    };
    for s in &plan.steps {
        if !graph.hops.contains(&s.hop) {
            graph.hops.push(s.hop.clone());
        }
    }
    let count = classes.iter().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in classes.iter().enumerate() {
        members[c].push(i);
    }
    for steps in members {
        let rank = step_rank[steps[0]];
        graph.nodes.push(node(plan, &graph, rank, steps));
    }
    graph
}

fn node(plan: &Plan, graph: &Graph, rank: usize, steps: Vec<usize>) -> Node {
    let first = &plan.steps[steps[0]];
    let hop = graph.hops.iter().position(|h| *h == first.hop).unwrap_or(0);
    let title = if steps.len() > 1 {
        template(first)
    } else {
        first.title.clone()
    };
    Node {
        hop,
        wave: first.wave,
        rank,
        title,
        clusters: steps
            .iter()
            .filter_map(|&i| plan.steps[i].cluster.clone())
            .collect(),
        manual: first.manual,
        minutes: u64::from(first.duration_minutes.unwrap_or(0)),
        critical: false,
        steps,
    }
}

/// The step edges between classes, reduced again (two groups joined through a third
/// need no direct edge). Classes follow plan order, so edges still point forward.
fn node_edges(
    classes: &[usize],
    edges: &BTreeMap<(usize, usize), EdgeKind>,
    n: usize,
) -> Vec<Edge> {
    let mut between: BTreeMap<(usize, usize), EdgeKind> = BTreeMap::new();
    for (&(f, t), &kind) in edges {
        let key = (classes[f], classes[t]);
        if key.0 < key.1 {
            let e = between.entry(key).or_insert(kind);
            *e = (*e).min(kind);
        }
    }
    reduce(n, &between)
        .into_iter()
        .map(|((from, to), kind)| Edge {
            from,
            to,
            kind,
            critical: false,
        })
        .collect()
}

/// Marks the critical path, the chain of nodes that decides when the plan ends. Waves
/// run one after another (and hops too): a node starts when the previous rank has
/// ended and its predecessors in its own rank (a hand-edited plan may have some) have
/// finished. Among equal causes, one the node has an edge from, then the first.
/// Consecutive path nodes with no edge between them get a [`EdgeKind::Wave`] edge, so
/// the path is drawn unbroken.
fn critical_path(graph: &mut Graph) {
    let n = graph.nodes.len();
    let mut by_rank: Vec<Vec<usize>> = vec![Vec::new(); graph.ranks.len()];
    for (i, node) in graph.nodes.iter().enumerate() {
        by_rank[node.rank].push(i);
    }
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &graph.edges {
        preds[e.to].push(e.from);
    }
    let mut finish: Vec<Option<u64>> = vec![None; n];
    let mut cause: Vec<Option<usize>> = vec![None; n];
    for rank in 0..by_rank.len() {
        let before = rank.checked_sub(1).map_or(&[][..], |r| &by_rank[r][..]);
        for &i in &by_rank[rank] {
            let same_rank = preds[i].iter().filter(|&&p| graph.nodes[p].rank == rank);
            // computed causes only: a node of this rank later in the order has none yet
            let best = before
                .iter()
                .chain(same_rank)
                .filter_map(|&c| finish[c].map(|f| (f, preds[i].contains(&c), Reverse(c))))
                .max();
            cause[i] = best.map(|(_, _, Reverse(c))| c);
            let start = best.map_or(0, |(f, _, _)| f);
            finish[i] = Some(start.saturating_add(graph.nodes[i].minutes));
        }
    }
    let end = (0..n).max_by_key(|&i| (finish[i], graph.nodes[i].rank, Reverse(i)));
    graph.critical_minutes = end.and_then(|e| finish[e]).unwrap_or(0);
    let mut path = Vec::new();
    let mut at = end;
    while let Some(i) = at {
        path.push(i);
        at = cause[i];
    }
    path.reverse();
    for &i in &path {
        graph.nodes[i].critical = true;
    }
    for pair in path.windows(2) {
        mark_edge(graph, pair[0], pair[1]);
    }
    graph.edges.sort_by_key(|e| (e.from, e.to));
}

fn mark_edge(graph: &mut Graph, from: usize, to: usize) {
    match graph
        .edges
        .iter_mut()
        .find(|e| e.from == from && e.to == to)
    {
        Some(e) => e.critical = true,
        None => graph.edges.push(Edge {
            from,
            to,
            kind: EdgeKind::Wave,
            critical: true,
        }),
    }
}

/// `[0, 1, 2, 5]` (positions) → `1–3, 6` (step numbers).
pub(crate) fn step_numbers(steps: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let mut j = i;
        while j + 1 < steps.len() && steps[j + 1] == steps[j] + 1 {
            j += 1;
        }
        parts.push(if i == j {
            format!("{}", steps[i] + 1)
        } else {
            format!("{}–{}", steps[i] + 1, steps[j] + 1)
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// The words of the graph's labels in one language (the DOT and Mermaid graphs are
/// English; the HTML report's graph speaks the report's `--lang`).
pub(crate) struct Words {
    pub platform: &'static str,
    /// After a count: `20 clusters`.
    pub clusters: &'static str,
    pub manual: &'static str,
    pub automatic: &'static str,
    pub no_estimate: &'static str,
    pub wave: &'static str,
    pub hop: &'static str,
    pub critical_path: &'static str,
    pub manual_step: &'static str,
    pub step_graph: &'static str,
    pub upgrade_plan: &'static str,
}

const EN: Words = Words {
    platform: "platform",
    clusters: " clusters",
    manual: "manual",
    automatic: "automatic",
    no_estimate: "no estimate",
    wave: "wave",
    hop: "hop",
    critical_path: "critical path",
    manual_step: "manual step",
    step_graph: "Step graph",
    upgrade_plan: "Upgrade plan",
};

const ZH: Words = Words {
    platform: "平台",
    clusters: " 个集群",
    manual: "手动",
    automatic: "自动",
    no_estimate: "未估时",
    wave: "批次",
    hop: "升级",
    critical_path: "关键路径",
    manual_step: "手动步骤",
    step_graph: "步骤图",
    upgrade_plan: "升级计划",
};

pub(crate) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

/// The clusters line of a node, unless its title already names its one cluster.
pub(crate) fn clusters_line(node: &Node, w: &Words) -> Option<String> {
    match node.clusters.as_slice() {
        [one] if !node.is_group() && node.title.contains(one.as_str()) => None,
        _ => Some(clusters_label(node, w)),
    }
}

/// `global`, `3 clusters: a, b, c`, `20 clusters: a … t`, `platform`.
pub(crate) fn clusters_label(node: &Node, w: &Words) -> String {
    let n = node.clusters.len();
    match node.clusters.as_slice() {
        [] => w.platform.to_string(),
        [one] if !node.is_group() => one.clone(),
        [first, .., last] if n > 3 => format!("{n}{}: {first} … {last}", w.clusters),
        all => format!("{n}{}: {}", w.clusters, all.join(", ")),
    }
}

/// `wave 3 · manual · 45m` (`no estimate` for a step without a duration).
pub(crate) fn meta_label(plan: &Plan, node: &Node, w: &Words) -> String {
    let mode = if node.manual { w.manual } else { w.automatic };
    let known = plan.steps[node.steps[0]].duration_minutes.is_some();
    let time = if known {
        super::duration(node.minutes)
    } else {
        w.no_estimate.to_string()
    };
    format!("{} {} · {mode} · {time}", w.wave, node.wave)
}

/// `text` broken into lines at most `width` columns wide, at spaces; a word wider
/// than a line (a Chinese title has no spaces) is broken between characters. East
/// Asian wide characters count two columns.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let (len, wide) = (columns(&line), columns(word));
        if len > 0 && len + 1 + wide > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for ch in word.chars() {
            if columns(&line) + column(ch) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(ch);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn columns(text: &str) -> usize {
    text.chars().map(column).sum()
}

/// Two columns for the East Asian wide ranges (CJK, kana, Hangul, full-width forms).
fn column(ch: char) -> usize {
    match ch {
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}' => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;
    use crate::plan::{SCHEMA_ID, Status};

    fn step(id: &str, cluster: Option<&str>, wave: u32, after: &[&str]) -> PlannedStep {
        let (hop, action) = id.split_once(':').unwrap_or(("4.2->4.3", id));
        PlannedStep {
            id: id.to_string(),
            hop: hop.to_string(),
            action: action.split('(').next().unwrap_or(action).to_string(),
            cluster: cluster.map(str::to_string),
            title: format!(
                "Do {} on {}",
                action.split('(').next().unwrap_or(action),
                cluster.unwrap_or("the platform")
            ),
            wave,
            after: after.iter().map(|s| s.to_string()).collect(),
            ..PlannedStep::default()
        }
    }

    fn plan(steps: Vec<PlannedStep>) -> Plan {
        Plan {
            schema: SCHEMA_ID.to_string(),
            status: Status::Ready,
            from: "4.2".into(),
            to: "4.3".into(),
            path: vec!["4.2".into(), "4.3".into()],
            findings: vec![],
            steps,
            provenance: None,
            inventory_meta: None,
            checkpoints: vec![],
            post_checks: vec![],
            clusters: vec![],
            limits: vec![],
            lang: None,
        }
    }

    fn pairs(g: &Graph) -> Vec<(usize, usize, EdgeKind)> {
        g.edges.iter().map(|e| (e.from, e.to, e.kind)).collect()
    }

    /// global, then `n` workloads in waves of `limit`, each after global.
    fn fleet(n: usize, limit: usize) -> Plan {
        let g = "4.2->4.3:upgrade(global)";
        let mut steps = vec![step(g, Some("global"), 1, &[])];
        for i in 0..n {
            let id = format!("4.2->4.3:upgrade(w-{i:02})");
            steps.push(step(
                &id,
                Some(&format!("w-{i:02}")),
                2 + (i / limit) as u32,
                &[g],
            ));
        }
        plan(steps)
    }

    #[test]
    fn implied_edges_are_dropped() {
        // a → b → c and a → c: a → c is implied.
        let p = plan(vec![
            step("a", None, 1, &[]),
            step("b", None, 2, &["a"]),
            step("c", None, 3, &["a", "b"]),
        ]);
        let g = build(&p);
        assert_eq!(
            pairs(&g),
            vec![(0, 1, EdgeKind::Depends), (1, 2, EdgeKind::Depends)]
        );
    }

    #[test]
    fn alike_steps_of_one_wave_are_one_node_per_wave() {
        let g = build(&fleet(45, 20));
        let sizes: Vec<usize> = g.nodes.iter().map(|n| n.steps.len()).collect();
        assert_eq!(sizes, vec![1, 20, 20, 5]);
        assert_eq!(g.nodes[1].title, "Do upgrade on …");
        assert_eq!(clusters_label(&g.nodes[1], &EN), "20 clusters: w-00 … w-19");
        assert_eq!(clusters_label(&g.nodes[1], &ZH), "20 个集群: w-00 … w-19");
        assert_eq!(g.ranks, vec![(0, 1), (0, 2), (0, 3), (0, 4)]);
        let ranks: Vec<usize> = g.nodes.iter().map(|n| n.rank).collect();
        assert_eq!(ranks, vec![0, 1, 2, 3]);
    }

    #[test]
    fn steps_with_different_neighbours_stay_apart() {
        // w-1's upgrade waits for its own preparation, w-2's does not.
        let p = plan(vec![
            step("prep(w-1)", Some("w-1"), 1, &[]),
            step("up(w-1)", Some("w-1"), 2, &["prep(w-1)"]),
            step("up(w-2)", Some("w-2"), 2, &[]),
        ]);
        let g = build(&p);
        assert_eq!(g.nodes.len(), 3);
    }

    #[test]
    fn per_cluster_chains_group_pairwise() {
        // k8s(w-i) → up(w-i) for i in 1..=3: two groups joined by one edge.
        let mut steps = Vec::new();
        for i in 1..=3 {
            steps.push(step(
                &format!("k8s(w-{i})"),
                Some(&format!("w-{i}")),
                1,
                &[],
            ));
        }
        for i in 1..=3 {
            let after = format!("k8s(w-{i})");
            steps.push(step(
                &format!("up(w-{i})"),
                Some(&format!("w-{i}")),
                2,
                &[&after],
            ));
        }
        let g = build(&plan(steps));
        assert_eq!(g.nodes.len(), 2);
        assert_eq!(pairs(&g), vec![(0, 1, EdgeKind::Depends)]);
    }

    #[test]
    fn hops_are_joined_end_to_start() {
        let p = plan(vec![
            step("1->2:a", None, 1, &[]),
            step("1->2:b", None, 2, &["1->2:a"]),
            step("2->3:c", None, 3, &[]),
            step("2->3:d", None, 3, &[]),
        ]);
        let g = build(&p);
        assert_eq!(g.hops, vec!["1->2", "2->3"]);
        let hop_edges: Vec<(usize, usize)> = g
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Hop)
            .map(|e| (e.from, e.to))
            .collect();
        // a is no end of hop 1 (b waits for it); c and d both start hop 2.
        assert_eq!(hop_edges, vec![(1, 2), (1, 3)]);
    }

    #[test]
    fn the_critical_path_takes_the_longest_step_of_each_wave() {
        let mut p = plan(vec![
            step("a", None, 1, &[]),
            step("b", Some("x"), 2, &["a"]),
            step("c", Some("y"), 2, &["a"]),
            step("d", None, 3, &["b"]),
        ]);
        p.steps[0].duration_minutes = Some(10);
        p.steps[1].duration_minutes = Some(5);
        p.steps[2].duration_minutes = Some(30);
        p.steps[3].duration_minutes = None;
        let g = build(&p);
        let critical: Vec<bool> = g.nodes.iter().map(|n| n.critical).collect();
        assert_eq!(critical, vec![true, false, true, true]);
        assert_eq!(g.critical_minutes, 40);
        // d waits for b only, but waves are sequential: c → d is a wave edge.
        assert!(
            g.edges
                .iter()
                .any(|e| (e.from, e.to, e.kind, e.critical) == (2, 3, EdgeKind::Wave, true))
        );
        assert!(
            g.edges
                .iter()
                .any(|e| (e.from, e.to, e.critical) == (0, 2, true))
        );
        assert!(
            g.edges
                .iter()
                .any(|e| (e.from, e.to, e.critical) == (1, 3, false))
        );
    }

    #[test]
    fn among_equal_steps_the_path_follows_edges() {
        // all 0 minutes: the path is a chain along real edges, not wave jumps.
        let g = build(&fleet(3, 2));
        assert!(g.nodes.iter().all(|n| n.critical));
        let kinds: Vec<(EdgeKind, bool)> = g.edges.iter().map(|e| (e.kind, e.critical)).collect();
        assert_eq!(
            kinds,
            vec![
                (EdgeKind::Depends, true),
                (EdgeKind::Depends, false),
                (EdgeKind::Wave, true)
            ]
        );
    }

    #[test]
    fn edges_to_unknown_or_later_steps_are_left_out() {
        let p = plan(vec![
            step("a", None, 1, &["b", "ghost"]),
            step("b", None, 2, &["a", "b"]),
        ]);
        let g = build(&p);
        assert_eq!(pairs(&g), vec![(0, 1, EdgeKind::Depends)]);
    }

    #[test]
    fn the_fixture_plan_has_one_node_per_step() {
        let g = build(&fixtures::ready());
        assert_eq!(g.nodes.len(), 8);
        assert_eq!(g.hops.len(), 2);
        insta::assert_debug_snapshot!(pairs(&g));
    }

    #[test]
    fn a_long_plan_of_distinct_steps_builds_quickly() {
        // 3,000 steps that group into nothing: a chain, each also after the first.
        let mut steps = vec![step("s0", None, 1, &[])];
        for i in 1..3000u32 {
            let prev = format!("s{}", i - 1);
            steps.push(step(&format!("s{i}"), None, i + 1, &[&prev, "s0"]));
        }
        let start = std::time::Instant::now();
        let g = build(&plan(steps));
        assert_eq!(g.nodes.len(), 3000);
        assert_eq!(g.edges.len(), 2999);
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
    }

    #[test]
    fn ranks_follow_the_plan_where_hops_interleave() {
        // a hand-edited plan back in hop 1 after hop 2, waves numbered per hop
        let p = plan(vec![
            step("1->2:a", None, 1, &[]),
            step("2->3:b", None, 1, &[]),
            step("1->2:c", Some("x"), 1, &[]),
        ]);
        let g = build(&p);
        assert_eq!(g.ranks, vec![(0, 1), (1, 1), (0, 1)]);
        let ranks: Vec<usize> = g.nodes.iter().map(|n| n.rank).collect();
        assert_eq!(ranks, vec![0, 1, 2]);
        assert!(g.edges.iter().all(|e| e.from < e.to), "{:?}", g.edges);
    }

    #[test]
    fn an_empty_plan_is_an_empty_graph() {
        let g = build(&fixtures::empty());
        assert!(g.nodes.is_empty() && g.edges.is_empty());
        assert_eq!(g.critical_minutes, 0);
    }

    #[test]
    fn templates_replace_whole_names_only() {
        let s = step("up(a)", Some("a"), 1, &[]);
        let s = PlannedStep {
            title: "Back up a and a-b at a".into(),
            ..s
        };
        assert_eq!(template(&s), "Back up … and a-b at …");
    }

    mod any_plan {
        use super::*;
        use proptest::prelude::*;

        /// (hop, wave, cluster, minutes, after)
        type Raw = (usize, u32, Option<usize>, Option<u32>, Vec<usize>);

        /// A step of a hand-edited plan: any hop of three, any wave, any cluster of
        /// four or none, any duration, `after` naming any position (earlier, later,
        /// itself) or nothing in the plan.
        fn arb_step() -> impl Strategy<Value = Raw> {
            (
                0..3usize,
                0..6u32,
                prop::option::of(0..4usize),
                prop::option::of(prop_oneof![0..200u32, Just(u32::MAX)]),
                prop::collection::vec(0..40usize, 0..4),
            )
        }

        fn plan_of(raw: &[Raw]) -> Plan {
            let hops = ["1->2", "2->3", "3->4"];
            let steps = raw
                .iter()
                .enumerate()
                .map(|(i, (hop, wave, cluster, minutes, after))| {
                    let cluster = cluster.map(|c| format!("c{c}"));
                    let action = if i % 2 == 0 { "up" } else { "down" };
                    PlannedStep {
                        id: format!("s{i}"),
                        hop: hops[*hop].to_string(),
                        action: action.to_string(),
                        title: format!("{action} {}", cluster.as_deref().unwrap_or("all")),
                        cluster,
                        wave: *wave,
                        duration_minutes: *minutes,
                        after: after.iter().map(|a| format!("s{a}")).collect(),
                        ..PlannedStep::default()
                    }
                })
                .collect();
            plan(steps)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            #[test]
            fn any_plan_gives_a_sound_graph(raw in prop::collection::vec(arb_step(), 0..30)) {
                let p = plan_of(&raw);
                let g = build(&p);
                let mut seen: Vec<usize> = g.nodes.iter().flat_map(|n| n.steps.clone()).collect();
                seen.sort_unstable();
                prop_assert_eq!(seen, (0..p.steps.len()).collect::<Vec<_>>());
                for e in &g.edges {
                    prop_assert!(e.from < e.to && e.to < g.nodes.len(), "{:?}", e);
                }
                let on_path = g.nodes.iter().filter(|n| n.critical).count();
                prop_assert!(p.steps.is_empty() || on_path >= 1);
                let svg = crate::render::svg::svg(&p, Lang::En);
                prop_assert!(roxmltree::Document::parse(&svg).is_ok(), "{}", svg);
                let _ = (crate::render::dot(&p), crate::render::mermaid(&p));
            }
        }
    }

    #[test]
    fn labels() {
        assert_eq!(step_numbers(&[0, 1, 2, 5, 7, 8]), "1–3, 6, 8–9");
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("", 6), vec![""]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("升级全局集群", 6), vec!["升级全", "局集群"]);
    }
}
