//! The plan as a Markdown runbook: a checkbox per step, commands in `bash` fences.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{
    HopGroup, blocking, count, duration, findings_by_severity, groups, hop_label, numbers,
    path_label, step_ref, total_duration,
};
use crate::plan::{Finding, Plan, PlannedStep};

/// Renders `plan` as a Markdown runbook.
pub fn markdown(plan: &Plan) -> String {
    let plan = &super::printable(plan);
    let numbers = numbers(plan);
    let mut out = String::new();
    header(&mut out, plan);
    findings(&mut out, plan, &numbers);
    for group in groups(plan) {
        hop(&mut out, &group, &numbers);
    }
    if plan.steps.is_empty() {
        out.push_str("## Steps\n\nNothing to do.\n\n");
    }
    footer(&mut out, plan);
    out
}

fn header(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "# Upgrade plan: {} → {}\n", plan.from, plan.to);
    let status = if plan.is_ready() {
        "**ready**"
    } else {
        "**blocked — NOT EXECUTABLE**"
    };
    let manual = plan.steps.iter().filter(|s| s.manual).count();
    let _ = writeln!(out, "| | |\n| --- | --- |");
    let _ = writeln!(out, "| status | {status} |");
    if let Some(m) = &plan.inventory_meta {
        if let Some(c) = &m.customer {
            let _ = writeln!(out, "| customer | {} |", cell(c));
        }
        if let Some(at) = &m.collected_at {
            let _ = writeln!(out, "| facts of | {} |", cell(at));
        }
    }
    let _ = writeln!(out, "| path | {} |", cell(&path_label(plan)));
    let _ = writeln!(out, "| steps | {} ({manual} manual) |", plan.steps.len());
    let _ = writeln!(out, "| estimated duration | {} |", total(plan));
    out.push('\n');
    if !plan.is_ready() {
        let _ = writeln!(
            out,
            "> **NOT EXECUTABLE.** {} must be resolved before this plan can run; \
             the steps below are shown for reference only.\n",
            count(blocking(plan), "blocking finding")
        );
    }
}

fn total(plan: &Plan) -> String {
    let (minutes, unknown) = total_duration(plan);
    if unknown == 0 {
        duration(minutes)
    } else {
        format!(
            "{} (+ {} without an estimate)",
            duration(minutes),
            count(unknown, "step")
        )
    }
}

fn findings(out: &mut String, plan: &Plan, numbers: &BTreeMap<&str, usize>) {
    out.push_str("## Findings\n\n");
    if plan.findings.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    out.push_str("| severity | rule | hop | cluster | message | source | fixed by |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (_, list) in findings_by_severity(plan) {
        for f in list {
            finding_row(out, f, numbers);
        }
    }
    out.push('\n');
}

fn finding_row(out: &mut String, f: &Finding, numbers: &BTreeMap<&str, usize>) {
    let severity = if f.severity == "block" {
        "**block**".to_string()
    } else {
        cell(&f.severity)
    };
    let fixed_by = f
        .fixed_by
        .as_deref()
        .map_or("—".to_string(), |id| cell(&step_ref(numbers, id)));
    let _ = writeln!(
        out,
        "| {severity} | {} | {} | {} | {} | {} | {fixed_by} |",
        code(&f.rule),
        cell(&f.hop.as_deref().map_or("—".to_string(), hop_label)),
        cell(f.cluster.as_deref().unwrap_or("—")),
        cell(&f.message),
        cell(&f.source),
    );
}

fn hop(out: &mut String, group: &HopGroup<'_>, numbers: &BTreeMap<&str, usize>) {
    let _ = writeln!(out, "## Hop {}\n", inline(&hop_label(group.hop)));
    for wave in &group.waves {
        let _ = writeln!(out, "### Wave {}\n", wave.wave);
        for (n, step) in &wave.steps {
            step_item(out, *n, step, numbers);
        }
    }
}

fn step_item(out: &mut String, n: usize, s: &PlannedStep, numbers: &BTreeMap<&str, usize>) {
    let cluster = s.cluster.as_deref().map_or("platform".to_string(), code);
    let mode = if s.manual { "manual" } else { "automatic" };
    let time = s
        .duration_minutes
        .map_or("no estimate".to_string(), |m| duration(m.into()));
    let _ = writeln!(
        out,
        "- [ ] **{n}. {}** · {cluster} · {mode} · {time}",
        inline(&s.title),
    );
    let _ = writeln!(out, "  - id: {}", code(&s.id));
    if let Some(rule) = &s.rule {
        let _ = writeln!(out, "  - added by {}", code(rule));
    }
    if !s.after.is_empty() {
        let after: Vec<String> = s.after.iter().map(|a| step_ref(numbers, a)).collect();
        let _ = writeln!(out, "  - after: {}", inline(&after.join(", ")));
    }
    for note in &s.notes {
        let _ = writeln!(out, "  - note: {}", inline(note));
    }
    if !s.commands.is_empty() {
        commands(out, &s.commands);
    }
    out.push('\n');
}

/// The step's commands in one `bash` fence, indented into the list item; the fence is
/// longer than any run of backticks in the commands.
fn commands(out: &mut String, commands: &[String]) {
    let longest = commands
        .iter()
        .map(|c| longest_run(c, '`'))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "\n  {fence}bash");
    for command in commands {
        for line in command.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
    let _ = writeln!(out, "  {fence}");
}

fn footer(out: &mut String, plan: &Plan) {
    let _ = writeln!(out, "---\n\n**Total estimated duration:** {}", total(plan));
    if !plan.is_ready() {
        out.push_str("\n**NOT EXECUTABLE:** resolve the blocking findings first.\n");
    }
}

fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Inline code that survives backticks in its content.
pub(super) fn code(text: &str) -> String {
    let ticks = "`".repeat(longest_run(text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Text with Markdown's inline punctuation escaped, on one line.
pub(super) fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// Text for a table cell: escaped, line breaks as `<br>`.
fn cell(text: &str) -> String {
    text.lines().map(inline).collect::<Vec<_>>().join("<br>")
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    #[test]
    fn ready_plan() {
        insta::assert_snapshot!(markdown(&fixtures::ready()));
    }

    #[test]
    fn blocked_plan() {
        let out = markdown(&fixtures::blocked());
        assert!(out.contains("NOT EXECUTABLE"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn empty_plan() {
        insta::assert_snapshot!(markdown(&fixtures::empty()));
    }

    #[test]
    fn fences_outgrow_backticks() {
        let mut out = String::new();
        commands(&mut out, &["echo '```'".to_string()]);
        assert!(out.contains("````bash"), "{out}");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(cell("a | b\nc"), "a \\| b<br>c");
    }
}
