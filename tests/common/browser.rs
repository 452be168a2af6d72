//! Headless Chromium for the tests that load a page (tests/html.rs, tests/graphs.rs).

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Chromium to run: `UPLAN_CHROMIUM`, else `chromium` or `chromium-browser` from
/// the `PATH`; `None` when none runs.
pub fn chromium() -> Option<String> {
    let names = std::env::var("UPLAN_CHROMIUM")
        .map(|c| vec![c])
        .unwrap_or_else(|_| vec!["chromium".into(), "chromium-browser".into()]);
    names.into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// stdout and stderr of one headless Chromium run on `page`, killed after two minutes.
/// `run` names the run's fresh profile and its output files in `dir`.
pub fn headless(
    browser: &str,
    dir: &Path,
    run: &str,
    page: &Path,
    extra: &[String],
) -> (String, String) {
    let profile = dir.join(format!("{run}-profile"));
    let out = dir.join(format!("{run}.stdout"));
    let err = dir.join(format!("{run}.stderr"));
    let file = |p: &Path| fs::File::create(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(file(&out))
        .stderr(file(&err))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {browser}: {e}"));
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{browser} did not finish within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let read = |p: &Path| fs::read_to_string(p).unwrap_or_default();
    (read(&out), read(&err))
}

/// What the page logged to the console (errors, warnings, CSP refusals, uncaught
/// exceptions): Chromium writes every console message as a `CONSOLE` line.
pub fn console(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}
