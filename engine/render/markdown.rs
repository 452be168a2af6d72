//! The plan as a Markdown runbook for the customer: a summary, the clusters, the
//! findings, the preparation, one section per maintenance window (waves, checkpoints,
//! a checkbox per step, commands in `bash` fences), and the checks after the upgrade.
//!
//! Headings are a contract with the HTML report: every `##` is a collapsible section,
//! every `###` inside a window a nested one. Copy-safe: commands, flags, paths and
//! names are code (no renderer "smartens" code), and a `--` outside code is escaped.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::labels::{Key, Labels};
use super::runbook::{self, Item, View, Window};
use super::{Options, blocking, count, findings_by_severity, hop_label, path_label};
use crate::plan::{Checkpoint, Finding, Plan, PlannedStep};

/// Renders `plan` as a Markdown runbook.
pub fn markdown(plan: &Plan, opts: &Options) -> String {
    let plan = &super::printable(plan);
    let view = runbook::view(plan, opts);
    let md = Md {
        plan,
        l: Labels(opts.lang),
        verbose: opts.verbose,
        numbers: &view.numbers,
    };
    let mut out = String::new();
    md.summary(&mut out, &view);
    md.clusters(&mut out, opts);
    md.findings(&mut out, opts);
    md.preparation(&mut out, &view);
    for w in &view.windows {
        md.window(&mut out, w);
    }
    if plan.steps.is_empty() {
        let _ = writeln!(
            out,
            "## {}\n\n{}\n",
            md.l.get(Key::Steps),
            md.l.get(Key::NothingToDo)
        );
    }
    md.after(&mut out);
    md.footer(&mut out, &view);
    out
}

struct Md<'a> {
    plan: &'a Plan,
    l: Labels,
    verbose: bool,
    numbers: &'a BTreeMap<&'a str, usize>,
}

