//! The Python original's two async samples as JS exports: an async call
//! (`invokeAsync`), an async generator streamed chunk by chunk
//! (`invokeAsyncStream`), and the sync counterpart (`invokeSyncSteps`).

use std::time::Duration;

use futures::stream::{self, StreamExt};
use js_sys::Promise;
use loopbridge::panic::ensure_alive;
use loopbridge::{into_readable_stream, sleep, StreamOptions};
use loopbridge_npm::input::{self, Options, MAX_TIMER_MS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::ReadableStream;

use crate::chunks::chunk_message;
use crate::producers::Producer;

#[wasm_bindgen(typescript_custom_section)]
const INVOKE_TYPES: &str = r#"
/** Options for `invokeAsyncStream`. */
export interface InvokeAsyncStreamOptions {
  /** Milliseconds before each chunk (the first one included), 0 to 2147483647. Default 300. */
  delayMs?: number;
  /** Aborting it stops the producer and errors the stream with the signal's reason. */
  signal?: AbortSignal;
}

"#;

/// After `delayMs` (default 1000) resolves `"Done: " + message`: the
/// browser's version of an `async def` the Python original runs with `run_async`.
/// Bad arguments reject with `TypeError`/`RangeError`.
#[wasm_bindgen(js_name = invokeAsync, unchecked_return_type = "Promise<string>")]
pub fn invoke_async(
    #[wasm_bindgen(unchecked_param_type = "string")] message: JsValue,
    #[wasm_bindgen(js_name = delayMs, unchecked_optional_param_type = "number")] delay_ms: JsValue,
) -> Promise {
    if let Err(error) = ensure_alive() {
        return Promise::reject(&error);
    }
    future_to_promise(async move {
        let message = input::string(&message, "invokeAsync: message")?;
        let delay_ms =
            input::optional_number(&delay_ms, "invokeAsync: delayMs", 0.0, MAX_TIMER_MS)?
                .unwrap_or(1000.0);
        sleep(Duration::from_secs_f64(delay_ms / 1000.0)).await;
        Ok(format!("Done: {message}").into())
    })
}

/// `message` as a stream of chunks, one per `delayMs` (default 300; the
/// first chunk, too, comes after one delay): the
/// async generator the Python original streams to the browser. Chunks end after
/// whitespace; text without whitespace (e.g. Japanese) comes one character
/// per chunk; joined, the chunks are exactly `message`.
///
/// # Errors
///
/// `TypeError`/`RangeError` for bad arguments, thrown at once.
#[wasm_bindgen(js_name = invokeAsyncStream, unchecked_return_type = "ReadableStream<string>")]
pub fn invoke_async_stream(
    #[wasm_bindgen(unchecked_param_type = "string")] message: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "InvokeAsyncStreamOptions")] options: JsValue,
) -> Result<ReadableStream, JsValue> {
    ensure_alive()?;
    let message = input::string(&message, "invokeAsyncStream: message")?;
    let options = Options::parse(&options, "invokeAsyncStream")?;
    let delay_ms = options
        .number("delayMs", 0.0, MAX_TIMER_MS)?
        .unwrap_or(300.0);
    let signal = options.signal("signal")?;
    let delay = Duration::from_secs_f64(delay_ms / 1000.0);
    let producer = Producer::new();
    let chunks = stream::iter(chunk_message(&message)).then(move |chunk| {
        let _alive = &producer;
        async move {
            sleep(delay).await;
            Ok::<_, JsValue>(chunk)
        }
    });
    let options = StreamOptions {
        high_water_mark: 1,
        signal,
    };
    into_readable_stream(chunks, options)
}

/// The sync counterpart of `invokeAsyncStream`: every chunk at once, no waiting.
///
/// # Errors
///
/// `TypeError` if `message` is not a string.
#[wasm_bindgen(js_name = invokeSyncSteps)]
pub fn invoke_sync_steps(
    #[wasm_bindgen(unchecked_param_type = "string")] message: JsValue,
) -> Result<Vec<String>, JsValue> {
    ensure_alive()?;
    let message = input::string(&message, "invokeSyncSteps: message")?;
    Ok(chunk_message(&message))
}
