//! A rule file alone, then next to the embedded ACP rulebook: parse, check, and, when
//! the whole compiles, evaluate a small inventory with it. Every run must end in a
//! rulebook or in diagnostics (rendered, as a user would see them), never in a panic.
//! The formatter runs on it too: a file it formats must format to itself again.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use uplan::diagnostics::render;
use uplan::eval::{self, Mode};
use uplan::source::Sources;
use uplan::syntax::{self, ast};

/// The ACP files, parsed once: each run only parses its own file.
fn acp() -> &'static (Sources, Vec<ast::Module>) {
    static ACP: OnceLock<(Sources, Vec<ast::Module>)> = OnceLock::new();
    ACP.get_or_init(|| {
        let mut sources = Sources::default();
        let modules = uplan::rulebooks::embedded_acp_files()
            .into_iter()
            .map(|(name, text)| {
                let id = sources.add(name, text);
                syntax::parse(&sources, id).expect("the ACP rulebook parses")
            })
            .collect();
        (sources, modules)
    })
}

const INVENTORY: &str = include_str!("../../examples/acme-3.18-standard.yaml");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match uplan::fmt::format_text("fuzz.uplan", &text) {
        Ok(once) => {
            let twice = uplan::fmt::format_text("fuzz.uplan", &once).ok();
            assert_eq!(twice.as_deref(), Some(once.as_str()), "fmt is idempotent");
        }
        Err(p) => {
            let _ = render(&p, false);
        }
    }
    // alone: a rulebook of one file (a schema only, nothing at all, …)
    if let Err(p) = uplan::compile(&[("fuzz.uplan".to_string(), text.to_string())]) {
        let _ = render(&p, false);
    }
    let (acp_sources, acp_modules) = acp();
    let mut sources = acp_sources.clone();
    let file = sources.add("fuzz.uplan", text.as_ref());
    let module = match syntax::parse(&sources, file) {
        Ok(m) => m,
        Err(p) => {
            let _ = render(&p, false);
            return;
        }
    };
    let mut modules = acp_modules.clone();
    modules.push(module);
    let rulebook = match uplan::check::check(sources, modules) {
        Ok(rb) => rb,
        Err(p) => {
            let _ = render(&p, false);
            return;
        }
    };
    let inventory = match uplan::inventory::load(&rulebook, "acme.yaml", INVENTORY) {
        Ok(inv) => inv,
        Err(p) => {
            let _ = render(&p, false);
            return;
        }
    };
    match eval::evaluate(&rulebook, &inventory, None, Mode::Plan) {
        Ok(ev) => {
            let plan = ev.to_plan(&rulebook, &inventory);
            let _ = uplan::render::json(&plan);
        }
        Err(p) => {
            let _ = render(&p, false);
        }
    }
});
