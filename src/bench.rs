//! Exports that only `make bench` builds (feature `bench`): the same work as
//! the crate's own exports, done by the crates a user would pick instead.

use futures::stream::{self, StreamExt};
use wasm_bindgen::prelude::*;

use crate::input::{self, MAX_SAFE_INTEGER};

/// `0..n-1` through `wasm_streams::ReadableStream::from_stream`: the
/// per-item design `countStream`'s bridge is measured against.
///
/// # Errors
///
/// `TypeError`/`RangeError` for a bad `n`.
#[wasm_bindgen(js_name = wasmStreamsCountStream, unchecked_return_type = "ReadableStream<number>")]
pub fn wasm_streams_count_stream(
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
) -> Result<web_sys::ReadableStream, JsValue> {
    let n = input::number(&n, "wasmStreamsCountStream: n", 0.0, MAX_SAFE_INTEGER)?;
    let numbers = stream::iter(0..n as u64).map(|i| Ok(JsValue::from(i as f64)));
    Ok(wasm_streams::ReadableStream::from_stream(numbers).into_raw())
}
