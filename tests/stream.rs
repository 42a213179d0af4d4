//! The Rust `Stream` <-> web `ReadableStream` bridges in a real browser.

mod support;

use std::cell::Cell;
use std::rc::Rc;

use futures::stream::{self, StreamExt};
use js_sys::{Array, Reflect};
use loopbridge::{into_readable_stream, JsStream, StreamOptions};
use support::{error_kind, error_message, get, read, reader, settle, sleep, DropObserver};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{AbortController, ReadableStream};

wasm_bindgen_test_configure!(run_in_browser);

fn options(high_water_mark: usize) -> StreamOptions {
    StreamOptions {
        high_water_mark,
        signal: None,
    }
}

fn with_signal(high_water_mark: usize, controller: &AbortController) -> StreamOptions {
    StreamOptions {
        high_water_mark,
        signal: Some(controller.signal()),
    }
}

/// `0..` forever, counting how many items were produced.
fn endless(produced: Rc<Cell<u32>>) -> impl futures::Stream<Item = Result<f64, JsValue>> {
    stream::iter(0..).map(move |i| {
        produced.set(produced.get() + 1);
        Ok(i as f64)
    })
}

fn words() -> impl futures::Stream<Item = Result<&'static str, JsValue>> {
    stream::iter(["so ", "long ", "and ", "thanks"]).map(Ok)
}

#[wasm_bindgen_test]
async fn items_arrive_in_order_and_the_end_closes_the_stream() {
    let numbers = stream::iter(0..1000).map(Ok::<u32, JsValue>);
    let reader = reader(&into_readable_stream(numbers, options(16)).unwrap());
    let mut expected = 0;
    while let Some(value) = read(&reader).await.unwrap() {
        assert_eq!(value.as_f64(), Some(expected as f64));
        expected += 1;
    }
    assert_eq!(expected, 1000);
}

#[wasm_bindgen_test]
async fn an_error_item_errors_the_stream_after_every_earlier_chunk() {
    let items = stream::iter(vec![
        Ok::<_, JsValue>(JsValue::from("a")),
        Ok(JsValue::from("b")),
        Err(js_sys::Error::new("producer failed").into()),
        Ok(JsValue::from("never")),
    ]);
    let reader = reader(&into_readable_stream(items, options(1)).unwrap());
    assert_eq!(read(&reader).await.unwrap().unwrap(), "a");
    assert_eq!(read(&reader).await.unwrap().unwrap(), "b");
    let error = read(&reader).await.unwrap_err();
    assert_eq!(error_message(&error), "producer failed");
}

#[wasm_bindgen_test]
async fn an_error_that_is_not_a_js_error_arrives_as_an_error_with_its_text() {
    let items = stream::iter(vec![Ok::<&str, String>("a"), Err("disk full".to_string())]);
    let reader = reader(&into_readable_stream(items, options(4)).unwrap());
    assert_eq!(read(&reader).await.unwrap().unwrap(), "a");
    let error = read(&reader).await.unwrap_err();
    assert_eq!(error_kind(&error), "Error");
    assert_eq!(error_message(&error), "disk full");
}

#[wasm_bindgen_test]
async fn cancel_drops_the_rust_stream_at_once() {
    let (observer, dropped) = DropObserver::new();
    // Never ready after the first item: the cancel must reach a waiting pull.
    let items = stream::once(async { Ok::<_, JsValue>(1) })
        .chain(stream::pending())
        .map(move |item| {
            let _keep = &observer;
            item
        });
    let reader = reader(&into_readable_stream(items, options(1)).unwrap());
    assert_eq!(read(&reader).await.unwrap().unwrap().as_f64(), Some(1.0));
    assert!(!dropped.get());
    let cancelled = reader.cancel();
    assert!(
        dropped.get(),
        "cancel() dropped the Rust stream at once, even with a pull waiting"
    );
    JsFuture::from(cancelled).await.unwrap();
}