impl Md<'_> {
    fn summary(&self, out: &mut String, view: &View<'_>) {
        let (p, l) = (self.plan, self.l);
        let _ = writeln!(
            out,
            "# {}\n",
            inline(&l.fill(Key::Title, &[&p.from, &p.to]))
        );
        let _ = writeln!(out, "## {}\n", l.get(Key::Summary));
        let status = if p.is_ready() {
            format!("**{}**", l.get(Key::Ready))
        } else {
            format!("**{}**", l.get(Key::Blocked))
        };
        let _ = writeln!(out, "| | |\n| --- | --- |");
        let _ = writeln!(out, "| {} | {status} |", l.get(Key::Status));
        if let Some(m) = &p.inventory_meta {
            if let Some(c) = &m.customer {
                let _ = writeln!(out, "| {} | {} |", l.get(Key::Customer), cell(c));
            }
            if let Some(at) = &m.collected_at {
                let _ = writeln!(out, "| {} | {} |", l.get(Key::FactsOf), cell(at));
            }
        }
        let path = if p.path.is_empty() {
            l.get(Key::NoPath).to_string()
        } else {
            path_label(p)
        };
        let _ = writeln!(out, "| {} | {} |", l.get(Key::Path), cell(&path));
        let manual = p.steps.iter().filter(|s| s.manual).count();
        let steps = l.fill(
            Key::StepsCount,
            &[&p.steps.len().to_string(), &manual.to_string()],
        );
        let _ = writeln!(out, "| {} | {} |", l.get(Key::Steps), cell(&steps));
        for prep in &view.prep {
            let what = l.fill(
                Key::BeforeWindow,
                &[&prep.window.to_string(), &hop_label(prep.hop)],
            );
            let _ = writeln!(
                out,
                "| {} | {} |",
                l.get(Key::Preparation),
                cell(&format!("{what}: {}", prep.length.label(self.l)))
            );
        }
        for w in &view.windows {
            let name = l.fill(Key::WindowOf, &[&w.n.to_string(), &hop_label(w.hop)]);
            let _ = writeln!(out, "| {} | {} |", cell(&name), w.length.label(self.l));
        }
        out.push('\n');
        if !p.is_ready() {
            let n = count(blocking(p), "");
            let banner = l.fill(Key::NotExecutableBanner, &[n.trim()]);
            let _ = writeln!(
                out,
                "> **{}.** {}\n",
                l.get(Key::NotExecutable),
                inline(&banner)
            );
        }
    }

    fn clusters(&self, out: &mut String, opts: &Options) {
        let (p, l) = (self.plan, self.l);
        let rows = runbook::cluster_rows(p, opts);
        if rows.is_empty() {
            return;
        }
        let mut facts: Vec<&str> = Vec::new();
        for (_, c) in &rows {
            for ch in &c.changes {
                if !facts.contains(&ch.fact.as_str()) {
                    facts.push(&ch.fact);
                }
            }
        }
        let _ = writeln!(out, "## {}\n", l.get(Key::Clusters));
        let header: Vec<String> = facts.iter().map(|f| self.fact_label(f)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            l.get(Key::Cluster),
            l.get(Key::Role),
            header.join(" | "),
            l.get(Key::Restarts)
        );
        let _ = writeln!(out, "|{}", " --- |".repeat(facts.len() + 3));
        for (names, c) in rows {
            let cols: Vec<String> = facts
                .iter()
                .map(|f| match c.changes.iter().find(|ch| ch.fact == *f) {
                    Some(ch) => {
                        let from = ch.from.clone().unwrap_or_else(|| self.plan.from.clone());
                        cell(&format!("{from} → {}", ch.to))
                    }
                    None => "—".into(),
                })
                .collect();
            let restarts = if c.restarts.is_empty() {
                l.get(Key::Nothing).to_string()
            } else {
                cell(&c.restarts.join(", "))
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {restarts} |",
                names.iter().map(|n| code(n)).collect::<Vec<_>>().join(", "),
                cell(c.role.as_deref().unwrap_or("—")),
                cols.join(" | "),
            );
        }
        out.push('\n');
    }

    /// `version` is the platform's own version; other facts keep their names.
    fn fact_label(&self, fact: &str) -> String {
        if fact == "version" {
            self.l.get(Key::PlatformVersion).to_string()
        } else {
            cell(fact)
        }
    }

    fn findings(&self, out: &mut String, opts: &Options) {
        let l = self.l;
        let _ = writeln!(out, "## {}\n", l.get(Key::Findings));
        if !self
            .plan
            .findings
            .iter()
            .any(|f| runbook::finding_shown(f, opts))
        {
            let _ = writeln!(out, "{}\n", l.get(Key::NoneFound));
            return;
        }
        let rule = if self.verbose {
            format!(" {} |", l.get(Key::Rule))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} |{rule} {} | {} | {} | {} | {} |",
            l.get(Key::Severity),
            l.get(Key::Hop),
            l.get(Key::Cluster),
            l.get(Key::Message),
            l.get(Key::Source),
            l.get(Key::FixedBy)
        );
        let cols = if self.verbose { 7 } else { 6 };
        let _ = writeln!(out, "|{}", " --- |".repeat(cols));
        for (_, list) in findings_by_severity(self.plan) {
            for f in list.into_iter().filter(|f| runbook::finding_shown(f, opts)) {
                self.finding_row(out, f);
            }
        }
        out.push('\n');
    }

    fn finding_row(&self, out: &mut String, f: &Finding) {
        let severity = if f.severity == "block" {
            "**block**".to_string()
        } else {
            cell(&f.severity)
        };
        let fixed_by = f
            .fixed_by
            .as_deref()
            .map_or("—".to_string(), |id| cell(&self.step_ref(id)));
        let rule = if self.verbose {
            format!(" {} |", code(&f.rule))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {severity} |{rule} {} | {} | {} | {} | {fixed_by} |",
            cell(&f.hop.as_deref().map_or("—".to_string(), hop_label)),
            f.cluster.as_deref().map_or("—".to_string(), code),
            prose(&f.message),
            cell(&f.source),
        );
    }

    fn step_ref(&self, id: &str) -> String {
        match self.numbers.get(id) {
            Some(n) => self.l.fill(Key::StepN, &[&n.to_string()]),
            None => format!("`{id}` {}", self.l.get(Key::NotInPlan)),
        }
    }

    fn preparation(&self, out: &mut String, view: &View<'_>) {
        if view.prep.is_empty() {
            return;
        }
        let l = self.l;
        let _ = writeln!(
            out,
            "## {}\n\n{}\n",
            l.get(Key::Preparation),
            l.get(Key::PreparationIntro)
        );
        let several = view.prep.len() > 1 || view.windows.len() > 1;
        for prep in &view.prep {
            if several {
                let what = l.fill(
                    Key::BeforeWindow,
                    &[&prep.window.to_string(), &hop_label(prep.hop)],
                );
                let _ = writeln!(out, "### {}\n", inline(&what));
            }
            for item in &prep.items {
                self.item(out, item, None);
            }
        }
    }

    fn window(&self, out: &mut String, w: &Window<'_>) {
        let l = self.l;
        let title = l.fill(Key::Window, &[&w.n.to_string(), &hop_label(w.hop)]);
        let _ = writeln!(out, "## {}\n", inline(&title));
        let _ = writeln!(
            out,
            "- **{}:** {}",
            l.get(Key::Length),
            w.length.label(self.l)
        );
        if !w.critical.is_empty() {
            let _ = writeln!(
                out,
                "- **{}:** {}",
                l.get(Key::CriticalPath),
                runbook::chain(l, &w.critical)
            );
        }
        let no_return = match w.no_return {
            Some(n) => format!(
                "{} — {}",
                l.fill(Key::StepN, &[&n.to_string()]),
                l.get(Key::PointOfNoReturnNote)
            ),
            None => l.get(Key::NoPointOfNoReturn).to_string(),
        };
        let _ = writeln!(
            out,
            "- **{}:** {}\n",
            l.get(Key::PointOfNoReturn),
            no_return
        );
        for wave in &w.waves {
            for cp in &wave.checkpoints {
                self.checkpoint(out, cp, "###");
            }
            let _ = writeln!(out, "### {}\n", l.fill(Key::Wave, &[&wave.n.to_string()]));
            if let Some(limit) = wave.limit {
                let text = l.fill(
                    Key::AtMostAtOnce,
                    &[&limit.at_once.to_string(), &limit.source],
                );
                let _ = writeln!(out, "{}\n", inline(&text));
            }
            for item in &wave.items {
                self.item(out, item, w.no_return);
            }
        }
    }

    fn checkpoint(&self, out: &mut String, cp: &Checkpoint, level: &str) {
        let l = self.l;
        let _ = writeln!(
            out,
            "{level} {}\n",
            inline(&l.fill(Key::Checkpoint, &[&cp.title]))
        );
        let _ = writeln!(out, "{}\n", l.get(Key::GoOnWhen));
        for c in &cp.checks {
            let _ = writeln!(out, "- [ ] {}", prose(c));
        }
        if !cp.commands.is_empty() {
            out.push('\n');
            commands(out, &cp.commands, "");
        }
        let _ = writeln!(out, "\n*{}: {}*\n", l.get(Key::Source), inline(&cp.source));
    }

    fn after(&self, out: &mut String) {
        if self.plan.post_checks.is_empty() {
            return;
        }
        let _ = writeln!(out, "## {}\n", self.l.get(Key::AfterUpgrade));
        for cp in &self.plan.post_checks {
            for c in &cp.checks {
                let _ = writeln!(out, "- [ ] {}", prose(c));
            }
            if !cp.commands.is_empty() {
                out.push('\n');
                commands(out, &cp.commands, "");
            }
            let _ = writeln!(
                out,
                "\n*{}: {}*\n",
                self.l.get(Key::Source),
                inline(&cp.source)
            );
        }
    }

    fn item(&self, out: &mut String, item: &Item<'_>, no_return: Option<usize>) {
        let s = item.first();
        let numbers = item.numbers();
        let l = self.l;
        let mode = if s.manual {
            l.get(Key::Manual)
        } else {
            l.get(Key::Automatic)
        };
        let time = self.step_time(s);
        if item.is_group() {
            let name = s.cluster.as_deref().unwrap_or("");
            let title = runbook::without_name(&s.title, name);
            let n = l.fill(Key::NClusters, &[&numbers.len().to_string()]);
            let _ = writeln!(
                out,
                "- [ ] **{}. {}** · {n} · {mode} · {time}",
                runbook::ranges(&numbers),
                prose(&title)
            );
            let names: Vec<String> = item
                .steps
                .iter()
                .filter_map(|(_, s)| s.cluster.as_deref())
                .map(code)
                .collect();
            let _ = writeln!(out, "  - {}: {}", l.get(Key::ClusterList), names.join(", "));
        } else {
            let cluster = s
                .cluster
                .as_deref()
                .map_or(l.get(Key::Platform).to_string(), code);
            let _ = writeln!(
                out,
                "- [ ] **{}. {}** · {cluster} · {mode} · {time}",
                numbers[0],
                prose(&s.title)
            );
        }
        if no_return.is_some_and(|n| numbers.contains(&n)) {
            let _ = writeln!(
                out,
                "  - **{}:** {}",
                l.get(Key::PointOfNoReturn),
                l.get(Key::PointOfNoReturnNote)
            );
        }
        self.details(out, item);
        let cmds: Vec<String> = if item.is_group() {
            item.steps
                .iter()
                .flat_map(|(_, s)| {
                    let head = s.cluster.as_deref().map(|c| format!("# {c}"));
                    head.into_iter().chain(s.commands.iter().cloned())
                })
                .collect()
        } else {
            s.commands.clone()
        };
        if !s.commands.is_empty() {
            out.push('\n');
            commands(out, &cmds, "  ");
        }
        out.push('\n');
    }

    /// Why, after, notes, done when, undo, escalate, restarts; ids only `--verbose`.
    fn details(&self, out: &mut String, item: &Item<'_>) {
        let (s, l) = (item.first(), self.l);
        let name = if item.is_group() {
            s.cluster.as_deref().unwrap_or("")
        } else {
            ""
        };
        let text = |t: &str| {
            if name.is_empty() {
                prose(t)
            } else {
                prose(&runbook::without_name(t, name))
            }
        };
        for why in self.why(item) {
            let _ = writeln!(out, "  - {}: {}", l.get(Key::Why), why);
        }
        let after = self.after_refs(item);
        if !after.is_empty() {
            let _ = writeln!(out, "  - {}: {}", l.get(Key::After), after);
        }
        let lines: [(Key, &Vec<String>); 5] = [
            (Key::Note, &s.notes),
            (Key::DoneWhen, &s.verify),
            (Key::CannotUndo, &s.irreversible),
            (Key::Escalate, &s.escalate),
            (Key::Restarts, &s.restarts),
        ];
        for (key, list) in lines {
            for t in list {
                let _ = writeln!(out, "  - {}: {}", l.get(key), text(t));
            }
        }
        for u in &s.undo {
            let key = if u.basis == "judgement" {
                Key::UndoJudgement
            } else {
                Key::Undo
            };
            let _ = writeln!(out, "  - {}: {}", l.get(key), text(&u.text));
        }
        if let Some(c) = &s.optional_consequence {
            let _ = writeln!(
                out,
                "  - {} — {}: {}",
                l.get(Key::Optional),
                l.get(Key::IfSkipped),
                text(c)
            );
        }
        if self.verbose {
            let ids: Vec<String> = item.steps.iter().map(|(_, s)| code(&s.id)).collect();
            let _ = writeln!(out, "  - {}: {}", l.get(Key::Id), ids.join(", "));
            if let Some(rule) = &s.rule {
                let _ = writeln!(out, "  - {}: {}", l.get(Key::AddedBy), code(rule));
            }
        }
    }

    /// The messages of the findings the step fixes, then the source of what added it.
    fn why(&self, item: &Item<'_>) -> Vec<String> {
        let s = item.first();
        let mut out: Vec<String> = self
            .plan
            .findings
            .iter()
            .filter(|f| f.fixed_by.as_deref() == Some(s.id.as_str()))
            .map(|f| format!("{} ({})", prose(&f.message), inline(&f.source)))
            .collect();
        if out.is_empty() {
            if let Some(src) = &s.source {
                out.push(inline(src));
            }
        }
        out
    }

    fn after_refs(&self, item: &Item<'_>) -> String {
        let mut refs: Vec<usize> = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        for (_, s) in &item.steps {
            for a in &s.after {
                match self.numbers.get(a.as_str()) {
                    Some(n) if !refs.contains(n) => refs.push(*n),
                    Some(_) => {}
                    None => missing.push(format!("{} {}", code(a), self.l.get(Key::NotInPlan))),
                }
            }
        }
        refs.sort_unstable();
        let mut parts = Vec::new();
        if !refs.is_empty() {
            let key = if refs.len() == 1 {
                Key::StepN
            } else {
                Key::StepsN
            };
            parts.push(self.l.fill(key, &[&runbook::ranges(&refs)]));
        }
        parts.extend(missing);
        parts.join(", ")
    }

    /// `2h (from the guide)`, `30m–1h (estimate)`, `no estimate`.
    fn step_time(&self, s: &PlannedStep) -> String {
        match runbook::step_time(self.l, s) {
            Some((time, basis)) => format!("{time} ({basis})"),
            None => self.l.get(Key::NoEstimate).to_string(),
        }
    }

    fn footer(&self, out: &mut String, view: &View<'_>) {
        let l = self.l;
        let total = runbook::total(view);
        let _ = writeln!(
            out,
            "---\n\n**{}:** {}",
            l.get(Key::TotalDuration),
            total.label(self.l)
        );
        if !self.plan.is_ready() {
            let _ = writeln!(
                out,
                "\n**{}:** {}",
                l.get(Key::NotExecutable),
                l.get(Key::NotExecutableFooter)
            );
        }
    }
}

