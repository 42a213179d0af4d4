//! [`Ticker`]: the start/stop counter at the heart of `CounterWorker`, as a
//! Rust API. Its count is measured with `performance.now()`, its deliveries are
//! scheduled against absolute deadlines, and missed deliveries are coalesced.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::time::Duration;

use gloo_timers::callback::Timeout;

use super::ticks::{Subscribers, Ticks};
use crate::monitor::{self, LoopSample, SampleKind};
use crate::time::MAX_TIMER_MS;
use crate::web::clock::now_ms;
use crate::web::describe::show_number;
use crate::Error;

/// One delivery of a [`Ticker`]: the count it carries and how late it was.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tick {
    /// Whole intervals elapsed since `start()` (or the last `reset()`).
    pub count: u64,
    /// Counts skipped because deliveries were missed (blocked thread,
    /// throttled tab); they are folded into this one delivery.
    pub missed: u64,
    /// When this delivery was due: the deadline of the first count it carries,
    /// in `performance.now()` milliseconds.
    pub deadline_ms: f64,
    /// How far behind that deadline it ran, in milliseconds.
    pub lateness_ms: f64,
}

/// A counter that ticks once per interval while running, like a worker
/// thread that counts once a second until its stop flag is set.
///
/// - [`count`](Ticker::count) is measured, not counted: the number of whole
///   intervals since `start()`, read from `performance.now()`, so it is never
///   behind because a timer fired late or the thread was blocked.
/// - Deliveries (the [`on_tick`](Ticker::on_tick) callback and every
///   [`ticks`](Ticker::ticks) stream) are scheduled at `start + k·interval`, so
///   they do not drift. After a stall the next delivery carries the caught-up
///   count once, with [`Tick::missed`] saying how many were folded in.
/// - [`stop`](Ticker::stop) is synchronous: nothing is delivered after it
///   returns. Dropping the `Ticker` stops it and releases its timer.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use futures::StreamExt;
/// use loopbridge::Ticker;
///
/// # async fn run() {
/// let ticker = Ticker::new(Duration::from_millis(100));
/// ticker.on_tick(|tick: &loopbridge::Tick| {
///     web_sys::console::log_1(&format!("tick {} ({:.1} ms late)", tick.count, tick.lateness_ms).into());
/// });
/// let mut counts = ticker.ticks();
/// ticker.start();
/// assert_eq!(counts.next().await, Some(1));
/// ticker.stop();
/// assert_eq!(counts.next().await, None); // streams end when the ticker stops
/// # }
/// ```
#[must_use = "a Ticker stops when it is dropped"]
pub struct Ticker {
    inner: Rc<Inner>,
}

type Callback = Rc<dyn Fn(&Tick)>;

struct Inner {
    interval_ms: f64,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    run: Option<Run>,
    /// The count held while stopped.
    stopped_count: u64,
    last_tick: Option<Tick>,
    callback: Option<Callback>,
    subscribers: Subscribers,
}

/// Everything that exists only while the ticker runs.
struct Run {
    epoch_ms: f64,
    delivered: u64,
    timer: Option<Timeout>,
}

impl Ticker {
    /// A stopped ticker with the given interval.
    ///
    /// # Panics
    ///
    /// If `interval` is under 1 ms or over 2³¹−1 ms (the longest timer
    /// browsers honour); [`Ticker::try_new`] returns the error instead.
    pub fn new(interval: Duration) -> Ticker {
        match Ticker::try_new(interval) {
            Ok(ticker) => ticker,
            Err(error) => panic!("{error}"),
        }
    }

    /// A stopped ticker with the given interval.
    ///
    /// # Errors
    ///
    /// [`Error::Range`] if `interval` is under 1 ms or over 2³¹−1 ms.
    pub fn try_new(interval: Duration) -> Result<Ticker, Error> {
        Ticker::with_interval_ms(interval.as_secs_f64() * 1000.0)
    }

    /// Like [`try_new`](Ticker::try_new) with the interval in (possibly
    /// fractional) milliseconds, as JS gives it.
    ///
    /// # Errors
    ///
    /// [`Error::Range`] if `interval_ms` is not a finite number from 1 to
    /// [`MAX_TIMER_MS`](crate::MAX_TIMER_MS).
    pub fn with_interval_ms(interval_ms: f64) -> Result<Ticker, Error> {
        if !(interval_ms.is_finite() && (1.0..=MAX_TIMER_MS).contains(&interval_ms)) {
            return Err(Error::Range(format!(
                "interval must be from 1 ms to {} ms, got {} ms",
                show_number(MAX_TIMER_MS),
                show_number(interval_ms)
            )));
        }
        Ok(Ticker {
            inner: Rc::new(Inner {
                interval_ms,
                state: RefCell::default(),
            }),
        })
    }

    /// The interval in milliseconds.
    pub fn interval_ms(&self) -> f64 {
        self.inner.interval_ms
    }

    /// Whether the ticker is running.
    pub fn is_running(&self) -> bool {
        self.inner.state.borrow().run.is_some()
    }

    /// Whole intervals elapsed since `start()` or the last `reset()`, measured
    /// now; while stopped, the count it had when it stopped.
    pub fn count(&self) -> u64 {
        let state = self.inner.state.borrow();
        match &state.run {
            Some(run) => self.inner.elapsed(run, now_ms()),
            None => state.stopped_count,
        }
    }

