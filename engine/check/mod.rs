//! Stage 2: AST → checked [`Rulebook`] (names, types, static ordering graph).

use crate::diagnostics::{Problem, Problems};
use crate::model::Rulebook;
use crate::source::Sources;
use crate::syntax::ast;

pub fn check(sources: Sources, modules: Vec<ast::Module>) -> Result<Rulebook, Problems> {
    let _ = (sources, modules);
    Err(Problem::new("uplan::check::unimplemented", "the checker is not written yet").into())
}
