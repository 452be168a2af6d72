//! The skeleton as a small YAML tree that keeps what serde_yaml loses: each scalar's
//! text as written and whether it was plain (so `kubernetes: 1.30` stays 1.30), and
//! each key's span (so a contradiction points at the skeleton's line). And the way
//! back: [`emit`] writes a tree as block YAML in which every string is double-quoted
//! and escaped, so no value can end a line, start a comment or change the document.

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::codes;
use crate::diagnostics::Problem;
use crate::source::{Sources, Span};

/// Skeletons deeper than this are refused (the inventory's own limit).
const MAX_DEPTH: usize = crate::inventory::limits::MAX_DEPTH;

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `plain`: written without quotes (so its type is YAML's reading of `text`).
    Scalar {
        text: String,
        plain: bool,
        span: Option<Span>,
    },
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Entry {
    Field {
        key: String,
        span: Option<Span>,
        value: Node,
    },
    /// A `# TODO(uplan): …` line; written after the fields of its mapping.
    Todo(String),
}

impl Node {
    pub fn string(text: impl Into<String>) -> Node {
        Node::Scalar {
            text: text.into(),
            plain: false,
            span: None,
        }
    }

    pub fn int(n: u64) -> Node {
        Node::Scalar {
            text: n.to_string(),
            plain: true,
            span: None,
        }
    }

    pub fn null() -> Node {
        Node::Scalar {
            text: "null".into(),
            plain: true,
            span: None,
        }
    }

    /// The value of field `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        let Node::Map(entries) = self else {
            return None;
        };
        entries.iter().find_map(|e| match e {
            Entry::Field { key: k, value, .. } if k == key => Some(value),
            _ => None,
        })
    }

    /// The text of a scalar as a reader of the inventory sees it (`null` for a plain null).
    pub fn scalar(&self) -> Option<&str> {
        match self {
            Node::Scalar {
                text, plain: true, ..
            } if is_null(text) => Some("null"),
            Node::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Node::Scalar { span, .. } => *span,
            _ => None,
        }
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// Reads the first document of file `file` (`None` for an empty file).
pub fn read(sources: &Sources, file: u32) -> Result<Option<Node>, Problem> {
    let text = &sources.get(file).text;
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let byte = |c: usize| bytes.get(c).copied().unwrap_or(text.len());
    let mut b = Builder::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let at = byte(e.marker().index());
            bad(
                sources,
                Span::new(file, at, at),
                e.info(),
                "the YAML breaks here",
            )
        })?;
        let span = Span::new(file, byte(span.start.index()), byte(span.end.index()));
        if b.event(event, span)
            .map_err(|why| bad(sources, span, why, "here"))?
        {
            break;
        }
    }
    Ok(b.root)
}

fn bad(sources: &Sources, span: Span, why: &str, label: &str) -> Problem {
    let name = &sources.get(span.file).name;
    Problem::new(codes::BAD_SKELETON, format!("cannot read the skeleton `{name}`: {why}"))
        .at(sources, span, label)
        .help("the skeleton is an inventory in part: plain YAML mappings, lists and scalars (no anchors, aliases or tags)")
}

/// A mapping key and where it is written.
type Key = (String, Option<Span>);

#[derive(Default)]
struct Builder {
    root: Option<Node>,
    /// Open collections, each with the key it waits to be stored under.
    stack: Vec<(Node, Option<Key>)>,
    /// A mapping's key read, waiting for its value.
    key: Option<Key>,
}

impl Builder {
    /// Feeds one event; Ok(true) once the first document is complete.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<bool, &'static str> {
        match event {
            Event::Scalar(_, _, anchor, tag)
            | Event::SequenceStart(anchor, tag)
            | Event::MappingStart(anchor, tag)
                if anchor != 0 || tag.is_some() =>
            {
                return Err("an anchor or a tag");
            }
            Event::Alias(_) => return Err("an alias"),
            Event::Scalar(text, style, ..) => {
                let plain = matches!(style, ScalarStyle::Plain);
                self.value(
                    Node::Scalar {
                        text: text.into_owned(),
                        plain,
                        span: Some(span),
                    },
                    span,
                )?;
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err("nesting deeper than 64 levels");
                }
                let node = if matches!(event, Event::SequenceStart(..)) {
                    Node::Seq(Vec::new())
                } else {
                    Node::Map(Vec::new())
                };
                let key = self.key.take();
                self.stack.push((node, key));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, key)) = self.stack.pop() {
                    self.key = key;
                    self.value(node, span)?;
                }
            }
            Event::DocumentEnd => return Ok(self.root.is_some()),
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentStart(_) => {}
        }
        Ok(false)
    }

    /// Stores a complete node in the open collection (or as the root).
    fn value(&mut self, node: Node, span: Span) -> Result<(), &'static str> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some((Node::Seq(items), _)) => items.push(node),
            Some((Node::Map(entries), _)) => match self.key.take() {
                Some((key, key_span)) => {
                    if entries
                        .iter()
                        .any(|e| matches!(e, Entry::Field { key: k, .. } if *k == key))
                    {
                        return Err("a key given twice in one mapping");
                    }
                    entries.push(Entry::Field {
                        key,
                        span: key_span,
                        value: node,
                    });
                }
                None => match node {
                    Node::Scalar { text, .. } => self.key = Some((text, Some(span))),
                    _ => return Err("a key that is not a scalar"),
                },
            },
            Some((Node::Scalar { .. }, _)) => {}
        }
        Ok(())
    }
}

