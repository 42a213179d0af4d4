//! `SharedCounter`: one counter for every tab of an origin, like the seed's
//! singleton worker that every browser session sees and controls.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, ReadableStream, Storage};

use super::leader::Candidacy;
use crate::clock::now_ms;
use crate::input::MAX_TIMER_MS;
use crate::listeners::{call_tick_callback, counter_options, tick_info, Listeners};
use crate::output::plain_object;
use crate::panic::ensure_alive;
use crate::{Tick, Ticker};

/// What every tab agrees on, persisted in `localStorage` and broadcast on
/// every change. Times are wall-clock milliseconds (`Date.now()`), the one
/// clock all tabs share. Changes are ordered by `(version, writer)`: when two
/// tabs change it at once, every tab keeps the same, latest one.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Shared {
    running: bool,
    /// When counting (re)started.
    epoch_ms: f64,
    /// The count while stopped.
    stopped_count: f64,
    /// The interval of the run, set by the tab that started it.
    interval_ms: f64,
    /// How many times it was reset: a change of it tells every tab to drop
    /// counts not yet read.
    resets: f64,
    /// When the change was made (wall-clock ms, increasing).
    version: f64,
    /// Who made it: a random id per counter, to break ties.
    writer: f64,
}

impl Shared {
    fn is_newer_than(&self, other: &Shared) -> bool {
        (self.version, self.writer) > (other.version, other.writer)
    }
}

/// A counter shared by every tab of this origin that creates one with the
/// same `name`: they all see the same running state and count, and any of
/// them can start, stop or reset it. Exactly one tab, the leader (chosen with
/// Web Locks), runs the ticker and broadcasts each tick over a
/// `BroadcastChannel`; the others follow. When the leader closes or reloads,
/// the next tab takes over within one interval, and the count goes on from
/// the shared start time: nothing lost, nothing counted twice. The state is
/// kept in `localStorage`, so it survives a reload of the only tab.
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

struct Inner {
    name: String,
    /// This counter's id as a writer of the shared state.
    writer: f64,
    /// This tab's interval, for runs it starts.
    interval_ms: f64,
    key: String,
    storage: Storage,
    channel: BroadcastChannel,
    /// Runs only in the leader, at the run's interval.
    ticker: RefCell<Ticker>,
    state: RefCell<State>,
    parts: RefCell<Option<Parts>>,
}

struct State {
    shared: Shared,
    leader: bool,
    listeners: Listeners,
    last_tick: Option<Tick>,
    /// The last count delivered in this run (0 after a start or reset).
    delivered: u64,
}

/// What the counter registered, released on drop.
struct Parts {
    _candidacy: Candidacy,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
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
            channel,
            ticker: RefCell::new(Ticker::with_interval_ms(shared.interval_ms)?),
            state: RefCell::new(State {
                shared,
                leader: false,
                listeners: Listeners::default(),
                last_tick: None,
                delivered: 0,
            }),
            parts: RefCell::new(None),
        });
        inner.wire()?;
        Ok(SharedCounter { inner })
    }
}

/// `new SharedCounter(options)` for the package entry, which wraps what it
/// returns in the public class (see `js/loopbridge.js`).
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
    /// A `PanicError` once the module has panicked (see [`PANIC_EVENT`](crate::PANIC_EVENT)).
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

