//! loopbridge: where synchronous and asynchronous code meet in the browser's
//! single-threaded event loop, made visible and safe.
//!
//! - [`Ticker`] (JS: `CounterWorker`): a start/stop counter that ticks once
//!   per interval without drifting and whose count stays right when the page
//!   is blocked or throttled. [`Ticker::ticks`] gives its counts as a `Stream`.
//! - [`ThreadCounter`]: the same counter in a dedicated Web Worker, its count
//!   shared through a `SharedArrayBuffer`; [`SharedCounter`]: one counter for
//!   every tab of the origin (Web Locks leader, `BroadcastChannel` ticks).
//! - [`block_on_page`] / [`BlockingWorker`]: plain sync code in a Web Worker
//!   that waits for the page's async functions (`run_async` where blocking
//!   is allowed), with `Atomics.wait` on a `SharedArrayBuffer`.
//! - [`into_readable_stream`]: any Rust `Stream` as a web `ReadableStream`,
//!   pulled in batches, cancelled (and dropped) by `cancel()` or an
//!   `AbortSignal`; [`JsStream`] goes the other way.
//! - [`spawn`] / [`JoinHandle`], [`sleep`], [`yield_now`], [`gather`]: tasks
//!   on the event loop, with drop meaning cancel.
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
//! Every JS export checks its arguments and throws a `TypeError` or
//! `RangeError` ([`Error`]) instead of reaching a Rust panic.

#![deny(missing_docs, missing_debug_implementations)]

#[cfg(feature = "bench")]
mod bench;
#[cfg(feature = "demos")]
mod boundary;
mod chunks;
mod clock;
mod counter;
mod error;
mod gather;
mod input;
#[cfg(feature = "jspi")]
pub mod jspi;
mod listeners;
#[cfg(feature = "offthread")]
mod offthread;
mod output;
mod panic;
mod platform;
#[cfg(feature = "probe")]
mod probe;
#[cfg(feature = "demos")]
mod samples;
mod stream;
mod task;
mod ticker;
mod ticks;
mod timers;

pub use chunks::{chunk_message, graphemes};
pub use clock::{now_ms, spin_for};
pub use counter::{CounterOptions, CounterWorker};
pub use error::Error;
pub use gather::{gather, Mode, OnError, TaskRecord};
#[cfg(feature = "offthread")]
pub use offthread::{block_on_page, BlockingError, BlockingWorker, SharedCounter, ThreadCounter};
pub use panic::PANIC_EVENT;
pub use stream::{into_readable_stream, JsStream, StreamOptions};
pub use task::{spawn, try_block_on, yield_now, JoinError, JoinHandle, WouldBlock, YieldNow};
pub use ticker::{Tick, Ticker};
pub use ticks::Ticks;
pub use timers::{sleep, Sleep};

/// Feature `talc`: the allocator of the npm package and the page (see Cargo.toml).
#[cfg(all(
    feature = "talc",
    target_family = "wasm",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The JS exports as Rust functions: they take `JsValue` (checked inside) and
/// return what JS gets. Useful to call the samples from Rust tests or code.
#[cfg(feature = "demos")]
pub mod js {
    pub use crate::boundary::{block_on, busy_wait, create_future_and_drop, yielding_work};
    pub use crate::panic::simulate_panic;
    pub use crate::samples::{
        count_stream, gather, invoke_async, invoke_async_stream, invoke_sync_steps,
        live_stream_producers,
    };
}
