//! The canonical layout of a rule file, from its tokens.
//!
//! Line breaks stay where the author put them (the formatter never joins or splits a
//! line); everything else about whitespace is decided here:
//! - indentation: two spaces per open brace; a continuation line (inside brackets,
//!   or after or before a binary operator, `->`, `,`, `probe`, `where`, `aka`) is
//!   indented under the value of the clause it continues;
//! - spacing: one space between tokens, none inside brackets, before `,` `:` `?` `)`,
//!   around `.` and `..=`, or between a name and the `(` of its call;
//! - alignment: a clause's value starts at one column for every block of one kind in
//!   a file (`title    "…"` in every step); field types line up within their record;
//!   a block's lines that start with a string line up what follows it; consecutive
//!   one-line declarations of one keyword line up their third token (`release 4.0  {`);
//!   trailing comments of a paragraph line up;
//! - blank lines: at most one in a row, none after `{` or before `}`, one after a
//!   top-level block, none at the ends; exactly one final line break.

use std::collections::HashMap;

use super::lex::{Kind, Tok};

/// Words after which `(` opens a group, not a call's arguments.
const SPACED: [&str; 31] = [
    "and", "or", "not", "in", "like", "when", "where", "require", "each", "else", "block", "warn",
    "note", "do", "then", "before", "after", "at", "on", "to", "from", "source", "message",
    "title", "command", "effect", "once", "for", "add", "remove", "expect",
];

/// Tokens that continue the line before when a line starts with them.
const LEADING_CONTINUATION: [&str; 17] = [
    "and", "or", "->", ",", ")", "]", "==", "!=", "<=", ">=", "<", ">", "??", "|", "probe",
    "where", "aka",
];

/// The clauses a field may carry on lines of their own, under its type.
const FIELD_CLAUSES: [&str; 3] = ["doc", "value", "probe"];

/// Tokens that announce a continuation when a line ends with them.
const TRAILING_CONTINUATION: [&str; 15] = [
    "and", "or", "not", "->", ",", "(", "[", "=", "==", "!=", "<=", ">=", "??", "|", ":",
];

/// How far a trailing comment may be pushed to line up with its neighbours.
const ALIGN_LIMIT: usize = 72;

struct Line<'a> {
    code: Vec<Tok<'a>>,
    comment: Option<&'a str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Blank,
    Comment,
    /// A line that starts a clause, a field or a declaration.
    Item,
    Continuation,
    Close,
}

/// What the layout decided for one line before widths are known.
struct Plan {
    role: Role,
    depth: usize,
    /// Index of the innermost open block, if any.
    block: Option<usize>,
    /// Index of the one-line top-level run the line belongs to.
    run: Option<usize>,
    /// The item this continuation continues (index of its line).
    head: Option<usize>,
    closes_top: bool,
    opens: bool,
}

struct Block {
    /// The first word of the line that opened it: `step`, `rule`, `record`…
    kind: String,
    fields: bool,
}

fn lines<'a>(toks: &[Tok<'a>]) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut line = Line {
        code: Vec::new(),
        comment: None,
    };
    for t in toks {
        match t.kind {
            Kind::Newline => out.push(std::mem::replace(
                &mut line,
                Line {
                    code: Vec::new(),
                    comment: None,
                },
            )),
            Kind::Comment => line.comment = Some(t.text.trim_end()),
            _ => line.code.push(*t),
        }
    }
    out.push(line);
    out
}

