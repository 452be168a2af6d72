//! An inventory against the embedded ACP rulebook: load, evaluate to 4.3 and to 4.0
//! (plan and check modes), and render every format. Bad input must end in
//! diagnostics, never in a panic.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use uplan::diagnostics::render;
use uplan::eval::{self, Mode};
use uplan::model::{Rulebook, Version};
use uplan::render as out;

fn acp() -> &'static Rulebook {
    static ACP: OnceLock<Rulebook> = OnceLock::new();
    ACP.get_or_init(|| uplan::rulebooks::embedded_acp().expect("the ACP rulebook compiles"))
}

fn targets() -> &'static [Version; 2] {
    static TARGETS: OnceLock<[Version; 2]> = OnceLock::new();
    TARGETS.get_or_init(|| {
        let v = |s| Version::parse(s).expect("a version");
        [v("4.3"), v("4.0")]
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let rulebook = acp();
    let inventory = match uplan::inventory::load(rulebook, "fuzz.yaml", &text) {
        Ok(inv) => inv,
        Err(p) => {
            let _ = render(&p, false);
            return;
        }
    };
    for target in targets() {
        for mode in [Mode::Plan, Mode::Check] {
            match eval::evaluate(rulebook, &inventory, Some(target), mode) {
                Ok(ev) => {
                    let plan = ev.to_plan(rulebook, &inventory);
                    let _ = out::text(&plan, false);
                    let _ = out::text(&plan, true);
                    let _ = out::markdown(&plan);
                    let _ = out::json(&plan);
                    let _ = out::dot(&plan);
                    let _ = out::check_json(&plan);
                }
                Err(p) => {
                    let _ = render(&p, false);
                }
            }
        }
    }
});
