//! The sync/async boundary shown on purpose: `blockOn`, `busyWait` vs
//! `yieldingWork`, a future created and dropped.

mod exports;
#[path = "../../tests/support/mod.rs"]
mod support;

use exports as js;
use js_sys::{Function, Promise};
use support::{error_kind, error_message, get, settle};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
