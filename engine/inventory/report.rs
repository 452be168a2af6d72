//! Faults and YAML errors → diagnostics pointing at the exact YAML node.
//!
//! Runs only when something is wrong: it builds the position index once and gives
//! each fault its span, label and help.

use super::codes;
use super::limits;
use super::positions::{Found as At, Positions, Range, Seg};
use super::seed::{Fault, FaultKind, Found};
use super::suggest::closest;
use crate::diagnostics::{Problem, Problems};
use crate::model::{EnumId, FieldDef, FieldMeta, RecordId, Schema, Type};
use crate::source::{Sources, Span};

struct Reporter<'a> {
    schema: &'a Schema,
    text: &'a str,
    sources: Sources,
    pos: Positions,
}

/// Every fault of the pass as one diagnostic each, in source order; or, when the text
/// nests past the depth limit, that alone (the faults under it mean little).
pub(crate) fn faults(
    schema: &Schema,
    name: &str,
    text: &str,
    faults: Vec<Fault>,
    pos: Positions,
    max_depth: usize,
) -> Problems {
    if let Some((start, _)) = pos.too_deep {
        return too_deep(name, text, start, max_depth);
    }
    let r = Reporter::new(schema, name, text, pos);
    let faults = without_tagged(faults);
    let mut problems: Vec<Problem> = faults.into_iter().map(|f| r.problem(f)).collect();
    problems.sort_by_key(|p| p.span);
    Problems(problems)
}

/// A node with a bad tag gets that one diagnostic: what the tag made of its value (a
/// wrong type, a bad version) follows from it.
fn without_tagged(faults: Vec<Fault>) -> Vec<Fault> {
    let tagged: Vec<Vec<Seg>> = faults
        .iter()
        .filter(|f| matches!(f.kind, FaultKind::BadTag { .. }))
        .map(|f| f.path.clone())
        .collect();
    if tagged.is_empty() {
        return faults;
    }
    faults
        .into_iter()
        .filter(|f| {
            matches!(f.kind, FaultKind::BadTag { .. })
                || !tagged.iter().any(|t| f.path.starts_with(t))
        })
        .collect()
}

/// Nesting past the depth limit ([`limits::MAX_DEPTH`]), found by the positions pass: one diagnostic at
/// the collection that opens one level too deep.
pub(crate) fn too_deep(name: &str, text: &str, start: usize, max: usize) -> Problems {
    let mut sources = Sources::default();
    sources.add(name, text);
    Problem::new(
        codes::TOO_DEEP,
        format!("the inventory nests deeper than {max} levels"),
    )
    .at(
        &sources,
        one_char(text, start),
        format!("level {} starts here", max + 1),
    )
    .help(format!(
        "an inventory nests a few levels deep (a cluster's plugins are at level 5); \
         uplan reads at most {max} levels of nested lists and mappings"
    ))
    .into()
}

/// A YAML error found by the positions pass, which runs first when the pre-scan cannot
/// rule out deep nesting (serde_yaml's scanner would be slow on the rest).
pub(crate) fn positions_error(name: &str, text: &str, pos: &Positions) -> Option<Problems> {
    let (at, message) = pos.error.as_ref()?;
    let mut sources = Sources::default();
    sources.add(name, text);
    let (what, help) = match forbidden_char(text) {
        Some((i, c)) if i <= *at => return Some(control_char(&sources, text, i, c).into()),
        _ => (message.as_str(), SYNTAX_HELP),
    };
    Some(
        Problem::new(codes::YAML_SYNTAX, format!("invalid YAML: {what}"))
            .at(&sources, one_char(text, *at), "here")
            .help(help)
            .into(),
    )
}

const SYNTAX_HELP: &str = "check indentation, quotes and brackets: an unclosed `[`, `{` or quote often shows up lines later";

/// The first character YAML forbids (C0 and C1 controls but tab, LF, CR and NEL; DEL;
/// U+FFFE, U+FFFF), with its byte offset.
pub(crate) fn forbidden_char(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| {
        let n = c as u32;
        let allowed = matches!(c, '\t' | '\n' | '\r' | '\u{85}')
            || (0x20..=0x7E).contains(&n)
            || (0xA0..=0xFFFD).contains(&n)
            || n >= 0x10000;
        !allowed
    })
}

