//! The parts of the counters' state-machine test (`counter_model.rs`).

pub(crate) mod check;
pub(crate) mod log;
pub(crate) mod tabs;
