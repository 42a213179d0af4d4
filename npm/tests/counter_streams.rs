//! `CounterWorker`'s `ticks()` streams and callbacks in a real browser.

mod counter_helpers;
#[path = "../../tests/support/mod.rs"]
mod support;

use counter_helpers::*;
use futures::StreamExt;
use loopbridge::Ticker;
use loopbridge_npm::CounterWorker;
use support::sleep;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn ticks_stream_delivers_increasing_counts_and_closes_on_stop() {
    let worker = worker(2.0);
    let reader = reader(&worker.ticks().unwrap());
    worker.start().unwrap();
    let mut counts = Vec::new();
    for _ in 0..4 {
        counts.push(read(&reader).await.expect("a count while running"));
    }
    worker.stop();
    let final_count = worker.count() as u64;
    while let Some(count) = read(&reader).await {
        counts.push(count);
    }
    assert!(counts.windows(2).all(|w| w[1] > w[0]), "{counts:?}");
    assert!(
        counts[0] >= 1 && *counts.last().unwrap() <= final_count,
        "{counts:?} final {final_count}"
    );
}

#[wasm_bindgen_test]
async fn a_stream_taken_while_stopped_waits_for_the_next_run() {
    let worker = worker(2.0);
    let reader = reader(&worker.ticks().unwrap());
    sleep(10).await;
    assert!(!worker.running());
    worker.start().unwrap();
    let first = read(&reader)
        .await
        .expect("the stream opened while stopped delivers once started");
    assert!(first >= 1 && first as f64 <= worker.count());
    worker.stop();
    assert_eq!(read(&reader).await, None);
}

#[wasm_bindgen_test]
async fn cancelling_one_stream_leaves_the_others() {
    let worker = worker(2.0);
    let first = reader(&worker.ticks().unwrap());
    let second = reader(&worker.ticks().unwrap());
    worker.start().unwrap();
    assert!(read(&first).await.is_some());
    JsFuture::from(first.cancel()).await.unwrap();
    let a = read(&second).await.unwrap();
    let b = read(&second).await.unwrap();
    assert!(b > a);
    assert!(worker.running());
    worker.stop();
}

#[wasm_bindgen_test]
async fn freeing_the_worker_closes_its_streams() {
    let worker = worker(2.0);
    let reader = reader(&worker.ticks().unwrap());
    worker.start().unwrap();
    assert!(read(&reader).await.is_some());
    drop(worker); // what JS `free()` does
    while read(&reader).await.is_some() {}
}

#[wasm_bindgen_test]
async fn dropping_a_rust_ticks_stream_unsubscribes_it() {
    let ticker = Ticker::new(std::time::Duration::from_millis(2));
    let mut kept = ticker.ticks();
    let dropped = ticker.ticks();
    ticker.start();
    drop(dropped);
    let a = kept.next().await.unwrap();
    let b = kept.next().await.unwrap();
    assert!(b > a);
    ticker.stop();
    assert_eq!(kept.next().await, None);
}

#[wasm_bindgen_test]
async fn a_throwing_callback_does_not_stop_the_worker() {
    let errors = support::capture_console_errors();
    let worker = CounterWorker::new(options(&[
        ("intervalMs", 2.into()),
        ("name", "thrower".into()),
    ]))
    .unwrap();
    worker.on_tick(support::throwing_function().into()).unwrap();
    let reader = reader(&worker.ticks().unwrap());
    worker.start().unwrap();
    let a = read(&reader).await.unwrap();
    let b = read(&reader).await.unwrap();
    let c = read(&reader).await.unwrap();
    assert!(a < b && b < c);
    assert!(worker.running());
    worker.stop();
    errors.restore_console();
    let messages = errors.messages();
    assert!(messages.len() >= 2, "{messages:?}");
    assert!(
        messages[0].contains("thrower") && messages[0].contains("callback failed on purpose"),
        "{messages:?}"
    );
    // The module still works.
    let fine = self::worker(1.0);
    assert!(fine.start().unwrap() && fine.stop());
}

#[wasm_bindgen_test]
async fn a_thousand_start_stop_cycles_leave_no_live_timers() {
    let timers = support::track_timers();
    let worker = worker(1.0);
    let _reader = reader(&worker.ticks().unwrap());
    for cycle in 0..1000 {
        assert!(worker.start().unwrap(), "cycle {cycle}");
        if cycle % 100 == 0 {
            sleep(3).await; // let some ticks really fire
        }
        assert!(worker.stop(), "cycle {cycle}");
        assert_eq!(timers.live(), 0, "after stop in cycle {cycle}");
    }
    worker.start().unwrap();
    assert_eq!(timers.live(), 1);
    drop(worker);
    assert_eq!(timers.live(), 0, "free() releases the timer");
    timers.restore();
}
