//! `CounterWorker` (and the `Ticker` under it) in a real browser.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::StreamExt;
use js_sys::{Function, Object, Reflect};
use loopbridge::{spin_for, Tick, Ticker};
use loopbridge_npm::CounterWorker;
use support::{sleep, wait_until};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{ReadableStream, ReadableStreamDefaultReader};

wasm_bindgen_test_configure!(run_in_browser);

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(key), value).unwrap();
    }
    object.into()
}

fn worker(interval_ms: f64) -> CounterWorker {
    CounterWorker::new(options(&[("intervalMs", interval_ms.into())])).unwrap()
}

type Recorded = Rc<RefCell<Vec<u64>>>;

/// Records every count passed to `onTick`; keep the returned closure alive.
fn record_ticks(worker: &CounterWorker) -> (Recorded, Closure<dyn Fn(f64)>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&seen);
    let callback =
        Closure::<dyn Fn(f64)>::new(move |count: f64| sink.borrow_mut().push(count as u64));
    worker.on_tick(callback.as_ref().clone()).unwrap();
    (seen, callback)
}

/// Records every delivery of a Rust `Ticker`.
fn record_deliveries(ticker: &Ticker) -> Rc<RefCell<Vec<Tick>>> {
    let ticks = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&ticks);
    ticker.on_tick(move |tick: &Tick| sink.borrow_mut().push(*tick));
    ticks
}

fn error_class(error: &JsValue) -> &'static str {
    if error.is_instance_of::<js_sys::TypeError>() {
        "TypeError"
    } else if error.is_instance_of::<js_sys::RangeError>() {
        "RangeError"
    } else if error.is_instance_of::<js_sys::Error>() {
        "Error"
    } else {
        "not an Error"
    }
}

fn message(error: &JsValue) -> String {
    error.unchecked_ref::<js_sys::Error>().message().into()
}

fn reader(stream: &ReadableStream) -> ReadableStreamDefaultReader {
    stream.get_reader().unchecked_into()
}

/// The next chunk as a count, or `None` when the stream is done.
async fn read(reader: &ReadableStreamDefaultReader) -> Option<u64> {
    let result = JsFuture::from(reader.read()).await.unwrap();
    if Reflect::get(&result, &"done".into()).unwrap().is_truthy() {
        return None;
    }
    Some(
        Reflect::get(&result, &"value".into())
            .unwrap()
            .as_f64()
            .unwrap() as u64,
    )
}

#[wasm_bindgen_test]
fn defaults_are_one_second_and_numbered_names() {
    let first = CounterWorker::new(JsValue::UNDEFINED).unwrap();
    let second = CounterWorker::new(options(&[])).unwrap();
    assert_eq!(first.interval_ms(), 1000.0);
    assert!(!first.running());
    assert_eq!(first.count(), 0.0);
    assert!(first.last_tick().is_null());
    let number = |w: &CounterWorker| -> u32 {
        w.name()
            .strip_prefix("worker-")
            .expect("default name is worker-N")
            .parse()
            .unwrap()
    };
    assert_eq!(number(&second), number(&first) + 1);
    let named = CounterWorker::new(options(&[
        ("name", "ticker".into()),
        ("intervalMs", 2.5.into()),
    ]))
    .unwrap();
    assert_eq!(named.name(), "ticker");
    assert_eq!(named.interval_ms(), 2.5);
    // A named worker takes no number.
    let third = CounterWorker::new(JsValue::NULL).unwrap();
    assert_eq!(number(&third), number(&second) + 1);
}

