//! Sync Rust that waits for async work without blocking the page, through
//! WebAssembly JS Promise Integration (JSPI). Feature `jspi`.
//!
//! A `#[wasm_bindgen(jspi)]` export runs on a stack the engine can suspend.
//! When plain `fn` code inside it calls [`run_async`], the wasm stack is
//! parked until the work is done; meanwhile the event loop runs on (timers,
//! clicks, other exports), and then the call simply returns the result. To
//! JS the export looks async: it returns a Promise.
//!
//! Build a module with JSPI exports on its own: JSPI needs an engine that
//! has it (`'Suspending' in WebAssembly`) and the exception-handling
//! proposal, which a module for every browser does without (the page builds
//! its JSPI demo as a second module).

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

use crate::task::block_on::WOULD_BLOCK_MESSAGE;
use crate::task::{try_block_on, WouldBlock};
use crate::Error;

thread_local! {
    /// How many of our JSPI exports are running (not suspended) on the stack.
    static JSPI_FRAMES: Cell<u32> = const { Cell::new(0) };
}

/// Held by a `#[wasm_bindgen(jspi)]` export for as long as it runs: marks
/// the stack as one that [`run_async`] may suspend. Enter it first thing:
///
/// ```ignore
/// #[wasm_bindgen(jspi)]
/// pub fn total() -> u32 {
///     let _frame = loopbridge::jspi::JspiFrame::enter();
///     loopbridge::jspi::run_async(fetch_count()).unwrap_or(0)
/// }
/// ```
#[derive(Debug)]
#[must_use = "the stack is suspendable only while the frame is held"]
pub struct JspiFrame(());

impl JspiFrame {
    /// Marks the current export's stack as suspendable until dropped.
    pub fn enter() -> JspiFrame {
        JSPI_FRAMES.with(|frames| frames.set(frames.get() + 1));
        JspiFrame(())
    }
}

impl Drop for JspiFrame {
    fn drop(&mut self) {
        JSPI_FRAMES.with(|frames| frames.set(frames.get() - 1));
    }
}

/// Runs `future` to completion from plain synchronous code and returns its
/// output: the Python original's `run_async(lambda: coro)`, without blocking the page.
///
/// A future that is ready at once returns at once. Otherwise, inside one of
/// a JSPI export that holds a [`JspiFrame`], the wasm stack suspends until the future is
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

/// [`run_async`] for a JS Promise: its value, or its rejection as the inner `Err`.
///
/// # Errors
///
/// [`Error::WouldBlock`] where the stack cannot be suspended.
pub fn wait_for(promise: Promise) -> Result<Result<JsValue, JsValue>, Error> {
    run_async(JsFuture::from(promise)).map_err(|_| {
        Error::WouldBlock(format!(
            "{WOULD_BLOCK_MESSAGE} (run_async found no JSPI export on the stack to suspend)"
        ))
    })
}
