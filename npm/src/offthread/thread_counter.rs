//! `ThreadCounter`: the JS class that runs a counter in a dedicated worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{BigInt64Array, Promise, SharedArrayBuffer};
use loopbridge::panic::ensure_alive;
use wasm_bindgen::prelude::*;
use web_sys::ReadableStream;

use super::counter_link::Inner;
use super::package_worker::{self, Host, WorkerStarter};
use super::protocol::{Command, Order};
use crate::listeners::{counter_options, tick_info};

thread_local! {
    static UNNAMED_THREADS: Cell<u32> = const { Cell::new(0) };
}

/// A counter like `CounterWorker` whose ticker runs in a dedicated module Web
/// Worker that loads this same package: blocking the page does not stop it.
/// When the page is cross-origin isolated the count lives in a
/// `SharedArrayBuffer` and `count` reads it with `Atomics.load` (the
/// browser's `multiprocessing.Value`), so it is current even right after the
/// page was blocked; otherwise it comes by message (`sharedMemory` says which).
/// `start()`, `stop()` and `reset()` cross to the worker, so they return
/// Promises. A frozen page freezes its workers too: after a freeze the count
/// catches up at the worker's next (late) tick.
#[wasm_bindgen(private)]
pub struct ThreadCounter {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for ThreadCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThreadCounter")
            .field("name", &self.inner.name)
            .field("shared_memory", &self.inner.shared.is_some())
            .finish_non_exhaustive()
    }
}

impl ThreadCounter {
    /// A stopped counter in a new worker that `starter` starts. Options as
    /// for `CounterWorker`; names default to `thread-1`, `thread-2`, ...
    ///
    /// # Errors
    ///
    /// `TypeError`/`RangeError` for bad options; an `Error` if workers
    /// cannot be created here.
    pub fn new(options: JsValue, starter: &WorkerStarter) -> Result<ThreadCounter, JsValue> {
        let (interval_ms, name) = counter_options(&options, "ThreadCounter", || {
            UNNAMED_THREADS.with(|n| {
                n.set(n.get() + 1);
                format!("thread-{}", n.get())
            })
        })?;

        let shared = shared_count_buffer().map(|buffer| (BigInt64Array::new(&buffer), buffer));
        let worker = package_worker::spawn(
            starter,
            Host::Counter,
            &[
                ("intervalMs", interval_ms.into()),
                (
                    "shared",
                    shared
                        .as_ref()
                        .map_or(JsValue::NULL, |(_, buffer)| buffer.into()),
                ),
            ],
        )?;

        let inner = Rc::new(Inner {
            name,
            interval_ms,
            worker,
            shared: shared.map(|(view, _)| view),
            state: RefCell::default(),
            handlers: RefCell::new(None),
        });
        inner.listen();
        Ok(ThreadCounter { inner })
    }
}

/// `new ThreadCounter(options)` for the package entry, which passes its
/// worker starter and wraps what this returns in the public class (see
/// `npm/js/api.js`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeNewThreadCounter, skip_typescript)]
pub fn new_thread_counter(options: JsValue, starter: JsValue) -> Result<ThreadCounter, JsValue> {
    let starter = WorkerStarter::from_entry(&starter, "ThreadCounter")?;
    ThreadCounter::new(options, &starter)
}

#[wasm_bindgen]
impl ThreadCounter {
    /// Starts counting from 0 in the worker. Resolves `true` if it started,
    /// `false` if it was already running. Rejects with a `PanicError` after a
    /// panic, or when the worker crashed.
    #[wasm_bindgen(unchecked_return_type = "Promise<boolean>")]
    pub fn start(&self) -> Promise {
        if let Err(error) = ensure_alive() {
            return Promise::reject(&error);
        }
        let mut state = self.inner.state.borrow_mut();
        state.delivering = true;
        state.epoch = state.epoch.wrapping_add(1);
        drop(state);
        self.inner.send(Command::Start)
    }

    /// Stops the worker's counting. From the moment this is called no new
    /// tick is delivered on the page, and if it was running every `ticks()`
    /// stream closes (after the last count delivered). Resolves `true` if
    /// the worker was running. Works after a panic too.
    #[wasm_bindgen(unchecked_return_type = "Promise<boolean>")]
    pub fn stop(&self) -> Promise {
        let mut state = self.inner.state.borrow_mut();
        state.epoch = state.epoch.wrapping_add(1);
        if state.delivering {
            state.delivering = false;
            state.listeners.close_all();
        }
        drop(state);
        self.inner.send(Command::Stop)
    }