/// A control character, named by its code point (never echoed: it could be an escape
/// sequence for the terminal).
fn control_char(sources: &Sources, text: &str, at: usize, c: char) -> Problem {
    let code = format!("U+{:04X}", c as u32);
    Problem::new(
        codes::YAML_SYNTAX,
        format!("invalid YAML: control character {code}"),
    )
    .at(sources, one_char(text, at), format!("{code} here"))
    .help("YAML text holds no control characters but tab and line breaks; remove it, or write it as an escape in a double-quoted string, like \"\\u0001\"")
}

/// The text is not (single-document) YAML. `base` is where the text serde_yaml read
/// starts in the file (3 after a byte order mark).
pub(crate) fn syntax(
    schema: &Schema,
    name: &str,
    text: &str,
    base: usize,
    err: &serde_yaml::Error,
    pos: Positions,
    max_depth: usize,
) -> Problems {
    if let Some((start, _)) = pos.too_deep {
        return too_deep(name, text, start, max_depth);
    }
    let r = Reporter::new(schema, name, text, pos);
    let full = err.to_string();
    if full.contains("control characters are not allowed")
        && let Some((at, c)) = forbidden_char(text)
    {
        return control_char(&r.sources, text, at, c).into();
    }
    let (what, context) = match full.split_once(", while ") {
        Some((what, ctx)) => (strip_location(what), Some(ctx)),
        None => (strip_location(&full), None),
    };
    let message = format!("invalid YAML: {what}");
    if full.contains("more than one document") {
        // libyaml takes a byte order mark at the start of a line for the start of a
        // new document.
        if let Some(at) = text.get(base..).and_then(|t| t.find('\u{FEFF}')) {
            return Problem::new(
                codes::YAML_SYNTAX,
                "invalid YAML: a byte order mark (U+FEFF) inside the inventory",
            )
            .at(&r.sources, one_char(text, base + at), "U+FEFF here")
            .help("a byte order mark may only open the file; remove this one")
            .into();
        }
        let at = second_document(text);
        return Problem::new(codes::YAML_SYNTAX, message)
            .at(&r.sources, one_char(text, at), if text[at..].starts_with("...") {
                "the document ends here, and more follows"
            } else {
                "a second document starts here"
            })
            .help("an inventory is one YAML document; remove the `---` separator and what follows, or merge the documents")
            .into();
    }
    let body = &text[base..];
    let at = base
        + err
            .location()
            .map_or(0, |l| byte_offset(body, l.line(), l.column()));
    let mut p =
        Problem::new(codes::YAML_SYNTAX, message).at(&r.sources, one_char(text, at), "here");
    // "while parsing a flow sequence at line 18 column 24": show where that began.
    if let Some(ctx) = context
        && let Some((line, column)) = location_in(ctx)
    {
        let what = strip_location(ctx);
        let what = what.strip_prefix("parsing ").unwrap_or(&what);
        let start = base + byte_offset(body, line, column);
        p = p.at(
            &r.sources,
            one_char(text, start),
            format!("{what} starts here"),
        );
    }
    let help = if text.get(at..).is_some_and(|s| s.starts_with('\t')) {
        "YAML indents with spaces, never tabs: replace the tab with spaces"
    } else {
        SYNTAX_HELP
    };
    p.help(help).into()
}

