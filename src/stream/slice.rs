//! The event loop's fair share. A fast producer read by a fast reader never
//! waits: every `read()` is answered at once and resolved in a microtask, so
//! draining a million items would be one task of seconds, during which no
//! frame is painted and no click handled (a pure-JS stream behaves the same).
//!
//! The bridge works in time slices instead. The JS half (`source.js`) starts
//! a slice at the first read of a task and ends it with a macrotask; past
//! 10 ms (`SLICE_MS` there: well under the 50 ms that counts as a long
//! task) it answers the next read only after that macrotask. A fill
//! from the Rust stream gets the slice's deadline and stops there too, so no
//! task runs longer than the slice plus one item, whatever the high-water
//! mark. [`SliceClock`] keeps the cost of looking at the clock low.

use crate::web::clock::now_ms;

/// Reads the clock only as often as needed to stop near a deadline: after
/// each reading it skips as many items as, at the pace seen so far, use up
/// at most a quarter of the time left, but at most twice as many (plus one)
/// as the last time and never more than 64. Items that take long are so
/// checked one by one, and a fast item or two cannot hide slow ones behind
/// a long skip.
#[derive(Debug)]
pub(crate) struct SliceClock {
    deadline_ms: f64,
    /// Items until the next reading, and how many the last reading skipped.
    skip: u32,
    stride: u32,
    /// Items since the last reading, and when that was.
    since: u32,
    last_ms: Option<f64>,
}

impl SliceClock {
    const MAX_SKIP: u32 = 64;

    pub(crate) fn new(deadline_ms: f64) -> SliceClock {
        SliceClock {
            deadline_ms,
            skip: 0,
            stride: 0,
            since: 0,
            last_ms: None,
        }
    }

    /// Whether the deadline has passed; called once before each item.
    pub(crate) fn is_over(&mut self) -> bool {
        if self.skip > 0 {
            self.skip -= 1;
            self.since += 1;
            return false;
        }
        let now = now_ms();
        // A NaN deadline counts as passed.
        if now >= self.deadline_ms || self.deadline_ms.is_nan() {
            return true;
        }
        if let Some(last) = self.last_ms {
            let per_item = (now - last) / f64::from(self.since.max(1));
            let left = self.deadline_ms - now;
            let affordable = if per_item > 0.0 {
                (left / 4.0 / per_item).floor()
            } else {
                f64::from(Self::MAX_SKIP)
            };
            let grown = self.stride.saturating_mul(2).saturating_add(1);
            // `as` saturates a huge or NaN quotient.
            self.skip = (affordable as u32).min(grown).min(Self::MAX_SKIP);
            self.stride = self.skip;
        }
        self.last_ms = Some(now);
        self.since = 1;
        false
    }
}
