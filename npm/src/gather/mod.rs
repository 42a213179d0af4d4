//! `gather(tasks, options)`: async JS functions run one after another or all
//! at once by the library's [`gather`](loopbridge::gather()), like Python's
//! `asyncio.gather`, with each task's timing. Each task is called with an
//! `AbortSignal` of its own: `failFast` aborts the tasks still running when
//! one fails (asyncio leaves them running), and `options.signal` aborts the
//! whole run with its reason; no task starts once it has aborted.

mod abort;

use std::rc::Rc;

use futures::future::{pending, select, Either};
use js_sys::{Array, Function, Promise, Reflect};
use loopbridge::panic::ensure_alive;
use loopbridge::{gather as gather_tasks, now_ms, Mode, OnError, TaskRecord};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal};

use crate::input::{self, describe, Options};
use crate::output::plain_object;
use abort::{AbortOnDrop, Cancel};

#[wasm_bindgen(module = "/src/gather/tasks.js")]
extern "C" {
    #[wasm_bindgen(js_name = runTask)]
    fn run_task(task: &Function, signal: &AbortSignal) -> Promise;
}

const MAX_TASKS: usize = 100_000;

type Record = TaskRecord<JsValue, JsValue>;

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
        let cancel = Cancel::new(signal);
        let started = now_ms();
        let records = run(tasks, mode, on_error, &cancel).await?;
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

type Parsed = (Vec<Function>, Mode, OnError, Option<AbortSignal>);

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

/// Runs the tasks; the caller's signal, if it aborts before the run is
/// over (even in the turn the last task settled), wins: the running tasks
/// are aborted with its reason and the run rejects with it.
async fn run(
    tasks: Vec<Function>,
    mode: Mode,
    on_error: OnError,
    cancel: &Rc<Cancel>,
) -> Result<Vec<Record>, JsValue> {
    if let Some(reason) = cancel.caller_aborted() {
        return Err(reason);
    }
    let run = gather_tasks(
        tasks.into_iter().map(|task| call(task, Rc::clone(cancel))),
        mode,
        on_error,
    );
    let records = match cancel.caller_wait()? {
        None => run.await,
        Some(aborted) => match select(Box::pin(run), aborted).await {
            Either::Left((records, _)) => records,
            Either::Right(((), run)) => {
                let reason = cancel.caller_aborted().unwrap_or(JsValue::UNDEFINED);
                cancel.set_reason(reason.clone());
                drop(run); // drops every task: those still running are aborted
                return Err(reason);
            }
        },
    };
    match cancel.caller_aborted() {
        Some(reason) => Err(reason),
        None => Ok(records),
    }
}

/// One task: called with a signal of its own when the run starts it (never
/// once the caller's signal has aborted), and aborted if it is dropped
/// unfinished.
async fn call(task: Function, cancel: Rc<Cancel>) -> Result<JsValue, JsValue> {
    if cancel.caller_aborted().is_some() {
        // The run is over: the caller's abort is about to end it.
        return pending().await;
    }
    let controller = AbortController::new()?;
    let signal = controller.signal();
    let guard = AbortOnDrop::new(controller, cancel);
    let outcome = JsFuture::from(run_task(&task, &signal)).await;
    guard.disarm();
    outcome
}

/// `{ index, status, value | reason, startMs, endMs }`: `Promise.allSettled`'s
/// shape, plus `"cancelled"` and the task's times in ms since the run began
/// (`null` for a task that never started).
fn result(record: &Record, started: f64) -> JsValue {
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

/// The failure that ended a failFast run: the first failed task to finish.
fn first_failure(records: &[Record]) -> Option<&Record> {
    records
        .iter()
        .filter(|record| matches!(record.outcome, Some(Err(_))))
        .min_by_key(|record| record.finished)
}

/// failFast's rejection: an `Error` named `GatherError` whose `cause` is the
/// task's own error, with its `index` and every task's `results` (defined
/// like a native error's `cause`: not enumerable, no setter runs).
fn gather_error(failed: &Record, results: &Array) -> JsValue {
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
        let descriptor = plain_object(&[
            ("value", value),
            ("writable", true.into()),
            ("configurable", true.into()),
        ]);
        // A fresh Error object: defining these cannot fail.
        let _ = Reflect::define_property(&error, &key.into(), &descriptor);
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
