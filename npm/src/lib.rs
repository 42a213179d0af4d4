//! loopbridge's npm package: the JS classes over the [`loopbridge`] library,
//! each argument checked at the edge (a `TypeError` or `RangeError`, never a
//! Rust panic).
//!
//! - [`CounterWorker`]: the counter on the page's event loop (a [`loopbridge::Ticker`]).
//! - [`ThreadCounter`]: the same counter in a dedicated Web Worker, its count
//!   shared through a `SharedArrayBuffer`.
//! - [`SharedCounter`]: one counter for every tab of the origin (Web Locks
//!   leader, `BroadcastChannel` ticks, state in `localStorage`).
//! - [`BlockingWorker`] / [`block_on_page`]: plain sync code in a Web Worker
//!   that waits for the page's async functions.
//! - [`LoopMonitor`]: samples of the real event loop as a `ReadableStream`
//!   ([`loopbridge::LoopMonitor`]).
//! - `gather`: async JS functions run one after another or all at once
//!   ([`loopbridge::gather()`]), failFast aborting the rest.
//!
//! The package's API is its JS entry, `js/loopbridge.js` (with
//! `npm/js/loopbridge.d.ts`): the wasm-bindgen glue is internal, its structs are
//! private and its `__loopbridge...` functions exist only for the entry and
//! the workers. The Rust API here (the classes, [`input`], [`output`],
//! [`platform`]) is for the demo crate, which builds on this one.

#![deny(missing_docs, missing_debug_implementations)]

mod counter_worker;
mod gather;
pub mod input;
mod listeners;
mod loop_monitor;
mod offthread;
pub mod output;
pub mod platform;
mod start;
mod tabs;

pub use counter_worker::CounterWorker;
pub use loop_monitor::LoopMonitor;
pub use offthread::{block_on_page, BlockingError, BlockingWorker, ThreadCounter, WorkerStarter};
pub use tabs::SharedCounter;
