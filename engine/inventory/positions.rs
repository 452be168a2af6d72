//! The position-keeping pass: where each YAML node of the inventory sits.
//!
//! serde_yaml keeps no positions, so this pass re-reads the text with
//! `saphyr-parser`'s event API (each event carries a span) and builds a light tree:
//! for every mapping entry its key span and value node, for every sequence its items.
//! It runs only when a diagnostic or [`super::Inventory::locate`] needs a position, when
//! a version was typed as a number (its text as written is here), when the text holds a
//! tag, or when the pre-scan cannot rule out nesting past [`super::limits::MAX_DEPTH`].
//!
//! The tree follows aliases (a path through `*a` continues in the anchored node) and
//! keeps each node's tag. It is never deeper than the depth limit: the build stops where
//! a collection opens past it, and remembers where.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Tag};

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
    /// The opening of the first collection nested past the depth limit.
    pub too_deep: Option<Range>,
    /// The YAML error that stopped the build, if any: where, and saphyr's message.
    pub error: Option<(usize, String)>,
}

#[derive(Debug)]
struct Node {
    span: Range,
    kind: Kind,
    tag: Option<NodeTag>,
}

/// A node's tag: `!!int` is `Core("int")`; `!foo`, `!` or a `%TAG`-renamed `!!x` are
/// `Other` (local tags as written, others as the full tag they resolve to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NodeTag {
    Core(String),
    Other(String),
}

impl NodeTag {
    fn of(tag: &Tag) -> NodeTag {
        if tag.is_yaml_core_schema() {
            NodeTag::Core(tag.suffix.clone())
        } else if tag.handle.is_empty() && tag.suffix == "!" {
            NodeTag::Other("!".into())
        } else if tag.handle.is_empty() {
            let suffix = &tag.suffix;
            match suffix.strip_prefix("tag:yaml.org,2002:") {
                Some(core) => NodeTag::Core(core.to_owned()),
                None => NodeTag::Other(format!("!<{suffix}>")),
            }
        } else if tag.handle == "!" {
            NodeTag::Other(format!("!{}", tag.suffix))
        } else {
            // A handle renamed by `%TAG`: the tag it stands for.
            NodeTag::Other(format!("{}{}", tag.handle, tag.suffix))
        }
    }

    /// As a person writes it: `!!int`, `!foo`.
    pub(crate) fn written(&self) -> String {
        match self {
            NodeTag::Core(s) => format!("!!{s}"),
            NodeTag::Other(s) => s.clone(),
        }
    }
}

#[derive(Debug)]
enum Kind {
    Scalar(String),
    Map(Vec<Entry>),
    Seq(Vec<usize>),
    /// An alias and the anchored node it stands for (none for an unknown anchor).
    Alias(Option<usize>),
}

#[derive(Debug)]
struct Entry {
    key: String,
    key_span: Range,
    key_node: usize,
    value: usize,
}

/// What a node is, for checks that walk the tree beside the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    Scalar,
    Map,
    Seq,
    Alias,
}

/// A node the index found for a path, with the key that leads to it (if any).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found {
    pub node: usize,
    pub key_span: Option<Range>,
}

