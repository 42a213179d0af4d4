//! A state-machine test of the three counters' shared contract: seeded
//! random sequences of `start`, `stop`, `reset`, `onTick` (recording, or
//! stopping or resetting the counter from inside the callback), `ticks()`
//! streams read at random paces, and `free` (a tab that reloads), over one
//! `CounterWorker`, one `ThreadCounter`, or two `SharedCounter`s playing two
//! tabs. Every call, delivery, read and close goes into one log, ordered by
//! a sequence number; the log is then checked against the contract:
//!
//! - a delivery happens only in a run (after `start`, before `stop` or
//!   `free`), counts rise within a run, and none is from before a reset
//!   (its count is never above the counter's own count at that moment);
//! - a stream chunk is a count delivered in that tab after the stream was
//!   made, the latest one when the read was made (or the first after it),
//!   and never one from before a reset made before the read;
//! - a stream closes only after its run ended (a `stop` of a running
//!   counter, in any tab for `SharedCounter`) or its counter was freed, and
//!   then its last chunk is the run's final count; every stream of a
//!   stopped or freed counter closes.
//!
//! A failing sequence prints its seed; replay it with
//! `LOOPBRIDGE_MODEL_SEED=<seed> LOOPBRIDGE_MODEL_CASES=1`.

mod counter_model_parts;
#[path = "../../tests/support/mod.rs"]
mod support;
mod worker_starter;

use std::cell::RefCell;
use std::rc::Rc;

use counter_model_parts::check::check;
use counter_model_parts::log::{Event, Kind, Log, What};
use counter_model_parts::tabs::Tab;
use js_sys::{Function, Promise};
use loopbridge_npm::{CounterWorker, SharedCounter, ThreadCounter};
use support::model::{base_seed, case_count, Rng};
use support::{object, read, reader, sleep};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use worker_starter::test_starter;

wasm_bindgen_test_configure!(run_in_browser);

const INTERVAL_MS: f64 = 5.0;

type Slot = Rc<RefCell<Option<Box<dyn Tab>>>>;
type TickCallback = Closure<dyn Fn(f64)>;

struct World {
    kind: Kind,
    name: String,
    tabs: Vec<Slot>,
    /// The onTick callbacks, kept alive while set.
    callbacks: Vec<Option<TickCallback>>,
    log: Rc<Log>,
    streams: usize,
    /// Calls that return Promises (ThreadCounter), awaited at the end.
    pending: Vec<Promise>,
}

impl World {
    fn new(kind: Kind, seed: u32) -> World {
        let tabs = if kind == Kind::Shared { 2 } else { 1 };
        let mut world = World {
            kind,
            name: format!("model-{seed:x}"),
            tabs: (0..tabs).map(|_| Rc::new(RefCell::new(None))).collect(),
            callbacks: (0..tabs).map(|_| None).collect(),
            log: Rc::new(Log::default()),
            streams: 0,
            pending: Vec::new(),
        };
        for tab in 0..tabs {
            world.open(tab);
        }
        world
    }

    fn open(&mut self, tab: usize) {
        let options = object(&[
            ("intervalMs", INTERVAL_MS.into()),
            ("name", self.name.as_str().into()),
        ]);
        let counter: Box<dyn Tab> = match self.kind {
            Kind::Worker => Box::new(CounterWorker::new(options).unwrap()),
            Kind::Thread => Box::new(ThreadCounter::new(options, &test_starter()).unwrap()),
            Kind::Shared => Box::new(SharedCounter::new(options).unwrap()),
        };
        *self.tabs[tab].borrow_mut() = Some(counter);
        self.on_tick(tab, None);
    }

    fn with<R>(&self, tab: usize, f: impl FnOnce(&dyn Tab) -> R) -> Option<R> {
        self.tabs[tab].borrow().as_deref().map(f)
    }

    fn running(&self, tab: usize) -> bool {
        self.with(tab, |counter| counter.running()).unwrap_or(false)
    }

    fn command(&mut self, tab: usize, what: &str) {
        let was_running = self.running(tab);
        let promise = self.with(tab, |counter| match what {
            "start" => counter.start(),
            "stop" => counter.stop(),
            _ => counter.reset(),
        });
        let logged = match what {
            "start" => What::Start { was_running },
            "stop" => What::Stop { was_running },
            _ => What::Reset,
        };
        self.log.add(tab, logged);
        if let Some(Some(promise)) = promise {
            self.pending.push(promise);
        }
    }

