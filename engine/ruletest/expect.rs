//! Judging a test's expectations against its plan (`uplan.plan/v1`, as tools see it).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::model::ruletest::{ArgLit, ExpectKind, Expectation, HopName, StepPattern};
use crate::model::{Rulebook, Severity, Version};
use crate::plan::{Finding, Plan, PlannedStep};

/// An expectation that does not hold: what it wanted and what the plan has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Miss {
    pub expected: String,
    pub actual: String,
}

/// How many items a message lists before "and N more".
const SHOWN: usize = 6;

pub fn judge(rb: &Rulebook, plan: &Plan, e: &Expectation) -> Option<Miss> {
    match &e.kind {
        ExpectKind::Status(ready) => status(plan, *ready),
        ExpectKind::Finding {
            negated,
            rule,
            severity,
            cluster,
        } => finding(plan, *negated, rule, *severity, cluster.as_deref()),
        ExpectKind::Step {
            negated,
            pattern,
            cluster,
            hop,
        } => step(
            rb,
            plan,
            *negated,
            pattern,
            cluster.as_deref(),
            hop.as_ref(),
        ),
        ExpectKind::Before { first, then, hop } => before(rb, plan, first, then, hop.as_ref()),
        ExpectKind::AtMost { max, step } => at_most(plan, *max, &rb.steps[*step as usize].name),
    }
}

fn status(plan: &Plan, ready: bool) -> Option<Miss> {
    if plan.is_ready() == ready {
        return None;
    }
    let word = |r: bool| if r { "ready" } else { "blocked" };
    let blocks: Vec<String> = plan
        .findings
        .iter()
        .filter(|f| f.severity == "block")
        .map(describe_finding)
        .collect();
    let actual = if blocks.is_empty() {
        word(!ready).to_string()
    } else {
        format!("blocked by {}", list(&blocks))
    };
    Some(Miss {
        expected: word(ready).into(),
        actual,
    })
}

fn finding(
    plan: &Plan,
    negated: bool,
    rule: &str,
    severity: Option<Severity>,
    cluster: Option<&str>,
) -> Option<Miss> {
    let of_rule: Vec<&Finding> = plan.findings.iter().filter(|f| f.rule == rule).collect();
    let hits = of_rule
        .iter()
        .filter(|f| severity.is_none_or(|s| f.severity == s.as_str()))
        .filter(|f| cluster.is_none_or(|c| f.cluster.as_deref() == Some(c)))
        .count();
    if (hits > 0) != negated {
        return None;
    }
    let mut wanted = format!("finding `{rule}`");
    if let Some(s) = severity {
        wanted.push_str(&format!(" ({})", s.as_str()));
    }
    if let Some(c) = cluster {
        wanted.push_str(&format!(" on `{c}`"));
    }
    let shown: Vec<String> = of_rule.iter().map(|f| describe_finding(f)).collect();
    let actual = match (shown.is_empty(), negated) {
        (true, _) => {
            let others: Vec<String> = plan
                .findings
                .iter()
                .map(|f| format!("`{}`", f.rule))
                .collect();
            format!("no finding of `{rule}`; the findings are {}", list(&others))
        }
        (false, _) => list(&shown),
    };
    let expected = if negated {
        format!("no {wanted}")
    } else {
        wanted
    };
    Some(Miss { expected, actual })
}

fn describe_finding(f: &Finding) -> String {
    match &f.cluster {
        Some(c) => format!("`{}` ({}) on `{c}`", f.rule, f.severity),
        None => format!("`{}` ({})", f.rule, f.severity),
    }
}

fn step(
    rb: &Rulebook,
    plan: &Plan,
    negated: bool,
    pattern: &StepPattern,
    cluster: Option<&str>,
    hop: Option<&HopName>,
) -> Option<Miss> {
    let name = &rb.steps[pattern.step as usize].name;
    let hits = plan
        .steps
        .iter()
        .filter(|s| matches(s, name, pattern))
        .filter(|s| cluster.is_none_or(|c| s.cluster.as_deref() == Some(c)))
        .filter(|s| hop.is_none_or(|h| s.hop == h.0))
        .count();
    if (hits > 0) != negated {
        return None;
    }
    let mut wanted = format!("step `{}`", pattern.text);
    if let Some(c) = cluster {
        wanted.push_str(&format!(" on `{c}`"));
    }
    if let Some(h) = hop {
        wanted.push_str(&format!(" in {}", h.0));
    }
    let same: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.action == *name)
        .map(|s| format!("`{}`", s.id))
        .collect();
    let actual = if same.is_empty() {
        format!("no `{name}` step in the plan ({} steps)", plan.steps.len())
    } else {
        list(&same)
    };
    let expected = if negated {
        format!("no {wanted}")
    } else {
        wanted
    };
    Some(Miss { expected, actual })
}

/// Whether a planned step is `name` with arguments matching the pattern's.
fn matches(s: &PlannedStep, name: &str, pattern: &StepPattern) -> bool {
    if s.action != name {
        return false;
    }
    let args = step_args(&s.id);
    args.len() == pattern.args.len()
        && pattern
            .args
            .iter()
            .zip(&args)
            .all(|(want, got)| want.as_ref().is_none_or(|w| arg_matches(w, got)))
}

