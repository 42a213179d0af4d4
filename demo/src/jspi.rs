//! The JSPI module's exports (feature `jspi`): sync Rust that waits, through
//! [`loopbridge::jspi`].

#![allow(deprecated)] // `#[wasm_bindgen(jspi)]` is marked experimental

use loopbridge::jspi::{wait_for, JspiFrame};
use loopbridge::panic::ensure_alive;
use loopbridge_npm::input::{self, MAX_TIMER_MS};
use loopbridge_npm::platform;
use wasm_bindgen::prelude::*;

use crate::invoke::invoke_async;

/// The sync pipeline: plain Rust with no `async` anywhere, calling the
/// async `invokeAsync` once per message and joining the results.
fn pipeline(messages: &[String], delay_ms: f64) -> Result<String, JsValue> {
    let mut results = Vec::with_capacity(messages.len());
    for message in messages {
        let promise = invoke_async(message.into(), delay_ms.into());
        let result = wait_for(promise)??;
        results.push(result.as_string().unwrap_or_default());
    }
    Ok(results.join(" + "))
}

/// Runs a synchronous Rust pipeline that calls `invokeAsync(message,
/// delayMs)` for each message in turn (default delay 500 ms) and joins the
/// results with `" + "`. The pipeline has no `async` in it: each call waits
/// with [`run_async`](loopbridge::jspi::run_async), suspending the wasm stack while the page runs on.
///
/// # Errors
///
/// Rejects with `TypeError`/`RangeError` for bad arguments (at most 10
/// messages), or with whatever an `invokeAsync` call rejected with.
#[wasm_bindgen(jspi, js_name = syncPipeline, unchecked_return_type = "string")]
pub fn sync_pipeline(
    #[wasm_bindgen(unchecked_param_type = "string[]")] messages: JsValue,
    #[wasm_bindgen(js_name = delayMs, unchecked_optional_param_type = "number")] delay_ms: JsValue,
) -> Result<JsValue, JsValue> {
    let _frame = JspiFrame::enter();
    ensure_alive()?;
    let messages = input::string_array(&messages, "syncPipeline: messages", 10)?;
    let delay_ms = input::optional_number(&delay_ms, "syncPipeline: delayMs", 0.0, MAX_TIMER_MS)?
        .unwrap_or(500.0);
    Ok(pipeline(&messages, delay_ms)?.into())
}

/// Waits synchronously, in Rust, for `promise` (any value, as `await` takes
/// it) and returns its value, or throws its rejection reason unchanged: one
/// [`run_async`](loopbridge::jspi::run_async) round trip.
///
/// # Errors
///
/// Rejects with whatever `promise` rejected with.
#[wasm_bindgen(jspi, js_name = waitFor)]
pub fn wait_for_export(
    #[wasm_bindgen(unchecked_param_type = "unknown")] promise: JsValue,
) -> Result<JsValue, JsValue> {
    let _frame = JspiFrame::enter();
    ensure_alive()?;
    wait_for(platform::resolve(&promise)?)?
}

/// The same synchronous wait from a plain (non-JSPI) export: there is no
/// stack to suspend, so unless `promise` is already settled *and* seen
/// (never, for a JS Promise) it throws a `WouldBlockError` at once.
///
/// # Errors
///
/// `WouldBlockError`, always in practice.
#[wasm_bindgen(js_name = waitForWithoutJspi)]
pub fn wait_for_without_jspi(
    #[wasm_bindgen(unchecked_param_type = "unknown")] promise: JsValue,
) -> Result<JsValue, JsValue> {
    ensure_alive()?;
    wait_for(platform::resolve(&promise)?)?
}