/// Lays `toks` out canonically.
pub fn layout(toks: &[Tok<'_>]) -> String {
    let lines = lines(toks);
    let (plans, blocks) = classify(&lines);
    let widths = Widths::measure(&lines, &plans, &blocks);
    let rendered: Vec<(String, Option<&str>, &Plan)> = lines
        .iter()
        .zip(&plans)
        .map(|(l, p)| {
            (
                render_code(l, p, &lines, &plans, &blocks, &widths),
                l.comment,
                p,
            )
        })
        .collect();
    assemble(&rendered)
}

/// Depth, role, block and run of every line.
fn classify(lines: &[Line<'_>]) -> (Vec<Plan>, Vec<Block>) {
    let mut c = Classifier::default();
    let plans = lines
        .iter()
        .enumerate()
        .map(|(i, l)| c.line(i, l))
        .collect();
    (plans, c.blocks)
}

/// What classifying a line needs to know of the lines before it.
#[derive(Default)]
struct Classifier<'a> {
    blocks: Vec<Block>,
    /// Open blocks, innermost last.
    stack: Vec<usize>,
    brackets: usize,
    prev_last: Option<&'a str>,
    head: Option<usize>,
    /// The current run of one-line declarations: its index and keyword.
    run: Option<(usize, &'a str)>,
    runs: usize,
}

impl<'a> Classifier<'a> {
    /// Whether the innermost open block declares fields (a record, `hop fields`, …).
    fn in_fields(&self) -> bool {
        self.stack.last().is_some_and(|&b| self.blocks[b].fields)
    }

    fn line(&mut self, i: usize, line: &Line<'a>) -> Plan {
        let first = line.code.first().map(|t| t.text);
        let depth_before = self.stack.len();
        let role = match first {
            None if line.comment.is_some() => Role::Comment,
            None => Role::Blank,
            Some("}") => Role::Close,
            Some(f) if continues(self.brackets, self.prev_last, f) => Role::Continuation,
            Some(f) if self.in_fields() && FIELD_CLAUSES.contains(&f) => Role::Continuation,
            Some(_) => Role::Item,
        };
        let depth = depth_before - usize::from(role == Role::Close && depth_before > 0);
        let block = self.stack.last().copied();
        let opens = self.walk(&line.code);
        let one_line = depth_before == 0 && self.stack.is_empty() && role == Role::Item;
        let run = self.run_of(one_line, &line.code);
        if role == Role::Item {
            self.head = Some(i);
        }
        if role != Role::Comment && role != Role::Blank {
            self.prev_last = line.code.last().map(|t| t.text);
        }
        Plan {
            role,
            depth,
            block: block.filter(|_| role != Role::Close),
            run,
            head: self.head.filter(|_| role == Role::Continuation),
            closes_top: role == Role::Close && depth == 0,
            opens,
        }
    }

    /// Follows the line's braces and brackets; whether it opens a block.
    fn walk(&mut self, code: &[Tok<'a>]) -> bool {
        let mut opens = false;
        for t in code {
            match t.text {
                "{" => {
                    self.blocks.push(block_of(code));
                    self.stack.push(self.blocks.len() - 1);
                    opens = true;
                }
                "}" => {
                    self.stack.pop();
                }
                "(" | "[" => self.brackets += 1,
                ")" | "]" => self.brackets = self.brackets.saturating_sub(1),
                _ => {}
            }
        }
        opens
    }

    /// One-line top-level declarations of one keyword, one after the other, form a run.
    fn run_of(&mut self, one_line: bool, code: &[Tok<'a>]) -> Option<usize> {
        let keyword = code
            .first()
            .map(|t| t.text)
            .filter(|_| one_line && code.len() >= 3);
        let Some(k) = keyword else {
            self.run = None;
            return None;
        };
        let r = match self.run {
            Some((r, kw)) if kw == k => r,
            _ => {
                self.runs += 1;
                self.runs - 1
            }
        };
        self.run = Some((r, k));
        Some(r)
    }
}

fn continues(brackets: usize, prev_last: Option<&str>, first: &str) -> bool {
    brackets > 0
        || LEADING_CONTINUATION.contains(&first)
        || prev_last.is_some_and(|p| TRAILING_CONTINUATION.contains(&p))
}

fn block_of(code: &[Tok<'_>]) -> Block {
    let kind = code.first().map_or("", |t| t.text).to_string();
    let second = code.get(1).map(|t| t.text);
    let fields =
        matches!(kind.as_str(), "record" | "entity" | "inventory") || second == Some("fields");
    Block { kind, fields }
}

/// The keyword of a clause line: a word followed by a value, not a call, a field or
/// an assignment.
fn keyword<'a>(code: &[Tok<'a>]) -> Option<&'a str> {
    let (first, second) = (code.first()?, code.get(1)?);
    let plain = first.kind == Kind::Word && !first.text.contains('.');
    let value = match second.text {
        "(" => SPACED.contains(&first.text),
        ":" | "=" | "," | "->" | "." | "?" => false,
        _ => true,
    };
    (plain && value).then_some(first.text)
}

fn is_field(code: &[Tok<'_>]) -> bool {
    code.len() >= 2 && code[0].kind == Kind::Word && code[1].text == ":"
}

fn string_first(code: &[Tok<'_>]) -> bool {
    code.len() >= 2 && code[0].kind == Kind::Str
}

/// Column widths, measured over the whole file.
#[derive(Default)]
struct Widths {
    /// Block kind → width of the clause keyword column.
    keyword: HashMap<String, usize>,
    /// Block → width of `name:` including its padding.
    field: HashMap<usize, usize>,
    /// Block → width of a leading string including its padding.
    string: HashMap<usize, usize>,
    /// Run → width of the second token including its padding.
    run: HashMap<usize, usize>,
    /// Run → how many lines it has: a run of one lines up with nothing.
    run_lines: HashMap<usize, usize>,
}

impl Widths {
    fn measure(lines: &[Line<'_>], plans: &[Plan], blocks: &[Block]) -> Widths {
        let mut w = Widths::default();
        for (line, plan) in lines.iter().zip(plans) {
            if plan.role != Role::Item {
                continue;
            }
            let code = &line.code;
            if let Some(r) = plan.run {
                let width = code[1].text.chars().count() + 1;
                let e = w.run.entry(r).or_default();
                *e = (*e).max(width);
                *w.run_lines.entry(r).or_default() += 1;
            }
            let Some(b) = plan.block else { continue };
            if blocks[b].fields {
                if is_field(code) {
                    let width = code[0].text.chars().count() + 2;
                    let e = w.field.entry(b).or_default();
                    *e = (*e).max(width);
                }
            } else if string_first(code) {
                let width = code[0].text.chars().count() + 1;
                let e = w.string.entry(b).or_default();
                *e = (*e).max(width);
            } else if let Some(k) = keyword(code) {
                let e = w.keyword.entry(blocks[b].kind.clone()).or_default();
                *e = (*e).max(k.chars().count() + 1);
            }
        }
        w
    }

    /// Where the value of item line `line` starts, relative to its indentation, and how
    /// many of its leading tokens come before that column.
    fn value_column(
        &self,
        line: &Line<'_>,
        plan: &Plan,
        blocks: &[Block],
    ) -> Option<(usize, usize)> {
        let code = &line.code;
        if let Some(r) = plan.run {
            let aligned =
                self.run_lines.get(&r).is_some_and(|&n| n > 1) && spaced(&code[1], &code[2]);
            let first = code[0].text.chars().count() + 1;
            return self.run.get(&r).filter(|_| aligned).map(|w| (first + w, 2));
        }
        let b = plan.block?;
        if blocks[b].fields {
            return is_field(code)
                .then(|| self.field.get(&b).map(|w| (*w, 2)))
                .flatten();
        }
        if string_first(code) {
            return self.string.get(&b).map(|w| (*w, 1));
        }
        keyword(code)?;
        self.keyword.get(&blocks[b].kind).map(|w| (*w, 1))
    }
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

fn render_code(
    line: &Line<'_>,
    plan: &Plan,
    lines: &[Line<'_>],
    plans: &[Plan],
    blocks: &[Block],
    widths: &Widths,
) -> String {
    let mut out = indent(plan.depth);
    match plan.role {
        Role::Blank | Role::Comment => {}
        Role::Continuation => {
            let under = plan
                .head
                .and_then(|h| widths.value_column(&lines[h], &plans[h], blocks))
                .map_or(4, |(column, _)| column);
            out.push_str(&" ".repeat(under));
            join(&mut out, &line.code);
        }
        Role::Item => match widths.value_column(line, plan, blocks) {
            Some((column, lead)) if line.code.len() > lead => {
                let start = out.len();
                join(&mut out, &line.code[..lead]);
                let used = out[start..].chars().count();
                out.push_str(&" ".repeat(column.saturating_sub(used).max(1)));
                join(&mut out, &line.code[lead..]);
            }
            _ => join(&mut out, &line.code),
        },
        Role::Close => join(&mut out, &line.code),
    }
    out
}

/// Joins tokens with the canonical spacing.
fn join(out: &mut String, code: &[Tok<'_>]) {
    let mut prev: Option<&Tok<'_>> = None;
    for t in code {
        if let Some(p) = prev {
            if spaced(p, t) {
                out.push(' ');
            }
        }
        out.push_str(t.text);
        prev = Some(t);
    }
}

fn spaced(a: &Tok<'_>, b: &Tok<'_>) -> bool {
    match (a.text, b.text) {
        (_, "," | ")" | "]" | "?" | ":" | ".") => false,
        ("(" | "[" | "." | "!", _) => false,
        ("..=" | "..", _) | (_, "..=" | "..") => false,
        ("{", "}") => false,
        // A call `f(x)` or an index `clusters[global]`; after a keyword, a group or a
        // list (`when (a or b)`, `in [x, y]`).
        (_, "(" | "[") => a.kind != Kind::Word || SPACED.contains(&a.text),
        _ => true,
    }
}

/// Lines with blank lines made canonical, then their trailing comments lined up per
/// paragraph of the result (so a second format sees the same paragraphs).
fn assemble(lines: &[(String, Option<&str>, &Plan)]) -> String {
    let order = canonical_blanks(lines);
    let columns = comment_columns(lines, &order);
    let mut out = String::new();
    for (slot, at) in order.iter().enumerate() {
        let Some(i) = *at else {
            out.push('\n');
            continue;
        };
        let (code, comment, plan) = &lines[i];
        let mut text = code.clone();
        if let Some(c) = comment {
            if plan.role != Role::Comment {
                let width = text.chars().count();
                let col = columns[slot].filter(|&c| c > width).unwrap_or(width + 2);
                text.push_str(&" ".repeat(col - width));
            }
            text.push_str(c);
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    out
}

/// The lines to write, in order, `None` for a blank line: at most one in a row, none
/// after `{`, before `}` or at the ends, and one after each top-level block.
fn canonical_blanks(lines: &[(String, Option<&str>, &Plan)]) -> Vec<Option<usize>> {
    let mut order = Vec::with_capacity(lines.len());
    let mut pending_blank = false;
    let mut after_open = true;
    for (i, (code, _, plan)) in lines.iter().enumerate() {
        if plan.role == Role::Blank {
            pending_blank = !after_open;
            continue;
        }
        if pending_blank && plan.role != Role::Close {
            order.push(None);
        }
        order.push(Some(i));
        after_open = plan.opens && code.trim_end().ends_with('{');
        pending_blank = plan.closes_top;
    }
    order
}

/// For each written line with code and a trailing comment: the column its comment
/// starts at, shared by its paragraph (a run of lines between blank ones).
fn comment_columns(
    lines: &[(String, Option<&str>, &Plan)],
    order: &[Option<usize>],
) -> Vec<Option<usize>> {
    let mut columns = vec![None; order.len()];
    for paragraph in order.split(Option::is_none).scan(0, |start, p| {
        let s = *start;
        *start += p.len() + 1;
        Some((s, p))
    }) {
        let (start, slots) = paragraph;
        let commented: Vec<(usize, usize)> = slots
            .iter()
            .enumerate()
            .filter_map(|(k, at)| at.map(|i| (start + k, i)))
            .filter(|&(_, i)| lines[i].1.is_some() && lines[i].2.role != Role::Comment)
            .collect();
        let widest = commented
            .iter()
            .map(|&(_, i)| lines[i].0.trim_end().chars().count())
            .filter(|&w| w <= ALIGN_LIMIT)
            .max();
        if let Some(w) = widest {
            for &(slot, _) in &commented {
                columns[slot] = Some(w + 2);
            }
        }
    }
    columns
}