/// The arguments of a step id `3.16->4.0:upgrade-kubernetes(biz-1,1.29)`; quoted
/// arguments (a value with a comma or a space) are unquoted.
pub fn step_args(id: &str) -> Vec<String> {
    let Some(open) = id.find('(') else {
        return Vec::new();
    };
    let inner = id[open + 1..].strip_suffix(')').unwrap_or(&id[open + 1..]);
    if inner.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => cur.extend(chars.next()),
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn arg_matches(want: &ArgLit, got: &str) -> bool {
    match want {
        ArgLit::Text(t) => t.eq_ignore_ascii_case(got),
        ArgLit::Int(i) => got.parse::<i64>().is_ok_and(|g| g == *i),
        ArgLit::Version(v) => Version::parse(got).is_ok_and(|g| g.compare(v).is_eq()),
    }
}

/// Every step matching `then` waits (through `after`, transitively) for every step
/// matching `first` in its hop; some hop (the named one) plans both.
fn before(
    rb: &Rulebook,
    plan: &Plan,
    first: &StepPattern,
    then: &StepPattern,
    hop: Option<&HopName>,
) -> Option<Miss> {
    let expected = format!("step `{}` before step `{}`", first.text, then.text);
    let (fname, tname) = (
        &rb.steps[first.step as usize].name,
        &rb.steps[then.step as usize].name,
    );
    let index: HashMap<&str, usize> = plan
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let in_hop = |s: &PlannedStep| hop.is_none_or(|h| s.hop == h.0);
    let firsts: Vec<usize> = (0..plan.steps.len())
        .filter(|&i| in_hop(&plan.steps[i]) && matches(&plan.steps[i], fname, first))
        .collect();
    let thens: Vec<usize> = (0..plan.steps.len())
        .filter(|&i| in_hop(&plan.steps[i]) && matches(&plan.steps[i], tname, then))
        .collect();
    let mut paired = false;
    for &t in &thens {
        let waits = ancestors(plan, &index, t);
        for &f in firsts
            .iter()
            .filter(|&&f| plan.steps[f].hop == plan.steps[t].hop)
        {
            paired = true;
            if !waits.contains(&f) {
                let actual = format!(
                    "`{}` does not wait for `{}`",
                    plan.steps[t].id, plan.steps[f].id
                );
                return Some(Miss { expected, actual });
            }
        }
    }
    if paired {
        return None;
    }
    let actual = format!(
        "no hop plans both ({} `{fname}` and {} `{tname}` steps match)",
        firsts.len(),
        thens.len()
    );
    Some(Miss { expected, actual })
}

/// The steps `t` waits for, directly or through others.
fn ancestors(plan: &Plan, index: &HashMap<&str, usize>, t: usize) -> HashSet<usize> {
    let mut seen = HashSet::default();
    let mut todo = vec![t];
    while let Some(i) = todo.pop() {
        for a in &plan.steps[i].after {
            if let Some(&j) = index.get(a.as_str())
                && seen.insert(j)
            {
                todo.push(j);
            }
        }
    }
    seen
}

/// The largest wave of `name` steps is at most `max` (and some are planned).
fn at_most(plan: &Plan, max: u32, name: &str) -> Option<Miss> {
    let mut per_wave: HashMap<u32, u32> = HashMap::default();
    for s in plan.steps.iter().filter(|s| s.action == name) {
        *per_wave.entry(s.wave).or_default() += 1;
    }
    let largest = per_wave
        .iter()
        .max_by_key(|(w, n)| (**n, std::cmp::Reverse(**w)));
    let expected = format!("at most {max} `{name}` at once");
    match largest {
        None => Some(Miss {
            expected,
            actual: format!("no `{name}` step in the plan"),
        }),
        Some((w, n)) if *n > max => Some(Miss {
            expected,
            actual: format!("{n} in wave {w}"),
        }),
        Some(_) => None,
    }
}

/// `a, b, c and 3 more`.
fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    let mut out = items[..items.len().min(SHOWN)].join(", ");
    if items.len() > SHOWN {
        out.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_ids_give_their_arguments() {
        assert_eq!(
            step_args("3.16->4.0:upgrade-kubernetes(biz-1,1.29)"),
            ["biz-1", "1.29"]
        );
        assert_eq!(
            step_args("4.2->4.3:download-packages()"),
            Vec::<String>::new()
        );
        assert_eq!(step_args(r#"4.2->4.3:x("a,b",c)"#), ["a,b", "c"]);
    }

    #[test]
    fn versions_match_at_the_shorter_precision_and_names_without_case() {
        let v = |s| ArgLit::Version(Version::parse(s).unwrap_or_else(|_| unreachable!()));
        assert!(arg_matches(&v("1.29"), "1.29.0"));
        assert!(!arg_matches(&v("1.29"), "1.30"));
        assert!(arg_matches(&ArgLit::Text("Global".into()), "global"));
        assert!(!arg_matches(&ArgLit::Int(3), "4"));
    }
}
