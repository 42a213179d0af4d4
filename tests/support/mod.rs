//! Helpers shared by the wasm-bindgen-test suites: waiting without long
//! sleeps, and JS-side observers (live timers, console errors).

#![allow(dead_code)]

use gloo_timers::future::TimeoutFuture;
use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function trackTimers() {
  const live = new Set();
  const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
  globalThis.setTimeout = function (handler, ms, ...args) {
    const id = realSet.call(globalThis, function (...a) { live.delete(id); return handler.apply(this, a); }, ms, ...args);
    live.add(id);
    return id;
  };
  globalThis.clearTimeout = function (id) { live.delete(id); return realClear.call(globalThis, id); };
  return {
    live: () => live.size,
    restore() { globalThis.setTimeout = realSet; globalThis.clearTimeout = realClear; },
  };
}

export function captureConsoleErrors() {
  const real = console.error;
  const seen = [];
  console.error = (...args) => { seen.push(args.map(String).join(' ')); };
  return { messages: () => seen.slice(), restore() { console.error = real; } };
}

export function objectWithThrowingGetter(key) {
  return { get [key]() { throw new Error(`getter for ${key} threw`); } };
}

export function throwingFunction() {
  return () => { throw new Error('callback failed on purpose'); };
}
"#)]
extern "C" {
    /// Counts timers that are scheduled and neither fired nor cleared.
    pub type TimerTracker;
    #[wasm_bindgen(js_name = trackTimers)]
    pub fn track_timers() -> TimerTracker;
    #[wasm_bindgen(method)]
    pub fn live(this: &TimerTracker) -> u32;
    #[wasm_bindgen(method)]
    pub fn restore(this: &TimerTracker);

    /// Collects what `console.error` is called with.
    pub type ConsoleErrors;
    #[wasm_bindgen(js_name = captureConsoleErrors)]
    pub fn capture_console_errors() -> ConsoleErrors;
    #[wasm_bindgen(method)]
    pub fn messages(this: &ConsoleErrors) -> Vec<String>;
    #[wasm_bindgen(method, js_name = restore)]
    pub fn restore_console(this: &ConsoleErrors);

    #[wasm_bindgen(js_name = objectWithThrowingGetter)]
    pub fn object_with_throwing_getter(key: &str) -> JsValue;
    #[wasm_bindgen(js_name = throwingFunction)]
    pub fn throwing_function() -> Function;
}

/// Lets the event loop run for `ms` milliseconds.
pub async fn sleep(ms: u32) {
    TimeoutFuture::new(ms).await;
}

/// Polls `condition` every 2 ms until it holds; panics (fails the test) with
/// `what` after a generous 5 s, so a slow machine does not make it flaky.
pub async fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let started = loopbridge::now_ms();
    while !condition() {
        assert!(
            loopbridge::now_ms() - started < 5000.0,
            "timed out waiting until {what}"
        );
        sleep(2).await;
    }
}
