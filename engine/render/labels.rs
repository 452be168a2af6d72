//! Every heading and label the runbook renderers write, in each language
//! (`Options.lang`). Rule texts are not here: the rulebook carries them.
//!
//! A label with `{0}`, `{1}` takes arguments ([`Labels::fill`]); arguments are
//! inserted as given, so a renderer escapes them first.

use crate::model::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Key {
    Title,
    Summary,
    Status,
    Ready,
    Blocked,
    Customer,
    FactsOf,
    Path,
    Steps,
    StepsCount,
    Manual,
    Automatic,
    Clusters,
    Cluster,
    Role,
    Restarts,
    PlatformVersion,
    Nothing,
    Findings,
    NoneFound,
    Severity,
    Message,
    Source,
    FixedBy,
    Rule,
    Hop,
    Preparation,
    PreparationIntro,
    BeforeWindow,
    Window,
    WindowOf,
    Length,
    CriticalPath,
    PointOfNoReturn,
    PointOfNoReturnNote,
    NoPointOfNoReturn,
    Wave,
    Checkpoint,
    GoOnWhen,
    AfterUpgrade,
    DoneWhen,
    Undo,
    UndoJudgement,
    CannotUndo,
    Escalate,
    Why,
    After,
    Note,
    Id,
    AddedBy,
    Guide,
    Estimate,
    Measured,
    NoEstimate,
    WithoutEstimate,
    NClusters,
    ClusterList,
    AtMostAtOnce,
    NothingToDo,
    StepN,
    StepsN,
    NotExecutable,
    NotExecutableBanner,
    NotExecutableFooter,
    TotalDuration,
    Platform,
    NotInPlan,
    Optional,
    IfSkipped,
    NoPath,
}

/// The labels of one language.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Labels(pub Lang);

impl Labels {
    pub fn get(self, key: Key) -> &'static str {
        let (en, zh) = pair(key);
        match self.0 {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The label with `{0}`, `{1}`, … replaced by `args` (in one pass, so an argument
    /// holding `{1}` stays as it is).
    pub fn fill(self, key: Key, args: &[&str]) -> String {
        let text = self.get(key);
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let tail = &rest[start..];
            let arg = tail
                .find('}')
                .and_then(|end| tail[1..end].parse::<usize>().ok().map(|i| (i, end)));
            match arg.and_then(|(i, end)| args.get(i).map(|a| (a, end))) {
                Some((a, end)) => {
                    out.push_str(a);
                    rest = &tail[end + 1..];
                }
                None => {
                    out.push('{');
                    rest = &tail[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// (English, Chinese); the Chinese follows the vocabulary of the ACP guides in Chinese
/// (升级前准备, 业务集群, 技术支持, 维护窗口).
fn pair(key: Key) -> (&'static str, &'static str) {
    use Key::*;
    match key {
        Title => ("Upgrade plan: {0} → {1}", "升级计划：{0} → {1}"),
        Summary => ("Summary", "概要"),
        Status => ("status", "状态"),
        Ready => ("ready", "就绪"),
        Blocked => ("blocked — NOT EXECUTABLE", "受阻——不可执行"),
        Customer => ("customer", "客户"),
        FactsOf => ("facts of", "信息采集于"),
        Path => ("path", "升级路径"),
        Steps => ("steps", "步骤"),
        StepsCount => ("{0} ({1} manual)", "{0}（其中手动 {1}）"),
        Manual => ("manual", "手动"),
        Automatic => ("automatic", "自动"),
        Clusters => ("Clusters", "集群"),
        Cluster => ("cluster", "集群"),
        Role => ("role", "角色"),
        Restarts => ("restarts", "重启"),
        PlatformVersion => ("platform version", "平台版本"),
        Nothing => ("nothing", "无"),
        Findings => ("Findings", "检查结果"),
        NoneFound => ("None.", "无。"),
        Severity => ("severity", "级别"),
        Message => ("message", "说明"),
        Source => ("source", "依据"),
        FixedBy => ("fixed by", "由此步骤解决"),
        Rule => ("rule", "规则"),
        Hop => ("hop", "升级段"),
        Preparation => ("Preparation", "升级前准备"),
        PreparationIntro => (
            "Days before the window: downloads, package pushes and the fixes that need no maintenance window.",
            "在维护窗口之前若干天完成：下载和推送安装包，以及无需维护窗口的前置修复。",
        ),
        BeforeWindow => ("Before window {0} ({1})", "维护窗口 {0}（{1}）之前"),
        Window => ("Window {0}: {1}", "维护窗口 {0}：{1}"),
        WindowOf => ("window {0} ({1})", "维护窗口 {0}（{1}）"),
        Length => ("length", "时长"),
        CriticalPath => ("critical path", "关键路径"),
        PointOfNoReturn => ("point of no return", "不可回退点"),
        PointOfNoReturnNote => (
            "from this step on, the window cannot be rolled back",
            "从此步骤起，本窗口无法回退",
        ),
        NoPointOfNoReturn => (
            "none: every step of this window can be undone",
            "无：本窗口的每个步骤都可以回退",
        ),
        Wave => ("Wave {0}", "批次 {0}"),
        Checkpoint => ("Checkpoint: {0}", "检查点：{0}"),
        GoOnWhen => ("Go on only when:", "满足以下条件后再继续："),
        AfterUpgrade => ("After the upgrade", "升级后"),
        DoneWhen => ("done when", "完成标志"),
        Undo => ("undo", "回退"),
        UndoJudgement => ("undo (engineering judgement)", "回退（工程判断）"),
        CannotUndo => ("cannot be undone", "无法回退"),
        Escalate => ("escalate", "求助"),
        Why => ("why", "原因"),
        After => ("after", "前置步骤"),
        Note => ("note", "说明"),
        Id => ("id", "标识"),
        AddedBy => ("added by", "来源规则"),
        Guide => ("from the guide", "来自指南"),
        Estimate => ("estimate", "估计"),
        Measured => ("measured at this site", "现场实测"),
        NoEstimate => ("no estimate", "无估计"),
        WithoutEstimate => ("{0} without an estimate", "{0} 个步骤无估计"),
        NClusters => ("{0} clusters", "{0} 个集群"),
        AtMostAtOnce => (
            "At most {0} run at once ({1}).",
            "最多同时进行 {0} 个（{1}）。",
        ),
        ClusterList => ("clusters", "集群"),
        NothingToDo => ("Nothing to do.", "无需操作。"),
        StepN => ("step {0}", "步骤 {0}"),
        StepsN => ("steps {0}", "步骤 {0}"),
        NotExecutable => ("NOT EXECUTABLE", "不可执行"),
        NotExecutableBanner => (
            "{0} must be resolved before this plan can run; the steps below are shown for reference only.",
            "必须先解决 {0} 项阻断问题，本计划才能执行；以下步骤仅供参考。",
        ),
        NotExecutableFooter => ("resolve the blocking findings first.", "请先解决阻断问题。"),
        TotalDuration => ("estimated duration", "预计时长"),
        Platform => ("platform", "平台"),
        NotInPlan => ("(not in the plan)", "（不在计划中）"),
        Optional => ("optional", "可选"),
        IfSkipped => ("if skipped", "若跳过"),
        NoPath => ("(no path)", "（无路径）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_numbered_holes_once() {
        let l = Labels(Lang::En);
        assert_eq!(l.fill(Key::Window, &["2", "{1}"]), "Window 2: {1}");
        assert_eq!(Labels(Lang::Zh).fill(Key::StepN, &["3"]), "步骤 3");
    }
}
