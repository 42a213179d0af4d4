//! The web platform as loopbridge uses it: one clock, and questions about JS
//! values that run no user code.

pub mod clock;
pub mod describe;
pub mod platform;
