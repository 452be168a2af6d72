//! A bundle and a skeleton, as one text, through `uplan inventory import`'s library
//! side: the bundle parsed, merged into the skeleton against the embedded ACP
//! rulebook, the output loaded. Bad input must end in diagnostics, never in a panic;
//! and whatever the values, the written inventory must parse back as YAML.
//!
//! The input is sections, each after a line `=== NAME`: `=== bundle.json`,
//! `=== skeleton`, or `=== CLUSTER/FILE` for a file of a cluster directory
//! (`=== global/nodes.json`). `fuzz/seed.sh` writes the recorded bundles in this form.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use uplan::diagnostics::render;
use uplan::model::Rulebook;

fn acp() -> &'static Rulebook {
    static ACP: OnceLock<Rulebook> = OnceLock::new();
    ACP.get_or_init(|| uplan::rulebooks::embedded_acp().expect("the ACP rulebook compiles"))
}

/// (section name, text) in input order.
fn sections(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        match line.strip_prefix("=== ") {
            Some(name) => out.push((name.trim_end(), String::new())),
            None => match out.last_mut() {
                Some((_, body)) => body.push_str(line),
                None => {}
            },
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parts = sections(&text);
    let meta = parts.iter().find(|(n, _)| *n == "bundle.json").map(|(_, t)| t.as_str());
    let skeleton = parts.iter().find(|(n, _)| *n == "skeleton").map(|(_, t)| t.as_str());
    let mut clusters: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for (name, body) in &parts {
        let Some((cluster, file)) = name.split_once('/') else { continue };
        match clusters.iter_mut().find(|(c, _)| c == &cluster) {
            Some((_, files)) => files.push((file, body)),
            None => clusters.push((cluster, vec![(file, body)])),
        }
    }
    let raw = uplan::bundle::from_texts(meta, &clusters);
    let bundle = match uplan::bundle::parse(&raw) {
        Ok(b) => b,
        Err(p) => {
            let _ = render(&p, false);
            return;
        }
    };
    let request = uplan::import::Request {
        rulebook: acp(),
        bundle: &bundle,
        bundle_name: "fuzz",
        skeleton: skeleton.map(|s| ("skeleton.yaml", s)),
        output_name: "out.yaml",
    };
    match uplan::import::import(&request) {
        Ok(imported) => {
            let _ = render(&uplan::diagnostics::Problems(imported.warnings), false);
            let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(&imported.text);
            assert!(parsed.is_ok(), "the written inventory is not YAML:\n{}", imported.text);
        }
        Err(p) => {
            let _ = render(&p, false);
        }
    }
});
