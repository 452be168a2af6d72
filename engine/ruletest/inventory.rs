//! A test's inventory: an `examples/` file (or nothing) with the test's overrides
//! applied, as YAML text for the ordinary loader. Everything the loader checks in a
//! file it checks here too; an override that names an element the file does not have
//! is a diagnostic at the override.

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value as Yaml};

use super::codes;
use crate::diagnostics::{Problem, Problems};
use crate::input;
use crate::model::Rulebook;
use crate::model::ruletest::{FactPath, Lit, Override, OverrideKind, RuleTest};

/// (name for diagnostics, YAML text) of the test's inventory.
pub fn text_of(rb: &Rulebook, test: &RuleTest) -> Result<(String, String), Problems> {
    let (name, base) = match &test.inventory {
        Some((path, span)) => {
            let file = resolve(rb, test.file, path);
            let text = input::read_text(&file).map_err(|e| {
                Problem::new(
                    codes::UNREADABLE_INVENTORY,
                    format!("test `{}`: cannot read `{}`: {e}", test.id, file.display()),
                )
                .at(&rb.sources, *span, "this inventory")
                .help("the path is relative to the rule file's directory; `uplan test` without DIR reads rules/acp/ of the working directory")
            })?;
            (file.display().to_string(), Some(text))
        }
        None => (format!("test `{}`", test.id), None),
    };
    if test.overrides.is_empty() {
        return Ok((name, base.unwrap_or_default()));
    }
    let mut root = match &base {
        Some(text) => parse_base(rb, test, &name, text)?,
        None => Yaml::Mapping(Mapping::new()),
    };
    for o in &test.overrides {
        apply(&mut root, o).map_err(|msg| override_problem(rb, test, o, msg))?;
    }
    let text = serde_yaml::to_string(&root).map_err(|e| {
        Problem::new(codes::BAD_OVERRIDE, format!("test `{}`: {e}", test.id)).at(
            &rb.sources,
            test.span,
            "this test",
        )
    })?;
    Ok((
        format!("{name} with the overrides of test `{}`", test.id),
        text,
    ))
}

/// `path` relative to the directory of rule file `file`.
pub fn resolve(rb: &Rulebook, file: u32, path: &str) -> PathBuf {
    let rule_file = Path::new(&rb.sources.get(file).name);
    rule_file.parent().unwrap_or(Path::new("")).join(path)
}

/// The base file as a YAML tree. The loader checks the file first, so its own
/// diagnostics point at its lines; an unquoted decimal cannot be carried through
/// the tree as written (`1.30` would become `1.3`) and is refused.
fn parse_base(rb: &Rulebook, test: &RuleTest, name: &str, text: &str) -> Result<Yaml, Problems> {
    crate::inventory::load(rb, name, text)?;
    let tree: Yaml = serde_yaml::from_str(text).map_err(|e| {
        Problem::new(
            codes::BAD_OVERRIDE,
            format!("test `{}`: `{name}`: {e}", test.id),
        )
        .at(&rb.sources, test.span, "this test")
    })?;
    if has_float(&tree) {
        let span = test.inventory.as_ref().map_or(test.span, |(_, s)| *s);
        return Err(Problem::new(
            codes::UNQUOTED_DECIMAL,
            format!("test `{}`: `{name}` writes a decimal without quotes", test.id),
        )
        .at(&rb.sources, span, "this inventory")
        .help("quote versions in inventories that tests override (`kubernetes: \"1.30\"`): an override rewrites the file, and `1.30` unquoted would become 1.3")
        .into());
    }
    Ok(tree)
}

fn has_float(v: &Yaml) -> bool {
    match v {
        Yaml::Number(n) => n.is_f64(),
        Yaml::Sequence(items) => items.iter().any(has_float),
        Yaml::Mapping(m) => m.values().any(has_float),
        Yaml::Tagged(t) => has_float(&t.value),
        _ => false,
    }
}

fn override_problem(rb: &Rulebook, test: &RuleTest, o: &Override, msg: String) -> Problems {
    Problem::new(codes::BAD_OVERRIDE, format!("test `{}`: {msg}", test.id))
        .at(&rb.sources, o.span, "this override")
        .help("an override names elements by their key: `clusters[NAME]`, `plugins[NAME]`, `disks[\"/cpaas/minio\"]`")
        .into()
}

