//! The seed's sample functions as JS exports: an async call, an async
//! generator streamed chunk by chunk, its sync counterpart, a fast counting
//! stream and `gather`. Each checks its arguments, then calls the Rust core.

use std::cell::Cell;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use js_sys::{Float64Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::ReadableStream;

use crate::chunks::chunk_message;
use crate::clock::now_ms;
use crate::gather::{gather as gather_tasks, Mode, OnError};
use crate::input::{self, Options, MAX_SAFE_INTEGER, MAX_TIMER_MS};
use crate::panic::ensure_alive;
use crate::stream::{into_readable_stream, StreamOptions};
use crate::timers::sleep;
use crate::Error;

#[wasm_bindgen(module = "/src/gather_report.js")]
extern "C" {
    /// The report object from six numbers per task (see the file).
    #[wasm_bindgen(js_name = gatherReport)]
    fn gather_report(
        mode: &str,
        on_error: &str,
        total_ms: f64,
        numbers: &Float64Array,
    ) -> js_sys::Object;
    /// The `GatherError` of a failFast run whose task `index` failed first.
    #[wasm_bindgen(js_name = gatherError)]
    fn gather_error(report: &js_sys::Object, index: f64) -> js_sys::Error;
}

#[wasm_bindgen(typescript_custom_section)]
const SAMPLE_TYPES: &str = r#"
/** Options for `invokeAsyncStream`. */
export interface InvokeAsyncStreamOptions {
  /** Milliseconds before each chunk (the first one included), 0 to 2147483647. Default 300. */
  delayMs?: number;
  /** Aborting it stops the producer and errors the stream with the signal's reason. */
  signal?: AbortSignal;
}

/** Options for `countStream`. */
export interface CountStreamOptions {
  /** Chunks produced ahead of the reader, a whole number from 0 to 65536. Default 16. */
  highWaterMark?: number;
  /** Error the stream with an `Error` after this many chunks. */
  failAfter?: number;
}

/** Options for `gather`. */
export interface GatherOptions {
  /** Default `"concurrent"`. */
  mode?: "concurrent" | "sequential";
  /** This task fails (after its duration) with an `Error`. */
  failIndex?: number;
  /** `"collect"` (default): every outcome, like `return_exceptions=True`.
   *  `"failFast"`: reject on the first failure and cancel the other tasks. */
  onError?: "collect" | "failFast";
}

/** One task of a `gather` run. Times are ms since the run started. */
export interface GatherTask {
  index: number;
  durationMs: number;
  /** `null` if the task never started. */
  startMs: number | null;
  /** `null` if the task never started. */
  endMs: number | null;
  ok: boolean;
  /** True if failFast cancelled it (or, in sequential mode, it never started).
   *  A cancelled task has `ok: false` and, if it had started, `endMs` = the moment it was cancelled. */
  cancelled: boolean;
  value?: string;
  error?: string;
}

/** What `gather` resolves to. With `failFast`, the rejection is an `Error` named
 *  `GatherError` carrying the failing task's message, its `index` and this `report`. */
export interface GatherReport {
  mode: "concurrent" | "sequential";
  onError: "collect" | "failFast";
  totalMs: number;
  tasks: GatherTask[];
}
"#;

const MAX_TASKS: usize = 100_000;

thread_local! {
    static LIVE_PRODUCERS: Cell<u32> = const { Cell::new(0) };
}

/// Counts a stream producer as alive from creation until it is dropped.
struct Producer;

impl Producer {
    fn new() -> Producer {
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

/// After `delayMs` (default 1000) resolves `"Done: " + message`: the
/// browser's version of an `async def` the seed runs with `run_async`.
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
/// async generator the seed streams to the browser. Chunks end after
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

/// Runs one task per entry of `durationsMs` (each sleeps that long, then
/// returns a string; task `failIndex` fails instead), sequentially or
/// concurrently, and resolves a report with every task's timing. See
/// [`gather`](crate::gather()) for how `"failFast"` differs from Python.
/// Bad arguments reject with `TypeError`/`RangeError`.
#[wasm_bindgen(unchecked_return_type = "Promise<GatherReport>")]
pub fn gather(
    #[wasm_bindgen(js_name = durationsMs, unchecked_param_type = "number[]")] durations_ms: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GatherOptions")] options: JsValue,
) -> Promise {
    if let Err(error) = ensure_alive() {
        return Promise::reject(&error);
    }
    future_to_promise(async move {
        let durations = input::number_array(
            &durations_ms,
            "gather: durationsMs",
            (0.0, MAX_TIMER_MS),
            MAX_TASKS,
        )?;
        let options = Options::parse(&options, "gather")?;
        let mode = options
            .choice("mode", &["concurrent", "sequential"])?
            .unwrap_or("concurrent");
        let on_error = options
            .choice("onError", &["collect", "failFast"])?
            .unwrap_or("collect");
        let last_index = (durations.len() as f64 - 1.0).max(0.0);
        let fail_index = options
            .integer("failIndex", 0.0, last_index)?
            .map(|i| i as usize);

        // Each task's value (or error) is its text, which the report writes
        // in JS: "task <index> done after <ms> ms" (or "failed on purpose").
        let tasks = durations.iter().enumerate().map(|(index, &ms)| async move {
            if ms > 0.0 {
                sleep(Duration::from_secs_f64(ms / 1000.0)).await;
            }
            if fail_index == Some(index) {
                Err(())
            } else {
                Ok(())
            }
        });
        let mode_used = if mode == "sequential" {
            Mode::Sequential
        } else {
            Mode::Concurrent
        };
        let policy = if on_error == "failFast" {
            OnError::FailFast
        } else {
            OnError::Collect
        };
        let started = now_ms();
        let records = gather_tasks(tasks, mode_used, policy).await;
        let total_ms = now_ms() - started;

        let since_start = |ms: Option<f64>| ms.map_or(f64::NAN, |ms| ms - started);
        let mut numbers = Vec::with_capacity(records.len() * 6);
        for record in &records {
            numbers.extend([
                record.index as f64,
                durations[record.index],
                since_start(record.start_ms),
                since_start(record.end_ms),
                f64::from(u8::from(matches!(record.outcome, Some(Ok(()))))),
                f64::from(u8::from(record.outcome.is_none())),
            ]);
        }
        let report = gather_report(
            mode,
            on_error,
            total_ms,
            &Float64Array::from(numbers.as_slice()),
        );
        let first_failure = records
            .iter()
            .find(|record| matches!(record.outcome, Some(Err(()))));
        match first_failure {
            Some(record) if policy == OnError::FailFast => {
                Err(gather_error(&report, record.index as f64).into())
            }
            _ => Ok(report.into()),
        }
    })
}
