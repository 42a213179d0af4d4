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

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/offthread/quiet.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = swallowError)]
    static SWALLOW_ERROR: js_sys::Function;
}

/// Ends `worker` for good: no more messages reach its handlers, and an
/// error it had already queued is not reported as uncaught.
pub(crate) fn terminate_quietly(worker: &web_sys::Worker) {
    worker.set_onmessage(None);
    SWALLOW_ERROR.with(|swallow| worker.set_onerror(Some(swallow)));
    worker.terminate();
}