fn apply(root: &mut Yaml, o: &Override) -> Result<(), String> {
    match &o.kind {
        OverrideKind::Set(path, value) => {
            let (last, parent) = split(path)?;
            let map = walk(root, path, parent)?;
            map.insert(key(&last.0), yaml(value));
        }
        OverrideKind::Remove(path) => {
            let (last, parent) = split(path)?;
            let map = walk(root, path, parent)?;
            let list = list_of(map, &last.0, path)?;
            let key_field = path.key_fields[parent].as_deref().unwrap_or("name");
            let wanted = last.1.as_deref().unwrap_or_default();
            let at = position(list, key_field, wanted)
                .ok_or_else(|| missing(path, parent, list, key_field))?;
            list.remove(at);
        }
        OverrideKind::Add(path, fields) => {
            let (last, parent) = split(path)?;
            let map = walk(root, path, parent)?;
            let entry = map
                .entry(key(&last.0))
                .or_insert(Yaml::Sequence(Vec::new()));
            if entry.is_null() {
                *entry = Yaml::Sequence(Vec::new());
            }
            let Yaml::Sequence(list) = entry else {
                return Err(format!("`{}` is not a list in this inventory", path.text));
            };
            let mut m = Mapping::new();
            for (f, v) in fields {
                m.insert(key(f), yaml(v));
            }
            list.push(Yaml::Mapping(m));
        }
    }
    Ok(())
}

type Seg = (String, Option<String>);

/// The last segment and the number of segments before it.
fn split(path: &FactPath) -> Result<(&Seg, usize), String> {
    let last = path.segs.last().ok_or("an empty path")?;
    Ok((last, path.segs.len() - 1))
}

/// The mapping reached by the first `n` segments; records on the way that the file
/// leaves out (or writes as null) are created.
fn walk<'y>(root: &'y mut Yaml, path: &FactPath, n: usize) -> Result<&'y mut Mapping, String> {
    let mut here = root;
    for (i, (field, key_name)) in path.segs[..n].iter().enumerate() {
        let map = as_map(here, path, i)?;
        here = match key_name {
            None => {
                let entry = map.entry(key(field)).or_insert(Yaml::Null);
                if entry.is_null() {
                    *entry = Yaml::Mapping(Mapping::new());
                }
                entry
            }
            Some(k) => {
                let list = list_of(map, field, path)?;
                let key_field = path.key_fields[i].as_deref().unwrap_or("name");
                let at = position(list, key_field, k)
                    .ok_or_else(|| missing(path, i, list, key_field))?;
                &mut list[at]
            }
        };
    }
    as_map(here, path, n)
}

fn as_map<'y>(v: &'y mut Yaml, path: &FactPath, i: usize) -> Result<&'y mut Mapping, String> {
    match v {
        Yaml::Mapping(m) => Ok(m),
        _ => Err(format!(
            "`{}` is not a record in this inventory",
            prefix(path, i)
        )),
    }
}

fn list_of<'y>(
    map: &'y mut Mapping,
    field: &str,
    path: &FactPath,
) -> Result<&'y mut Vec<Yaml>, String> {
    match map.get_mut(key(field)) {
        Some(Yaml::Sequence(list)) => Ok(list),
        _ => Err(format!(
            "`{}` has no list `{field}` in this inventory",
            path.text
        )),
    }
}

/// The element whose key field is `wanted`; names compare without regard to case,
/// like the loader's vocabulary.
fn position(list: &[Yaml], key_field: &str, wanted: &str) -> Option<usize> {
    list.iter().position(|e| {
        e.get(key_field)
            .and_then(Yaml::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case(wanted))
    })
}

fn missing(path: &FactPath, i: usize, list: &[Yaml], key_field: &str) -> String {
    let (field, wanted) = &path.segs[i];
    let known: Vec<&str> = list
        .iter()
        .filter_map(|e| e.get(key_field).and_then(Yaml::as_str))
        .collect();
    let wanted = wanted.as_deref().unwrap_or_default();
    let close = crate::check::suggest_closest(wanted, known.iter().copied());
    let hint = match close {
        Some(c) => format!("; did you mean `{c}`?"),
        None if known.is_empty() => "; the list is empty".to_string(),
        None => format!(
            "; it holds {}",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!("the inventory has no `{field}[{wanted}]`{hint}")
}

/// The path's first `n` segments as written.
fn prefix(path: &FactPath, n: usize) -> String {
    let segs: Vec<String> = path.segs[..n.min(path.segs.len())]
        .iter()
        .map(|(f, k)| match k {
            Some(k) => format!("{f}[{k}]"),
            None => f.clone(),
        })
        .collect();
    if segs.is_empty() {
        "the inventory".into()
    } else {
        segs.join(".")
    }
}

fn key(name: &str) -> Yaml {
    Yaml::String(name.to_string())
}

fn yaml(lit: &Lit) -> Yaml {
    match lit {
        Lit::Null => Yaml::Null,
        Lit::Bool(b) => Yaml::Bool(*b),
        Lit::Int(i) => Yaml::Number((*i).into()),
        Lit::Str(s) | Lit::Version(s) => Yaml::String(s.clone()),
        Lit::List(items) => Yaml::Sequence(items.iter().map(yaml).collect()),
    }
}
