//! [`Ticks`]: a [`Ticker`](crate::Ticker)'s deliveries as a Rust `Stream`.

use std::cell::{Cell, RefCell};
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use futures::stream::{FusedStream, Stream};

/// The counts a [`Ticker`](crate::Ticker) delivers, from
/// [`Ticker::ticks`](crate::Ticker::ticks).
///
/// It holds only the latest undelivered count (a slow reader sees the newest
/// count, never a backlog, and never one from before a reset) and ends when
/// the run it belongs to ends (the ticker stops) or the ticker is dropped,
/// after the run's final count. Dropping it unsubscribes.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Ticks {
    slot: Rc<Slot>,
}

/// What the ticker and one `Ticks` share.
#[derive(Debug, Default)]
struct Slot {
    latest: Cell<Option<u64>>,
    closed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

/// Every open [`Ticks`] of one counter: the counter pushes each delivered
/// count to all of them, forgets undelivered counts when it is reset, and
/// closes them all when a run ends.
#[derive(Debug, Default)]
pub struct Subscribers {
    slots: Vec<Weak<Slot>>,
}

impl Subscribers {
    /// A new stream of this counter's counts.
    pub fn subscribe(&mut self) -> Ticks {
        let slot = Rc::new(Slot::default());
        self.slots.retain(|slot| slot.strong_count() > 0);
        self.slots.push(Rc::downgrade(&slot));
        Ticks { slot }
    }

    /// Hands `count` to every stream still open (and forgets dropped ones).
    pub fn push(&mut self, count: u64) {
        self.slots.retain(|slot| match slot.upgrade() {
            Some(slot) => {
                if !slot.closed.get() {
                    slot.push(count);
                }
                true
            }
            None => false,
        });
    }

    /// Forgets every count not yet taken, in closed streams too (the counter
    /// was reset: what is waiting belongs to the time before).
    pub fn clear_pending(&mut self) {
        for slot in self.slots.iter().filter_map(Weak::upgrade) {
            slot.latest.set(None);
        }
    }

    /// Ends every open stream, after the count each still holds (a run
    /// ended). A closed stream stays on the list until it is dropped, so a
    /// reset can still take back the count it holds.
    pub fn close_all(&mut self) {
        self.slots.retain(|slot| match slot.upgrade() {
            Some(slot) => {
                slot.close();
                true
            }
            None => false,
        });
    }
}

impl Slot {
    fn push(&self, count: u64) {
        self.latest.set(Some(count));
        self.wake();
    }

    /// Ends the stream. A count not yet taken is still read first: it was
    /// delivered before the run ended (the run's final count).
    fn close(&self) {
        self.closed.set(true);
        self.wake();
    }

    fn wake(&self) {
        if let Some(waker) = self.waker.borrow_mut().take() {
            waker.wake();
        }
    }
}

impl Stream for Ticks {
    type Item = u64;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u64>> {
        let slot = &self.slot;
        if let Some(count) = slot.latest.take() {
            return Poll::Ready(Some(count));
        }
        if slot.closed.get() {
            return Poll::Ready(None);
        }
        *slot.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl FusedStream for Ticks {
    fn is_terminated(&self) -> bool {
        self.slot.closed.get() && self.slot.latest.get().is_none()
    }
}
