//! [`into_readable_stream`]: a Rust `Stream` as a web `ReadableStream`.

use futures::stream::{Stream, StreamExt};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, ReadableStream};

use super::source::StreamSource;
use crate::web::describe::describe;
use crate::Error;

/// How [`into_readable_stream`] builds its `ReadableStream`.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// How many chunks are produced ahead of the reader, at most
    /// [`MAX_HIGH_WATER_MARK`](StreamOptions::MAX_HIGH_WATER_MARK).
    /// Default 16. With 0 nothing is produced until a reader asks: the
    /// reader always gets the item that is current when it reads.
    pub high_water_mark: usize,
    /// Aborting it errors the `ReadableStream` with the signal's `reason`
    /// and drops the Rust stream.
    pub signal: Option<AbortSignal>,
}

impl StreamOptions {
    /// The largest `high_water_mark`: 65,536 chunks.
    pub const MAX_HIGH_WATER_MARK: usize = 65_536;
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            high_water_mark: 16,
            signal: None,
        }
    }
}

/// Turns `stream` into a `ReadableStream`.
///
/// - Each `Ok` item becomes a chunk, in order. Up to `high_water_mark`
///   chunks are produced ahead of the reader (backpressure), in batches.
/// - An `Err` item errors the stream, but only after every earlier chunk
///   was read: nothing is lost, whatever the reader or the high-water mark.
///   A value that is not a JS `Error` is wrapped in one, so readers always
///   get an `Error` with a message. The end of `stream` closes it.
/// - The Rust stream is dropped as soon as it ends or fails, when the
///   `ReadableStream` is cancelled or its `signal` aborts, and when the
///   `ReadableStream` is garbage-collected unread (a pending `read()` keeps
///   it, like any awaited Promise).
/// - Reading never keeps the thread longer than a time slice (10 ms) plus
///   one item: past it, the next chunk comes after a macrotask.
///
/// The result works with `getReader()`, `for await`, `tee()`,
/// `pipeThrough()`, `pipeTo()` and `new Response(stream)`.
///
/// # Errors
///
/// [`Error::Range`] if `high_water_mark` is over
/// [`StreamOptions::MAX_HIGH_WATER_MARK`]; whatever the `ReadableStream`
/// constructor throws (only where web streams are missing).
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
    bridge(stream, options, true)
}

/// [`into_readable_stream`], with `recorded: false` for a stream whose
/// batches and yields must not be reported to loop monitors (their own
/// samples).
pub(crate) fn bridge<S, T, E>(
    stream: S,
    options: StreamOptions,
    recorded: bool,
) -> Result<ReadableStream, JsValue>
where
    S: Stream<Item = Result<T, E>> + 'static,
    T: Into<JsValue>,
    E: Into<JsValue>,
{
    if options.high_water_mark > StreamOptions::MAX_HIGH_WATER_MARK {
        return Err(Error::Range(format!(
            "highWaterMark must be from 0 to {}, got {}",
            StreamOptions::MAX_HIGH_WATER_MARK,
            options.high_water_mark
        ))
        .into());
    }
    let stream = stream
        .map(|item| {
            item.map(Into::into)
                .map_err(|error| into_error(error.into()))
        })
        .boxed_local();
    readable_from(
        StreamSource::new(stream, recorded),
        options.high_water_mark as u32,
        options.signal,
    )
}

#[wasm_bindgen(module = "/src/stream/source.js")]
extern "C" {
    /// `new ReadableStream` over `source` (see `source.js`).
    #[wasm_bindgen(js_name = readableFrom, catch)]
    fn readable_from(
        source: StreamSource,
        high_water_mark: u32,
        signal: Option<AbortSignal>,
    ) -> Result<ReadableStream, JsValue>;
}

/// A JS `Error` for `value`: itself if it is one, else one whose message is
/// its string form.
pub(crate) fn into_error(value: JsValue) -> JsValue {
    if value.is_instance_of::<js_sys::Error>() {
        return value;
    }
    let message = value.as_string().unwrap_or_else(|| describe(&value));
    js_sys::Error::new(&message).into()
}
