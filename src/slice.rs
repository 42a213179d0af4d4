//! The event loop's fair share. A fast producer read by a fast reader never
//! waits: every `read()` is served synchronously and resolved in a microtask,
//! so draining a million items is one task of seconds, during which no frame
//! is painted and no click is handled (a pure-JS stream behaves the same).
//! The stream bridge asks [`over_budget`] before serving a pull at once; past
//! [`SLICE_MS`] of one uninterrupted stretch it first yields a macrotask.

use std::cell::Cell;

use wasm_bindgen_futures::spawn_local;

use crate::clock::now_ms;
use crate::task::yield_now;

/// The longest stretch the bridge keeps the thread before it yields: well
/// under the 50 ms that counts as a long task.
pub(crate) const SLICE_MS: f64 = 10.0;

thread_local! {
    /// When the current stretch began; `None` once the event loop has had a turn.
    static STRETCH_START: Cell<Option<f64>> = const { Cell::new(None) };
}

/// Whether the current stretch of synchronous work has run past
/// [`SLICE_MS`]. The first call of a stretch starts it, and queues a
/// macrotask that ends it: when that runs, the event loop had its turn.
pub(crate) fn over_budget() -> bool {
    let now = now_ms();
    match STRETCH_START.with(Cell::get) {
        Some(start) => now - start > SLICE_MS,
        None => {
            STRETCH_START.with(|stretch| stretch.set(Some(now)));
            spawn_local(async {
                yield_now().await;
                STRETCH_START.with(|stretch| stretch.set(None));
            });
            false
        }
    }
}