    /// Sets the count back to 0 (running or not); counts not yet read from
    /// a `ticks()` stream are dropped. Resolves `true` when done.
    #[wasm_bindgen(unchecked_return_type = "Promise<boolean>")]
    pub fn reset(&self) -> Promise {
        if let Err(error) = ensure_alive() {
            return Promise::reject(&error);
        }
        let mut state = self.inner.state.borrow_mut();
        state.epoch = state.epoch.wrapping_add(1);
        state.skipped = 0;
        state.listeners.clear_pending();
        drop(state);
        self.inner.send(Command::Reset)
    }

    /// Makes the worker fail, to see how a crash is reported: the console
    /// says why, `running` becomes false and every stream closes.
    #[wasm_bindgen(js_name = simulateCrash)]
    pub fn simulate_crash(&self) {
        let order = Order {
            command: Command::Crash,
            id: 0,
            epoch: self.inner.state.borrow().epoch,
        };
        let _ = self.inner.worker.post_message(&order.encode());
    }

    /// Sets the function called with each delivered count, or clears it.
    ///
    /// # Errors
    ///
    /// `TypeError` if `callback` is neither a function nor `null`.
    #[wasm_bindgen(js_name = onTick)]
    pub fn on_tick(
        &self,
        #[wasm_bindgen(unchecked_param_type = "((count: number) => void) | null")]
        callback: JsValue,
    ) -> Result<(), JsValue> {
        self.inner
            .state
            .borrow_mut()
            .listeners
            .set_callback(&callback, "ThreadCounter")
    }

    /// The counts as they are delivered; closes on `stop()`, a crash or `free()`.
    ///
    /// # Errors
    ///
    /// Only where the environment has no `ReadableStream`.
    #[wasm_bindgen(unchecked_return_type = "ReadableStream<number>")]
    pub fn ticks(&self) -> Result<ReadableStream, JsValue> {
        self.inner.state.borrow_mut().listeners.stream()
    }

    /// Whether the worker is counting (as of its last reply).
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.inner.state.borrow().running
    }

    /// The worker's count: read from shared memory with `Atomics.load` when
    /// `sharedMemory` is true (current even right after the page was
    /// blocked), else the last count the worker posted.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> f64 {
        self.inner
            .shared_count()
            .unwrap_or_else(|| self.inner.state.borrow().count)
    }

    /// Whether the count is shared through a `SharedArrayBuffer`.
    #[wasm_bindgen(getter, js_name = sharedMemory)]
    pub fn shared_memory(&self) -> bool {
        self.inner.shared.is_some()
    }

    /// The counter's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// Milliseconds between ticks.
    #[wasm_bindgen(getter, js_name = intervalMs)]
    pub fn interval_ms(&self) -> f64 {
        self.inner.interval_ms
    }

    /// The most recent delivery on the page (`count`, `missed`,
    /// `deadlineMs` on this page's `performance.now()` clock, `latenessMs`
    /// as measured in the worker), or `null`.
    #[wasm_bindgen(getter, js_name = lastTick, unchecked_return_type = "TickInfo | null")]
    pub fn last_tick(&self) -> JsValue {
        match &self.inner.state.borrow().last_tick {
            Some(tick) => tick_info(tick).into(),
            None => JsValue::NULL,
        }
    }

    /// Why the worker stopped working, if it crashed.
    #[wasm_bindgen(getter, js_name = crashReason)]
    pub fn crash_reason(&self) -> Option<String> {
        self.inner.state.borrow().crashed.clone()
    }
}

/// An 8-byte `SharedArrayBuffer` for the count, where the page is
/// cross-origin isolated and has one (WebKitGTK is isolated but has none).
/// Made with `Reflect.construct`, so nothing can throw through Rust.
fn shared_count_buffer() -> Option<SharedArrayBuffer> {
    let global = js_sys::global();
    let get = |key: &str| js_sys::Reflect::get(&global, &key.into()).unwrap_or_default();
    let class = get("SharedArrayBuffer")
        .dyn_into::<js_sys::Function>()
        .ok()?;
    if !get("crossOriginIsolated").is_truthy() {
        return None;
    }
    js_sys::Reflect::construct(&class, &js_sys::Array::of1(&8.into()))
        .ok()?
        .dyn_into()
        .ok()
}
