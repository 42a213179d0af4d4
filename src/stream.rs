//! Rust `Stream` -> web `ReadableStream`.
//!
//! Pull-based: the browser asks for data when its queue has room, and each
//! pull enqueues every item that is ready right now (up to the queue's desired
//! size) before waiting, instead of one Promise round trip per item.
//! A JS `cancel()`, an abort of the optional `AbortSignal`, the end of the
//! stream, an `Err` item and garbage collection all drop the Rust stream and
//! release everything the bridge registered. The underlying source is a
//! wasm-bindgen object whose `start`/`pull`/`cancel` methods the stream calls.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use std::task::Poll;

use futures::future::{poll_fn, AbortHandle, Abortable};
use futures::stream::{LocalBoxStream, Stream, StreamExt};
use futures::FutureExt;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{
    AbortSignal, AddEventListenerOptions, ReadableStream, ReadableStreamDefaultController,
};

use crate::brand::LoopbridgeObject;
use crate::panic::ensure_alive;
use crate::slice;
use crate::task::yield_now;

/// How [`into_readable_stream`] builds its `ReadableStream`.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// How many chunks the stream's queue holds before it stops pulling
    /// (backpressure). Default 16.
    pub high_water_mark: f64,
    /// Aborting it drops the Rust stream and errors the `ReadableStream`
    /// with the signal's `reason`.
    pub signal: Option<AbortSignal>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            high_water_mark: 16.0,
            signal: None,
        }
    }
}

/// Turns `stream` into a `ReadableStream`.
///
/// Each `Ok` item becomes a chunk. An `Err` item errors the stream after
/// every earlier chunk was delivered; a value that is not a JS `Error` is
/// wrapped in one, so readers always get an `Error` with a message. The end
/// of `stream` closes the `ReadableStream`.
///
/// The result works with `getReader()`, `for await`, `tee()`,
/// `pipeThrough()`, `pipeTo()` and `new Response(stream)`.
///
/// # Errors
///
/// Whatever the `ReadableStream` constructor throws (only where web streams
/// are missing).
///
/// # Examples
///
/// ```no_run
/// use futures::stream;
/// use loopbridge::{into_readable_stream, StreamOptions};
///
/// let numbers = stream::iter((0..3).map(Ok::<u32, String>));
/// let readable = into_readable_stream(numbers, StreamOptions::default()).unwrap();
/// ```
pub fn into_readable_stream<S, T, E>(
    stream: S,
    options: StreamOptions,
) -> Result<ReadableStream, JsValue>
where
    S: Stream<Item = Result<T, E>> + 'static,
    T: Into<JsValue>,
    E: Into<JsValue>,
{
    let stream = stream
        .map(|item| {
            item.map(Into::into)
                .map_err(|error| into_error(error.into()))
        })
        .boxed_local();
    let source = IntoUnderlyingSource {
        parent: LoopbridgeObject.into(),
        shared: Rc::new(Shared {
            stream: RefCell::new(Some(stream)),
            controller: RefCell::new(None),
            pull: RefCell::new(None),
            done: Cell::new(false),
            signal: options.signal.clone(),
            on_abort: RefCell::new(None),
        }),
    };
    readable_from(source, options.high_water_mark, options.signal)
}

#[wasm_bindgen(module = "/src/stream_source.js")]
extern "C" {
    /// `new ReadableStream` over `source`, asking Rust for chunks in batches.
    #[wasm_bindgen(js_name = readableFrom, catch)]
    fn readable_from(
        source: IntoUnderlyingSource,
        high_water_mark: f64,
        signal: Option<AbortSignal>,
    ) -> Result<ReadableStream, JsValue>;
}

type BoxedStream = LocalBoxStream<'static, Result<JsValue, JsValue>>;

/// The underlying source object handed to the `ReadableStream` constructor.
#[wasm_bindgen(
    js_name = LoopbridgeUnderlyingSource,
    skip_typescript,
    extends = LoopbridgeObject
)]
pub struct IntoUnderlyingSource {
    shared: Rc<Shared>,
}

