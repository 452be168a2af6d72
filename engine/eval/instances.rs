//! Step instances and the edges between them, for every hop of a path.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{StepId, Value};

/// A step argument: an entity (by position in its root list) or a plain value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Arg {
    Entity { field: u16, index: u32 },
    Value(Value),
}

/// Which declaration put a step or an edge in the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Procedure(u16),
    Rule(u16),
    Order(u16),
    /// Consecutive rungs of a `stepwise` ladder.
    Ladder(StepId),
}

#[derive(Clone, Debug)]
pub struct Inst {
    /// Position of the hop in the path (0 = first hop).
    pub hop: u32,
    pub step: StepId,
    pub args: Vec<Arg>,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug)]
pub struct Edge {
    pub from: u32,
    pub to: u32,
    pub origin: Origin,
}

/// All instances of a plan, deduplicated by (hop, step, args), with lookup indices.
#[derive(Debug, Default)]
pub struct Graph {
    pub insts: Vec<Inst>,
    pub edges: Vec<Edge>,
    index: HashMap<(u32, StepId, Vec<Arg>), u32>,
    by_step: HashMap<(u32, StepId), Vec<u32>>,
    by_subject: HashMap<(u32, StepId, u16, u32), Vec<u32>>,
}

impl Graph {
    /// The instance for (hop, step, args), created with `origin` if new.
    pub fn intern(&mut self, hop: u32, step: StepId, args: Vec<Arg>, origin: Origin) -> u32 {
        let key = (hop, step, args);
        if let Some(&id) = self.index.get(&key) {
            return id;
        }
        let id = self.insts.len() as u32;
        let (hop, step, args) = key;
        self.by_step.entry((hop, step)).or_default().push(id);
        if let Some(Arg::Entity { field, index }) =
            args.iter().find(|a| matches!(a, Arg::Entity { .. }))
        {
            self.by_subject
                .entry((hop, step, *field, *index))
                .or_default()
                .push(id);
        }
        self.index.insert((hop, step, args.clone()), id);
        self.insts.push(Inst {
            hop,
            step,
            args,
            origin,
        });
        id
    }

    pub fn edge(&mut self, from: u32, to: u32, origin: Origin) {
        if from != to {
            self.edges.push(Edge { from, to, origin });
        }
    }

    /// Instances of `step` in hop `hop`, in creation order.
    pub fn of_step(&self, hop: u32, step: StepId) -> &[u32] {
        self.by_step.get(&(hop, step)).map_or(&[], Vec::as_slice)
    }

    /// Instances of `step` in hop `hop` whose first entity argument is the given entity.
    pub fn of_subject(&self, hop: u32, step: StepId, field: u16, index: u32) -> &[u32] {
        self.by_subject
            .get(&(hop, step, field, index))
            .map_or(&[], Vec::as_slice)
    }
}
