//! `BlockingWorker` and `block_on_page`: plain sync code in a worker that
//! blocks on the page's async functions. The runner serves the tests
//! cross-origin isolated unless `WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION` is
//! set; then the tests check the clear "needs COOP/COEP" error instead.

#[path = "../../tests/support/mod.rs"]
mod support;
mod worker_starter;

use js_sys::{Array, Function};
use loopbridge_npm::{block_on_page, BlockingError, BlockingWorker};
use support::{error_kind, error_message, get, object, settle, wait_until};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use worker_starter::test_starter;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function echoHandler() {
  const log = { calls: 0 };
  const handler = async (request) => {
    log.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, request.delayMs));
    return { echo: `Done: ${request.message}`, index: request.index };
  };
  return [log, handler];
}

export function failingAt(index) {
  return async (request) => {
    if (request.index === index) {
      const error = new Error(`call ${index} failed on purpose`);
      error.name = 'ValueError';
      throw error;
    }
    if (request.index === index + 1) throw new RangeError('out of range on purpose');
    return request.index;
  };
}

export function slowAt(index, slowMs) {
  return (request) => new Promise((resolve) => {
    setTimeout(() => resolve(`answer ${request.index}`), request.index === index ? slowMs : request.delayMs);
  });
}

export function answering(make) {
  return () => make();
}

export async function collect(stream) {
  const results = [];
  for await (const result of stream) results.push(result);
  return results;
}

export async function collectUntilError(stream) {
  const results = [];
  try {
    for await (const result of stream) results.push(result);
  } catch (error) {
    return [results, error];
  }
  return [results, null];
}

export function bigAnswer(length) {
  return () => 'x'.repeat(length);
}

export function unserialisable() {
  return (request) => (request.index === 0 ? 10n : undefined);
}
"#)]
extern "C" {
    /// `[log, handler]`: answers `{ echo: "Done: item i", index }` after `delayMs`.
    #[wasm_bindgen(js_name = echoHandler)]
    fn echo_handler() -> Array;
    /// Rejects call `index` with a `ValueError`, call `index + 1` with a `RangeError`.
    #[wasm_bindgen(js_name = failingAt)]
    fn failing_at(index: u32) -> Function;
    /// Answers call `index` after `slow_ms`, the others after their `delayMs`.
    #[wasm_bindgen(js_name = slowAt)]
    fn slow_at(index: u32, slow_ms: u32) -> Function;
    #[wasm_bindgen(js_name = bigAnswer)]
    fn big_answer(length: u32) -> Function;
    /// A BigInt for call 0 (not JSON), `undefined` for the others.
    fn unserialisable() -> Function;
    /// Every result of a run.
    fn collect(stream: &JsValue) -> js_sys::Promise;
    /// `[results, error | null]`.
    #[wasm_bindgen(js_name = collectUntilError)]
    fn collect_until_error(stream: &JsValue) -> js_sys::Promise;
}

fn isolated() -> bool {
    BlockingWorker::why_unavailable().is_none()
}

fn cross_origin_isolated() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"crossOriginIsolated".into())
        .is_ok_and(|value| value.is_truthy())
}

fn blocking_worker(handler: &JsValue) -> BlockingWorker {
    BlockingWorker::new(object(&[("handler", handler.clone())]), &test_starter()).unwrap()
}

fn run(worker: &BlockingWorker, options: &[(&str, JsValue)]) -> JsValue {
    worker.run_sync_loop(object(options)).unwrap().into()
}

async fn results(stream: &JsValue) -> Vec<JsValue> {
    settle(collect(stream))
        .await
        .unwrap()
        .dyn_into::<Array>()
        .unwrap()
        .to_vec()
}

#[wasm_bindgen_test]
fn block_on_page_on_the_main_thread_fails_at_once_instead_of_hanging() {
    let started = loopbridge::now_ms();
    let error = block_on_page(&"hi".into(), None).unwrap_err();
    assert_eq!(error, BlockingError::NotInWorker);
    assert!(loopbridge::now_ms() - started < 50.0);
    let js = JsValue::from(error);
    assert_eq!(error_kind(&js), "Error");
    assert!(
        error_message(&js).contains("only in a dedicated Web Worker"),
        "{}",
        error_message(&js)
    );
}

#[wasm_bindgen_test]
fn without_isolation_the_constructor_says_coop_and_coep_are_needed() {
    let handler = echo_handler().get(1);
    match BlockingWorker::new(object(&[("handler", handler)]), &test_starter()) {
        Ok(worker) => {
            assert!(isolated());
            drop(worker);
        }
        Err(error) => {
            assert!(!isolated());
            let message = error_message(&error);
            if cross_origin_isolated() {
                // Isolated, but the engine has no SharedArrayBuffer (WebKitGTK).
                assert!(
                    message.contains("needs SharedArrayBuffer and Atomics.wait"),
                    "{message}"
                );
            } else {
                assert!(message.contains("cross-origin isolation"), "{message}");
                assert!(message.contains("COOP/COEP"), "{message}");
            }
            assert_eq!(BlockingWorker::why_unavailable(), Some(message));
        }
    }
}

