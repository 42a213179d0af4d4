//! The counter off the main thread: [`ThreadCounter`] runs a [`Ticker`] in a
//! dedicated Web Worker (the browser's "process variant"), with the count in
//! a `SharedArrayBuffer` when the page is cross-origin isolated; and
//! [`SharedCounter`], one counter for every tab of the origin (leader chosen
//! with Web Locks, ticks over `BroadcastChannel`, state in `localStorage`);
//! and [`BlockingWorker`], a worker whose sync code may block on the page's
//! async functions ([`block_on_page`]).
//!
//! [`Ticker`]: crate::Ticker

mod blocking;
mod host;
mod leader;
mod package_worker;
mod protocol;
mod shared_counter;
mod thread_counter;

pub use blocking::{block_on_page, BlockingError, BlockingWorker};
pub use shared_counter::SharedCounter;
pub use thread_counter::ThreadCounter;
