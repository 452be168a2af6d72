use super::*;
use crate::eval::{self, Mode};

const NIMBUS: &str = include_str!("../../examples/nimbus-4.1-k8s-too-new-blocked.yaml");
const TODAY: Date = Date {
    year: 2026,
    month: 12,
    day: 2,
};

fn acp() -> Rulebook {
    crate::rulebooks::embedded_acp().unwrap_or_else(|p| panic!("{:?}", p.codes()))
}

fn inventory(rb: &Rulebook) -> Inventory {
    crate::inventory::load(rb, "nimbus.yaml", NIMBUS).unwrap_or_else(|p| panic!("{:?}", p.codes()))
}

fn waivers(rb: &Rulebook, inv: &Inventory, text: &str) -> Result<Waivers, Vec<&'static str>> {
    let clusters = eval::entity_names(rb, inv);
    load(rb, &clusters, "waivers.yaml", text).map_err(|p| p.codes())
}

fn entry(rule: &str, cluster: Option<&str>, expires: &str) -> String {
    let cluster = cluster.map_or(String::new(), |c| format!("    cluster: {c}\n"));
    format!(
        "  - rule: {rule}\n{cluster}    owner: Jane Roe\n    reason: leaves the platform in Q1\n    ticket: OPS-1234\n    expires: {expires}\n"
    )
}

/// The nimbus plan (blocked: nimbus-api-aks runs Kubernetes 1.35) with `text` applied.
fn applied(text: &str, today: Date) -> (Plan, Vec<Waiver>) {
    let rb = acp();
    let inv = inventory(&rb);
    let w = waivers(&rb, &inv, text).unwrap_or_else(|c| panic!("{c:?}"));
    let ev =
        eval::evaluate(&rb, &inv, None, Mode::Plan).unwrap_or_else(|p| panic!("{:?}", p.codes()));
    let mut plan = ev.to_plan(&rb, &inv);
    assert!(!plan.is_ready(), "the example is blocked to begin with");
    let used = apply(&mut plan, &w, today);
    (plan, used)
}

const BLOCK: &str = "workload-k8s-above-4.3";

#[test]
fn an_accepted_waiver_unblocks_and_stays_visible() {
    let text = format!(
        "waivers:\n{}",
        entry(BLOCK, Some("nimbus-api-aks"), "2027-01-31")
    );
    let (plan, used) = applied(&text, TODAY);
    assert!(plan.is_ready(), "{:?}", plan.findings);
    let f = plan.findings.iter().find(|f| f.rule == BLOCK);
    let waived = f.and_then(|f| f.waived.as_ref());
    assert_eq!(waived.map(|w| w.ticket.as_str()), Some("OPS-1234"));
    assert_eq!(
        f.map(|f| f.severity.as_str()),
        Some("block"),
        "the finding keeps its severity"
    );
    assert_eq!(used.len(), 1);
    assert!(
        !plan
            .findings
            .iter()
            .any(|f| f.rule == EXPIRED || f.rule == UNMATCHED)
    );
}

#[test]
fn a_waiver_lasts_through_its_expiry_day_and_not_after() {
    let text = format!("waivers:\n{}", entry(BLOCK, None, "2026-12-02"));
    let (plan, _) = applied(&text, TODAY);
    assert!(plan.is_ready(), "the last day still applies");
    let next = Date::parse("2026-12-03").unwrap_or(TODAY);
    let (plan, used) = applied(&text, next);
    assert!(!plan.is_ready(), "an expired waiver stops applying");
    assert!(used.is_empty());
    let warning = plan.findings.iter().find(|f| f.rule == EXPIRED);
    let message = warning.map_or("", |f| f.message.as_str());
    assert!(message.contains("expired on 2026-12-02"), "{message}");
    assert!(message.contains("its findings count again"), "{message}");
    assert_eq!(warning.map(|f| f.severity.as_str()), Some("warn"));
}

