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

use futures::future::{AbortHandle, Abortable};
use futures::stream::{LocalBoxStream, Stream, StreamExt};
use futures::FutureExt;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{
    AbortSignal, AddEventListenerOptions, QueuingStrategy, ReadableStream,
    ReadableStreamDefaultController,
};

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
        shared: Rc::new(Shared {
            stream: RefCell::new(Some(stream)),
            controller: RefCell::new(None),
            pull: RefCell::new(None),
            done: Cell::new(false),
            signal: options.signal,
            on_abort: RefCell::new(None),
        }),
    };
    let strategy = QueuingStrategy::new();
    strategy.set_high_water_mark(options.high_water_mark);
    ReadableStream::new_with_underlying_source_and_strategy(
        JsValue::from(source).unchecked_ref(),
        &strategy,
    )
}

type BoxedStream = LocalBoxStream<'static, Result<JsValue, JsValue>>;

/// The underlying source object handed to the `ReadableStream` constructor.
#[wasm_bindgen(js_name = LoopbridgeUnderlyingSource, skip_typescript)]
pub struct IntoUnderlyingSource {
    shared: Rc<Shared>,
}

struct Shared {
    /// `None` while a pull holds the stream, and once done.
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

    /// Called by the stream when its queue has room.
    pub fn pull(&mut self, controller: ReadableStreamDefaultController) -> Promise {
        if self.shared.done.get() {
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        let shared = Rc::clone(&self.shared);
        let (handle, registration) = AbortHandle::new_pair();
        *self.shared.pull.borrow_mut() = Some(handle);
        let pull = async move {
            let Some(mut stream) = shared.stream.borrow_mut().take() else {
                return Ok(JsValue::UNDEFINED);
            };
            match fill(&mut stream, &controller).await {
                Ok(true) => *shared.stream.borrow_mut() = Some(stream),
                Ok(false) => shared.finish(),
                Err(error) => {
                    shared.finish();
                    return Err(error);
                }
            }
            Ok(JsValue::UNDEFINED)
        };
        future_to_promise(
            Abortable::new(pull, registration)
                .map(|outcome| outcome.unwrap_or(Ok(JsValue::UNDEFINED))),
        )
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

    /// Drops the Rust stream (or the pull holding it) and the abort listener.
    fn finish(&self) {
        self.done.set(true);
        if let Some(pull) = self.pull.borrow_mut().take() {
            pull.abort();
        }
        drop(self.stream.borrow_mut().take());
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

/// Waits for one item, then enqueues every ready item while the queue wants
/// more. Returns whether the stream is still open.
async fn fill(
    stream: &mut BoxedStream,
    controller: &ReadableStreamDefaultController,
) -> Result<bool, JsValue> {
    let mut next = stream.next().await;
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
        if controller.desired_size().unwrap_or(0.0) <= 0.0 {
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
