//! The runbook's shape, shared by the Markdown and terminal renderers: preparation
//! apart from the maintenance windows (one per hop), each window's waves with
//! identical steps on many clusters grouped, its length, critical path, point of no
//! return and checkpoints; `--cluster` and `--hop` applied.
//!
//! Steps keep their numbers in the whole plan (findings and `after` refer to them), so
//! a filtered runbook still says `step 12`.

use std::collections::{BTreeMap, BTreeSet};

use super::Options;
use super::duration;
use super::labels::{Key, Labels};
use crate::plan::{Checkpoint, Plan, PlanCluster, PlanLimit, PlannedStep};

/// The phase whose steps need no maintenance window.
const PREPARE: &str = "prepare";

/// Minutes at least and at most; `unknown`: steps without an estimate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Length {
    pub min: u64,
    pub max: u64,
    pub unknown: usize,
}

/// `45m`, or `30m–1h` for a range.
pub(crate) fn range(min: u64, max: u64) -> String {
    if min == max {
        duration(max)
    } else {
        format!("{}–{}", duration(min), duration(max))
    }
}

/// A step's duration and whose estimate it is (`2h`, `from the guide`); `None` when
/// the step has none.
pub(crate) fn step_time(l: Labels, s: &PlannedStep) -> Option<(String, &'static str)> {
    let (min, max) = span(s)?;
    let basis = match s.duration_basis.as_deref() {
        Some("guide") => l.get(Key::Guide),
        Some("inventory") => l.get(Key::Measured),
        _ => l.get(Key::Estimate),
    };
    Some((range(min, max), basis))
}

impl Length {
    /// `2h–4h`, `45m`, `2h (+ 1 step without an estimate)`; never `0m` for "unknown".
    pub fn label(self, l: Labels) -> String {
        let known = range(self.min, self.max);
        match (self.unknown, self.max) {
            (0, _) => known,
            (n, 0) => l.fill(Key::WithoutEstimate, &[&n.to_string()]),
            (n, _) => format!(
                "{known} (+ {})",
                l.fill(Key::WithoutEstimate, &[&n.to_string()])
            ),
        }
    }

    fn add(&mut self, other: Length) {
        self.min += other.min;
        self.max += other.max;
        self.unknown += other.unknown;
    }
}

/// One step, or the same step on several clusters of one wave.
pub(crate) struct Item<'a> {
    pub steps: Vec<(usize, &'a PlannedStep)>,
}

impl Item<'_> {
    pub fn first(&self) -> &PlannedStep {
        self.steps[0].1
    }

    pub fn numbers(&self) -> Vec<usize> {
        self.steps.iter().map(|(n, _)| *n).collect()
    }

    pub fn is_group(&self) -> bool {
        self.steps.len() > 1
    }
}

pub(crate) struct WaveView<'a> {
    /// 1-based within its window.
    pub n: usize,
    pub items: Vec<Item<'a>>,
    /// Shown before the wave.
    pub checkpoints: Vec<&'a Checkpoint>,
    /// The limit that cut this wave, when one did.
    pub limit: Option<&'a PlanLimit>,
}

pub(crate) struct Window<'a> {
    /// 1-based in the whole plan.
    pub n: usize,
    pub hop: &'a str,
    pub waves: Vec<WaveView<'a>>,
    pub length: Length,
    /// The longest step of each wave, by number.
    pub critical: Vec<usize>,
    /// The first step that cannot be undone.
    pub no_return: Option<usize>,
}

pub(crate) struct Prep<'a> {
    pub window: usize,
    pub hop: &'a str,
    pub items: Vec<Item<'a>>,
    pub length: Length,
}

pub(crate) struct View<'a> {
    pub prep: Vec<Prep<'a>>,
    pub windows: Vec<Window<'a>>,
    pub numbers: BTreeMap<&'a str, usize>,
}

/// A step's own (min, max) minutes, when it has an estimate.
pub(crate) fn span(s: &PlannedStep) -> Option<(u64, u64)> {
    let max = u64::from(s.duration_minutes?);
    let min = s.duration_range.map_or(max, |[a, _]| u64::from(a));
    Some((min.min(max), max))
}

