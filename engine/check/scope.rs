//! A declaration's variable frame and the lexical scope over it.
//!
//! Every binding gets a fresh slot (the frame only grows), so `num_vars` is the number
//! of slots ever bound; names go in and out of scope with [`Scope::mark`] /
//! [`Scope::reset`]. The scope also holds the paths narrowed to non-null.

use rustc_hash::FxHashMap as HashMap;

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
    /// For each visible name, its bindings' positions in `visible`, innermost last:
    /// a lookup costs the same with a thousand bindings as with one.
    by_name: HashMap<String, Vec<usize>>,
    /// Canonical paths (`$0.istio`, `platform.target`) known to be non-null here, in
    /// the order they were narrowed, and how often each is in that list.
    narrowed: Vec<String>,
    narrowed_count: HashMap<String, usize>,
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

    /// A fresh slot for `name`. Past `u16::MAX` slots the number wraps; the checker
    /// reports such a declaration ([`super::Cx::check_vars`]) long before.
    pub fn bind(&mut self, name: &str, ty: Type, origin: Origin) -> Var {
        let slot = self.slots.len() as Var;
        self.slots.push(ty);
        self.by_name
            .entry(name.to_string())
            .or_default()
            .push(self.visible.len());
        self.visible.push(Binding {
            name: name.to_string(),
            slot,
            origin,
        });
        slot
    }

    /// The innermost binding of `name`.
    pub fn lookup(&self, name: &str) -> Option<&Binding> {
        let at = *self.by_name.get(name)?.last()?;
        self.visible.get(at)
    }

    /// How many slots the declaration has bound.
    pub fn bound(&self) -> usize {
        self.slots.len()
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
        for b in self.visible.drain(mark.visible.min(self.visible.len())..) {
            if let Some(stack) = self.by_name.get_mut(&b.name) {
                stack.pop();
                if stack.is_empty() {
                    self.by_name.remove(&b.name);
                }
            }
        }
        for path in self
            .narrowed
            .drain(mark.narrowed.min(self.narrowed.len())..)
        {
            if let Some(n) = self.narrowed_count.get_mut(&path) {
                *n -= 1;
                if *n == 0 {
                    self.narrowed_count.remove(&path);
                }
            }
        }
    }

    pub fn narrow(&mut self, paths: Vec<String>) {
        for path in paths {
            *self.narrowed_count.entry(path.clone()).or_default() += 1;
            self.narrowed.push(path);
        }
    }

    pub fn is_narrowed(&self, path: &str) -> bool {
        self.narrowed_count.contains_key(path)
    }
}
