//! A Rust program that uses loopbridge as a library: a counting stream built
//! on `Ticker` and `into_readable_stream`, and a panic. Its module exports
//! these two and nothing of loopbridge's, and loopbridge installs no panic
//! hook in it (checked by `tests/e2e/surfaces.test.mjs`).

use std::time::Duration;

use futures::StreamExt;
use loopbridge::{into_readable_stream, StreamOptions, Ticker};
use wasm_bindgen::prelude::*;
use web_sys::ReadableStream;

/// The counts of a ticker that ticks every `interval_ms` and stops at `last`,
/// as a `ReadableStream` of numbers.
///
/// # Errors
///
/// A `RangeError` if `interval_ms` is not from 1 to 2147483647.
#[wasm_bindgen(js_name = countTo)]
pub fn count_to(last: u32, interval_ms: u32) -> Result<ReadableStream, JsValue> {
    let ticker = Ticker::try_new(Duration::from_millis(u64::from(interval_ms)))?;
    let ticks = ticker.ticks();
    ticker.start();
    let counts = ticks.take(last as usize).map(move |count| {
        let _running = &ticker; // the stream owns the ticker: cancelling it stops it
        Ok::<_, JsValue>(count as f64)
    });
    into_readable_stream(counts, StreamOptions::default())
}

/// Panics: with no hook installed by the program, a panic is only the
/// `RuntimeError` the call throws (loopbridge installs none of its own).
#[wasm_bindgen(js_name = panicNow)]
pub fn panic_now() {
    panic!("the program panicked on purpose");
}
