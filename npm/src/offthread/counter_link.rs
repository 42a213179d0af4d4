//! The page's end of a [`ThreadCounter`](super::ThreadCounter)'s worker:
//! commands sent with an id and the run's epoch, replies matched to them,
//! ticks of the current epoch delivered, a crash turned into errors.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use js_sys::{BigInt64Array, Promise};
use loopbridge::__private::record;
use loopbridge::__private::time_origin_ms;
use loopbridge::Tick;
use loopbridge::{LoopSample, SampleKind};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::Worker;

use super::package_worker::{self, WorkerHandlers};
use super::protocol::{Command, Event, Order};
use crate::listeners::{call_tick_callback, Listeners};

#[wasm_bindgen]
extern "C" {
    // js_sys's `load_bigint` takes its index as a BigInt, which Atomics rejects.
    #[wasm_bindgen(js_namespace = Atomics, js_name = load, catch)]
    fn atomics_load(array: &BigInt64Array, index: u32) -> Result<i64, JsValue>;
}

pub(super) struct Inner {
    pub(super) name: String,
    pub(super) interval_ms: f64,
    pub(super) worker: Worker,
    pub(super) shared: Option<BigInt64Array>,
    pub(super) state: RefCell<State>,
    pub(super) handlers: RefCell<Option<WorkerHandlers>>,
}

/// What a waiting command learns: the worker's answer, or why there will be
/// none (the worker crashed or could not start).
type Answer = Result<bool, String>;

/// A command waiting for the worker's answer: its id, and who to tell.
type Pending = (u32, Command, oneshot::Sender<Answer>);

/// Removes and returns the command waiting under `id` (few wait at once).
fn take_pending(pending: &mut Vec<Pending>, id: u32) -> Option<(Command, oneshot::Sender<Answer>)> {
    let at = pending.iter().position(|(waiting, ..)| *waiting == id)?;
    let (_, command, sender) = pending.swap_remove(at);
    Some((command, sender))
}

#[derive(Default)]
pub(super) struct State {
    pub(super) running: bool,
    /// Ticks are delivered only between a `start()` and the next `stop()`.
    pub(super) delivering: bool,
    /// Moves on with every `start()`, `stop()` and `reset()`: only ticks of
    /// the current epoch are delivered (see `protocol`).
    pub(super) epoch: u32,
    /// Deliveries skipped since the last one (ticks that queued up while the
    /// page was busy), folded into the next one's `missed`.
    pub(super) skipped: u64,
    pub(super) count: f64,
    pub(super) last_tick: Option<Tick>,
    pub(super) listeners: Listeners,
    pub(super) next_id: u32,
    pub(super) pending: Vec<Pending>,
    pub(super) crashed: Option<String>,
}

impl Inner {
    /// The count in shared memory, if the page has it.
    pub(super) fn shared_count(&self) -> Option<f64> {
        let shared = self.shared.as_ref()?;
        atomics_load(shared, 0).ok().map(|count| count as f64)
    }

    pub(super) fn listen(self: &Rc<Self>) {
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

    pub(super) fn send(self: &Rc<Self>, command: Command) -> Promise {
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
            let message = match receiver.await {
                Ok(Ok(value)) => return Ok(value.into()),
                Ok(Err(reason)) => format!("ThreadCounter {name}: the worker crashed: {reason}"),
                Err(_) => format!("ThreadCounter {name}: freed before the worker answered"),
            };
            Err(js_sys::Error::new(&message).into())
        })
    }

    pub(super) fn receive(&self, event: Event) {
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
                let _ = sender.send(Ok(value));
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
                // When the worker counted, on this page's clock (during a
                // block of the page too: the message only arrives later).
                let counted_ms = deadline_ms - time_origin_ms() + lateness_ms;
                record(|| LoopSample {
                    kind: SampleKind::WorkerTick {
                        count: count as u64,
                    },
                    start_ms: counted_ms,
                    duration_ms: 0.0,
                });
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

    pub(super) fn crash(&self, reason: String) {
        let mut state = self.state.borrow_mut();
        if state.crashed.is_some() {
            return;
        }
        let reason = reason.trim_start_matches("Uncaught ").to_owned();
        web_sys::console::error_1(
            &format!("ThreadCounter {}: the worker crashed: {reason}", self.name).into(),
        );
        state.running = false;
        state.delivering = false;
        state.listeners.close_all();
        for (_, _, waiting) in state.pending.drain(..) {
            let _ = waiting.send(Err(reason.clone())); // rejects with the cause
        }
        state.crashed = Some(reason);
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
