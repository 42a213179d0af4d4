//! `gather(tasks, options)`: async JS functions run one after another or all
//! at once by the library's [`gather`](loopbridge::gather()), like Python's
//! `asyncio.gather`, with each task's timing. Each task is called with an
//! `AbortSignal` of its own: `failFast` aborts the tasks still running when
//! one fails (asyncio leaves them running), and `options.signal` aborts the
//! whole run with its reason.

mod abort;

use futures::future::{select, Either};
use js_sys::{Array, Function, Promise, Reflect};
use loopbridge::panic::ensure_alive;
use loopbridge::{gather as gather_tasks, now_ms, Mode, OnError, TaskRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortController;

use crate::input::{self, describe, Options};
use crate::output::plain_object;
use abort::{AbortOnDrop, AbortWait, CancelReason};

#[wasm_bindgen(module = "/src/gather/run_task.js")]
extern "C" {
    #[wasm_bindgen(js_name = runTask)]
    fn run_task(task: &Function, signal: &web_sys::AbortSignal) -> Promise;
}

const MAX_TASKS: usize = 100_000;

/// `gather(tasks, options)` for the package entry (see `npm/js/api.js`
/// and `GatherOptions` in `npm/js/loopbridge.d.ts`). Resolves to one result
/// per task, in input order; rejects with a `GatherError` (failFast), the
/// signal's reason, or a `TypeError`/`RangeError` for bad arguments.
#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeGather, skip_typescript)]
pub fn gather(tasks: JsValue, options: JsValue) -> Promise {
    if let Err(error) = ensure_alive() {
        return Promise::reject(&error);
    }
    let parsed = parse(&tasks, &options);
    future_to_promise(async move {
        let (tasks, mode, on_error, signal) = parsed?;
        if let Some(signal) = &signal {
            if signal.aborted() {
                return Err(signal.reason());
            }
        }
        let reason = CancelReason::default();
        let started = now_ms();
        let run = gather_tasks(
            tasks.into_iter().map(|task| run(task, reason.clone())),
            mode,
            on_error,
        );
        let records = match signal
            .as_ref()
            .and_then(|signal| Some((signal, AbortWait::new(signal)?)))
        {
            None => run.await,
            Some((signal, aborted)) => match select(Box::pin(run), aborted).await {
                Either::Left((records, _)) => records,
                Either::Right(((), run)) => {
                    // Dropping the run drops every task: those still running
                    // are aborted with the signal's reason.
                    *reason.borrow_mut() = Some(signal.reason());
                    drop(run);
                    return Err(signal.reason());
                }
            },
        };
        let results: Array = records
            .iter()
            .map(|record| result(record, started))
            .collect();
        match (on_error, first_failure(&records)) {
            (OnError::FailFast, Some(failed)) => Err(gather_error(failed, &results)),
            _ => Ok(results.into()),
        }
    })
}

type Parsed = (Vec<Function>, Mode, OnError, Option<web_sys::AbortSignal>);

fn parse(tasks: &JsValue, options: &JsValue) -> Result<Parsed, JsValue> {
    let tasks = input::function_array(tasks, "gather: tasks", MAX_TASKS)?;
    let options = Options::parse(options, "gather")?;
    let mode = match options.choice("mode", &["concurrent", "sequential"])? {
        Some("sequential") => Mode::Sequential,
        _ => Mode::Concurrent,
    };
    let on_error = match options.choice("onError", &["collect", "failFast"])? {
        Some("failFast") => OnError::FailFast,
        _ => OnError::Collect,
    };
    Ok((tasks, mode, on_error, options.signal("signal")?))
}

/// One task: called with a signal of its own when the run starts it, and
/// aborted if it is dropped unfinished.
async fn run(task: Function, reason: CancelReason) -> Result<JsValue, JsValue> {
    let controller = AbortController::new()?;
    let signal = controller.signal();
    let guard = AbortOnDrop::new(controller, reason);
    let outcome = JsFuture::from(run_task(&task, &signal)).await;
    guard.disarm();
    outcome
}

/// `{ index, status, value | reason, startMs, endMs }`: `Promise.allSettled`'s
/// shape, plus `"cancelled"` and the task's times in ms since the run began
/// (`null` for a task that never started).
fn result(record: &TaskRecord<JsValue, JsValue>, started: f64) -> JsValue {
    let time = |ms: Option<f64>| ms.map_or(JsValue::NULL, |ms| (ms - started).into());
    let (status, outcome) = match &record.outcome {
        Some(Ok(value)) => ("fulfilled", Some(("value", value.clone()))),
        Some(Err(reason)) => ("rejected", Some(("reason", reason.clone()))),
        None => ("cancelled", None),
    };
    let mut fields = vec![
        ("index", JsValue::from(record.index as f64)),
        ("status", status.into()),
    ];
    fields.extend(outcome);
    fields.extend([
        ("startMs", time(record.start_ms)),
        ("endMs", time(record.end_ms)),
    ]);
    plain_object(&fields).into()
}

/// The failure that ended a failFast run: the earliest to end (the same
/// timer may end several), the lowest index among equals.
fn first_failure(
    records: &[TaskRecord<JsValue, JsValue>],
) -> Option<&TaskRecord<JsValue, JsValue>> {
    records
        .iter()
        .filter(|record| matches!(record.outcome, Some(Err(_))))
        .min_by(|a, b| {
            a.end_ms
                .unwrap_or(f64::INFINITY)
                .total_cmp(&b.end_ms.unwrap_or(f64::INFINITY))
        })
}

/// failFast's rejection: an `Error` named `GatherError` whose `cause` is the
/// task's own error, with its `index` and every task's `results`.
fn gather_error(failed: &TaskRecord<JsValue, JsValue>, results: &Array) -> JsValue {
    let Some(Err(cause)) = &failed.outcome else {
        return JsValue::UNDEFINED; // first_failure only picks failures
    };
    let error = js_sys::Error::new(&format!(
        "gather: task {} failed: {}",
        failed.index,
        reason_text(cause)
    ));
    error.set_name("GatherError");
    for (key, value) in [
        ("cause", cause.clone()),
        ("index", JsValue::from(failed.index as f64)),
        ("results", results.into()),
    ] {
        // Fresh Error object: defining these cannot fail.
        let _ = Reflect::set(&error, &key.into(), &value);
    }
    error.into()
}

/// A task's error as text: its `message` if it has a string one (read so
/// that a throwing getter counts as absent), else a description.
fn reason_text(reason: &JsValue) -> String {
    reason
        .is_object()
        .then(|| Reflect::get(reason, &"message".into()).ok()?.as_string())
        .flatten()
        .unwrap_or_else(|| describe(reason))
}
