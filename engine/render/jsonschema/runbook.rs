//! The runbook's additions to `uplan.plan/v1` (engine/plan.rs): per step its phase,
//! duration range and basis, source, verification, undo, irreversibility, escalation,
//! restarts and limit; per plan its checkpoints, checks after the upgrade, clusters
//! and the limits that cut waves.

use serde_json::{Map, Value as Json, json};

use super::{Closure, object};

fn text(d: &str) -> Json {
    json!({"type": "string", "description": d})
}

fn strings(d: &str) -> Json {
    json!({"type": "array", "items": {"type": "string"}, "description": d})
}

pub fn step_fields(p: &mut Map<String, Json>, closure: Closure) {
    p.insert(
        "phase".into(),
        text("The rulebook phase of the step; prepare steps need no maintenance window."),
    );
    p.insert("duration_range".into(), json!({"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2, "description": "[min, max] minutes when the estimate is a range; duration_minutes is max."}));
    p.insert("duration_basis".into(), json!({"enum": ["guide", "estimate", "inventory"], "description": "Whose word the duration is: the guides', the rule author's estimate, or the site's measurement (meta.durations)."}));
    p.insert(
        "source".into(),
        text("The source of the rule or procedure that added the step."),
    );
    p.insert("verify".into(), strings("What shows the step is done."));
    let mut u = Map::new();
    u.insert("text".into(), text("How to undo the step."));
    u.insert("basis".into(), json!({"enum": ["guide", "judgement"], "description": "From the guides, or the rule author's engineering judgement."}));
    p.insert("undo".into(), json!({"type": "array", "items": object(u, &["text", "basis"], closure), "description": "How the step can be undone."}));
    p.insert(
        "irreversible".into(),
        strings(
            "Why the step cannot be undone; a window's first such step is its point of no return.",
        ),
    );
    p.insert(
        "escalate".into(),
        strings("Whom to call when the step goes wrong."),
    );
    p.insert("restarts".into(), strings("What the step restarts."));
    p.insert(
        "limit".into(),
        text("The id of the limit (in the plan's limits) the step holds a slot of."),
    );
}

pub fn plan_fields(p: &mut Map<String, Json>, closure: Closure) {
    let cp = checkpoint(closure);
    p.insert("checkpoints".into(), json!({"type": "array", "items": cp, "description": "Go/no-go points of the windows, in hop order."}));
    p.insert("post_checks".into(), json!({"type": "array", "items": checkpoint(closure), "description": "What to check once the upgrade is done."}));
    p.insert("clusters".into(), json!({"type": "array", "items": cluster(closure), "description": "Each cluster before and after the plan."}));
    let mut l = Map::new();
    l.insert("id".into(), text("The limit's id in the rulebook."));
    l.insert(
        "at_once".into(),
        json!({"type": "integer", "minimum": 0, "description": "How many may run at once."}),
    );
    l.insert("source".into(), text("Where the limit comes from."));
    p.insert("limits".into(), json!({"type": "array", "items": object(l, &["id", "at_once", "source"], closure), "description": "The concurrency limits that cut a wave of this plan."}));
}

fn checkpoint(closure: Closure) -> Json {
    let mut p = Map::new();
    p.insert("id".into(), text("The checkpoint's id in the rulebook."));
    p.insert(
        "hop".into(),
        text("The window (hop) it stands in; absent after the upgrade."),
    );
    p.insert("before_phase".into(), text("The phase it precedes."));
    p.insert(
        "before_step".into(),
        text("The id of the step it stands before."),
    );
    p.insert("title".into(), text("What must be true, in short."));
    p.insert("checks".into(), strings("What must be true to go on."));
    p.insert("commands".into(), strings("Commands that show it."));
    p.insert("source".into(), text("Where it comes from."));
    object(p, &["id", "title", "checks", "source"], closure)
}

fn cluster(closure: Closure) -> Json {
    let mut c = Map::new();
    c.insert(
        "fact".into(),
        text("The version fact (version, kubernetes)."),
    );
    c.insert(
        "from".into(),
        text("Its value in the inventory; absent when not recorded (the platform's version)."),
    );
    c.insert("to".into(), text("Its value after the plan."));
    let change = object(c, &["fact", "to"], closure);
    let mut p = Map::new();
    p.insert("name".into(), text("The cluster's name."));
    p.insert(
        "role".into(),
        text("Its role, when the schema gives clusters one."),
    );
    p.insert("changes".into(), json!({"type": "array", "items": change, "description": "The version facts the plan changes."}));
    p.insert("restarts".into(), strings("What its steps restart."));
    object(p, &["name"], closure)
}