impl Inner {
    fn wire(self: &Rc<Self>) -> Result<(), JsValue> {
        self.relay_ticks(&self.ticker.borrow());
        let weak: Weak<Inner> = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                inner.receive(&event.data());
            }
        });
        self.channel
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let weak: Weak<Inner> = Rc::downgrade(self);
        let candidacy = Candidacy::stand(&self.key, move || {
            if let Some(inner) = weak.upgrade() {
                inner.take_lead();
            }
        })?;
        *self.parts.borrow_mut() = Some(Parts {
            _candidacy: candidacy,
            _on_message: on_message,
        });
        Ok(())
    }

    /// The leader's ticks go to the other tabs and to this one. Each carries
    /// the version of the state it was counted under, so that a tab that
    /// already has a newer state (a reset, a stop) drops it.
    fn relay_ticks(self: &Rc<Self>, ticker: &Ticker) {
        let weak: Weak<Inner> = Rc::downgrade(self);
        ticker.on_tick(move |tick| {
            if let Some(inner) = weak.upgrade() {
                let shared = inner.state.borrow().shared;
                let message = plain_object(&[
                    ("type", "tick".into()),
                    ("count", (tick.count as f64).into()),
                    ("version", shared.version.into()),
                    ("writer", shared.writer.into()),
                ]);
                let _ = inner.channel.post_message(&message);
                inner.deliver(*tick);
            }
        });
    }

    fn count_now(&self) -> f64 {
        let shared = self.state.borrow().shared;
        if shared.running {
            ((wall_ms() - shared.epoch_ms) / shared.interval_ms)
                .floor()
                .max(0.0)
        } else {
            shared.stopped_count
        }
    }

    /// This tab's change: persist it, tell the others, apply it here.
    fn publish(self: &Rc<Self>, change: Shared) {
        let current = self.state.borrow().shared;
        let shared = Shared {
            version: wall_ms().max(current.version + 0.001),
            writer: self.writer,
            ..change
        };
        save(&self.storage, &self.key, &shared);
        let _ = self.channel.post_message(&plain_object(&[
            ("type", "state".into()),
            ("state", encode(&shared)),
        ]));
        self.apply(shared);
    }

    fn receive(self: &Rc<Self>, message: &JsValue) {
        let field = |key: &str| Reflect::get(message, &key.into()).unwrap_or(JsValue::UNDEFINED);
        match field("type").as_string().as_deref() {
            Some("state") => {
                if let Some(shared) = decode(&field("state")) {
                    self.apply(shared);
                }
            }
            Some("tick") => {
                let (Some(count), Some(version), Some(writer)) = (
                    field("count")
                        .as_f64()
                        .filter(|n| n.is_finite() && *n >= 0.0),
                    field("version").as_f64(),
                    field("writer").as_f64(),
                ) else {
                    return;
                };
                let current = self.state.borrow().shared;
                if (version, writer) > (current.version, current.writer) {
                    // Counted under a state this tab has not heard of yet.
                    if let Some(latest) = load(&self.storage, &self.key) {
                        self.apply(latest);
                    }
                }
                let state = self.state.borrow();
                let current = state.shared;
                let of_this_run = (version, writer) == (current.version, current.writer);
                if !state.leader && current.running && of_this_run {
                    drop(state);
                    self.deliver(self.follower_tick(count as u64, &current));
                }
            }
            _ => {}
        }
    }

    /// Takes `shared` if it is newer than what this tab has. A run that
    /// ends closes the streams; a reset forgets counts not yet read.
    fn apply(self: &Rc<Self>, shared: Shared) {
        let mut state = self.state.borrow_mut();
        if !shared.is_newer_than(&state.shared) {
            return;
        }
        let before = std::mem::replace(&mut state.shared, shared);
        let new_run = shared.running && !before.running;
        let reset = shared.resets != before.resets;
        if before.running && !shared.running {
            state.listeners.close_all();
        }
        if reset {
            state.listeners.clear_pending();
        }
        if new_run || reset {
            state.delivered = 0;
        }
        let leader = state.leader;
        drop(state);
        if leader {
            self.drive_ticker();
        }
    }

    /// Granted the lock: re-read the latest state and run the ticker from the
    /// shared start time.
    fn take_lead(self: &Rc<Self>) {
        self.state.borrow_mut().leader = true;
        match load(&self.storage, &self.key) {
            Some(latest) if latest.is_newer_than(&self.state.borrow().shared) => self.apply(latest),
            _ => self.drive_ticker(),
        }
    }

    fn drive_ticker(self: &Rc<Self>) {
        let shared = self.state.borrow().shared;
        if self.ticker.borrow().interval_ms() != shared.interval_ms {
            // Another tab started a run at another interval.
            let Ok(ticker) = Ticker::with_interval_ms(shared.interval_ms) else {
                return;
            };
            self.relay_ticks(&ticker);
            *self.ticker.borrow_mut() = ticker; // the old one stops as it drops
        }
        let ticker = self.ticker.borrow();
        if shared.running {
            // The wall-clock start, on this tab's performance.now() clock.
            ticker.start_at(shared.epoch_ms - (wall_ms() - now_ms()));
        } else {
            ticker.stop();
        }
    }

    /// A follower's delivery of `count`: when it was due and how late it
    /// is, from the shared start time (wall clock) put on this tab's clock.
    fn follower_tick(&self, count: u64, shared: &Shared) -> Tick {
        let now = now_ms();
        let deadline_ms = shared.epoch_ms + count as f64 * shared.interval_ms - (wall_ms() - now);
        let delivered = self.state.borrow().delivered;
        Tick {
            count,
            missed: count.saturating_sub(delivered + 1),
            deadline_ms,
            lateness_ms: (now - deadline_ms).max(0.0),
        }
    }

    fn deliver(&self, tick: Tick) {
        let mut state = self.state.borrow_mut();
        if tick.count <= state.delivered {
            return; // already delivered (a leader's tick that came twice)
        }
        state.delivered = tick.count;
        state.last_tick = Some(tick);
        let callback = state.listeners.push(tick.count as f64);
        drop(state);
        if let Some(callback) = callback {
            call_tick_callback(
                &callback,
                tick.count as f64,
                &format!("SharedCounter {}", self.name),
            );
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
        self.state.get_mut().listeners.close_all();
    }
}

