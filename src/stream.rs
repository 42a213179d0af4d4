//! Rust `Stream` -> web `ReadableStream`.
//!
//! Pull-based: the browser asks for data when its queue has room, and each
//! pull enqueues every item that is ready right now (up to the queue's desired
//! size) before waiting, instead of one Promise round trip per item. A JS
//! `cancel()` drops the Rust stream; so does the stream being garbage
//! collected. No `Closure` is involved: the underlying source is a
//! wasm-bindgen object whose `pull`/`cancel` methods the stream calls.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};
use futures::stream::{LocalBoxStream, Stream, StreamExt};
use futures::FutureExt;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::{QueuingStrategy, ReadableStream, ReadableStreamDefaultController};

type BoxedStream = LocalBoxStream<'static, Result<JsValue, JsValue>>;

/// Turns `stream` into a `ReadableStream` whose queue holds up to
/// `high_water_mark` chunks. Each `Ok` item becomes a chunk, an `Err` errors
/// the stream (after every earlier chunk), and the end of the stream closes it.
///
/// # Errors
///
/// Whatever the `ReadableStream` constructor throws (only in an environment
/// without web streams).
///
/// # Examples
///
/// ```no_run
/// use futures::stream;
/// use wasm_bindgen::JsValue;
///
/// let numbers = stream::iter((0..3).map(|n| Ok(JsValue::from(n))));
/// let readable = loopbridge::into_readable_stream(numbers, 16.0).unwrap();
/// ```
pub fn into_readable_stream<S>(stream: S, high_water_mark: f64) -> Result<ReadableStream, JsValue>
where
    S: Stream<Item = Result<JsValue, JsValue>> + 'static,
{
    let source = IntoUnderlyingSource {
        stream: Rc::new(RefCell::new(Some(stream.boxed_local()))),
        pull: None,
    };
    let strategy = QueuingStrategy::new();
    strategy.set_high_water_mark(high_water_mark);
    ReadableStream::new_with_underlying_source_and_strategy(
        JsValue::from(source).unchecked_ref(),
        &strategy,
    )
}

/// The underlying source object handed to the `ReadableStream` constructor.
#[wasm_bindgen(js_name = LoopbridgeUnderlyingSource, skip_typescript)]
pub struct IntoUnderlyingSource {
    /// `None` while a pull has the stream, and after the end.
    stream: Rc<RefCell<Option<BoxedStream>>>,
    pull: Option<AbortHandle>,
}

#[wasm_bindgen(js_class = LoopbridgeUnderlyingSource)]
impl IntoUnderlyingSource {
    /// Called by the stream when its queue has room.
    pub fn pull(&mut self, controller: ReadableStreamDefaultController) -> Promise {
        let slot = Rc::clone(&self.stream);
        let (handle, registration) = AbortHandle::new_pair();
        self.pull = Some(handle);
        let pull = async move {
            let Some(mut stream) = slot.borrow_mut().take() else {
                return Ok(JsValue::UNDEFINED);
            };
            if fill(&mut stream, &controller).await? {
                *slot.borrow_mut() = Some(stream);
            }
            Ok(JsValue::UNDEFINED)
        };
        future_to_promise(
            Abortable::new(pull, registration)
                .map(|outcome| outcome.unwrap_or(Ok(JsValue::UNDEFINED))),
        )
    }

    /// Called by the stream on `cancel()`: drops the Rust stream.
    pub fn cancel(self) {}
}

impl std::fmt::Debug for IntoUnderlyingSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntoUnderlyingSource")
            .field("pulling", &self.pull.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for IntoUnderlyingSource {
    fn drop(&mut self) {
        // A pull in flight owns the stream; aborting it drops the stream.
        if let Some(pull) = self.pull.take() {
            pull.abort();
        }
        self.stream.borrow_mut().take();
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
