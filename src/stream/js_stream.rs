//! [`JsStream`]: a JS `ReadableStream` or async iterable as a Rust `Stream`,
//! the reverse of [`into_readable_stream`](crate::into_readable_stream).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{FusedStream, Stream};
use futures::FutureExt;
use js_sys::{Function, Object, Promise, Reflect, Symbol};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader};

use crate::web::describe::describe;
use crate::web::platform;
use crate::Error;

/// The chunks of a JS `ReadableStream` or async iterable, as a Rust `Stream`
/// of `Result<JsValue, JsValue>`: `Ok` per chunk, then one `Err` if the
/// source errors, then the end.
///
/// Dropping it before the end cancels the source: `reader.cancel()` for a
/// `ReadableStream` (whose lock is then released, so the stream is left
/// unlocked and closed), `iterator.return()` for an async iterator, so the
/// producer on the other side stops too. A `ReadableStream` is unlocked
/// again after its end or error as well.
///
/// # Examples
///
/// ```no_run
/// # async fn run(readable: web_sys::ReadableStream) -> Result<(), wasm_bindgen::JsValue> {
/// use futures::StreamExt;
///
/// let mut chunks = loopbridge::JsStream::from_readable_stream(&readable)?;
/// while let Some(chunk) = chunks.next().await {
///     web_sys::console::log_1(&chunk?);
/// }
/// # Ok(()) }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct JsStream {
    source: Source,
    pending: Option<JsFuture>,
    done: bool,
}

enum Source {
    Reader(ReadableStreamDefaultReader),
    Iterator(Object),
}

impl JsStream {
    /// Reads `stream` through a reader of its own (locking it).
    ///
    /// # Errors
    ///
    /// `TypeError` if the stream is already locked to another reader.
    pub fn from_readable_stream(stream: &ReadableStream) -> Result<JsStream, JsValue> {
        if stream.locked() {
            return Err(
                Error::Type("the ReadableStream is locked to another reader".into()).into(),
            );
        }
        Ok(JsStream::with_source(Source::Reader(
            stream.get_reader().unchecked_into(),
        )))
    }

    /// Iterates `value`: a `ReadableStream` (read with a reader) or any
    /// object with a `[Symbol.asyncIterator]()` method, such as an async
    /// generator.
    ///
    /// # Errors
    ///
    /// `TypeError` if `value` is neither, or its `[Symbol.asyncIterator]()`
    /// throws or returns a non-object; a locked stream as in
    /// [`from_readable_stream`](JsStream::from_readable_stream).
    pub fn from_async_iterable(value: &JsValue) -> Result<JsStream, JsValue> {
        if platform::is_readable_stream(value) {
            return JsStream::from_readable_stream(value.unchecked_ref());
        }
        let not_iterable = || {
            JsValue::from(Error::Type(format!(
                "expected a ReadableStream or an async iterable, got {}",
                describe(value)
            )))
        };
        if !value.is_object() && !value.is_function() {
            return Err(not_iterable());
        }
        let method = Reflect::get(value, &Symbol::async_iterator())?;
        let method = method.dyn_into::<Function>().map_err(|_| not_iterable())?;
        let iterator = method.call0(value)?;
        if !iterator.is_object() {
            return Err(not_iterable());
        }
        Ok(JsStream::with_source(Source::Iterator(
            iterator.unchecked_into(),
        )))
    }

    fn with_source(source: Source) -> JsStream {
        JsStream {
            source,
            pending: None,
            done: false,
        }
    }

    /// Asks the source for its next result (`{ done, value }`).
    fn request(&self) -> Result<Promise, JsValue> {
        match &self.source {
            Source::Reader(reader) => Ok(reader.read()),
            Source::Iterator(iterator) => {
                let next = Reflect::get(iterator, &"next".into())?;
                let next = next.dyn_into::<Function>().map_err(|_| {
                    JsValue::from(Error::Type(
                        "the async iterator has no next() method".into(),
                    ))
                })?;
                // A non-Promise result is adopted like `await` would.
                platform::resolve(&next.call0(iterator)?)
            }
        }
    }
}

impl Stream for JsStream {
    type Item = Result<JsValue, JsValue>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if self.pending.is_none() {
            match self.request() {
                Ok(promise) => self.pending = Some(JsFuture::from(promise)),
                Err(error) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
        let Some(pending) = self.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match pending.poll_unpin(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.pending = None;
        let step = result.and_then(|result| {
            if !result.is_object() {
                return Err(Error::Type(format!(
                    "the iterator result must be an object, got {}",
                    describe(&result)
                ))
                .into());
            }
            let done = Reflect::get(&result, &"done".into())?.is_truthy();
            (!done)
                .then(|| Reflect::get(&result, &"value".into()))
                .transpose()
        });
        match step {
            Ok(Some(value)) => Poll::Ready(Some(Ok(value))),
            Ok(None) => {
                self.finish();
                Poll::Ready(None)
            }
            Err(error) => {
                self.finish();
                Poll::Ready(Some(Err(error)))
            }
        }
    }
}

impl JsStream {
    /// The source ended or failed: nothing to cancel; a ReadableStream's
    /// lock is given back (a failed stream stays errored for every reader).
    fn finish(&mut self) {
        self.done = true;
        if let Source::Reader(reader) = &self.source {
            reader.release_lock();
        }
    }
}

impl FusedStream for JsStream {
    fn is_terminated(&self) -> bool {
        self.done
    }
}

impl Drop for JsStream {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Cancel the producer, and for a ReadableStream give the lock back,
        // so the stream stays usable (closed, as cancelled streams are). The
        // returned promise is awaited by a small task so that a rejection is
        // handled and nothing stays registered.
        let cancelled = match &self.source {
            Source::Reader(reader) => {
                let cancelled = reader.cancel();
                reader.release_lock();
                Some(cancelled)
            }
            Source::Iterator(iterator) => Reflect::get(iterator, &"return".into())
                .ok()
                .and_then(|method| method.dyn_into::<Function>().ok())
                .and_then(|method| method.call0(iterator).ok())
                .and_then(|result| platform::resolve(&result).ok()),
        };
        if let Some(cancelled) = cancelled {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = JsFuture::from(cancelled).await;
            });
        }
    }
}

impl fmt::Debug for JsStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.source {
            Source::Reader(_) => "ReadableStream",
            Source::Iterator(_) => "async iterator",
        };
        f.debug_struct("JsStream")
            .field("source", &kind)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
