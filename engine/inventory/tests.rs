//! Unit tests of the loader against a hand-built schema mirroring the ACP inventory
//! (the checker is not needed to test the loader).

use std::sync::Arc;

use proptest::prelude::*;

use super::codes;
use super::limits::Limits;
use super::load;
use crate::diagnostics::{Problem, Problems};
use crate::model::{
    EntityInfo, EnumDef, FieldDef, PathDecl, RecordDef, Rulebook, Schema, Type, Value, Version,
};
use crate::source::{Sources, Span};

// --- the schema -------------------------------------------------------------------

/// A hand-built copy of `rules/acp/schema.uplan` (the checker is not needed to test
/// the loader): records by name, enums as variant lists.
struct Builder {
    schema: Schema,
}

enum T {
    Bool,
    Int,
    Str,
    Version,
    Enum(&'static [&'static str]),
    Record(&'static str),
    List(Box<T>),
    Opt(Box<T>),
}

impl Builder {
    fn id(&mut self, name: &str) -> u16 {
        match self.schema.records.iter().position(|r| r.name == name) {
            Some(i) => i as u16,
            None => {
                self.schema.records.push(RecordDef {
                    name: name.into(),
                    fields: vec![],
                    entity: None,
                    key_field: None,
                    span: Span::default(),
                });
                (self.schema.records.len() - 1) as u16
            }
        }
    }

    fn ty(&mut self, t: &T) -> Type {
        match t {
            T::Bool => Type::Bool,
            T::Int => Type::Int,
            T::Str => Type::Str,
            T::Version => Type::Version,
            T::Enum(variants) => {
                let def = EnumDef {
                    variants: variants.iter().map(|v| v.to_string()).collect(),
                };
                self.schema.enums.push(def);
                Type::Enum((self.schema.enums.len() - 1) as u16)
            }
            T::Record(name) => Type::Record(self.id(name)),
            T::List(inner) => Type::List(Box::new(self.ty(inner))),
            T::Opt(inner) => Type::Optional(Box::new(self.ty(inner))),
        }
    }

    fn record(&mut self, name: &str, fields: Vec<(&str, T, Option<Value>)>) -> u16 {
        let id = self.id(name);
        let defs: Vec<FieldDef> = fields
            .into_iter()
            .map(|(name, t, default)| FieldDef {
                name: name.into(),
                ty: self.ty(&t),
                default,
                meta: Default::default(),
                span: Span::default(),
            })
            .collect();
        let rec = &mut self.schema.records[id as usize];
        rec.key_field = defs.iter().position(|f| f.name == "name").map(|i| i as u16);
        rec.fields = defs;
        id
    }
}

fn req(name: &str, t: T) -> (&str, T, Option<Value>) {
    (name, t, None)
}

fn def(name: &str, t: T, v: Value) -> (&str, T, Option<Value>) {
    (name, t, Some(v))
}

fn opt(t: T) -> T {
    T::Opt(Box::new(t))
}

fn list(t: T) -> T {
    T::List(Box::new(t))
}

fn empty() -> Value {
    Value::List(vec![])
}

fn str_value(s: &str) -> Value {
    Value::Str(Arc::from(s))
}

fn schema() -> Schema {
    let mut b = Builder {
        schema: Schema::default(),
    };
    let root = b.id("inventory");
    b.record(
        "platform",
        vec![
            req("version", T::Version),
            def(
                "registry",
                T::Enum(&["builtin", "external"]),
                Value::Enum(0),
            ),
        ],
    );
    b.record(
        "extraction",
        vec![
            def("same_disk", T::Bool, Value::Bool(false)),
            req("free_gb", T::Int),
        ],
    );
    b.record(
        "plugin",
        vec![
            req("name", T::Str),
            req("version", opt(T::Version)),
            def(
                "kind",
                T::Enum(&["cluster-plugin", "operator"]),
                Value::Enum(0),
            ),
            def("source", T::Str, str_value("alauda")),
        ],
    );
    b.record("disk", vec![req("path", T::Str), req("free_gb", T::Int)]);
    b.record(
        "data_service",
        vec![
            req(
                "engine",
                T::Enum(&[
                    "postgresql",
                    "mysql-pxc",
                    "mysql-mgr",
                    "redis",
                    "kafka",
                    "rabbitmq",
                ]),
            ),
            def(
                "update_strategy",
                T::Enum(&["auto", "manual"]),
                Value::Enum(1),
            ),
        ],
    );
    b.record(
        "elasticsearch",
        vec![
            req("version", T::Int),
            def("node_role_fix", T::Bool, Value::Bool(false)),
        ],
    );
    b.record(
        "resource_patch",
        vec![req("name", T::Str), req("exempt_for", opt(T::Version))],
    );
    let cluster = b.record(
        "cluster",
        vec![
            req("name", T::Str),
            req("role", T::Enum(&["global", "workload"])),
            def(
                "dr",
                T::Enum(&["primary", "standby", "none"]),
                Value::Enum(2),
            ),
            def("type", T::Enum(&["on-premises", "managed"]), Value::Enum(0)),
            req("provider", opt(T::Str)),
            req("version", opt(T::Version)),
            req("kubernetes", T::Version),
            def(
                "runtime",
                T::Enum(&["containerd", "docker"]),
                Value::Enum(0),
            ),
            req("istio", opt(T::Version)),
            req("service_mesh", opt(T::Enum(&["v1", "v2"]))),
            def("plugins", list(T::Record("plugin")), empty()),
            def("disks", list(T::Record("disk")), empty()),
            def("etcd_backup_tasks", list(T::Str), empty()),
            def("machines_not_running", T::Int, Value::Int(0)),
            def("data_services", list(T::Record("data_service")), empty()),
            req("elasticsearch", opt(T::Record("elasticsearch"))),
            def(
                "resource_patches",
                list(T::Record("resource_patch")),
                empty(),
            ),
            def("application_services", T::Bool, Value::Bool(false)),
        ],
    );
    b.schema.records[cluster as usize].entity = Some(EntityInfo {
        root_field: 3,
        key_field: 0,
    });
    b.record(
        "inventory",
        vec![
            req("platform", T::Record("platform")),
            req("target", opt(T::Version)),
            req("extraction", opt(T::Record("extraction"))),
            req("clusters", list(T::Record("cluster"))),
        ],
    );
    b.schema.root = root;
    b.schema
}

