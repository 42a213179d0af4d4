//! Exports that only `make bench` builds (feature `bench`): the same work as
//! the crate's own exports, done by the crates a user would pick instead.

use futures::stream::{self, StreamExt};
use loopbridge::spawn;
use loopbridge_npm::input::{self, MAX_SAFE_INTEGER};
use wasm_bindgen::prelude::*;

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

/// Spawns `n` trivial tasks (each returns its index) with [`spawn`] and joins
/// them all; resolves to the sum of their outputs. The task-machinery cost
/// that `Promise.all` over `n` async JS functions is measured against.
///
/// # Errors
///
/// `TypeError`/`RangeError` for a bad `n`.
#[wasm_bindgen(js_name = spawnJoin, unchecked_return_type = "Promise<number>")]
pub fn spawn_join(
    #[wasm_bindgen(unchecked_param_type = "number")] n: JsValue,
) -> Result<js_sys::Promise, JsValue> {
    let n = input::number(&n, "spawnJoin: n", 0.0, 1e7)? as u32;
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        let handles: Vec<_> = (0..n).map(|i| spawn(async move { f64::from(i) })).collect();
        let mut sum = 0.0;
        for handle in handles {
            sum += handle
                .await
                .map_err(|error| JsValue::from(error.to_string()))?;
        }
        Ok(sum.into())
    }))
}
