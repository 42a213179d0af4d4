//! `ThreadCounter`: the JS class that runs a counter in a dedicated worker.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{BigInt64Array, Promise, SharedArrayBuffer};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{ReadableStream, Worker};

use super::protocol::{Command, Event, Order};
use crate::clock::time_origin_ms;
use crate::listeners::{call_tick_callback, counter_options, tick_info, Listeners};
use crate::offthread::package_worker::{self, WorkerHandlers};
use crate::panic::ensure_alive;
use crate::ticker::Tick;

#[wasm_bindgen]
extern "C" {
    // js_sys's `load_bigint` takes its index as a BigInt, which Atomics rejects.
    #[wasm_bindgen(js_namespace = Atomics, js_name = load, catch)]
    fn atomics_load(array: &BigInt64Array, index: u32) -> Result<i64, JsValue>;
}

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

struct Inner {
    name: String,
    interval_ms: f64,
    worker: Worker,
    shared: Option<BigInt64Array>,
    state: RefCell<State>,
    handlers: RefCell<Option<WorkerHandlers>>,
}

/// A command waiting for the worker's answer: its id, and who to tell.
type Pending = (u32, Command, oneshot::Sender<bool>);

/// Removes and returns the command waiting under `id` (few wait at once).
fn take_pending(pending: &mut Vec<Pending>, id: u32) -> Option<(Command, oneshot::Sender<bool>)> {
    let at = pending.iter().position(|(waiting, ..)| *waiting == id)?;
    let (_, command, sender) = pending.swap_remove(at);
    Some((command, sender))
}

#[derive(Default)]
struct State {
    running: bool,
    /// Ticks are delivered only between a `start()` and the next `stop()`.
    delivering: bool,
    /// Moves on with every `start()`, `stop()` and `reset()`: only ticks of
    /// the current epoch are delivered (see `protocol`).
    epoch: u32,
    /// Deliveries skipped since the last one (ticks that queued up while the
    /// page was busy), folded into the next one's `missed`.
    skipped: u64,
    count: f64,
    last_tick: Option<Tick>,
    listeners: Listeners,
    next_id: u32,
    pending: Vec<Pending>,
    crashed: Option<String>,
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
    /// A stopped counter in a new worker. Options as for `CounterWorker`;
    /// names default to `thread-1`, `thread-2`, ...
    ///
    /// # Errors
    ///
    /// `TypeError`/`RangeError` for bad options; an `Error` if workers
    /// cannot be created here.
    pub fn new(options: JsValue) -> Result<ThreadCounter, JsValue> {
        let (interval_ms, name) = counter_options(&options, "ThreadCounter", || {
            UNNAMED_THREADS.with(|n| {
                n.set(n.get() + 1);
                format!("thread-{}", n.get())
            })
        })?;

        let shared = cross_origin_isolated()
            .then(|| SharedArrayBuffer::new(8))
            .map(|buffer| (BigInt64Array::new(&buffer), buffer));
        let worker = package_worker::spawn(
            &format!("loopbridge ThreadCounter {name}"),
            "startCounterHost",
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

/// `new ThreadCounter(options)` for the package entry, which wraps what it
/// returns in the public class (see `js/loopbridge.js`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeNewThreadCounter, skip_typescript)]
pub fn new_thread_counter(options: JsValue) -> Result<ThreadCounter, JsValue> {
    ThreadCounter::new(options)
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

impl Inner {
    /// The count in shared memory, if the page has it.
    fn shared_count(&self) -> Option<f64> {
        let shared = self.shared.as_ref()?;
        atomics_load(shared, 0).ok().map(|count| count as f64)
    }

    fn listen(self: &Rc<Self>) {
        let (for_messages, for_errors) = (Rc::downgrade(self), Rc::downgrade(self));
        let handlers = package_worker::listen(
            &self.worker,
            move |data| {
                if let (Some(inner), Some(event)) = (for_messages.upgrade(), Event::decode(&data)) {
                    inner.receive(event);
                }
            },
            move |message| {
                if let Some(inner) = for_errors.upgrade() {
                    inner.crash(message);
                }
            },
        );
        *self.handlers.borrow_mut() = Some(handlers);
    }

    fn send(self: &Rc<Self>, command: Command) -> Promise {
        let mut state = self.state.borrow_mut();
        if let Some(reason) = &state.crashed {
            let error = js_sys::Error::new(&format!(
                "ThreadCounter {}: the worker crashed: {reason}",
                self.name
            ));
            return Promise::reject(&error);
        }
        let order = Order {
            command,
            id: state.next_id,
            epoch: state.epoch,
        };
        let id = order.id;
        state.next_id = state.next_id.wrapping_add(1);
        let (sender, receiver) = oneshot::channel();
        state.pending.push((id, command, sender));
        drop(state);
        if let Err(error) = self.worker.post_message(&order.encode()) {
            take_pending(&mut self.state.borrow_mut().pending, id);
            return Promise::reject(&error);
        }
        let name = self.name.clone();
        future_to_promise(async move {
            match receiver.await {
                Ok(value) => Ok(value.into()),
                Err(_) => Err(js_sys::Error::new(&format!(
                    "ThreadCounter {name}: the worker is gone (crashed or freed) before it answered"
                ))
                .into()),
            }
        })
    }

    fn receive(&self, event: Event) {
        match event {
            Event::Reply { id, value, count } => {
                let mut state = self.state.borrow_mut();
                state.count = count;
                let Some((command, sender)) = take_pending(&mut state.pending, id) else {
                    return;
                };
                match command {
                    Command::Start => state.running = true,
                    Command::Stop => state.running = false,
                    Command::Reset | Command::Crash => {}
                }
                drop(state);
                let _ = sender.send(value);
            }
            Event::Tick {
                epoch,
                count,
                missed,
                deadline_ms,
                lateness_ms,
            } => {
                let mut state = self.state.borrow_mut();
                if !state.delivering || epoch != state.epoch {
                    return; // of an earlier run, or from before a reset
                }
                state.count = count;
                // Ticks queued while the page was busy: with shared memory the
                // page knows a newer one is behind this, so it skips to it and
                // delivers the caught-up count once (like CounterWorker).
                if self.shared_count().is_some_and(|latest| latest > count) {
                    state.skipped += missed as u64 + 1;
                    return;
                }
                let tick = Tick {
                    count: count as u64,
                    missed: missed as u64 + std::mem::take(&mut state.skipped),
                    deadline_ms: deadline_ms - time_origin_ms(),
                    lateness_ms,
                };
                state.last_tick = Some(tick);
                let callback = state.listeners.push(count);
                drop(state);
                if let Some(callback) = callback {
                    call_tick_callback(&callback, count, &format!("ThreadCounter {}", self.name));
                }
            }
            Event::Crashed { message } => self.crash(message),
        }
    }

    fn crash(&self, reason: String) {
        let mut state = self.state.borrow_mut();
        if state.crashed.is_some() {
            return;
        }
        let reason = reason.trim_start_matches("Uncaught ").to_owned();
        web_sys::console::error_1(
            &format!("ThreadCounter {}: the worker crashed: {reason}", self.name).into(),
        );
        state.crashed = Some(reason);
        state.running = false;
        state.delivering = false;
        state.listeners.close_all();
        state.pending.clear(); // rejects every waiting Promise
        drop(state);
        self.worker.terminate();
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        package_worker::terminate_quietly(&self.worker);
        self.state.get_mut().listeners.close_all();
    }
}

fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .map(|value| value.is_truthy())
        .unwrap_or(false)
}
