//! `countStream`: numbers as fast as the reader reads, to measure and to
//! break the stream bridge with (`highWaterMark`, `failAfter`).

use futures::stream::{self, StreamExt};
use loopbridge::panic::ensure_alive;
use loopbridge::{into_readable_stream, Error, StreamOptions};
use loopbridge_npm::input::{self, Options, MAX_SAFE_INTEGER};
use wasm_bindgen::prelude::*;
use web_sys::ReadableStream;

use crate::producers::Producer;

#[wasm_bindgen(typescript_custom_section)]
const COUNT_STREAM_TYPES: &str = r#"
/** Options for `countStream`. */
export interface CountStreamOptions {
  /** Chunks produced ahead of the reader, a whole number from 0 to 65536. Default 16. */
  highWaterMark?: number;
  /** Error the stream with an `Error` after this many chunks. */
  failAfter?: number;
}

"#;

/// The numbers `0..n-1` as fast as the consumer reads them, enqueued in
/// batches up to `highWaterMark` (default 16) per pull. With `failAfter = k`
/// the stream errors with an `Error` after `k` chunks.
///
/// # Errors
///
/// `TypeError`/`RangeError` for bad arguments, thrown at once.
#[wasm_bindgen(js_name = countStream, unchecked_return_type = "ReadableStream<number>")]
pub fn count_stream(
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CountStreamOptions")] options: JsValue,
) -> Result<ReadableStream, JsValue> {
    ensure_alive()?;
    let n = input::optional_integer(&n, "countStream: n", 0.0, MAX_SAFE_INTEGER)?
        .ok_or_else(|| Error::Type("countStream: n must be a number, got undefined".into()))?;
    let options = Options::parse(&options, "countStream")?;
    let high_water_mark = options
        .integer(
            "highWaterMark",
            0.0,
            StreamOptions::MAX_HIGH_WATER_MARK as f64,
        )?
        .map_or(16, |mark| mark as usize);
    let fail_after = options.integer("failAfter", 0.0, n)?;
    let producer = Producer::new();
    let last = fail_after.unwrap_or(n) as u64;
    let numbers = stream::iter(0..last).map(move |i| {
        let _alive = &producer;
        Ok::<_, JsValue>(i as f64)
    });
    let failure = stream::iter(fail_after.map(|k| {
        Err(js_sys::Error::new(&format!(
            "countStream failed on purpose after {} chunks (failAfter)",
            input::show_number(k)
        ))
        .into())
    }));
    let options = StreamOptions {
        high_water_mark,
        signal: None,
    };
    into_readable_stream(numbers.chain(failure), options)
}
