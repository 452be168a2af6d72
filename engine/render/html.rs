//! The runbook as one self-contained HTML report: the Markdown runbook rendered by
//! pulldown-cmark, each `##` section and each `###` inside it collapsible
//! (`<details open>`), the step graph as inline SVG ([`super::svg`]), an inline
//! stylesheet that also prints (sections expanded, the critical path thick as well as
//! red), and nothing fetched from anywhere: no links, images, fonts or external
//! scripts; a Content-Security-Policy that forbids them all the same.
//!
//! Raw HTML in the Markdown (an inventory string the Markdown renderer let through,
//! or a rule text) is shown as text, never as markup; a link shows its text and its
//! address as text.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::Options;
use super::svg::xml;
use crate::plan::Plan;

const CSS: &str = include_str!("html/report.css");

/// Opens every section before printing, for browsers that print closed `<details>`
/// closed (the stylesheet does it where `::details-content` is supported).
const SCRIPT: &str = "window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});";

/// No network, no plugins, no forms; inline styles and the one inline script only.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// Renders `plan` as an HTML document with no external resources.
pub fn html(plan: &Plan, options: &Options) -> String {
    let safe = super::printable(plan);
    let words = super::graph::words(options.lang);
    // nothing to draw for a plan without steps: the runbook says so
    let graph = (!safe.steps.is_empty()).then(|| super::svg::svg(&safe, options.lang));
    let body = body(
        &super::markdown(plan, options),
        graph.map(|g| (words.step_graph, g)),
    );
    let mut title = format!("{} {} → {}", words.upgrade_plan, safe.from, safe.to);
    if let Some(c) = safe
        .inventory_meta
        .as_ref()
        .and_then(|m| m.customer.as_ref())
    {
        title.push_str(" · ");
        title.push_str(c);
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        options.lang.code(),
        xml(&title)
    )
}

/// Where the sections stand while the events stream by.
#[derive(Default)]
struct Sections {
    h2_open: bool,
    h3_open: bool,
    /// The graph (heading, SVG) goes after the first `##` section (the summary), or at
    /// the end.
    graph: Option<(&'static str, String)>,
    /// The addresses of the links being read, shown as text after each link's text.
    links: Vec<String>,
}

impl Sections {
    fn close_h3(&mut self, out: &mut Vec<Event<'static>>) {
        if std::mem::take(&mut self.h3_open) {
            out.push(Event::Html("</details>\n".into()));
        }
    }

    fn close_h2(&mut self, out: &mut Vec<Event<'static>>) {
        self.close_h3(out);
        if std::mem::take(&mut self.h2_open) {
            out.push(Event::Html("</details>\n".into()));
            self.place_graph(out);
        }
    }

    fn place_graph(&mut self, out: &mut Vec<Event<'static>>) {
        if let Some((heading, svg)) = self.graph.take() {
            out.push(Event::Html(
                format!(
                    "<details open class=\"section graph-section\"><summary><h2>{heading}</h2></summary>\n<div class=\"graph\">\n{svg}</div>\n</details>\n"
                )
                .into(),
            ));
        }
    }
}

/// The runbook's HTML: Markdown events made safe, sections wrapped, graph placed.
fn body(markdown: &str, svg: Option<(&'static str, String)>) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    options.insert(pulldown_cmark::Options::ENABLE_TASKLISTS);
    let mut sections = Sections {
        graph: svg,
        ..Sections::default()
    };
    let mut events: Vec<Event<'static>> = Vec::new();
    for event in Parser::new_ext(markdown, options) {
        structure(&mut sections, &event, &mut events);
        safe(&mut sections.links, event, &mut events);
    }
    sections.close_h2(&mut events);
    sections.place_graph(&mut events);
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events.into_iter());
    out
}

/// Opens `<details><summary>` before a `##`/`###` heading (closing the sections it
/// ends) and closes the summary after it.
fn structure(sections: &mut Sections, event: &Event<'_>, out: &mut Vec<Event<'static>>) {
    match event {
        Event::Start(Tag::Heading { level, .. }) => open(sections, *level, out),
        Event::End(TagEnd::Heading(level @ (HeadingLevel::H2 | HeadingLevel::H3))) => {
            out.push(Event::End(TagEnd::Heading(*level)));
            out.push(Event::Html("</summary>\n".into()));
        }
        _ => {}
    }
}

fn open(sections: &mut Sections, level: HeadingLevel, out: &mut Vec<Event<'static>>) {
    let class = match level {
        HeadingLevel::H1 => return sections.close_h2(out),
        HeadingLevel::H2 => {
            sections.close_h2(out);
            sections.h2_open = true;
            "section"
        }
        HeadingLevel::H3 => {
            sections.close_h3(out);
            sections.h3_open = true;
            "subsection"
        }
        _ => return,
    };
    let tag = format!("<details open class=\"{class}\"><summary>");
    out.push(Event::Html(tag.into()));
}

/// The event as it may reach the report: raw HTML becomes text (a lone `<br>` a line
/// break), links and images their text, everything else as parsed.
fn safe(links: &mut Vec<String>, event: Event<'_>, out: &mut Vec<Event<'static>>) {
    let event = match event {
        // written by `structure`, followed by the summary's end
        Event::End(TagEnd::Heading(HeadingLevel::H2 | HeadingLevel::H3)) => return,
        Event::Html(raw) | Event::InlineHtml(raw) => {
            if is_break(&raw) {
                Event::HardBreak
            } else {
                Event::Text(owned(raw))
            }
        }
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            return links.push(dest_url.into_string());
        }
        Event::End(TagEnd::Link | TagEnd::Image) => match links.pop() {
            Some(url) if !url.is_empty() => Event::Text(format!(" ({url})").into()),
            _ => return,
        },
        other => other.into_static(),
    };
    out.push(event);
}

