//! The position-keeping pass: where each YAML node of the inventory sits.
//!
//! serde_yaml keeps no positions, so this pass re-reads the text with
//! `saphyr-parser`'s event API (each event carries a span) and builds a light tree:
//! for every mapping entry its key span and value node, for every sequence its items.
//! It runs only when a diagnostic or [`super::Inventory::locate`] needs a position.

use saphyr_parser::{Event, Parser};

/// One step of a fact path: a mapping key or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Byte range in the inventory text.
pub(crate) type Range = (usize, usize);

#[derive(Debug)]
pub(crate) struct Positions {
    nodes: Vec<Node>,
    root: Option<usize>,
}

#[derive(Debug)]
struct Node {
    span: Range,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Scalar(String),
    Map(Vec<Entry>),
    Seq(Vec<usize>),
    Alias,
}

#[derive(Debug)]
struct Entry {
    key: String,
    key_span: Range,
    value: usize,
}

/// A node the index found for a path, with the key that leads to it (if any).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found {
    pub node: usize,
    pub key_span: Option<Range>,
}

impl Positions {
    /// Indexes the first document of `text`; stops quietly at a syntax error, keeping
    /// what it read so far.
    pub(crate) fn build(text: &str) -> Positions {
        let mut b = Builder::new(text);
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let range = (b.byte(span.start.index()), b.byte(span.end.index()));
            if !b.event(event, range) {
                break;
            }
        }
        b.finish()
    }

    /// Follows `path` from the root as far as it goes: the deepest node reached and
    /// whether the whole path was found.
    pub(crate) fn walk(&self, path: &[Seg]) -> Option<(Found, bool)> {
        let mut at = Found {
            node: self.root?,
            key_span: None,
        };
        for seg in path {
            match self.child(at.node, seg) {
                Some(next) => at = next,
                None => return Some((at, false)),
            }
        }
        Some((at, true))
    }

    fn child(&self, node: usize, seg: &Seg) -> Option<Found> {
        match (&self.nodes.get(node)?.kind, seg) {
            (Kind::Map(entries), Seg::Key(k)) => {
                entries.iter().find(|e| &e.key == k).map(|e| Found {
                    node: e.value,
                    key_span: Some(e.key_span),
                })
            }
            (Kind::Seq(items), Seg::Index(i)) => items.get(*i).map(|&n| Found {
                node: n,
                key_span: None,
            }),
            (Kind::Seq(items), Seg::Key(name)) => items
                .iter()
                .find(|&&n| self.name_of(n) == Some(name.as_str()))
                .map(|&n| Found {
                    node: n,
                    key_span: None,
                }),
            _ => None,
        }
    }

    /// Resolves a dotted fact path (`clusters.biz-1.kubernetes`): a segment is a key,
    /// a numeric index, or the `name` of a sequence element. A name holding dots is
    /// matched by joining segments.
    pub(crate) fn walk_dotted(&self, segs: &[&str]) -> Option<Found> {
        let mut at = Found {
            node: self.root?,
            key_span: None,
        };
        let mut rest = segs;
        while !rest.is_empty() {
            let (next, used) = self.child_dotted(at.node, rest)?;
            at = next;
            rest = &rest[used..];
        }
        Some(at)
    }

    fn child_dotted(&self, node: usize, segs: &[&str]) -> Option<(Found, usize)> {
        let first = segs.first()?;
        if let Ok(i) = first.parse::<usize>()
            && let Some(found) = self.child(node, &Seg::Index(i))
        {
            return Some((found, 1));
        }
        (1..=segs.len()).find_map(|n| {
            let key = segs[..n].join(".");
            self.child(node, &Seg::Key(key)).map(|f| (f, n))
        })
    }

    /// The `name` scalar of a mapping node, which identifies an entity in a list.
    pub(crate) fn name_of(&self, node: usize) -> Option<&str> {
        let Kind::Map(entries) = &self.nodes.get(node)?.kind else {
            return None;
        };
        let entry = entries.iter().find(|e| e.key == "name")?;
        match &self.nodes.get(entry.value)?.kind {
            Kind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn span(&self, node: usize) -> Range {
        self.nodes.get(node).map_or((0, 0), |n| n.span)
    }

    pub(crate) fn is_container(&self, node: usize) -> bool {
        self.nodes
            .get(node)
            .is_some_and(|n| matches!(n.kind, Kind::Map(_) | Kind::Seq(_)))
    }

    /// The key spans of a mapping's entries named `key`, in order (to show both
    /// places of a key written twice).
    pub(crate) fn key_spans(&self, node: usize, key: &str) -> Vec<Range> {
        match self.nodes.get(node).map(|n| &n.kind) {
            Some(Kind::Map(entries)) => entries
                .iter()
                .filter(|e| e.key == key)
                .map(|e| e.key_span)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A path with sequence indices replaced by the element's `name` where it has one.
    pub(crate) fn display(&self, path: &[Seg]) -> String {
        let mut out = String::new();
        let mut node = self.root;
        for seg in path {
            if !out.is_empty() {
                out.push('.');
            }
            let next = node.and_then(|n| self.child(n, seg));
            match seg {
                Seg::Key(k) => out.push_str(k),
                Seg::Index(i) => match next.and_then(|f| self.name_of(f.node)) {
                    Some(name) => out.push_str(name),
                    None => out.push_str(&i.to_string()),
                },
            }
            node = next.map(|f| f.node);
        }
        out
    }
}

/// Builds the tree from the event stream with an explicit stack (no recursion, so
/// deep nesting cannot overflow).
struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each char, when the text is not ASCII (saphyr counts chars).
    char_bytes: Option<Vec<usize>>,
    nodes: Vec<Node>,
    root: Option<usize>,
    stack: Vec<Frame>,
    documents: usize,
}

struct Frame {
    node: usize,
    /// For mappings: the key read, waiting for its value.
    key: Option<(String, Range)>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str) -> Builder<'t> {
        let char_bytes = (!text.is_ascii()).then(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            v
        });
        Builder {
            text,
            char_bytes,
            nodes: Vec::new(),
            root: None,
            stack: Vec::new(),
            documents: 0,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
        }
    }

    /// Feeds one event; false when the first document is complete.
    fn event(&mut self, event: Event<'_>, range: Range) -> bool {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                return self.documents == 1;
            }
            Event::DocumentEnd | Event::StreamEnd => return self.root.is_none(),
            Event::Scalar(text, ..) => {
                self.leaf(Kind::Scalar(text.into_owned()), range);
            }
            Event::Alias(_) => self.leaf(Kind::Alias, range),
            Event::SequenceStart(..) => self.open(Kind::Seq(Vec::new()), range),
            Event::MappingStart(..) => self.open(Kind::Map(Vec::new()), range),
            Event::SequenceEnd | Event::MappingEnd => self.close(range),
            Event::Nothing | Event::StreamStart => {}
        }
        true
    }

    fn push(&mut self, kind: Kind, span: Range) -> usize {
        self.nodes.push(Node { span, kind });
        self.nodes.len() - 1
    }

    fn leaf(&mut self, kind: Kind, span: Range) {
        let id = self.push(kind, span);
        self.attach(id);
    }

    fn open(&mut self, kind: Kind, span: Range) {
        let id = self.push(kind, span);
        self.stack.push(Frame {
            node: id,
            key: None,
        });
    }

    /// Ends a container: its span runs to its last child (block style) or to its
    /// closing bracket (flow style); then it becomes a child of its parent.
    fn close(&mut self, end: Range) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let last_child_end = match &self.nodes[frame.node].kind {
            Kind::Map(entries) => entries
                .last()
                .map(|e| self.nodes[e.value].span.1.max(e.key_span.1)),
            Kind::Seq(items) => items.last().map(|&i| self.nodes[i].span.1),
            _ => None,
        };
        let node = &mut self.nodes[frame.node];
        if end.1 > end.0 {
            node.span.1 = end.1;
        } else if let Some(e) = last_child_end {
            node.span.1 = e.max(node.span.0);
        }
        self.attach(frame.node);
    }

    fn attach(&mut self, id: usize) {
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(id);
            }
            return;
        };
        let parent = frame.node;
        let in_map = matches!(self.nodes[parent].kind, Kind::Map(_));
        if in_map && frame.key.is_none() {
            let key = match &self.nodes[id].kind {
                Kind::Scalar(text) => text.clone(),
                _ => String::new(),
            };
            frame.key = Some((key, self.nodes[id].span));
            return;
        }
        let key = frame.key.take();
        match (&mut self.nodes[parent].kind, key) {
            (Kind::Seq(items), _) => items.push(id),
            (Kind::Map(entries), Some((key, key_span))) => entries.push(Entry {
                key,
                key_span,
                value: id,
            }),
            _ => {}
        }
    }

    fn finish(self) -> Positions {
        Positions {
            nodes: self.nodes,
            root: self.root,
        }
    }
}
