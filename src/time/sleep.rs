//! [`sleep`]s share one browser timer. Every pending sleep waits in a queue
//! ordered by deadline, and a single `setTimeout` is armed for the earliest:
//! 10,000 tasks sleeping 1 ms cost one timer and one call into wasm, not
//! 10,000 of each. Dropping a sleep takes it out of the queue, and the timer
//! is cleared when the queue empties, so nothing outlives its owner.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use gloo_timers::callback::Timeout;

use crate::monitor::{self, LoopSample, SampleKind};
use crate::time::MAX_TIMER_MS;
use crate::web::clock::now_ms;

/// Queue position: the deadline's bits (non-negative `f64`s order like their
/// bits) and a sequence number that keeps equal deadlines apart.
type Key = (u64, u64);

#[derive(Default)]
struct Queue {
    /// Each sleep's waker and its duration (to report when it began).
    waiting: BTreeMap<Key, (Waker, f64)>,
    next_seq: u64,
    /// The one browser timer, and the deadline it was armed for.
    armed: Option<(f64, Timeout)>,
}

thread_local! {
    static QUEUE: RefCell<Queue> = RefCell::default();
}

/// Waits for `duration` without blocking: the event loop runs meanwhile.
/// The wait starts at the first poll. Dropping the future takes it off the
/// shared timer. Durations longer than a browser timer allows (about 24.8
/// days) are waited in full, not cut short.
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        duration_ms: duration.as_secs_f64() * 1000.0,
        key: None,
    }
}

/// The future returned by [`sleep`].
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    duration_ms: f64,
    /// Set at the first poll; the deadline is in its first half.
    key: Option<Key>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.duration_ms <= 0.0 {
            return Poll::Ready(());
        }
        let now = now_ms();
        QUEUE.with(|queue| {
            let mut queue = queue.borrow_mut();
            let key = match self.key {
                Some(key) => key,
                None => {
                    let key = ((now + self.duration_ms).to_bits(), queue.next_seq);
                    queue.next_seq += 1;
                    self.key = Some(key);
                    key
                }
            };
            let deadline = f64::from_bits(key.0);
            if now >= deadline {
                queue.waiting.remove(&key);
                return Poll::Ready(());
            }
            queue
                .waiting
                .insert(key, (cx.waker().clone(), self.duration_ms));
            queue.arm(deadline, now);
            Poll::Pending
        })
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        // `try_with`: the queue may already be gone when the thread ends.
        let _ = QUEUE.try_with(|queue| {
            let mut queue = queue.borrow_mut();
            queue.waiting.remove(&key);
            if queue.waiting.is_empty() {
                queue.armed = None; // clears the browser timer
            }
        });
    }
}

impl Queue {
    /// Makes sure the timer fires no later than `deadline`.
    fn arm(&mut self, deadline: f64, now: f64) {
        if matches!(self.armed, Some((armed, _)) if armed <= deadline) {
            return;
        }
        let delay = (deadline - now).ceil().clamp(0.0, MAX_TIMER_MS);
        self.armed = Some((deadline, Timeout::new(delay as u32, fire)));
    }
}

/// The timer fired: wake every sleep that is due and re-arm for the next.
fn fire() {
    let now = now_ms();
    let due = QUEUE.with(|queue| {
        let mut queue = queue.borrow_mut();
        queue.armed = None;
        let later = queue.waiting.split_off(&(now.to_bits(), u64::MAX));
        let due = std::mem::replace(&mut queue.waiting, later);
        if let Some((&(deadline, _), _)) = queue.waiting.first_key_value() {
            queue.arm(f64::from_bits(deadline), now);
        }
        due
    });
    for ((deadline, _), (waker, duration_ms)) in due {
        let start_ms = f64::from_bits(deadline) - duration_ms;
        monitor::record(|| LoopSample {
            kind: SampleKind::Sleep,
            start_ms,
            duration_ms: now - start_ms,
        });
        waker.wake(); // schedules the task; nothing runs inside this call
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("started", &self.key.is_some())
            .finish_non_exhaustive()
    }
}
