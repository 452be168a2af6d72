//! The three implementations of the same prerequisite checks, each reduced to the
//! comparable result: the sorted multiset of (rule id, cluster, severity) of the
//! findings with severity `block` or `fix`.
//!
//! - uplan: `eval::evaluate(.., Mode::Check)` then `Evaluation::findings`;
//! - Rego: `policy.rego` in regorus, tree-walking interpreter or its bytecode VM (RVM);
//! - the hand loop: `floor::check` over plain structs.
//!
//! Needs `mod floor;` next to it (`#[path]`-included by the bench and the test).

#![allow(dead_code)]

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;

use uplan::eval::{self, Evaluation, Mode};
use uplan::inventory::Inventory;
use uplan::model::{Rulebook, Version};

use super::floor;

/// (rule id, cluster or none, severity)
pub type Key = (String, Option<String>, String);

pub const POLICY: &str = include_str!("policy.rego");
pub const ENTRY: &str = "data.uplan.acp.findings";

fn sorted(mut keys: Vec<Key>) -> Vec<Key> {
    keys.sort();
    keys
}

fn prerequisite(severity: &str) -> bool {
    severity == "block" || severity == "fix"
}

// ─── uplan ───

/// `uplan check`: evaluate in check mode, then the findings (messages, fact paths).
pub fn uplan_check(
    rb: &Rulebook,
    inv: &Inventory,
    to: &Version,
) -> (Evaluation, Vec<uplan::plan::Finding>) {
    let ev = eval::evaluate(rb, inv, Some(to), Mode::Check).unwrap_or_else(|p| {
        panic!(
            "uplan check failed: {}",
            uplan::diagnostics::render(&p, false)
        )
    });
    let findings = ev.findings(rb, inv);
    (ev, findings)
}

pub fn uplan_keys(findings: &[uplan::plan::Finding]) -> Vec<Key> {
    sorted(
        findings
            .iter()
            .filter(|f| prerequisite(&f.severity))
            .map(|f| (f.rule.clone(), f.cluster.clone(), f.severity.clone()))
            .collect(),
    )
}

// ─── Rego (regorus) ───

/// The inventory YAML as the JSON value Rego reads (`input`), via serde_json.
pub fn rego_input(yaml: &str) -> regorus::Value {
    let json: serde_json::Value = serde_yaml::from_str(yaml).expect("generated inventory is YAML");
    regorus::Value::from(json)
}

/// The inventory YAML as JSON text (what an OPA user would feed in).
pub fn json_text(yaml: &str) -> String {
    let json: serde_json::Value = serde_yaml::from_str(yaml).expect("generated inventory is YAML");
    serde_json::to_string(&json).expect("JSON")
}

fn params(to: &str) -> regorus::Value {
    regorus::Value::from_json_str(&format!(r#"{{"params": {{"to": "{to}"}}}}"#))
        .expect("params JSON")
}

/// The policy loaded in a regorus engine (interpreter) for hops to `to`.
pub fn rego_engine(to: &str) -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine
        .add_policy("benches/fleet/policy.rego".into(), POLICY.into())
        .unwrap_or_else(|e| panic!("policy.rego: {e}"));
    engine.add_data(params(to)).expect("data.params");
    engine
}

/// Evaluates the findings with the interpreter.
pub fn rego_eval(engine: &mut regorus::Engine, input: &regorus::Value) -> regorus::Value {
    engine.set_input(input.clone());
    engine
        .eval_rule(ENTRY.into())
        .unwrap_or_else(|e| panic!("regorus eval: {e}"))
}

/// The policy compiled to an RVM program.
pub fn rego_program(to: &str) -> Arc<Program> {
    let mut engine = rego_engine(to);
    let entry: regorus::Rc<str> = ENTRY.into();
    let compiled = engine
        .compile_with_entrypoint(&entry)
        .expect("compile policy");
    Compiler::compile_from_policy(&compiled, &[ENTRY]).expect("compile to RVM program")
}

/// A VM with the program and `data` loaded; reuse it across inputs.
pub fn rego_vm(program: &Arc<Program>, to: &str) -> RegoVM {
    let mut vm = RegoVM::new();
    vm.load_program(program.clone());
    vm.set_data(params(to)).expect("data.params");
    // The default instruction budget (25,000) is for small admission policies.
    vm.set_max_instructions(usize::MAX);
    vm
}

/// Evaluates the findings with the VM.
pub fn rego_vm_eval(vm: &mut RegoVM, input: &regorus::Value) -> regorus::Value {
    vm.set_input(input.clone());
    vm.execute().unwrap_or_else(|e| panic!("regorus RVM: {e}"))
}

pub fn rego_keys(findings: &regorus::Value) -> Vec<Key> {
    let set = findings.as_set().expect("findings is a set");
    let text = |v: &regorus::Value| match v {
        regorus::Value::String(s) => Some(s.to_string()),
        _ => None,
    };
    sorted(
        set.iter()
            .filter(|f| prerequisite(&text(&f["severity"]).unwrap_or_default()))
            .map(|f| {
                (
                    text(&f["rule"]).expect("rule id"),
                    text(&f["cluster"]),
                    text(&f["severity"]).expect("severity"),
                )
            })
            .collect(),
    )
}

// ─── hand loop ───

pub fn floor_keys(hits: &[floor::Hit<'_>]) -> Vec<Key> {
    sorted(
        hits.iter()
            .map(|h| {
                (
                    h.rule.to_string(),
                    h.cluster.map(str::to_string),
                    h.severity.to_string(),
                )
            })
            .collect(),
    )
}
