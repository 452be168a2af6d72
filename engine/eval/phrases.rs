//! The engine's own sentences (findings about the path, unknown facts and names, the
//! remarks it adds to rule texts) in each language. The rulebook's texts are chosen by
//! `Template::in_lang`; these are the few the engine writes itself. Names, facts,
//! versions and rule ids go in as they are.

use crate::model::Lang;

/// `en` or `zh`, whichever `lang` asks for.
pub(super) fn pick(lang: Lang, en: String, zh: String) -> String {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

pub fn at_target(lang: Lang, from: &str, to: &str) -> String {
    pick(
        lang,
        format!(
            "the platform already runs {from}, which is the target {to}: there is nothing to upgrade"
        ),
        format!("平台已运行 {from}，即目标版本 {to}：无需升级"),
    )
}

pub fn unfixable(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " (the step that would fix this cannot: it would have to go backwards)",
        Lang::Zh => "（对应的修复步骤无法修复它：那将是一次降级）",
    }
}

pub fn assumed_empty_list(lang: Lang) -> String {
    pick(lang, "an empty list".into(), "空列表".into())
}

pub fn assumed_nothing(lang: Lang) -> String {
    pick(lang, "nothing (none)".into(), "无（空值）".into())
}

/// `uplan.unknown-fact`: `rules` are already code spans.
pub fn unknown_fact(
    lang: Lang,
    fact: &str,
    rules: &[String],
    assumed: &str,
    probe: &str,
) -> String {
    let en_rules = match rules {
        [one] => format!("rule {one}"),
        _ => format!("rules {}", rules.join(", ")),
    };
    pick(
        lang,
        format!(
            "`{fact}` is not in the inventory, so {en_rules} could not really be checked (assumed: {assumed}); find it with: {probe}"
        ),
        format!(
            "清单中没有 `{fact}`，因此规则 {} 未能真正检查（按{}处理）；获取方法：{probe}",
            rules.join("、"),
            spaced(assumed)
        ),
    )
}

pub fn unknown_fact_source(lang: Lang) -> String {
    pick(
        lang,
        "the rulebook's schema (`probe`)".into(),
        "规则库的清单结构（`probe`）".into(),
    )
}

/// `uplan.unknown-name` close to a known name (a warning).
pub fn unknown_name_close(lang: Lang, value: &str, field: &str, s: &str) -> String {
    pick(
        lang,
        format!(
            "`{value}` is not a name the rulebook knows for `{field}`; did you mean `{s}`? As written, no rule looks at it: correct the spelling if it is `{s}`"
        ),
        format!(
            "规则库不认识 `{field}` 的取值 `{value}`；是否想写 `{s}`？按现在的写法，没有规则会检查它：如果指的是 `{s}`，请更正拼写"
        ),
    )
}

/// `uplan.unknown-name` far from every known name (a note).
pub fn unknown_name_far(lang: Lang, value: &str, field: &str) -> String {
    pick(
        lang,
        format!("`{value}` is not a name the rulebook knows for `{field}`, so no rule looks at it"),
        format!("规则库不认识 `{field}` 的取值 `{value}`，因此没有规则会检查它"),
    )
}

pub fn vocabulary_source(lang: Lang, field: &str) -> String {
    pick(
        lang,
        format!("the rulebook's vocabulary of `{field}`"),
        format!("规则库中 `{field}` 的名称表"),
    )
}

/// `uplan.name-only`: what the assumed defaults mean (`rules` are code spans).
pub fn name_only_consequence(lang: Lang, rules: &[String], read: &[String]) -> String {
    match (lang, rules) {
        (Lang::En, []) => "no rule reads them".into(),
        (Lang::Zh, []) => "没有规则读取它们".into(),
        (Lang::En, [one]) => format!("rule {one} assumed {}", read.join(", ")),
        (Lang::En, _) => format!("rules {} assumed {}", rules.join(", "), read.join(", ")),
        (Lang::Zh, _) => format!("规则 {} 按 {} 处理", rules.join("、"), read.join("、")),
    }
}

pub fn name_only(
    lang: Lang,
    record: &str,
    name: &str,
    unset: &[String],
    consequence: &str,
) -> String {
    let fields = unset.join(": …, ");
    pick(
        lang,
        format!(
            "{record} `{name}` is listed by its name alone: its {} are not recorded, so {consequence}; write it as a mapping ({{name: {name}, {fields}: …}}) to have it checked",
            and_list(unset)
        ),
        format!(
            "{record} `{name}` 只写了名称：未记录它的 {}，因此{consequence}；请写成映射（{{name: {name}, {fields}: …}}）以便检查",
            unset.join("、")
        ),
    )
}