fn is_break(raw: &str) -> bool {
    matches!(raw.trim(), "<br>" | "<br/>" | "<br />")
}

fn owned(text: CowStr<'_>) -> CowStr<'static> {
    CowStr::from(text.into_string())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures;
    use super::*;

    fn html_of(plan: &Plan) -> String {
        html(plan, &Options::default())
    }

    #[test]
    fn sections_nest_in_details() {
        let out = body(
            "# T\n\nintro\n\n## A\n\ntext\n\n### A1\n\nx\n\n### A2\n\ny\n\n## B\n\nz\n",
            Some(("Step graph", "<svg></svg>\n".into())),
        );
        insta::assert_snapshot!(out);
        assert_eq!(
            out.matches("<details").count(),
            out.matches("</details>").count()
        );
    }

    #[test]
    fn raw_html_is_text() {
        let out = body(
            "## A\n\n<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> y<br>z\n\n[t](https://evil.example/) ![i](http://evil.example/i.png)\n",
            None,
        );
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("href=\""), "{out}");
        assert!(!out.contains("src=\""), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{out}"
        );
        assert!(out.contains("y<br />"), "{out}");
        assert!(out.contains("t (https://evil.example/)"), "{out}");
    }

    #[test]
    fn the_graph_speaks_the_report_language() {
        let options = Options {
            lang: crate::model::Lang::Zh,
            ..Options::default()
        };
        let out = html(&fixtures::ready(), &options);
        assert!(out.contains("<html lang=\"zh\">"));
        for word in [
            "步骤图",
            "关键路径",
            "批次 1 · 手动 · 15m",
            "升级 3.16 → 4.0",
        ] {
            assert!(out.contains(word), "{word}");
        }
    }

    #[test]
    fn a_plan_without_steps_has_no_graph() {
        let out = html_of(&fixtures::empty());
        assert!(!out.contains("<svg"), "{out}");
        assert!(!out.contains("Step graph"), "{out}");
    }

    #[test]
    fn the_report_is_whole_and_deterministic() {
        let plan = fixtures::ready();
        let out = html_of(&plan);
        assert!(out.starts_with("<!DOCTYPE html>"));
        assert!(out.contains("<svg class=\"steps\""));
        for s in &plan.steps {
            assert!(out.contains(&xml(&s.title)), "{}", s.title);
        }
        assert_eq!(out, html_of(&plan.clone()));
    }

    #[test]
    fn the_graph_follows_the_first_section() {
        let out = body(
            "# T\n\n## Summary\n\ns\n\n## Clusters\n\nc\n",
            Some(("Step graph", "<svg></svg>\n".into())),
        );
        let summary = out.find("Summary").unwrap_or(usize::MAX);
        let graph = out.find("Step graph").unwrap_or(0);
        let clusters = out.find("Clusters").unwrap_or(0);
        assert!(summary < graph && graph < clusters, "{out}");
        assert!(
            body(
                "no headings\n",
                Some(("Step graph", "<svg></svg>\n".into()))
            )
            .contains("Step graph")
        );
    }
}
