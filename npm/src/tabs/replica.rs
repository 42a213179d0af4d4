//! One tab's copy of a [`SharedCounter`](super::SharedCounter): it keeps in
//! step with the other tabs (publish a change, receive theirs, apply the
//! newest), runs the ticker while it leads and delivers ticks to this tab's
//! listeners.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Function, Reflect};
use loopbridge::__private::record;
use loopbridge::{now_ms, Tick, Ticker};
use loopbridge::{LoopSample, SampleKind};
use wasm_bindgen::prelude::*;
use web_sys::{BroadcastChannel, MessageEvent, Storage};

use super::leader::Candidacy;
use super::lifecycle::Lifecycle;
use super::state::{decode, encode, load, save, wall_ms, Shared};
use crate::listeners::{call_listener, call_tick_callback, Listeners};
use crate::output::plain_object;

pub(super) struct Inner {
    pub(super) name: String,
    /// This counter's id as a writer of the shared state.
    pub(super) writer: f64,
    /// This tab's interval, for runs it starts.
    pub(super) interval_ms: f64,
    pub(super) key: String,
    pub(super) storage: Storage,
    /// The other tabs' messages and ours; `None` while the page is away
    /// (a message to a page in the back/forward cache evicts it).
    pub(super) channel: RefCell<Option<BroadcastChannel>>,
    /// Runs only in the leader, at the run's interval.
    pub(super) ticker: RefCell<Ticker>,
    pub(super) state: RefCell<State>,
    pub(super) parts: RefCell<Option<Parts>>,
}

pub(super) struct State {
    pub(super) shared: Shared,
    pub(super) leader: bool,
    pub(super) listeners: Listeners,
    pub(super) last_tick: Option<Tick>,
    /// The last count delivered in this run (0 after a start or reset).
    pub(super) delivered: u64,
    /// `onChange`'s callback, whether a call to it is queued, and whether
    /// it is running.
    pub(super) on_change: Option<Function>,
    pub(super) change_queued: bool,
    pub(super) in_on_change: bool,
}

/// What the counter registered, released on drop.
pub(super) struct Parts {
    /// `None` while the page is away (in the back/forward cache, or frozen).
    pub(super) candidacy: Option<Candidacy>,
    pub(super) on_message: Closure<dyn FnMut(MessageEvent)>,
    pub(super) _lifecycle: Lifecycle,
}

