//! Sync Rust that waits for async work without blocking the page, through
//! WebAssembly JS Promise Integration (JSPI). Feature `jspi`.
//!
//! A `#[wasm_bindgen(jspi)]` export runs on a stack the engine can suspend.
//! When plain `fn` code inside it calls [`run_async`], the wasm stack is
//! parked until the work is done; meanwhile the event loop runs on (timers,
//! clicks, other exports), and then the call simply returns the result. To
//! JS the export looks async: it returns a Promise.
//!
//! `make build` builds this feature as its own module (`www/jspi/pkg/`): JSPI
//! needs an engine that has it (`'Suspending' in WebAssembly`) and the
//! exception-handling proposal, which the main module does without so that
//! it runs in every browser.

#![allow(deprecated)] // `jspi_block_on_promise` is marked experimental

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};
use futures::FutureExt;
use js_sys::futures::jspi_block_on_promise;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::input::{self, MAX_TIMER_MS};
use crate::panic::ensure_alive;
use crate::samples::invoke_async;
use crate::task::{try_block_on, WouldBlock, WOULD_BLOCK_MESSAGE};
use crate::Error;

thread_local! {
    /// How many of our JSPI exports are running (not suspended) on the stack.
    static JSPI_FRAMES: Cell<u32> = const { Cell::new(0) };
}

/// Held by a JSPI export while it runs: marks the stack as one that
/// [`run_async`] may suspend.
struct JspiFrame;

impl JspiFrame {
    fn enter() -> JspiFrame {
        JSPI_FRAMES.with(|frames| frames.set(frames.get() + 1));
        JspiFrame
    }
}

impl Drop for JspiFrame {
    fn drop(&mut self) {
        JSPI_FRAMES.with(|frames| frames.set(frames.get() - 1));
    }
}

/// Runs `future` to completion from plain synchronous code and returns its
/// output: the seed's `run_async(lambda: coro)`, without blocking the page.
///
/// A future that is ready at once returns at once. Otherwise, inside one of
/// this module's JSPI exports, the wasm stack suspends until the future is
/// done while the event loop keeps running. Where the stack cannot be
/// suspended, it gives the future back in [`WouldBlock`] (to `.await`
/// instead), like [`try_block_on`]: outside a JSPI export, and also inside
/// one when JS code stands between it and this call (a JSPI export called a
/// JS function that called a plain export), because JSPI suspends only wasm
/// frames.
///
/// # Errors
///
/// [`WouldBlock`] where the stack cannot be suspended, when the future is
/// not ready.
pub fn run_async<F>(future: F) -> Result<F::Output, WouldBlock<F>>
where
    F: Future + 'static,
{
    let pending = match try_block_on(future) {
        Ok(output) => return Ok(output),
        Err(pending) => pending,
    };
    let frames = JSPI_FRAMES.with(Cell::get);
    if frames == 0 {
        return Err(pending);
    }
    // The future stays reachable from here until the driving task takes it
    // (on its first poll, a microtask later), so that if the stack cannot be
    // suspended it is handed back untouched.
    let parked = Rc::new(RefCell::new(Some(pending)));
    let output = Rc::new(RefCell::new(None));
    let (slot, taken) = (Rc::clone(&output), Rc::clone(&parked));
    let (abort, registration) = AbortHandle::new_pair();
    let driver = Abortable::new(
        async move {
            let Some(pending) = taken.borrow_mut().take() else {
                return;
            };
            *slot.borrow_mut() = Some(pending.into_future().await);
        },
        registration,
    );
    let done = future_to_promise(driver.map(|_| Ok(JsValue::UNDEFINED)));
    // While this stack is parked, code that runs is not inside our export.
    JSPI_FRAMES.with(|count| count.set(0));
    let suspended = jspi_block_on_promise(&done); // `done` itself never rejects
    JSPI_FRAMES.with(|count| count.set(frames));
    if suspended.is_err() {
        // A SuspendError: JS frames between here and the JSPI export.
        abort.abort();
        let pending = parked.borrow_mut().take();
        if let Some(pending) = pending {
            return Err(pending);
        }
    }
    let output = output.borrow_mut().take();
    Ok(output.expect("the task resolves `done` only after it stored the output"))
}

/// Waits synchronously for a JS Promise: its value, or its rejection as `Err`.
fn wait_for(promise: Promise) -> Result<Result<JsValue, JsValue>, Error> {
    run_async(JsFuture::from(promise)).map_err(|_| {
        Error::WouldBlock(format!(
            "{WOULD_BLOCK_MESSAGE} (run_async found no JSPI export on the stack to suspend)"
        ))
    })
}

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
/// with [`run_async`], suspending the wasm stack while the page runs on.
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
/// [`run_async`] round trip.
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
    wait_for(crate::platform::resolve(&promise)?)?
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
    wait_for(crate::platform::resolve(&promise)?)?
}
