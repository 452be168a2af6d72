//! The `uplan` binary against hostile files and streams (issue 12): inputs that are
//! FIFOs, devices, directories or huge files; `-o` pointed at inputs, devices, links
//! and read-only files; stdout full, closed or a broken pipe. Every run must end, in
//! bounded time, with exit 0, 1 or 2 and (for 2) a coded diagnostic.
#![cfg(unix)]

use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Far above what any of these runs needs (milliseconds), far below a hang.
const DEADLINE: Duration = Duration::from_secs(60);

const EXAMPLE: &str = "examples/acme-3.18-standard.yaml";

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_uplan"));
    cmd.args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// Waits for `child`, killing it (and failing the test) past [`DEADLINE`].
fn finish(mut child: Child, what: &str) -> Run {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() < DEADLINE => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`{what}` still running after {DEADLINE:?}: it hangs");
            }
            Err(e) => panic!("{what}: {e}"),
        }
    }
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut stdout);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_string(&mut stderr);
    }
    let code = child.wait().ok().and_then(|s| s.code());
    Run {
        code,
        stdout,
        stderr,
    }
}

/// Runs uplan with stdout and stderr captured in files: output larger than a pipe's
/// buffer would block the child while we wait for it.
fn uplan(args: &[&str]) -> Run {
    let dir = scratch_root().join("stdout");
    let _ = fs::create_dir_all(&dir);
    let name = unique();
    let (out, err) = (
        dir.join(format!("{name}.out")),
        dir.join(format!("{name}.err")),
    );
    let create = |p: &Path| fs::File::create(p).unwrap_or_else(|e| panic!("{e}"));
    let child = command(args)
        .stdout(create(&out))
        .stderr(create(&err))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run uplan: {e}"));
    let mut run = finish(child, &args.join(" "));
    let read = |p: &Path| {
        let text = fs::read_to_string(p).unwrap_or_default();
        let _ = fs::remove_file(p);
        text
    };
    run.stdout = read(&out);
    run.stderr = read(&err);
    run
}

/// Runs a shell line with `$UPLAN` set to the binary (for redirections the test
/// harness cannot express: `>&-`, `>/dev/full`).
fn shell(line: &str) -> Run {
    let child = Command::new("sh")
        .arg("-c")
        .arg(line)
        .env("UPLAN", env!("CARGO_BIN_EXE_uplan"))
        .env("NO_COLOR", "1")
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run sh: {e}"));
    finish(child, line)
}

fn unique() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn scratch_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("robust_io")
}

fn scratch(name: &str) -> PathBuf {
    let dir = scratch_root().join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap_or_else(|| panic!("non-UTF-8 path"))
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "mkfifo {}", path.display());
}

fn copy_example(dir: &Path) -> PathBuf {
    let inv = dir.join("inv.yaml");
    fs::copy(root().join(EXAMPLE), &inv).unwrap_or_else(|e| panic!("{e}"));
    inv
}

const FLEET_INVENTORY: &str = r#"platform: {version: "1.0.3"}
target: "3.0"
nodes:
  - {name: hub-a, role: hub, kernel: "5.0.2", addons: [{name: legacy}, {name: other}]}
  - {name: spoke-1, role: spoke, kernel: "5.2.7"}
"#;

/// The fleet rulebook copied into `dir/rules`, and an inventory for it.
fn fleet(dir: &Path) -> (PathBuf, PathBuf) {
    let rules = dir.join("rules");
    fs::create_dir_all(&rules).unwrap_or_else(|e| panic!("{e}"));
    let from = root().join("tests/fixtures/fleet/fleet.uplan");
    fs::copy(from, rules.join("fleet.uplan")).unwrap_or_else(|e| panic!("{e}"));
    let inventory = dir.join("fleet.yaml");
    fs::write(&inventory, FLEET_INVENTORY).unwrap_or_else(|e| panic!("{e}"));
    (rules, inventory)
}