#[wasm_bindgen_test]
async fn an_abort_signal_errors_the_stream_with_its_reason_and_drops_the_producer() {
    let listeners = support::track_abort_listeners();
    let controller = AbortController::new().unwrap();
    let (observer, dropped) = DropObserver::new();
    let items = stream::iter(0..3)
        .map(Ok::<u32, JsValue>)
        .chain(stream::pending())
        .map(move |item| {
            let _keep = &observer;
            item
        });
    let stream = into_readable_stream(items, with_signal(1, &controller)).unwrap();
    assert_eq!(listeners.live_listeners(), 1, "one abort listener");
    let reader = reader(&stream);
    assert_eq!(read(&reader).await.unwrap().unwrap().as_f64(), Some(0.0));
    controller.abort_with_reason(&"user pressed cancel".into());
    // Chunks already queued may still be read; then the reason arrives.
    let reason = loop {
        match read(&reader).await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("an aborted stream errors, it does not close"),
            Err(reason) => break reason,
        }
    };
    assert_eq!(reason, "user pressed cancel");
    assert!(dropped.get(), "the abort dropped the Rust stream");
    assert_eq!(listeners.live_listeners(), 0, "the abort listener is gone");
    listeners.restore_listeners();
}

#[wasm_bindgen_test]
async fn an_already_aborted_signal_errors_the_stream_at_once() {
    let controller = AbortController::new().unwrap();
    controller.abort();
    let (observer, dropped) = DropObserver::new();
    let items = stream::iter(0..3).map(move |i| {
        let _keep = &observer;
        Ok::<u32, JsValue>(i)
    });
    let stream = into_readable_stream(items, with_signal(1, &controller)).unwrap();
    let reason = read(&reader(&stream)).await.unwrap_err();
    assert_eq!(error_kind(&reason), "AbortError");
    assert!(dropped.get());
}

#[wasm_bindgen_test]
async fn closing_removes_the_abort_listener() {
    let listeners = support::track_abort_listeners();
    let controller = AbortController::new().unwrap();
    let stream = into_readable_stream(words(), with_signal(16, &controller)).unwrap();
    let chunks = settle(support::read_all_for_await(&stream)).await.unwrap();
    assert_eq!(Array::from(&chunks).length(), 4);
    assert_eq!(listeners.live_listeners(), 0);
    listeners.restore_listeners();
}

#[wasm_bindgen_test]
async fn backpressure_keeps_at_most_high_water_mark_items_queued_and_refills_in_batches() {
    let produced = Rc::new(Cell::new(0));
    let stream = into_readable_stream(endless(Rc::clone(&produced)), options(4)).unwrap();
    sleep(5).await;
    assert_eq!(
        produced.get(),
        4,
        "filled to the high-water mark, no further"
    );
    let reader = reader(&stream);
    for expected in 0..3 {
        assert_eq!(
            read(&reader).await.unwrap().unwrap().as_f64(),
            Some(expected as f64)
        );
    }
    sleep(5).await;
    assert!(produced.get() > 4, "refilled once reads made room");
    assert!(
        produced.get() - 3 <= 4,
        "never more than the mark produced ahead of the reads: {}",
        produced.get()
    );
    JsFuture::from(reader.cancel()).await.unwrap();
}

#[wasm_bindgen_test]
async fn no_pull_reaches_the_producer_after_close_or_error() {
    let polls = Rc::new(Cell::new(0));
    let counter = Rc::clone(&polls);
    let items = stream::poll_fn(move |_| {
        counter.set(counter.get() + 1);
        std::task::Poll::Ready(match counter.get() {
            1 => Some(Ok::<u32, JsValue>(1)),
            2 => Some(Err(JsValue::from("stop"))),
            _ => Some(Ok(99)),
        })
    });
    let stream = into_readable_stream(items, options(8)).unwrap();
    let reader = reader(&stream);
    assert_eq!(read(&reader).await.unwrap().unwrap().as_f64(), Some(1.0));
    assert!(read(&reader).await.is_err());
    sleep(5).await;
    assert_eq!(polls.get(), 2, "polled exactly up to the error");
}

#[wasm_bindgen_test]
async fn works_with_for_await_tee_pipe_through_pipe_to_and_response() {
    let to_strings = |value: JsValue| -> Vec<String> {
        Array::from(&value)
            .iter()
            .map(|v| v.as_string().unwrap())
            .collect()
    };
    let expected = vec!["so ", "long ", "and ", "thanks"];
    let stream = into_readable_stream(words(), options(2)).unwrap();
    assert_eq!(
        to_strings(settle(support::read_all_for_await(&stream)).await.unwrap()),
        expected
    );

    let stream = into_readable_stream(words(), options(2)).unwrap();
    let both = Array::from(&settle(support::tee_both(&stream)).await.unwrap());
    assert_eq!(to_strings(both.get(0)), expected);
    assert_eq!(to_strings(both.get(1)), expected);

    let stream = into_readable_stream(words(), options(2)).unwrap();
    let text = settle(support::decode_through_text_encoder(&stream))
        .await
        .unwrap();
    assert_eq!(text, "so long and thanks");

    let stream = into_readable_stream(words(), options(2)).unwrap();
    assert_eq!(
        to_strings(settle(support::pipe_to_collect(&stream)).await.unwrap()),
        expected
    );

    let stream = into_readable_stream(words(), options(2)).unwrap();
    assert_eq!(
        settle(support::encoded_response_text(&stream))
            .await
            .unwrap(),
        "so long and thanks"
    );

    // Byte chunks go straight into a Response.
    let bytes = stream::iter(["so long ", "and thanks"])
        .map(|text| Ok::<_, JsValue>(js_sys::Uint8Array::from(text.as_bytes())));
    let stream = into_readable_stream(bytes, options(2)).unwrap();
    assert_eq!(
        settle(support::response_text(&stream)).await.unwrap(),
        "so long and thanks"
    );
}

