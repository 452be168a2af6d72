//! The honesty check behind the fleet benchmark (benches/fleet.rs): uplan, the Rego
//! policy (benches/fleet/policy.rego, in regorus: interpreter and bytecode VM) and the
//! hand-written loop (benches/fleet/floor.rs) find exactly the same prerequisite
//! findings — the multiset of (rule, cluster, severity) with severity block or fix — on
//! generated fleets of every source version the ACP rulebook upgrades from.
//!
//! When a rule of rules/acp changes, this fails until the Rego policy and the loop are
//! changed the same way; so the benchmark always compares the same work.
//!
//! The topology rules (no clusters, no global, more than one global tier, a global at
//! another version than the platform) cannot fire on a well-formed fleet; besides the
//! seeded fleets, every source also gets one fleet per fault of `Topology::BROKEN`, so
//! every mirrored rule must fire somewhere, with no exemptions.

#[path = "../benches/fleet/gen.rs"]
mod fleet_gen;
#[path = "../benches/fleet/floor.rs"]
mod floor;
#[path = "../benches/fleet/peers.rs"]
mod peers;

use std::collections::{BTreeMap, BTreeSet};

use fleet_gen::{Fleet, Source, Topology};
use uplan::model::{Rulebook, Severity, Version};

const CLUSTERS: usize = 50;
const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];
/// Clusters of each broken-topology fleet: enough for the other rules to fire beside
/// the fault.
const BROKEN_CLUSTERS: usize = 20;

fn acp() -> Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn show(keys: &[peers::Key]) -> String {
    keys.iter()
        .map(|(r, c, s)| format!("  {s:5} {r} @ {}", c.as_deref().unwrap_or("-")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What is in `a` and not in `b`, as a multiset difference.
fn minus(a: &[peers::Key], b: &[peers::Key]) -> Vec<peers::Key> {
    let mut left: BTreeMap<&peers::Key, usize> = BTreeMap::new();
    for k in b {
        *left.entry(k).or_default() += 1;
    }
    let mut out = Vec::new();
    for k in a {
        match left.get_mut(k) {
            Some(n) if *n > 0 => *n -= 1,
            _ => out.push(k.clone()),
        }
    }
    out
}

fn assert_same(what: &str, name: &str, uplan: &[peers::Key], other: &[peers::Key], yaml: &str) {
    if uplan != other {
        panic!(
            "{what} disagrees with uplan on {name}\nonly in uplan:\n{}\nonly in {what}:\n{}\n\ninventory:\n{yaml}",
            show(&minus(uplan, other)),
            show(&minus(other, uplan)),
        );
    }
}

/// Runs the three on one fleet; returns uplan's keys.
fn crosscheck(rb: &Rulebook, vm: &mut regorus::rvm::vm::RegoVM, fleet: Fleet) -> Vec<peers::Key> {
    let name = format!(
        "{} clusters from {} (seed {}, topology {:?})",
        fleet.clusters,
        fleet.source.name(),
        fleet.seed,
        fleet.topology
    );
    let to = fleet.source.target();
    let yaml = fleet.yaml();

    let inv = uplan::inventory::load(rb, "fleet.yaml", &yaml)
        .unwrap_or_else(|p| panic!("{name}: {}", uplan::diagnostics::render(&p, false)));
    let (_, findings) = peers::uplan_check(rb, &inv, &Version::parse(to).unwrap());
    let uplan = peers::uplan_keys(&findings);

    let input = peers::rego_input(&yaml);
    let mut engine = peers::rego_engine(to);
    let rego = peers::rego_keys(&peers::rego_eval(&mut engine, &input));
    assert_same("the Rego policy (interpreter)", &name, &uplan, &rego, &yaml);
    let rvm = peers::rego_keys(&peers::rego_vm_eval(vm, &input));
    assert_same("the Rego policy (RVM)", &name, &uplan, &rvm, &yaml);

    let plain = floor::parse(&yaml);
    let hand = peers::floor_keys(&floor::check(&plain, floor::Ver::parse(to).unwrap()));
    assert_same("the hand loop", &name, &uplan, &hand, &yaml);
    uplan
}

#[test]
fn uplan_rego_and_the_hand_loop_find_the_same_prerequisite_findings() {
    let rb = acp();
    let mut fired: BTreeSet<String> = BTreeSet::new();
    for source in Source::ALL {
        let program = peers::rego_program(source.target());
        let mut vm = peers::rego_vm(&program, source.target());
        for seed in SEEDS {
            for (rule, _, _) in crosscheck(&rb, &mut vm, Fleet::new(source, CLUSTERS, seed)) {
                fired.insert(rule);
            }
        }
        for topology in Topology::BROKEN {
            let fleet = Fleet::new(source, BROKEN_CLUSTERS, SEEDS[0]).with_topology(topology);
            for (rule, _, _) in crosscheck(&rb, &mut vm, fleet) {
                fired.insert(rule);
            }
        }
    }
    // Not a vacuous comparison: the fleets make every mirrored rule fire somewhere.
    let silent: Vec<&str> = floor::RULES
        .iter()
        .copied()
        .filter(|r| !fired.contains(*r))
        .collect();
    assert!(
        silent.is_empty(),
        "these mirrored rules never fired on the generated fleets, so nothing compares them: {silent:?} \
         (make benches/fleet/gen.rs produce inventories that trigger them)"
    );
}

#[test]
fn every_blocking_or_fixing_rule_of_the_acp_rulebook_is_mirrored() {
    let rb = acp();
    let prerequisite: BTreeSet<&str> = rb
        .rules
        .iter()
        .filter(|r| matches!(r.severity(), Severity::Block | Severity::Fix))
        .map(|r| r.id.as_str())
        .collect();
    let mirrored: BTreeSet<&str> = floor::RULES.iter().copied().collect();
    let missing: Vec<&&str> = prerequisite.difference(&mirrored).collect();
    let stale: Vec<&&str> = mirrored.difference(&prerequisite).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the block/fix rules of rules/acp and the mirrors in benches/fleet differ:\n\
         not mirrored (add to policy.rego, floor.rs and floor::RULES): {missing:?}\n\
         mirrored but no longer a block/fix rule of the rulebook: {stale:?}"
    );
}

#[test]
fn the_generator_is_deterministic_and_loads() {
    let rb = acp();
    for source in Source::ALL {
        let a = Fleet::new(source, 200, 9).yaml();
        assert_eq!(a, Fleet::new(source, 200, 9).yaml());
        assert_ne!(a, Fleet::new(source, 200, 10).yaml());
        let inv = uplan::inventory::load(&rb, "fleet.yaml", &a)
            .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
        let plain = floor::parse(&a);
        assert_eq!(plain.clusters.len(), 200);
        assert!(inv.text.len() == a.len());
    }
}
