//! A declaration's variable frame and the lexical scope over it.
//!
//! Every binding gets a fresh slot (the frame only grows), so `num_vars` is the number
//! of slots ever bound; names go in and out of scope with [`Scope::mark`] /
//! [`Scope::reset`]. The scope also holds the paths narrowed to non-null.

use crate::model::{Type, Var};

/// How a name came into scope; patterns treat their own bindings specially.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Param,
    Each,
    /// Bound by a pattern of this declaration: reusing it in another pattern means
    /// "the same value".
    Pattern,
    /// A quantifier's or an effect's iteration variable.
    Local,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub slot: Var,
    pub origin: Origin,
}

#[derive(Clone, Debug, Default)]
pub struct Scope {
    slots: Vec<Type>,
    visible: Vec<Binding>,
    /// Canonical paths (`$0.istio`, `platform.target`) known to be non-null here.
    narrowed: Vec<String>,
    /// In a default or a release fact: names can only be enum variants.
    pub constant: bool,
}

/// A point to return to when a nested scope ends.
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    visible: usize,
    narrowed: usize,
}

impl Scope {
    pub fn constant() -> Scope {
        Scope {
            constant: true,
            ..Scope::default()
        }
    }

    pub fn bind(&mut self, name: &str, ty: Type, origin: Origin) -> Var {
        let slot = self.slots.len() as Var;
        self.slots.push(ty);
        self.visible.push(Binding {
            name: name.to_string(),
            slot,
            origin,
        });
        slot
    }

    /// The innermost binding of `name`.
    pub fn lookup(&self, name: &str) -> Option<&Binding> {
        self.visible.iter().rev().find(|b| b.name == name)
    }

    pub fn ty(&self, slot: Var) -> &Type {
        &self.slots[slot as usize]
    }

    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.visible.iter().map(|b| b.name.as_str())
    }

    pub fn num_vars(&self) -> u16 {
        self.slots.len() as u16
    }

    pub fn mark(&self) -> Mark {
        Mark {
            visible: self.visible.len(),
            narrowed: self.narrowed.len(),
        }
    }

    pub fn reset(&mut self, mark: Mark) {
        self.visible.truncate(mark.visible);
        self.narrowed.truncate(mark.narrowed);
    }

    pub fn narrow(&mut self, paths: Vec<String>) {
        self.narrowed.extend(paths);
    }

    pub fn is_narrowed(&self, path: &str) -> bool {
        self.narrowed.iter().any(|p| p == path)
    }
}