impl Positions {
    /// Indexes the first document of `text` (after a byte order mark, if any), no deeper
    /// than `max_depth`; stops at a syntax error, keeping what it read so far.
    pub(crate) fn build(text: &str, max_depth: usize) -> Positions {
        let base = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
        let body = &text[base..];
        let mut b = Builder::new(body, base, max_depth);
        for event in Parser::new_from_str(body) {
            let (event, span) = match event {
                Ok(e) => e,
                Err(e) => {
                    b.error = Some((b.byte(e.marker().index()), e.info().to_owned()));
                    break;
                }
            };
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

    /// Like [`Positions::walk`], with the last alias the path went through (the place
    /// an expansion was asked for).
    pub(crate) fn walk_alias(&self, path: &[Seg]) -> Option<Found> {
        let mut at = Found {
            node: self.root?,
            key_span: None,
        };
        let mut alias = None;
        for seg in path {
            if self.is_alias(at.node) {
                alias = Some(at);
            }
            match self.child(at.node, seg) {
                Some(next) => at = next,
                None => break,
            }
        }
        if self.is_alias(at.node) {
            alias = Some(at);
        }
        alias
    }

    fn is_alias(&self, node: usize) -> bool {
        self.nodes
            .get(node)
            .is_some_and(|n| matches!(n.kind, Kind::Alias(_)))
    }

    /// The node an alias stands for; any other node itself.
    fn resolve(&self, node: usize) -> usize {
        match self.nodes.get(node).map(|n| &n.kind) {
            Some(Kind::Alias(Some(target))) => *target,
            _ => node,
        }
    }

    fn child(&self, node: usize, seg: &Seg) -> Option<Found> {
        let node = self.resolve(node);
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
        let Kind::Map(entries) = &self.nodes.get(self.resolve(node))?.kind else {
            return None;
        };
        let entry = entries.iter().find(|e| e.key == "name")?;
        self.scalar(entry.value)
    }

    /// The text of a scalar node (through an alias), as saphyr read it: for a plain
    /// scalar exactly what was typed (`1.30`, not the number 1.3).
    pub(crate) fn scalar(&self, node: usize) -> Option<&str> {
        match &self.nodes.get(self.resolve(node))?.kind {
            Kind::Scalar(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn span(&self, node: usize) -> Range {
        self.nodes.get(node).map_or((0, 0), |n| n.span)
    }

    pub(crate) fn root(&self) -> Option<usize> {
        self.root
    }

    pub(crate) fn shape(&self, node: usize) -> Shape {
        match self.nodes.get(node).map(|n| &n.kind) {
            Some(Kind::Map(_)) => Shape::Map,
            Some(Kind::Seq(_)) => Shape::Seq,
            Some(Kind::Alias(_)) => Shape::Alias,
            _ => Shape::Scalar,
        }
    }

    pub(crate) fn tag(&self, node: usize) -> Option<&NodeTag> {
        self.nodes.get(node)?.tag.as_ref()
    }

    /// The node an alias stands for (`None` for an unknown anchor or another node).
    pub(crate) fn target(&self, node: usize) -> Option<usize> {
        match self.nodes.get(node)?.kind {
            Kind::Alias(t) => t,
            _ => None,
        }
    }

    /// Whether saphyr stopped at its own flow nesting limit (255 levels).
    pub(crate) fn overflowed(&self) -> bool {
        self.error
            .as_ref()
            .is_some_and(|(_, message)| message == "recursion limit exceeded")
    }

    /// A mapping's entries: (key text, key node, value node).
    pub(crate) fn entries(&self, node: usize) -> impl Iterator<Item = (&str, usize, usize)> {
        let entries = match self.nodes.get(node).map(|n| &n.kind) {
            Some(Kind::Map(e)) => e.as_slice(),
            _ => &[],
        };
        entries
            .iter()
            .map(|e| (e.key.as_str(), e.key_node, e.value))
    }

    /// A sequence's items.
    pub(crate) fn items(&self, node: usize) -> &[usize] {
        match self.nodes.get(node).map(|n| &n.kind) {
            Some(Kind::Seq(items)) => items,
            _ => &[],
        }
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
    /// Where `text` starts in the file (3 after a byte order mark).
    base: usize,
    /// Byte offset of each char, when the text is not ASCII (saphyr counts chars).
    char_bytes: Option<Vec<usize>>,
    nodes: Vec<Node>,
    root: Option<usize>,
    stack: Vec<Frame>,
    documents: usize,
    /// Anchor ids (saphyr numbers them) → the anchored node.
    anchors: HashMap<usize, usize>,
    max_depth: usize,
    too_deep: Option<Range>,
    error: Option<(usize, String)>,
}

struct Frame {
    node: usize,
    /// For mappings: the key read, waiting for its value.
    key: Option<(String, Range, usize)>,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, base: usize, max_depth: usize) -> Builder<'t> {
        let char_bytes = (!text.is_ascii()).then(|| {
            let mut v: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            v.push(text.len());
            v
        });
        Builder {
            text,
            base,
            char_bytes,
            nodes: Vec::new(),
            root: None,
            stack: Vec::new(),
            documents: 0,
            anchors: HashMap::new(),
            max_depth,
            too_deep: None,
            error: None,
        }
    }

    /// The byte offset in the file of saphyr's char index.
    fn byte(&self, char_index: usize) -> usize {
        let in_text = match &self.char_bytes {
            None => char_index.min(self.text.len()),
            Some(v) => v.get(char_index).copied().unwrap_or(self.text.len()),
        };
        self.base + in_text
    }

    /// Feeds one event; false when the first document is complete.
    fn event(&mut self, event: Event<'_>, range: Range) -> bool {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                return self.documents == 1;
            }
            Event::DocumentEnd | Event::StreamEnd => return self.root.is_none(),
            Event::Scalar(text, _, anchor, tag) => {
                let id = self.push(Kind::Scalar(text.into_owned()), range, tag.as_deref());
                self.anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let target = self.anchors.get(&anchor).copied();
                let id = self.push(Kind::Alias(target), range, None);
                self.attach(id);
            }
            Event::SequenceStart(anchor, tag) => {
                return self.open(Kind::Seq(Vec::new()), range, anchor, tag.as_deref());
            }
            Event::MappingStart(anchor, tag) => {
                return self.open(Kind::Map(Vec::new()), range, anchor, tag.as_deref());
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(range),
            Event::Nothing | Event::StreamStart => {}
        }
        true
    }

    fn push(&mut self, kind: Kind, span: Range, tag: Option<&Tag>) -> usize {
        let tag = tag.map(NodeTag::of);
        self.nodes.push(Node { span, kind, tag });
        self.nodes.len() - 1
    }

    /// saphyr numbers anchors from 1; 0 is "no anchor".
    fn anchor(&mut self, anchor: usize, node: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node);
        }
    }

    /// Opens a collection; false (stop) when it nests past the depth limit.
    fn open(&mut self, kind: Kind, span: Range, anchor: usize, tag: Option<&Tag>) -> bool {
        if self.stack.len() >= self.max_depth {
            self.too_deep = Some(span);
            return false;
        }
        let id = self.push(kind, span, tag);
        self.anchor(anchor, id);
        self.stack.push(Frame {
            node: id,
            key: None,
        });
        true
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
            frame.key = Some((key, self.nodes[id].span, id));
            return;
        }
        let key = frame.key.take();
        match (&mut self.nodes[parent].kind, key) {
            (Kind::Seq(items), _) => items.push(id),
            (Kind::Map(entries), Some((key, key_span, key_node))) => entries.push(Entry {
                key,
                key_span,
                key_node,
                value: id,
            }),
            _ => {}
        }
    }

    fn finish(self) -> Positions {
        Positions {
            nodes: self.nodes,
            root: self.root,
            too_deep: self.too_deep,
            error: self.error,
        }
    }
}
