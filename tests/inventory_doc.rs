//! `docs/inventory.md`, the inventory reference, is generated from the rulebook's
//! schema (`rules/acp/schema.uplan`): every field with its type, allowed values,
//! default, meaning (`doc`), the rules that read it, and how to find it (`probe`). The
//! README's minimal inventory loads and satisfies the JSON Schema. After a schema change:
//!
//! ```bash
//! UPLAN_REGENERATE=1 cargo test --test inventory_doc
//! git diff docs/inventory.md
//! ```

mod common;

use std::fmt::Write;

use uplan::model::{FieldDef, RecordDef, Rulebook, Schema, Type, Value};

fn acp() -> Rulebook {
    uplan::rulebooks::embedded_acp()
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)))
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A default as the YAML would write it.
fn shown(schema: &Schema, ty: &Type, v: &Value) -> String {
    match (v, ty.non_null()) {
        (Value::Null, _) => "null".into(),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Int(i), _) => i.to_string(),
        (Value::Str(s), _) => format!("\"{s}\""),
        (Value::Version(ver), _) => ver.to_string(),
        (Value::Enum(i), Type::Enum(id)) => schema
            .enum_def(*id)
            .variants
            .get(*i as usize)
            .cloned()
            .unwrap_or_default(),
        (Value::List(l), _) if l.is_empty() => "[]".into(),
        _ => "…".into(),
    }
}

fn default(schema: &Schema, f: &FieldDef) -> String {
    match &f.default {
        _ if f.required() => "**required**".into(),
        Some(v) => format!("`{}`", shown(schema, &f.ty, v)),
        None => "`null`".into(),
    }
}

/// The type, with the format a refinement adds (`dns-label`, `uint`).
fn type_name(schema: &Schema, f: &FieldDef) -> String {
    let base = schema.type_name(&f.ty);
    let t = match f.meta.format {
        Some(fmt) if !base.contains(fmt.name()) => {
            base.replacen("string", fmt.name(), 1)
                .replacen("int", fmt.name(), 1)
        }
        _ => base,
    };
    format!("`{}`", cell(&t))
}

/// The field's `doc`, each enum value's meaning, its synonyms, and the precision the
/// rules need.
fn meaning(schema: &Schema, f: &FieldDef) -> String {
    let mut parts: Vec<String> = f.meta.doc.iter().cloned().collect();
    if let Type::Enum(id) = f.ty.non_null() {
        for v in &schema.enum_def(*id).variants {
            let Some(m) = f.meta.value(v) else { continue };
            let mut line = format!("`{v}`: {}", m.doc);
            if !m.synonyms.is_empty() {
                let words: Vec<String> = m.synonyms.iter().map(|s| format!("`{s}`")).collect();
                let _ = write!(
                    line,
                    " (also written {}: suggested, not accepted)",
                    words.join(", ")
                );
            }
            parts.push(line);
        }
    }
    if f.meta.min_precision >= 2 {
        parts.push(format!(
            "at least {} version components",
            f.meta.min_precision
        ));
    }
    cell(&parts.join("<br>"))
}

fn readers(rb: &Rulebook, rec: &RecordDef, f: &FieldDef) -> String {
    let fact = if rec.name == "inventory" {
        f.name.clone()
    } else {
        format!("{}.{}", rec.name, f.name)
    };
    let mut rules: Vec<String> = rb
        .rules
        .iter()
        .filter(|r| r.reads.contains(&fact))
        .map(|r| format!("`{}`", r.id))
        .collect();
    rules.sort();
    if on_the_path(rb, rec, f) {
        rules.insert(0, "the upgrade path (`path from … to …`)".into());
    }
    if rules.is_empty() {
        "—".into()
    } else {
        rules.join(", ")
    }
}

/// Whether `f` is the start or the end of the rulebook's `path`.
fn on_the_path(rb: &Rulebook, rec: &RecordDef, f: &FieldDef) -> bool {
    let schema = &rb.schema;
    let ends = std::iter::once(&rb.path.from).chain(rb.path.to.as_ref());
    ends.into_iter().any(|fields| {
        let mut record = schema.root;
        let mut last = None;
        for &i in fields {
            let Some(def) = schema.field_def(record, i) else {
                return false;
            };
            last = Some((record, i));
            if let Type::Record(r) = def.ty.non_null() {
                record = *r;
            }
        }
        last.is_some_and(|(r, i)| {
            schema.record(r).name == rec.name
                && schema.field_def(r, i).is_some_and(|d| d.name == f.name)
        })
    })
}

fn record_table(rb: &Rulebook, rec: &RecordDef) -> String {
    let schema = &rb.schema;
    let mut out = String::from(
        "| field | type | default | meaning | rules that read it | how to find it |\n| --- | --- | --- | --- | --- | --- |\n",
    );
    for f in &rec.fields {
        let probe = f
            .meta
            .probe
            .as_deref()
            .map_or("—".into(), |p| format!("{} (left out: unknown)", cell(p)));
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {probe} |",
            f.name,
            type_name(schema, f),
            default(schema, f),
            meaning(schema, f),
            readers(rb, rec, f),
        );
    }
    out
}

