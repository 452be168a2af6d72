//! Hostile values cannot change a command or a runbook's structure, in any format.
//!
//! Names that reach commands are Kubernetes names (the loader refuses anything else:
//! tests/trust/hostile-resource-patch.yaml); every other string of an inventory may be
//! anything, and reaches titles, notes and messages. Here such strings carry line
//! breaks, Markdown structure, shell syntax and terminal escape sequences.

use uplan::eval::{self, Mode};
use uplan::model::Rulebook;
use uplan::plan::Plan;

/// Line breaks, a fake heading, a fake checked box, a fence, ESC (clear screen), OSC
/// (window title), BEL, a lone CR, a bidi override.
const EVIL: &str =
    "eks\n## Owned\n- [x] done\n```\nrm -rf /\n```\u{1b}[2J\u{1b}]0;pwned\u{7}\rX\u{202e}";

fn acp() -> Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn inventory() -> String {
    let evil = serde_json::to_string(EVIL).unwrap_or_default();
    format!(
        r#"{{
  "platform": {{"version": "3.18.1"}},
  "target": "4.0",
  "extraction": {{"same_disk": false, "free_gb": 300}},
  "clusters": [
    {{"name": "global", "role": "global", "kubernetes": "1.30.1", "runtime": "containerd",
      "istio": null, "plugins": [{{"name": {evil}}}], "disks": [{{"path": "/cpaas/minio", "free_gb": 300}}],
      "etcd_backup_tasks": [], "elasticsearch": null, "resource_patches": []}},
    {{"name": "cloud-1", "role": "workload", "type": "managed", "provider": {evil},
      "kubernetes": "1.28.3", "runtime": "containerd", "istio": null,
      "plugins": [{{"name": "op", "kind": "operator", "source": {evil}}}],
      "etcd_backup_tasks": [], "elasticsearch": null, "resource_patches": []}}
  ]
}}"#
    )
}

fn plan(rb: &Rulebook, text: &str) -> Plan {
    let inv = uplan::inventory::load(rb, "hostile.json", text)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let ev = eval::evaluate(rb, &inv, None, Mode::Plan)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    ev.to_plan(rb, &inv)
}

/// No control character but the line feeds the renderer writes itself, and no line
/// that the hostile value would have started.
fn assert_structure_kept(format: &str, out: &str) {
    for c in out.chars() {
        assert!(
            c == '\n' || !uplan::sanitize::is_unsafe_char(c),
            "{format}: raw {c:?} in output"
        );
    }
    for line in out.lines() {
        let t = line.trim_start();
        for forged in ["## Owned", "- [x] done", "rm -rf /", "X"] {
            assert_ne!(
                t, forged,
                "{format}: the value opened its own line: {line:?}"
            );
        }
    }
}

#[test]
fn hostile_strings_stay_inside_their_values_in_every_format() {
    let rb = acp();
    let p = plan(&rb, &inventory());
    // the hostile values did reach the plan, so the test can fail
    let all = uplan::render::json(&p);
    assert!(
        all.contains("## Owned"),
        "the hostile value reached no plan text"
    );
    assert_structure_kept("text", &uplan::render::text(&p, &Default::default()));
    assert_structure_kept(
        "text (colour)",
        &strip_sgr(&uplan::render::text(
            &p,
            &uplan::render::Options {
                colour: true,
                ..Default::default()
            },
        )),
    );
    let md = uplan::render::markdown(&p, &Default::default());
    assert_structure_kept("md", &md);
    let fences = md
        .lines()
        .filter(|l| l.trim_start().starts_with("```"))
        .count();
    assert_eq!(fences % 2, 0, "md: unbalanced fences");
    assert_structure_kept("dot", &uplan::render::dot(&p));
    assert_structure_kept("mermaid", &uplan::render::mermaid(&p));
    let html = uplan::render::html(&p, &uplan::render::Options::default());
    assert!(html.contains("## Owned"), "the value reached no html");
    for forged in [
        ">Owned<",
        "<h2>Owned",
        // a list item of its own (the runbook's own "done when" items are not forged)
        "<li>[x] done",
        "<pre><code>rm",
        "checked=\"\"",
    ] {
        assert!(!html.contains(forged), "html: the value made {forged}");
    }
    assert_structure_kept("html", &html);
    // JSON keeps the exact value (it is data), escaped by the JSON writer.
    let back: Plan = serde_json::from_str(&all).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back, p);
    for c in all.chars() {
        assert!(c == '\n' || !c.is_control(), "json: raw {c:?}");
    }
}