#[wasm_bindgen_test]
fn bad_options_get_type_and_range_errors() {
    let handler = echo_handler().get(1);
    for (options, expected) in [
        (JsValue::UNDEFINED, "TypeError"),
        (JsValue::from(3), "TypeError"),
        (object(&[("handler", "f".into())]), "TypeError"),
        (
            object(&[("handler", handler.clone()), ("maxAnswerBytes", 0.into())]),
            "RangeError",
        ),
        (
            object(&[("handler", handler.clone()), ("maxAnswerBytes", 1.5.into())]),
            "RangeError",
        ),
        (
            object(&[("handler", handler.clone()), ("maxAnswerBytes", "9".into())]),
            "TypeError",
        ),
    ] {
        let error = BlockingWorker::new(options, &test_starter()).unwrap_err();
        assert_eq!(error_kind(&error), expected, "{}", error_message(&error));
    }
    if !isolated() {
        return;
    }
    let worker = blocking_worker(&handler);
    for (options, expected) in [
        (JsValue::from("5"), "TypeError"),
        (object(&[("count", (-1).into())]), "RangeError"),
        (object(&[("count", 2.5.into())]), "RangeError"),
        (object(&[("delayMs", "300".into())]), "TypeError"),
        (object(&[("timeoutMs", f64::NAN.into())]), "RangeError"),
        (object(&[("signal", 1.into())]), "TypeError"),
    ] {
        let error = worker.run_sync_loop(options).unwrap_err();
        assert_eq!(error_kind(&error), expected, "{}", error_message(&error));
    }
    assert!(!worker.running(), "a refused run leaves nothing behind");
}

#[wasm_bindgen_test]
async fn the_sync_loop_gets_every_answer_in_order_each_after_blocking_for_it() {
    if !isolated() {
        return;
    }
    let handler = echo_handler();
    let worker = blocking_worker(&handler.get(1));
    let stream = run(&worker, &[("count", 4.into()), ("delayMs", 20.into())]);
    assert!(worker.running());
    let results = results(&stream).await;
    assert_eq!(results.len(), 4);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(get(result, "index").as_f64(), Some(i as f64));
        assert_eq!(get(result, "ok").as_bool(), Some(true));
        let value = get(result, "value");
        assert_eq!(
            get(&value, "echo").as_string(),
            Some(format!("Done: item {i}")),
            "the answer crossed as JSON and was parsed back"
        );
        let blocked = get(result, "blockedMs").as_f64().unwrap();
        assert!(
            blocked >= 15.0,
            "call {i}: blocked {blocked} ms for a 20 ms answer"
        );
    }
    assert_eq!(get(&handler.get(0), "calls").as_f64(), Some(4.0));
    assert!(!worker.running(), "the run is over once the stream closes");
    assert_eq!(worker.ignored_answers(), 0);
}

