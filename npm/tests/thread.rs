//! `ThreadCounter`: the counter in a dedicated worker, driven from the page.

#[path = "../../tests/support/mod.rs"]
mod support;
mod worker_starter;

use js_sys::Promise;
use loopbridge::spin_for;
use loopbridge_npm::ThreadCounter;
use support::{error_kind, error_message, object, settle, sleep, wait_until};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use worker_starter::test_starter;

wasm_bindgen_test_configure!(run_in_browser);

fn counter(interval_ms: f64) -> ThreadCounter {
    ThreadCounter::new(
        object(&[("intervalMs", interval_ms.into())]),
        &test_starter(),
    )
    .unwrap()
}

async fn answer(promise: Promise) -> Result<bool, JsValue> {
    settle(promise).await.map(|value| value.as_bool().unwrap())
}

#[wasm_bindgen_test]
async fn start_and_stop_cross_to_the_worker_and_say_what_changed() {
    let counter = counter(5.0);
    assert!(!counter.running());
    assert_eq!(answer(counter.stop()).await, Ok(false));
    assert_eq!(answer(counter.start()).await, Ok(true));
    assert!(counter.running());
    assert_eq!(answer(counter.start()).await, Ok(false));
    wait_until("the worker counts", || counter.count() >= 3.0).await;
    assert_eq!(answer(counter.stop()).await, Ok(true));
    assert!(!counter.running());
    let held = counter.count();
    sleep(30).await;
    assert_eq!(counter.count(), held, "the count holds after stop");
}

