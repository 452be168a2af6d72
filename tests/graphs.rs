//! The step graph formats on the examples: `--format dot` rendered by Graphviz stays
//! within 5,000 pt both ways (the 45-cluster example most of all), groups alike steps
//! and joins hops; `--format mermaid` keeps to the flowchart lines it is made of.
//!
//! Every example's Mermaid flowchart is rendered by mermaid.js itself (the library
//! GitHub uses) in headless Chromium.
//!
//! Graphviz is skipped (with a note) when `dot` is not installed, mermaid.js when
//! Chromium or `mermaid.min.js` (`UPLAN_MERMAID_JS`, else
//! `target/ci-npm/mermaid/package/dist/mermaid.min.js`) is missing, unless
//! `UPLAN_REQUIRE_TOOLS` is set (`.ci/run` sets it and installs all three).

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use common::uplan;

const FLEET: &str = "examples/granite-45-workloads.yaml";

fn examples() -> Vec<String> {
    let mut paths: Vec<String> = fs::read_dir("examples")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    paths.sort();
    paths
}

fn render(example: &str, format: &str) -> String {
    let run = uplan(&["plan", example, "--format", format]);
    assert!(matches!(run.code, Some(0 | 1)), "{example}: {run:#?}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stdout
}

/// `dot -Tsvg` of `source`, or `None` when Graphviz is not installed.
fn graphviz(source: &str) -> Option<String> {
    let child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                std::env::var_os("UPLAN_REQUIRE_TOOLS").is_none(),
                "graphviz is required here: {e}"
            );
            return None;
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(source.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "dot: {stderr}"
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The `width="…pt"` and `height="…pt"` of Graphviz's `<svg>` element.
fn svg_size(svg: &str) -> (f64, f64) {
    let doc = roxmltree::Document::parse_with_options(
        svg,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let root = doc.root_element();
    let pt = |name: &str| -> f64 {
        let value = root.attribute(name).unwrap_or_default();
        value
            .trim_end_matches("pt")
            .parse()
            .unwrap_or_else(|e| panic!("{name}={value:?}: {e}"))
    };
    (pt("width"), pt("height"))
}

#[test]
fn every_dot_graph_renders_within_5000_pt() {
    let mut sizes = Vec::new();
    for example in examples() {
        let Some(svg) = graphviz(&render(&example, "dot")) else {
            eprintln!("note: graphviz (dot) not found; skipping");
            return;
        };
        let (w, h) = svg_size(&svg);
        assert!(w > 0.0 && h > 0.0, "{example}: {w} × {h}");
        assert!(w <= 5000.0 && h <= 5000.0, "{example}: {w} × {h} pt");
        sizes.push(format!("{example}: {w} × {h} pt"));
    }
    println!("{}", sizes.join("\n"));
}

#[test]
fn the_fleet_graph_groups_each_wave_of_workloads() {
    let dot = render(FLEET, "dot");
    // 45 workloads at most 20 at once: waves of 20, 20 and 5, one node each
    assert_eq!(
        dot.matches("20 clusters: granite-edge-").count(),
        2,
        "{dot}"
    );
    assert_eq!(
        dot.matches("5 clusters: granite-edge-41").count(),
        1,
        "{dot}"
    );
    let nodes = dot
        .lines()
        .filter(|l| l.trim_start().starts_with('n') && l.contains("[label="))
        .count();
    assert_eq!(nodes, 6 + 3, "{dot}");
    // each wave its own rank, the later waves waiting for the earlier (the limit)
    assert_eq!(dot.matches("rank=same").count(), 9, "{dot}");
    assert_eq!(dot.matches("label=\"next wave\"").count(), 2, "{dot}");
}

#[test]
fn hops_are_joined() {
    // three versions, two hops: one edge (at least) from each hop into the next
    let dot = render("examples/harbor-3.16-to-4.3.yaml", "dot");
    assert_eq!(dot.matches("subgraph cluster_hop_").count(), 2, "{dot}");
    assert!(dot.contains("label=\"next hop\""), "{dot}");
    let mermaid = render("examples/harbor-3.16-to-4.3.yaml", "mermaid");
    assert!(mermaid.contains("-->|next hop|"), "{mermaid}");
}

/// Every line is one of the forms the renderer writes; ids are `nN`/`hopN`; every
/// label is one quoted string; `linkStyle` names existing edges.
#[test]
fn mermaid_keeps_to_its_lines() {
    for example in examples() {
        let text = render(&example, "mermaid");
        let mut edges = 0;
        for line in text.lines() {
            let t = line.trim_start();
            let ok = if let Some(rest) = t.strip_prefix("subgraph hop") {
                label_line(rest)
            } else if t.starts_with('n') && t.contains("[\"") {
                label_line(&t[1..])
            } else if t.starts_with('n') && t.contains("-") {
                edges += 1;
                edge_line(t)
            } else if let Some(list) = t.strip_prefix("linkStyle ") {
                let ids = list.split(' ').next().unwrap_or_default();
                ids.split(',')
                    .all(|i| i.parse::<usize>().is_ok_and(|i| i < edges))
            } else {
                t == "flowchart TD"
                    || t == "direction TB"
                    || t == "end"
                    || t.starts_with("classDef ")
                    || t.starts_with("class ")
            };
            assert!(ok, "{example}: unexpected line {line:?}");
        }
    }
}

/// `12["label"]`: digits, then one quoted label without quotes inside.
fn label_line(rest: &str) -> bool {
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let label = &rest[digits..];
    digits > 0
        && label.starts_with("[\"")
        && label.ends_with("\"]")
        && label.matches('"').count() == 2
}

/// `n1 --> n2`, `n1 -->|next hop| n2`, `n1 -.->|next wave| n2`.
fn edge_line(t: &str) -> bool {
    let id = |s: &str| {
        s.strip_prefix('n')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    };
    let (Some((from, rest)), Some((middle, to))) = (t.split_once(' '), t.rsplit_once(' ')) else {
        return false;
    };
    let arrow = &rest[..rest.len().saturating_sub(to.len() + 1)];
    id(from)
        && id(to)
        && middle.len() > from.len()
        && ["-->", "-->|next hop|", "-.->|next wave|"].contains(&arrow)
}

/// `mermaid.min.js`, or `None` (after checking it may be missing) when absent.
fn mermaid_js() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("UPLAN_MERMAID_JS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/ci-npm/mermaid/package/dist/mermaid.min.js")
        });
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("UPLAN_REQUIRE_TOOLS").is_none(),
        "mermaid.min.js is required here: {} is missing",
        path.display()
    );
    None
}

