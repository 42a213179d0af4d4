//! The peer contract: what the `wasm-streams` crate's own suite checks for its
//! Rust `Stream` <-> `ReadableStream` conversions, checked here for
//! [`into_readable_stream`] and [`JsStream`] (tests written for loopbridge).

mod support;

use futures::stream::{self, StreamExt};
use js_sys::{Array, Promise};
use loopbridge::{into_readable_stream, JsStream, StreamOptions};
use support::{error_kind, error_message, get, read, reader, settle, sleep, DropObserver};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::ReadableStream;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function arrayStream(chunks) {
  let i = 0;
  return new ReadableStream({
    pull(c) { if (i < chunks.length) c.enqueue(chunks[i++]); else c.close(); },
  });
}
export function silentStream() {
  const log = { cancelled: false };
  const stream = new ReadableStream({ pull() { return new Promise(() => {}); }, cancel() { log.cancelled = true; } });
  return [stream, log];
}
export function streamWithRejectingCancel() {
  return new ReadableStream({ pull() { return new Promise(() => {}); }, cancel() { return Promise.reject(new Error('cancel refused')); } });
}
export function collector() {
  const chunks = [];
  const log = { closed: false };
  const writable = new WritableStream({ write(chunk) { chunks.push(chunk); }, close() { log.closed = true; } });
  return [writable, chunks, log];
}
export function pipeTo(stream, writable, preventClose) {
  return stream.pipeTo(writable, { preventClose });
}
export function watchUnhandledRejections() {
  const seen = [];
  const listener = (event) => { seen.push(String(event.reason)); event.preventDefault(); };
  globalThis.addEventListener('unhandledrejection', listener);
  return { seen: () => seen.length, stop() { globalThis.removeEventListener('unhandledrejection', listener); } };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = arrayStream)]
    fn array_stream(chunks: &Array) -> ReadableStream;
    /// `[stream, log]`: never produces; `log.cancelled` once cancelled.
    #[wasm_bindgen(js_name = silentStream)]
    fn silent_stream() -> Array;
    #[wasm_bindgen(js_name = streamWithRejectingCancel)]
    fn stream_with_rejecting_cancel() -> ReadableStream;
    /// `[writable, chunks, log]`.
    fn collector() -> Array;
    #[wasm_bindgen(js_name = pipeTo)]
    fn pipe_to(stream: &ReadableStream, writable: &JsValue, prevent_close: bool) -> Promise;
    type Rejections;
    #[wasm_bindgen(js_name = watchUnhandledRejections)]
    fn watch_unhandled_rejections() -> Rejections;
    #[wasm_bindgen(method)]
    fn seen(this: &Rejections) -> u32;
    #[wasm_bindgen(method)]
    fn stop(this: &Rejections);
}

fn readable<S, T>(items: S, mark: usize) -> ReadableStream
where
    S: futures::Stream<Item = Result<T, JsValue>> + 'static,
    T: Into<JsValue>,
{
    let options = StreamOptions {
        high_water_mark: mark,
        signal: None,
    };
    into_readable_stream(items, options).unwrap()
}

fn hello_world() -> impl futures::Stream<Item = Result<&'static str, JsValue>> {
    stream::iter(["Hello", "world!"]).map(Ok)
}

#[wasm_bindgen_test]
async fn chunks_arrive_in_order_and_closed_resolves() {
    let reader = reader(&readable(hello_world(), 16));
    assert_eq!(read(&reader).await, Ok(Some("Hello".into())));
    assert_eq!(read(&reader).await, Ok(Some("world!".into())));
    assert_eq!(read(&reader).await, Ok(None));
    JsFuture::from(reader.closed()).await.unwrap();
}

