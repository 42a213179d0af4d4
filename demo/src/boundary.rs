//! The sync/async boundary, shown on purpose: blocking the thread, doing the
//! same work in slices that yield, asking to wait synchronously for a
//! Promise, and a future that is created but never awaited.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use loopbridge::__private::WOULD_BLOCK_MESSAGE;
use loopbridge::panic::ensure_alive;
use loopbridge::spin_for;
use loopbridge::yield_now;
use loopbridge::Error;
use loopbridge_npm::input::{self, MAX_TIMER_MS};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Keeps the thread busy for `ms` milliseconds without yielding: no timer,
/// click or frame runs meanwhile. This is what any long synchronous loop does
/// to a page; it exists so the demo can show it.
///
/// # Errors
///
/// `TypeError` if `ms` is not a number, `RangeError` if it is negative, NaN,
/// infinite or over 2147483647.
#[wasm_bindgen(js_name = busyWait)]
pub fn busy_wait(
    #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
) -> Result<(), JsValue> {
    ensure_alive()?;
    let ms = input::number(&ms, "busyWait: ms", 0.0, MAX_TIMER_MS)?;
    spin_for(ms);
    Ok(())
}

/// The same busy work as `busyWait(totalMs)`, cut into slices of `sliceMs`
/// with a [`yield_now`] (a macrotask) between them, so timers, input and
/// rendering keep running. Resolves when the work is done; bad arguments
/// reject with `TypeError`/`RangeError`.
#[wasm_bindgen(js_name = yieldingWork, unchecked_return_type = "Promise<void>")]
pub fn yielding_work(
    #[wasm_bindgen(js_name = totalMs, unchecked_param_type = "number")] total_ms: JsValue,
    #[wasm_bindgen(js_name = sliceMs, unchecked_param_type = "number")] slice_ms: JsValue,
) -> Promise {
    if let Err(error) = ensure_alive() {
        return Promise::reject(&error);
    }
    future_to_promise(async move {
        let total_ms = input::number(&total_ms, "yieldingWork: totalMs", 0.0, MAX_TIMER_MS)?;
        let slice_ms = input::number(&slice_ms, "yieldingWork: sliceMs", 1.0, MAX_TIMER_MS)?;
        let mut left_ms = total_ms;
        while left_ms > 0.0 {
            let slice = left_ms.min(slice_ms);
            spin_for(slice);
            left_ms -= slice;
            yield_now().await;
        }
        Ok(JsValue::UNDEFINED)
    })
}

/// Tries to wait synchronously for `promise`, the way sync code would call
/// `run_async(...)`: it always throws an `Error` named `WouldBlockError`,
/// immediately. A Promise cannot settle while the thread is busy waiting for
/// it (settling needs that same thread), so the only honest answer is to
/// refuse at once instead of freezing the page forever.
///
/// # Errors
///
/// `WouldBlockError` for a Promise or other thenable; `TypeError` for
/// anything else.
#[wasm_bindgen(js_name = blockOn, unchecked_return_type = "never")]
pub fn block_on(
    #[wasm_bindgen(unchecked_param_type = "Promise<unknown>")] promise: JsValue,
) -> Result<JsValue, JsValue> {
    ensure_alive()?;
    let is_thenable = (promise.is_object() || promise.is_function())
        && Reflect::get(&promise, &"then".into())?.is_function();
    if !is_thenable {
        return Err(Error::Type(format!(
            "blockOn: expected a Promise, got {}",
            input::describe(&promise)
        ))
        .into());
    }
    Err(Error::WouldBlock(format!("blockOn: {WOULD_BLOCK_MESSAGE}")).into())
}

/// Creates a Rust future whose body would call `sideEffect`, then drops it
/// without awaiting: the body never runs, because Rust futures are lazy.
/// (A JS async function, by contrast, runs up to its first `await` the
/// moment it is called.) Returns whether the body ran: always `false`.
///
/// # Errors
///
/// `TypeError` if `sideEffect` is not a function.
#[wasm_bindgen(js_name = createFutureAndDrop)]
pub fn create_future_and_drop(
    #[wasm_bindgen(js_name = sideEffect, unchecked_param_type = "() => void")] side_effect: JsValue,
) -> Result<bool, JsValue> {
    ensure_alive()?;
    let side_effect: Function = input::optional_function(
        &side_effect,
        "createFutureAndDrop: sideEffect",
    )?
    .ok_or_else(|| {
        Error::Type("createFutureAndDrop: sideEffect must be a function, got undefined".into())
    })?;
    let ran = Rc::new(Cell::new(false));
    let flag = Rc::clone(&ran);
    let future = async move {
        flag.set(true);
        let _ = side_effect.call0(&JsValue::UNDEFINED);
    };
    drop(future); // created, never awaited: nothing inside it happens
    Ok(ran.get())
}
