//! The JS exports of the sync/async bridge (the Python originals' sample functions),
//! called as JS would call them: with `JsValue`s, good and bad.

#[path = "../../tests/support/mod.rs"]
mod support;

use futures::StreamExt;
use js_sys::{Array, Function, Promise};
use loopbridge::{now_ms, JsStream};
use loopbridge_demo::chunks::chunk_message;
use support::{error_kind, error_message, get, object, settle, sleep};
use wasm_bindgen::prelude::*;

/// The exports under test, by their Rust names.
mod js {
    pub use loopbridge_demo::boundary::{
        block_on, busy_wait, create_future_and_drop, yielding_work,
    };
    pub use loopbridge_demo::count_stream::count_stream;
    pub use loopbridge_demo::gather::gather;
    pub use loopbridge_demo::invoke::{invoke_async, invoke_async_stream, invoke_sync_steps};
    pub use loopbridge_demo::producers::live_stream_producers;
}
use wasm_bindgen_test::*;
use web_sys::{AbortController, ReadableStream};

wasm_bindgen_test_configure!(run_in_browser);

const ENGLISH: &str = "Streaming keeps the page alive: each word arrives as soon as it is ready.";
const JAPANESE: &str = "非同期のストリームは、一文字ずつ届きます。";
const EMOJI: &str = "Family 👨‍👩‍👧‍👦, flag 🇯🇵, thumbs 👍🏽 and café (e\u{301}).";

fn fast() -> JsValue {
    object(&[("delayMs", 0.into())])
}

async fn chunks_of(stream: ReadableStream) -> Result<Vec<String>, JsValue> {
    let mut chunks = Vec::new();
    let mut reader = JsStream::from_readable_stream(&stream)?;
    while let Some(chunk) = reader.next().await {
        chunks.push(chunk?.as_string().expect("string chunks"));
    }
    Ok(chunks)
}

#[wasm_bindgen_test]
async fn invoke_async_resolves_done_after_its_delay() {
    let started = now_ms();
    let value = settle(js::invoke_async("hello".into(), 30.into()))
        .await
        .unwrap();
    assert_eq!(value, "Done: hello");
    assert!(now_ms() - started >= 29.0);
}

#[wasm_bindgen_test]
async fn streamed_chunks_join_to_exactly_the_message() {
    for message in [ENGLISH, JAPANESE, EMOJI, "", "   ", "one"] {
        let chunks = chunks_of(js::invoke_async_stream(message.into(), fast()).unwrap())
            .await
            .unwrap();
        assert_eq!(chunks.concat(), message, "{chunks:?}");
        let sync: Vec<String> = js::invoke_sync_steps(message.into()).unwrap();
        assert_eq!(
            sync, chunks,
            "the sync steps are the same chunks, all at once"
        );
    }
}

#[wasm_bindgen_test]
fn english_comes_in_words_and_japanese_in_characters() {
    let words = chunk_message("Hello big  world");
    assert_eq!(words, ["Hello ", "big  ", "world"]);
    let english = chunk_message(ENGLISH);
    assert_eq!(english.len(), ENGLISH.split_whitespace().count());
    assert!(english
        .iter()
        .all(|chunk| chunk.trim_end().chars().all(|c| !c.is_whitespace())));

    let japanese = chunk_message(JAPANESE);
    assert_eq!(japanese.len(), JAPANESE.chars().count());
    assert_eq!(
        chunk_message("abc"),
        ["a", "b", "c"],
        "no whitespace: one character per chunk"
    );
    assert_eq!(chunk_message("Hi 世界!"), ["Hi ", "世", "界", "!"]);
}

#[wasm_bindgen_test]
fn emoji_flags_and_combining_marks_are_never_split() {
    let chunks = chunk_message("👨‍👩‍👧‍👦🇯🇵👍🏽e\u{301}");
    assert_eq!(chunks, ["👨‍👩‍👧‍👦", "🇯🇵", "👍🏽", "e\u{301}"]);
    let chunks = chunk_message(EMOJI);
    assert!(chunks.contains(&"👨‍👩‍👧‍👦, ".to_string()), "{chunks:?}");
    assert!(chunks.contains(&"(e\u{301}).".to_string()), "{chunks:?}");
}