/// Where a record appears in an inventory: `clusters[]`, `clusters[].plugins[]`.
fn places(schema: &Schema, target: u16) -> Vec<String> {
    fn walk(schema: &Schema, rec: u16, prefix: &str, target: u16, out: &mut Vec<String>) {
        for f in &schema.record(rec).fields {
            let mut ty = f.ty.non_null();
            let mut path = format!("{prefix}{}", f.name);
            while let Type::List(inner) = ty {
                ty = inner.non_null();
                path.push_str("[]");
            }
            if let Type::Record(r) = ty {
                if *r == target {
                    out.push(format!("`{path}`"));
                }
                walk(schema, *r, &format!("{path}."), target, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(schema, schema.root, "", target, &mut out);
    out
}

fn reference(rb: &Rulebook) -> String {
    let schema = &rb.schema;
    let mut out = String::from("### The root\n\n");
    out.push_str(&record_table(rb, schema.record(schema.root)));
    for (id, rec) in schema.records.iter().enumerate() {
        let places = places(schema, id as u16);
        if places.is_empty() {
            continue;
        }
        let kind = if rec.entity.is_some() {
            "entity"
        } else {
            "record"
        };
        let _ = write!(
            out,
            "\n### `{}` ({kind}, at {})\n\n{}",
            rec.name,
            places.join(", "),
            record_table(rb, rec)
        );
    }
    out
}

/// Replaces the text between `<!-- generated: NAME -->` and `<!-- end: NAME -->`.
fn splice(doc: &str, name: &str, body: &str) -> String {
    let start = format!("<!-- generated: {name} -->\n");
    let end = format!("<!-- end: {name} -->");
    let (Some(a), Some(b)) = (doc.find(&start), doc.find(&end)) else {
        panic!("no `{start}` … `{end}` section");
    };
    format!("{}{start}{body}{}", &doc[..a], &doc[b..])
}

#[test]
fn docs_inventory_md_is_current() {
    let rb = acp();
    let path = format!("{}/docs/inventory.md", env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let want = splice(&doc, "fields", &reference(&rb));
    if std::env::var_os("UPLAN_REGENERATE").is_some() {
        std::fs::write(&path, &want).unwrap_or_else(|e| panic!("{e}"));
        return;
    }
    assert!(
        doc == want,
        "docs/inventory.md is stale: run `UPLAN_REGENERATE=1 cargo test --test inventory_doc` and review the diff"
    );
}

#[test]
fn every_field_of_the_inventory_is_documented() {
    // A field the reference could only name, not explain, is a gap in the contract.
    let rb = acp();
    let doc = std::fs::read_to_string(format!("{}/docs/inventory.md", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_default();
    let schema = &rb.schema;
    let mut records = vec![schema.root];
    records.extend((0..schema.records.len() as u16).filter(|r| !places(schema, *r).is_empty()));
    for id in records {
        let rec = schema.record(id);
        for f in &rec.fields {
            assert!(
                f.meta.doc.is_some(),
                "`{}.{}` has no `doc`",
                rec.name,
                f.name
            );
            if let Type::Enum(e) = f.ty.non_null() {
                for v in &schema.enum_def(*e).variants {
                    let explained = f.meta.value(v).is_some();
                    assert!(
                        explained,
                        "`{}.{}`: value `{v}` has no `value` clause",
                        rec.name, f.name
                    );
                }
            }
            assert!(
                doc.contains(&format!("| `{}` |", f.name)),
                "{}.{} not in docs/inventory.md",
                rec.name,
                f.name
            );
        }
    }
}

/// The fenced YAML after `<!-- minimal inventory -->` in README.md.
fn minimal_inventory() -> String {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_default();
    let after = readme
        .split_once("<!-- minimal inventory -->")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("README.md has no `<!-- minimal inventory -->`"));
    let body = after
        .split_once("```yaml\n")
        .map(|(_, b)| b)
        .unwrap_or_default();
    body.split_once("```")
        .map(|(y, _)| y.to_string())
        .unwrap_or_default()
}

#[test]
fn the_readme_minimal_inventory_loads_plans_and_satisfies_the_schema() {
    let text = minimal_inventory();
    let rb = acp();
    let inv = uplan::inventory::load(&rb, "README.md", &text)
        .unwrap_or_else(|p| panic!("{}", uplan::diagnostics::render(&p, false)));
    assert!(inv.facts.as_record().is_some());
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme-minimal");
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("minimal.yaml");
    std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
    let run = common::uplan(&["plan", file.to_str().unwrap_or_default(), "--to", "4.3"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        run.code,
        Some(0),
        "the minimal inventory plans READY: {}{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains("READY"), "{}", run.stdout);
    let schema = uplan::render::jsonschema::inventory(&rb);
    let json: serde_json::Value = serde_yaml::from_str(&text).unwrap_or_default();
    let v = jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{e}"));
    assert!(v.is_valid(&json));
}
