//! Where loopbridge's own events go: every open [`Samples`](super::Samples)
//! stream of every running monitor. With none open, [`record`] is one
//! thread-local read and builds nothing.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::task::Waker;

use super::sample::{LoopSample, SampleKind};
use crate::web::clock::now_ms;

thread_local! {
    /// Every open stream of every running monitor on this thread.
    static OPEN: RefCell<Vec<Weak<Sink>>> = const { RefCell::new(Vec::new()) };
    /// How many of them there are: the fast "is anyone listening?".
    static LISTENING: Cell<usize> = const { Cell::new(0) };
}

/// Hands the sample `make` builds to every open stream; builds nothing when
/// none is open. Not API (see `__private`): what loopbridge's own crates report.
#[doc(hidden)]
pub fn record(make: impl FnOnce() -> LoopSample) {
    if LISTENING.with(Cell::get) == 0 {
        return;
    }
    let sample = make();
    // `try_with`: a record from a destructor at thread exit finds no list.
    let _ = OPEN.try_with(|open| {
        for sink in open.borrow().iter().filter_map(Weak::upgrade) {
            sink.push(sample.clone());
        }
    });
}

/// Whether any monitor stream is open on this thread: loopbridge records
/// its own events only then.
pub fn is_recording() -> bool {
    LISTENING.with(Cell::get) > 0
}

/// Records a mark of your own on every open monitor stream: `name`, from
/// `start_ms` (on the `performance.now()` clock) for `duration_ms`; it shows
/// up as [`SampleKind::Mark`].
///
/// # Examples
///
/// ```no_run
/// let started = loopbridge::now_ms();
/// // ... some work ...
/// loopbridge::monitor::mark("parse", started, loopbridge::now_ms() - started);
/// ```
pub fn mark(name: &str, start_ms: f64, duration_ms: f64) {
    record(|| LoopSample {
        kind: SampleKind::Mark {
            name: name.to_owned(),
        },
        start_ms,
        duration_ms,
    });
}

/// One stream's queue: at most `capacity` samples; past that the oldest go,
/// and the reader is told how many with a [`SampleKind::Dropped`].
#[derive(Debug)]
pub(super) struct Sink {
    state: RefCell<SinkState>,
}

#[derive(Debug)]
struct SinkState {
    queue: VecDeque<LoopSample>,
    capacity: usize,
    dropped: u64,
    closed: bool,
    waker: Option<Waker>,
}

impl Sink {
    /// A new open sink, on the thread's list until it is closed or dropped.
    pub(super) fn open(capacity: usize) -> Rc<Sink> {
        let sink = Rc::new(Sink {
            state: RefCell::new(SinkState {
                queue: VecDeque::new(),
                capacity: capacity.max(1),
                dropped: 0,
                closed: false,
                waker: None,
            }),
        });
        OPEN.with(|open| {
            let mut open = open.borrow_mut();
            open.retain(|sink| sink.strong_count() > 0);
            open.push(Rc::downgrade(&sink));
            LISTENING.with(|count| count.set(open.len()));
        });
        sink
    }

    pub(super) fn push(&self, sample: LoopSample) {
        let mut state = self.state.borrow_mut();
        if state.closed {
            return;
        }
        if state.queue.len() >= state.capacity {
            state.queue.pop_front();
            state.dropped += 1;
        }
        state.queue.push_back(sample);
        if let Some(waker) = state.waker.take() {
            waker.wake();
        }
    }

    /// The next sample (after a [`SampleKind::Dropped`] if any were lost);
    /// `Some(None)` once closed and empty; `None` to wait (`waker` is kept).
    pub(super) fn take(&self, waker: &Waker) -> Option<Option<LoopSample>> {
        let mut state = self.state.borrow_mut();
        if state.dropped > 0 {
            let count = std::mem::take(&mut state.dropped);
            return Some(Some(LoopSample {
                kind: SampleKind::Dropped { count },
                start_ms: now_ms(),
                duration_ms: 0.0,
            }));
        }
        if let Some(sample) = state.queue.pop_front() {
            return Some(Some(sample));
        }
        if state.closed {
            return Some(None);
        }
        state.waker = Some(waker.clone());
        None
    }

    pub(super) fn is_done(&self) -> bool {
        let state = self.state.borrow();
        state.closed && state.queue.is_empty() && state.dropped == 0
    }

    /// Ends the stream after what it holds, and takes it off the list.
    pub(super) fn close(self: &Rc<Self>) {
        let waker = {
            let mut state = self.state.borrow_mut();
            state.closed = true;
            state.waker.take()
        };
        forget(self);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

/// Takes `sink` (and any dropped sink) off the thread's list.
fn forget(sink: &Sink) {
    let _ = OPEN.try_with(|open| {
        let mut open = open.borrow_mut();
        open.retain(|other| other.strong_count() > 0 && !std::ptr::eq(other.as_ptr(), sink));
        LISTENING.with(|count| count.set(open.len()));
    });
}

impl Drop for Sink {
    fn drop(&mut self) {
        // The list holds a Weak to this sink, already dead: recount.
        forget(self);
    }
}