#[test]
fn a_waiver_matching_nothing_is_reported() {
    // A rule that exists and is waivable, on a cluster it finds nothing on.
    let text = format!(
        "waivers:\n{}{}",
        entry(BLOCK, Some("nimbus-legacy"), "2027-01-31"),
        entry(BLOCK, Some("nimbus-api-aks"), "2027-01-31")
    );
    let (plan, used) = applied(&text, TODAY);
    let unmatched: Vec<_> = plan
        .findings
        .iter()
        .filter(|f| f.rule == UNMATCHED)
        .collect();
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert_eq!(unmatched[0].cluster.as_deref(), Some("nimbus-legacy"));
    assert!(
        unmatched[0].source.contains("line 2"),
        "{}",
        unmatched[0].source
    );
    assert_eq!(used.len(), 1);
}

#[test]
fn a_cluster_waiver_wins_over_a_general_one_in_any_order() {
    let specific = entry(BLOCK, Some("nimbus-api-aks"), "2027-01-31");
    let general = entry(BLOCK, None, "2027-06-30").replace("OPS-1234", "OPS-9");
    for text in [
        format!("waivers:\n{specific}{general}"),
        format!("waivers:\n{general}{specific}"),
    ] {
        let (plan, _) = applied(&text, TODAY);
        let f = plan.findings.iter().find(|f| f.rule == BLOCK);
        let ticket = f.and_then(|f| f.waived.as_ref()).map(|w| w.ticket.clone());
        assert_eq!(ticket.as_deref(), Some("OPS-1234"));
    }
}

#[test]
fn bad_waiver_files_have_coded_diagnostics() {
    let rb = acp();
    let inv = inventory(&rb);
    let ok = entry(BLOCK, None, "2027-01-31");
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            format!("waivers:\n{}", ok.replace("2027-01-31", "31.01.2027")),
            vec![BAD_DATE],
        ),
        (
            format!("waivers:\n{}", ok.replace("2027-01-31", "2027-02-30")),
            vec![BAD_DATE],
        ),
        (
            format!("waivers:\n{}", ok.replace(BLOCK, "workload-k8s-abov-4.3")),
            vec![UNKNOWN_RULE],
        ),
        (
            format!("waivers:\n{}", ok.replace(BLOCK, "one-global-tier")),
            vec![UNWAIVABLE],
        ),
        (
            format!(
                "waivers:\n{}",
                entry(BLOCK, Some("nimbus-api"), "2027-01-31")
            ),
            vec![UNKNOWN_CLUSTER],
        ),
        (
            format!("waivers:\n{}", ok.replace("Jane Roe", "\"  \"")),
            vec![EMPTY_FIELD],
        ),
        (
            format!("waivers:\n{}", ok.replace("    owner: Jane Roe\n", "")),
            vec!["uplan::inventory::missing_field"],
        ),
        (
            format!("waivers:\n{}    approved: yes\n", ok),
            vec!["uplan::inventory::unknown_field"],
        ),
        (
            format!("waivers:\n{}", ok.replace("OPS-1234", "!!binary T1BT")),
            vec!["uplan::inventory::bad_tag"],
        ),
        (
            format!("waivers: {}{}", "[".repeat(100), "]".repeat(100)),
            vec!["uplan::inventory::too_deep"],
        ),
        ("".into(), vec!["uplan::inventory::not_a_mapping"]),
        (
            "waiver: []\n".into(),
            vec![
                "uplan::inventory::unknown_field",
                "uplan::inventory::missing_field",
            ],
        ),
    ];
    for (text, want) in cases {
        let got = waivers(&rb, &inv, &text).err().unwrap_or_default();
        let mut got = got;
        got.sort_unstable();
        let mut want = want;
        want.sort_unstable();
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn unknown_rule_suggests_the_near_one_and_points_at_it() {
    let rb = acp();
    let inv = inventory(&rb);
    let text = format!(
        "waivers:\n{}",
        entry("workload-k8s-abov-4.3", None, "2027-01-31")
    );
    let clusters = eval::entity_names(&rb, &inv);
    let problems = load(&rb, &clusters, "waivers.yaml", &text)
        .err()
        .map(|p| p.0);
    let Some([p]) = problems.as_deref() else {
        panic!("{problems:?}");
    };
    assert!(
        p.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `workload-k8s-above-4.3`?"),
        "{p:?}"
    );
    let span = p.span.map(|s| &text[s.start as usize..s.end as usize]);
    assert_eq!(span, Some("workload-k8s-abov-4.3"));
}
