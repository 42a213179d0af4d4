//! The async call and the async generator streamed chunk by chunk
//! (`invokeAsync`, `invokeAsyncStream`, `invokeSyncSteps`) and `countStream`,
//! called as JS would call them.

mod exports;
#[path = "../../tests/support/mod.rs"]
mod support;

use exports as js;
use futures::StreamExt;
use loopbridge::{now_ms, JsStream};
use loopbridge_demo::chunks::chunk_message;
use support::{error_kind, error_message, object, settle, sleep};
use wasm_bindgen::prelude::*;
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