/// The renderer's own colours are the only escape sequences allowed on a terminal.
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d == 'm' {
                    break;
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// A rulebook whose command interpolates a free string: the value is quoted for the
/// shell context it lands in, whatever the template. Checked with bash itself: each
/// command runs, and the value's own commands (which would create a marker file) never
/// do; the value comes out as text.
#[test]
fn a_free_string_in_a_command_never_runs_in_any_quoting_context() {
    let rules = r#"
record platform { version: version }
entity node { name: dns-label  note: string }
inventory { platform: platform  target: version?  nodes: [node] }
path from platform.version to target
hop 1.0 -> 2.0
phases main
step touch(n: node) {
  title "Touch {n.name}"
  phase main
  command "echo {n.note} plain"
  command "echo \"in double {n.note} quotes\""
  command "echo 'in single {n.note} quotes'"
  command "echo \"$(printf '%s' {n.note})\""
}
procedure all {
  source "test"
  each node n
  do touch(n)
}
"#;
    let rb = uplan::compile(&[("r.uplan".to_string(), rules.to_string())])
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-shell");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let mark = dir.join("pwned");
    let m = mark.display();
    let value = format!("x; touch {m} #'\"$(touch {m})`touch {m}`\ntouch {m}\r\x1b[2J");
    let note = serde_json::to_string(&value).unwrap_or_default();
    let inv = format!(
        r#"{{"platform": {{"version": "1.0"}}, "target": "2.0", "nodes": [{{"name": "n1", "note": {note}}}]}}"#
    );
    let p = plan(&rb, &inv);
    let commands = &p.steps[0].commands;
    assert_eq!(commands.len(), 4);
    for c in commands {
        assert!(
            !c.chars().any(char::is_control),
            "a raw control character in {c:?}"
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(c)
            .current_dir(&dir)
            .output()
            .unwrap_or_else(|e| panic!("bash: {e}"));
        assert!(
            out.status.success(),
            "{c}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!mark.exists(), "the value ran a command: {c}");
        let printed = String::from_utf8_lossy(&out.stdout);
        assert!(
            printed.contains(&format!("touch {m}")),
            "{c} printed {printed:?}"
        );
    }
}

/// A credential inside a URL never reaches a plan, in any format: the value is accepted
/// (a provider may well be written as an address) and shown as `https://***@host`.
#[test]
fn url_credentials_never_reach_a_plan() {
    let rb = acp();
    let text = inventory().replace(
        &serde_json::to_string(EVIL).unwrap_or_default(),
        "\"https://admin:hunter2@eks.example/cluster\"",
    );
    let p = plan(&rb, &text);
    let outputs = [
        ("json", uplan::render::json(&p)),
        ("text", uplan::render::text(&p, &Default::default())),
        ("md", uplan::render::markdown(&p, &Default::default())),
        ("dot", uplan::render::dot(&p)),
        ("mermaid", uplan::render::mermaid(&p)),
        (
            "html",
            uplan::render::html(&p, &uplan::render::Options::default()),
        ),
        ("check json", uplan::render::check_json(&p)),
    ];
    assert!(
        outputs[0].1.contains("https://***@eks.example"),
        "{}",
        outputs[0].1
    );
    for (format, out) in outputs {
        assert!(!out.contains("hunter2"), "{format} echoes the password");
        assert!(!out.contains("admin:"), "{format} echoes the user");
    }
}
