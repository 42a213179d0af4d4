//! The counter off the main thread: [`ThreadCounter`] runs a [`Ticker`] in a
//! dedicated Web Worker (the browser's "process variant"), with the count in
//! a `SharedArrayBuffer` when the page is cross-origin isolated.
//!
//! [`Ticker`]: crate::Ticker

mod host;
mod protocol;
mod thread_counter;

pub use thread_counter::ThreadCounter;
