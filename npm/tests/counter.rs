//! `CounterWorker` (and the `Ticker` under it) in a real browser: options,
//! commands, deliveries.

mod counter_helpers;
#[path = "../../tests/support/mod.rs"]
mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use counter_helpers::*;
use js_sys::{Function, Object};
use loopbridge::{spin_for, Tick, Ticker};
use loopbridge_npm::CounterWorker;
use support::{sleep, wait_until};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
