//! The one adapter from pest's errors to our diagnostics.

use pest::error::{Error, ErrorVariant, InputLocation};

use super::{Rule, codes};
use crate::diagnostics::Problem;
use crate::source::{Sources, Span};

/// At most this many alternatives are listed after "expected".
const MAX_EXPECTED: usize = 6;

pub fn from_pest(sources: &Sources, file: u32, text: &str, e: Error<Rule>) -> Problem {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = token_at(text, pos);
    let end = (pos + found.len()).min(text.len());
    let span = Span::new(file, pos, end.max(pos));
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => expected_list(positives),
        ErrorVariant::CustomError { message } if message.ends_with("limit reached") => {
            return out_of_stack(sources, span);
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let found_text = if found.is_empty() {
        "end of file".to_string()
    } else {
        format!("`{found}`")
    };
    Problem::new(
        codes::PARSE,
        format!("unexpected {found_text}, expected {expected}"),
    )
    .at(sources, span, format!("expected {expected}"))
    .help(help_for(text, pos))
}

/// pest's own guard: it stops when its thread's stack runs low (a bracket guard that
/// let a file through on a smaller stack than usual), rather than overflow.
fn out_of_stack(sources: &Sources, span: Span) -> Problem {
    Problem::new(
        codes::TOO_DEEP,
        "the parser ran out of stack space here",
    )
    .at(sources, span, "too deep")
    .help("nest fewer brackets: split the condition into several `each … where` or `when` clauses")
}

/// The word (or single character) starting at `pos`, for the message.
fn token_at(text: &str, pos: usize) -> &str {
    let rest = text.get(pos..).unwrap_or("");
    let word_len = rest
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.'))
        .map(|(i, _)| i)
        .unwrap_or(rest.len());
    let operator_len = rest
        .find(|c: char| !"=!<>?-.".contains(c))
        .unwrap_or(rest.len());
    let len = if word_len > 0 {
        word_len
    } else if operator_len > 0 {
        operator_len
    } else {
        rest.chars().next().map(char::len_utf8).unwrap_or(0)
    };
    rest.get(..len).unwrap_or("").trim_end()
}

fn expected_list(rules: &[Rule]) -> String {
    let mut names: Vec<String> = Vec::new();
    for r in rules {
        let n = describe(*r);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if names.is_empty() {
        return "something else".into();
    }
    let more = names.len() > MAX_EXPECTED;
    names.truncate(MAX_EXPECTED);
    match (names.len(), more) {
        (1, _) => names.remove(0),
        (_, true) => format!("{}, …", names.join(", ")),
        _ => {
            let last = names.pop().unwrap_or_default();
            format!("{} or {last}", names.join(", "))
        }
    }
}

/// How a grammar rule reads to a person.
fn describe(rule: Rule) -> String {
    let name = format!("{rule:?}");
    if let Some(kw) = name.strip_prefix("kw_") {
        return format!("`{kw}`");
    }
    let text = match rule {
        Rule::ident | Rule::dotted => "a name",
        Rule::decl_id => "an id",
        Rule::int => "a number",
        Rule::version | Rule::hop_end => "a version",
        Rule::duration => "a duration like `2h` or `30m`",
        Rule::string => "a string",
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::not_expr | Rule::cmp_expr => {
            "an expression"
        }
        Rule::coalesce | Rule::postfix | Rule::hop_is | Rule::quantifier => "an expression",
        Rule::list_lit | Rule::range_lit => "an expression",
        Rule::cmp_op => "an operator",
        Rule::in_op | Rule::not_in => "`in`",
        Rule::like_op => "`like`",
        Rule::range_op => "`..=` or `..`",
        Rule::type_expr | Rule::enum_type | Rule::list_type => "a type",
        Rule::optional_mark => "`?`",
        Rule::field_def => "a field `name: type`",
        Rule::field_init => "a field `name = value`",
        Rule::field_block | Rule::init_block => "`{`",
        Rule::when_suffix => "`when`",
        Rule::where_suffix => "`where`",
        Rule::param => "a parameter `name: type`",
        Rule::call | Rule::pattern => "a step like `name(arg, ...)`",
        Rule::pat_arg | Rule::pat_any => "an argument",
        Rule::EOI => "end of file",
        Rule::title => "`title`",
        Rule::phase => "`phase`",
        Rule::manual => "`manual`",
        Rule::automatic => "`automatic`",
        Rule::duration_clause => "`duration`",
        Rule::command => "`command`",
        Rule::step_note => "`note`",
        Rule::effect => "`effect`",
        Rule::stepwise => "`stepwise`",
        Rule::effect_set | Rule::effect_add | Rule::effect_remove | Rule::effect_for => "an effect",
        Rule::source => "`source`",
        Rule::when => "`when`",
        Rule::each => "`each`",
        Rule::each_in | Rule::each_entity => "`entity var` or `var in list`",
        Rule::require => "`require`",
        Rule::message => "`message`",
        Rule::outcome | Rule::block | Rule::warn | Rule::rule_note | Rule::step_outcome => {
            "an outcome (`block`, `step`, `warn`, `note`)"
        }
        Rule::follow_up => "`then`",
        Rule::do_clause => "`do`",
        Rule::do_then => "`->`",
        Rule::do_also => "`,`",
        Rule::order_body => "`A(..) before B(..)`",
        Rule::limit_body => "patterns `to N at once`",
        _ => "a declaration",
    };
    text.into()
}

/// A hint for the common slips, else a pointer to the reference.
fn help_for(text: &str, pos: usize) -> String {
    let before = text.get(..pos).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("").trim_start();
    if before.matches('"').count() % 2 == 1 {
        let in_string = before.rsplit('"').next().unwrap_or("");
        if in_string.matches('{').count() > in_string.matches('}').count() {
            return "a `{hole}` is not closed: add the missing `}` (write `\\{` for a literal brace)"
                .into();
        }
        return "a string is not closed: add the missing `\"` (write `\\{` for a literal brace)"
            .into();
    }
    if let Some(c) = non_ascii_letter(text.get(pos..).unwrap_or("")) {
        return format!(
            "names are ASCII letters, digits, `_` and `-`: `{c}` cannot be part of one (strings may hold any text)"
        );
    }
    if line.starts_with("order") || line.starts_with("limit") {
        return "orders and limits are written `order ID { source \"…\" A(..) before B(..) }`; see docs/dsl.md".into();
    }
    "see docs/dsl.md for the syntax of each declaration".into()
}

/// A non-ASCII letter outside strings on the rest of the line, where the parse
/// stopped (it starts outside a string).
fn non_ascii_letter(rest: &str) -> Option<char> {
    let mut in_string = false;
    for c in rest.lines().next().unwrap_or("").chars() {
        match c {
            '"' => in_string = !in_string,
            c if !in_string && c.is_alphabetic() && !c.is_ascii() => return Some(c),
            _ => {}
        }
    }
    None
}
