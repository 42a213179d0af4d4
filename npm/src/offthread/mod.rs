//! The counter off the main thread and sync code in a worker:
//! [`ThreadCounter`] runs a [`Ticker`] in a dedicated Web Worker (the
//! browser's "process variant"), with the count in a `SharedArrayBuffer`
//! when the page is cross-origin isolated; [`BlockingWorker`] runs sync code
//! in a worker that may block on the page's async functions
//! ([`block_on_page`]).
//!
//! - `package_worker`: starting a module worker that runs this same package.
//! - `message`: reading the plain objects that cross by `postMessage`.
//! - `protocol`, `host`, `counter_link`, `thread_counter`: the thread
//!   counter's messages, its worker side, the page's end of the worker and
//!   the JS class.
//! - `blocking`: the blocking bridge.
//!
//! [`Ticker`]: loopbridge::Ticker

mod blocking;
mod counter_link;
mod host;
mod message;
mod package_worker;
mod protocol;
mod thread_counter;

pub use blocking::{block_on_page, BlockingError, BlockingWorker};
pub use package_worker::WorkerStarter;
pub use thread_counter::ThreadCounter;
