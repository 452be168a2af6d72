//! The HTML report (`uplan plan --format html`): one self-contained file that loads
//! nothing from the network and never turns an inventory string into markup; and, in
//! headless Chromium, the DR example's report loads without a console message, shows
//! every step of the plan, prints to PDF, and leaves a screenshot (and the PDF) in
//! `target/test-artifacts/`.
//!
//! Chromium is skipped (with a note) when it is not installed, unless
//! `UPLAN_REQUIRE_TOOLS` is set (`.ci/run` sets it and installs `chromium`).

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::fs;
use std::path::{Path, PathBuf};

use browser::{chromium, console, headless};
use common::uplan;
use uplan::plan::Plan;

const DR_EXAMPLE: &str = "examples/delta-3.18-dr.yaml";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("html")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn report(example: &str) -> String {
    let run = uplan(&["plan", example, "--format", "html"]);
    assert!(matches!(run.code, Some(0 | 1)), "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stdout
}

fn dr_plan() -> Plan {
    let run = uplan(&["plan", DR_EXAMPLE, "--format", "json"]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}"))
}

/// A reference that would make a browser fetch something: in a tag (text is
/// escaped, so every raw `<` opens one), an element that loads a resource or an
/// attribute naming one; in the stylesheet, an import or a `url(…)` that is not a
/// fragment; a script other than the one inline script.
fn network_references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    for tag in lower.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let name = tag.split([' ', '/', '\n']).next().unwrap_or_default();
        if [
            "img", "link", "iframe", "object", "embed", "base", "audio", "video", "source",
        ]
        .contains(&name)
        {
            found.push(format!("<{name}>"));
        }
        for attr in [" src=", " href=", " srcset=", " xlink:href=", " action="] {
            if tag.contains(attr) {
                found.push(format!("<{name}{attr}…>"));
            }
        }
    }
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        if !rest.starts_with('#') {
            found.push(format!("url({}", &rest[..rest.len().min(20)]));
        }
    }
    if lower.contains("@import") {
        found.push("@import".to_string());
    }
    if lower.matches("<script").count() != 1 {
        found.push("a script other than the inline one".to_string());
    }
    found
}

#[test]
fn every_example_report_is_self_contained() {
    let mut checked = 0;
    for entry in fs::read_dir("examples").into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let html = report(&path.to_string_lossy());
        let found = network_references(&html);
        assert!(found.is_empty(), "{}: {found:?}", path.display());
        // the graph is there when there are steps to draw (plans/ holds the JSON)
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let json = fs::read_to_string(format!("plans/{stem}.json")).unwrap_or_default();
        let steps = serde_json::from_str::<Plan>(&json).map_or(1, |p| p.steps.len());
        let graph = html.contains("<svg class=\"steps\"");
        assert_eq!(
            graph,
            steps > 0,
            "{}: graph {graph}, {steps} steps",
            path.display()
        );
        assert_eq!(
            html.matches("<details").count(),
            html.matches("</details>").count(),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} examples");
}