struct Shared {
    /// `None` once done.
    stream: RefCell<Option<BoxedStream>>,
    controller: RefCell<Option<ReadableStreamDefaultController>>,
    /// The pull in flight, so that finishing can drop the stream it holds.
    pull: RefCell<Option<AbortHandle>>,
    done: Cell<bool>,
    signal: Option<AbortSignal>,
    on_abort: RefCell<Option<Closure<dyn FnMut()>>>,
}

#[wasm_bindgen(js_class = LoopbridgeUnderlyingSource)]
impl IntoUnderlyingSource {
    /// Called once by the `ReadableStream` constructor.
    pub fn start(&mut self, controller: ReadableStreamDefaultController) {
        *self.shared.controller.borrow_mut() = Some(controller);
        if let Some(signal) = &self.shared.signal {
            if signal.aborted() {
                self.shared.abort();
            } else {
                self.shared.listen_for_abort(signal);
            }
        }
    }

    /// Called by the stream when its queue has room. Returns `undefined`
    /// when it enqueued synchronously (no Promise to make or wait for), or a
    /// Promise while it waits for the producer; throws to error the stream.
    /// `true` (or a Promise of it) says the stream is finished: the JS half
    /// then frees this source at once instead of leaving it to the GC.
    pub fn pull(
        &mut self,
        controller: ReadableStreamDefaultController,
    ) -> Result<JsValue, JsValue> {
        ensure_alive()?;
        // Fast path: an item is ready now, so enqueue synchronously, with no
        // task and no Promise round trip (the common case for a fast producer
        // and a reader that reads one item at a time). Unless this stretch
        // has kept the thread too long: then yield to the event loop first.
        let yield_first = slice::over_budget();
        if !yield_first {
            match self.shared.with_stream(|stream| {
                stream
                    .next()
                    .now_or_never()
                    .map(|first| enqueue_ready(stream, &controller, first))
            }) {
                None => return Ok(JsValue::TRUE), // finished
                Some(Some(outcome)) => return self.shared.settle(outcome).map(JsValue::from),
                Some(None) => {} // nothing ready: wait for it below
            }
        }
        let shared = Rc::clone(&self.shared);
        let (handle, registration) = AbortHandle::new_pair();
        *self.shared.pull.borrow_mut() = Some(handle);
        let pull = async move {
            if yield_first {
                yield_now().await;
            }
            // The stream stays in `shared` while this waits, so that a cancel
            // or an abort drops it at once.
            let first =
                poll_fn(
                    |cx| match shared.with_stream(|stream| stream.poll_next_unpin(cx)) {
                        None => Poll::Ready(None),
                        Some(Poll::Ready(first)) => Poll::Ready(Some(first)),
                        Some(Poll::Pending) => Poll::Pending,
                    },
                )
                .await;
            let Some(first) = first else {
                return Ok(JsValue::TRUE);
            };
            let finished =
                match shared.with_stream(|stream| enqueue_ready(stream, &controller, first)) {
                    Some(outcome) => shared.settle(outcome)?,
                    None => true,
                };
            Ok(finished.into())
        };
        // Aborted only by a cancel or an abort signal: finished either way.
        Ok(future_to_promise(
            Abortable::new(pull, registration).map(|outcome| outcome.unwrap_or(Ok(JsValue::TRUE))),
        )
        .into())
    }

    /// Called by the stream on `cancel()`: drops the Rust stream now.
    pub fn cancel(self) {}
}

impl Shared {
    fn listen_for_abort(self: &Rc<Self>, signal: &AbortSignal) {
        let shared: Weak<Shared> = Rc::downgrade(self);
        let on_abort = Closure::<dyn FnMut()>::new(move || {
            if let Some(shared) = shared.upgrade() {
                shared.abort();
            }
        });
        let options = AddEventListenerOptions::new();
        options.set_once(true);
        // Cannot fail for a function listener on a live signal.
        let _ = signal.add_event_listener_with_callback_and_add_event_listener_options(
            "abort",
            on_abort.as_ref().unchecked_ref(),
            &options,
        );
        *self.on_abort.borrow_mut() = Some(on_abort);
    }