#[wasm_bindgen_test]
async fn chunks_arrive_one_per_delay() {
    let started = now_ms();
    let chunks = chunks_of(
        js::invoke_async_stream("a b c".into(), object(&[("delayMs", 15.into())])).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(chunks, ["a ", "b ", "c"]);
    assert!(now_ms() - started >= 44.0, "three chunks, 15 ms apart");
}

#[wasm_bindgen_test]
async fn aborting_the_signal_stops_the_rust_producer_with_the_reason() {
    let before = js::live_stream_producers();
    let controller = AbortController::new().unwrap();
    let options = object(&[
        ("delayMs", 5.into()),
        ("signal", controller.signal().into()),
    ]);
    let stream = js::invoke_async_stream(ENGLISH.into(), options).unwrap();
    assert_eq!(js::live_stream_producers(), before + 1);
    let mut reader = JsStream::from_readable_stream(&stream).unwrap();
    let first = reader.next().await.unwrap().unwrap();
    assert_eq!(first, "Streaming ");
    controller.abort_with_reason(&"stop".into());
    assert_eq!(
        js::live_stream_producers(),
        before,
        "the abort dropped the producer at once"
    );
    let mut outcome = reader.next().await;
    while let Some(Ok(_)) = outcome {
        outcome = reader.next().await; // chunks queued before the abort
    }
    assert_eq!(outcome.unwrap().unwrap_err(), "stop");
}

#[wasm_bindgen_test]
async fn cancelling_the_stream_drops_the_producer() {
    let before = js::live_stream_producers();
    let stream = js::invoke_async_stream(ENGLISH.into(), object(&[("delayMs", 5.into())])).unwrap();
    let mut reader = JsStream::from_readable_stream(&stream).unwrap();
    reader.next().await.unwrap().unwrap();
    drop(reader); // reader.cancel()
    sleep(0).await;
    assert_eq!(js::live_stream_producers(), before);
}

#[wasm_bindgen_test]
async fn count_stream_counts_and_fails_after_k_chunks() {
    let stream = js::count_stream(1000.into(), JsValue::UNDEFINED).unwrap();
    let all: Vec<f64> = JsStream::from_readable_stream(&stream)
        .unwrap()
        .map(|n| n.unwrap().as_f64().unwrap())
        .collect()
        .await;
    assert_eq!(all, (0..1000).map(f64::from).collect::<Vec<_>>());

    let options = object(&[("failAfter", 3.into()), ("highWaterMark", 1.into())]);
    let mut failing =
        JsStream::from_readable_stream(&js::count_stream(10.into(), options).unwrap()).unwrap();
    for expected in 0..3 {
        assert_eq!(
            failing.next().await.unwrap().unwrap().as_f64(),
            Some(f64::from(expected))
        );
    }
    let error = failing.next().await.unwrap().unwrap_err();
    assert_eq!(error_kind(&error), "Error");
    assert!(
        error_message(&error).contains("after 3 chunks"),
        "{}",
        error_message(&error)
    );
    assert!(failing.next().await.is_none());
    assert_eq!(js::live_stream_producers(), 0);
}

async fn run_gather(durations: &[f64], options: JsValue) -> Result<JsValue, JsValue> {
    let durations: Array = durations.iter().map(|&d| JsValue::from(d)).collect();
    settle(js::gather(durations.into(), options)).await
}

fn tasks(report: &JsValue) -> Vec<JsValue> {
    Array::from(&get(report, "tasks")).to_vec()
}

#[wasm_bindgen_test]
async fn concurrent_gather_takes_the_longest_task_and_sequential_the_sum() {
    let durations = [60.0, 60.0, 60.0];
    let sequential = run_gather(&durations, object(&[("mode", "sequential".into())]))
        .await
        .unwrap();
    let concurrent = run_gather(&durations, object(&[("mode", "concurrent".into())]))
        .await
        .unwrap();
    let total = |report: &JsValue| get(report, "totalMs").as_f64().unwrap();
    assert!(
        total(&sequential) >= 179.0,
        "sequential {}",
        total(&sequential)
    );
    assert!(
        total(&concurrent) < total(&sequential),
        "concurrent is faster"
    );
    assert!(total(&concurrent) >= 59.0);
    // Sequential tasks do not overlap; concurrent ones all start at once.
    let starts = |report: &JsValue| -> Vec<f64> {
        tasks(report)
            .iter()
            .map(|t| get(t, "startMs").as_f64().unwrap())
            .collect()
    };
    let ends = |report: &JsValue| -> Vec<f64> {
        tasks(report)
            .iter()
            .map(|t| get(t, "endMs").as_f64().unwrap())
            .collect()
    };
    let (s, e) = (starts(&sequential), ends(&sequential));
    assert!(s[1] >= e[0] && s[2] >= e[1], "sequential {s:?} {e:?}");
    let c = starts(&concurrent);
    assert!(
        c.iter().all(|start| *start < 30.0),
        "concurrent starts {c:?}"
    );
    for task in tasks(&concurrent) {
        assert_eq!(get(&task, "ok"), JsValue::TRUE);
        assert!(get(&task, "value").as_string().unwrap().contains("done"));
    }
}

#[wasm_bindgen_test]
async fn collect_reports_every_outcome_including_the_failure() {
    let options = object(&[("failIndex", 1.into()), ("onError", "collect".into())]);
    let report = run_gather(&[10.0, 5.0, 20.0], options).await.unwrap();
    let tasks = tasks(&report);
    assert_eq!(get(&tasks[0], "ok"), JsValue::TRUE);
    assert_eq!(get(&tasks[1], "ok"), JsValue::FALSE);
    assert!(get(&tasks[1], "error")
        .as_string()
        .unwrap()
        .contains("task 1 failed"));
    assert_eq!(get(&tasks[2], "ok"), JsValue::TRUE);
    assert!(tasks.iter().all(|t| get(t, "cancelled") == JsValue::FALSE));
}

#[wasm_bindgen_test]
async fn fail_fast_rejects_on_the_first_failure_and_cancels_the_rest() {
    let timers = support::track_timers();
    let options = object(&[("failIndex", 1.into()), ("onError", "failFast".into())]);
    let error = run_gather(&[200.0, 5.0, 300.0], options).await.unwrap_err();
    assert_eq!(error_kind(&error), "GatherError");
    assert_eq!(get(&error, "index"), 1);
    assert!(error_message(&error).contains("task 1 failed"));
    assert_eq!(timers.live(), 0, "the cancelled tasks' timers were cleared");
    timers.restore();
    let tasks = tasks(&get(&error, "report"));
    assert_eq!(get(&tasks[1], "ok"), JsValue::FALSE);
    for cancelled in [&tasks[0], &tasks[2]] {
        assert_eq!(get(cancelled, "cancelled"), JsValue::TRUE);
        assert!(
            get(cancelled, "endMs").as_f64().unwrap() < 150.0,
            "stopped early"
        );
    }

    let options = object(&[
        ("failIndex", 0.into()),
        ("onError", "failFast".into()),
        ("mode", "sequential".into()),
    ]);
    let error = run_gather(&[5.0, 5.0, 5.0], options).await.unwrap_err();
    let sequential = self::tasks(&get(&error, "report"));
    assert!(
        get(&sequential[1], "startMs").is_null(),
        "later tasks never start"
    );
    assert_eq!(get(&sequential[2], "cancelled"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn fail_fast_reports_tasks_that_finished_with_the_failure_as_finished() {
    // The three sleeps share one timer: all three end in the same task.
    let options = object(&[("failIndex", 1.into()), ("onError", "failFast".into())]);
    let error = run_gather(&[30.0, 30.0, 30.0], options).await.unwrap_err();
    assert_eq!(get(&error, "index"), 1);
    let tasks = tasks(&get(&error, "report"));
    assert_eq!(get(&tasks[1], "ok"), JsValue::FALSE);
    for finished in [&tasks[0], &tasks[2]] {
        assert_eq!(get(finished, "ok"), JsValue::TRUE, "{finished:?}");
        assert_eq!(get(finished, "cancelled"), JsValue::FALSE);
        assert!(get(finished, "value").as_string().unwrap().contains("done"));
    }
}

#[wasm_bindgen_test]
fn block_on_fails_fast_with_would_block_error() {
    let promise = Promise::resolve(&JsValue::from(1));
    let error = js::block_on(promise.into()).unwrap_err();
    assert_eq!(error_kind(&error), "WouldBlockError");
    assert!(
        error_message(&error).contains("one thread"),
        "{}",
        error_message(&error)
    );
    let error = js::block_on(5.into()).unwrap_err();
    assert_eq!(error_kind(&error), "TypeError");
}

#[wasm_bindgen_test]
async fn yielding_work_keeps_timers_running_while_busy_wait_does_not() {
    let (counter, tick) = {
        let pair = support::js_counter();
        (pair.get(0), pair.get(1).unchecked_into::<Function>())
    };
    let interval = web_sys::window()
        .unwrap()
        .set_interval_with_callback_and_timeout_and_arguments_0(&tick, 5)
        .unwrap();
    js::busy_wait(60.into()).unwrap();
    assert_eq!(get(&counter, "calls"), 0, "nothing ran while blocked");
    settle(js::yielding_work(100.into(), 5.into()))
        .await
        .unwrap();
    let calls = get(&counter, "calls").as_f64().unwrap();
    web_sys::window()
        .unwrap()
        .clear_interval_with_handle(interval);
    assert!(calls >= 3.0, "timers ran during the yielding work: {calls}");
}

#[wasm_bindgen_test]
fn a_future_created_and_dropped_never_runs() {
    let pair = support::js_counter();
    let ran = js::create_future_and_drop(pair.get(1)).unwrap();
    assert!(!ran);
    assert_eq!(get(&pair.get(0), "calls"), 0);
}

#[wasm_bindgen_test]
async fn every_bad_argument_gets_a_type_or_range_error_and_the_module_stays_usable() {
    let bigint = JsValue::from(js_sys::BigInt::from(5));
    let sync_cases: Vec<(&str, Result<JsValue, JsValue>, &str)> = vec![
        (
            "invokeAsyncStream 5",
            js::invoke_async_stream(5.into(), JsValue::UNDEFINED).map(Into::into),
            "TypeError",
        ),
        (
            "invokeAsyncStream opts",
            js::invoke_async_stream("x".into(), 3.into()).map(Into::into),
            "TypeError",
        ),
        (
            "invokeAsyncStream delay -1",
            js::invoke_async_stream("x".into(), object(&[("delayMs", (-1).into())]))
                .map(Into::into),
            "RangeError",
        ),
        (
            "invokeAsyncStream delay NaN",
            js::invoke_async_stream("x".into(), object(&[("delayMs", f64::NAN.into())]))
                .map(Into::into),
            "RangeError",
        ),
        (
            "invokeAsyncStream delay 2^31",
            js::invoke_async_stream("x".into(), object(&[("delayMs", 2147483648.0.into())]))
                .map(Into::into),
            "RangeError",
        ),
        (
            "invokeAsyncStream signal",
            js::invoke_async_stream("x".into(), object(&[("signal", "stop".into())]))
                .map(Into::into),
            "TypeError",
        ),
        (
            "invokeSyncSteps null",
            js::invoke_sync_steps(JsValue::NULL).map(|_| JsValue::NULL),
            "TypeError",
        ),
        (
            "countStream -1",
            js::count_stream((-1).into(), JsValue::UNDEFINED).map(Into::into),
            "RangeError",
        ),
        (
            "countStream 1.5",
            js::count_stream(1.5.into(), JsValue::UNDEFINED).map(Into::into),
            "RangeError",
        ),
        (
            "countStream bigint",
            js::count_stream(bigint.clone(), JsValue::UNDEFINED).map(Into::into),
            "TypeError",
        ),
        (
            "countStream undefined",
            js::count_stream(JsValue::UNDEFINED, JsValue::UNDEFINED).map(Into::into),
            "TypeError",
        ),
        (
            "countStream hwm -1",
            js::count_stream(3.into(), object(&[("highWaterMark", (-1).into())])).map(Into::into),
            "RangeError",
        ),
        (
            "countStream failAfter 4 of 3",
            js::count_stream(3.into(), object(&[("failAfter", 4.into())])).map(Into::into),
            "RangeError",
        ),
        (
            "blockOn undefined",
            js::block_on(JsValue::UNDEFINED),
            "TypeError",
        ),
        (
            "busyWait string",
            js::busy_wait("5".into()).map(|_| JsValue::NULL),
            "TypeError",
        ),
        (
            "busyWait Infinity",
            js::busy_wait(f64::INFINITY.into()).map(|_| JsValue::NULL),
            "RangeError",
        ),
        (
            "createFutureAndDrop 1",
            js::create_future_and_drop(1.into()).map(Into::into),
            "TypeError",
        ),
    ];
    for (case, outcome, expected) in sync_cases {
        let error = outcome.expect_err(case);
        assert_eq!(
            error_kind(&error),
            expected,
            "{case}: {}",
            error_message(&error)
        );
        assert!(error_message(&error).len() > 15, "{case}: clear message");
    }
    let async_cases: Vec<(&str, Promise, &str)> = vec![
        (
            "invokeAsync number",
            js::invoke_async(1.into(), JsValue::UNDEFINED),
            "TypeError",
        ),
        (
            "invokeAsync delay -5",
            js::invoke_async("x".into(), (-5).into()),
            "RangeError",
        ),
        (
            "invokeAsync delay bigint",
            js::invoke_async("x".into(), bigint.clone()),
            "TypeError",
        ),
        (
            "gather not array",
            js::gather("1,2".into(), JsValue::UNDEFINED),
            "TypeError",
        ),
        (
            "gather NaN",
            js::gather(Array::of1(&f64::NAN.into()).into(), JsValue::UNDEFINED),
            "RangeError",
        ),
        (
            "gather string entry",
            js::gather(Array::of1(&"5".into()).into(), JsValue::UNDEFINED),
            "TypeError",
        ),
        (
            "gather mode",
            js::gather(Array::new().into(), object(&[("mode", "parallel".into())])),
            "TypeError",
        ),
        (
            "gather onError",
            js::gather(Array::new().into(), object(&[("onError", 1.into())])),
            "TypeError",
        ),
        (
            "gather failIndex 5 of 2",
            js::gather(
                Array::of2(&1.into(), &1.into()).into(),
                object(&[("failIndex", 5.into())]),
            ),
            "RangeError",
        ),
        (
            "yieldingWork slice 0",
            js::yielding_work(10.into(), 0.into()),
            "RangeError",
        ),
        (
            "yieldingWork total string",
            js::yielding_work("10".into(), 1.into()),
            "TypeError",
        ),
    ];
    for (case, promise, expected) in async_cases {
        let error = settle(promise).await.expect_err(case);
        assert_eq!(
            error_kind(&error),
            expected,
            "{case}: {}",
            error_message(&error)
        );
    }
    // Still usable.
    assert_eq!(
        settle(js::invoke_async("ok".into(), 0.into()))
            .await
            .unwrap(),
        "Done: ok"
    );
    assert_eq!(js::invoke_sync_steps("a b".into()).unwrap(), ["a ", "b"]);
}