/// Exit 2, `code` on stderr, nothing on stdout, no panic.
fn assert_bad_input(run: &Run, code: &str) {
    assert_eq!(run.code, Some(2), "{run:#?}");
    assert!(run.stderr.contains(code), "expected `{code}` in {run:#?}");
    assert!(run.stderr.contains("help:"), "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

// ── inputs: regular files only, bounded ─────────────────────────────────────────

#[test]
fn a_fifo_as_inventory_is_refused_without_blocking() {
    let dir = scratch("fifo-inventory");
    let fifo = dir.join("inv.yaml");
    mkfifo(&fifo);
    for args in [
        vec!["plan", s(&fifo)],
        vec!["check", s(&fifo), "--to", "4.3"],
        vec![
            "validate",
            "plans/acme-3.18-standard.json",
            "--inventory",
            s(&fifo),
        ],
    ] {
        let run = uplan(&args);
        assert_bad_input(&run, "uplan::cli::not_a_file");
        assert!(run.stderr.contains("FIFO"), "{run:#?}");
    }
}

#[test]
fn a_fifo_as_plan_is_refused_without_blocking() {
    let dir = scratch("fifo-plan");
    let fifo = dir.join("plan.json");
    mkfifo(&fifo);
    let run = uplan(&["validate", s(&fifo), "--inventory", EXAMPLE]);
    assert_bad_input(&run, "uplan::cli::not_a_file");
}

#[test]
fn devices_and_directories_are_not_inputs() {
    for (args, what) in [
        (vec!["plan", "/dev/zero"], "a character device"),
        (
            vec!["plan", "/dev/null", "--to", "4.3"],
            "a character device",
        ),
        (vec!["check", "examples"], "a directory"),
        (
            vec!["validate", "/dev/zero", "--inventory", EXAMPLE],
            "a character device",
        ),
    ] {
        let run = uplan(&args);
        assert_bad_input(&run, "uplan::cli::not_a_file");
        assert!(run.stderr.contains(what), "{args:?}: {run:#?}");
    }
}

#[test]
fn a_file_over_64_mib_is_refused_without_reading_it() {
    let dir = scratch("huge");
    let huge = dir.join("huge.yaml");
    // Sparse: 65 MiB of size, no disk used.
    let file = fs::File::create(&huge).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(65 << 20).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["plan", s(&huge)]);
    assert_bad_input(&run, "uplan::cli::too_large");
    let run = uplan(&["validate", s(&huge), "--inventory", EXAMPLE]);
    assert_bad_input(&run, "uplan::cli::too_large");
    let rules = dir.join("rules");
    fs::create_dir_all(&rules).unwrap_or_else(|e| panic!("{e}"));
    fs::rename(&huge, rules.join("big.uplan")).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["lint", s(&rules)]);
    assert_bad_input(&run, "uplan::rules::too_large");
}

#[test]
fn a_file_that_is_not_utf8_is_unreadable_at_its_offset() {
    let dir = scratch("not-utf8");
    let path = dir.join("inv.yaml");
    fs::write(&path, b"platform:\n  version: \"3.18\xff\"\n").unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["plan", s(&path)]);
    assert_bad_input(&run, "uplan::cli::unreadable_file");
    assert!(run.stderr.contains("offset 26"), "{run:#?}");
}

#[test]
fn a_fifo_as_rule_directory_is_refused_without_blocking() {
    let dir = scratch("fifo-rule-dir");
    let fifo = dir.join("rules");
    mkfifo(&fifo);
    let run = uplan(&["lint", s(&fifo)]);
    assert_bad_input(&run, "uplan::rules::unreadable_dir");
    let run = uplan(&["plan", EXAMPLE, "--rules", s(&fifo)]);
    assert_bad_input(&run, "uplan::rules::unreadable_dir");
}