    /// The signal fired: error the stream with its reason, drop the producer.
    fn abort(&self) {
        if self.done.get() {
            return;
        }
        let reason = self
            .signal
            .as_ref()
            .map_or(JsValue::UNDEFINED, AbortSignal::reason);
        if let Some(controller) = self.controller.borrow().as_ref() {
            controller.error_with_e(&reason);
        }
        self.finish();
    }

    /// Runs `f` on the Rust stream; `None` once it is gone (finished, or
    /// busy in a call further up the stack).
    fn with_stream<R>(&self, f: impl FnOnce(&mut BoxedStream) -> R) -> Option<R> {
        if self.done.get() {
            return None;
        }
        let mut slot = self.stream.try_borrow_mut().ok()?;
        slot.as_mut().map(f)
    }

    /// After a pull: finishes unless the stream is still open. `Ok(true)`
    /// when it finished.
    fn settle(&self, outcome: Result<bool, JsValue>) -> Result<bool, JsValue> {
        match outcome {
            Ok(true) => Ok(false),
            Ok(false) => {
                self.finish();
                Ok(true)
            }
            Err(error) => {
                self.finish();
                Err(error)
            }
        }
    }

    /// Drops the Rust stream (or the pull holding it) and the abort listener.
    fn finish(&self) {
        self.done.set(true);
        if let Some(pull) = self.pull.borrow_mut().take() {
            pull.abort();
        }
        // Busy only if the stream's own code cancelled it from inside a poll:
        // then `done` makes every later access drop out, and the stream goes
        // with the source.
        if let Ok(mut slot) = self.stream.try_borrow_mut() {
            drop(slot.take());
        }
        if let Some(on_abort) = self.on_abort.borrow_mut().take() {
            if let Some(signal) = &self.signal {
                let _ = signal.remove_event_listener_with_callback(
                    "abort",
                    on_abort.as_ref().unchecked_ref(),
                );
            }
        }
        self.controller.borrow_mut().take();
    }
}

impl Drop for IntoUnderlyingSource {
    fn drop(&mut self) {
        self.shared.finish();
    }
}

impl fmt::Debug for IntoUnderlyingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoUnderlyingSource")
            .field("done", &self.shared.done.get())
            .finish_non_exhaustive()
    }
}

/// Enqueues `first` (the next item, or `None` at the end), then every item
/// that is ready right now while the queue has room. Returns whether the
/// stream is still open.
fn enqueue_ready(
    stream: &mut BoxedStream,
    controller: &ReadableStreamDefaultController,
    first: Option<Result<JsValue, JsValue>>,
) -> Result<bool, JsValue> {
    let mut next = first;
    // Room left in the queue, asked once after the first chunk (which may go
    // straight to a waiting reader) and counted down after that: no reader
    // can run while this loop does, and each chunk has size 1.
    let mut room = None;
    loop {
        match next {
            None => {
                controller.close()?;
                return Ok(false);
            }
            Some(Err(error)) => {
                controller.error_with_e(&error);
                return Ok(false);
            }
            Some(Ok(chunk)) => controller.enqueue_with_chunk(&chunk)?,
        }
        let left = match room {
            None => controller.desired_size().unwrap_or(0.0),
            Some(left) => left - 1.0,
        };
        room = Some(left);
        if left <= 0.0 {
            return Ok(true);
        }
        match stream.next().now_or_never() {
            Some(item) => next = item,
            None => return Ok(true),
        }
    }
}

/// A JS `Error` for `value`: itself if it is one, else one whose message is
/// its string form.
pub(crate) fn into_error(value: JsValue) -> JsValue {
    if value.is_instance_of::<js_sys::Error>() {
        return value;
    }
    let message = value
        .as_string()
        .unwrap_or_else(|| crate::input::describe(&value));
    js_sys::Error::new(&message).into()
}