fn local_storage() -> Result<Storage, JsValue> {
    Reflect::get(&js_sys::global(), &"localStorage".into())
        .ok()
        .and_then(|storage| storage.dyn_into::<Storage>().ok())
        .ok_or_else(|| {
            js_sys::Error::new("SharedCounter needs localStorage, which is not available here")
                .into()
        })
}

/// How far ahead of this tab's clock another tab's may be (a day).
const MAX_CLOCK_SKEW_MS: f64 = 86_400_000.0;

fn wall_ms() -> f64 {
    js_sys::Date::now()
}

fn encode(shared: &Shared) -> JsValue {
    plain_object(&[
        ("running", shared.running.into()),
        ("epochMs", shared.epoch_ms.into()),
        ("stoppedCount", shared.stopped_count.into()),
        ("intervalMs", shared.interval_ms.into()),
        ("resets", shared.resets.into()),
        ("version", shared.version.into()),
        ("writer", shared.writer.into()),
    ])
    .into()
}

fn decode(value: &JsValue) -> Option<Shared> {
    let field = |key: &str| Reflect::get(value, &key.into()).ok();
    Some(Shared {
        running: field("running")?.as_bool()?,
        epoch_ms: field("epochMs")?.as_f64().filter(|ms| ms.is_finite())?,
        stopped_count: field("stoppedCount")?
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)?,
        interval_ms: field("intervalMs")?
            .as_f64()
            .filter(|ms| (1.0..=MAX_TIMER_MS).contains(ms))?,
        // Absent in states stored by earlier versions: 0.
        resets: match field("resets")? {
            missing if missing.is_undefined() => 0.0,
            resets => resets.as_f64().filter(|n| n.is_finite() && *n >= 0.0)?,
        },
        // Versions are wall-clock times: one far in the future (a broken or
        // hostile writer) would outrank every later change, so it is refused.
        version: field("version")?
            .as_f64()
            .filter(|v| (0.0..=wall_ms() + MAX_CLOCK_SKEW_MS).contains(v))?,
        writer: field("writer")?.as_f64().filter(|w| w.is_finite())?,
    })
}

fn load(storage: &Storage, key: &str) -> Option<Shared> {
    let text = storage.get_item(key).ok()??;
    decode(&JSON::parse(&text).ok()?)
}

/// Stores `shared` unless the stored state is newer (another tab changed it
/// at the same moment and won).
fn save(storage: &Storage, key: &str, shared: &Shared) {
    if load(storage, key).is_some_and(|stored| stored.is_newer_than(shared)) {
        return;
    }
    if let Ok(text) = JSON::stringify(&encode(shared)) {
        // A full or disabled storage only costs persistence across reloads.
        let _ = storage.set_item(key, &String::from(text));
    }
}
