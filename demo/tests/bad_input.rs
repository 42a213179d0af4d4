//! Every demo export called with bad arguments: a `TypeError` or
//! `RangeError`, and the module stays usable.

mod exports;
#[path = "../../tests/support/mod.rs"]
mod support;

use exports as js;
use js_sys::{Array, Promise};
use support::{error_kind, error_message, object, settle};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

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