/// A rulebook holding only a schema: all the loader reads.
pub(crate) fn rulebook_with(schema: Schema) -> Rulebook {
    Rulebook {
        sources: Sources::default(),
        schema,
        releases: vec![],
        hops: vec![],
        phases: vec![],
        steps: vec![],
        rules: vec![],
        procedures: vec![],
        orders: vec![],
        limits: vec![],
        milestones: vec![],
        checkpoints: vec![],
        path: PathDecl {
            from: vec![],
            to: None,
            span: Span::default(),
        },
        tests: vec![],
        translations: Default::default(),
    }
}

fn rulebook() -> Rulebook {
    rulebook_with(schema())
}

// --- helpers ----------------------------------------------------------------------

const VALID: &str = r#"# a full inventory
platform:
  version: "3.18.1"
  registry: builtin
target: "4.3"
extraction: {same_disk: true, free_gb: 300}
clusters:
  - name: global
    role: global
    dr: primary
    kubernetes: "1.30.4"
    istio: "1.22.1"
    plugins:
      - {name: costmanager, version: "3.18.0", kind: operator}
      - {name: topolvm}
    disks:
      - {path: /cpaas/minio, free_gb: 150}
    etcd_backup_tasks: [etcd-backup-default, nightly-offsite]
    machines_not_running: 2
    elasticsearch: {version: 6}
  - name: biz-1
    role: workload
    kubernetes: v1.28
    istio: null
    etcd_backup_tasks: []
    type: managed
    provider: eks
    runtime: docker
    service_mesh: v2
    data_services:
      - {engine: postgresql, update_strategy: auto}
    resource_patches:
      - {name: rp-1, exempt_for: "4.1"}
    application_services: true
"#;

fn problems(text: &str) -> Problems {
    match load(&rulebook(), "inv.yaml", text) {
        Ok(inv) => panic!("expected errors, loaded {:?}", inv.facts),
        Err(p) => p,
    }
}

/// The only problem of `text`, asserting its code.
fn single(text: &str, code: &str) -> Problem {
    let p = problems(text);
    assert_eq!(
        p.codes(),
        vec![code],
        "{}",
        crate::diagnostics::render(&p, false)
    );
    p.0.into_iter().next().unwrap()
}

/// 1-based line of a span's start.
fn line(text: &str, span: Span) -> usize {
    text[..span.start as usize].matches('\n').count() + 1
}

fn slice(text: &str, span: Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

fn span_of(p: &Problem) -> Span {
    p.span.expect("a span")
}

/// The fact at a dotted path of field names and list indices: `clusters.1.dr`.
fn fact<'a>(facts: &'a Value, path: &str) -> &'a Value {
    let schema = schema();
    let mut record = schema.root;
    let mut v = facts;
    for seg in path.split('.') {
        v = match v {
            Value::List(items) => &items[seg.parse::<usize>().unwrap()],
            Value::Record(fields) => {
                let (i, f) = schema
                    .record(record)
                    .field(seg)
                    .unwrap_or_else(|| panic!("no field {seg}"));
                let mut ty = &f.ty;
                while let Type::Optional(t) | Type::List(t) = ty {
                    ty = t;
                }
                if let Type::Record(id) = ty {
                    record = *id;
                }
                &fields[i as usize]
            }
            other => panic!("cannot index {other:?} with {seg}"),
        };
    }
    v
}

fn version(s: &str) -> Value {
    Value::Version(Version::parse(s).unwrap())
}

// --- loading valid inventories -----------------------------------------------------