#[wasm_bindgen_test]
async fn every_bad_option_gets_its_error_and_the_module_stays_usable() {
    let cases: Vec<(&str, JsValue, &str)> = vec![
        ("options 5", 5.into(), "TypeError"),
        ("options string", "fast".into(), "TypeError"),
        ("options true", true.into(), "TypeError"),
        (
            "options function",
            Function::new_no_args("").into(),
            "TypeError",
        ),
        (
            "intervalMs string",
            options(&[("intervalMs", "100".into())]),
            "TypeError",
        ),
        (
            "intervalMs null",
            options(&[("intervalMs", JsValue::NULL)]),
            "TypeError",
        ),
        (
            "intervalMs bigint",
            options(&[("intervalMs", js_sys::BigInt::from(10).into())]),
            "TypeError",
        ),
        (
            "intervalMs object",
            options(&[("intervalMs", Object::new().into())]),
            "TypeError",
        ),
        (
            "intervalMs 0",
            options(&[("intervalMs", 0.into())]),
            "RangeError",
        ),
        (
            "intervalMs 0.5",
            options(&[("intervalMs", 0.5.into())]),
            "RangeError",
        ),
        (
            "intervalMs -1",
            options(&[("intervalMs", (-1).into())]),
            "RangeError",
        ),
        (
            "intervalMs -0",
            options(&[("intervalMs", (-0.0).into())]),
            "RangeError",
        ),
        (
            "intervalMs NaN",
            options(&[("intervalMs", f64::NAN.into())]),
            "RangeError",
        ),
        (
            "intervalMs Infinity",
            options(&[("intervalMs", f64::INFINITY.into())]),
            "RangeError",
        ),
        (
            "intervalMs 2^31",
            options(&[("intervalMs", 2147483648.0.into())]),
            "RangeError",
        ),
        ("name number", options(&[("name", 5.into())]), "TypeError"),
        (
            "name null",
            options(&[("name", JsValue::NULL)]),
            "TypeError",
        ),
        (
            "name symbol",
            options(&[("name", js_sys::Symbol::for_("n").into())]),
            "TypeError",
        ),
        (
            "throwing getter",
            support::object_with_throwing_getter("intervalMs"),
            "Error",
        ),
    ];
    for (case, bad, expected) in cases {
        let error = CounterWorker::new(bad).expect_err(case);
        assert_eq!(error_class(&error), expected, "{case}: {}", message(&error));
        if expected != "Error" {
            assert!(
                message(&error).starts_with("CounterWorker"),
                "{case}: {}",
                message(&error)
            );
        }
        // Still usable: a fresh worker starts, ticks and stops.
        let fine = worker(1.0);
        assert!(fine.start().unwrap());
        wait_until("a worker made after a bad call ticks", || {
            fine.count() >= 1.0
        })
        .await;
        assert!(fine.stop());
    }
    for edge in [1.0, 1.5, 2147483647.0] {
        assert_eq!(worker(edge).interval_ms(), edge);
    }
    let fine = worker(10.0);
    for bad in [JsValue::from("tick"), 3.into(), Object::new().into()] {
        let error = fine.on_tick(bad).unwrap_err();
        assert_eq!(error_class(&error), "TypeError", "{}", message(&error));
    }
    fine.on_tick(JsValue::NULL).unwrap();
    fine.on_tick(JsValue::UNDEFINED).unwrap();
    let bad_message =
        message(&CounterWorker::new(options(&[("intervalMs", f64::NAN.into())])).unwrap_err());
    assert_eq!(
        bad_message,
        "CounterWorker: intervalMs must be a finite number from 1 to 2147483647, got NaN"
    );
}

#[wasm_bindgen_test]
fn start_and_stop_say_whether_they_changed_anything() {
    let worker = worker(1000.0);
    assert!(!worker.stop(), "stop on a stopped worker");
    assert!(worker.start().unwrap());
    assert!(worker.running());
    assert!(!worker.start().unwrap(), "start on a running worker");
    assert!(worker.running());
    assert!(worker.stop());
    assert!(!worker.running());
    assert!(!worker.stop());
}

#[wasm_bindgen_test]
async fn each_start_counts_from_zero_and_stop_keeps_the_final_count() {
    let worker = worker(5.0);
    worker.start().unwrap();
    assert_eq!(worker.count(), 0.0);
    wait_until("the count reaches 3", || worker.count() >= 3.0).await;
    worker.stop();
    let held = worker.count();
    sleep(20).await;
    assert_eq!(worker.count(), held, "the count holds after stop");
    worker.start().unwrap();
    assert_eq!(worker.count(), 0.0, "a restart counts from 0");
    worker.stop();
}

#[wasm_bindgen_test]
async fn reset_sets_the_count_back_to_zero_running_or_not() {
    let worker = worker(5.0);
    worker.start().unwrap();
    wait_until("the count reaches 2", || worker.count() >= 2.0).await;
    worker.reset().unwrap();
    assert_eq!(worker.count(), 0.0);
    assert!(worker.running());
    wait_until("it counts on after a reset", || worker.count() >= 1.0).await;
    worker.stop();
    assert!(worker.count() >= 1.0);
    worker.reset().unwrap();
    assert_eq!(worker.count(), 0.0);
}