#[wasm_bindgen_test]
async fn ten_thousand_open_and_cancel_cycles_leak_nothing() {
    let dropped = Rc::new(Cell::new(0u32));
    let cycle = |dropped: &Rc<Cell<u32>>| {
        let dropped = Rc::clone(dropped);
        let counter = Counted(dropped);
        let items = stream::iter(0..).map(move |i| {
            let _keep = &counter;
            Ok::<u32, JsValue>(i)
        });
        into_readable_stream(items, options(4)).unwrap()
    };
    struct Counted(Rc<Cell<u32>>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.set(self.0.get() + 1);
        }
    }
    let memory = || {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    for _ in 0..1000 {
        let reader = reader(&cycle(&dropped));
        read(&reader).await.unwrap();
        JsFuture::from(reader.cancel()).await.unwrap();
    }
    let before = memory();
    for _ in 0..10_000 {
        let reader = reader(&cycle(&dropped));
        read(&reader).await.unwrap();
        JsFuture::from(reader.cancel()).await.unwrap();
    }
    sleep(0).await;
    assert_eq!(
        dropped.get(),
        11_000,
        "every cancelled producer was dropped"
    );
    let grown = memory() - before;
    assert!(
        grown <= 65_536,
        "wasm memory grew by {grown} bytes over 10,000 cycles"
    );
}

#[wasm_bindgen_test]
async fn a_js_readable_stream_reads_as_a_rust_stream() {
    let source = support::js_source_stream(&Array::of3(&"x".into(), &"y".into(), &"z".into()));
    let stream: ReadableStream = source.get(0).unchecked_into();
    let chunks: Vec<JsValue> = JsStream::from_readable_stream(&stream)
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        chunks,
        vec![JsValue::from("x"), JsValue::from("y"), JsValue::from("z")]
    );
    assert!(!stream.locked(), "the lock is released at the end");
}

#[wasm_bindgen_test]
async fn dropping_a_js_stream_early_cancels_its_source() {
    let source = support::js_source_stream(&Array::of3(&"x".into(), &"y".into(), &"z".into()));
    let (stream, log): (ReadableStream, JsValue) = (source.get(0).unchecked_into(), source.get(1));
    let mut chunks = JsStream::from_readable_stream(&stream).unwrap();
    assert_eq!(chunks.next().await.unwrap().unwrap(), "x");
    drop(chunks);
    sleep(0).await;
    assert!(
        get(&log, "cancelled").is_truthy(),
        "reader.cancel() reached the JS source"
    );
}

#[wasm_bindgen_test]
async fn a_failing_js_stream_gives_its_chunks_then_the_error_then_the_end() {
    let mut chunks = JsStream::from_readable_stream(&support::erroring_js_stream()).unwrap();
    assert_eq!(chunks.next().await.unwrap().unwrap(), "first");
    let error = chunks.next().await.unwrap().unwrap_err();
    assert_eq!(error_message(&error), "source broke");
    assert!(chunks.next().await.is_none());
}

