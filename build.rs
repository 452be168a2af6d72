//! Embeds every `rules/acp/*.uplan` file in the binary, sorted by name.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("rules/acp");
    println!("cargo:rerun-if-changed=rules/acp");
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".uplan"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut code = String::from(
        "/// The ACP rulebook's files, embedded at build time.\npub static EMBEDDED_ACP: &[(&str, &str)] = &[\n",
    );
    for name in &names {
        println!("cargo:rerun-if-changed=rules/acp/{name}");
        let abs = fs::canonicalize(dir.join(name)).expect("rule file path");
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("embedded_rules.rs");
    fs::write(out, code).expect("write embedded_rules.rs");
}
