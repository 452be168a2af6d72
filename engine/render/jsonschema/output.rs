//! The JSON Schemas of `uplan plan --format json` (`uplan.plan/v1`, engine/plan.rs) and
//! `uplan check --format json` (`uplan.check/v1`, engine/render/json.rs).

use serde_json::{Map, Value as Json, json};

use super::{Closure, DRAFT, object};
use crate::plan::SCHEMA_ID;
use crate::render::CHECK_SCHEMA_ID;

/// The schema of a plan.
pub fn plan(closure: Closure) -> Json {
    let mut properties = header(SCHEMA_ID, closure);
    properties.insert(
        "steps".into(),
        json!({
            "description": "The steps in execution order.",
            "type": "array",
            "items": step(closure),
        }),
    );
    properties.insert(
        "inventory_meta".into(),
        json!({
            "description": "Who the inventory is about and when its facts were gathered (its meta:); absent when it says neither.",
            "type": "object",
            "properties": {
                "customer": {"type": "string"},
                "collected_at": {"type": "string"},
            },
            "additionalProperties": closure == Closure::Open,
        }),
    );
    properties.insert(
        "lang".into(),
        json!({
            "description": "The language of titles, notes and messages (--lang); absent for English. Commands, ids and names are the same in every language.",
            "enum": ["zh"],
        }),
    );
    properties.insert("provenance".into(), provenance(closure));
    super::runbook::plan_fields(&mut properties, closure);
    let mut required = HEADER.to_vec();
    required.push("steps");
    document(
        "uplan plan (uplan.plan/v1)",
        "An upgrade plan: the path, the findings, and the ordered steps (`uplan plan --format json`). Fields may be added to v1; none is removed or renamed.",
        object(properties, &required, closure),
    )
}

/// The schema of a check report: a plan's header and findings, no steps.
pub fn check(closure: Closure) -> Json {
    document(
        "uplan check (uplan.check/v1)",
        "What would block the upgrade (`uplan check --format json`): the plan's header and findings. Fields may be added to v1; none is removed or renamed.",
        object(header(CHECK_SCHEMA_ID, closure), HEADER, closure),
    )
}

const HEADER: &[&str] = &["schema", "status", "from", "to", "path", "findings"];

/// `$schema`, title and description before the object's own keywords.
fn document(title: &str, description: &str, body: Json) -> Json {
    let mut o = Map::new();
    o.insert("$schema".into(), json!(DRAFT));
    o.insert("title".into(), json!(title));
    o.insert("description".into(), json!(description));
    if let Json::Object(mut b) = body {
        o.append(&mut b);
    }
    Json::Object(o)
}

/// What a plan and a check report share.
fn header(id: &str, closure: Closure) -> Map<String, Json> {
    let mut p = Map::new();
    p.insert("schema".into(), json!({"const": id}));
    p.insert(
        "status".into(),
        json!({"enum": ["ready", "blocked"], "description": "blocked when any finding blocks: the plan is not executable"}),
    );
    p.insert("from".into(), text("The installed version."));
    p.insert("to".into(), text("The target version."));
    p.insert(
        "path".into(),
        json!({"type": "array", "items": {"type": "string"}, "description": "The releases the upgrade passes, from the installed one to the target (major.minor)."}),
    );
    p.insert(
        "findings".into(),
        json!({"type": "array", "items": finding(closure)}),
    );
    p
}

fn finding(closure: Closure) -> Json {
    let mut p = Map::new();
    p.insert("rule".into(), text("The id of the rule that found it."));
    p.insert(
        "severity".into(),
        json!({"enum": ["block", "fix", "warn", "info"], "description": "block: the plan cannot be executed; fix: a step of the plan repairs it; warn, info: for people"}),
    );
    p.insert("cluster".into(), maybe_text("The cluster it is about."));
    p.insert("message".into(), text("What was found, for people."));
    p.insert(
        "facts".into(),
        json!({"type": "array", "items": {"type": "string"}, "description": "The inventory facts it rests on, as dotted paths: clusters.biz-1.kubernetes."}),
    );
    p.insert("source".into(), text("The document the rule comes from."));
    p.insert(
        "fixed_by".into(),
        maybe_text("The id of the step that repairs it."),
    );
    p.insert("hop".into(), text("The hop it belongs to (3.16->4.0)."));
    p.insert(
        "file".into(),
        text("The inventory file its first located fact is written in (<stdin> for -)."),
    );
    p.insert(
        "line".into(),
        position("1-based line of its first located fact."),
    );
    p.insert(
        "column".into(),
        position("1-based column (in bytes) of its first located fact."),
    );
    p.insert(
        "locations".into(),
        json!({"type": "array", "items": location(closure), "description": "Every located fact, in facts order."}),
    );
    p.insert(
        "waived".into(),
        waiver(
            closure,
            "The waiver that accepts it: a waived block no longer blocks.",
        ),
    );
    let required = [
        "rule", "severity", "cluster", "message", "facts", "source", "fixed_by",
    ];
    object(p, &required, closure)
}