#[wasm_bindgen_test]
async fn stop_delivers_no_tick_after_it_returns() {
    let worker = worker(1.0);
    let (seen, _callback) = record_ticks(&worker);
    worker.start().unwrap();
    wait_until("a few ticks arrive", || seen.borrow().len() >= 3).await;
    worker.stop();
    let delivered = seen.borrow().len();
    sleep(30).await;
    assert_eq!(seen.borrow().len(), delivered);
}

#[wasm_bindgen_test]
async fn a_callback_may_stop_its_own_worker() {
    let ticker = Rc::new(Ticker::new(std::time::Duration::from_millis(1)));
    let calls = Rc::new(RefCell::new(Vec::new()));
    let (weak, sink) = (Rc::downgrade(&ticker), Rc::clone(&calls));
    ticker.on_tick(move |tick: &Tick| {
        sink.borrow_mut().push(tick.count);
        if sink.borrow().len() == 3 {
            assert!(weak.upgrade().unwrap().stop());
        }
    });
    ticker.start();
    wait_until("the callback stops the ticker", || !ticker.is_running()).await;
    sleep(20).await;
    assert_eq!(calls.borrow().len(), 3);
}

#[wasm_bindgen_test]
async fn a_callback_may_free_its_own_worker() {
    let timers = support::track_timers();
    let slot: Rc<RefCell<Option<CounterWorker>>> = Rc::new(RefCell::new(Some(worker(1.0))));
    let calls = Rc::new(Cell::new(0));
    let (owner, seen) = (Rc::clone(&slot), Rc::clone(&calls));
    let callback = Closure::<dyn Fn(f64)>::new(move |_count: f64| {
        seen.set(seen.get() + 1);
        drop(owner.borrow_mut().take()); // what `worker.free()` in the callback does
    });
    let reader = {
        let borrowed = slot.borrow();
        let worker = borrowed.as_ref().unwrap();
        worker.on_tick(callback.as_ref().clone()).unwrap();
        let reader = reader(&worker.ticks().unwrap());
        worker.start().unwrap();
        reader
    };
    wait_until("the callback frees the worker", || slot.borrow().is_none()).await;
    while read(&reader).await.is_some() {}
    sleep(10).await;
    assert_eq!(calls.get(), 1);
    assert_eq!(timers.live(), 0);
    timers.restore();
}

#[wasm_bindgen_test]
async fn a_blocked_thread_is_caught_up_in_one_delivery() {
    let ticker = Ticker::new(std::time::Duration::from_millis(10));
    let ticks = record_deliveries(&ticker);
    ticker.start();
    wait_until("the first delivery", || !ticks.borrow().is_empty()).await;
    let before = ticks.borrow().len();
    let last_before = ticks.borrow().last().unwrap().count;
    spin_for(120.0);
    // Measured, not counted: right even though no timer could run.
    assert!(
        ticker.count() >= last_before + 11,
        "count {} right after the block",
        ticker.count()
    );
    wait_until("the delivery after the block", || {
        ticks.borrow().len() > before
    })
    .await;
    let caught_up = ticks.borrow()[before];
    assert!(
        caught_up.count >= last_before + 11,
        "caught-up delivery {caught_up:?}"
    );
    assert_eq!(caught_up.missed, caught_up.count - last_before - 1);
    assert!(caught_up.lateness_ms >= 90.0, "{caught_up:?}");
    // Coalesced: that one delivery carried every missed count, so what
    // follows it is newer, never a burst of stale ones.
    wait_until("one more delivery", || ticks.borrow().len() > before + 1).await;
    let after: Vec<u64> = ticks.borrow()[before..].iter().map(|t| t.count).collect();
    assert!(
        after.windows(2).all(|w| w[1] > w[0]),
        "counts strictly increase: {after:?}"
    );
    ticker.stop();
}

#[wasm_bindgen_test]
async fn deliveries_keep_to_absolute_deadlines() {
    let ticker = Ticker::new(std::time::Duration::from_millis(4));
    let ticks = record_deliveries(&ticker);
    ticker.start();
    wait_until("20 deliveries", || ticks.borrow().len() >= 20).await;
    ticker.stop();
    let ticks = ticks.borrow();
    let epoch = ticks[0].deadline_ms - (ticks[0].count - ticks[0].missed) as f64 * 4.0;
    for tick in ticks.iter() {
        let first_count = tick.count - tick.missed;
        let expected = epoch + first_count as f64 * 4.0;
        assert!(
            (tick.deadline_ms - expected).abs() < 1e-6,
            "{tick:?} due at {expected}"
        );
        assert!(tick.lateness_ms >= 0.0);
    }
}

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
