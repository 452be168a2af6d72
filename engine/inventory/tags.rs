//! YAML tags against the schema. serde_yaml applies core tags silently (`!!str 5` is a
//! string) and reads through custom ones (`!foo x` is `x`), and `!!binary aGVsbG8=`
//! reaches the pass as the literal text: none of that is what the person meant. So a tag
//! is allowed only where it repeats the field's type, and any other is a fault at the tag:
//!
//! | tag | allowed on |
//! | --- | --- |
//! | `!!str` | a string, a version or an enum field, and any mapping key |
//! | `!!int` | an integer field |
//! | `!!bool` | a boolean field |
//! | `!!seq` | a list field |
//! | `!!map` | a record field (or the root) |
//! | `!!null` | a field that may be null (optional or with a default) |
//!
//! Everything else is refused: `!!float` (no field is a float), `!!binary`,
//! `!!timestamp`, `!!set`, `!!omap`, the non-specific `!`, local tags (`!foo`), and a
//! `!!` renamed by a `%TAG` directive. A verbatim core tag (`!<tag:yaml.org,2002:str>`)
//! counts as its short form.
//!
//! The check walks the position tree beside the schema, so it runs only when the text
//! holds a `!` at all; the tree is never deeper than the depth limit.

use super::positions::{NodeTag, Positions, Range, Seg, Shape};
use super::seed::{Fault, FaultKind};
use crate::model::{RecordId, Schema, Type};

struct Walker<'a> {
    schema: &'a Schema,
    text: &'a str,
    pos: &'a Positions,
    path: Vec<Seg>,
    faults: Vec<Fault>,
}

/// Every tag of `pos` that disagrees with its field.
pub(crate) fn check(schema: &Schema, text: &str, pos: &Positions) -> Vec<Fault> {
    let Some(root) = pos.root() else {
        return Vec::new();
    };
    let mut w = Walker {
        schema,
        text,
        pos,
        path: Vec::new(),
        faults: Vec::new(),
    };
    w.node(root, &Type::Record(schema.root), false);
    w.faults
}

/// Whether `tag` only repeats what the field's type says.
fn agrees(tag: &NodeTag, ty: &Type, nullable: bool) -> bool {
    let NodeTag::Core(name) = tag else {
        return false;
    };
    match (name.as_str(), ty.non_null()) {
        ("str", Type::Str | Type::Version | Type::Enum(_)) => true,
        ("int", Type::Int) | ("bool", Type::Bool) => true,
        ("seq", Type::List(_)) | ("map", Type::Record(_)) => true,
        ("null", _) => nullable || ty.is_optional(),
        _ => false,
    }
}

impl Walker<'_> {
    fn node(&mut self, node: usize, ty: &Type, nullable: bool) {
        if !self.tag_agrees(node, Some(ty), nullable) {
            return;
        }
        match (self.pos.shape(node), ty.non_null()) {
            (Shape::Map, Type::Record(id)) => self.record(node, *id),
            (Shape::Seq, Type::List(inner)) => self.list(node, inner),
            // The anchored node's content was checked where it is written; its own tag
            // must also suit this field.
            (Shape::Alias, _) => {
                if let Some(target) = self.pos.target(node) {
                    self.tag_agrees(target, Some(ty), nullable);
                }
            }
            _ => {}
        }
    }

    fn list(&mut self, node: usize, inner: &Type) {
        for (i, &item) in self.pos.items(node).iter().enumerate() {
            self.path.push(Seg::Index(i));
            self.node(item, inner, false);
            self.path.pop();
        }
    }

    fn record(&mut self, node: usize, id: RecordId) {
        let Some(rec) = self.schema.records.get(id as usize) else {
            return;
        };
        let entries: Vec<(String, usize, usize)> = self
            .pos
            .entries(node)
            .map(|(k, kn, v)| (k.to_owned(), kn, v))
            .collect();
        for (key, key_node, value) in entries {
            self.path.push(Seg::Key(key.clone()));
            // Unknown fields are reported as such; their tags do not matter then.
            if self.tag_agrees(key_node, None, false)
                && let Some(field) = rec.fields.iter().find(|f| f.name == key)
            {
                self.node(value, &field.ty, field.default.is_some());
            }
            self.path.pop();
        }
    }

    /// True when `node` has no tag or one that suits `ty` (`None`: a mapping key, which
    /// takes `!!str` only); else records the fault.
    fn tag_agrees(&mut self, node: usize, ty: Option<&Type>, nullable: bool) -> bool {
        let Some(tag) = self.pos.tag(node) else {
            return true;
        };
        let ok = match ty {
            Some(ty) => agrees(tag, ty, nullable),
            None => *tag == NodeTag::Core("str".into()),
        };
        if !ok {
            let kind = FaultKind::BadTag {
                tag: tag.written(),
                expected: ty.cloned(),
                span: tag_span(self.text, self.pos.span(node)),
            };
            self.faults.push(Fault {
                path: self.path.clone(),
                kind,
            });
        }
        ok
    }
}

/// Where the tag of a node spanning `span` is written: saphyr's span of a tagged node
/// starts at its properties (`&a !!int 5`), so the tag is the first property there that
/// starts with `!`. Falls back to the node.
fn tag_span(text: &str, span: Range) -> Range {
    let node = text.get(span.0..span.1.max(span.0)).unwrap_or("");
    let mut rest = node;
    loop {
        rest = rest.trim_start();
        let at = span.0 + (node.len() - rest.len());
        if rest.starts_with('!') {
            return (at, at + tag_len(rest));
        }
        if !rest.starts_with('&') {
            return span;
        }
        rest = &rest[rest.find(char::is_whitespace).unwrap_or(rest.len())..];
    }
}

/// The length of the tag at the start of `text`: through `>` for `!<…>`, else up to
/// whitespace or a flow indicator.
fn tag_len(text: &str) -> usize {
    if text.starts_with("!<") {
        return text.find('>').map_or(text.len(), |i| i + 1);
    }
    text.find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .unwrap_or(text.len())
}
