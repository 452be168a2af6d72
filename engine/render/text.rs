//! The plan for people on a terminal: the runbook's shape (see `runbook`) in plain
//! text, prose wrapped to the terminal's width (100 when piped, `--width`), commands
//! never wrapped, code spans shown without their backticks.

use std::collections::BTreeMap;
use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use super::labels::{Key, Labels};
use super::runbook::{self, Item, View, Window};
use super::{Options, blocking, count, findings_by_severity, hop_label, path_label};
use crate::plan::{Checkpoint, Finding, Plan, PlannedStep};

/// Where prose wraps when stdout is no terminal and `--width` is not given.
pub const PIPED_WIDTH: usize = 100;

/// Renders `plan` for a terminal; ANSI colour only when `opts.colour`.
pub fn text(plan: &Plan, opts: &Options) -> String {
    let plan = &super::printable(plan);
    let view = runbook::view(plan, opts);
    let r = Text {
        plan,
        paint: Paint(opts.colour),
        l: Labels(opts.lang),
        verbose: opts.verbose,
        width: opts.width.unwrap_or_else(terminal_width).max(40),
        numbers: &view.numbers,
    };
    let mut out = String::new();
    r.header(&mut out, &view);
    r.clusters(&mut out, opts);
    r.findings(&mut out, opts);
    r.preparation(&mut out, &view);
    for w in &view.windows {
        r.window(&mut out, w);
    }
    if plan.steps.is_empty() {
        let _ = writeln!(
            out,
            "\n{}\n  {}",
            r.paint.bold(r.l.get(Key::Steps)),
            r.l.get(Key::NothingToDo)
        );
    }
    r.after(&mut out);
    r.footer(&mut out, &view);
    out
}

/// The terminal's width when stdout is one, else [`PIPED_WIDTH`].
fn terminal_width() -> usize {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return PIPED_WIDTH;
    }
    terminal_size::terminal_size().map_or(PIPED_WIDTH, |(w, _)| usize::from(w.0))
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

/// A rule text with its code spans' backticks taken out.
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(len) = after.find('`') else { break };
        out.push_str(&rest[..start]);
        out.push_str(&after[..len]);
        rest = &after[len + 1..];
    }
    out.push_str(rest);
    out
}

struct Text<'a> {
    plan: &'a Plan,
    paint: Paint,
    l: Labels,
    verbose: bool,
    width: usize,
    numbers: &'a BTreeMap<&'a str, usize>,
}

