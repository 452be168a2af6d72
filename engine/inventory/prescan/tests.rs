//! The pre-scan against saphyr: its bound is never below the real flow depth.

use proptest::prelude::*;
use saphyr_parser::{Event, Parser};

use super::rules::{LEXES, Next, step};
use super::table::{CLASSES, class, table};
use super::{States, deeper_at};

fn may_nest_deeper(text: &str, max: usize) -> bool {
    deeper_at(text, max).is_some()
}

/// The deepest flow nesting saphyr reads in `text`, up to its first error: the
/// collections it opens at a `[` or `{` (not the single-pair mappings of `[a: b]`,
/// which start at their key, possibly a `[` too). A closing bracket that does not
/// match counts as the error it is for libyaml (saphyr sometimes reads on).
fn flow_depth(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let events: Vec<(Event<'_>, usize)> = Parser::new_from_str(text)
        .map_while(Result::ok)
        .map(|(e, span)| (e, span.start.index()))
        .collect();
    let mut open: Vec<Option<char>> = Vec::new();
    let mut deepest = 0;
    for (k, (event, at)) in events.iter().enumerate() {
        let here = chars.get(*at).copied();
        match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let implicit = matches!(
                    events.get(k + 1),
                    Some((Event::SequenceStart(..) | Event::MappingStart(..), next)) if next == at
                );
                let bracket = here.filter(|c| !implicit && matches!(c, '[' | '{'));
                open.push(bracket);
                deepest = deepest.max(open.iter().flatten().count());
            }
            Event::SequenceEnd | Event::MappingEnd => {
                // The bracket this end may stand at: its own, or (a single-pair
                // mapping ending with its sequence) the enclosing one.
                let own = open.pop().flatten();
                let bracket = own.or_else(|| open.iter().rev().flatten().next().copied());
                let expected = bracket.map(|b| if b == '[' { ']' } else { '}' });
                if matches!(here, Some(']' | '}')) && here != expected {
                    break;
                }
            }
            _ => {}
        }
    }
    deepest
}

#[test]
fn the_reference_depth_counts_flow_brackets_only() {
    assert_eq!(flow_depth("a: [[[x]]]\n"), 3);
    assert_eq!(flow_depth("a: [b: c, [d], {e: [f]}]\n"), 3);
    assert_eq!(flow_depth("a:\n  - - [x]\n"), 1);
    assert_eq!(
        flow_depth("a: [[x}]]\n"),
        2,
        "stops at a mismatched bracket"
    );
    assert_eq!(flow_depth("a: [[x]\n"), 2, "counts up to an error");
}

/// The scan's bound is at least the real depth: whatever saphyr reaches, the scan
/// says "may be deeper" below it.
fn bound_holds(text: &str) -> Result<(), TestCaseError> {
    let real = flow_depth(text);
    if real > 0 {
        prop_assert!(
            may_nest_deeper(text, real - 1),
            "depth {real} missed in {text:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn the_bound_is_never_below_the_real_depth(
        text in r##"(a: |- |\| |[\[\]{},:'"# \n>!&*?x-]){0,60}"##
    ) {
        bound_holds(&text)?;
    }

    #[test]
    fn the_bound_holds_on_richer_soups(
        text in r##"(a: |- |\| |\\|\t|\r|\.\.\.|---|\u{2028}|[\[\]{},:'"# \n>!&*?x-]){0,80}"##
    ) {
        bound_holds(&text)?;
    }

    #[test]
    fn the_bound_holds_on_flow_soups(
        text in r##"a: [\[\]{},:'"#x \n]{0,80}"##
    ) {
        bound_holds(&text)?;
    }
}

fn deep(text: &str) -> bool {
    may_nest_deeper(text, 3)
}

#[test]
fn counts_flow_brackets() {
    assert!(!deep("a: [[[x]]]\n"));
    assert!(deep("a: [[[[x]]]]\n"));
    assert!(deep("a: {b: [{c: [d]}]}\n"));
    assert!(!deep("a: [[[x]]]\nb: [[[y]]]\n"), "levels close");
    assert!(deep("a: [[\n  [\n [x]]]]\n"), "across lines");
}

#[test]
fn brackets_in_quotes_and_comments_do_not_count() {
    assert!(!deep(
        "a: \"[[[[\"\nb: '{{{{'\n# [[[[\nc: [x, \"]]]]\", 'it''s [[[[']\n"
    ));
    assert!(!deep("a: \"multi\n  line [[[[ \\\" [[[[\"\n"));
    assert!(!deep("a: |\n  [[[[\n  {{{{\nb: x\n"));
    assert!(!deep("- key: >-\n    [[[[\n\n    {{{{\n  other: x\n"));
    assert!(deep("a: |\n  x\nb: [[[[y]]]]\n"), "after the block scalar");
}

#[test]
fn brackets_hidden_in_strings_cannot_hide_real_ones() {
    // `]` inside a quote is text: it must not cancel a real open bracket.
    assert!(deep("a: [[\"]]]]\", [[x]]]]\n"));
    assert!(deep("a: [['x]]]]', [[x]]]]\n"));
    assert!(deep("a: [[ # ]]]]\n [[x]]]]\n"));
    // A plain scalar's `'` in flow context is text, not a quote hiding brackets.
    assert!(deep("a: [[it's, [[x]]]]\n"));
    assert!(deep("a: [[a b 'c, [[x]]]]\n"));
}

#[test]
fn brackets_in_block_plain_scalars_are_text() {
    assert!(!deep("path: /dev/sd[a-z]\nb: c[[[[d\n"));
}

#[test]
fn ordinary_inventories_stay_shallow() {
    let text = "platform: {version: \"4.1\"}\nclusters:\n  - {name: a, disks: [{path: /x, free_gb: 3}]}\n  - name: b\n    plugins: [{name: p, version: \"1.0\"}]\n";
    assert!(!deep(&text.repeat(1000)));
}

/// The lookup table the scan runs on says what the rules say, for every state, byte
/// class and depth (block states have depth 0; a block scalar's slot holds its parent).
#[test]
fn the_table_agrees_with_the_rules() {
    for slot in 0..22 {
        let (lex, flow) = (LEXES[slot / 2], slot % 2 == 1);
        let depths: &[u32] = match (flow, lex) {
            (true, _) => &[1, 2, 3, 70],
            (false, super::Lex::Block) => &[0, 4],
            (false, _) => &[0],
        };
        for (row, &(b, next)) in CLASSES.iter().enumerate() {
            assert_eq!(
                class(b, || next),
                row,
                "{:?} reads as its own class",
                b as char
            );
            for &depth in depths {
                let next = Next { parent: 3, ..next };
                let mut by_rules = States::EMPTY;
                step(&mut by_rules, lex, flow, depth, b, next);
                let mut by_table = States::EMPTY;
                table()[slot][row].apply(&mut by_table, &mut 0, depth, 3);
                let a: Vec<_> = by_rules.each().collect();
                let t: Vec<_> = by_table.each().collect();
                assert_eq!(a, t, "{lex:?} flow={flow} depth={depth} on {:?}", b as char);
            }
        }
    }
}
