//! `uplan check --unblock` on every blocked inventory of `examples/` and `tests/trust/`:
//! applying the changes it names makes `check` pass, and dropping any one of them
//! makes it fail again (minimality). The changes are computed from the rules; this
//! test only re-evaluates.

use std::fs;
use std::path::{Path, PathBuf};

use uplan::eval::{self, Mode};
use uplan::inventory::{self, Inventory};
use uplan::model::{Rulebook, Version};
use uplan::unblock::{self, Question};

fn acp() -> Rulebook {
    uplan::rulebooks::embedded_acp().unwrap_or_else(|p| panic!("{:?}", p.codes()))
}

fn yamls(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut out: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    out.sort();
    out
}

/// The `# args: --to X` of a tests/trust header, if any.
fn target_of(text: &str) -> Option<Version> {
    let args = text.lines().find_map(|l| l.strip_prefix("# args:"))?;
    let mut words = args.split_whitespace();
    words.find(|w| *w == "--to")?;
    Version::parse(words.next()?).ok()
}

fn load(rb: &Rulebook, path: &Path) -> Option<(Inventory, Option<Version>)> {
    let text = fs::read_to_string(path).ok()?;
    let inv = inventory::load(rb, &path.display().to_string(), &text).ok()?;
    Some((inv, target_of(&text)))
}

/// Whether `check` reports a blocking finding (evaluation errors count as not
/// blocked: they are bad input, which `--unblock` does not answer).
fn blocked(rb: &Rulebook, inv: &Inventory, target: Option<&Version>) -> bool {
    eval::evaluate(rb, inv, target, Mode::Check)
        .map(|ev| !ev.to_plan(rb, inv).is_ready())
        .unwrap_or(false)
}

/// `None` when the inventory is not blocked; `Some(None)` when no set was found;
/// otherwise the size of the set, proved sufficient and minimal.
fn prove(rb: &Rulebook, path: &Path) -> Option<Option<usize>> {
    let (inv, target) = load(rb, path)?;
    if !blocked(rb, &inv, target.as_ref()) {
        return None;
    }
    let q = Question {
        rulebook: rb,
        inventory: &inv,
        target: target.as_ref(),
        waivers: None,
    };
    let name = path.display();
    let answer = unblock::answer(&q).unwrap_or_else(|p| panic!("{name}: {:?}", p.codes()));
    assert!(answer.blocked, "{name}");
    if !answer.solved {
        assert!(answer.changes.is_empty(), "{name}");
        return Some(None);
    }
    assert!(!answer.changes.is_empty(), "{name}");
    let passes = |changes: &[unblock::Change]| {
        q.passes(changes)
            .unwrap_or_else(|p| panic!("{name}: {:?}", p.codes()))
    };
    assert!(
        passes(&answer.changes),
        "{name}: applying {answer:?} leaves it blocked"
    );
    for i in 0..answer.changes.len() {
        let mut without = answer.changes.clone();
        let dropped = without.remove(i);
        assert!(
            !passes(&without),
            "{name}: {dropped:?} is not needed: the set is not minimal"
        );
    }
    Some(Some(answer.changes.len()))
}

#[test]
fn every_blocked_example_is_unblocked_minimally() {
    let rb = acp();
    let proved: Vec<(String, usize)> = yamls("examples")
        .iter()
        .filter_map(|p| {
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                prove(&rb, p)?,
            ))
        })
        .map(|(n, size)| {
            let size = size.unwrap_or_else(|| panic!("{n}: no set found"));
            (n, size)
        })
        .collect();
    // The examples that are blocked today (their names say so): each one proved.
    let names: Vec<&str> = proved.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "mako-4.2-docker-blocked.yaml",
        "nimbus-4.1-k8s-too-new-blocked.yaml",
        "pelican-3.14-unsupported.yaml",
        "teasel-4.2-two-globals-blocked.yaml",
        "umbel-4.1-no-global-blocked.yaml",
        "wren-4.1-inconsistent-blocked.yaml",
        "yarrow-3.18-dr-machines-blocked.yaml",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not proved: {names:?}"
        );
    }
    insta::assert_debug_snapshot!(proved);
}

#[test]
fn every_blocked_trust_inventory_is_unblocked_minimally() {
    let rb = acp();
    let proved = yamls("tests/trust")
        .iter()
        .filter_map(|p| prove(&rb, p))
        .count();
    assert!(
        proved >= 5,
        "only {proved} blocked inventories in tests/trust"
    );
}

#[test]
fn the_answers_name_the_changes_the_guides_imply() {
    let rb = acp();
    let answer = |name: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name);
        let (inv, target) = load(&rb, &path).unwrap_or_else(|| panic!("{name}"));
        let q = Question {
            rulebook: &rb,
            inventory: &inv,
            target: target.as_ref(),
            waivers: None,
        };
        let a = unblock::answer(&q).unwrap_or_else(|p| panic!("{:?}", p.codes()));
        a.changes
            .iter()
            .map(|c| format!("{} {} -> {}", c.fact, c.from, c.to))
            .collect::<Vec<_>>()
    };
    // 4.3 accepts workload Kubernetes up to 1.34, and it is never downgraded.
    assert_eq!(
        answer("nimbus-4.1-k8s-too-new-blocked.yaml"),
        ["clusters.nimbus-api-aks.kubernetes 1.35.0 -> 1.34"]
    );
    // The 4.3 preflight refuses the Docker runtime.
    assert_eq!(
        answer("mako-4.2-docker-blocked.yaml"),
        ["clusters.mako-matchmaking.runtime docker -> containerd"]
    );
}
