//! How many Rust producers behind the demo streams are alive: the way to see
//! a `cancel()` reach Rust.

use std::cell::Cell;

use wasm_bindgen::prelude::*;

thread_local! {
    static LIVE_PRODUCERS: Cell<u32> = const { Cell::new(0) };
}

/// Counts a stream producer as alive from creation until it is dropped.
pub(crate) struct Producer;

impl Producer {
    pub(crate) fn new() -> Producer {
        LIVE_PRODUCERS.with(|n| n.set(n.get() + 1));
        Producer
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        LIVE_PRODUCERS.with(|n| n.set(n.get() - 1));
    }
}

/// How many Rust producers behind `invokeAsyncStream` and `countStream`
/// streams are alive. It drops back when a stream ends, errors, is
/// cancelled or aborted: the way to see that a cancel reached Rust.
#[wasm_bindgen(js_name = liveStreamProducers)]
pub fn live_stream_producers() -> u32 {
    LIVE_PRODUCERS.with(Cell::get)
}
