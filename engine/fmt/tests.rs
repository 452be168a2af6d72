//! The formatter on small inputs, and its invariants on the ACP rulebook: idempotent,
//! blind to whitespace, faithful to tokens and comments.

use proptest::prelude::*;

use super::format_text;
use super::lex::{Kind, lex};

fn fmt(text: &str) -> String {
    format_text("t.uplan", text).unwrap_or_else(|p| panic!("{p:?}"))
}

#[test]
fn indentation_is_two_spaces_per_brace_and_clause_values_line_up() {
    let messy =
        "step a(c: cluster) {\n        title \"A {c.name}\"\n  manual\n\tcommand    \"echo\"\n}\n";
    let want = "step a(c: cluster) {\n  title   \"A {c.name}\"\n  manual\n  command \"echo\"\n}\n";
    assert_eq!(fmt(messy), want);
}

#[test]
fn clause_values_line_up_across_blocks_of_one_kind() {
    let text = "step a(c: cluster) {\n  title \"A\"\n}\n\nstep b(c: cluster) {\n  title \"B\"\n  duration 2h\n}\n";
    let out = fmt(text);
    assert!(out.contains("  title    \"A\"\n"), "{out}");
    assert!(out.contains("  duration 2h\n"), "{out}");
}

#[test]
fn field_types_line_up_within_their_record() {
    let text = "record disk {\n  path: string\n  free_gb:   uint # GiB\n}\n";
    assert_eq!(
        fmt(text),
        "record disk {\n  path:    string\n  free_gb: uint  # GiB\n}\n"
    );
}

#[test]
fn spacing_inside_expressions_is_canonical() {
    let text = "rule r {\n  source \"s\"\n  each cluster c\n  require not any( p in c.plugins : p.name==\"x\" ) and c.kubernetes in 1.31 ..= 1.34\n  message \"m\"\n}\n";
    let out = fmt(text);
    assert!(
        out.contains(
            "require not any(p in c.plugins: p.name == \"x\") and c.kubernetes in 1.31..=1.34"
        ),
        "{out}"
    );
}

#[test]
fn a_group_after_a_keyword_keeps_its_space_and_a_call_has_none() {
    let text = "rule r {\n  source \"s\"\n  when (hop.from < 4.0)\n  each cluster c\n  require c.n == 1\n  else step fix (c) before run(_)\n  message \"m\"\n}\n";
    let out = fmt(text);
    assert!(out.contains("when    (hop.from < 4.0)"), "{out}");
    assert!(out.contains("else    step fix(c) before run(_)"), "{out}");
}

#[test]
fn blank_lines_are_collapsed_and_trimmed_at_block_edges() {
    let text = "\n\nconst a = 1\n\n\n\nconst bb = 2\nrecord r {\n\n  x: int\n\n}\nconst c = 3\n\n";
    assert_eq!(
        fmt(text),
        "const a = 1\n\nconst bb = 2\nrecord r {\n  x: int\n}\n\nconst c = 3\n"
    );
}

#[test]
fn consecutive_one_line_declarations_line_up() {
    let text = "const a = 1\nconst long-name = 2\n";
    assert_eq!(fmt(text), "const a         = 1\nconst long-name = 2\n");
}

#[test]
fn comments_are_kept_at_their_lines_and_trailing_ones_line_up() {
    let text =
        "# head\nrecord r {   # the record\n      # inside\n  x: int # ex\n  yy: int   # why\n}\n";
    assert_eq!(
        fmt(text),
        "# head\nrecord r {  # the record\n  # inside\n  x:  int   # ex\n  yy: int   # why\n}\n"
    );
}

#[test]
fn continuation_lines_go_under_the_clause_value() {
    let text = "rule r {\n  source \"s\"\n  each cluster c\n  require c.a == 1 and\n c.b == 2\n  message \"m\"\n}\n";
    let out = fmt(text);
    assert!(
        out.contains("  require c.a == 1 and\n          c.b == 2\n"),
        "{out}"
    );
}

#[test]
fn strings_and_their_holes_are_untouched() {
    let text = "step a(c: cluster) {\n  title \"A  {c.name   ??   \"x\"}  b\"\n}\n";
    assert!(fmt(text).contains("\"A  {c.name   ??   \"x\"}  b\""));
}

