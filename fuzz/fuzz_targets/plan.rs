//! A plan JSON as `uplan validate` reads it, replayed against two example inventories
//! (3.16 → 4.3 and 3.18 → 4.0, whose plans seed the corpus) with the embedded ACP
//! rulebook, and rendered in every format.
//!
//! `validate`'s own reader (`parse_plan`, with its diagnostics) lives in the binary
//! (engine/cli/validate.rs), out of the library's reach: this target runs what it
//! runs, `serde_json::from_str::<Plan>`, the schema check, and `uplan::eval::validate`.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use uplan::diagnostics::render;
use uplan::inventory::Inventory;
use uplan::model::Rulebook;
use uplan::plan::{Plan, SCHEMA_ID};
use uplan::render as out;

const INVENTORIES: [(&str, &str); 2] = [
    (
        "harbor.yaml",
        include_str!("../../examples/harbor-3.16-to-4.3.yaml"),
    ),
    (
        "acme.yaml",
        include_str!("../../examples/acme-3.18-standard.yaml"),
    ),
];

fn setup() -> &'static (Rulebook, Vec<Inventory>) {
    static SETUP: OnceLock<(Rulebook, Vec<Inventory>)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let rulebook = uplan::rulebooks::embedded_acp().expect("the ACP rulebook compiles");
        let inventories = INVENTORIES
            .iter()
            .map(|(name, text)| {
                uplan::inventory::load(&rulebook, name, text).expect("the example loads")
            })
            .collect();
        (rulebook, inventories)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(plan) = serde_json::from_str::<Plan>(text) else {
        return;
    };
    let _ = out::text(&plan, false);
    let _ = out::markdown(&plan);
    let _ = out::json(&plan);
    let _ = out::dot(&plan);
    let _ = out::check_json(&plan);
    if plan.schema != SCHEMA_ID {
        return;
    }
    let (rulebook, inventories) = setup();
    for inventory in inventories {
        match uplan::eval::validate(rulebook, inventory, &plan) {
            Ok(violations) => {
                for v in violations {
                    let _ = format!("{}: {}", v.code, v.message);
                }
            }
            Err(p) => {
                let _ = render(&p, false);
            }
        }
    }
});