/// The tree as block YAML, after `header` (comment lines, each already safe).
pub fn emit(root: &Node, header: &[String]) -> String {
    let mut out = String::new();
    for line in header {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    if let Node::Map(entries) = root {
        map(&mut out, entries, 0, None);
    }
    out
}

/// A mapping at `indent`; `first` is the prefix of its first line (`"  - "` for the
/// item of a list) instead of the indentation.
fn map(out: &mut String, entries: &[Entry], indent: usize, first: Option<&str>) {
    let pad = " ".repeat(indent);
    let mut prefix = first.map(str::to_string);
    let fields = entries.iter().filter(|e| matches!(e, Entry::Field { .. }));
    let todos = entries.iter().filter(|e| matches!(e, Entry::Todo(_)));
    for entry in fields.chain(todos) {
        let lead = prefix.take().unwrap_or_else(|| pad.clone());
        match entry {
            Entry::Todo(text) => out.push_str(&format!(
                "{lead}# TODO(uplan): {}\n",
                crate::sanitize::one_line(text)
            )),
            Entry::Field { key, value, .. } => {
                out.push_str(&format!("{lead}{}:", key_text(key)));
                nested(out, value, indent);
            }
        }
    }
}

/// What follows `key:` (or `-`): a scalar or an empty collection on the same line, a
/// collection on the lines below.
fn nested(out: &mut String, value: &Node, indent: usize) {
    match value {
        Node::Scalar { text, plain, .. } => {
            out.push_str(&format!(" {}\n", scalar_text(text, *plain)))
        }
        Node::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        Node::Map(entries) if !entries.iter().any(|e| matches!(e, Entry::Field { .. })) => {
            out.push_str(" {}\n")
        }
        Node::Seq(items) => {
            out.push('\n');
            seq(out, items, indent + 2);
        }
        Node::Map(entries) => {
            out.push('\n');
            map(out, entries, indent + 2, None);
        }
    }
}

fn seq(out: &mut String, items: &[Node], indent: usize) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Node::Map(entries) if entries.iter().any(|e| matches!(e, Entry::Field { .. })) => {
                map(out, entries, indent + 2, Some(&format!("{pad}- ")));
            }
            other => {
                out.push_str(&format!("{pad}-"));
                nested(out, other, indent);
            }
        }
    }
}

/// A key plain when it is a plain identifier YAML reads as a string, else quoted.
fn key_text(key: &str) -> String {
    let ident = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !key.as_bytes()[0].is_ascii_digit();
    if ident
        && !matches!(
            key,
            "null" | "true" | "false" | "y" | "n" | "yes" | "no" | "on" | "off"
        )
    {
        key.to_string()
    } else {
        quote(key)
    }
}

/// A plain scalar stays plain when YAML reads it as null, a bool or an integer (so
/// its type is kept); everything else is written as a double-quoted string.
fn scalar_text(text: &str, plain: bool) -> String {
    if plain {
        if is_null(text) {
            return "null".into();
        }
        let int = text.strip_prefix('-').unwrap_or(text);
        let bool_like = matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE");
        if bool_like
            || (!int.is_empty() && int.len() <= 20 && int.bytes().all(|b| b.is_ascii_digit()))
        {
            return text.to_string();
        }
    }
    quote(text)
}

/// A YAML double-quoted scalar: `"` and `\` escaped, every character that is not
/// printable ASCII or safe printable Unicode written as an escape.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c if crate::sanitize::is_unsafe_char(c)
                || c.is_ascii_control()
                || matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}') =>
            {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04X}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08X}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Result<Option<Node>, &'static str> {
        let mut s = Sources::default();
        let f = s.add("s.yaml", text);
        read(&s, f).map_err(|p| p.code)
    }

    #[test]
    fn a_tree_round_trips_with_its_types() {
        let text = "a: 1.30\nb: \"x\"\nc: [1, true, ~]\nd: {e: []}\nf:\n  - {g: h, i: {}}\n";
        let root = tree(text).ok().flatten();
        let out = root.as_ref().map(|r| emit(r, &["head".into()]));
        insta::assert_snapshot!(out.unwrap_or_default(), @r#"
        # head
        a: "1.30"
        b: "x"
        c:
          - 1
          - true
          - null
        d:
          e: []
        f:
          - g: "h"
            i: {}
        "#);
    }

    #[test]
    fn anchors_aliases_tags_and_duplicates_are_refused() {
        for bad in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1\na: 2\n",
            "a: [\n",
            "? [a]\n: b\n",
        ] {
            assert_eq!(tree(bad).err(), Some(codes::BAD_SKELETON), "{bad:?}");
        }
        assert_eq!(tree("").ok(), Some(None));
    }

    #[test]
    fn hostile_strings_stay_one_scalar() {
        let hostile = "x\"\n# y: z\\\u{1b}[31m\u{202e}\u{85}";
        let q = quote(hostile);
        assert!(
            !q.contains('\n') && !q.contains('\u{1b}') && !q.contains('\u{202e}'),
            "{q}"
        );
        let back: Result<String, _> = serde_yaml::from_str(&q);
        assert_eq!(back.ok().as_deref(), Some(hostile));
    }
}
