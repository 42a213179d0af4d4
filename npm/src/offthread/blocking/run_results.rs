//! A run's results on their way from the worker's messages to the run's
//! stream: a small single-threaded queue. Dropping the stream end (its
//! `ReadableStream` was cancelled or aborted) cancels the run; dropping the
//! sending end (the run ended) ends the stream after the queued results.

use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::Stream;
use wasm_bindgen::JsValue;

type Item = Result<JsValue, JsValue>;

#[derive(Default)]
struct Queue {
    items: Vec<Item>,
    closed: bool,
    waker: Option<Waker>,
}

/// Where the page puts a run's results.
pub(crate) struct ResultSender(Rc<RefCell<Queue>>);

/// A run's results as a Rust `Stream`.
pub(crate) struct RunResults {
    queue: Rc<RefCell<Queue>>,
    on_drop: Option<Box<dyn FnOnce()>>,
}

/// A new queue; `on_drop` runs when its stream end is dropped.
pub(crate) fn run_results(on_drop: impl FnOnce() + 'static) -> (ResultSender, RunResults) {
    let queue = Rc::new(RefCell::new(Queue::default()));
    let results = RunResults {
        queue: Rc::clone(&queue),
        on_drop: Some(Box::new(on_drop)),
    };
    (ResultSender(queue), results)
}

impl ResultSender {
    /// Queues `item` for the stream.
    pub(crate) fn send(&self, item: Item) {
        self.change(|queue| queue.items.push(item));
    }

    /// Applies `change`, then wakes the stream's reader (outside the borrow).
    fn change(&self, change: impl FnOnce(&mut Queue)) {
        let waker = {
            let mut queue = self.0.borrow_mut();
            change(&mut queue);
            queue.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Drop for ResultSender {
    fn drop(&mut self) {
        self.change(|queue| queue.closed = true);
    }
}

impl Stream for RunResults {
    type Item = Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Item>> {
        let mut queue = self.queue.borrow_mut();
        if !queue.items.is_empty() {
            return Poll::Ready(Some(queue.items.remove(0)));
        }
        if queue.closed {
            return Poll::Ready(None);
        }
        queue.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for RunResults {
    fn drop(&mut self) {
        if let Some(on_drop) = self.on_drop.take() {
            on_drop();
        }
    }
}
