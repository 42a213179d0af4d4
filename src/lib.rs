//! loopbridge: where synchronous and asynchronous code meet in the browser's
//! single-threaded event loop, made visible and safe.
//!
//! This crate is the Rust library: Rust API only. It exports nothing to JS
//! and installs no panic hook unless asked ([`panic::install_hook`]). The
//! npm package (`npm/`, the JS classes `CounterWorker`, `ThreadCounter`,
//! `SharedCounter`, `BlockingWorker`) and the demo page's module (`demo/`)
//! are built on it.
//!
//! - [`Ticker`] (JS: `CounterWorker`): a start/stop counter that ticks once
//!   per interval without drifting and whose count stays right when the page
//!   is blocked or throttled. [`Ticker::ticks`] gives its counts as a `Stream`.
//! - [`into_readable_stream`]: any Rust `Stream` as a web `ReadableStream`,
//!   pulled in batches, cancelled (and dropped) by `cancel()` or an
//!   `AbortSignal`; [`JsStream`] goes the other way.
//! - [`spawn`] / [`JoinHandle`], [`sleep`], [`yield_now`], [`gather`]: tasks
//!   on the event loop, with drop meaning cancel.
//! - [`LoopMonitor`]: samples of the real event loop (timer lag, long
//!   tasks, frames, and loopbridge's own events) as a `Stream`.
//! - [`try_block_on`]: the only honest synchronous wait on the main thread —
//!   look once, and say [`WouldBlock`] if the result is not there yet.
//!
//! ```no_run
//! use std::time::Duration;
//! use futures::StreamExt;
//! use loopbridge::Ticker;
//!
//! async fn count_three() {
//!     let ticker = Ticker::new(Duration::from_millis(100));
//!     let mut ticks = ticker.ticks();
//!     ticker.start();
//!     while let Some(count) = ticks.next().await {
//!         if count == 3 {
//!             ticker.stop(); // the stream ends
//!         }
//!     }
//! }
//! ```
//!
//! Modules by capability: [`time`], [`task`], [`counter`], [`stream`], [`monitor`],
//! [`panic`](mod@panic), and `jspi` (feature `jspi`); the common items are re-exported
//! here.

#![deny(missing_docs, missing_debug_implementations)]

pub mod counter;
mod error;
#[cfg(feature = "jspi")]
pub mod jspi;
pub mod monitor;
pub mod panic;
pub mod stream;
pub mod task;
pub mod time;
mod web;

pub use counter::{Tick, Ticker, Ticks};
pub use error::Error;
pub use monitor::{LoopMonitor, LoopSample, MonitorOptions, SampleKind};
pub use stream::{into_readable_stream, JsStream, StreamOptions};
pub use task::{
    gather, spawn, try_block_on, yield_now, JoinError, JoinHandle, Mode, OnError, TaskRecord,
    WouldBlock, YieldNow,
};
pub use time::{now_ms, sleep, spin_for, Sleep, MAX_TIMER_MS};

/// Not API: what loopbridge's own npm and demo crates share with it (brand
/// checks of JS values, error-message helpers, the counters' fan-out). No
/// semver promise; do not use.
#[doc(hidden)]
pub mod __private {
    pub use crate::counter::ticks::Subscribers;
    pub use crate::monitor::record;
    pub use crate::task::block_on::WOULD_BLOCK_MESSAGE;
    pub use crate::web::clock::time_origin_ms;
    pub use crate::web::describe::{describe, quote, show_number};
    pub use crate::web::platform;
}