pub fn name_only_source(lang: Lang) -> String {
    pick(
        lang,
        "the rulebook's schema (a record written as its name)".into(),
        "规则库的清单结构（只写名称的记录）".into(),
    )
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub fn hops_source(lang: Lang) -> String {
    pick(
        lang,
        "the rulebook's hops".into(),
        "规则库声明的升级跳".into(),
    )
}

/// "Not optional in this plan": `rule` would not hold when `step` starts (or at the
/// end of its hop, without a step).
pub fn not_optional(lang: Lang, english: &str, rule: Option<&str>, step: Option<&str>) -> String {
    match (lang, rule, step) {
        (Lang::Zh, Some(r), Some(s)) => {
            format!("本计划中不可跳过：缺少这一步，规则 `{r}` 在 `{s}` 开始时不成立")
        }
        (Lang::Zh, Some(r), None) => {
            format!("本计划中不可跳过：缺少这一步，规则 `{r}` 在本跳结束时仍不成立")
        }
        _ => format!("Not optional in this plan: without it, {english}"),
    }
}

/// A fact of a later hop shown with what the inventory says.
pub fn after_step(lang: Lang, n: usize, shown: &str) -> String {
    pick(
        lang,
        format!(" (after step {n}; the inventory has {shown})"),
        format!("（第 {n} 步之后；清单中为 {shown}）"),
    )
}

pub fn after_hops(lang: Lang, shown: &str) -> String {
    pick(
        lang,
        format!(" (after the earlier hops; the inventory has {shown})"),
        format!("（前面各跳之后；清单中为 {shown}）"),
    )
}

/// Why no path exists, part one: where the installed version leads.
pub fn reach(lang: Lang, from: &str, known_source: bool, reachable: &str) -> String {
    match (lang, known_source, reachable.is_empty()) {
        (Lang::En, false, _) => format!("no hop starts at {from}"),
        (Lang::En, true, true) => format!("from {from} no hop leads anywhere"),
        (Lang::En, true, false) => format!("from {from} the rulebook reaches {reachable}"),
        (Lang::Zh, false, _) => format!("没有从 {from} 出发的升级跳"),
        (Lang::Zh, true, true) => format!("从 {from} 出发没有任何升级跳"),
        (Lang::Zh, true, false) => format!("从 {from} 出发，规则库可以到达 {reachable}"),
    }
}

pub fn downgrade(lang: Lang, to: &str, from: &str, reach: &str) -> String {
    pick(
        lang,
        format!(
            "the target {to} is older than the installed {from}: the rulebook plans upgrades, never downgrades; {reach}"
        ),
        format!("目标版本 {to} 比已安装的 {from} 更旧：规则库只规划升级，不规划降级；{reach}"),
    )
}

pub fn patch_only(lang: Lang, to: &str, from: &str, minor: &str, reach: &str) -> String {
    pick(
        lang,
        format!(
            "the target {to} is a later patch of the installed {from}: the rulebook's hops move from one minor version to the next, so it does not plan a patch upgrade within {minor}; {reach}"
        ),
        format!(
            "目标版本 {to} 是已安装的 {from} 的后续补丁版本：规则库的升级跳只在次版本之间移动，不规划 {minor} 内的补丁升级；{reach}"
        ),
    )
}

/// Why no path exists, part two: what leads to the target.
pub fn there(lang: Lang, to: &str, known_target: bool, nodes: &str, sources: &str) -> String {
    match (lang, known_target, sources.is_empty()) {
        (Lang::En, false, _) => format!("no hop leads to {to} (the rulebook knows {nodes})"),
        (Lang::En, true, true) => "no version leads there".into(),
        (Lang::En, true, false) => format!("it is reached from {sources}"),
        (Lang::Zh, false, _) => format!("没有通向 {to} 的升级跳（规则库已知的版本：{nodes}）"),
        (Lang::Zh, true, true) => "没有任何版本能到达那里".into(),
        (Lang::Zh, true, false) => format!("可以从 {sources} 到达它"),
    }
}

pub fn unreachable(lang: Lang, from: &str, to: &str, reach: &str, there: &str) -> String {
    pick(
        lang,
        format!("there is no upgrade path from {from} to {to}: {reach}; {there}"),
        format!("没有从 {from} 到 {to} 的升级路径：{reach}；{there}"),
    )
}

/// A Latin word among Chinese gets a space on either side (`按 containerd 处理`).
fn spaced(text: &str) -> String {
    if text.starts_with(|c: char| c.is_ascii()) {
        format!(" {text} ")
    } else {
        text.to_string()
    }
}