/// The check above can fail: it sees each kind of reference.
#[test]
fn the_network_check_sees_references() {
    for bad in [
        "<img src=\"https://x.example/a.png\">",
        "<a href=\"http://x.example/\">x</a>",
        "<style>@import 'https://x.example/a.css';</style>",
        "<style>body{background:url(https://x.example/b.png)}</style>",
        "<script src=\"https://x.example/a.js\"></script><script></script>",
        "<link rel=stylesheet href=//x.example/a.css>",
    ] {
        let page = format!("<html><body>{bad}<script>1</script></body></html>");
        assert!(!network_references(&page).is_empty(), "missed {bad}");
    }
}

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](https://evil.example/) &amp; ]]> \"' <!-- c";

#[test]
fn hostile_values_stay_text() {
    let mut plan = dr_plan();
    plan.steps[0].title = format!("title {HOSTILE}");
    plan.steps[1].notes.push(format!("note {HOSTILE}"));
    plan.findings[0].message = format!("message {HOSTILE}");
    plan.inventory_meta = Some(uplan::plan::InventoryMeta {
        customer: Some(format!("customer {HOSTILE}")),
        collected_at: None,
    });
    let html = uplan::render::html(&plan, &uplan::render::Options::default());
    let found = network_references(&html);
    assert!(found.is_empty(), "{found:?}");
    assert!(
        !html.contains("alert(1)</script>"),
        "the script became markup"
    );
    assert!(!html.contains("<!-- c"), "the comment became markup");
    // each value arrived, as text
    for place in ["title", "note", "message", "customer"] {
        let shown = format!(
            "{place} &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
        );
        assert!(html.contains(&shown), "{place} is not shown as text");
    }
}

#[test]
fn the_report_is_deterministic() {
    assert_eq!(report(DR_EXAMPLE), report(DR_EXAMPLE));
}

/// Text as Chromium's `--dump-dom` serialises it.
fn dom_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\u{a0}', "&nbsp;")
}

/// `(width, height)` from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    Some((be(&bytes[16..20]), be(&bytes[20..24])))
}

#[test]
fn the_dr_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("UPLAN_REQUIRE_TOOLS").is_none(),
            "chromium is required here (UPLAN_REQUIRE_TOOLS is set)"
        );
        eprintln!("note: chromium not found; skipping the browser test");
        return;
    };
    let dir = scratch("chromium");
    let page = dir.join("delta-3.18-dr.html");
    fs::write(&page, report(DR_EXAMPLE)).unwrap_or_else(|e| panic!("{e}"));

    let (dom, stderr) = headless(&browser, &dir, "dom", &page, &["--dump-dom".into()]);
    assert_eq!(console(&stderr), Vec::<&str>::new(), "console messages");
    assert!(
        dom.contains("<svg class=\"steps\""),
        "no step graph in the DOM"
    );
    let plan = dr_plan();
    assert!(plan.steps.len() > 10);
    for step in &plan.steps {
        let title = dom_text(&step.title);
        assert!(dom.contains(&title), "the DOM lacks step {:?}", step.title);
    }

    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(Path::new("target"))
        .join("test-artifacts");
    fs::create_dir_all(&artifacts).unwrap_or_else(|e| panic!("{e}"));
    let shot = artifacts.join("delta-3.18-dr.png");
    let _ = fs::remove_file(&shot);
    let args = [
        format!("--screenshot={}", shot.display()),
        "--window-size=1280,2400".into(),
        "--hide-scrollbars".into(),
    ];
    let (_, stderr) = headless(&browser, &dir, "screenshot", &page, &args);
    assert_eq!(console(&stderr), Vec::<&str>::new(), "console messages");
    let png = fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot: {e}"));
    assert_eq!(png_size(&png), Some((1280, 2400)));
    println!("screenshot: {}", shot.display());

    // Printable: Chromium prints it to PDF without a console message.
    let pdf = artifacts.join("delta-3.18-dr.pdf");
    let _ = fs::remove_file(&pdf);
    let args = [
        format!("--print-to-pdf={}", pdf.display()),
        "--no-pdf-header-footer".into(),
    ];
    let (_, stderr) = headless(&browser, &dir, "pdf", &page, &args);
    assert_eq!(console(&stderr), Vec::<&str>::new(), "console messages");
    let bytes = fs::read(&pdf).unwrap_or_else(|e| panic!("no pdf: {e}"));
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() > 10_000,
        "{} bytes",
        bytes.len()
    );
    println!("printed: {}", pdf.display());

    // The console check can fail: a page that logs is caught.
    let bad = dir.join("bad.html");
    fs::write(&bad, "<!DOCTYPE html><p>x</p><script>missing();</script>").unwrap_or_default();
    let (_, stderr) = headless(&browser, &dir, "bad", &bad, &["--dump-dom".into()]);
    assert!(
        !console(&stderr).is_empty(),
        "an uncaught error went unseen"
    );
}