    /// The most recent delivery, if there was one.
    pub fn last_tick(&self) -> Option<Tick> {
        self.inner.state.borrow().last_tick
    }

    /// Starts counting from 0. Returns `false`, changing nothing, if it is
    /// already running.
    pub fn start(&self) -> bool {
        if self.is_running() {
            return false;
        }
        self.start_at(now_ms())
    }

    /// Starts (or, if running, re-bases) counting as if it had started at
    /// `epoch_ms` (a `performance.now()` time, possibly in the past): the
    /// count continues from there, and the next delivery is the next
    /// deadline, with no burst for the counts already past. How a counter
    /// shared across tabs picks up where another tab left off. Returns
    /// whether it was stopped before.
    pub fn start_at(&self, epoch_ms: f64) -> bool {
        let mut state = self.inner.state.borrow_mut();
        let was_stopped = state.run.is_none();
        let mut run = Run {
            epoch_ms,
            delivered: 0,
            timer: None,
        };
        run.delivered = self.inner.elapsed(&run, now_ms());
        self.inner.schedule(&mut run);
        state.run = Some(run);
        was_stopped
    }

    /// Stops counting and keeps the final count. Returns `false` (and changes
    /// nothing) if it was already stopped. Synchronous: no callback runs and
    /// no new count is delivered after this returns; every
    /// [`ticks`](Ticker::ticks) stream ends after the last count delivered.
    pub fn stop(&self) -> bool {
        let mut state = self.inner.state.borrow_mut();
        let Some(run) = state.run.take() else {
            return false;
        };
        state.stopped_count = self.inner.elapsed(&run, now_ms());
        drop(run); // clears the pending timer
        state.subscribers.close_all();
        true
    }

    /// Sets the count back to 0. While running, counting restarts from now
    /// (the next delivery is one interval away). Counts delivered before but
    /// not yet read from a [`ticks`](Ticker::ticks) stream are dropped.
    pub fn reset(&self) {
        let mut state = self.inner.state.borrow_mut();
        state.subscribers.clear_pending();
        match state.run.as_mut() {
            Some(run) => {
                run.epoch_ms = now_ms();
                run.delivered = 0;
                self.inner.schedule(run);
            }
            None => state.stopped_count = 0,
        }
    }

    /// Sets the function called with each delivery, replacing any earlier
    /// one. It may call back into the ticker, including `stop()`, and may drop it.
    pub fn on_tick(&self, callback: impl Fn(&Tick) + 'static) {
        self.inner.state.borrow_mut().callback = Some(Rc::new(callback));
    }

    /// Removes the function set with [`on_tick`](Ticker::on_tick).
    pub fn clear_on_tick(&self) {
        self.inner.state.borrow_mut().callback = None;
    }

    /// A stream of the counts as they are delivered. It ends when the run
    /// ends (the next [`stop`](Ticker::stop) of a running ticker; one taken
    /// while stopped waits for the next run) or the ticker is dropped, after
    /// the run's final count. A slow reader gets the latest count, not a
    /// backlog, and never one from before a [`reset`](Ticker::reset).
    pub fn ticks(&self) -> Ticks {
        self.inner.state.borrow_mut().subscribers.subscribe()
    }
}

impl fmt::Debug for Ticker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticker")
            .field("interval_ms", &self.interval_ms())
            .field("running", &self.is_running())
            .field("count", &self.count())
            .finish()
    }
}

impl Inner {
    fn elapsed(&self, run: &Run, now_ms: f64) -> u64 {
        // `as` saturates: a negative or NaN difference gives 0.
        ((now_ms - run.epoch_ms) / self.interval_ms).floor() as u64
    }

    fn deadline(&self, run: &Run, count: u64) -> f64 {
        run.epoch_ms + count as f64 * self.interval_ms
    }

    /// Arms (or re-arms) the timer for the next undelivered count.
    fn schedule(self: &Rc<Self>, run: &mut Run) {
        let wait_ms = (self.deadline(run, run.delivered + 1) - now_ms()).ceil();
        let wait_ms = wait_ms.clamp(0.0, MAX_TIMER_MS) as u32;
        let inner = Rc::downgrade(self);
        // Replacing the old timer clears it.
        run.timer = Some(Timeout::new(wait_ms, move || {
            if let Some(inner) = inner.upgrade() {
                inner.fire();
            }
        }));
    }

    fn fire(self: &Rc<Self>) {
        let mut state = self.state.borrow_mut();
        let Some(run) = state.run.as_mut() else {
            return;
        };
        let now = now_ms();
        let count = self.elapsed(run, now);
        if count <= run.delivered {
            // The timer ran a hair early against performance.now(): wait on.
            self.schedule(run);
            return;
        }
        let deadline_ms = self.deadline(run, run.delivered + 1);
        let tick = Tick {
            count,
            missed: count - run.delivered - 1,
            deadline_ms,
            lateness_ms: (now - deadline_ms).max(0.0),
        };
        run.delivered = count;
        self.schedule(run);
        monitor::record(|| LoopSample {
            kind: SampleKind::Tick {
                count,
                missed: tick.missed,
            },
            start_ms: deadline_ms,
            duration_ms: tick.lateness_ms,
        });
        state.last_tick = Some(tick);
        state.subscribers.push(count);
        let callback = state.callback.clone();
        drop(state); // the callback may call back into the ticker
        if let Some(callback) = callback {
            callback(&tick);
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.state.get_mut().subscribers.close_all();
    }
}