fn position(description: &str) -> Json {
    json!({"type": "integer", "minimum": 1, "description": description})
}

fn location(closure: Closure) -> Json {
    let mut p = Map::new();
    p.insert("fact".into(), text("The fact, as a dotted path."));
    p.insert("file".into(), text("The inventory file."));
    for (k, d) in [
        ("line", "1-based line where the fact starts."),
        ("column", "1-based column (bytes) where it starts."),
        ("end_line", "1-based line where it ends."),
        (
            "end_column",
            "1-based column (bytes) where it ends, exclusive.",
        ),
    ] {
        p.insert(k.into(), position(d));
    }
    let required = ["fact", "file", "line", "column", "end_line", "end_column"];
    object(p, &required, closure)
}

fn waiver(closure: Closure, description: &str) -> Json {
    let mut p = Map::new();
    p.insert("rule".into(), text("The rule id it waives."));
    p.insert(
        "cluster".into(),
        maybe_text("The one cluster it applies to; every cluster when null or absent."),
    );
    p.insert("owner".into(), text("Who accepted the risk."));
    p.insert("reason".into(), text("Why."));
    p.insert("ticket".into(), text("Where it is tracked."));
    p.insert("expires".into(), json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "The last day it applies (YYYY-MM-DD)."}));
    let mut o = object(
        p,
        &["rule", "owner", "reason", "ticket", "expires"],
        closure,
    );
    if let Json::Object(m) = &mut o {
        m.insert("description".into(), json!(description));
    }
    o
}

fn provenance(closure: Closure) -> Json {
    let mut p = Map::new();
    p.insert(
        "uplan".into(),
        text("The uplan version that made the plan."),
    );
    let sha = |d: &str| json!({"type": "string", "pattern": "^[0-9a-f]{64}$", "description": d});
    p.insert(
        "inventory_sha256".into(),
        sha("sha256 of the inventory file's bytes."),
    );
    p.insert(
        "rulebook_sha256".into(),
        sha("sha256 of the rulebook's files (sorted by name; name, NUL, length, text)."),
    );
    p.insert(
        "target_requested".into(),
        maybe_text("The target as asked for (--to, or the inventory's target)."),
    );
    p.insert(
        "waivers".into(),
        json!({"type": "array", "items": waiver(closure, "A waiver that applied."), "description": "The waivers that applied; validate applies them again."}),
    );
    let mut o = object(
        p,
        &["uplan", "inventory_sha256", "rulebook_sha256"],
        closure,
    );
    if let Json::Object(m) = &mut o {
        m.insert(
            "description".into(),
            json!("What the plan was made from; uplan validate compares it first."),
        );
    }
    o
}

fn step(closure: Closure) -> Json {
    let mut p = Map::new();
    p.insert(
        "id".into(),
        text("Unique in the plan: 3.16->4.0:upgrade-kubernetes(biz-1,1.29)."),
    );
    p.insert("hop".into(), text("The hop it belongs to (3.16->4.0)."));
    p.insert("action".into(), text("The step's name in the rulebook."));
    p.insert("cluster".into(), maybe_text("The cluster it acts on."));
    p.insert("title".into(), text("What it does, for people."));
    p.insert("commands".into(), strings("The commands to run, in order."));
    p.insert("manual".into(), json!({"type": "boolean", "description": "A person does it (in a console, or by judgement)."}));
    p.insert(
        "after".into(),
        strings("The ids of the steps it waits for."),
    );
    p.insert("wave".into(), json!({"type": "integer", "minimum": 0, "description": "Steps of one hop and wave may run at once."}));
    p.insert(
        "rule".into(),
        maybe_text("The rule that added it, if a rule did."),
    );
    p.insert("notes".into(), strings("Notes for the person running it."));
    p.insert(
        "duration_minutes".into(),
        json!({"type": ["integer", "null"], "minimum": 0, "description": "The estimate, when the rulebook gives one."}),
    );
    p.insert("optional".into(), json!({"type": "boolean", "description": "A person may skip it and the plan stays valid; absent means false."}));
    p.insert(
        "optional_consequence".into(),
        text("What skipping an optional step costs."),
    );
    p.insert("manual_addition".into(), json!({"type": "boolean", "description": "A person added the step by hand; validate allows it and reports it unchecked."}));
    super::runbook::step_fields(&mut p, closure);
    let required = [
        "id",
        "hop",
        "action",
        "cluster",
        "title",
        "commands",
        "manual",
        "after",
        "wave",
        "rule",
        "notes",
        "duration_minutes",
    ];
    object(p, &required, closure)
}

fn text(description: &str) -> Json {
    json!({"type": "string", "description": description})
}

fn maybe_text(description: &str) -> Json {
    json!({"type": ["string", "null"], "description": description})
}

fn strings(description: &str) -> Json {
    json!({"type": "array", "items": {"type": "string"}, "description": description})
}