#[test]
fn a_file_that_does_not_parse_is_its_syntax_error() {
    let err = format_text("t.uplan", "rule {\n").err().map(|p| p.codes());
    assert!(err.is_some_and(|c| c.iter().all(|c| c.starts_with("uplan::syntax::"))));
}

#[test]
fn crlf_and_tabs_become_lf_and_spaces() {
    assert_eq!(fmt("const a\t=\t1\r\n"), "const a = 1\n");
}

fn acp() -> Vec<(String, String)> {
    crate::rulebooks::embedded_acp_files()
}

#[test]
fn formatting_the_acp_rulebook_twice_changes_nothing_more() {
    for (name, text) in acp() {
        let once = fmt(&text);
        assert_eq!(fmt(&once), once, "{name}");
    }
}

#[test]
fn every_comment_of_the_acp_rulebook_survives_in_order() {
    let comments = |t: &str| -> Vec<String> {
        lex(t)
            .into_iter()
            .filter(|t| t.kind == Kind::Comment)
            .map(|t| t.text.trim_end().to_string())
            .collect()
    };
    for (name, text) in acp() {
        assert_eq!(comments(&fmt(&text)), comments(&text), "{name}");
    }
}

/// `text` with whitespace added between tokens, indentation replaced, trailing
/// blanks and extra blank lines: the same program, laid out carelessly.
fn perturb(text: &str, seed: &[u8]) -> String {
    let mut out = String::new();
    let mut n = 0usize;
    let mut pick = |k: usize| {
        n += 1;
        usize::from(seed[n % seed.len()]) % k
    };
    let mut line_start = true;
    let mut blank = false;
    for t in lex(text) {
        if t.kind == Kind::Newline {
            out.push_str(["", " ", "\t "][pick(3)]);
            out.push('\n');
            // A blank line separates paragraphs; a second one in a row means nothing.
            if line_start && !blank && pick(2) == 0 {
                out.push('\n');
                blank = true;
            }
            line_start = true;
            continue;
        }
        blank = false;
        let gap = if line_start {
            ["", "  ", "\t", "       "][pick(4)]
        } else {
            [" ", "  ", " \t"][pick(3)]
        };
        out.push_str(gap);
        out.push_str(t.text);
        line_start = false;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn the_layout_ignores_how_whitespace_was_written(seed in proptest::collection::vec(any::<u8>(), 1..64)) {
        for (name, text) in acp() {
            let messy = perturb(&text, &seed);
            prop_assert_eq!(fmt(&messy), fmt(&text), "{}", name);
        }
    }
}

#[test]
fn comments_line_up_by_the_paragraphs_of_the_result() {
    // The blank line formatting adds after `}` parts the two comments; a second
    // format must see the same paragraphs (found by mangling the mini rulebook).
    let text = "hop fields {\n  flow: sc # ipt | operator\n}\nhop 1.0 -> 2.0 { flow = sc }   # a longer line here\n";
    let once = fmt(text);
    assert_eq!(fmt(&once), once);
    assert!(once.contains("  flow: sc  # ipt"), "{once}");
}

#[test]
fn spaces_around_a_dot_are_dropped_and_the_file_stays_faithful() {
    let text =
        "step a(c: cluster) {\n  title \"A\"\n  effect c . istio = 1.2 when c. istio != null\n}\n";
    let out = fmt(text);
    assert!(
        out.contains("effect c.istio = 1.2 when c.istio != null"),
        "{out}"
    );
}

#[test]
fn milestones_and_placement_format_like_the_rest() {
    let text = "milestone   upgraded( c : cluster )=upgrade-cluster(c)|request-upgrade( c )\n\nrule r {\n  source \"s\"\n  else step a(c)  just   before upgraded(c)\n}\n";
    let out = fmt(text);
    assert!(
        out.starts_with(
            "milestone upgraded(c: cluster) = upgrade-cluster(c) | request-upgrade(c)\n"
        ),
        "{out}"
    );
    assert!(out.contains("step a(c) just before upgraded(c)\n"), "{out}");
    assert_eq!(fmt(&out), out, "formatting twice equals once");
}