#[test]
fn a_full_inventory_loads_with_values_and_defaults() {
    let inv = load(&rulebook(), "inv.yaml", VALID).unwrap();
    let f = |path: &str| fact(&inv.facts, path).clone();
    assert_eq!(f("platform.version"), version("3.18.1"));
    assert_eq!(f("platform.registry"), Value::Enum(0));
    assert_eq!(f("target"), version("4.3"));
    assert_eq!(f("extraction.same_disk"), Value::Bool(true));
    assert_eq!(f("extraction.free_gb"), Value::Int(300));
    assert_eq!(f("clusters.0.name"), str_value("global"));
    assert_eq!(f("clusters.0.dr"), Value::Enum(0), "dr: primary");
    assert_eq!(f("clusters.0.kubernetes"), version("1.30.4"));
    assert_eq!(
        f("clusters.0.plugins.0.kind"),
        Value::Enum(1),
        "kind: operator"
    );
    assert_eq!(
        f("clusters.0.plugins.1.version"),
        Value::Null,
        "version left out"
    );
    assert_eq!(
        f("clusters.0.plugins.1.kind"),
        Value::Enum(0),
        "kind defaults"
    );
    assert_eq!(
        f("clusters.0.plugins.1.source"),
        str_value("alauda"),
        "source defaults"
    );
    assert_eq!(f("clusters.0.disks.0.free_gb"), Value::Int(150));
    assert_eq!(
        f("clusters.0.etcd_backup_tasks.1"),
        str_value("nightly-offsite")
    );
    assert_eq!(f("clusters.0.machines_not_running"), Value::Int(2));
    assert_eq!(f("clusters.0.elasticsearch.version"), Value::Int(6));
    assert_eq!(
        f("clusters.0.elasticsearch.node_role_fix"),
        Value::Bool(false)
    );
    assert_eq!(f("clusters.0.type"), Value::Enum(0), "type defaults");
    assert_eq!(
        f("clusters.0.service_mesh"),
        Value::Null,
        "optional enum left out"
    );
    assert_eq!(f("clusters.1.role"), Value::Enum(1));
    assert_eq!(f("clusters.1.dr"), Value::Enum(2), "dr defaults to none");
    assert_eq!(f("clusters.1.kubernetes"), version("1.28"));
    assert_eq!(f("clusters.1.istio"), Value::Null, "istio: null");
    assert_eq!(f("clusters.1.plugins"), empty(), "plugins default to []");
    assert_eq!(f("clusters.1.machines_not_running"), Value::Int(0));
    assert_eq!(f("clusters.1.elasticsearch"), Value::Null, "left out");
    assert_eq!(f("clusters.1.type"), Value::Enum(1));
    assert_eq!(f("clusters.1.provider"), str_value("eks"));
    assert_eq!(f("clusters.1.runtime"), Value::Enum(1));
    assert_eq!(f("clusters.1.service_mesh"), Value::Enum(1));
    assert_eq!(
        f("clusters.1.data_services.0.update_strategy"),
        Value::Enum(0)
    );
    assert_eq!(
        f("clusters.1.resource_patches.0.exempt_for"),
        version("4.1")
    );
    assert_eq!(f("clusters.1.application_services"), Value::Bool(true));
    let cluster = fact(&inv.facts, "clusters.1").as_record().unwrap();
    assert_eq!(cluster.len(), 18, "every field of the schema, in order");
}

#[test]
fn optional_root_fields_may_be_left_out() {
    let text = "platform: {version: \"4.1\"}\nclusters: []\n";
    let inv = load(&rulebook(), "inv.yaml", text).unwrap();
    assert_eq!(inv.facts.as_record().unwrap().len(), 4);
    assert_eq!(fact(&inv.facts, "platform.registry"), &Value::Enum(0));
    assert_eq!(fact(&inv.facts, "target"), &Value::Null);
    assert_eq!(fact(&inv.facts, "extraction"), &Value::Null);
}

#[test]
fn an_integer_is_a_one_number_version() {
    let text = VALID.replace("target: \"4.3\"", "target: 5");
    let inv = load(&rulebook(), "inv.yaml", &text).unwrap();
    assert_eq!(
        fact(&inv.facts, "target"),
        &Value::Version(Version::new(5, 0, 0, 1))
    );
}

#[test]
fn null_takes_the_default_of_a_defaulted_field() {
    let text = VALID.replace(
        "    etcd_backup_tasks: []\n",
        "    etcd_backup_tasks: []\n    plugins:\n    dr: ~\n",
    );
    let inv = load(&rulebook(), "inv.yaml", &text).unwrap();
    assert_eq!(fact(&inv.facts, "clusters.1.plugins"), &empty());
    assert_eq!(fact(&inv.facts, "clusters.1.dr"), &Value::Enum(2));
}

// --- tags -------------------------------------------------------------------------

#[test]
fn tags_that_repeat_the_type_pass() {
    let text = VALID
        .replace("kubernetes: v1.28", "kubernetes: !!str v1.28")
        .replace("machines_not_running: 2", "machines_not_running: !!int 2")
        .replace("role: workload", "role: !!str workload")
        .replace("istio: null", "istio: !!null ~")
        .replace("etcd_backup_tasks: []", "etcd_backup_tasks: !!seq []")
        .replace("extraction: {", "extraction: !!map {")
        .replace(
            "    application_services: true",
            "    !!str application_services: !!bool true",
        )
        .replace(
            "target: \"4.3\"",
            "target: !<tag:yaml.org,2002:str> \"4.3\"",
        );
    let inv = load(&rulebook(), "inv.yaml", &text)
        .unwrap_or_else(|p| panic!("{}", crate::diagnostics::render(&p, false)));
    assert_eq!(fact(&inv.facts, "clusters.1.kubernetes"), &version("1.28"));
    assert_eq!(fact(&inv.facts, "target"), &version("4.3"));
    assert_eq!(
        fact(&inv.facts, "clusters.0.machines_not_running"),
        &Value::Int(2)
    );
}

