//! `uplan inventory import` and `uplan inventory collect` end to end (issue 10,
//! acceptance 1 and 2), on the recorded bundles of `tests/fixtures/bundles/`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, uplan};

const ACME: &str = "tests/fixtures/bundles/acme";
const SKELETON: &str = "tests/fixtures/bundles/acme-skeleton.yaml";

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("import")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or_else(|| panic!("{p:?} is not UTF-8"))
}

/// The clusters of an inventory text: name → (kubernetes, runtime).
fn facts(text: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let field =
        |c: &serde_yaml::Value, k: &str| c.get(k).and_then(|v| v.as_str()).map(str::to_string);
    doc.get("clusters")
        .and_then(|c| c.as_sequence())
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    (
                        field(c, "name").unwrap_or_default(),
                        field(c, "kubernetes"),
                        field(c, "runtime"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn import_acme(out: &Path) -> Run {
    uplan(&[
        "inventory",
        "import",
        ACME,
        "--into",
        SKELETON,
        "-o",
        s(out),
    ])
}

/// Acceptance 1: the written inventory loads (`uplan check` does not exit 2), and
/// every cluster's Kubernetes version and runtime are its nodes'.
#[test]
fn import_gives_an_inventory_that_check_loads() {
    let dir = scratch("acceptance");
    let out = dir.join("acme.yaml");
    let run = import_acme(&out);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.stdout, "", "-o leaves stdout empty");
    let text = fs::read_to_string(&out).unwrap_or_default();
    // From the Node lists: the lowest kubelet of biz-1 (mid-upgrade), Docker on biz-2,
    // EKS's vendor suffix dropped, `v` stripped everywhere.
    let want = [
        ("global", "1.30.4", "containerd"),
        ("biz-1", "1.29.6", "containerd"),
        ("biz-2", "1.30.2", "docker"),
        ("eks-1", "1.30.4", "containerd"),
    ];
    let got = facts(&text);
    for (name, k8s, runtime) in want {
        let c = got.iter().find(|c| c.0 == name);
        assert_eq!(
            c.map(|c| (c.1.as_deref(), c.2.as_deref())),
            Some((Some(k8s), Some(runtime))),
            "{name}\n{text}"
        );
    }
    let check = uplan(&["check", s(&out), "--to", "4.3"]);
    // Biz-2's Docker blocks 4.3 (the 4.3 preflight refuses Docker): loaded and blocked.
    assert_eq!(check.code, Some(1), "{check:?}");
    assert!(
        check.stdout.contains("biz-2") && check.stdout.contains("Docker"),
        "{check:?}"
    );
    insta::assert_snapshot!("acme_inventory", text);
    insta::assert_snapshot!("acme_stderr", run.stderr);
}

/// Acceptance 1: mixed versions are reported by cluster and node.
#[test]
fn mixed_versions_are_reported_by_node() {
    let dir = scratch("mixed");
    let run = import_acme(&dir.join("acme.yaml"));
    assert!(
        run.stderr.contains("uplan::bundle::mixed_versions"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("cluster `biz-1`: nodes disagree on the Kubernetes version: 1.29.6 on biz1-node-1, biz1-node-2;"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("biz1-master-1, biz1-node-3; taking the lowest, 1.29.6"),
        "{}",
        run.stderr
    );
}

/// The bundle wins over the skeleton, and says so at the skeleton's line.
#[test]
fn contradictions_point_at_the_skeleton() {
    let run = uplan(&["inventory", "import", ACME, "--into", SKELETON]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("clusters.biz-1.kubernetes: the skeleton says `1.30`, the bundle's nodes.json says `1.29.6`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("acme-skeleton.yaml:17:17"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "platform.version: the skeleton says `4.1`, the bundle's cvsh.json says `4.1.2`"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("  version: \"4.1.2\""),
        "{}",
        run.stdout
    );
}

/// Byte-identical runs, and independent of the order of nodes and items in the files.
#[test]
fn output_is_deterministic_and_order_independent() {
    let a = uplan(&["inventory", "import", ACME, "--into", SKELETON]);
    let b = uplan(&["inventory", "import", ACME, "--into", SKELETON]);
    assert_eq!(a.stdout, b.stdout);
    let dir = scratch("reversed");
    let copy = dir.join("acme");
    copy_reversed(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(ACME).as_path(),
        &copy,
    );
    let c = uplan(&["inventory", "import", s(&copy), "--into", SKELETON]);
    let strip = |t: &str| t.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(
        strip(&a.stdout),
        strip(&c.stdout),
        "only the header's bundle path differs"
    );
    let firsts = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("uplan::"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(firsts(&a.stderr), firsts(&c.stderr));
}

/// A copy of a bundle with every JSON `items` list reversed.
fn copy_reversed(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for entry in fs::read_dir(from).into_iter().flatten().flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_reversed(&src, &dst);
            continue;
        }
        let text = fs::read_to_string(&src).unwrap_or_default();
        let out = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(mut v) => {
                if let Some(items) = v.get_mut("items").and_then(|i| i.as_array_mut()) {
                    items.reverse();
                }
                serde_json::to_string(&v).unwrap_or_default()
            }
            Err(_) => text,
        };
        fs::write(&dst, out).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Without a skeleton, nothing is invented: no role, so the output does not load yet
/// (exit 1), each field to fill marked, and `check` points at what is missing.
#[test]
fn without_a_skeleton_roles_are_left_to_fill() {
    let dir = scratch("bare");
    let out = dir.join("bare.yaml");
    let run = uplan(&["inventory", "import", ACME, "-o", s(&out)]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("uplan::import::incomplete"),
        "{}",
        run.stderr
    );
    let text = fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(
        text.matches("# TODO(uplan): role: required").count(),
        4,
        "{text}"
    );
    assert!(text.contains("# TODO(uplan): platform: required"), "{text}");
    assert!(
        !text.contains("    role: \""),
        "no role is invented: {text}"
    );
    let check = uplan(&["check", s(&out)]);
    assert_eq!(check.code, Some(2), "{check:?}");
    assert!(
        check.stderr.contains("uplan::inventory::missing_field"),
        "{check:?}"
    );
}

/// Every malformed bundle is refused (exit 2) with its code, naming the file.
#[test]
fn malformed_bundles_get_coded_diagnostics() {
    let cases = [
        ("bad-json", "uplan::bundle::bad_json", "c1/nodes.json"),
        ("html", "uplan::bundle::bad_json", "c1/nodes.json"),
        ("wrong-shape", "uplan::bundle::wrong_shape", "c1/nodes.json"),
        (
            "no-node-info",
            "uplan::bundle::wrong_shape",
            "c1/nodes.json",
        ),
        ("pods", "uplan::bundle::wrong_shape", "c1/nodes.json"),
        (
            "empty-list",
            "uplan::bundle::empty_node_list",
            "c1/nodes.json",
        ),
        ("no-nodes", "uplan::bundle::missing_nodes", "c1/"),
        ("bad-name", "uplan::bundle::bad_cluster_name", "Biz_1"),
        ("bad-kubelet", "uplan::bundle::bad_version", "c1/nodes.json"),
        ("bad-df", "uplan::bundle::bad_df", "global/minio-df.txt"),
        (
            "bad-annotation",
            "uplan::bundle::bad_version",
            "c1/resourcepatches.json",
        ),
        (
            "empty-bundle",
            "uplan::bundle::not_a_bundle",
            "empty-bundle",
        ),
        ("nonexistent", "uplan::bundle::not_a_bundle", "nonexistent"),
    ];
    let mut shown = String::new();
    for (case, code, file) in cases {
        let bundle = format!("tests/fixtures/bundles/bad/{case}");
        let run = uplan(&["inventory", "import", &bundle]);
        assert_eq!(run.code, Some(2), "{case}: {run:?}");
        assert!(run.stderr.contains(code), "{case}: {}", run.stderr);
        assert!(
            run.stderr.contains(file),
            "{case} names {file}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "", "{case}");
        shown.push_str(&format!("== {case}\n{}\n", run.stderr));
    }
    insta::assert_snapshot!("malformed", shown);
}

/// A runtime that is neither containerd nor docker (CRI-O) is a warning; the runtime
/// is left out (unknown, not the schema's default) and marked. A single `Node` works.
#[test]
fn an_unknown_runtime_is_left_to_fill() {
    let run = uplan(&["inventory", "import", "tests/fixtures/bundles/crio"]);
    assert!(
        run.stderr.contains("uplan::bundle::unknown_runtime"),
        "{run:?}"
    );
    assert!(run.stderr.contains("cri-o://1.29.1"), "{}", run.stderr);
    assert!(
        run.stdout.contains("kubernetes: \"1.29.3\""),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("    runtime: \""), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("# TODO(uplan): runtime: not in the bundle"),
        "{}",
        run.stdout
    );
}

#[test]
fn huge_files_and_symlinks_are_refused() {
    let dir = scratch("limits");
    let c1 = dir.join("huge/c1");
    fs::create_dir_all(&c1).unwrap_or_else(|e| panic!("{e}"));
    let f = fs::File::create(c1.join("nodes.json")).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(65 * 1024 * 1024)
        .unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["inventory", "import", s(&dir.join("huge"))]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("uplan::bundle::unreadable") && run.stderr.contains("64 MiB"),
        "{}",
        run.stderr
    );
    #[cfg(unix)]
    {
        let c2 = dir.join("link/c2");
        fs::create_dir_all(&c2).unwrap_or_else(|e| panic!("{e}"));
        let _ = std::os::unix::fs::symlink("/etc/passwd", c2.join("nodes.json"));
        let run = uplan(&["inventory", "import", s(&dir.join("link"))]);
        assert_eq!(run.code, Some(2), "{run:?}");
        assert!(
            run.stderr.contains("uplan::bundle::symlink") && run.stderr.contains("c2/nodes.json"),
            "{}",
            run.stderr
        );
    }
}

/// A failed import writes nothing over a good file.
#[test]
fn a_failed_import_keeps_the_output_file() {
    let dir = scratch("keep");
    let out = dir.join("inv.yaml");
    fs::write(&out, "good\n").unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&[
        "inventory",
        "import",
        "tests/fixtures/bundles/bad/bad-json",
        "-o",
        s(&out),
    ]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(fs::read_to_string(&out).ok().as_deref(), Some("good\n"));
    let run = uplan(&[
        "inventory",
        "import",
        ACME,
        "--into",
        SKELETON,
        "-o",
        SKELETON,
    ]);
    assert!(
        run.stderr.contains("uplan::cli::output_is_input"),
        "{run:?}"
    );
}

/// Hostile values in the skeleton and the bundle stay inside their scalars: the
/// output parses back to the same values and still loads.
#[test]
fn hostile_values_cannot_break_the_document() {
    let dir = scratch("hostile");
    let bundle = dir.join("b");
    copy_reversed(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(ACME).as_path(),
        &bundle,
    );
    let evil = "2026\"\n# evil: true\nclusters: []\u{1b}[31m\u{202e}'\\";
    // A node name reaches the header (the control plane's names).
    let nodes = bundle.join("global/nodes.json");
    let text = fs::read_to_string(&nodes).unwrap_or_default();
    let hostile_node = text.replace(
        "\"name\":\"global-cp-1\"",
        "\"name\":\"cp-1\\n# evil: true\\u001b[31m\"",
    );
    assert_ne!(text, hostile_node, "the node name was replaced");
    fs::write(&nodes, hostile_node).unwrap_or_else(|e| panic!("{e}"));
    let meta = serde_json::json!({"collected_at": evil, "uplan": "0.1.0\n#x"});
    fs::write(bundle.join("bundle.json"), meta.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let skeleton = dir.join("skeleton.yaml");
    let base = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SKELETON))
        .unwrap_or_default();
    let hostile = base.replace(
        "customer: Acme Retail",
        "customer: \"a\\n# b: c\\\"'\\u0085 #\"\n  notes: ['x: y', \"- z\"]",
    );
    fs::write(&skeleton, hostile).unwrap_or_else(|e| panic!("{e}"));
    let out = dir.join("out.yaml");
    let run = uplan(&[
        "inventory",
        "import",
        s(&bundle),
        "--into",
        s(&skeleton),
        "-o",
        s(&out),
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    let text = fs::read_to_string(&out).unwrap_or_default();
    let doc: serde_yaml::Value =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let meta = doc.get("meta");
    assert_eq!(
        meta.and_then(|m| m.get("collected_at"))
            .and_then(|v| v.as_str()),
        Some(evil)
    );
    assert_eq!(
        meta.and_then(|m| m.get("customer"))
            .and_then(|v| v.as_str()),
        Some("a\n# b: c\"'\u{85} #")
    );
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("# evil") || l.starts_with("clusters: []")),
        "{text}"
    );
    assert_eq!(facts(&text).len(), 4, "{text}");
    let check = uplan(&["check", s(&out), "--to", "4.3"]);
    assert_ne!(check.code, Some(2), "{check:?}");
}

/// A skeleton cluster the bundle lacks keeps its facts and is reported.
#[test]
fn a_skeleton_cluster_not_in_the_bundle_is_reported() {
    let dir = scratch("extra");
    let skeleton = dir.join("s.yaml");
    let base = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(SKELETON))
        .unwrap_or_default();
    fs::write(
        &skeleton,
        format!("{base}  - name: biz-9\n    role: workload\n    kubernetes: \"1.31.1\"\n"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["inventory", "import", ACME, "--into", s(&skeleton)]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr.contains("uplan::import::not_in_bundle") && run.stderr.contains("biz-9"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("kubernetes: \"1.31.1\""),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_skeletons_are_refused() {
    let dir = scratch("bad-skeleton");
    for (name, text) in [
        ("alias.yaml", "platform: &p {version: \"4.1\"}\nx: *p\n"),
        ("list.yaml", "- a\n"),
        ("clusters.yaml", "clusters: {a: 1}\n"),
    ] {
        let path = dir.join(name);
        fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let run = uplan(&["inventory", "import", ACME, "--into", s(&path)]);
        assert_eq!(run.code, Some(2), "{name}: {run:?}");
        assert!(
            run.stderr.contains("uplan::import::bad_skeleton"),
            "{name}: {}",
            run.stderr
        );
    }
}

// ---- collect (acceptance 2)

/// What the script may run, from the guides: `kubectl get nodes -o json` (the issue),
/// `kubectl get machines.platform.tkestack.io` (4.0 and 4.3 guides, DR), ResourcePatches
/// with their annotation and `get cvsh` in cpaas-system (4.3 guide, preflight), and
/// the Istio control plane (istiod).
const GETS: [&str; 5] = [
    "get nodes -o json",
    "get machines.platform.tkestack.io -o json",
    "get resourcepatches -o json",
    "get -n cpaas-system cvsh -o json",
    "get deployments -A -l app=istiod -o json",
];

fn script() -> String {
    let run = uplan(&[
        "inventory",
        "collect",
        "kubernetes-admin@global=global",
        "biz-1",
    ]);
    assert_eq!(run.code, Some(0), "{run:?}");
    run.stdout
}

/// Every `kubectl` the script runs: one line, inside `get`, always `get … -o json`;
/// the `get` calls are exactly the list above; violet only lists.
#[test]
fn collect_runs_only_read_only_gets() {
    let text = script();
    let code: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    // Where `kubectl` is a command word: not inside a message, not `command -v`.
    let runs_kubectl = |l: &&&str| {
        let l = l.replace("command -v kubectl", "");
        let unquoted: String = l.split('"').step_by(2).collect();
        unquoted.contains("kubectl") || l.starts_with("if kubectl ")
    };
    let kubectl: Vec<&&str> = code.iter().filter(runs_kubectl).collect();
    assert_eq!(
        kubectl,
        [&"if kubectl --context \"$ctx\" get \"$@\" -o json >\"$out.part\" 2>\"$out.err\"; then"],
        "{text}"
    );
    let calls: Vec<String> = code
        .iter()
        .filter_map(|l| {
            l.strip_prefix("get required \"$ctx\" ")
                .or_else(|| l.strip_prefix("get optional \"$ctx\" "))
        })
        .map(|l| {
            let args: Vec<&str> = l
                .split_whitespace()
                .skip(1)
                .map(|a| a.trim_matches('\''))
                .collect();
            format!("get {} -o json", args.join(" "))
        })
        .collect();
    assert_eq!(calls, GETS, "{text}");
    let violet: Vec<&&str> = code.iter().filter(|l| l.contains("violet ")).collect();
    let runs = |l: &&&&str| {
        l.starts_with("violet ") || l.contains("; violet ") || l.contains("&& violet ")
    };
    assert!(
        violet
            .iter()
            .filter(runs)
            .all(|l| l.starts_with("violet list ")),
        "{violet:?}"
    );
    assert!(
        violet.iter().any(|l| l.starts_with("violet list ")),
        "{violet:?}"
    );
    let lower = text.to_lowercase();
    assert!(
        !lower.contains("secret") || lower.contains("reads no secret"),
        "{text}"
    );
    assert!(!lower.contains("--platform-password"), "{text}");
}

/// `shellcheck -s sh` passes. Skipped (with a note) where shellcheck is missing,
/// unless `UPLAN_REQUIRE_TOOLS` is set (CI sets it).
#[test]
fn collect_script_passes_shellcheck() {
    let dir = scratch("shellcheck");
    let path = dir.join("collect.sh");
    fs::write(&path, script()).unwrap_or_else(|e| panic!("{e}"));
    let out = match Command::new("shellcheck")
        .args(["-s", "sh", s(&path)])
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            assert!(
                std::env::var_os("UPLAN_REQUIRE_TOOLS").is_none(),
                "shellcheck is required here: {e}"
            );
            eprintln!("note: shellcheck not found ({e}); skipping");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The script run against a fake kubectl: the commands it actually runs, and the
/// bundle it writes imports.
#[cfg(unix)]
#[test]
fn collect_script_runs_the_listed_commands_and_writes_a_bundle() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("fake");
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap_or_else(|e| panic!("{e}"));
    let nodes = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(ACME)
        .join("global/nodes.json");
    let fake = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\ncase \"$*\" in *' get nodes '*) cat '{nodes}' ;; *' get machines'*) echo 'error: the server does not have a resource type' >&2; exit 1 ;; *) echo '{{\"kind\":\"List\",\"items\":[]}}' ;; esac\n",
        log = s(&dir.join("log")),
        nodes = s(&nodes)
    );
    fs::write(bin.join("kubectl"), fake).unwrap_or_else(|e| panic!("{e}"));
    fs::set_permissions(bin.join("kubectl"), fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    fs::write(dir.join("collect.sh"), script()).unwrap_or_else(|e| panic!("{e}"));
    let path = format!("{}:/usr/bin:/bin", s(&bin));
    let out = Command::new("sh")
        .args(["collect.sh", "-d", "bundle", "ctx-a=global"])
        .current_dir(&dir)
        .env("PATH", path)
        .env_remove("UPLAN_PLATFORM_TOKEN")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = fs::read_to_string(dir.join("log")).unwrap_or_default();
    let want: Vec<String> = GETS
        .iter()
        .map(|g| format!("--context ctx-a {g}"))
        .collect();
    assert_eq!(log.lines().collect::<Vec<_>>(), want);
    assert!(
        !dir.join("bundle/global/machines.json").exists(),
        "a failed optional get leaves no file"
    );
    let meta = fs::read_to_string(dir.join("bundle/bundle.json")).unwrap_or_default();
    assert!(
        serde_json::from_str::<serde_json::Value>(&meta).is_ok(),
        "{meta}"
    );
    let run = uplan(&["inventory", "import", s(&dir.join("bundle"))]);
    assert!(run.stdout.contains("kubernetes: \"1.30.4\""), "{run:?}");
    assert!(run.stdout.contains("istio: null"), "{}", run.stdout);
}

#[test]
fn collect_refuses_contexts_it_cannot_use() {
    let run = uplan(&["inventory", "collect", "a b", "ctx=Biz_1", "--", "-x"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(
        run.stderr.matches("uplan::collect::bad_context").count(),
        3,
        "{}",
        run.stderr
    );
}
