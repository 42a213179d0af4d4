//! The start/stop counter: [`Ticker`] counts whole intervals measured with
//! `performance.now()`, delivers each count on time or coalesced, and hands
//! its counts out as [`Ticks`] streams.

mod ticker;
pub(crate) mod ticks;

pub use ticker::{Tick, Ticker};
pub use ticks::Ticks;