/// A page that renders each chart with mermaid.js, one after another, and writes
/// `NAME: ok` or `NAME: error …` per chart into `<pre id="out">`.
fn mermaid_page(js: &std::path::Path, charts: &[(String, String)]) -> String {
    let charts = serde_json::to_string(charts).unwrap_or_default();
    format!(
        r#"<!DOCTYPE html><html><body><pre id="out"></pre>
<script src="file://{}"></script>
<script>
const charts = {charts};
mermaid.initialize({{ startOnLoad: false, securityLevel: "strict" }});
(async () => {{
  const out = [];
  for (const [i, [name, text]] of charts.entries()) {{
    try {{
      const r = await mermaid.render("chart" + i, text);
      out.push(name + ": " + (r.svg.includes("<svg") ? "ok" : "no svg"));
    }} catch (e) {{
      out.push(name + ": error " + String(e && e.message || e).split("\n").join(" "));
    }}
  }}
  document.getElementById("out").textContent = out.join("\n") + "\nDONE";
}})();
</script></body></html>"#,
        js.display()
    )
}

#[test]
fn every_mermaid_graph_renders_in_mermaid_js() {
    let Some(browser) = browser::chromium() else {
        assert!(
            std::env::var_os("UPLAN_REQUIRE_TOOLS").is_none(),
            "chromium is required here (UPLAN_REQUIRE_TOOLS is set)"
        );
        eprintln!("note: chromium not found; skipping");
        return;
    };
    let Some(js) = mermaid_js() else {
        eprintln!("note: mermaid.min.js not found; skipping");
        return;
    };
    let mut charts: Vec<(String, String)> = examples()
        .into_iter()
        .map(|e| (e.clone(), render(&e, "mermaid")))
        .collect();
    // a hostile title renders as a label, not as syntax
    let json = fs::read_to_string("plans/delta-3.18-dr.json").unwrap_or_default();
    let mut plan: uplan::plan::Plan = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    plan.steps[0].title = "x\"] --> evil[\"#quot; <b>b</b> & {a} |p| `c` %% [l](u) ; end".into();
    charts.push(("hostile".into(), uplan::render::mermaid(&plan)));
    // the harness can fail: a chart with a stray quote in a label is refused
    let broken = "flowchart TD\n  n1[\"a \"b\" c\"]\n";
    charts.push(("broken".into(), broken.into()));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("graphs-mermaid");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let page = dir.join("charts.html");
    fs::write(&page, mermaid_page(&js, &charts)).unwrap_or_else(|e| panic!("{e}"));
    let args = [
        "--virtual-time-budget=60000".to_string(),
        "--dump-dom".into(),
    ];
    let (dom, stderr) = browser::headless(&browser, &dir, "mermaid", &page, &args);
    let logged = browser::console(&stderr);
    assert!(logged.is_empty(), "console messages: {logged:#?}");
    let out = dom
        .split("<pre id=\"out\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_default();
    assert!(out.ends_with("DONE"), "mermaid did not finish: {out:?}");
    for (name, _) in &charts {
        let line = out
            .lines()
            .find(|l| l.starts_with(&format!("{name}: ")))
            .unwrap_or_default();
        if name == "broken" {
            assert!(
                line.contains("error"),
                "the broken chart rendered: {line:?}"
            );
        } else {
            assert_eq!(line, format!("{name}: ok"), "{out}");
        }
    }
}
