//! `uplan lint --hop A->B`: every declaration that can apply on one hop, so a release
//! author sees what a new hop inherits before a plan shows it.

use std::fmt::Write;

use super::hops::{self, Applies};
use crate::model::{Expr, Rulebook, Template, TemplatePart, Version};
use crate::sanitize::one_line;
use crate::source::Span;

/// The hop `from -> to` of the rulebook, by its versions.
pub fn find(rb: &Rulebook, from: &Version, to: &Version) -> Option<u16> {
    hops::all(rb).find(|&h| {
        let hop = &rb.hops[h as usize];
        hop.from.compare(from).is_eq() && hop.to.compare(to).is_eq()
    })
}

fn how(a: Applies) -> &'static str {
    match a {
        Applies::Yes => "always  ",
        Applies::Depends => "if facts",
        Applies::No => "never   ",
    }
}

/// The view of hop `hop`: rules, procedures, orders, limits, then the steps' commands
/// and notes that are conditional, each with whether it applies always or depending on
/// the inventory, and where it is declared.
pub fn hop_view(rb: &Rulebook, hop: u16) -> String {
    let mut out = format!("hop {}", hops::label(rb, hop));
    let _ = writeln!(
        out,
        "  (\"always\": its `when` holds on this hop; \"if facts\": its `when` also reads the inventory)"
    );
    let rules = rb.rules.iter().map(|r| (&r.id, r.when.as_ref(), r.span));
    section(rb, hop, &mut out, "rules", rules);
    let procs = rb
        .procedures
        .iter()
        .map(|p| (&p.id, p.when.as_ref(), p.span));
    section(rb, hop, &mut out, "procedures", procs);
    let orders = rb.orders.iter().map(|o| (&o.id, o.when.as_ref(), o.span));
    section(rb, hop, &mut out, "orders", orders);
    let limits = rb.limits.iter().map(|l| (&l.id, l.when.as_ref(), l.span));
    section(rb, hop, &mut out, "limits", limits);
    milestones(rb, hop, &mut out);
    conditional_texts(rb, hop, &mut out);
    out
}

fn section<'a>(
    rb: &'a Rulebook,
    hop: u16,
    out: &mut String,
    title: &str,
    decls: impl Iterator<Item = (&'a String, Option<&'a Expr>, Span)>,
) {
    let applying: Vec<(Applies, &String, Span)> = decls
        .map(|(id, when, span)| (hops::applies(rb, when, hop), id, span))
        .filter(|(a, _, _)| *a != Applies::No)
        .collect();
    let _ = writeln!(out, "\n{title} ({}):", applying.len());
    let width = applying
        .iter()
        .map(|(_, id, _)| id.len())
        .max()
        .unwrap_or(0);
    for (a, id, span) in applying {
        let _ = writeln!(
            out,
            "  {} {:width$}  {}",
            how(a),
            one_line(id),
            rb.sources.place(span)
        );
    }
}

/// Each milestone with the alternatives some declaration may add on this hop: what a
/// pattern naming it stands for here ("nothing" is the lint `absent_anchor`).
fn milestones(rb: &Rulebook, hop: u16, out: &mut String) {
    if rb.milestones.is_empty() {
        return;
    }
    let possible = hops::possible_steps(rb);
    let can = possible.get(hop as usize);
    let _ = writeln!(out, "\nmilestones ({}):", rb.milestones.len());
    let width = rb
        .milestones
        .iter()
        .map(|m| m.name.len())
        .max()
        .unwrap_or(0);
    for m in &rb.milestones {
        let steps: Vec<&str> = m
            .alts
            .iter()
            .filter(|a| {
                can.and_then(|c| c.get(a.step as usize))
                    .copied()
                    .unwrap_or(false)
            })
            .map(|a| rb.steps[a.step as usize].name.as_str())
            .collect();
        let here = if steps.is_empty() {
            "(no step of this hop)".to_string()
        } else {
            steps.join(" | ")
        };
        let _ = writeln!(
            out,
            "  {:width$}  = {here}  {}",
            one_line(&m.name),
            rb.sources.place(m.span)
        );
    }
}

/// A template's text with its holes shown as `{…}`: enough to recognise it.
fn gist(t: &Template) -> String {
    let mut s = String::new();
    for part in &t.parts {
        match part {
            TemplatePart::Text(x) => s.push_str(x),
            TemplatePart::Hole(..) => s.push_str("{…}"),
        }
    }
    let s = one_line(&s).into_owned();
    match s.char_indices().nth(72) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn conditional_texts(rb: &Rulebook, hop: u16, out: &mut String) {
    let mut lines = Vec::new();
    for step in &rb.steps {
        let items = step
            .commands
            .iter()
            .map(|c| ("command", c))
            .chain(step.notes.iter().map(|n| ("note", n)));
        for (kind, c) in items {
            let Some(when) = &c.when else { continue };
            let a = hops::applies(rb, Some(when), hop);
            if a != Applies::No {
                lines.push(format!(
                    "  {} {} {kind}: {}",
                    how(a),
                    step.name,
                    gist(&c.item)
                ));
            }
        }
    }
    let _ = writeln!(out, "\nconditional commands and notes ({}):", lines.len());
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
}
