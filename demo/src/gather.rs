//! `gather` as a JS export: one sleeping task per duration, run with
//! [`loopbridge::gather`], reported with every task's timing.

use std::time::Duration;

use js_sys::{Float64Array, Promise};
use loopbridge::panic::ensure_alive;
use loopbridge::{gather as gather_tasks, now_ms, sleep, Mode, OnError};
use loopbridge_npm::input::{self, Options, MAX_TIMER_MS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

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
const GATHER_TYPES: &str = r#"
/** Options for `gather`. */
export interface GatherSleepsOptions {
  /** Default `"concurrent"`. */
  mode?: "concurrent" | "sequential";
  /** This task fails (after its duration) with an `Error`. */
  failIndex?: number;
  /** `"collect"` (default): every outcome, like `return_exceptions=True`.
   *  `"failFast"`: reject on the first failure and cancel the other tasks. */
  onError?: "collect" | "failFast";
}

/** One task of a `gather` run. Times are ms since the run started. */
export interface GatherSleepsTask {
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
export interface GatherSleepsReport {
  mode: "concurrent" | "sequential";
  onError: "collect" | "failFast";
  totalMs: number;
  tasks: GatherSleepsTask[];
}
"#;

const MAX_TASKS: usize = 100_000;

/// Runs one task per entry of `durationsMs` (each sleeps that long, then
/// returns a string; task `failIndex` fails instead), sequentially or
/// concurrently, and resolves a report with every task's timing. See
/// [`gather`](loopbridge::gather()) for how `"failFast"` differs from Python.
/// Bad arguments reject with `TypeError`/`RangeError`.
#[wasm_bindgen(js_name = gatherSleeps, unchecked_return_type = "Promise<GatherSleepsReport>")]
pub fn gather(
    #[wasm_bindgen(js_name = durationsMs, unchecked_param_type = "number[]")] durations_ms: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "GatherSleepsOptions")] options: JsValue,
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
