//! loopbridge: where synchronous and asynchronous code meet in the browser's
//! single-threaded event loop, made visible and safe.
//!
//! - [`Ticker`] (JS: `CounterWorker`): a start/stop counter that ticks once
//!   per interval without drifting and whose count stays right when the page
//!   is blocked or throttled. [`Ticker::ticks`] gives its counts as a `Stream`.
//! - [`into_readable_stream`]: any Rust `Stream` as a web `ReadableStream`,
//!   pulled in batches, cancelled by dropping.
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

mod blocking;
mod clock;
mod counter;
mod error;
mod input;
mod stream;
mod ticker;
mod ticks;

pub use blocking::{busy_wait, spin_for};
pub use clock::now_ms;
pub use counter::{CounterWorker, CounterWorkerOptions};
pub use error::Error;
pub use stream::into_readable_stream;
pub use ticker::{Tick, Ticker};
pub use ticks::Ticks;
