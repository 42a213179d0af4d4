//! The two sides of cancellation in `gather`: each task's own
//! `AbortController`, aborted when its future is dropped unfinished, and a
//! wait for the caller's `AbortSignal`.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

/// Why the run was cancelled, shared by its tasks: the caller's
/// `signal.reason`, or `None` for failFast (an `AbortError` `DOMException`).
pub(super) type CancelReason = Rc<RefCell<Option<JsValue>>>;

/// Aborts a task's controller when the task's future is dropped before it
/// finished (failFast, or the caller's signal), with the run's reason.
pub(super) struct AbortOnDrop {
    controller: Option<AbortController>,
    reason: CancelReason,
}

impl AbortOnDrop {
    pub(super) fn new(controller: AbortController, reason: CancelReason) -> AbortOnDrop {
        AbortOnDrop {
            controller: Some(controller),
            reason,
        }
    }

    /// The task finished: nothing to abort.
    pub(super) fn disarm(mut self) {
        self.controller = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(controller) = self.controller.take() {
            match self.reason.borrow().as_ref() {
                Some(reason) => controller.abort_with_reason(reason),
                None => controller.abort(),
            }
        }
    }
}

/// Resolves when `signal` aborts. Its listener is the Promise's own resolve
/// function (no closure to keep alive), removed when this is dropped.
pub(super) struct AbortWait {
    signal: AbortSignal,
    listener: Function,
    aborted: JsFuture,
}

impl AbortWait {
    /// `None` only if `Promise` was replaced by one that never runs its
    /// executor (then nothing could wait for anything).
    pub(super) fn new(signal: &AbortSignal) -> Option<AbortWait> {
        let mut listener = None;
        let promise = Promise::new(&mut |resolve, _reject| listener = Some(resolve));
        let listener = listener?;
        // Adding a listener to a real AbortSignal (checked by the caller) cannot throw.
        let _ = signal.add_event_listener_with_callback("abort", &listener);
        Some(AbortWait {
            signal: signal.clone(),
            listener,
            aborted: JsFuture::from(promise),
        })
    }
}

impl Future for AbortWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.aborted).poll(cx).map(|_| ())
    }
}

impl Drop for AbortWait {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", &self.listener);
    }
}