#[test]
fn other_tags_are_refused_at_the_tag() {
    for (field, tagged, tag) in [
        ("provider: eks", "provider: !!binary aGVsbG8=", "!!binary"),
        ("provider: eks", "provider: !foo eks", "!foo"),
        ("provider: eks", "provider: ! eks", "!"),
        ("kubernetes: v1.28", "kubernetes: !!int 130", "!!int"),
        ("kubernetes: v1.28", "kubernetes: !!float 1.30", "!!float"),
        (
            "kubernetes: v1.28",
            "kubernetes: &k !!timestamp 2001-12-14",
            "!!timestamp",
        ),
        (
            "machines_not_running: 2",
            "machines_not_running: !!str 2",
            "!!str",
        ),
        (
            "role: workload",
            "role: !<tag:example.com,2000:role> workload",
            "!<tag:example.com,2000:role>",
        ),
        (
            "etcd_backup_tasks: []",
            "etcd_backup_tasks: !!set {}",
            "!!set",
        ),
        ("    role: workload", "    !!int role: workload", "!!int"),
        ("kubernetes: v1.28", "kubernetes: !!null ~", "!!null"),
    ] {
        let text = VALID.replace(field, tagged);
        assert_ne!(text, VALID, "{tagged}");
        let p = single(&text, codes::BAD_TAG);
        assert_eq!(slice(&text, span_of(&p)), tag, "{tagged}");
        assert!(p.message.contains(&format!("`{tag}`")), "{}", p.message);
    }
}

#[test]
fn a_tag_through_an_alias_is_checked_against_each_use() {
    let text = VALID
        .replace(
            "machines_not_running: 2",
            "machines_not_running: &two !!int 2",
        )
        .replace("kubernetes: v1.28", "kubernetes: *two");
    let p = single(&text, codes::BAD_TAG);
    assert_eq!(slice(&text, span_of(&p)), "!!int");
    assert!(
        p.message.contains("clusters.biz-1.kubernetes"),
        "{}",
        p.message
    );
}

// --- numbers, bytes, limits ---------------------------------------------------------

