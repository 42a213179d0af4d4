//! The Rust half of the bridge's underlying source: it hands the JS half
//! (`source.js`) batches of ready items and tells it when more are ready.
//! It never holds the stream's controller or anything else of the JS
//! stream, so a stream nobody reads can be garbage-collected, and with it
//! this object and the Rust stream inside (see `source.js`).

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;
use std::task::Poll;

use futures::future::{poll_fn, AbortHandle, Abortable};
use futures::stream::{LocalBoxStream, StreamExt};
use futures::FutureExt;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::slice::SliceClock;
use crate::monitor::{self, LoopSample, SampleKind};
use crate::panic::ensure_alive;
use crate::task::YieldNow;
use crate::web::clock::now_ms;

type Item = Result<JsValue, JsValue>;
pub(crate) type BoxedStream = LocalBoxStream<'static, Item>;

/// What [`StreamSource::fill`] stopped at. The numbers are the JS half's
/// `FILLED`, `PENDING`, ... constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
enum Fill {
    /// `max` items went into the buffer; more may be ready.
    Filled = 0,
    /// Nothing more is ready now: `wait(false)` says when.
    Pending = 1,
    /// The time slice is used up: `wait(true)` yields to the event loop first.
    SliceOver = 2,
    /// The stream ended after the items in the buffer.
    Ended = 3,
    /// The stream failed: the last element of the buffer is the error.
    Failed = 4,
}

/// The Rust stream behind one `ReadableStream`. Not part of the API: the JS
/// half gets it from [`into_readable_stream`](super::into_readable_stream).
#[wasm_bindgen(js_name = LoopbridgeStreamSource, private, skip_typescript)]
pub struct StreamSource {
    shared: Rc<Shared>,
    /// Whether its batches and yields are reported to loop monitors (not for
    /// a stream of monitor samples: it would describe itself without end).
    recorded: bool,
}

struct Shared {
    /// `None` once it ended, failed or was cancelled: dropped at once.
    stream: RefCell<Option<BoxedStream>>,
    /// The item a wait took from the stream (`None` inside: the end), for
    /// the next fill.
    taken: RefCell<Option<Option<Item>>>,
    /// The wait in flight: it owns the stream's waker until it finishes.
    waiting: RefCell<Option<AbortHandle>>,
}

impl StreamSource {
    pub(crate) fn new(stream: BoxedStream, recorded: bool) -> StreamSource {
        StreamSource {
            recorded,
            shared: Rc::new(Shared {
                stream: RefCell::new(Some(stream)),
                taken: RefCell::new(None),
                waiting: RefCell::new(None),
            }),
        }
    }
}

#[wasm_bindgen(js_class = LoopbridgeStreamSource)]
impl StreamSource {
    /// Pushes every item that is ready now onto `buffer`, at most `max`,
    /// and stops early once `performance.now()` passes `deadline_ms` (before
    /// the first item too). Returns what it stopped at ([`Fill`]). The end
    /// or a failure drops the Rust stream at once.
    pub fn fill(&self, buffer: &Array, max: u32, deadline_ms: f64) -> u32 {
        let mut chunks = 0;
        let fill = self.shared.fill(buffer, max, deadline_ms, &mut chunks);
        if chunks > 0 && self.recorded {
            monitor::record(|| LoopSample {
                kind: SampleKind::StreamBatch { chunks },
                start_ms: now_ms(),
                duration_ms: 0.0,
            });
        }
        fill as u32
    }

    /// Resolves once the stream has an item (or its end) ready for the next
    /// fill; with `yield_first`, only after a macrotask, so the event loop
    /// gets a turn. Never rejects. A cancel (`free()`) abandons it.
    pub fn wait(&self, yield_first: bool) -> Promise {
        let shared = Rc::clone(&self.shared);
        let recorded = self.recorded;
        let (handle, registration) = AbortHandle::new_pair();
        if let Some(earlier) = self.shared.waiting.replace(Some(handle)) {
            earlier.abort();
        }
        let ready = async move {
            if yield_first {
                YieldNow::new(recorded).await;
            }
            if shared.taken.borrow().is_some() {
                // A fill stopped at the slice's end with an item already taken.
                shared.waiting.borrow_mut().take();
                return;
            }
            let next = poll_fn(|cx| {
                let Ok(mut slot) = shared.stream.try_borrow_mut() else {
                    // Busy further up the stack: look again in a microtask.
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                };
                match slot.as_mut() {
                    None => Poll::Ready(None),
                    Some(stream) => stream.poll_next_unpin(cx).map(Some),
                }
            })
            .await;
            if let Some(next) = next {
                *shared.taken.borrow_mut() = Some(next);
            }
            shared.waiting.borrow_mut().take();
        };
        future_to_promise(Abortable::new(ready, registration).map(|_| Ok(JsValue::UNDEFINED)))
    }
}

impl Shared {
    /// See [`StreamSource::fill`]; `pushed` counts the chunks pushed.
    fn fill(&self, buffer: &Array, max: u32, deadline_ms: f64, pushed: &mut u32) -> Fill {
        if let Err(panicked) = ensure_alive() {
            // After a panic nothing runs Rust code it may have left half-done:
            // the stream fails with the PanicError, after what it had.
            self.finish();
            buffer.push(&panicked);
            return Fill::Failed;
        }
        if self.waiting.borrow().is_some() {
            return Fill::Pending; // the wait will say when
        }
        let mut clock = SliceClock::new(deadline_ms);
        loop {
            if *pushed >= max {
                return Fill::Filled;
            }
            if clock.is_over() {
                return Fill::SliceOver;
            }
            let next = match self.taken.borrow_mut().take() {
                Some(next) => next,
                None => match self.poll_now() {
                    Some(next) => next,
                    None => return Fill::Pending,
                },
            };
            match next {
                Some(Ok(chunk)) => {
                    buffer.push(&chunk);
                    *pushed += 1;
                }
                Some(Err(error)) => {
                    self.finish();
                    buffer.push(&error);
                    return Fill::Failed;
                }
                None => {
                    self.finish();
                    return Fill::Ended;
                }
            }
        }
    }

    /// The next item if it is ready now (`Some(None)`: the end); `None` if
    /// not, or if the stream is busy further up the stack.
    fn poll_now(&self) -> Option<Option<Item>> {
        let mut slot = self.stream.try_borrow_mut().ok()?;
        match slot.as_mut() {
            None => Some(None),
            Some(stream) => stream.next().now_or_never(),
        }
    }

    /// Drops the Rust stream, what a wait took from it, and the wait.
    fn finish(&self) {
        if let Some(waiting) = self.waiting.borrow_mut().take() {
            waiting.abort();
        }
        // Busy only if the stream's own code freed this source from inside
        // a poll: then the stream goes when that poll returns and the last
        // `Rc` of this state is dropped.
        if let Ok(mut slot) = self.stream.try_borrow_mut() {
            drop(slot.take());
        }
        if let Ok(mut taken) = self.taken.try_borrow_mut() {
            drop(taken.take());
        }
    }
}

impl Drop for StreamSource {
    fn drop(&mut self) {
        self.shared.finish();
    }
}

impl fmt::Debug for StreamSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = self
            .shared
            .stream
            .try_borrow()
            .map_or(true, |stream| stream.is_some());
        f.debug_struct("StreamSource")
            .field("open", &open)
            .finish_non_exhaustive()
    }
}