#[wasm_bindgen_test]
async fn cancel_drops_the_rust_stream_and_closed_resolves() {
    let (observer, dropped) = DropObserver::new();
    let items = hello_world().map(move |item| {
        let _keep = &observer;
        item
    });
    let reader = reader(&readable(items, 1));
    assert_eq!(read(&reader).await, Ok(Some("Hello".into())));
    assert!(!dropped.get());
    JsFuture::from(reader.cancel()).await.unwrap();
    assert!(dropped.get());
    JsFuture::from(reader.closed()).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_lock_can_be_released_and_taken_again_without_losing_a_chunk() {
    for mark in [0, 1, 16] {
        let stream = readable(stream::iter(0..6).map(Ok::<u32, JsValue>), mark);
        let mut seen = Vec::new();
        for _ in 0..3 {
            assert!(!stream.locked());
            let reader = reader(&stream);
            assert!(stream.locked());
            for _ in 0..2 {
                seen.push(read(&reader).await.unwrap().unwrap().as_f64().unwrap());
            }
            reader.release_lock();
        }
        assert!(!stream.locked());
        assert_eq!(seen, [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "mark {mark}");
    }
}

#[wasm_bindgen_test]
async fn releasing_the_lock_with_a_read_pending_keeps_the_chunk_for_the_next_reader() {
    let (sender, receiver) = futures::channel::mpsc::unbounded::<u32>();
    let stream = readable(receiver.map(Ok::<u32, JsValue>), 0);
    let first = reader(&stream);
    let pending = first.read();
    sleep(1).await;
    first.release_lock(); // rejects the pending read
    assert_eq!(error_kind(&settle(pending).await.unwrap_err()), "TypeError");
    sender.unbounded_send(7).unwrap();
    let second = reader(&stream);
    assert_eq!(read(&second).await, Ok(Some(7.into())), "nothing lost");
}

#[wasm_bindgen_test]
async fn rust_to_js_to_rust_keeps_every_item_before_the_error_at_every_mark() {
    for mark in [0, 1, 16, 1000, StreamOptions::MAX_HIGH_WATER_MARK] {
        let items = stream::iter(vec![
            Ok(JsValue::from(1)),
            Ok(JsValue::from(2)),
            Err(js_sys::Error::new("third failed").into()),
        ]);
        let round_trip = JsStream::from_readable_stream(&readable(items, mark)).unwrap();
        let all: Vec<Result<JsValue, String>> = round_trip
            .map(|item| item.map_err(|error| error_message(&error)))
            .collect()
            .await;
        assert_eq!(
            all,
            vec![Ok(1.into()), Ok(2.into()), Err("third failed".into())],
            "mark {mark}"
        );
    }
}

#[wasm_bindgen_test]
async fn js_to_rust_to_js_keeps_every_chunk() {
    let chunks = Array::of2(&"Hello".into(), &"world!".into());
    let rust = JsStream::from_readable_stream(&array_stream(&chunks)).unwrap();
    let reader = reader(&readable(rust, 16));
    assert_eq!(read(&reader).await, Ok(Some("Hello".into())));
    assert_eq!(read(&reader).await, Ok(Some("world!".into())));
    assert_eq!(read(&reader).await, Ok(None));
}

#[wasm_bindgen_test]
async fn both_branches_of_a_tee_get_every_chunk() {
    let both = Array::from(
        &settle(support::tee_both(&readable(hello_world(), 1)))
            .await
            .unwrap(),
    );
    for branch in both.iter() {
        assert_eq!(
            Array::from(&branch).to_vec(),
            ["Hello", "world!"].map(JsValue::from)
        );
    }
}

#[wasm_bindgen_test]
async fn pipe_to_delivers_every_chunk_and_closes_unless_asked_not_to() {
    for prevent_close in [false, true] {
        let parts = collector();
        let (writable, chunks, log) = (parts.get(0), parts.get(1), parts.get(2));
        settle(pipe_to(
            &readable(hello_world(), 16),
            &writable,
            prevent_close,
        ))
        .await
        .unwrap();
        assert_eq!(
            Array::from(&chunks).to_vec(),
            ["Hello", "world!"].map(JsValue::from)
        );
        assert_eq!(get(&log, "closed").is_truthy(), !prevent_close);
        let writable: web_sys::WritableStream = writable.unchecked_into();
        assert!(!writable.locked(), "pipeTo gave the writer back");
    }
}

#[wasm_bindgen_test]
async fn a_js_stream_piped_into_rust_arrives_whole() {
    let chunks = Array::of3(&"a".into(), &"b".into(), &"c".into());
    let rust: Vec<JsValue> = JsStream::from_readable_stream(&array_stream(&chunks))
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(rust, chunks.to_vec());
}

#[wasm_bindgen_test]
async fn dropping_a_js_stream_with_a_read_pending_cancels_and_unlocks_its_source() {
    let parts = silent_stream();
    let (stream, log): (ReadableStream, JsValue) = (parts.get(0).unchecked_into(), parts.get(1));
    let mut rust = JsStream::from_readable_stream(&stream).unwrap();
    assert!(
        futures::poll!(rust.next()).is_pending(),
        "a read is pending"
    );
    drop(rust);
    assert!(
        get(&log, "cancelled").is_truthy(),
        "the source was cancelled"
    );
    assert!(!stream.locked(), "and unlocked");
    assert_eq!(
        read(&reader(&stream)).await,
        Ok(None),
        "a new reader sees it closed"
    );
}

#[wasm_bindgen_test]
async fn dropping_a_js_stream_whose_cancel_rejects_leaves_no_unhandled_rejection() {
    let rejections = watch_unhandled_rejections();
    let stream = stream_with_rejecting_cancel();
    drop(JsStream::from_readable_stream(&stream).unwrap());
    assert!(!stream.locked());
    sleep(20).await;
    assert_eq!(rejections.seen(), 0);
    rejections.stop();
}

#[wasm_bindgen_test]
async fn an_iterator_dropped_early_is_returned_once() {
    let generated = support::async_generator(&Array::of3(&1.into(), &2.into(), &3.into()));
    let mut rust = JsStream::from_async_iterable(&generated.get(0)).unwrap();
    assert_eq!(rust.next().await.unwrap().unwrap(), 1);
    drop(rust);
    sleep(0).await;
    assert!(get(&generated.get(1), "finished").is_truthy());
}

#[wasm_bindgen_test]
fn a_high_water_mark_over_the_maximum_is_a_range_error() {
    let options = StreamOptions {
        high_water_mark: StreamOptions::MAX_HIGH_WATER_MARK + 1,
        signal: None,
    };
    let error = into_readable_stream(hello_world(), options).unwrap_err();
    assert_eq!(error_kind(&error), "RangeError");
    assert!(
        error_message(&error).contains("65536"),
        "{}",
        error_message(&error)
    );
}

#[wasm_bindgen_test]
async fn mark_zero_produces_only_what_a_read_asks_for() {
    let produced = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = std::rc::Rc::clone(&produced);
    let items = stream::iter(0..).map(move |i| {
        counter.set(counter.get() + 1);
        Ok::<u32, JsValue>(i)
    });
    let stream = readable(items, 0);
    sleep(5).await;
    assert_eq!(produced.get(), 0, "nothing before the first read");
    let reader = reader(&stream);
    for expected in 0..3 {
        assert_eq!(read(&reader).await, Ok(Some(expected.into())));
        sleep(2).await;
        assert_eq!(produced.get(), expected as usize + 1, "one item per read");
    }
}
