//! `--lang zh`: the rulebook's translations replace titles, notes and messages; a text
//! without an entry stays English; commands, ids and names never change; the plan
//! records its language and `uplan validate` accepts it (issue 9, "Chinese").

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::uplan;

const MINI_INVENTORY: &str = "tests/fixtures/mini/inventory.yaml";

/// The mini rulebook plus a Chinese block translating one title and one message.
fn mini_with_zh(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lang-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    for entry in fs::read_dir("tests/fixtures/mini").unwrap_or_else(|e| panic!("{e}")) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        if path.extension().is_some_and(|x| x == "uplan") {
            let target = dir.join(path.file_name().unwrap_or_default());
            fs::copy(&path, target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let zh = "translation zh {\n  \"Upgrade Kubernetes on {c.name} to {to}\" = \"把 {c.name} 的 Kubernetes 升级到 {to}\"\n  \"{c.name} runs Kubernetes {c.kubernetes}; 2.0 needs 1.29 first\" = \"{c.name} 运行 Kubernetes {c.kubernetes}；2.0 需要先升级到 1.29\"\n}\n";
    fs::write(dir.join("zh.uplan"), zh).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn plan_json(rules: &Path, lang: &str) -> serde_json::Value {
    let run = uplan(&[
        "plan",
        MINI_INVENTORY,
        "--rules",
        &rules.display().to_string(),
        "--format",
        "json",
        "--lang",
        lang,
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn texts<'a>(plan: &'a serde_json::Value, list: &str, key: &str) -> Vec<&'a str> {
    plan[list]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x[key].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn translated_texts_replace_english_and_the_rest_falls_back() {
    let rules = mini_with_zh("texts");
    let en = plan_json(&rules, "en");
    let zh = plan_json(&rules, "zh");
    let titles = texts(&zh, "steps", "title");
    assert!(
        titles.contains(&"把 global 的 Kubernetes 升级到 1.29"),
        "{titles:?}"
    );
    // No entry: the English title, as in the English plan.
    assert!(titles.contains(&"Back up global"), "{titles:?}");
    let messages = texts(&zh, "findings", "message");
    assert!(
        messages.contains(&"global 运行 Kubernetes 1.28.5；2.0 需要先升级到 1.29"),
        "{messages:?}"
    );
    // Commands, ids, actions and the order are the same in both languages.
    for key in ["id", "action", "hop", "cluster"] {
        assert_eq!(texts(&en, "steps", key), texts(&zh, "steps", key), "{key}");
    }
    assert_eq!(
        en["steps"]
            .as_array()
            .map(|s| s.iter().map(|x| x["commands"].clone()).collect::<Vec<_>>()),
        zh["steps"]
            .as_array()
            .map(|s| s.iter().map(|x| x["commands"].clone()).collect::<Vec<_>>())
    );
    assert_eq!(zh["lang"], "zh");
    assert!(en.get("lang").is_none(), "an English plan stays as it was");
}

#[test]
fn a_chinese_plan_validates() {
    let rules = mini_with_zh("validate");
    let dir = rules.join("out");
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let plan = dir.join("plan.json");
    let r = rules.display().to_string();
    let p = plan.display().to_string();
    let run = uplan(&[
        "plan",
        MINI_INVENTORY,
        "--rules",
        &r,
        "--format",
        "json",
        "--lang",
        "zh",
        "-o",
        &p,
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    let run = uplan(&["validate", &p, "--inventory", MINI_INVENTORY, "--rules", &r]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    // A zh plan whose titles were turned back into English is an edited plan.
    let text = fs::read_to_string(&plan).unwrap_or_default();
    let edited = text.replace(
        "把 global 的 Kubernetes 升级到 1.29",
        "Upgrade Kubernetes on global to 1.29",
    );
    fs::write(&plan, edited).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["validate", &p, "--inventory", MINI_INVENTORY, "--rules", &r]);
    assert_eq!(run.code, Some(1), "{run:#?}");
    assert!(
        run.stdout.contains("changed_title") || run.stderr.contains("changed_title"),
        "{run:#?}"
    );
}

/// The ACP rulebook in Chinese: `uplan check` states the 3.16 Kubernetes floor of the
/// 4.0 guide in Chinese and still points at the inventory line.
#[test]
fn check_speaks_chinese_with_the_acp_rulebook() {
    let run = uplan(&[
        "check",
        "examples/harbor-3.16-to-4.3.yaml",
        "--to",
        "4.3",
        "--lang",
        "zh",
    ]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(
        run.stdout
            .contains("harbor-terminal 运行 Kubernetes 1.27.12"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("examples/harbor-3.16-to-4.3.yaml:27"),
        "{}",
        run.stdout
    );
    insta::assert_snapshot!(run.stdout);
}
