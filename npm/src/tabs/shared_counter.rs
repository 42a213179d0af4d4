//! `SharedCounter`: one counter for every tab of an origin, like the Python
//! original's singleton worker that every browser session sees and controls.

use std::cell::RefCell;
use std::rc::Rc;

use loopbridge::panic::ensure_alive;
use loopbridge::Ticker;
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, ReadableStream};

use super::replica::{Inner, State};
use super::state::{load, local_storage, wall_ms, Shared};
use crate::input;
use crate::listeners::{counter_options, tick_info, Listeners};

/// A counter shared by every tab of this origin that creates one with the
/// same `name`: they all see the same running state and count, and any of
/// them can start, stop or reset it. Exactly one tab, the leader (chosen with
/// Web Locks), runs the ticker and broadcasts each tick over a
/// `BroadcastChannel`; the others follow. When the leader closes or reloads,
/// the next tab takes over within one interval, and the count goes on from
/// the shared start time: nothing lost, nothing counted twice. So does a tab
/// that goes into the back/forward cache or is frozen: it steps down and
/// stops listening (so the browser can keep it cached), then catches up and
/// gets back in line when it returns (in a page; one made in a worker keeps
/// its place). The state is kept in `localStorage`, so it survives a reload
/// of the only tab.
///
/// `count` is computed from the shared start time in every tab, so it is
/// always right; `onTick` and `ticks()` follow the leader's ticker, which the
/// browser throttles while the leader tab is hidden (followers then hear
/// fewer ticks) and pauses while it is frozen or blocked. A `ticks()` stream
/// taken while stopped waits for the next run and closes when it stops.
#[wasm_bindgen(private)]
pub struct SharedCounter {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for SharedCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCounter")
            .field("name", &self.inner.name)
            .field("leader", &self.inner.state.borrow().leader)
            .finish_non_exhaustive()
    }
}

impl SharedCounter {
    /// Joins (or creates) the shared counter `name` (default `"shared"`).
    /// `intervalMs` (default 1000) applies when this tab starts it.
    ///
    /// # Errors
    ///
    /// `TypeError`/`RangeError` for bad options; an `Error` where
    /// `localStorage`, `BroadcastChannel` or Web Locks are missing.
    pub fn new(options: JsValue) -> Result<SharedCounter, JsValue> {
        let (interval_ms, name) = counter_options(&options, "SharedCounter", || "shared".into())?;
        let key = format!("loopbridge.shared-counter.{name}");
        let storage = local_storage()?;
        let channel = BroadcastChannel::new(&key)?;
        let shared = load(&storage, &key).unwrap_or(Shared {
            running: false,
            epoch_ms: 0.0,
            stopped_count: 0.0,
            interval_ms,
            resets: 0.0,
            version: 0.0,
            writer: 0.0,
        });
        let inner = Rc::new(Inner {
            name,
            writer: js_sys::Math::random(),
            interval_ms,
            key,
            storage,
            channel: RefCell::new(Some(channel)),
            ticker: RefCell::new(Ticker::with_interval_ms(shared.interval_ms)?),
            state: RefCell::new(State {
                shared,
                leader: false,
                listeners: Listeners::default(),
                last_tick: None,
                delivered: 0,
                on_change: None,
                change_queued: false,
                in_on_change: false,
            }),
            parts: RefCell::new(None),
        });
        inner.wire()?;
        Ok(SharedCounter { inner })
    }
}

/// `new SharedCounter(options)` for the package entry, which wraps what it
/// returns in the public class (see `npm/js/loopbridge.js`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeNewSharedCounter, skip_typescript)]
pub fn new_shared_counter(options: JsValue) -> Result<SharedCounter, JsValue> {
    SharedCounter::new(options)
}

#[wasm_bindgen]
impl SharedCounter {
    /// Starts counting from 0 for every tab. `false` if it was running.
    ///
    /// # Errors
    ///
    /// A `PanicError` once the module has panicked (see [`PANIC_EVENT`](loopbridge::panic::PANIC_EVENT)).
    pub fn start(&self) -> Result<bool, JsValue> {
        ensure_alive()?;
        if self.inner.state.borrow().shared.running {
            return Ok(false);
        }
        let shared = self.inner.state.borrow().shared;
        self.inner.publish(Shared {
            running: true,
            epoch_ms: wall_ms(),
            stopped_count: 0.0,
            interval_ms: self.inner.interval_ms,
            ..shared
        });
        Ok(true)
    }