/// The commands in one `bash` fence, indented by `pad`; the fence is longer than any
/// run of backticks in the commands.
fn commands(out: &mut String, commands: &[String], pad: &str) {
    let longest = commands
        .iter()
        .map(|c| longest_run(c, '`'))
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let _ = writeln!(out, "{pad}{fence}bash");
    for command in commands {
        for line in command.lines() {
            let _ = writeln!(out, "{pad}{line}");
        }
    }
    let _ = writeln!(out, "{pad}{fence}");
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

/// A rule text: its backtick spans as code, the rest escaped ([`inline`]). An
/// unmatched backtick is text.
pub(super) fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(len) = after.find('`') else {
            break;
        };
        out.push_str(&inline(&rest[..start]));
        let inner = &after[..len];
        if inner.is_empty() {
            out.push_str("\\`\\`");
        } else {
            out.push_str(&code(inner));
        }
        rest = &after[len + 1..];
    }
    out.push_str(&inline(rest));
    out
}

/// Text with Markdown's inline punctuation escaped, on one line; a `-` next to
/// another `-` is escaped too, so that no renderer turns `--flag` into a dash.
pub(super) fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = '\0';
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '-' if prev == '-' || chars.peek() == Some(&'-') => out.push_str("\\-"),
            '\n' => out.push(' '),
            _ => out.push(ch),
        }
        prev = ch;
    }
    out
}