#[test]
fn a_fifo_or_directory_named_uplan_in_a_rule_dir_is_refused() {
    let dir = scratch("fifo-rules");
    let (rules, inventory) = fleet(&dir);
    let fifo = rules.join("zz-fifo.uplan");
    mkfifo(&fifo);
    let run = uplan(&["plan", s(&inventory), "--rules", s(&rules)]);
    assert_bad_input(&run, "uplan::rules::not_a_file");
    assert!(run.stderr.contains("zz-fifo.uplan"), "{run:#?}");
    let run = uplan(&["lint", s(&rules)]);
    assert_bad_input(&run, "uplan::rules::not_a_file");

    fs::remove_file(&fifo).unwrap_or_else(|e| panic!("{e}"));
    fs::create_dir(rules.join("old.uplan")).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["lint", s(&rules)]);
    assert_bad_input(&run, "uplan::rules::not_a_file");

    fs::remove_dir(rules.join("old.uplan")).unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("/dev/zero", rules.join("zero.uplan"))
        .unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["lint", s(&rules)]);
    assert_bad_input(&run, "uplan::rules::not_a_file");
}

#[test]
fn dotfiles_in_a_rule_dir_are_not_rules() {
    let dir = scratch("dotfiles");
    let (rules, inventory) = fleet(&dir);
    let clean = uplan(&[
        "plan",
        s(&inventory),
        "--rules",
        s(&rules),
        "--format",
        "json",
    ]);
    assert!(matches!(clean.code, Some(0 | 1)), "{clean:#?}");
    // A backup, an editor's lock file (a dangling symlink) and a FIFO: none is read.
    fs::write(rules.join(".old.uplan"), "this is not a rule file {")
        .unwrap_or_else(|e| panic!("{e}"));
    std::os::unix::fs::symlink("user@host.1234", rules.join(".#fleet.uplan"))
        .unwrap_or_else(|e| panic!("{e}"));
    mkfifo(&rules.join(".fifo.uplan"));
    let run = uplan(&[
        "plan",
        s(&inventory),
        "--rules",
        s(&rules),
        "--format",
        "json",
    ]);
    assert_eq!(
        (run.code, &run.stdout),
        (clean.code, &clean.stdout),
        "{run:#?}"
    );
    let only_dots = scratch("only-dotfiles");
    fs::write(only_dots.join(".x.uplan"), "").unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["lint", s(&only_dots)]);
    assert_bad_input(&run, "uplan::rules::empty_dir");
}

// ── -o FILE ─────────────────────────────────────────────────────────────────────

#[test]
fn o_refuses_the_inventory_itself_and_links_to_it() {
    let dir = scratch("o-input");
    let inv = copy_example(&dir);
    let original = fs::read(&inv).unwrap_or_default();
    let link = dir.join("link.yaml");
    std::os::unix::fs::symlink(&inv, &link).unwrap_or_else(|e| panic!("{e}"));
    let hard = dir.join("hard.yaml");
    fs::hard_link(&inv, &hard).unwrap_or_else(|e| panic!("{e}"));
    for out in [&inv, &link, &hard] {
        for command in ["plan", "check"] {
            let run = uplan(&[command, s(&inv), "-o", s(out)]);
            assert_bad_input(&run, "uplan::cli::output_is_input");
        }
        // Through the link as the inventory, and the file itself as the output.
        let run = uplan(&["plan", s(out), "-o", s(&inv)]);
        assert_bad_input(&run, "uplan::cli::output_is_input");
    }
    assert_eq!(
        fs::read(&inv).unwrap_or_default(),
        original,
        "the inventory changed"
    );
    assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
}

#[test]
fn o_refuses_a_rule_file() {
    let dir = scratch("o-rule");
    let (rules, inventory) = fleet(&dir);
    let rule = rules.join("fleet.uplan");
    let original = fs::read(&rule).unwrap_or_default();
    let run = uplan(&["plan", s(&inventory), "--rules", s(&rules), "-o", s(&rule)]);
    assert_bad_input(&run, "uplan::cli::output_is_input");
    assert!(run.stderr.contains("rule file"), "{run:#?}");
    assert_eq!(fs::read(&rule).unwrap_or_default(), original);
}