#[test]
fn an_integer_beyond_64_bits_is_too_large() {
    for (typed, word) in [
        (
            "99999999999999999999",
            "too large: at most 9223372036854775807",
        ),
        (
            "9223372036854775808",
            "too large: at most 9223372036854775807",
        ),
        (
            "-9223372036854775809",
            "too small: at least -9223372036854775808",
        ),
        ("999999999999999999999999999999999999999999", "too large"),
    ] {
        let text = VALID.replace(
            "machines_not_running: 2",
            &format!("machines_not_running: {typed}"),
        );
        let p = single(&text, codes::INT_OUT_OF_RANGE);
        assert_eq!(slice(&text, span_of(&p)), typed);
        assert!(p.message.contains(word), "{}", p.message);
    }
    let text = VALID.replace(
        "machines_not_running: 2",
        "machines_not_running: 9223372036854775807",
    );
    let inv = load(&rulebook(), "inv.yaml", &text).unwrap();
    assert_eq!(
        fact(&inv.facts, "clusters.0.machines_not_running"),
        &Value::Int(i64::MAX)
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let text = format!(
        "\u{FEFF}{}",
        VALID.trim_start_matches("# a full inventory\n")
    );
    let inv = load(&rulebook(), "inv.yaml", &text)
        .unwrap_or_else(|p| panic!("{}", crate::diagnostics::render(&p, false)));
    let span = inv.locate("clusters.biz-1.kubernetes").unwrap();
    assert_eq!(slice(&text, span), "v1.28");
    let bad = text.replace("role: workload", "role: wrokload");
    let p = single(&bad, codes::UNKNOWN_VARIANT);
    assert_eq!(slice(&bad, span_of(&p)), "wrokload");
    let bad = text.replace(
        "[etcd-backup-default, nightly-offsite]",
        "[etcd-backup-default",
    );
    let p = single(&bad, codes::YAML_SYNTAX);
    assert!(
        line(&bad, span_of(&p)) > 1,
        "a syntax error after a BOM is not at 1:1"
    );
}

#[test]
fn a_control_character_is_pointed_at() {
    for c in ['\u{1}', '\u{1b}', '\u{7f}', '\u{9b}'] {
        let text = VALID.replace("provider: eks", &format!("provider: e{c}ks"));
        let p = single(&text, codes::YAML_SYNTAX);
        assert_eq!(
            slice(&text, span_of(&p)),
            c.to_string(),
            "U+{:04X}",
            c as u32
        );
        assert_eq!(line(&text, span_of(&p)), 27);
        assert!(!p.message.contains(c), "the character itself is not echoed");
        assert!(
            p.message.contains(&format!("U+{:04X}", c as u32)),
            "{}",
            p.message
        );
    }
}

fn with_limits(text: &str, limits: Limits) -> Result<super::Inventory, Problems> {
    super::load_with(&rulebook(), "inv.yaml", text, limits)
}

#[test]
fn a_list_past_its_limit_is_refused() {
    let small = Limits {
        list_len: 2,
        ..Limits::DEFAULT
    };
    assert!(with_limits(VALID, small).is_ok(), "two entries are fine");
    let text = VALID.replace("nightly-offsite]", "nightly-offsite, third]");
    let p = with_limits(&text, small).unwrap_err();
    assert_eq!(p.codes(), vec![codes::LIST_TOO_LONG]);
    assert_eq!(
        slice(&text, span_of(&p.0[0])),
        "[etcd-backup-default, nightly-offsite, third]"
    );
    assert!(
        p.0[0].message.contains("more than 2 entries"),
        "{}",
        p.0[0].message
    );
}

#[test]
fn aliases_that_expand_past_the_cap_are_refused_at_the_alias() {
    let small = Limits {
        nodes_base: 600,
        nodes_per_byte: 0,
        ..Limits::DEFAULT
    };
    assert!(with_limits(VALID, small).is_ok(), "no alias, no problem");
    let mut text = VALID.replace(
        "    plugins:\n      - {name: costmanager",
        "    plugins: &p\n      - {name: costmanager",
    );
    for i in 0..40 {
        text.push_str(&format!(
            "  - {{name: c{i}, role: workload, kubernetes: \"1.30\", plugins: *p}}\n"
        ));
    }
    let p = with_limits(&text, small).unwrap_err();
    assert_eq!(p.codes(), vec![codes::ALIAS_EXPANSION]);
    assert_eq!(slice(&text, span_of(&p.0[0])), "*p");
    let crossing = line(&text, span_of(&p.0[0]));
    assert!(crossing > 35 && crossing < 35 + 40, "line {crossing}");
}

// --- nesting depth -----------------------------------------------------------------

/// VALID with `etcd_backup_tasks` of the first cluster (the 4th collection from the
/// root) holding `inner` more levels of `open`/`close`.
fn nested(inner: usize, open: &str, close: &str) -> String {
    let deep = format!("[{}x{}]", open.repeat(inner), close.repeat(inner));
    VALID.replace("[etcd-backup-default, nightly-offsite]", &deep)
}

#[test]
fn nesting_up_to_the_limit_is_read_and_past_it_refused() {
    let max = super::limits::MAX_DEPTH;
    let at_limit = nested(max - 4, "[", "]");
    let p = single(&at_limit, codes::WRONG_TYPE);
    assert_eq!(
        line(&at_limit, span_of(&p)),
        18,
        "a list where a string belongs"
    );
    let past = nested(max - 3, "[", "]");
    let p = single(&past, codes::TOO_DEEP);
    let start = past.find("[[").unwrap();
    assert_eq!(
        span_of(&p).start as usize,
        start + max - 3,
        "at the first bracket past the limit"
    );
    assert_eq!(slice(&past, span_of(&p)), "[");
    assert!(p.message.contains(&max.to_string()), "{}", p.message);
}

#[test]
fn deep_nesting_is_refused_in_bounded_time() {
    for (open, close, what) in [("[", "]", "flow sequences"), ("{a: ", "}", "flow mappings")] {
        let text = nested(100_000, open, close);
        let t = std::time::Instant::now();
        let p = single(&text, codes::TOO_DEEP);
        assert!(t.elapsed().as_secs() < 10, "{what}: {:?}", t.elapsed());
        assert_eq!(line(&text, span_of(&p)), 18, "{what}");
    }
    let mut text = VALID.replace(
        "    etcd_backup_tasks: [etcd-backup-default, nightly-offsite]\n",
        "",
    );
    text.push_str("  - name: deep\n    role: workload\n    kubernetes: \"1.30\"\n    etcd_backup_tasks:\n      ");
    text.push_str(&"- ".repeat(100_000));
    text.push_str("x\n");
    let t = std::time::Instant::now();
    let p = single(&text, codes::TOO_DEEP);
    assert!(
        t.elapsed().as_secs() < 10,
        "block sequences: {:?}",
        t.elapsed()
    );
    let at = span_of(&p).start as usize;
    let line_start = text[..at].rfind('\n').unwrap() + 1;
    let column = at - line_start;
    // `etcd_backup_tasks` is level 4, its `-` at column 6; level 65 starts 61 `- ` on.
    let levels = super::limits::MAX_DEPTH + 1 - 4;
    assert_eq!(
        column,
        6 + 2 * levels,
        "the `-` of the first level past the limit"
    );
}

#[test]
fn the_depth_limit_counts_schema_levels_too() {
    let shallow = Limits {
        depth: 4,
        ..Limits::DEFAULT
    };
    assert!(
        with_limits(
            VALID,
            Limits {
                depth: 5,
                ..Limits::DEFAULT
            }
        )
        .is_ok()
    );
    let p = with_limits(VALID, shallow).unwrap_err();
    assert_eq!(p.codes(), vec![codes::TOO_DEEP]);
    assert_eq!(
        line(VALID, span_of(&p.0[0])),
        14,
        "the first plugin, a 5th level"
    );
}

// --- locate -----------------------------------------------------------------------

#[test]
fn locate_finds_keyed_and_indexed_paths() {
    let inv = load(&rulebook(), "inv.yaml", VALID).unwrap();
    let at = |p: &str| {
        inv.locate(p)
            .map(|s| (line(VALID, s), slice(VALID, s).to_owned()))
    };
    assert_eq!(at("clusters.biz-1.kubernetes"), Some((23, "v1.28".into())));
    assert_eq!(at("clusters.1.kubernetes"), Some((23, "v1.28".into())));
    assert_eq!(at("platform.version"), Some((3, "\"3.18.1\"".into())));
    assert_eq!(
        at("clusters.global.plugins.costmanager.kind"),
        Some((14, "operator".into()))
    );
    assert_eq!(
        at("clusters.global.plugins"),
        Some((13, "plugins".into())),
        "a block list by its key"
    );
    assert_eq!(
        at("clusters.biz-1"),
        Some((21, "name: biz-1".into())),
        "an entity by its first line"
    );
    assert_eq!(
        at("extraction"),
        Some((6, "{same_disk: true, free_gb: 300}".into()))
    );
    assert_eq!(at("clusters.biz-1.istio"), Some((24, "null".into())));
    assert_eq!(at("clusters.biz-2"), None);
    assert_eq!(at("platform.nope"), None);
}

#[test]
fn locate_matches_names_holding_dots() {
    let text = VALID.replace("name: biz-1", "name: biz.eu-1");
    let inv = load(&rulebook(), "inv.yaml", &text).unwrap();
    let span = inv.locate("clusters.biz.eu-1.kubernetes").unwrap();
    assert_eq!(slice(&text, span), "v1.28");
}

// --- one fault each -----------------------------------------------------------------

#[test]
fn unknown_field_points_at_the_key_and_suggests() {
    let text = VALID.replace(
        "    kubernetes: v1.28",
        "    kubernetes: v1.28\n    kubernets: \"1.30\"",
    );
    let p = single(&text, codes::UNKNOWN_FIELD);
    assert_eq!(line(&text, span_of(&p)), 24);
    assert_eq!(slice(&text, span_of(&p)), "kubernets");
    assert!(p.message.contains("`clusters.biz-1`"), "{}", p.message);
    let help = p.help.unwrap();
    assert!(help.starts_with("did you mean `kubernetes`?"), "{help}");
    assert!(help.contains("name, role, dr"), "{help}");
}

#[test]
fn wrong_type_points_at_the_value() {
    let text = VALID.replace("kubernetes: v1.28", "kubernetes: {major: 1}");
    let p = single(&text, codes::WRONG_TYPE);
    assert_eq!(line(&text, span_of(&p)), 23);
    assert_eq!(slice(&text, span_of(&p)), "{major: 1}");
    let label = p.labels[0].label().unwrap();
    assert_eq!(label, "expected a version, found a mapping");
}

#[test]
fn wrong_type_of_a_scalar() {
    let text = VALID.replace("machines_not_running: 2", "machines_not_running: lots");
    let p = single(&text, codes::WRONG_TYPE);
    assert_eq!(line(&text, span_of(&p)), 19);
    assert_eq!(slice(&text, span_of(&p)), "lots");
    assert!(
        p.message.contains("`clusters.global.machines_not_running`"),
        "{}",
        p.message
    );
}

#[test]
fn unquoted_versions_are_read_as_written() {
    for (typed, version) in [
        ("1.30", (1, 30, 0, 2)),
        ("1.20", (1, 20, 0, 2)),
        ("4.10", (4, 10, 0, 2)),
        ("1.3", (1, 3, 0, 2)),
        ("1.30.4", (1, 30, 4, 3)),
        ("1", (1, 0, 0, 1)),
    ] {
        let text = VALID
            .replace("kubernetes: v1.28", &format!("kubernetes: {typed}"))
            .replace("target: \"4.3\"", &format!("target: {typed}"));
        let inv = load(&rulebook(), "inv.yaml", &text)
            .unwrap_or_else(|p| panic!("{typed}: {}", crate::diagnostics::render(&p, false)));
        let (major, minor, patch, precision) = version;
        let want = Value::Version(Version::new(major, minor, patch, precision));
        assert_eq!(fact(&inv.facts, "clusters.1.kubernetes"), &want, "{typed}");
        assert_eq!(fact(&inv.facts, "target"), &want, "target: {typed}");
    }
}

#[test]
fn unquoted_versions_in_flow_and_through_aliases() {
    let text = VALID
        .replace("{name: topolvm}", "{name: topolvm, version: 4.10}")
        .replace("istio: \"1.22.1\"", "istio: &mesh 1.20")
        .replace("istio: null", "istio: *mesh");
    let inv = load(&rulebook(), "inv.yaml", &text).unwrap();
    assert_eq!(
        fact(&inv.facts, "clusters.0.plugins.1.version"),
        &version("4.10")
    );
    assert_eq!(fact(&inv.facts, "clusters.0.istio"), &version("1.20"));
    assert_eq!(fact(&inv.facts, "clusters.1.istio"), &version("1.20"));
}

#[test]
fn a_number_that_is_no_version_is_rejected() {
    for typed in [
        "1.3e2", ".inf", "-.inf", ".nan", "0x1F", "0o17", "-1", "+1.30",
    ] {
        let text = VALID.replace("kubernetes: v1.28", &format!("kubernetes: {typed}"));
        let p = single(&text, codes::BAD_VERSION);
        assert_eq!(line(&text, span_of(&p)), 23, "{typed}");
        assert_eq!(slice(&text, span_of(&p)), typed);
        assert!(
            p.message.starts_with(&format!("`{typed}` is ")),
            "{}",
            p.message
        );
    }
}

#[test]
fn build_metadata_is_kept() {
    let text = VALID.replace("kubernetes: v1.28", "kubernetes: v1.30.4+rke2r1");
    let inv = load(&rulebook(), "inv.yaml", &text).unwrap();
    let Value::Version(v) = fact(&inv.facts, "clusters.1.kubernetes") else {
        panic!("not a version");
    };
    assert_eq!(v.to_string(), "1.30.4+rke2r1");
    assert!(v.compare(&Version::parse("1.30.4").unwrap()).is_eq());
}

#[test]
fn a_garbage_version_is_rejected() {
    let text = VALID.replace("kubernetes: v1.28", "kubernetes: \"one.two\"");
    let p = single(&text, codes::BAD_VERSION);
    assert_eq!(line(&text, span_of(&p)), 23);
    assert_eq!(slice(&text, span_of(&p)), "\"one.two\"");
}

#[test]
fn unknown_variant_suggests_the_closest() {
    let text = VALID.replace("role: workload", "role: wrokload");
    let p = single(&text, codes::UNKNOWN_VARIANT);
    assert_eq!(line(&text, span_of(&p)), 22);
    let help = p.help.unwrap();
    assert_eq!(
        help,
        "did you mean `workload`? expected one of: global, workload"
    );
}

#[test]
fn missing_field_points_at_the_entity() {
    let text = VALID.replace("    kubernetes: v1.28\n", "");
    let p = single(&text, codes::MISSING_FIELD);
    assert_eq!(line(&text, span_of(&p)), 21);
    assert_eq!(slice(&text, span_of(&p)), "name: biz-1");
    assert_eq!(p.message, "missing field `kubernetes` in `clusters.biz-1`");
}

#[test]
fn missing_field_of_a_keyed_record_points_at_its_key() {
    let text = VALID.replace("  version: \"3.18.1\"\n", "");
    let p = single(&text, codes::MISSING_FIELD);
    assert_eq!(slice(&text, span_of(&p)), "platform");
    assert_eq!(line(&text, span_of(&p)), 2);
    assert_eq!(p.message, "missing field `version` in `platform`");
}

#[test]
fn a_required_list_left_out_is_missing() {
    let text = "# no clusters\nplatform: {version: \"4.1\"}\n";
    let p = single(text, codes::MISSING_FIELD);
    assert_eq!(p.message, "missing field `clusters` in the inventory");
    assert_eq!(line(text, span_of(&p)), 2, "the root mapping's first line");
}

#[test]
fn a_range_field_is_rejected_politely() {
    let mut schema = schema();
    let platform = schema
        .records
        .iter()
        .position(|r| r.name == "platform")
        .unwrap();
    schema.records[platform].fields.push(FieldDef {
        name: "window".into(),
        ty: Type::Optional(Box::new(Type::Range)),
        default: None,
        meta: Default::default(),
        span: Span::default(),
    });
    let text = VALID.replace(
        "  registry: builtin",
        "  registry: builtin\n  window: 1.31..=1.34",
    );
    let p = load(&rulebook_with(schema), "inv.yaml", &text).unwrap_err();
    assert_eq!(p.codes(), vec![codes::WRONG_TYPE]);
    assert_eq!(
        p.0[0].message,
        "`platform.window` has type range, which an inventory cannot set"
    );
    assert_eq!(line(&text, span_of(&p.0[0])), 5);
}

#[test]
fn duplicate_names_show_both_entities() {
    let text = VALID.replace("name: biz-1", "name: global");
    let p = single(&text, codes::DUPLICATE_NAME);
    assert_eq!(line(&text, span_of(&p)), 21);
    assert_eq!(p.labels.len(), 2);
    let first = p.labels[1].offset();
    assert_eq!(text[..first].matches('\n').count() + 1, 8);
}

#[test]
fn a_key_given_twice_is_reported() {
    let text = VALID.replace("    role: workload", "    role: workload\n    role: global");
    let p = single(&text, codes::DUPLICATE_KEY);
    assert_eq!(line(&text, span_of(&p)), 23);
    assert_eq!(p.labels.len(), 2);
}

#[test]
fn yaml_syntax_errors_point_at_the_line() {
    let text = VALID.replace(
        "[etcd-backup-default, nightly-offsite]",
        "[etcd-backup-default, nightly-offsite",
    );
    let p = single(&text, codes::YAML_SYNTAX);
    assert!(
        (18..=20).contains(&line(&text, span_of(&p))),
        "line {}",
        line(&text, span_of(&p))
    );
    assert!(!p.message.contains(" at line "), "{}", p.message);
}

#[test]
fn two_documents_are_a_syntax_error() {
    let text = format!("{VALID}---\nplatform: {{}}\n");
    let p = single(&text, codes::YAML_SYNTAX);
    assert_eq!(line(&text, span_of(&p)), 35);
}

#[test]
fn an_empty_file_or_a_list_is_not_a_mapping() {
    let p = single("", codes::NOT_A_MAPPING);
    assert_eq!(p.message, "the inventory is empty");
    let p = single("# only a comment\n", codes::NOT_A_MAPPING);
    assert_eq!(p.message, "the inventory is empty");
    let p = single("\n- a\n- b\n", codes::NOT_A_MAPPING);
    assert_eq!(line("\n- a\n- b\n", span_of(&p)), 2);
    assert!(p.message.ends_with("found a sequence"), "{}", p.message);
}

#[test]
fn required_null_is_a_wrong_type() {
    let text = VALID.replace("kubernetes: v1.28", "kubernetes: null");
    let p = single(&text, codes::WRONG_TYPE);
    assert_eq!(slice(&text, span_of(&p)), "null");
}

#[test]
fn spans_are_bytes_even_after_non_ascii_text() {
    let text = VALID
        .replace("# a full inventory", "# inventaire complet — clusters é")
        .replace("role: workload", "role: wrokload");
    let p = single(&text, codes::UNKNOWN_VARIANT);
    assert_eq!(slice(&text, span_of(&p)), "wrokload");
}

// --- many faults ------------------------------------------------------------------

#[test]
fn every_fault_of_a_file_is_reported_in_source_order() {
    let text = VALID
        .replace("registry: builtin", "registry: bultin")
        .replace("kubernetes: \"1.30.4\"", "kubernetes: 1.3e2")
        .replace("free_gb: 150", "free_gb: lots")
        .replace("name: biz-1", "name: global")
        .replace("    kubernetes: v1.28\n", "    kubernets: v1.28\n");
    let p = problems(&text);
    assert_eq!(
        p.codes(),
        vec![
            codes::UNKNOWN_VARIANT,
            codes::BAD_VERSION,
            codes::WRONG_TYPE,
            codes::MISSING_FIELD,
            codes::DUPLICATE_NAME,
            codes::UNKNOWN_FIELD,
        ]
    );
    let lines: Vec<usize> = p.0.iter().map(|p| line(&text, span_of(p))).collect();
    assert_eq!(lines, vec![4, 11, 17, 21, 21, 23]);
    for problem in &p.0 {
        assert!(problem.help.is_some(), "{} has no help", problem.code);
        assert!(problem.source.is_some(), "{} has no source", problem.code);
    }
}

#[test]
fn a_missing_schema_is_reported_not_panicked() {
    let r = load(&rulebook_with(Schema::default()), "inv.yaml", VALID);
    assert_eq!(r.unwrap_err().codes(), vec![codes::NO_SCHEMA]);
}

// --- never panic ------------------------------------------------------------------

/// Small edits of a valid inventory: the kinds of damage a person or a tool does.
fn mutate(text: &str, at: usize, edit: u8, byte: u8) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let at = at % (bytes.len() + 1);
    let insert = [
        b'{', b'}', b'[', b']', b':', b'-', b'\n', b' ', b'"', b'\'', b'&', b'*', b'!', b'#', b'1',
        b'.', b'\t', b'?', b'|',
    ];
    match edit % 4 {
        0 => bytes.insert(at, insert[byte as usize % insert.len()]),
        1 if at < bytes.len() => {
            bytes.remove(at);
        }
        2 => bytes.insert(at, byte),
        _ => bytes.truncate(at),
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn load_and_render(text: &str) {
    match load(&rulebook(), "inv.yaml", text) {
        Ok(inv) => {
            let _ = inv.locate("clusters.biz-1.kubernetes");
            let _ = inv.locate("clusters.0.plugins.topolvm");
        }
        Err(p) => {
            assert!(!p.is_empty());
            let _ = crate::diagnostics::render(&p, false);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        load_and_render(&text);
    }

    #[test]
    fn yamlish_text_never_panics(text in "[a-z0-9:{}\\[\\]\\-,.\"' \n#&*!|>?]{0,200}") {
        load_and_render(&text);
    }

    #[test]
    fn mutated_inventories_never_panic(edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        let mut text = VALID.to_owned();
        for (at, edit, byte) in edits {
            text = mutate(&text, at, edit, byte);
        }
        load_and_render(&text);
    }
}

// --- the bad-inventory corpus -------------------------------------------------------

/// The codes a corpus file's first line promises: `# expect: code, code`; none for
/// `# expect: ok` (a hostile but valid inventory).
fn expected_codes(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or("");
    let codes = first
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("first line must be `# expect: CODE`, found {first:?}"));
    if codes.trim() == "ok" {
        return Vec::new();
    }
    codes.split(',').map(|c| c.trim().to_owned()).collect()
}

/// tests/bad-inventories/*.yaml against the hand-built schema, codes only; the
/// snapshots of the rendered diagnostics (with the real ACP rulebook) are in
/// tests/bad_inventories.rs.
#[test]
fn the_bad_inventory_corpus_gives_its_codes() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-inventories");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 60, "corpus too small: {files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        // Names, `uint` and precision come from the rulebook's declarations, which the
        // hand-built schema here does not make: those codes are checked against the ACP
        // rulebook by tests/bad_inventories.rs.
        let from_rulebook = [codes::BAD_NAME, codes::NEGATIVE, codes::IMPRECISE_VERSION];
        let mut expected = expected_codes(&text);
        expected.retain(|c| !from_rulebook.contains(&c.as_str()));
        let codes: Vec<String> = match load(&rulebook(), "bad.yaml", &text) {
            Ok(_) => Vec::new(),
            Err(p) => {
                for problem in &p.0 {
                    assert!(
                        problem.span.is_some() && problem.help.is_some(),
                        "{}",
                        path.display()
                    );
                }
                p.codes()
                    .into_iter()
                    .filter(|c| !from_rulebook.contains(c))
                    .map(str::to_owned)
                    .collect()
            }
        };
        assert_eq!(codes, expected, "{}", path.display());
    }
}

#[test]
fn aliases_are_followed_and_merge_keys_explained() {
    let text = VALID
        .replace("kubernetes: \"1.30.4\"", "kubernetes: &k8s \"1.30.4\"")
        .replace("kubernetes: v1.28", "kubernetes: *k8s");
    let inv = load(&rulebook(), "inv.yaml", &text).unwrap();
    assert_eq!(
        fact(&inv.facts, "clusters.1.kubernetes"),
        &version("1.30.4")
    );
    let text = VALID.replace(
        "    role: workload\n",
        "    role: workload\n    <<: {dr: none}\n",
    );
    let p = single(&text, codes::UNKNOWN_FIELD);
    assert!(
        p.help
            .unwrap()
            .starts_with("YAML merge keys are not supported")
    );
}
