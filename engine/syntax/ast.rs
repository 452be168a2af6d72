//! The AST of one rule file. Every node carries a [`Span`].

use crate::source::Span;

#[derive(Clone, Debug, Default)]
pub struct Module {
    pub file: u32,
    pub span: Span,
}
