//! A blocking bridge inside a Web Worker: the Python original's `run_async(lambda: coro)`
//! (a `ThreadPoolExecutor` and `future.result()`), where it is allowed.
//!
//! On the page's main thread sync code may never wait for a Promise
//! ([`try_block_on`](loopbridge::try_block_on) says [`WouldBlock`](loopbridge::WouldBlock)).
//! In a dedicated worker it may: [`block_on_page`] posts a request to the
//! page, where a [`BlockingWorker`] hands it to an async JS function, and
//! sleeps in `Atomics.wait` until the answer is in a `SharedArrayBuffer`.
//!
//! - `channel`: the shared buffer, its layout, and the ids that keep a late
//!   answer from passing for the next call's.
//! - `messages`: what crosses by `postMessage`.
//! - `page`: `BlockingWorker`, the JS class that starts the worker and
//!   answers its calls; `run_results`: a run's results, which cancel the
//!   run when dropped.
//! - `worker`: [`block_on_page`], and the worker's host with its sync loop.
//!
//! Answers cross as JSON text, because a structured clone cannot travel
//! through shared memory: what `JSON.stringify` keeps arrives, and an answer
//! larger than the buffer (`maxAnswerBytes`) fails with a `RangeError`.
//! Cross-origin isolation (COOP/COEP) is required: without it there is no
//! `SharedArrayBuffer`, and every entry point says so.

mod channel;
mod messages;
mod page;
mod run_results;
mod worker;

use std::fmt;
use std::time::Duration;

use wasm_bindgen::JsValue;

pub use page::BlockingWorker;
pub use worker::block_on_page;

/// Why [`block_on_page`] (or the `BlockingWorker` that serves it) has no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockingError {
    /// The page's handler threw or rejected (or its answer could not be sent
    /// as JSON): the error's `name` and `message`, as they were on the page.
    Failed {
        /// `error.name` on the page (`"Error"`, `"TypeError"`, a custom name).
        name: String,
        /// `error.message` on the page.
        message: String,
    },
    /// The page did not answer in time (JS: an `Error` named `TimeoutError`).
    /// Its answer, if it comes later, is ignored.
    TimedOut {
        /// The call that timed out (1, 2, ... per worker).
        call: i32,
        /// How long the worker waited.
        timeout: Duration,
    },
    /// The answer's JSON is larger than the shared buffer (JS: `RangeError`).
    TooLarge {
        /// Bytes of UTF-8 JSON the answer needs.
        bytes: usize,
        /// Bytes the buffer holds (`maxAnswerBytes`).
        limit: usize,
    },
    /// The page cancelled the wait (the run's stream was cancelled; JS: an
    /// `Error` named `AbortError`).
    Cancelled,
    /// Not cross-origin isolated: no `SharedArrayBuffer` to wait on.
    NotIsolated,
    /// Not a dedicated worker (the page's main thread, say), where
    /// `Atomics.wait` would freeze the page or is not allowed.
    NotInWorker,
    /// A dedicated worker, but not one a `BlockingWorker` started: there is
    /// no page to ask.
    NotConnected,
}

/// What [`BlockingError::NotIsolated`] says, on both sides.
pub(crate) const NOT_ISOLATED: &str = "needs cross-origin isolation (COOP/COEP): serve the \
     page with the headers Cross-Origin-Opener-Policy: same-origin and \
     Cross-Origin-Embedder-Policy: require-corp, so that SharedArrayBuffer and Atomics.wait \
     exist. This page is not cross-origin isolated.";

impl fmt::Display for BlockingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockingError::Failed { message, .. } => f.write_str(message),
            BlockingError::TimedOut { timeout, .. } => write!(
                f,
                "block_on_page: the page did not answer within {} ms; \
                 its answer, if it comes later, is ignored",
                loopbridge::__private::show_number((timeout.as_secs_f64() * 1000.0).round())
            ),
            BlockingError::TooLarge { bytes, limit } => write!(
                f,
                "block_on_page: the page's answer is {bytes} bytes of JSON, more than the \
                 {limit} bytes the shared buffer holds (raise the BlockingWorker's maxAnswerBytes)"
            ),
            BlockingError::Cancelled => {
                f.write_str("block_on_page: the page cancelled the wait (the run was cancelled)")
            }
            BlockingError::NotIsolated => write!(f, "block_on_page {NOT_ISOLATED}"),
            BlockingError::NotInWorker => f.write_str(
                "block_on_page works only in a dedicated Web Worker: here (the page's main \
                 thread) Atomics.wait is not allowed, because blocking would freeze the page; \
                 on the page, await the Promise instead",
            ),
            BlockingError::NotConnected => f.write_str(
                "block_on_page works only in a worker started by a BlockingWorker: this worker \
                 has no page to ask",
            ),
        }
    }
}

impl std::error::Error for BlockingError {}

impl From<BlockingError> for JsValue {
    /// `Failed` keeps the page's `name` (a `TypeError` or `RangeError` is one
    /// again); `TooLarge` is a `RangeError`; `TimedOut` is named
    /// `TimeoutError`, `Cancelled` `AbortError`; the rest are plain `Error`s.
    fn from(error: BlockingError) -> JsValue {
        let message = error.to_string();
        let name = match &error {
            BlockingError::Failed { name, .. } => name.as_str(),
            BlockingError::TooLarge { .. } => "RangeError",
            BlockingError::TimedOut { .. } => "TimeoutError",
            BlockingError::Cancelled => "AbortError",
            _ => "Error",
        };
        match name {
            "TypeError" => js_sys::TypeError::new(&message).into(),
            "RangeError" => js_sys::RangeError::new(&message).into(),
            _ => {
                let js = js_sys::Error::new(&message);
                js.set_name(name);
                js.into()
            }
        }
    }
}

/// Why blocking on the page cannot work in this context (window or worker),
/// or `None` when it can: cross-origin isolated, with `SharedArrayBuffer`.
/// Why a cross-origin isolated page still cannot block: its engine has no
/// `SharedArrayBuffer` (WebKitGTK).
pub(crate) const NO_SHARED_MEMORY: &str = "BlockingWorker needs SharedArrayBuffer and \
     Atomics.wait, which this browser does not have even though the page is cross-origin \
     isolated; the counters and gather work here";

/// Whether the page is cross-origin isolated but has no `SharedArrayBuffer`.
pub(crate) fn isolated_without_shared_memory() -> bool {
    let global = js_sys::global();
    let get = |key: &str| js_sys::Reflect::get(&global, &key.into()).unwrap_or_default();
    get("crossOriginIsolated").is_truthy() && !get("SharedArrayBuffer").is_function()
}

pub(crate) fn isolation_problem() -> Option<BlockingError> {
    let global = js_sys::global();
    let get = |key: &str| js_sys::Reflect::get(&global, &key.into()).unwrap_or_default();
    let isolated = get("crossOriginIsolated").is_truthy() && get("SharedArrayBuffer").is_function();
    (!isolated).then_some(BlockingError::NotIsolated)
}

/// The `name` and `message` of a thrown value (of any type), read so that
/// nothing can throw past Rust: a getter that throws counts as absent.
pub(crate) fn name_and_message(error: &JsValue) -> (String, String) {
    let get = |key: &str| {
        if error.is_object() {
            js_sys::Reflect::get(error, &key.into()).ok()?.as_string()
        } else {
            None
        }
    };
    let name = get("name").unwrap_or_else(|| "Error".to_owned());
    let message = get("message")
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("failed with {}", crate::input::describe(error)));
    (name, message)
}
