//! `uplan explain INVENTORY --to V STEP-OR-RULE`: the chain behind a step or a rule
//! ([`uplan::eval::explain`]), each statement followed by the inventory lines of the
//! facts it read, as miette snippets (`file:line`, like `uplan check`).

use std::fmt::{self, Write};

use miette::{Diagnostic, LabeledSpan};
use uplan::diagnostics::{Problem, Problems, Renderer};
use uplan::eval::{self, Mode, explain};
use uplan::inventory::Inventory;
use uplan::model::Lang;
use uplan::sanitize;
use uplan::source::Span;

use super::{Input, Report, codes, pipeline};

pub fn explain(input: &Input, what: &[String], colour: bool) -> Result<Report, Problems> {
    let loaded = pipeline::load(input)?;
    let (rb, inventory) = (&loaded.rulebook, &loaded.inventory);
    let ev =
        eval::evaluate(rb, inventory, loaded.target.as_ref(), Mode::Plan)?.in_lang(loaded.lang);
    let plan = ev.to_plan(rb, inventory);
    let query = what.join(" ");
    let found = explain::explain(&ev, rb, inventory, &plan, &query).map_err(|m| miss(&query, m))?;
    let mut text = String::new();
    for (n, e) in found.iter().enumerate() {
        if n > 0 {
            text.push('\n');
        }
        write_explanation(&mut text, e, inventory, (colour, loaded.lang));
    }
    Ok(Report {
        code: 0,
        text,
        warnings: String::new(),
    })
}

fn miss(query: &str, m: explain::Miss) -> Problems {
    let help = match m.suggestion {
        Some(s) => format!("did you mean `{s}`? Name a step by its id (`uplan plan --format json` lists them), by `ACTION CLUSTER`, or a rule by its id"),
        None => "name a step by its id (`uplan plan --format json` lists them), by `ACTION CLUSTER` (`upgrade-kubernetes biz-1`), or a rule by its id (`uplan lint --hop A->B` lists them)".into(),
    };
    Problem::new(
        codes::EXPLAIN_UNKNOWN,
        format!(
            "`{}` is no step of this plan and no rule of the rulebook",
            sanitize::one_line(query)
        ),
    )
    .help(help)
    .into()
}

/// Each statement, then its facts: `path = value (file:line:col)` and their snippet.
fn write_explanation(
    out: &mut String,
    e: &explain::Explanation,
    inv: &Inventory,
    (colour, lang): (bool, Lang),
) {
    let _ = writeln!(out, "{}", safe(&e.heading));
    let sources = inv.sources();
    let source = sources.shared(0);
    for section in &e.sections {
        let colon = if lang == Lang::Zh { "：" } else { ":" };
        let _ = writeln!(out, "\n{}{colon}", safe(&section.title));
        for item in &section.items {
            let _ = writeln!(out, "  - {}", safe(&item.text));
            let located: Vec<(String, Span)> = item
                .facts
                .iter()
                .filter_map(|f| inv.locate_nearest(f).map(|s| (f.clone(), s)))
                .collect();
            for (fact, span) in &located {
                let _ = writeln!(
                    out,
                    "      {fact} = {} ({})",
                    value_at(inv, fact, *span, lang),
                    sources.place(*span)
                );
            }
            if located.is_empty() {
                continue;
            }
            let mut r = Renderer::new(colour);
            let mut snippet = String::new();
            r.diagnostic(&mut snippet, &Facts { located, lang }, Some(&source));
            for line in snippet.trim_end().lines() {
                let _ = writeln!(out, "      {}", line.trim_end());
            }
        }
    }
}

/// The value as the inventory writes it, or that it leaves the fact out.
fn value_at(inv: &Inventory, fact: &str, span: Span, lang: Lang) -> String {
    match inv.locate(fact) {
        Some(s) if s == span => {
            let text = inv.text.get(s.start as usize..s.end as usize).unwrap_or("");
            safe(text)
        }
        _ => match lang {
            Lang::En => "(not in the inventory: its default)".into(),
            Lang::Zh => "（清单中没有：取默认值）".into(),
        },
    }
}

fn safe(text: &str) -> String {
    sanitize::one_line(&sanitize::redact(text)).into_owned()
}

/// The inventory lines of an item's facts, as one advice-level diagnostic.
#[derive(Debug)]
struct Facts {
    located: Vec<(String, Span)>,
    lang: Lang,
}

impl fmt::Display for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.lang {
            Lang::En => "read from the inventory",
            Lang::Zh => "读自清单",
        })
    }
}

impl std::error::Error for Facts {}

impl Diagnostic for Facts {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.located.iter().map(|(fact, span)| {
            LabeledSpan::new_with_span(Some(fact.clone()), span.source_span())
        })))
    }
}