#[test]
fn o_refuses_devices_directories_and_fifos() {
    let dir = scratch("o-special");
    let fifo = dir.join("out.fifo");
    mkfifo(&fifo);
    let sub = dir.join("sub");
    fs::create_dir(&sub).unwrap_or_else(|e| panic!("{e}"));
    // A private copy of /dev/null when we may make device nodes (root), so a broken
    // uplan cannot replace the real one; else the real one, which we cannot replace.
    let null = dir.join("null");
    let made = Command::new("mknod")
        .args([s(&null), "c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let device = if made {
        null
    } else {
        PathBuf::from("/dev/null")
    };
    let dangling = dir.join("dangling.md");
    std::os::unix::fs::symlink(dir.join("missing.md"), &dangling).unwrap_or_else(|e| panic!("{e}"));
    for out in [&fifo, &sub, &device, &dangling] {
        let run = uplan(&["plan", EXAMPLE, "-o", s(out)]);
        assert_bad_input(&run, "uplan::cli::output_not_a_file");
    }
    assert!(fs::metadata(&device).is_ok_and(|m| m.file_type().is_char_device()));
    assert!(fs::metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo()));
    assert!(
        !dir.join("missing.md").exists(),
        "the dangling link was followed"
    );
    let left: Vec<_> = fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(
        left.iter().all(|n| !n.to_string_lossy().ends_with(".tmp")),
        "{left:?}"
    );
}

#[test]
fn o_keeps_the_mode_of_the_file_it_replaces() {
    let dir = scratch("o-mode");
    for mode in [0o444, 0o600, 0o640, 0o755] {
        let out = dir.join(format!("plan-{mode:o}.md"));
        fs::write(&out, "old\n").unwrap_or_else(|e| panic!("{e}"));
        fs::set_permissions(&out, fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("{e}"));
        let run = uplan(&["plan", EXAMPLE, "--format", "md", "-o", s(&out)]);
        assert_eq!(run.code, Some(0), "{run:#?}");
        let got = fs::metadata(&out).map(|m| m.permissions().mode() & 0o7777);
        assert_eq!(got.ok(), Some(mode), "mode of {}", out.display());
        assert!(
            fs::read_to_string(&out)
                .unwrap_or_default()
                .starts_with("# ")
        );
    }
}

#[test]
fn o_follows_a_symlink_and_replaces_its_target() {
    let dir = scratch("o-symlink");
    let real = dir.join("real");
    fs::create_dir(&real).unwrap_or_else(|e| panic!("{e}"));
    let target = real.join("plan.json");
    fs::write(&target, "old\n").unwrap_or_else(|e| panic!("{e}"));
    let link = dir.join("plan.json");
    std::os::unix::fs::symlink("real/plan.json", &link).unwrap_or_else(|e| panic!("{e}"));
    let run = uplan(&["plan", EXAMPLE, "--format", "json", "-o", s(&link)]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
    let text = fs::read_to_string(&target).unwrap_or_default();
    assert!(text.contains("uplan.plan/v1"), "{text}");
    // The temporary file lived next to the target, and is gone.
    let names = |d: &Path| fs::read_dir(d).map(|r| r.count()).unwrap_or(0);
    assert_eq!((names(&dir), names(&real)), (2, 1));
}

#[test]
fn o_writes_a_file_with_a_name_of_the_longest_length() {
    let dir = scratch("o-long-name");
    let out = dir.join(format!("{}.md", "p".repeat(247)));
    assert_eq!(out.file_name().map(|n| n.len()), Some(250));
    let run = uplan(&["plan", EXAMPLE, "--format", "md", "-o", s(&out)]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(fs::read_to_string(&out).is_ok_and(|t| t.starts_with("# ")));
    let out = dir.join("q".repeat(255));
    let run = uplan(&["check", EXAMPLE, "-o", s(&out)]);
    assert_eq!(run.code, Some(0), "{run:#?}");
    assert!(out.exists());
}

#[test]
fn o_into_a_missing_directory_is_refused_before_the_run() {
    let dir = scratch("o-missing-dir");
    let out = dir.join("no/such/plan.md");
    let run = uplan(&["plan", EXAMPLE, "-o", s(&out)]);
    assert_bad_input(&run, "uplan::cli::unwritable_file");
}

// ── stdout and stderr ───────────────────────────────────────────────────────────

#[test]
fn a_full_stdout_exits_2_with_a_diagnostic() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    for format in ["text", "md", "json", "dot"] {
        let run = shell(&format!(
            "\"$UPLAN\" plan {EXAMPLE} --format {format} >/dev/full"
        ));
        assert_eq!(run.code, Some(2), "{run:#?}");
        assert!(run.stderr.contains("uplan::cli::write_failed"), "{run:#?}");
    }
    for args in [
        format!("check {EXAMPLE}"),
        "--help".to_string(),
        "lint".to_string(),
    ] {
        let run = shell(&format!("\"$UPLAN\" {args} >/dev/full"));
        assert_eq!(run.code, Some(2), "{args}: {run:#?}");
        assert!(run.stderr.contains("uplan::cli::write_failed"), "{run:#?}");
    }
}

#[test]
fn a_closed_stdout_exits_2_with_a_diagnostic() {
    for args in [
        format!("plan {EXAMPLE}"),
        format!("check {EXAMPLE}"),
        "lint".to_string(),
        format!("validate plans/acme-3.18-standard.json --inventory {EXAMPLE}"),
    ] {
        let run = shell(&format!("\"$UPLAN\" {args} >&-"));
        assert_eq!(run.code, Some(2), "{args}: {run:#?}");
        assert!(run.stderr.contains("uplan::cli::write_failed"), "{run:#?}");
        assert!(run.stderr.contains("closed"), "{run:#?}");
    }
}

#[test]
fn stdout_to_dev_null_is_fine_and_a_closed_stdout_does_not_matter_with_o() {
    let run = shell(&format!("\"$UPLAN\" plan {EXAMPLE} >/dev/null"));
    assert_eq!(run.code, Some(0), "{run:#?}");
    let dir = scratch("closed-with-o");
    let out = dir.join("plan.md");
    let run = shell(&format!("\"$UPLAN\" plan {EXAMPLE} -o {} >&-", s(&out)));
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""), "{run:#?}");
    assert!(out.exists());
}