impl<'a> Reporter<'a> {
    fn new(schema: &'a Schema, name: &str, text: &'a str, pos: Positions) -> Reporter<'a> {
        let mut sources = Sources::default();
        sources.add(name, text);
        Reporter {
            schema,
            text,
            sources,
            pos,
        }
    }

    fn problem(&self, fault: Fault) -> Problem {
        let path = &fault.path;
        match fault.kind {
            FaultKind::UnknownField { record } => self.unknown_field(path, record),
            FaultKind::ComplexKey { record } => self.complex_key(path, record),
            FaultKind::DuplicateKey => self.duplicate_key(path),
            FaultKind::WrongType { expected, found } => self.wrong_type(path, &expected, found),
            FaultKind::RangeField => self.range_field(path),
            FaultKind::BadVersion { text, reason } => self.bad_version(path, &text, reason),
            FaultKind::FloatVersion { value, text } => {
                self.float_version(path, value, text.as_deref())
            }
            FaultKind::IntOutOfRange => self.int_out_of_range(path),
            FaultKind::TooDeep => self.too_deep_at(path),
            FaultKind::ListTooLong { max } => self.list_too_long(path, max),
            FaultKind::AliasExpansion { max } => self.alias_expansion(path, max),
            FaultKind::BadTag {
                tag,
                expected,
                span,
            } => self.bad_tag(path, &tag, expected.as_ref(), span),
            FaultKind::UnknownVariant { found, enum_id } => {
                self.unknown_variant(path, &found, enum_id)
            }
            FaultKind::MissingField { record, field } => self.missing_field(path, record, field),
            FaultKind::DuplicateName {
                name,
                record,
                first,
            } => self.duplicate_name(path, &name, record, &first),
            FaultKind::NotAMapping { found } => self.not_a_mapping(found),
        }
    }

    fn unknown_field(&self, path: &[Seg], record: RecordId) -> Problem {
        let key = last_key(path);
        let rec_name = self.record_name(record);
        let fields = self.field_names(record);
        let mut help = match closest(key, fields.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`? "),
            None if key == "<<" => {
                "YAML merge keys are not supported; write the fields out. ".into()
            }
            None => String::new(),
        };
        help.push_str(&format!(
            "the fields of `{rec_name}` are: {}",
            fields.join(", ")
        ));
        let what = if key.is_empty() {
            "an empty key".to_owned()
        } else {
            format!("unknown field `{key}`")
        };
        Problem::new(
            codes::UNKNOWN_FIELD,
            format!("{what} in {}", self.place(parent(path))),
        )
        .at(
            &self.sources,
            self.key_at(path),
            format!("not a field of `{rec_name}`"),
        )
        .help(help)
    }

    fn complex_key(&self, path: &[Seg], record: RecordId) -> Problem {
        let rec_name = self.record_name(record);
        Problem::new(
            codes::UNKNOWN_FIELD,
            format!(
                "a mapping or a list as a key in {}",
                self.place(parent(path))
            ),
        )
        .at(&self.sources, self.key_at(path), "a key is a field name")
        .help(format!(
            "the fields of `{rec_name}` are: {}",
            self.field_names(record).join(", ")
        ))
    }

    fn duplicate_key(&self, path: &[Seg]) -> Problem {
        let key = last_key(path);
        let spans = self
            .pos
            .walk(parent(path))
            .map(|(at, _)| self.pos.key_spans(at.node, key))
            .unwrap_or_default();
        let second = spans
            .get(1)
            .copied()
            .unwrap_or_else(|| self.key_range(path));
        let mut p = Problem::new(
            codes::DUPLICATE_KEY,
            format!(
                "field `{key}` is given twice in {}",
                self.place(parent(path))
            ),
        )
        .at(&self.sources, self.span(second), "given again here");
        if let Some(&first) = spans.first() {
            p = p.at(&self.sources, self.span(first), "first given here");
        }
        p.help("a YAML mapping holds each key once; keep one of them")
    }

    fn wrong_type(&self, path: &[Seg], expected: &Type, found: Found) -> Problem {
        if *expected.non_null() == Type::Int && found == Found::Float && self.is_integer(path) {
            return self.int_out_of_range(path);
        }
        let expected_name = self.expected(expected);
        Problem::new(
            codes::WRONG_TYPE,
            format!(
                "`{}` should be {expected_name}, found {found}",
                self.display(path)
            ),
        )
        .at(
            &self.sources,
            self.value_at(path),
            format!("expected {expected_name}, found {found}"),
        )
        .help(self.type_help(expected, found))
    }

    fn type_help(&self, expected: &Type, found: Found) -> String {
        if found == Found::Null {
            return format!(
                "this field is required; give it {}",
                self.expected(expected)
            );
        }
        match expected.non_null() {
            Type::Version => "write a version, like 1.30.4 or \"1.28\"".into(),
            Type::Str => {
                "write a string; quote values YAML would read as something else, like \"2024\""
                    .into()
            }
            Type::Int => "write a whole number, like 3".into(),
            Type::Bool => "write true or false".into(),
            Type::Enum(id) => format!("write one of: {}", self.variants(*id).join(", ")),
            Type::List(_) => "write a sequence: `- item` lines, or `[a, b]`".into(),
            Type::Record(id) => format!(
                "write a mapping with the fields of `{}`: {}",
                self.record_name(*id),
                self.field_names(*id).join(", ")
            ),
            Type::Range | Type::Null | Type::Optional(_) => {
                "check the rulebook's schema for this field".into()
            }
        }
    }

    fn range_field(&self, path: &[Seg]) -> Problem {
        Problem::new(
            codes::WRONG_TYPE,
            format!("`{}` has type range, which an inventory cannot set", self.display(path)),
        )
        .at(&self.sources, self.value_at(path), "a range field")
        .help("ranges belong in rule files (`1.31..=1.34`); the rulebook's schema should not ask the inventory for one")
    }

    fn bad_version(&self, path: &[Seg], text: &str, reason: &str) -> Problem {
        let what = if text.is_empty() {
            "an empty string".to_owned()
        } else {
            format!("`{text}`")
        };
        Problem::new(
            codes::BAD_VERSION,
            format!("{what} is not a version (`{}`)", self.display(path)),
        )
        .at(&self.sources, self.value_at(path), reason)
        .help("write a version, like 1.30.4, \"1.28\" or v1.30.4+rke2r1")
    }

    /// A YAML number in a version field whose text is no version: `1.3e2`, `.inf`.
    fn float_version(&self, path: &[Seg], value: f64, text: Option<&str>) -> Problem {
        let raw = text.map_or_else(|| value.to_string(), str::to_owned);
        Problem::new(
            codes::BAD_VERSION,
            format!(
                "`{raw}` is a number, not a version (`{}`)",
                self.display(path)
            ),
        )
        .at(
            &self.sources,
            self.value_at(path),
            format!("YAML reads this as the number {value}"),
        )
        .help("write a version, like 1.30.4, \"1.28\" or v1.30.4+rke2r1")
    }

    /// Whether the scalar at `path` is written as a decimal integer (one too large for
    /// i64 reaches the pass as a float).
    fn is_integer(&self, path: &[Seg]) -> bool {
        let raw = match self.pos.walk(path) {
            Some((at, true)) => self.pos.scalar(at.node).unwrap_or(""),
            _ => "",
        };
        let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }

    fn int_out_of_range(&self, path: &[Seg]) -> Problem {
        let negative = match self.pos.walk(path) {
            Some((at, true)) => self.pos.scalar(at.node).is_some_and(|s| s.starts_with('-')),
            _ => false,
        };
        let what = if negative {
            format!("too small: at least {}", i64::MIN)
        } else {
            format!("too large: at most {}", i64::MAX)
        };
        Problem::new(
            codes::INT_OUT_OF_RANGE,
            format!("`{}` is {what}", self.display(path)),
        )
        .at(
            &self.sources,
            self.value_at(path),
            "beyond a 64-bit integer",
        )
        .help(format!(
            "an integer here is between {} and {}",
            i64::MIN,
            i64::MAX
        ))
    }

    /// Nesting past the limit that the positions pass did not see (it always should).
    fn too_deep_at(&self, path: &[Seg]) -> Problem {
        Problem::new(codes::TOO_DEEP, "the inventory nests too deep")
            .at(&self.sources, self.value_at(path), "too deep")
            .help("an inventory nests a few levels deep; check the rulebook's schema")
    }

    fn list_too_long(&self, path: &[Seg], max: usize) -> Problem {
        Problem::new(
            codes::LIST_TOO_LONG,
            format!("`{}` has more than {max} entries", self.display(path)),
        )
        .at(
            &self.sources,
            self.value_at(path),
            format!("more than {max} entries"),
        )
        .help(format!(
            "uplan reads at most {max} entries in one list of an inventory; split the inventory"
        ))
    }

    fn alias_expansion(&self, path: &[Seg], max: usize) -> Problem {
        let at = self
            .pos
            .walk_alias(path)
            .map_or_else(|| self.value_at(path), |a| self.span(self.pos.span(a.node)));
        Problem::new(
            codes::ALIAS_EXPANSION,
            format!("aliases expand the inventory past {max} values"),
        )
        .at(&self.sources, at, "this alias crosses the limit")
        .help(format!(
            "each alias (`*name`) repeats its anchor's content; in a file of this size they may \
             add up to {max} values in all ({} plus {} per byte). Write the repeated values out, \
             or anchor smaller pieces",
            limits::MAX_NODES_BASE,
            limits::MAX_NODES_PER_BYTE
        ))
    }

    fn bad_tag(&self, path: &[Seg], tag: &str, expected: Option<&Type>, span: Range) -> Problem {
        let (place, label) = match expected {
            Some(ty) => (
                format!("`{}`", self.display(path)),
                format!("not a tag for {}", self.expected(ty)),
            ),
            None => (
                format!("a key of {}", self.place(path)),
                "a key takes no tag but `!!str`".into(),
            ),
        };
        let written = self.sources.slice(self.span(span));
        let tag = if written == tag {
            format!("`{tag}`")
        } else {
            format!("`{written}` (`{tag}`)")
        };
        Problem::new(
            codes::BAD_TAG,
            format!("YAML tag {tag} is not allowed on {place}"),
        )
        .at(&self.sources, self.span(span), label)
        .help(
            "remove the tag: the schema decides how a value is read. A tag may only repeat the \
             field's type: `!!str` on a string, version or enum, `!!int` on an integer, \
             `!!bool` on a boolean, `!!seq` on a list, `!!map` on a mapping, `!!null` where \
             the field may be null",
        )
    }

    fn unknown_variant(&self, path: &[Seg], found: &str, enum_id: EnumId) -> Problem {
        let variants = self.variants(enum_id);
        let meta = field_at(self.schema, path).map(|f| &f.meta);
        let help = variant_help(found, &variants, meta);
        Problem::new(
            codes::UNKNOWN_VARIANT,
            format!("unknown value `{found}` for `{}`", self.display(path)),
        )
        .at(
            &self.sources,
            self.value_at(path),
            format!("not one of {}", variants.join(" | ")),
        )
        .help(help)
    }

    fn missing_field(&self, path: &[Seg], record: RecordId, field: u16) -> Problem {
        let rec = self.schema.records.get(record as usize);
        let def = rec.and_then(|r| r.fields.get(field as usize));
        let name = def.map_or("?", |f| f.name.as_str());
        let ty = def
            .map(|f| self.schema.type_name(&f.ty))
            .unwrap_or_default();
        Problem::new(
            codes::MISSING_FIELD,
            format!("missing field `{name}` in {}", self.place(path)),
        )
        .at(
            &self.sources,
            self.parent_at(path),
            format!("`{name}` is missing here"),
        )
        .help(format!(
            "add `{name}:` ({ty}); every `{}` needs it",
            self.record_name(record)
        ))
    }

    fn duplicate_name(&self, path: &[Seg], name: &str, record: RecordId, first: &[Seg]) -> Problem {
        let rec = self.record_name(record);
        Problem::new(
            codes::DUPLICATE_NAME,
            format!("two `{rec}` entries are named `{name}`"),
        )
        .at(
            &self.sources,
            self.value_at(path),
            format!("second `{name}`"),
        )
        .at(
            &self.sources,
            self.value_at(first),
            format!("first `{name}` here"),
        )
        .help(format!(
            "a `{rec}` is known by its name in plans and findings; give each a different name"
        ))
    }

    fn not_a_mapping(&self, found: Found) -> Problem {
        let root_fields = self.field_names(self.schema.root).join(", ");
        let help = format!("an inventory is a YAML mapping with the fields: {root_fields}");
        let blank = self.text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
        });
        if found == Found::Null && blank {
            return Problem::new(codes::NOT_A_MAPPING, "the inventory is empty")
                .at(&self.sources, Span::new(0, 0, 0), "nothing here")
                .help(help);
        }
        Problem::new(
            codes::NOT_A_MAPPING,
            format!("the inventory should be a mapping, found {found}"),
        )
        .at(
            &self.sources,
            self.value_at(&[]),
            format!("{found}, not a mapping"),
        )
        .help(help)
    }

    // --- names ------------------------------------------------------------------

    /// "a version", "a `platform` mapping", "one of global | workload".
    fn expected(&self, ty: &Type) -> String {
        match ty.non_null() {
            Type::Bool => "a boolean".into(),
            Type::Int => "an integer".into(),
            Type::Str => "a string".into(),
            Type::Version => "a version".into(),
            Type::Enum(id) => format!("one of {}", self.variants(*id).join(" | ")),
            Type::Record(id) => format!("a `{}` mapping", self.record_name(*id)),
            list @ Type::List(_) => format!("a sequence ({})", self.schema.type_name(list)),
            other => self.schema.type_name(other),
        }
    }

    fn record_name(&self, id: RecordId) -> &str {
        self.schema
            .records
            .get(id as usize)
            .map_or("record", |r| r.name.as_str())
    }

    fn field_names(&self, id: RecordId) -> Vec<String> {
        self.schema
            .records
            .get(id as usize)
            .map(|r| r.fields.iter().map(|f| f.name.clone()).collect())
            .unwrap_or_default()
    }

    fn variants(&self, id: EnumId) -> Vec<String> {
        self.schema
            .enums
            .get(id as usize)
            .map(|e| e.variants.clone())
            .unwrap_or_default()
    }

    /// `clusters.biz-1.kubernetes`: indices shown as entity names where known.
    fn display(&self, path: &[Seg]) -> String {
        self.pos.display(path)
    }

    /// "`clusters.biz-1`", or "the inventory" for the root.
    fn place(&self, path: &[Seg]) -> String {
        if path.is_empty() {
            "the inventory".into()
        } else {
            format!("`{}`", self.display(path))
        }
    }

    // --- spans ------------------------------------------------------------------

    fn span(&self, r: Range) -> Span {
        Span::new(0, r.0, r.1)
    }

    /// The value at `path` (or the deepest node the index reaches).
    fn value_at(&self, path: &[Seg]) -> Span {
        match self.pos.walk(path) {
            Some((at, _)) => self.span(point(&self.pos, self.text, at)),
            None => Span::new(0, 0, 0),
        }
    }

    fn key_range(&self, path: &[Seg]) -> Range {
        match self.pos.walk(path) {
            Some((at, true)) if at.key_span.is_some() => at.key_span.unwrap_or_default(),
            Some((at, _)) => point(&self.pos, self.text, at),
            None => (0, 0),
        }
    }

    /// The key of the entry at `path`.
    fn key_at(&self, path: &[Seg]) -> Span {
        self.span(self.key_range(path))
    }

    /// A mapping, shown by its key, or by its first line when it has none.
    fn parent_at(&self, path: &[Seg]) -> Span {
        match self.pos.walk(path) {
            Some((at, _)) => match at.key_span {
                Some(k) => self.span(k),
                None => self.span(first_line(self.text, self.pos.span(at.node))),
            },
            None => Span::new(0, 0, 0),
        }
    }
}

/// The span that best shows a node: a scalar itself; an empty value by its key; a
/// container spanning lines by its key, or else its first line.
/// "Did you mean" for an enum value, by meaning before spelling: a synonym the rulebook
/// gives (`internal` for `builtin`) wins over the closest spelling, which may be the
/// opposite value (`external`). When the rulebook explains the values, the help
/// explains each, so the reader can choose.
fn variant_help(found: &str, variants: &[String], meta: Option<&FieldMeta>) -> String {
    let synonym = meta.and_then(|m| m.synonym_of(found));
    let mut help = match (synonym, closest(found, variants.iter().map(String::as_str))) {
        (Some(v), _) => {
            format!("did you mean `{v}`? (`{found}` means `{v}` here, but only `{v}` is accepted) ")
        }
        (None, Some(v)) => format!("did you mean `{v}`? "),
        (None, None) => String::new(),
    };
    let explained: Vec<String> = variants
        .iter()
        .filter_map(|v| Some(format!("`{v}`: {}", meta?.value(v)?.doc)))
        .collect();
    if explained.len() == variants.len() {
        help.push_str(&format!("the values: {}", explained.join("; ")));
    } else {
        help.push_str(&format!("expected one of: {}", variants.join(", ")));
    }
    help
}

/// The schema's field at `path` (list indices step into the list's items).
fn field_at<'s>(schema: &'s Schema, path: &[Seg]) -> Option<&'s FieldDef> {
    let mut record = schema.root;
    let mut field = None;
    for seg in path {
        let Seg::Key(k) = seg else { continue };
        if let Some(f) = field {
            record = record_of(f)?;
        }
        field = Some(schema.record(record).field(k)?.1);
    }
    field
}

/// The record a field holds, through lists and optionals.
fn record_of(f: &FieldDef) -> Option<RecordId> {
    let mut ty = f.ty.non_null();
    while let Type::List(inner) = ty {
        ty = inner.non_null();
    }
    match ty {
        Type::Record(r) => Some(*r),
        _ => None,
    }
}

pub(crate) fn point(pos: &Positions, text: &str, at: At) -> Range {
    let span = pos.span(at.node);
    if span.0 == span.1 {
        return at.key_span.unwrap_or(span);
    }
    if pos.is_container(at.node) && text.get(span.0..span.1).is_some_and(|s| s.contains('\n')) {
        return at.key_span.unwrap_or_else(|| first_line(text, span));
    }
    span
}

fn first_line(text: &str, r: Range) -> Range {
    let end = text
        .get(r.0..r.1)
        .and_then(|s| s.find('\n'))
        .map_or(r.1, |n| r.0 + n);
    (r.0, end)
}

fn last_key(path: &[Seg]) -> &str {
    match path.last() {
        Some(Seg::Key(k)) => k,
        _ => "",
    }
}

fn parent(path: &[Seg]) -> &[Seg] {
    path.split_last().map_or(path, |(_, rest)| rest)
}

/// serde_yaml's messages end in " at line N column M"; the span shows that already.
fn strip_location(msg: &str) -> String {
    let mut out = msg.to_owned();
    while let Some(i) = out.find(" at line ") {
        let rest = &out[i + " at line ".len()..];
        let num_end = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let after_line = num_end(rest);
        let Some(col) = rest[after_line..].strip_prefix(" column ") else {
            break;
        };
        let cut = i + " at line ".len() + after_line + " column ".len() + num_end(col);
        out.replace_range(i..cut, "");
    }
    out
}

/// Byte offset of a 1-based line and 1-based (char) column, clamped to the text.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = text.get(line_start..).unwrap_or("");
    let in_line = rest
        .char_indices()
        .take_while(|(_, c)| *c != '\n')
        .nth(column.saturating_sub(1))
        .map_or_else(|| rest.find('\n').unwrap_or(rest.len()), |(i, _)| i);
    line_start + in_line
}

/// A one-char span at `at` (empty at the end of a line or of the text).
fn one_char(text: &str, at: usize) -> Span {
    let end = match text.get(at..).and_then(|s| s.chars().next()) {
        Some('\n') | None => at,
        Some(c) => at + c.len_utf8(),
    };
    Span::new(0, at, end)
}

/// The first " at line N column M" of a serde_yaml message.
fn location_in(msg: &str) -> Option<(usize, usize)> {
    let rest = &msg[msg.find(" at line ")? + " at line ".len()..];
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// Where a second document starts, for the two-documents error: a `---` with content
/// before it, or a `...` with content after it.
fn second_document(text: &str) -> usize {
    let content = |s: &str| {
        s.lines().any(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with(['#', '%']) && l != "---" && l != "..."
        })
    };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let marker = |m: &str| {
            line.strip_prefix(m)
                .is_some_and(|r| r.trim().is_empty() || r.starts_with([' ', '\t']))
        };
        let after = offset + line.len();
        if (marker("---") && content(&text[..offset])) || (marker("...") && content(&text[after..]))
        {
            return offset;
        }
        offset = after;
    }
    0
}
