//! Stage 4: path search, rule firing on the simulated state, step graph, order,
//! waves, and replay validation.