#[test]
fn a_closed_stderr_with_a_diagnostic_to_print_exits_2() {
    let run = shell("\"$UPLAN\" plan no/such/file.yaml 2>&-");
    assert_eq!(run.code, Some(2), "{run:#?}");
    let run = shell(&format!("\"$UPLAN\" plan {EXAMPLE} 2>&-"));
    assert_eq!(
        run.code,
        Some(0),
        "nothing for stderr, nothing lost: {run:#?}"
    );
}

#[test]
fn a_broken_pipe_keeps_the_verdict_and_prints_nothing() {
    // The reader is gone before uplan writes (as after `| head` has read enough).
    for (inventory, verdict) in [(EXAMPLE, 0), ("examples/mako-4.2-docker-blocked.yaml", 1)] {
        let mut child = command(&["plan", inventory, "--format", "md"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run uplan: {e}"));
        drop(child.stdout.take());
        let run = finish(child, "plan | (closed)");
        assert_eq!(run.code, Some(verdict), "{run:#?}");
        assert_eq!(run.stderr, "", "{run:#?}");
    }
}

// ── the command line ────────────────────────────────────────────────────────────

#[test]
fn usage_errors_are_coded_diagnostics_with_help() {
    for args in [
        &[][..],
        &["plan"],
        &["frobnicate"],
        &["plan", EXAMPLE, "--format", "pdf"],
        &["plan", EXAMPLE, "--bogus"],
        &["check", EXAMPLE, "--format", "dot"],
        &["validate", "plan.json"],
    ] {
        let run = uplan(args);
        assert_bad_input(&run, "uplan::cli::usage");
    }
}

#[test]
fn help_and_version_are_unchanged() {
    for args in [
        &["--help"][..],
        &["plan", "--help"],
        &["help"],
        &["--version"],
        &["-V"],
    ] {
        let run = uplan(args);
        assert_eq!(run.code, Some(0), "{args:?}: {run:#?}");
        assert_eq!(run.stderr, "", "{args:?}");
        assert!(!run.stdout.contains("uplan::"), "{args:?}: {run:#?}");
    }
}