    /// Sets an onTick callback that records each delivery (every counter
    /// always has one, so that the log sees every delivery) and, with `act`,
    /// stops or resets the counter from inside the callback at `at`.
    fn on_tick(&mut self, tab: usize, act: Option<(&'static str, u64)>) {
        let (slot, log) = (Rc::clone(&self.tabs[tab]), Rc::clone(&self.log));
        let callback = Closure::<dyn Fn(f64)>::new(move |count: f64| {
            let slot = slot.borrow();
            let Some(counter) = slot.as_deref() else {
                return;
            };
            log.add(
                tab,
                What::Delivery {
                    count: count as u64,
                    running: counter.running(),
                    counter_count: counter.count(),
                },
            );
            if let Some((what, at)) = act {
                if count as u64 == at {
                    let was_running = counter.running();
                    let promise = if what == "stop" {
                        log.add(tab, What::Stop { was_running });
                        counter.stop()
                    } else {
                        log.add(tab, What::Reset);
                        counter.reset()
                    };
                    if let Some(promise) = promise {
                        wasm_bindgen_futures::spawn_local(async move {
                            let _ = JsFuture::from(promise).await;
                        });
                    }
                }
            }
        });
        let function: &Function = callback.as_ref().unchecked_ref();
        self.with(tab, |counter| counter.on_tick(function));
        self.callbacks[tab] = Some(callback);
    }

    /// A new `ticks()` stream, read by a task that pauses up to
    /// `max_pause_ms` before each read.
    fn stream(&mut self, tab: usize, seed: u32, max_pause_ms: u32) {
        let Some(stream) = self.with(tab, |counter| counter.ticks()) else {
            return;
        };
        let id = self.streams;
        self.streams += 1;
        self.log.add(tab, What::Created { stream: id });
        let log = Rc::clone(&self.log);
        wasm_bindgen_futures::spawn_local(async move {
            let mut rng = Rng::new(seed);
            let reader = reader(&stream);
            loop {
                sleep(rng.below(max_pause_ms + 1)).await;
                log.add(tab, What::ReadMade { stream: id });
                match read(&reader).await {
                    Ok(Some(count)) => log.add(
                        tab,
                        What::Chunk {
                            stream: id,
                            count: count.as_f64().unwrap() as u64,
                        },
                    ),
                    Ok(None) => {
                        log.add(tab, What::Closed { stream: id });
                        break;
                    }
                    Err(error) => panic!("a ticks() stream errored: {error:?}"),
                }
            }
        });
    }

    fn free(&mut self, tab: usize) {
        self.log.add(tab, What::Free);
        self.tabs[tab].borrow_mut().take();
        self.callbacks[tab] = None;
    }
}

async fn run_sequence(kind: Kind, seed: u32) -> Vec<Event> {
    let mut rng = Rng::new(seed);
    let mut world = World::new(kind, seed);
    let tabs = world.tabs.len();
    for _ in 0..25 {
        let tab = rng.below(tabs as u32) as usize;
        if world.tabs[tab].borrow().is_none() {
            world.open(tab);
        }
        match rng.below(20) {
            0..=3 => world.command(tab, "start"),
            4..=6 => world.command(tab, "stop"),
            7..=8 => world.command(tab, "reset"),
            9..=10 => world.on_tick(tab, None),
            11 => {
                let what = if rng.chance(50) { "stop" } else { "reset" };
                world.on_tick(tab, Some((what, 1 + u64::from(rng.below(4)))));
            }
            13..=16 => {
                let pause = rng.pick(&[0, 2, 30]);
                world.stream(tab, rng.next_u32(), pause);
            }
            17 if kind == Kind::Shared => {
                // The tab reloads: its counter goes, a new one joins.
                world.free(tab);
                world.open(tab);
            }
            _ => {}
        }
        sleep(rng.below(25)).await;
    }
    // The end: every run stops, every counter goes; then streams settle.
    for tab in 0..tabs {
        if world.tabs[tab].borrow().is_some() {
            world.command(tab, "stop");
        }
    }
    for promise in std::mem::take(&mut world.pending) {
        let _ = JsFuture::from(promise).await;
    }
    sleep(40).await;
    for tab in 0..tabs {
        if world.tabs[tab].borrow().is_some() {
            world.free(tab);
        }
    }
    sleep(40).await;
    let events = world.log.0.borrow().clone();
    events
}

async fn check_sequences(kind: Kind, default_seed: u32) {
    let base = base_seed(default_seed);
    let cases = case_count(8);
    for i in 0..cases {
        let seed = base.wrapping_add(i);
        let events = run_sequence(kind, seed).await;
        if let Err(what) = check(kind, &events) {
            let log: Vec<String> = events
                .iter()
                .map(|e| format!("#{} tab {} {:?}", e.seq, e.tab, e.what))
                .collect();
            panic!(
                "{kind:?}, seed {seed:#x}: {what}\nthe log:\n{}",
                log.join("\n")
            );
        }
    }
}

#[wasm_bindgen_test]
async fn counter_worker_keeps_the_contract_over_random_sequences() {
    check_sequences(Kind::Worker, 0xc0_0001).await;
}

#[wasm_bindgen_test]
async fn thread_counter_keeps_the_contract_over_random_sequences() {
    check_sequences(Kind::Thread, 0xc0_1001).await;
}

#[wasm_bindgen_test]
async fn two_shared_counter_tabs_keep_the_contract_over_random_sequences() {
    check_sequences(Kind::Shared, 0xc0_2001).await;
}