#[wasm_bindgen_test]
async fn the_worker_keeps_counting_while_the_page_is_blocked() {
    let counter = counter(10.0);
    answer(counter.start()).await.unwrap();
    wait_until("the first counts", || counter.count() >= 2.0).await;
    let before = counter.count();
    spin_for(200.0);
    let right_after = counter.count();
    if counter.shared_memory() {
        assert!(
            right_after >= before + 15.0,
            "shared memory is current at once: {before} -> {right_after}"
        );
    } else {
        wait_until("the messages catch up", || counter.count() >= before + 15.0).await;
    }
    answer(counter.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn ticks_and_on_tick_deliver_until_stop() {
    let counter = counter(5.0);
    let calls = support::js_counter();
    counter.on_tick(calls.get(1)).unwrap();
    let stream = counter.ticks().unwrap();
    let reader = loopbridge::JsStream::from_readable_stream(&stream).unwrap();
    answer(counter.start()).await.unwrap();
    use futures::StreamExt;
    let counts: Vec<f64> = reader
        .take(3)
        .map(|c| c.unwrap().as_f64().unwrap())
        .collect()
        .await;
    assert!(counts.windows(2).all(|w| w[1] > w[0]), "{counts:?}");
    let stopping = counter.stop();
    let delivered = support::calls(&calls);
    answer(stopping).await.unwrap();
    sleep(30).await;
    assert_eq!(support::calls(&calls), delivered, "nothing after stop()");
}

#[wasm_bindgen_test]
async fn a_crash_is_reported_and_running_becomes_false() {
    let errors = support::capture_console_errors();
    let counter = counter(5.0);
    answer(counter.start()).await.unwrap();
    counter.simulate_crash();
    wait_until("the crash is reported", || counter.crash_reason().is_some()).await;
    errors.restore_console();
    assert!(!counter.running());
    assert!(
        errors.messages().iter().any(|m| m.contains("crashed")),
        "{:?}",
        errors.messages()
    );
    let error = answer(counter.start()).await.unwrap_err();
    assert!(
        error_message(&error).contains("crashed"),
        "{}",
        error_message(&error)
    );
}

#[wasm_bindgen_test]
fn bad_options_get_type_and_range_errors() {
    for (options, expected) in [
        (JsValue::from(3), "TypeError"),
        (object(&[("intervalMs", 0.into())]), "RangeError"),
        (object(&[("intervalMs", "9".into())]), "TypeError"),
        (object(&[("name", 9.into())]), "TypeError"),
    ] {
        let error = ThreadCounter::new(options, &test_starter()).unwrap_err();
        assert_eq!(error_kind(&error), expected, "{}", error_message(&error));
    }
}

#[wasm_bindgen_test]
async fn reset_and_start_bring_the_count_back_to_zero_at_once() {
    let counter = counter(5.0);
    answer(counter.start()).await.unwrap();
    wait_until("counting", || counter.count() >= 3.0).await;
    answer(counter.stop()).await.unwrap();
    assert!(counter.count() >= 3.0);
    answer(counter.reset()).await.unwrap();
    assert_eq!(counter.count(), 0.0, "reset resolves with the count at 0");
    wait_until("counting again", || {
        counter.count() >= 2.0 || !counter.running()
    })
    .await;
    answer(counter.start()).await.unwrap();
    assert!(
        counter.count() <= 1.0,
        "a new run counts from 0: {}",
        counter.count()
    );
    answer(counter.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn ticks_queued_during_a_block_arrive_as_one_caught_up_delivery_with_shared_memory() {
    let counter = counter(50.0);
    let calls = support::js_counter();
    counter.on_tick(calls.get(1)).unwrap();
    let delivered = || support::calls(&calls);
    answer(counter.start()).await.unwrap();
    wait_until("the first tick", || delivered() >= 1.0).await;
    let before = delivered();
    spin_for(600.0);
    wait_until("the first delivery after the block", || {
        delivered() > before
    })
    .await;
    let missed = support::get(&counter.last_tick(), "missed")
        .as_f64()
        .unwrap();
    if counter.shared_memory() {
        assert_eq!(
            delivered() - before,
            1.0,
            "one delivery, not a replay of every queued tick"
        );
        assert!(
            missed >= 8.0,
            "the catch-up delivery folds in the missed ticks: {missed}"
        );
    } else {
        // Without shared memory every queued message is delivered.
        wait_until("the queued ticks", || delivered() >= before + 10.0).await;
    }
    answer(counter.stop()).await.unwrap();
}

type Seen = std::rc::Rc<std::cell::RefCell<Vec<f64>>>;

/// Records every count `onTick` gets; keep the closure alive.
fn record(counter: &ThreadCounter) -> (Seen, Closure<dyn Fn(f64)>) {
    let seen = Seen::default();
    let sink = std::rc::Rc::clone(&seen);
    let callback = Closure::<dyn Fn(f64)>::new(move |count: f64| sink.borrow_mut().push(count));
    counter.on_tick(callback.as_ref().clone()).unwrap();
    (seen, callback)
}

#[wasm_bindgen_test]
async fn a_tick_of_an_earlier_run_still_on_its_way_is_never_delivered() {
    let counter = counter(5.0);
    let (seen, _callback) = record(&counter);
    answer(counter.start()).await.unwrap();
    wait_until("the first ticks", || seen.borrow().len() >= 3).await;
    // The page is busy while the worker ticks on: its tick messages queue up.
    spin_for(100.0);
    // A new run, in the same task: the queued ticks belong to the old one.
    let _stopped = counter.stop();
    let _started = counter.start();
    let restarted = loopbridge::now_ms();
    seen.borrow_mut().clear();
    sleep(60).await;
    let elapsed = loopbridge::now_ms() - restarted;
    let most = (elapsed / 5.0).ceil() + 1.0;
    let seen = seen.borrow().clone();
    assert!(!seen.is_empty(), "the new run ticks");
    assert!(
        seen.iter().all(|count| *count <= most),
        "after {elapsed:.0} ms of the new run only counts up to {most} can be due, got {seen:?}"
    );
    answer(counter.stop()).await.unwrap();
}

#[wasm_bindgen_test]
async fn last_tick_is_a_full_tick_info_on_the_page_clock() {
    let counter = counter(5.0);
    answer(counter.start()).await.unwrap();
    wait_until("a tick", || !counter.last_tick().is_null()).await;
    let tick = counter.last_tick();
    let number = |key: &str| support::get(&tick, key).as_f64().unwrap();
    assert!(number("count") >= 1.0);
    assert!(number("missed") >= 0.0);
    assert!(number("latenessMs") >= 0.0);
    let deadline = number("deadlineMs");
    let now = loopbridge::now_ms();
    assert!(
        deadline <= now && deadline > now - 1000.0,
        "deadlineMs {deadline} is a recent time on the page's clock (now {now})"
    );
    answer(counter.stop()).await.unwrap();
}