#[wasm_bindgen_test]
async fn an_async_generator_reads_as_a_rust_stream_and_drop_calls_return() {
    let values = Array::of3(&1.into(), &2.into(), &3.into());
    let generated = support::async_generator(&values);
    let all: Vec<JsValue> = JsStream::from_async_iterable(&generated.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(
        all,
        vec![JsValue::from(1), JsValue::from(2), JsValue::from(3)]
    );
    assert!(get(&generated.get(1), "finished").is_truthy());

    let generated = support::async_generator(&values);
    let mut early = JsStream::from_async_iterable(&generated.get(0)).unwrap();
    assert_eq!(early.next().await.unwrap().unwrap(), 1);
    drop(early);
    sleep(0).await;
    assert!(
        get(&generated.get(1), "finished").is_truthy(),
        "return() ran the generator's finally block"
    );
}

#[wasm_bindgen_test]
fn a_non_iterable_or_locked_source_is_a_type_error() {
    for value in [
        JsValue::from(5),
        JsValue::from("text"),
        js_sys::Object::new().into(),
        JsValue::NULL,
    ] {
        let error = JsStream::from_async_iterable(&value).unwrap_err();
        assert_eq!(error_kind(&error), "TypeError", "{}", error_message(&error));
    }
    let source = support::js_source_stream(&Array::new());
    let stream: ReadableStream = source.get(0).unchecked_into();
    let _reader = stream.get_reader();
    let error = JsStream::from_readable_stream(&stream).unwrap_err();
    assert_eq!(error_kind(&error), "TypeError");
    assert!(Reflect::has(&source.get(1), &"cancelled".into()).unwrap());
}

/// What the event loop did while a stream was drained.
#[derive(Debug)]
struct Drain {
    /// Chunks read.
    read: u32,
    /// Macrotask turns the loop took during the drain.
    turns: u32,
    /// How long the drain took, in ms.
    elapsed: f64,
}

/// Reads `stream` to the end with `for await` (spinning `work_ms` per chunk)
/// while a macrotask loop counts the turns the event loop takes meanwhile.
async fn drain_counting_turns(stream: &ReadableStream, work_ms: f64) -> Drain {
    let turns = Rc::new(Cell::new(0u32));
    let draining = Rc::new(Cell::new(true));
    let (counted, running) = (Rc::clone(&turns), Rc::clone(&draining));
    loopbridge::spawn(async move {
        while running.get() {
            loopbridge::yield_now().await; // a macrotask: runs only between tasks
            counted.set(counted.get() + 1);
        }
    })
    .detach();
    let started = loopbridge::now_ms();
    let read = settle(support::read_all_spinning(stream, work_ms))
        .await
        .unwrap();
    let elapsed = loopbridge::now_ms() - started;
    draining.set(false);
    Drain {
        read: read.as_f64().unwrap() as u32,
        turns: turns.get(),
        elapsed,
    }
}

#[wasm_bindgen_test]
async fn the_event_loop_keeps_turning_whatever_the_mark() {
    // Without time slices each case is one task: the loop turns 0 times
    // during the drain. With 10 ms slices it turns about once per 10 ms.
    // The check is on the average, not on the longest task, so that one
    // garbage collection or a busy machine cannot fail it: a turn at least
    // every 100 ms on average, and at least 3 turns.
    fn assert_turns(case: &str, drain: &Drain, items: u32) {
        assert_eq!(drain.read, items, "{case}: {drain:?}");
        let enough = ((drain.elapsed / 100.0) as u32).max(3);
        assert!(
            drain.turns >= enough,
            "{case}: the loop turned too rarely: {drain:?}"
        );
    }

    // Slow items (400 ms in all), all ready at once, at the largest mark.
    let slow_items = stream::iter(0..400).map(|i| {
        loopbridge::spin_for(1.0);
        Ok::<_, JsValue>(f64::from(i))
    });
    let stream = into_readable_stream(slow_items, options(StreamOptions::MAX_HIGH_WATER_MARK));
    let drain = drain_counting_turns(&stream.unwrap(), 0.0).await;
    assert_turns("a slow producer", &drain, 400);

    // Many fast items at the largest mark: time, not the mark, ends a batch.
    let fast_items = stream::iter(0..300_000).map(|i| Ok::<_, JsValue>(f64::from(i)));
    let stream = into_readable_stream(fast_items, options(StreamOptions::MAX_HIGH_WATER_MARK));
    let drain = drain_counting_turns(&stream.unwrap(), 0.0).await;
    assert_eq!(drain.read, 300_000);
    assert!(
        drain.turns >= 1,
        "a fast producer: the loop never turned: {drain:?}"
    );
    if drain.elapsed >= 300.0 {
        assert_turns("a fast producer", &drain, 300_000);
    }

    // A slow reader (1 ms per chunk, 400 ms in all) of a fast producer.
    let fast_items = stream::iter(0..400).map(|i| Ok::<_, JsValue>(f64::from(i)));
    let stream = into_readable_stream(fast_items, options(1000));
    let drain = drain_counting_turns(&stream.unwrap(), 1.0).await;
    assert_turns("a slow reader", &drain, 400);
}
