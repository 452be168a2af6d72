//! The plan for people on a terminal.

use std::collections::BTreeMap;
use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use super::{
    HopGroup, blocking, count, duration, findings_by_severity, groups, hop_label, numbers,
    path_label, step_ref, total_duration,
};
use crate::plan::{Finding, Plan, PlannedStep};

/// Renders `plan` for a terminal; ANSI colour only when `colour`.
pub fn text(plan: &Plan, colour: bool) -> String {
    let plan = &super::printable(plan);
    let r = Text {
        plan,
        paint: Paint(colour),
        numbers: numbers(plan),
    };
    let mut out = String::new();
    r.header(&mut out);
    r.findings(&mut out);
    r.steps(&mut out);
    r.footer(&mut out);
    out
}

/// Applies a style only when colour is on.
struct Paint(bool);

impl Paint {
    fn on(&self, text: &str, style: Style) -> String {
        if self.0 {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    fn bold(&self, text: &str) -> String {
        self.on(text, Style::new().bold())
    }

    fn dim(&self, text: &str) -> String {
        self.on(text, Style::new().dimmed())
    }

    fn severity(&self, severity: &str) -> String {
        let style = match severity {
            "block" => Style::new().red().bold(),
            "fix" => Style::new().yellow(),
            "warn" => Style::new().magenta(),
            _ => Style::new().cyan(),
        };
        self.on(severity, style)
    }
}

struct Text<'a> {
    plan: &'a Plan,
    paint: Paint,
    numbers: BTreeMap<&'a str, usize>,
}

impl Text<'_> {
    fn header(&self, out: &mut String) {
        let p = self.plan;
        let status = if p.is_ready() {
            self.paint.on("READY", Style::new().green().bold())
        } else {
            self.paint
                .on("BLOCKED — NOT EXECUTABLE", Style::new().red().bold())
        };
        let _ = writeln!(
            out,
            "{}  {} → {}   {status}",
            self.paint.bold("Upgrade plan"),
            p.from,
            p.to
        );
        if let Some(m) = &p.inventory_meta {
            if let Some(c) = &m.customer {
                let _ = writeln!(out, "customer      {c}");
            }
            if let Some(at) = &m.collected_at {
                let _ = writeln!(out, "facts of      {at}");
            }
        }
        let _ = writeln!(out, "path          {}", path_label(p));
        let manual = p.steps.iter().filter(|s| s.manual).count();
        let _ = writeln!(
            out,
            "steps         {} ({manual} manual), estimated {}",
            p.steps.len(),
            self.total()
        );
        let _ = writeln!(out, "findings      {}", self.finding_counts());
        if !p.is_ready() {
            out.push('\n');
            let _ = writeln!(
                out,
                "{}",
                self.paint.on(
                    &format!(
                        "!! This plan is NOT EXECUTABLE: {} must be resolved first.",
                        count(blocking(p), "blocking finding")
                    ),
                    Style::new().red().bold()
                )
            );
            let _ = writeln!(out, "   The steps below are shown for reference only.");
        }
    }