impl Inner {
    pub(super) fn wire(self: &Rc<Self>) -> Result<(), JsValue> {
        self.relay_ticks(&self.ticker.borrow());
        let weak: Weak<Inner> = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                inner.receive(&event.data());
            }
        });
        if let Some(channel) = self.channel.borrow().as_ref() {
            channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        }
        let (away, back) = (Rc::downgrade(self), Rc::downgrade(self));
        let lifecycle = Lifecycle::watch(
            move || {
                if let Some(inner) = away.upgrade() {
                    inner.step_down();
                }
            },
            move || {
                if let Some(inner) = back.upgrade() {
                    inner.stand_again();
                }
            },
        );
        *self.parts.borrow_mut() = Some(Parts {
            candidacy: Some(self.stand()?),
            on_message,
            _lifecycle: lifecycle,
        });
        Ok(())
    }

    /// Tells the other tabs. While the page is away (its channel closed, so
    /// that no message evicts it from the back/forward cache) a change made
    /// in a `pagehide` or `visibilitychange` handler still goes out, on a
    /// channel opened for it: sending does not evict a page, receiving does.
    fn post(&self, message: &JsValue) {
        if let Some(channel) = self.channel.borrow().as_ref() {
            let _ = channel.post_message(message);
            return;
        }
        if let Ok(channel) = BroadcastChannel::new(&self.key) {
            let _ = channel.post_message(message);
            channel.close();
        }
    }

    /// Gets in line for the lead.
    fn stand(self: &Rc<Self>) -> Result<Candidacy, JsValue> {
        let weak: Weak<Inner> = Rc::downgrade(self);
        Candidacy::stand(&self.key, move || {
            if let Some(inner) = weak.upgrade() {
                inner.take_lead();
            }
        })
    }

    /// The page is going away or freezing: leave the line (releasing the
    /// lock if held), so another tab runs the ticker meanwhile.
    fn step_down(self: &Rc<Self>) {
        let candidacy = self
            .parts
            .borrow_mut()
            .as_mut()
            .and_then(|parts| parts.candidacy.take());
        let Some(candidacy) = candidacy else { return };
        drop(candidacy);
        close(self.channel.borrow_mut().take());
        let was_leader = std::mem::replace(&mut self.state.borrow_mut().leader, false);
        if was_leader {
            self.ticker.borrow().stop();
            self.changed();
        }
    }

    /// The page is back: listen again, catch up on the state (messages
    /// sent meanwhile were not heard) and get in line again.
    fn stand_again(self: &Rc<Self>) {
        if self.channel.borrow().is_none() {
            if let (Ok(channel), Some(parts)) = (
                BroadcastChannel::new(&self.key),
                self.parts.borrow().as_ref(),
            ) {
                channel.set_onmessage(Some(parts.on_message.as_ref().unchecked_ref()));
                *self.channel.borrow_mut() = Some(channel);
            }
        }
        let standing = self
            .parts
            .borrow()
            .as_ref()
            .map_or(true, |parts| parts.candidacy.is_some());
        if standing {
            return;
        }
        if let Some(latest) = load(&self.storage, &self.key) {
            self.apply(latest);
        }
        if let Ok(candidacy) = self.stand() {
            if let Some(parts) = self.parts.borrow_mut().as_mut() {
                parts.candidacy = Some(candidacy);
            }
        }
    }

    /// The leader's ticks go to the other tabs and to this one. Each carries
    /// the version of the state it was counted under, so that a tab that
    /// already has a newer state (a reset, a stop) drops it.
    pub(super) fn relay_ticks(self: &Rc<Self>, ticker: &Ticker) {
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
                inner.post(&message);
                inner.deliver(*tick);
            }
        });
    }

    pub(super) fn count_now(&self) -> f64 {
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
    pub(super) fn publish(self: &Rc<Self>, change: Shared) {
        let current = self.state.borrow().shared;
        let shared = Shared {
            version: wall_ms().max(current.version + 0.001),
            writer: self.writer,
            ..change
        };
        save(&self.storage, &self.key, &shared);
        self.post(&plain_object(&[
            ("type", "state".into()),
            ("state", encode(&shared)),
        ]));
        self.apply(shared);
    }

    pub(super) fn receive(self: &Rc<Self>, message: &JsValue) {
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
    pub(super) fn apply(self: &Rc<Self>, shared: Shared) {
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
        self.changed();
    }

    /// Granted the lock: re-read the latest state and run the ticker from the
    /// shared start time.
    pub(super) fn take_lead(self: &Rc<Self>) {
        self.state.borrow_mut().leader = true;
        match load(&self.storage, &self.key) {
            Some(latest) if latest.is_newer_than(&self.state.borrow().shared) => self.apply(latest),
            _ => self.drive_ticker(),
        }
        self.changed();
    }

    /// The state this tab sees changed (a start, stop or reset in any tab,
    /// or this tab took or lost the lead): calls `onChange`'s callback in a
    /// microtask, once for however many changes came before it runs. The
    /// changes the callback makes itself are not reported back to it (one
    /// that resets would otherwise call itself without end).
    pub(super) fn changed(self: &Rc<Self>) {
        let mut state = self.state.borrow_mut();
        if state.on_change.is_none() || state.change_queued || state.in_on_change {
            return;
        }
        state.change_queued = true;
        let weak = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            // Gone (freed) by now: nothing to tell.
            let Some(inner) = weak.upgrade() else { return };
            let callback = {
                let mut state = inner.state.borrow_mut();
                state.change_queued = false;
                state.on_change.clone()
            };
            if let Some(callback) = callback {
                inner.state.borrow_mut().in_on_change = true;
                call_listener(
                    &callback,
                    &[],
                    &format!("SharedCounter {}", inner.name),
                    "onChange",
                );
                inner.state.borrow_mut().in_on_change = false;
            }
        });
    }

    pub(super) fn drive_ticker(self: &Rc<Self>) {
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
    pub(super) fn follower_tick(&self, count: u64, shared: &Shared) -> Tick {
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

    pub(super) fn deliver(&self, tick: Tick) {
        let mut state = self.state.borrow_mut();
        if tick.count <= state.delivered {
            return; // already delivered (a leader's tick that came twice)
        }
        state.delivered = tick.count;
        state.last_tick = Some(tick);
        let leader = state.leader;
        record(|| LoopSample {
            kind: SampleKind::SharedTick {
                count: tick.count,
                leader,
            },
            start_ms: tick.deadline_ms,
            duration_ms: tick.lateness_ms,
        });
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
        close(self.channel.get_mut().take());
        self.state.get_mut().listeners.close_all();
    }
}

fn close(channel: Option<BroadcastChannel>) {
    if let Some(channel) = channel {
        channel.set_onmessage(None);
        channel.close();
    }
}