pub(crate) fn view<'a>(plan: &'a Plan, opts: &Options) -> View<'a> {
    let numbers = super::numbers(plan);
    let hops = hop_order(plan);
    let prep_ids = preparation(plan);
    let shown = |s: &PlannedStep| {
        opts.cluster
            .as_deref()
            .is_none_or(|c| s.cluster.as_deref() == Some(c))
            && opts.hop.as_deref().is_none_or(|h| s.hop == h)
    };
    let mut prep = Vec::new();
    let mut windows = Vec::new();
    for (w, hop) in hops.iter().enumerate() {
        if opts.hop.as_deref().is_some_and(|h| h != *hop) {
            continue;
        }
        let of_hop = || {
            plan.steps
                .iter()
                .enumerate()
                .filter(move |(_, s)| s.hop == *hop)
                .filter(|(_, s)| shown(s))
                .map(|(i, s)| (i + 1, s))
        };
        let early: Vec<_> = of_hop().filter(|(_, s)| prep_ids.contains(&s.id)).collect();
        let rest: Vec<_> = of_hop()
            .filter(|(_, s)| !prep_ids.contains(&s.id))
            .collect();
        if !early.is_empty() {
            let items = group(&early);
            let length = items
                .iter()
                .map(item_length)
                .fold(Length::default(), |mut a, b| {
                    a.add(b);
                    a
                });
            prep.push(Prep {
                window: w + 1,
                hop,
                items,
                length,
            });
        }
        windows.push(window(plan, w + 1, hop, &rest));
    }
    View {
        prep,
        windows,
        numbers,
    }
}

/// Hops in the order their steps first appear.
fn hop_order(plan: &Plan) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for s in &plan.steps {
        if !out.contains(&s.hop.as_str()) {
            out.push(&s.hop);
        }
    }
    out
}

/// The steps that belong to the days before a window: `prepare` steps whose
/// predecessors in their hop are all such steps too.
fn preparation(plan: &Plan) -> BTreeSet<String> {
    let hop_of: BTreeMap<&str, &str> = plan
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.hop.as_str()))
        .collect();
    let mut out = BTreeSet::new();
    for s in &plan.steps {
        let early = s.phase.as_deref() == Some(PREPARE)
            && s.after
                .iter()
                .all(|a| hop_of.get(a.as_str()) != Some(&s.hop.as_str()) || out.contains(a));
        if early {
            out.insert(s.id.clone());
        }
    }
    out
}

fn window<'a>(
    plan: &'a Plan,
    n: usize,
    hop: &'a str,
    steps: &[(usize, &'a PlannedStep)],
) -> Window<'a> {
    let mut waves: Vec<WaveView<'a>> = Vec::new();
    let mut i = 0;
    while i < steps.len() {
        let wave = steps[i].1.wave;
        let j = steps[i..]
            .iter()
            .position(|(_, s)| s.wave != wave)
            .map_or(steps.len(), |k| i + k);
        let members = &steps[i..j];
        let limit = members
            .iter()
            .find_map(|(_, s)| s.limit.as_deref())
            .and_then(|id| plan.limits.iter().find(|l| l.id == id));
        waves.push(WaveView {
            n: waves.len() + 1,
            items: group(members),
            checkpoints: Vec::new(),
            limit,
        });
        i = j;
    }
    place_checkpoints(plan, hop, &mut waves);
    let mut length = Length::default();
    let mut critical = Vec::new();
    for wave in &waves {
        let (l, longest) = wave_length(wave);
        length.add(l);
        critical.extend(longest);
    }
    let no_return = steps
        .iter()
        .find(|(_, s)| !s.irreversible.is_empty())
        .map(|(n, _)| *n);
    Window {
        n,
        hop,
        waves,
        length,
        critical,
        no_return,
    }
}

/// Each checkpoint of the hop goes before the first wave holding its step or a later
/// one (its own step may be filtered out).
fn place_checkpoints<'a>(plan: &'a Plan, hop: &str, waves: &mut [WaveView<'a>]) {
    let numbers = super::numbers(plan);
    for cp in plan
        .checkpoints
        .iter()
        .filter(|c| c.hop.as_deref() == Some(hop))
    {
        let at = cp
            .before_step
            .as_deref()
            .and_then(|id| numbers.get(id))
            .copied()
            .unwrap_or(0);
        let target = waves.iter_mut().find(|w| {
            w.items
                .iter()
                .any(|it| it.numbers().iter().any(|&n| n >= at))
        });
        if let Some(w) = target {
            w.checkpoints.push(cp);
        }
    }
}

/// Steps of a wave run side by side: the wave lasts as long as its longest step.
fn wave_length(wave: &WaveView<'_>) -> (Length, Option<usize>) {
    let mut l = Length::default();
    let mut longest: Option<(u64, usize)> = None;
    for item in &wave.items {
        for (n, s) in &item.steps {
            match span(s) {
                Some((min, max)) => {
                    l.min = l.min.max(min);
                    l.max = l.max.max(max);
                    if longest.is_none_or(|(m, _)| max > m) {
                        longest = Some((max, *n));
                    }
                }
                None => l.unknown += 1,
            }
        }
    }
    (l, longest.map(|(_, n)| n))
}

fn item_length(item: &Item<'_>) -> Length {
    let mut l = Length::default();
    for (_, s) in &item.steps {
        match span(s) {
            Some((min, max)) => {
                l.min = l.min.max(min);
                l.max = l.max.max(max);
            }
            None => l.unknown += 1,
        }
    }
    l
}