impl Text<'_> {
    /// `text` wrapped at the width: the first line after `first`, the rest indented
    /// by `indent` spaces. Prose only: commands are written as they are.
    fn wrap(&self, out: &mut String, first: &str, indent: usize, text: &str) {
        let pad = " ".repeat(indent);
        let opts = textwrap::Options::new(self.width)
            .initial_indent(first)
            .subsequent_indent(&pad)
            .break_words(false);
        for line in textwrap::wrap(&plain(text), opts) {
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }

    fn header(&self, out: &mut String, view: &View<'_>) {
        let (p, l) = (self.plan, self.l);
        let status = if p.is_ready() {
            self.paint.on(
                &l.get(Key::Ready).to_uppercase(),
                Style::new().green().bold(),
            )
        } else {
            self.paint.on(
                &l.get(Key::Blocked).to_uppercase(),
                Style::new().red().bold(),
            )
        };
        let _ = writeln!(
            out,
            "{}   {status}",
            self.paint.bold(&l.fill(Key::Title, &[&p.from, &p.to]))
        );
        let row = |out: &mut String, k: &str, v: &str| self.wrap(out, &format!("{k:<14}"), 14, v);
        if let Some(m) = &p.inventory_meta {
            if let Some(c) = &m.customer {
                row(out, l.get(Key::Customer), c);
            }
            if let Some(at) = &m.collected_at {
                row(out, l.get(Key::FactsOf), at);
            }
        }
        let path = if p.path.is_empty() {
            l.get(Key::NoPath).to_string()
        } else {
            path_label(p)
        };
        row(out, l.get(Key::Path), &path);
        let manual = p.steps.iter().filter(|s| s.manual).count();
        row(
            out,
            l.get(Key::Steps),
            &l.fill(
                Key::StepsCount,
                &[&p.steps.len().to_string(), &manual.to_string()],
            ),
        );
        for prep in &view.prep {
            let what = l.fill(
                Key::BeforeWindow,
                &[&prep.window.to_string(), &hop_label(prep.hop)],
            );
            row(
                out,
                l.get(Key::Preparation),
                &format!("{what}: {}", prep.length.label(self.l)),
            );
        }
        for w in &view.windows {
            let name = l.fill(Key::WindowOf, &[&w.n.to_string(), &hop_label(w.hop)]);
            self.wrap(
                out,
                &" ".repeat(14),
                14,
                &format!("{name}: {}", w.length.label(self.l)),
            );
        }
        let _ = writeln!(
            out,
            "{:<14}{}",
            l.get(Key::Findings).to_lowercase(),
            self.finding_counts()
        );
        if !p.is_ready() {
            out.push('\n');
            let n = count(blocking(p), "");
            let banner = format!(
                "!! {}: {}",
                l.get(Key::NotExecutable),
                l.fill(Key::NotExecutableBanner, &[n.trim()])
            );
            let mut b = String::new();
            self.wrap(&mut b, "", 3, &banner);
            out.push_str(&self.paint.on(&b, Style::new().red().bold()));
        }
    }

    fn finding_counts(&self) -> String {
        let groups = findings_by_severity(self.plan);
        if groups.is_empty() {
            return self.l.get(Key::NoneFound).to_string();
        }
        groups
            .iter()
            .map(|(sev, list)| format!("{} {}", list.len(), self.paint.severity(sev)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn clusters(&self, out: &mut String, opts: &Options) {
        let (p, l) = (self.plan, self.l);
        let rows = runbook::cluster_rows(p, opts);
        if rows.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{}", self.paint.bold(l.get(Key::Clusters)));
        for (names, c) in rows {
            let mut parts: Vec<String> = vec![c.role.clone().unwrap_or_else(|| "—".into())];
            for ch in &c.changes {
                let name = if ch.fact == "version" {
                    l.get(Key::PlatformVersion).to_string()
                } else {
                    ch.fact.clone()
                };
                let from = ch.from.clone().unwrap_or_else(|| p.from.clone());
                parts.push(format!("{name} {from} → {}", ch.to));
            }
            let restarts = if c.restarts.is_empty() {
                l.get(Key::Nothing).to_string()
            } else {
                c.restarts.join(", ")
            };
            parts.push(format!("{}: {restarts}", l.get(Key::Restarts)));
            self.wrap(out, "  ", 4, &names.join(", "));
            self.wrap(out, "    ", 4, &parts.join(" · "));
        }
    }

    fn findings(&self, out: &mut String, opts: &Options) {
        let _ = writeln!(out, "\n{}", self.paint.bold(self.l.get(Key::Findings)));
        let mut groups = findings_by_severity(self.plan);
        for (_, list) in &mut groups {
            list.retain(|f| runbook::finding_shown(f, opts));
        }
        groups.retain(|(_, list)| !list.is_empty());
        if groups.is_empty() {
            let _ = writeln!(out, "  {}", self.l.get(Key::NoneFound));
        }
        for (severity, list) in groups {
            let _ = writeln!(out, "  {}", self.paint.severity(severity));
            for f in list {
                self.finding(out, f);
            }
        }
    }

    fn finding(&self, out: &mut String, f: &Finding) {
        let l = self.l;
        let cluster = f.cluster.as_deref().unwrap_or(l.get(Key::Platform));
        let hop = f
            .hop
            .as_deref()
            .map(|h| format!("  ({} {})", l.get(Key::Hop), hop_label(h)))
            .unwrap_or_default();
        let rule = if self.verbose {
            format!("{}  ", f.rule)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    • {}{}{}",
            self.paint.bold(&rule),
            cluster,
            self.paint.dim(&hop)
        );
        self.wrap(out, "      ", 6, &f.message);
        if !f.source.is_empty() {
            self.wrap(
                out,
                &format!("      {}: ", l.get(Key::Source)),
                8,
                &f.source,
            );
        }
        if let Some(step) = &f.fixed_by {
            let _ = writeln!(
                out,
                "      {}: {}",
                l.get(Key::FixedBy),
                self.step_title(step)
            );
        }
    }

    fn step_title(&self, id: &str) -> String {
        match self.numbers.get(id) {
            Some(n) => {
                let title = self
                    .plan
                    .steps
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| plain(&s.title));
                format!(
                    "{} — {}",
                    self.l.fill(Key::StepN, &[&n.to_string()]),
                    title.unwrap_or_default()
                )
            }
            None => format!("{id} {}", self.l.get(Key::NotInPlan)),
        }
    }

    fn preparation(&self, out: &mut String, view: &View<'_>) {
        if view.prep.is_empty() {
            return;
        }
        let l = self.l;
        let _ = writeln!(out, "\n{}", self.paint.bold(l.get(Key::Preparation)));
        self.wrap(out, "  ", 2, l.get(Key::PreparationIntro));
        for prep in &view.prep {
            let what = l.fill(
                Key::BeforeWindow,
                &[&prep.window.to_string(), &hop_label(prep.hop)],
            );
            let _ = writeln!(
                out,
                "  {}",
                self.paint.on(&what, Style::new().blue().bold())
            );
            for item in &prep.items {
                self.item(out, item, None);
            }
        }
    }

    fn window(&self, out: &mut String, w: &Window<'_>) {
        let l = self.l;
        let title = l.fill(Key::Window, &[&w.n.to_string(), &hop_label(w.hop)]);
        let _ = writeln!(
            out,
            "\n{}",
            self.paint.on(&title, Style::new().blue().bold())
        );
        let _ = writeln!(out, "  {}: {}", l.get(Key::Length), w.length.label(self.l));
        if !w.critical.is_empty() {
            self.wrap(
                out,
                &format!("  {}: ", l.get(Key::CriticalPath)),
                4,
                &runbook::chain(l, &w.critical),
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
        self.wrap(
            out,
            &format!("  {}: ", l.get(Key::PointOfNoReturn)),
            4,
            &no_return,
        );
        for wave in &w.waves {
            for cp in &wave.checkpoints {
                self.checkpoint(out, cp);
            }
            let _ = writeln!(
                out,
                "  {}",
                self.paint.bold(&l.fill(Key::Wave, &[&wave.n.to_string()]))
            );
            if let Some(limit) = wave.limit {
                self.wrap(
                    out,
                    "    ",
                    4,
                    &l.fill(
                        Key::AtMostAtOnce,
                        &[&limit.at_once.to_string(), &limit.source],
                    ),
                );
            }
            for item in &wave.items {
                self.item(out, item, w.no_return);
            }
        }
    }

    fn checkpoint(&self, out: &mut String, cp: &Checkpoint) {
        let l = self.l;
        let title = l.fill(Key::Checkpoint, &[&cp.title]);
        let _ = writeln!(
            out,
            "  {}",
            self.paint.on(&title, Style::new().yellow().bold())
        );
        let _ = writeln!(out, "    {}", l.get(Key::GoOnWhen));
        for c in &cp.checks {
            self.wrap(out, "      [ ] ", 10, c);
        }
        self.commands(out, &cp.commands, 6);
        self.wrap(out, &format!("    {}: ", l.get(Key::Source)), 6, &cp.source);
    }

    fn after(&self, out: &mut String) {
        if self.plan.post_checks.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{}", self.paint.bold(self.l.get(Key::AfterUpgrade)));
        for cp in &self.plan.post_checks {
            for c in &cp.checks {
                self.wrap(out, "  [ ] ", 6, c);
            }
            self.commands(out, &cp.commands, 4);
            self.wrap(
                out,
                &format!("  {}: ", self.l.get(Key::Source)),
                4,
                &cp.source,
            );
        }
    }

    /// Commands as they are, one `$` prompt per command: never wrapped.
    fn commands(&self, out: &mut String, commands: &[String], indent: usize) {
        let pad = " ".repeat(indent);
        for command in commands {
            for (i, line) in command.lines().enumerate() {
                let prompt = if command.starts_with('#') {
                    " "
                } else if i == 0 {
                    "$"
                } else {
                    " "
                };
                let _ = writeln!(out, "{pad}{} {line}", self.paint.dim(prompt));
            }
        }
    }

    fn item(&self, out: &mut String, item: &Item<'_>, no_return: Option<usize>) {
        let (s, l) = (item.first(), self.l);
        let numbers = item.numbers();
        let mode = if s.manual {
            l.get(Key::Manual)
        } else {
            l.get(Key::Automatic)
        };
        let time = self.step_time(s);
        let name = if item.is_group() {
            s.cluster.as_deref().unwrap_or("")
        } else {
            ""
        };
        let text = |t: &str| {
            if name.is_empty() {
                t.to_string()
            } else {
                runbook::without_name(t, name)
            }
        };
        let head = if item.is_group() {
            let n = l.fill(Key::NClusters, &[&numbers.len().to_string()]);
            format!(
                "{}. {}   [{n} · {mode} · {time}]",
                runbook::ranges(&numbers),
                text(&s.title)
            )
        } else {
            let cluster = s.cluster.as_deref().unwrap_or(l.get(Key::Platform));
            format!(
                "{:>2}. {}   [{cluster} · {mode} · {time}]",
                numbers[0], s.title
            )
        };
        self.wrap(out, "    ", 8, &head);
        let pad = 8;
        let line = |out: &mut String, key: &str, t: &str| {
            self.wrap(out, &format!("{}{key}: ", " ".repeat(pad)), pad + 2, t);
        };
        if item.is_group() {
            let names: Vec<&str> = item
                .steps
                .iter()
                .filter_map(|(_, s)| s.cluster.as_deref())
                .collect();
            line(out, l.get(Key::ClusterList), &names.join(", "));
        }
        if no_return.is_some_and(|n| numbers.contains(&n)) {
            let mark = format!(
                "{}: {}",
                l.get(Key::PointOfNoReturn).to_uppercase(),
                l.get(Key::PointOfNoReturnNote)
            );
            let _ = writeln!(
                out,
                "{}{}",
                " ".repeat(pad),
                self.paint.on(&mark, Style::new().red().bold())
            );
        }
        let cmds: Vec<String> = if item.is_group() {
            item.steps
                .iter()
                .flat_map(|(_, s)| {
                    s.cluster
                        .iter()
                        .map(|c| format!("# {c}"))
                        .chain(s.commands.iter().cloned())
                })
                .collect()
        } else {
            s.commands.clone()
        };
        if !s.commands.is_empty() {
            self.commands(out, &cmds, pad);
        }
        for why in self.why(s) {
            line(out, l.get(Key::Why), &why);
        }
        let lists: [(Key, &Vec<String>); 5] = [
            (Key::Note, &s.notes),
            (Key::DoneWhen, &s.verify),
            (Key::CannotUndo, &s.irreversible),
            (Key::Escalate, &s.escalate),
            (Key::Restarts, &s.restarts),
        ];
        for (key, list) in lists {
            for t in list {
                line(out, l.get(key), &text(t));
            }
        }
        for u in &s.undo {
            let key = if u.basis == "judgement" {
                Key::UndoJudgement
            } else {
                Key::Undo
            };
            line(out, l.get(key), &text(&u.text));
        }
        if let Some(c) = &s.optional_consequence {
            line(
                out,
                &format!("{} — {}", l.get(Key::Optional), l.get(Key::IfSkipped)),
                &text(c),
            );
        }
        self.after_line(out, item, pad);
        if self.verbose {
            let ids: Vec<&str> = item.steps.iter().map(|(_, s)| s.id.as_str()).collect();
            line(out, l.get(Key::Id), &ids.join(", "));
            if let Some(rule) = &s.rule {
                line(out, l.get(Key::AddedBy), rule);
            }
        }
    }

    fn after_line(&self, out: &mut String, item: &Item<'_>, pad: usize) {
        let mut refs: Vec<usize> = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        for (_, s) in &item.steps {
            for a in &s.after {
                match self.numbers.get(a.as_str()) {
                    Some(n) if !refs.contains(n) => refs.push(*n),
                    Some(_) => {}
                    None => missing.push(format!("{a} {}", self.l.get(Key::NotInPlan))),
                }
            }
        }
        refs.sort_unstable();
        let mut parts = Vec::new();
        if !refs.is_empty() {
            parts.push(runbook::ranges(&refs));
        }
        parts.extend(missing);
        if !parts.is_empty() {
            let first = format!(
                "{}{}: ",
                " ".repeat(pad),
                self.paint.dim(self.l.get(Key::After))
            );
            let _ = writeln!(out, "{first}{}", parts.join(", "));
        }
    }

    fn why(&self, s: &PlannedStep) -> Vec<String> {
        let mut out: Vec<String> = self
            .plan
            .findings
            .iter()
            .filter(|f| f.fixed_by.as_deref() == Some(s.id.as_str()))
            .map(|f| format!("{} ({})", f.message, f.source))
            .collect();
        if out.is_empty() {
            out.extend(s.source.clone());
        }
        out
    }

    fn step_time(&self, s: &PlannedStep) -> String {
        match runbook::step_time(self.l, s) {
            Some((time, basis)) => format!("{time} {basis}"),
            None => "?".to_string(),
        }
    }

    fn footer(&self, out: &mut String, view: &View<'_>) {
        let l = self.l;
        let total = runbook::total(view).label(self.l);
        let _ = writeln!(
            out,
            "\n{} {total}",
            self.paint.bold(&format!("{}:", l.get(Key::TotalDuration)))
        );
        if !self.plan.is_ready() {
            let t = format!(
                "{}: {}",
                l.get(Key::NotExecutable),
                l.get(Key::NotExecutableFooter)
            );
            let _ = writeln!(out, "{}", self.paint.on(&t, Style::new().red().bold()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    fn plain_opts() -> Options {
        Options {
            width: Some(PIPED_WIDTH),
            ..Options::default()
        }
    }

    #[test]
    fn ready_plan() {
        insta::assert_snapshot!(text(&fixtures::ready(), &plain_opts()));
    }

    #[test]
    fn blocked_plan_is_marked_not_executable() {
        let out = text(&fixtures::blocked(), &plain_opts());
        assert!(out.contains("NOT EXECUTABLE"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn empty_plan() {
        insta::assert_snapshot!(text(&fixtures::empty(), &plain_opts()));
    }

    #[test]
    fn colour_only_when_asked() {
        let plan = fixtures::blocked();
        assert!(!text(&plan, &plain_opts()).contains('\u{1b}'));
        let colour = Options {
            colour: true,
            ..plain_opts()
        };
        assert!(text(&plan, &colour).contains('\u{1b}'));
    }

    #[test]
    fn code_spans_lose_their_backticks() {
        assert_eq!(
            plain("pass `--dest-repo` or `--no-auth`"),
            "pass --dest-repo or --no-auth"
        );
        assert_eq!(plain("one ` stays"), "one ` stays");
    }

    #[test]
    fn prose_wraps_and_commands_do_not() {
        let mut plan = fixtures::ready();
        plan.steps[0].notes = vec!["word ".repeat(40)];
        plan.steps[0].commands = vec![format!("echo {}", "x".repeat(120))];
        let out = text(
            &plan,
            &Options {
                width: Some(60),
                ..Options::default()
            },
        );
        let long: Vec<&str> = out.lines().filter(|l| l.chars().count() > 60).collect();
        assert!(
            long.iter().all(|l| l.trim_start().starts_with("$ ")),
            "{long:?}"
        );
        assert!(
            long.iter().any(|l| l.contains(&"x".repeat(120))),
            "{long:?}"
        );
        assert!(out.contains("word word"), "{out}");
    }
}
