//! Cancellation in `gather`: the caller's `AbortSignal`, read and watched
//! through the JS half (`tasks.js`: the platform's own getters and
//! listeners), and each task's own `AbortController`, aborted when the
//! task's future is dropped unfinished.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, AbortSignal};

#[wasm_bindgen(module = "/src/gather/tasks.js")]
extern "C" {
    #[wasm_bindgen(js_name = isAborted, catch)]
    fn is_aborted(signal: &AbortSignal) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_name = abortReason, catch)]
    fn abort_reason(signal: &AbortSignal) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = watchAbort, catch)]
    fn watch_abort(
        signal: &AbortSignal,
        on_abort: &Closure<dyn FnMut()>,
    ) -> Result<Function, JsValue>;
}

/// The run's cancellation, shared by its tasks: the caller's signal (if
/// any) and, once the run is cancelled, the reason its running tasks are
/// aborted with (`None`: failFast, an `AbortError` `DOMException`).
#[derive(Default)]
pub(super) struct Cancel {
    caller: Option<AbortSignal>,
    reason: RefCell<Option<JsValue>>,
}

impl Cancel {
    pub(super) fn new(caller: Option<AbortSignal>) -> Rc<Cancel> {
        Rc::new(Cancel {
            caller,
            reason: RefCell::default(),
        })
    }

    /// The caller's signal's reason if it has aborted (what reading it threw,
    /// if the platform's getters were replaced before this module loaded).
    pub(super) fn caller_aborted(&self) -> Option<JsValue> {
        let signal = self.caller.as_ref()?;
        match is_aborted(signal) {
            Ok(false) => None,
            Ok(true) => Some(abort_reason(signal).unwrap_or_else(|error| error)),
            Err(error) => Some(error),
        }
    }

    /// Aborts the tasks still running with `reason` when they are dropped.
    pub(super) fn set_reason(&self, reason: JsValue) {
        *self.reason.borrow_mut() = Some(reason);
    }

    /// A future that resolves when the caller's signal aborts, if there is one.
    pub(super) fn caller_wait(&self) -> Result<Option<AbortWait>, JsValue> {
        self.caller.as_ref().map(AbortWait::new).transpose()
    }
}

/// Aborts a task's controller when the task's future is dropped before it
/// finished (failFast, or the caller's signal), with the run's reason.
pub(super) struct AbortOnDrop {
    controller: Option<AbortController>,
    cancel: Rc<Cancel>,
}

impl AbortOnDrop {
    pub(super) fn new(controller: AbortController, cancel: Rc<Cancel>) -> AbortOnDrop {
        AbortOnDrop {
            controller: Some(controller),
            cancel,
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
            match self.cancel.reason.borrow().as_ref() {
                Some(reason) => controller.abort_with_reason(reason),
                None => controller.abort(),
            }
        }
    }
}

/// Resolves when a signal aborts. Dropping it stops watching: nothing of
/// it outlives the run (no Promise left waiting).
pub(super) struct AbortWait {
    state: Rc<WaitState>,
    unwatch: Function,
    _on_abort: Closure<dyn FnMut()>,
}

#[derive(Default)]
struct WaitState {
    aborted: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl AbortWait {
    fn new(signal: &AbortSignal) -> Result<AbortWait, JsValue> {
        let state = Rc::new(WaitState::default());
        let on_abort = {
            let state = Rc::clone(&state);
            Closure::<dyn FnMut()>::new(move || {
                state.aborted.set(true);
                if let Some(waker) = state.waker.borrow_mut().take() {
                    waker.wake();
                }
            })
        };
        let unwatch = watch_abort(signal, &on_abort)?;
        Ok(AbortWait {
            state,
            unwatch,
            _on_abort: on_abort,
        })
    }
}

impl Future for AbortWait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.state.aborted.get() {
            return Poll::Ready(());
        }
        *self.state.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for AbortWait {
    fn drop(&mut self) {
        // EventTarget.prototype.removeEventListener on a genuine signal.
        let _ = self.unwatch.call0(&JsValue::UNDEFINED);
    }
}
