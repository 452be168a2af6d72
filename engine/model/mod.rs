//! The data every stage shares: versions, values, the schema and the checked rulebook.

mod glob;
pub mod ir;
mod lang;
pub mod ruletest;
pub mod types;
pub mod value;
pub mod version;

pub use glob::glob;
pub use ir::*;
pub use lang::Lang;
pub use types::*;
pub use value::Value;
pub use version::{Version, VersionRange};