    fn finding_counts(&self) -> String {
        let groups = findings_by_severity(self.plan);
        if groups.is_empty() {
            return "none".to_string();
        }
        groups
            .iter()
            .map(|(sev, list)| format!("{} {}", list.len(), self.paint.severity(sev)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn total(&self) -> String {
        let (minutes, unknown) = total_duration(self.plan);
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

    fn findings(&self, out: &mut String) {
        let _ = writeln!(out, "\n{}", self.paint.bold("Findings"));
        let groups = findings_by_severity(self.plan);
        if groups.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for (severity, list) in groups {
            let _ = writeln!(out, "  {}", self.paint.severity(severity));
            for f in list {
                self.finding(out, f);
            }
        }
    }

    fn finding(&self, out: &mut String, f: &Finding) {
        let cluster = f.cluster.as_deref().unwrap_or("platform");
        let hop = f
            .hop
            .as_deref()
            .map(|h| self.paint.dim(&format!("  (hop {})", hop_label(h))))
            .unwrap_or_default();
        let _ = writeln!(out, "    • {}  {cluster}{hop}", self.paint.bold(&f.rule));
        for line in f.message.lines() {
            let _ = writeln!(out, "      {line}");
        }
        if !f.source.is_empty() {
            let _ = writeln!(out, "      {} {}", self.paint.dim("source:  "), f.source);
        }
        if let Some(step) = &f.fixed_by {
            let _ = writeln!(
                out,
                "      {} {}",
                self.paint.dim("fixed by:"),
                self.step_title(step)
            );
        }
    }

    /// `step 3 — Upgrade Kubernetes on biz-1 to 1.28`.
    fn step_title(&self, id: &str) -> String {
        let title = self
            .plan
            .steps
            .iter()
            .find(|s| s.id == id)
            .map(|s| format!(" — {}", s.title));
        format!(
            "{}{}",
            step_ref(&self.numbers, id),
            title.unwrap_or_default()
        )
    }

    fn steps(&self, out: &mut String) {
        let heading = if self.plan.is_ready() {
            "Steps".to_string()
        } else {
            "Steps (NOT EXECUTABLE — for reference)".to_string()
        };
        let _ = writeln!(out, "\n{}", self.paint.bold(&heading));
        if self.plan.steps.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for group in groups(self.plan) {
            self.hop(out, &group);
        }
    }

    fn hop(&self, out: &mut String, group: &HopGroup<'_>) {
        let title = format!("hop {}", hop_label(group.hop));
        let _ = writeln!(
            out,
            "  {}",
            self.paint.on(&title, Style::new().blue().bold())
        );
        for wave in &group.waves {
            let _ = writeln!(
                out,
                "    {}",
                self.paint.bold(&format!("wave {}", wave.wave))
            );
            for (n, step) in &wave.steps {
                self.step(out, *n, step);
            }
        }
    }

    fn step(&self, out: &mut String, n: usize, s: &PlannedStep) {
        let cluster = s.cluster.as_deref().unwrap_or("platform");
        let mode = if s.manual {
            self.paint.on("manual", Style::new().yellow())
        } else {
            "auto".to_string()
        };
        let time = s
            .duration_minutes
            .map_or("?".to_string(), |m| duration(m.into()));
        let _ = writeln!(
            out,
            "      {n:>2}. {}   {}",
            self.paint.bold(&s.title),
            self.paint.dim(&format!("[{cluster} · {mode} · {time}]"))
        );
        let pad = "          ";
        for command in &s.commands {
            for (i, line) in command.lines().enumerate() {
                let prompt = if i == 0 { "$" } else { " " };
                let _ = writeln!(out, "{pad}{} {line}", self.paint.dim(prompt));
            }
        }
        for note in &s.notes {
            let _ = writeln!(out, "{pad}note: {note}");
        }
        if !s.after.is_empty() {
            let after: Vec<String> = s.after.iter().map(|a| self.after_ref(a)).collect();
            let _ = writeln!(
                out,
                "{pad}{} {}",
                self.paint.dim("after:"),
                after.join(", ")
            );
        }
        if let Some(rule) = &s.rule {
            let _ = writeln!(out, "{pad}{} {rule}", self.paint.dim("added by"));
        }
    }

    /// `3` for a step of the plan, the raw id otherwise.
    fn after_ref(&self, id: &str) -> String {
        match self.numbers.get(id) {
            Some(n) => n.to_string(),
            None => format!("{id} (not in the plan)"),
        }
    }

    fn footer(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "\n{} {}",
            self.paint.bold("Total estimated duration:"),
            self.total()
        );
        if !self.plan.is_ready() {
            let _ = writeln!(
                out,
                "{}",
                self.paint.on(
                    "NOT EXECUTABLE: resolve the blocking findings above.",
                    Style::new().red().bold()
                )
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    #[test]
    fn ready_plan() {
        insta::assert_snapshot!(text(&fixtures::ready(), false));
    }

    #[test]
    fn blocked_plan_is_marked_not_executable() {
        let out = text(&fixtures::blocked(), false);
        assert!(out.contains("NOT EXECUTABLE"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn empty_plan() {
        insta::assert_snapshot!(text(&fixtures::empty(), false));
    }

    #[test]
    fn colour_only_when_asked() {
        let plan = fixtures::blocked();
        assert!(!text(&plan, false).contains('\u{1b}'));
        assert!(text(&plan, true).contains('\u{1b}'));
    }
}