/// Text for a table cell: escaped, line breaks as `<br>`.
fn cell(text: &str) -> String {
    text.lines().map(prose).collect::<Vec<_>>().join("<br>")
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    fn md(plan: &Plan) -> String {
        markdown(plan, &Options::default())
    }

    #[test]
    fn ready_plan() {
        insta::assert_snapshot!(md(&fixtures::ready()));
    }

    #[test]
    fn blocked_plan() {
        let out = md(&fixtures::blocked());
        assert!(out.contains("NOT EXECUTABLE"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn empty_plan() {
        insta::assert_snapshot!(md(&fixtures::empty()));
    }

    #[test]
    fn fences_outgrow_backticks() {
        let mut out = String::new();
        commands(&mut out, &["echo '```'".to_string()], "  ");
        assert!(out.contains("````bash"), "{out}");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(cell("a | b\nc"), "a \\| b<br>c");
    }

    #[test]
    fn rule_texts_keep_their_code_and_lose_their_dashes() {
        assert_eq!(
            prose("pass `--dest-repo <vip>` or --no-auth"),
            "pass `--dest-repo <vip>` or \\-\\-no-auth"
        );
        assert_eq!(prose("a `b"), "a \\`b");
        assert_eq!(prose("x `` y"), "x \\`\\` y");
        assert_eq!(inline("1.31 - 1.34"), "1.31 - 1.34");
    }
}
