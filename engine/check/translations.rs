//! Translations: `translation zh { "English {x}" = "中文 {x}" }` blocks, and the one
//! place a translatable text (title, note, message, optional consequence) is compiled
//! with its translations.
//!
//! An entry's key is the English template exactly as written, quotes included
//! (gettext's msgid): an English text that changes loses its entries, and lint then
//! reports the text as missing and the entry as unused, instead of a stale translation
//! showing silently.

use rustc_hash::FxHashMap as HashMap;

use super::scope::Scope;
use super::{Cx, Decls, codes};
use crate::model::{Lang, Template, TextSite, TranslationEntry, Translations};
use crate::syntax::ast;

/// The entries of every `translation` block, by language and key.
#[derive(Default)]
pub(crate) struct Catalog {
    index: HashMap<(Lang, String), usize>,
    texts: Vec<ast::StrLit>,
    /// What lint reads, filled as texts are compiled.
    pub out: Translations,
}

/// Collects every `translation` block; an unknown language or a key given twice in
/// one language is an error.
pub fn build(cx: &mut Cx, decls: &Decls) {
    for block in &decls.translations {
        let Some(lang) = language(cx, &block.lang) else {
            continue;
        };
        if !cx.translations.out.langs.contains(&lang) {
            cx.translations.out.langs.push(lang);
        }
        for entry in &block.entries {
            add_entry(cx, lang, entry);
        }
    }
    cx.translations.out.langs.sort();
}

fn language(cx: &mut Cx, id: &ast::Ident) -> Option<Lang> {
    match Lang::from_code(&id.name) {
        Some(Lang::En) | None => {
            let known: Vec<&str> = Lang::ALL[1..].iter().map(|l| l.code()).collect();
            let p = cx.problem(
                codes::UNKNOWN_LANGUAGE,
                format!("`{}` is not a language uplan translates into", id.name),
                id.span,
                "unknown language",
            );
            let help = format!(
                "rule texts are written in English; translations are for {}",
                known.join(", ")
            );
            cx.report(p, Some(help));
            None
        }
        Some(lang) => Some(lang),
    }
}

fn add_entry(cx: &mut Cx, lang: Lang, entry: &ast::TranslationEntry) {
    let key = cx.sources.slice(entry.key.span).to_string();
    if let Some(&first) = cx.translations.index.get(&(lang, key.clone())) {
        let first = cx.translations.out.entries[first].span;
        let what = format!("{} translation", lang.code());
        cx.duplicate(&what, &key, first, entry.key.span);
        return;
    }
    let n = cx.translations.out.entries.len();
    cx.translations.index.insert((lang, key.clone()), n);
    cx.translations.texts.push(entry.text.clone());
    cx.translations.out.entries.push(TranslationEntry {
        lang,
        key,
        span: entry.key.span,
        used: false,
    });
}

impl Cx<'_> {
    /// A text a runbook shows, with its translations compiled in the same scope.
    /// Commands use [`Cx::template`]: they are the same in every language.
    pub fn text(&mut self, sc: &mut Scope, s: &ast::StrLit) -> Template {
        let mut english = self.template(sc, s);
        let key = self.sources.slice(s.span).to_string();
        let mut langs = Vec::new();
        for lang in self.translations.out.langs.clone() {
            let Some(&n) = self.translations.index.get(&(lang, key.clone())) else {
                continue;
            };
            langs.push(lang);
            let first_use = !self.translations.out.entries[n].used;
            self.translations.out.entries[n].used = true;
            let text = self.translations.texts[n].clone();
            if placeholders_agree(self, s, &text, first_use) {
                let t = self.template(sc, &text);
                english.translations.push((lang, t));
            }
        }
        self.translations.out.sites.push(TextSite {
            key,
            span: s.span,
            langs,
        });
        english
    }
}

impl Cx<'_> {
    /// A text without holes people read (a field's `probe`), with its translations
    /// recorded by English text for [`Translations::plain_in`].
    pub fn plain_text(&mut self, s: &ast::StrLit) -> Option<String> {
        let english = self.plain_string(s)?;
        let key = self.sources.slice(s.span).to_string();
        let mut langs = Vec::new();
        for lang in self.translations.out.langs.clone() {
            let Some(&n) = self.translations.index.get(&(lang, key.clone())) else {
                continue;
            };
            langs.push(lang);
            self.translations.out.entries[n].used = true;
            let text = self.translations.texts[n].clone();
            if let Some(t) = self.plain_string(&text) {
                self.translations.out.plain.push((lang, english.clone(), t));
            }
        }
        self.translations.out.sites.push(TextSite {
            key,
            span: s.span,
            langs,
        });
        Some(english)
    }
}

/// Every hole of the translation is a hole of the English text (compared as written,
/// without spaces), so it type-checks as the English one did. Reported once per entry.
fn placeholders_agree(
    cx: &mut Cx,
    english: &ast::StrLit,
    text: &ast::StrLit,
    report: bool,
) -> bool {
    let known: Vec<String> = holes(english).map(|e| hole_text(cx, e)).collect();
    let mut ok = true;
    for hole in holes(text) {
        if known.contains(&hole_text(cx, hole)) {
            continue;
        }
        ok = false;
        if !report {
            continue;
        }
        let p = cx.problem(
            codes::TRANSLATION_PLACEHOLDER,
            "this placeholder is not in the English text",
            hole.span,
            "not a placeholder of the English text",
        );
        let help = if known.is_empty() {
            "the English text has no placeholders; a translation shows the same facts".into()
        } else {
            let listed: Vec<String> = known.iter().map(|k| format!("{{{k}}}")).collect();
            format!(
                "a translation may use the English text's placeholders: {}",
                listed.join(", ")
            )
        };
        cx.report(p, Some(help));
    }
    ok
}

fn holes(s: &ast::StrLit) -> impl Iterator<Item = &ast::Expr> {
    s.parts.iter().filter_map(|p| match p {
        ast::StrPart::Hole(e) => Some(e),
        ast::StrPart::Text(_) => None,
    })
}

/// A hole as written, without spaces and with its string literals emptied: a default
/// text inside a hole (`{c.provider ?? "its cloud provider"}`) is prose, which the
/// translation translates; the rest must be the same expression.
fn hole_text(cx: &Cx, e: &ast::Expr) -> String {
    let mut out = String::new();
    let (mut in_string, mut escaped) = (false, false);
    for c in cx.sources.slice(e.span).chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => {
                in_string = false;
                out.push('"');
            }
            (true, false, _) => {}
            (false, _, '"') => {
                in_string = true;
                out.push('"');
            }
            (false, _, c) if c.is_whitespace() => {}
            (false, _, c) => out.push(c),
        }
    }
    out
}