#[wasm_bindgen_test]
async fn an_error_from_the_page_comes_back_to_the_worker_with_its_name_and_message() {
    if !isolated() {
        return;
    }
    let worker = blocking_worker(&failing_at(1).into());
    let results = results(&run(&worker, &[("count", 4.into()), ("delayMs", 0.into())])).await;
    let outcomes: Vec<(bool, String, String)> = results
        .iter()
        .map(|result| {
            let error = get(result, "error");
            (
                get(result, "ok").as_bool().unwrap(),
                error_kind(&error),
                error_message(&error),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (true, "not an Error".into(), String::new()),
            (
                false,
                "ValueError".into(),
                "call 1 failed on purpose".into()
            ),
            (false, "RangeError".into(), "out of range on purpose".into()),
            (true, "not an Error".into(), String::new()),
        ],
        "the loop goes on after an error, as a Python loop with try/except would"
    );
    assert_eq!(get(&results[3], "value").as_f64(), Some(3.0));
}

#[wasm_bindgen_test]
async fn a_call_not_answered_in_time_is_a_timeout_error_and_its_late_answer_is_ignored() {
    if !isolated() {
        return;
    }
    // Call 1 answers after 150 ms, past its 60 ms timeout and into call 2's wait.
    let worker = blocking_worker(&slow_at(1, 150).into());
    let stream = run(
        &worker,
        &[
            ("count", 4.into()),
            ("delayMs", 50.into()),
            ("timeoutMs", 60.into()),
        ],
    );
    let results = results(&stream).await;
    assert_eq!(results.len(), 4);
    let timeout = get(&results[1], "error");
    assert_eq!(error_kind(&timeout), "TimeoutError");
    assert!(
        error_message(&timeout).contains("did not answer within 60 ms"),
        "{}",
        error_message(&timeout)
    );
    let blocked = get(&results[1], "blockedMs").as_f64().unwrap();
    assert!(
        (55.0..140.0).contains(&blocked),
        "waited about the timeout: {blocked} ms"
    );
    for i in [0, 2, 3] {
        assert_eq!(
            get(&results[i], "value").as_string(),
            Some(format!("answer {i}")),
            "call {i} got its own answer, never a late one"
        );
    }
    wait_until("the late answer arrives", || worker.ignored_answers() == 1).await;
}

#[wasm_bindgen_test]
async fn an_answer_larger_than_the_buffer_is_a_range_error_naming_the_option() {
    if !isolated() {
        return;
    }
    let worker = BlockingWorker::new(
        object(&[
            ("handler", big_answer(100).into()),
            ("maxAnswerBytes", 64.into()),
        ]),
        &test_starter(),
    )
    .unwrap();
    assert_eq!(worker.max_answer_bytes(), 64.0);
    let results = results(&run(&worker, &[("count", 1.into()), ("delayMs", 0.into())])).await;
    let error = get(&results[0], "error");
    assert_eq!(error_kind(&error), "RangeError");
    let message = error_message(&error);
    assert!(message.contains("is 102 bytes of JSON"), "{message}");
    assert!(message.contains("the 64 bytes"), "{message}");
    assert!(message.contains("maxAnswerBytes"), "{message}");
}

#[wasm_bindgen_test]
async fn what_json_cannot_carry_is_a_type_error_and_undefined_stays_undefined() {
    if !isolated() {
        return;
    }
    let worker = blocking_worker(&unserialisable().into());
    let results = results(&run(&worker, &[("count", 2.into()), ("delayMs", 0.into())])).await;
    let error = get(&results[0], "error");
    assert_eq!(error_kind(&error), "TypeError");
    assert!(
        error_message(&error).contains("JSON"),
        "{}",
        error_message(&error)
    );
    assert_eq!(get(&results[1], "ok").as_bool(), Some(true));
    assert!(get(&results[1], "value").is_undefined());
}

#[wasm_bindgen_test]
async fn cancelling_the_stream_stops_the_worker_loop_in_the_middle_of_a_wait() {
    if !isolated() {
        return;
    }
    let handler = echo_handler();
    let calls = || support::calls(&handler);
    let worker = blocking_worker(&handler.get(1));
    let stream: web_sys::ReadableStream =
        run(&worker, &[("count", 100.into()), ("delayMs", 40.into())]).unchecked_into();
    wait_until("the first call", || calls() >= 1.0).await;
    settle(stream.cancel()).await.unwrap();
    assert!(!worker.running(), "cancel ends the run at once");
    support::sleep(150).await;
    let after = calls();
    assert!(after <= 2.0, "the loop stopped: {after} calls");
    // The worker is free again: a new run works.
    let results = results(&run(&worker, &[("count", 2.into()), ("delayMs", 0.into())])).await;
    assert_eq!(results.len(), 2);
}

#[wasm_bindgen_test]
async fn one_run_at_a_time_and_free_errors_the_run_in_progress() {
    if !isolated() {
        return;
    }
    let handler = echo_handler();
    let worker = blocking_worker(&handler.get(1));
    let stream = run(&worker, &[("count", 100.into()), ("delayMs", 30.into())]);
    let second = worker.run_sync_loop(JsValue::UNDEFINED).unwrap_err();
    assert!(
        error_message(&second).contains("a run is in progress"),
        "{}",
        error_message(&second)
    );
    wait_until("the first call", || support::calls(&handler) >= 1.0).await;
    drop(worker); // free()
    let outcome = settle(collect_until_error(&stream)).await.unwrap();
    let error = Array::from(&outcome).get(1);
    assert!(
        error_message(&error).contains("freed"),
        "{}",
        error_message(&error)
    );
}

#[wasm_bindgen_test]
async fn a_zero_timeout_gives_up_at_once() {
    if !isolated() {
        return;
    }
    let worker = blocking_worker(&echo_handler().get(1));
    let results = results(&run(
        &worker,
        &[
            ("count", 2.into()),
            ("delayMs", 200.into()),
            ("timeoutMs", 0.into()),
        ],
    ))
    .await;
    for result in &results {
        assert_eq!(error_kind(&get(result, "error")), "TimeoutError");
        let blocked = get(result, "blockedMs").as_f64().unwrap();
        assert!(blocked < 100.0, "gave up without waiting: {blocked} ms");
    }
}