    /// Stops it for every tab, keeping the count. `false` if it was stopped.
    pub fn stop(&self) -> bool {
        if !self.inner.state.borrow().shared.running {
            return false;
        }
        let shared = self.inner.state.borrow().shared;
        self.inner.publish(Shared {
            running: false,
            epoch_ms: 0.0,
            stopped_count: self.count(),
            ..shared
        });
        true
    }

    /// Sets the count back to 0 for every tab, running or not; counts not
    /// yet read from a `ticks()` stream are dropped.
    ///
    /// # Errors
    ///
    /// A `PanicError` once the module has panicked.
    pub fn reset(&self) -> Result<(), JsValue> {
        ensure_alive()?;
        let shared = self.inner.state.borrow().shared;
        self.inner.publish(Shared {
            epoch_ms: if shared.running { wall_ms() } else { 0.0 },
            stopped_count: 0.0,
            resets: shared.resets + 1.0,
            ..shared
        });
        Ok(())
    }

    /// Sets the function called with each tick, or clears it with `null`.
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
            .set_callback(&callback, "SharedCounter")
    }

    /// Sets the function called when the state this tab sees changes — a
    /// start, stop or reset in any tab, or this tab taking or losing the
    /// lead —
    /// or clears it with `null`. Not called for ticks (see `onTick`). It is
    /// called in a microtask, once for the changes made before it runs
    /// (not for those it makes itself); read `running`, `count` and `role`
    /// in it.
    ///
    /// # Errors
    ///
    /// `TypeError` if `callback` is neither a function nor `null`; a
    /// `PanicError` once the module has panicked.
    #[wasm_bindgen(js_name = onChange)]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(() => void) | null")] callback: JsValue,
    ) -> Result<(), JsValue> {
        ensure_alive()?;
        self.inner.state.borrow_mut().on_change =
            input::optional_function(&callback, "SharedCounter.onChange: callback")?;
        Ok(())
    }

    /// The counts as they are delivered in this tab; closes when a run ends
    /// (in any tab), after its final count, or when this counter is freed.
    ///
    /// # Errors
    ///
    /// Only where the environment has no `ReadableStream`.
    #[wasm_bindgen(unchecked_return_type = "ReadableStream<number>")]
    pub fn ticks(&self) -> Result<ReadableStream, JsValue> {
        self.inner.state.borrow_mut().listeners.stream()
    }

    /// Whether the shared counter is running (in any tab).
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.inner.state.borrow().shared.running
    }

    /// Whole intervals since the shared start, the same in every tab.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> f64 {
        self.inner.count_now()
    }

    /// The most recent delivery in this tab (`count`, `missed`, `deadlineMs`
    /// on this tab's `performance.now()` clock, `latenessMs`), or `null`.
    #[wasm_bindgen(getter, js_name = lastTick, unchecked_return_type = "TickInfo | null")]
    pub fn last_tick(&self) -> JsValue {
        match &self.inner.state.borrow().last_tick {
            Some(tick) => tick_info(tick).into(),
            None => JsValue::NULL,
        }
    }

    /// `"leader"` if this tab runs the ticker, else `"follower"`.
    #[wasm_bindgen(getter, unchecked_return_type = "\"leader\" | \"follower\"")]
    pub fn role(&self) -> String {
        if self.inner.state.borrow().leader {
            "leader"
        } else {
            "follower"
        }
        .into()
    }

    /// The counter's name (shared by every tab that uses it).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name.clone()
    }

    /// Milliseconds between ticks: the interval of the current (or last)
    /// run, set by the tab that started it; this tab's own `intervalMs`
    /// applies when it starts the counter.
    #[wasm_bindgen(getter, js_name = intervalMs)]
    pub fn interval_ms(&self) -> f64 {
        self.inner.state.borrow().shared.interval_ms
    }
}