/// Steps of one wave that differ only in their cluster, grouped (in order of their
/// first member).
fn group<'a>(steps: &[(usize, &'a PlannedStep)]) -> Vec<Item<'a>> {
    let mut items: Vec<(String, Item<'a>)> = Vec::new();
    for &(n, s) in steps {
        let key = shape(s);
        let same = items
            .iter_mut()
            .find(|(k, it)| *k == key && it.first().wave == s.wave && s.cluster.is_some());
        match same {
            Some((_, it)) => it.steps.push((n, s)),
            None => items.push((
                key,
                Item {
                    steps: vec![(n, s)],
                },
            )),
        }
    }
    items.into_iter().map(|(_, it)| it).collect()
}

/// What a step says with its cluster's name taken out.
fn shape(s: &PlannedStep) -> String {
    let name = s.cluster.as_deref().unwrap_or("");
    let mut t = s.clone();
    t.id.clear();
    t.after.clear();
    t.cluster = None;
    let mut text = serde_json::to_string(&t).unwrap_or_default();
    if !name.is_empty() {
        text = without_name(&text, name);
    }
    text
}

/// `text` with every whole-word `name` replaced by `<cluster>`, a code span of its
/// own outside code (a word boundary is anything but a letter, digit, `-`, `_`, `.`).
pub(crate) fn without_name(text: &str, name: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + name.len()..].chars().next();
        out.push_str(&rest[..i]);
        let in_code = out.matches('`').count() % 2 == 1;
        if before.is_some_and(word) || after.is_some_and(word) {
            out.push_str(name);
        } else if in_code {
            out.push_str("<cluster>");
        } else {
            out.push_str("`<cluster>`");
        }
        rest = &rest[i + name.len()..];
    }
    out.push_str(rest);
    out
}

/// `7–26` for consecutive numbers, `3, 5, 9–11` otherwise.
pub(crate) fn ranges(numbers: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < numbers.len() {
        let mut j = i;
        while j + 1 < numbers.len() && numbers[j + 1] == numbers[j] + 1 {
            j += 1;
        }
        parts.push(match j - i {
            0 => numbers[i].to_string(),
            1 => format!("{}, {}", numbers[i], numbers[j]),
            _ => format!("{}–{}", numbers[i], numbers[j]),
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// The clusters `--cluster` leaves, those that change alike in one row (by first
/// appearance): many workload clusters make one line, not forty.
pub(crate) fn cluster_rows<'a>(
    plan: &'a Plan,
    opts: &Options,
) -> Vec<(Vec<&'a str>, &'a PlanCluster)> {
    let mut rows: Vec<(Vec<&'a str>, &'a PlanCluster)> = Vec::new();
    let shown = plan
        .clusters
        .iter()
        .filter(|c| opts.cluster.as_deref().is_none_or(|n| n == c.name));
    for c in shown {
        let alike = |o: &PlanCluster| {
            o.role == c.role && o.changes == c.changes && o.restarts == c.restarts
        };
        match rows.iter_mut().find(|(_, o)| alike(o)) {
            Some((names, _)) => names.push(&c.name),
            None => rows.push((vec![&c.name], c)),
        }
    }
    rows
}

/// Whether `--cluster` and `--hop` leave a finding (one about the whole platform, or
/// of no hop, stays).
pub(crate) fn finding_shown(f: &crate::plan::Finding, opts: &Options) -> bool {
    let cluster = opts.cluster.as_deref();
    let hop = opts.hop.as_deref();
    cluster.is_none_or(|c| f.cluster.as_deref().is_none_or(|x| x == c))
        && hop.is_none_or(|h| f.hop.as_deref().is_none_or(|x| x == h))
}

/// `steps 3 → 5 → 9`, `step 3`.
pub(crate) fn chain(l: super::labels::Labels, numbers: &[usize]) -> String {
    let list: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
    let key = if list.len() == 1 {
        super::labels::Key::StepN
    } else {
        super::labels::Key::StepsN
    };
    l.fill(key, &[&list.join(" → ")])
}

/// The whole plan's length: the windows and the preparation.
pub(crate) fn total(v: &View<'_>) -> Length {
    let mut l = Length::default();
    for w in &v.windows {
        l.add(w.length);
    }
    for p in &v.prep {
        l.add(p.length);
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_like_a_person_writes_them() {
        assert_eq!(ranges(&[7, 8, 9, 10]), "7–10");
        assert_eq!(ranges(&[3, 5, 9, 10, 11]), "3, 5, 9–11");
        assert_eq!(ranges(&[1, 2]), "1, 2");
    }

    #[test]
    fn names_are_replaced_as_whole_words() {
        assert_eq!(
            without_name("edge-1 and edge-10", "edge-1"),
            "`<cluster>` and edge-10"
        );
        assert_eq!(
            without_name("run `ssh edge-1` on edge-1", "edge-1"),
            "run `ssh <cluster>` on `<cluster>`"
        );
    }
}
