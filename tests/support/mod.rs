//! Helpers shared by the wasm-bindgen-test suites: waiting without long
//! sleeps, and JS-side observers (live timers, console errors).

#![allow(dead_code)]

pub mod model;

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

export function trackAbortListeners() {
  const proto = AbortSignal.prototype;
  const { addEventListener: realAdd, removeEventListener: realRemove } = EventTarget.prototype;
  const live = new Set();
  proto.addEventListener = function (type, listener, options) {
    if (type === 'abort') {
      live.add(listener);
      if (options && options.once) {
        const signal = this;
        realAdd.call(signal, 'abort', () => live.delete(listener), { once: true });
      }
    }
    return realAdd.call(this, type, listener, options);
  };
  proto.removeEventListener = function (type, listener, options) {
    if (type === 'abort') live.delete(listener);
    return realRemove.call(this, type, listener, options);
  };
  return {
    live: () => live.size,
    restore() { delete proto.addEventListener; delete proto.removeEventListener; },
  };
}

// `for await` over the stream itself where the engine can iterate one; a
// reader elsewhere (WebKit), which is what users there write.
export async function* iterate(stream) {
  if (Symbol.asyncIterator in stream) {
    yield* stream;
    return;
  }
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export async function readAllForAwait(stream) {
  const chunks = [];
  for await (const chunk of iterate(stream)) chunks.push(chunk);
  return chunks;
}

export async function readAllSpinning(stream, workMs) {
  let count = 0;
  for await (const _ of iterate(stream)) {
    const until = performance.now() + workMs;
    while (performance.now() < until) { /* the reader's own work */ }
    count += 1;
  }
  return count;
}

export function responseText(stream) {
  return new Response(stream).text();
}

export function encodedResponseText(stream) {
  return new Response(stream.pipeThrough(new TextEncoderStream())).text();
}

export async function decodeThroughTextEncoder(stream) {
  const reader = new Response(stream.pipeThrough(new TextEncoderStream())).body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

export async function pipeToCollect(stream) {
  const chunks = [];
  await stream.pipeTo(new WritableStream({ write(chunk) { chunks.push(chunk); } }));
  return chunks;
}

export async function teeBoth(stream) {
  const [a, b] = stream.tee();
  return Promise.all([readAllForAwait(a), readAllForAwait(b)]);
}

export function jsSourceStream(chunks) {
  const log = { cancelled: false, reason: undefined, pulls: 0 };
  let i = 0;
  const stream = new ReadableStream({
    pull(controller) {
      log.pulls += 1;
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
    cancel(reason) { log.cancelled = true; log.reason = reason; },
  }, { highWaterMark: 0 });
  return [stream, log];
}

export function erroringJsStream() {
  let sent = false;
  return new ReadableStream({
    pull(controller) {
      if (sent) controller.error(new Error('source broke'));
      else { sent = true; controller.enqueue('first'); }
    },
  }, { highWaterMark: 0 });
}

export function asyncGenerator(values) {
  const log = { finished: false };
  async function* generate() {
    try { for (const v of values) { await null; yield v; } } finally { log.finished = true; }
  }
  return [generate(), log];
}

export function jsCounter() {
  const counter = { calls: 0 };
  return [counter, () => { counter.calls += 1; }];
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

    /// Counts `abort` listeners registered on AbortSignals and not removed.
    pub type ListenerTracker;
    #[wasm_bindgen(js_name = trackAbortListeners)]
    pub fn track_abort_listeners() -> ListenerTracker;
    #[wasm_bindgen(method, js_name = live)]
    pub fn live_listeners(this: &ListenerTracker) -> u32;
    #[wasm_bindgen(method, js_name = restore)]
    pub fn restore_listeners(this: &ListenerTracker);

    #[wasm_bindgen(js_name = readAllForAwait)]
    pub fn read_all_for_await(stream: &JsValue) -> js_sys::Promise;
    /// Reads to the end with `for await`, spinning `work_ms` per chunk; the count.
    #[wasm_bindgen(js_name = readAllSpinning)]
    pub fn read_all_spinning(stream: &JsValue, work_ms: f64) -> js_sys::Promise;
    #[wasm_bindgen(js_name = responseText)]
    pub fn response_text(stream: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = encodedResponseText)]
    pub fn encoded_response_text(stream: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = decodeThroughTextEncoder)]
    pub fn decode_through_text_encoder(stream: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = pipeToCollect)]
    pub fn pipe_to_collect(stream: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = teeBoth)]
    pub fn tee_both(stream: &JsValue) -> js_sys::Promise;
    /// `[stream, log]`: a JS stream of `chunks`, and what happened to it.
    #[wasm_bindgen(js_name = jsSourceStream)]
    pub fn js_source_stream(chunks: &js_sys::Array) -> js_sys::Array;
    #[wasm_bindgen(js_name = erroringJsStream)]
    pub fn erroring_js_stream() -> web_sys::ReadableStream;
    /// `[generator, log]`.
    #[wasm_bindgen(js_name = asyncGenerator)]
    pub fn async_generator(values: &js_sys::Array) -> js_sys::Array;
    /// `[counter, increment]`: `counter.calls` counts calls of `increment`.
    #[wasm_bindgen(js_name = jsCounter)]
    pub fn js_counter() -> js_sys::Array;

    #[wasm_bindgen(js_name = objectWithThrowingGetter)]
    pub fn object_with_throwing_getter(key: &str) -> JsValue;
    #[wasm_bindgen(js_name = throwingFunction)]
    pub fn throwing_function() -> Function;
}

/// How many times the `increment` of a [`js_counter`] was called.
pub fn calls(counter: &js_sys::Array) -> f64 {
    get(&counter.get(0), "calls").as_f64().unwrap()
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

/// A reader of `stream` (locking it).
pub fn reader(stream: &web_sys::ReadableStream) -> web_sys::ReadableStreamDefaultReader {
    stream.get_reader().unchecked_into()
}

/// The next chunk (`None` at the end), or the stream's error.
pub async fn read(
    reader: &web_sys::ReadableStreamDefaultReader,
) -> Result<Option<JsValue>, JsValue> {
    let result = wasm_bindgen_futures::JsFuture::from(reader.read()).await?;
    if get(&result, "done").is_truthy() {
        return Ok(None);
    }
    Ok(Some(get(&result, "value")))
}

/// `object[key]`.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap()
}

/// Awaits a Promise.
pub async fn settle(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    wasm_bindgen_futures::JsFuture::from(promise).await
}

/// The class name of a thrown value: `TypeError`, `RangeError`, or `name` of an `Error`.
pub fn error_kind(error: &JsValue) -> String {
    if error.is_instance_of::<js_sys::TypeError>() {
        return "TypeError".into();
    }
    if error.is_instance_of::<js_sys::RangeError>() {
        return "RangeError".into();
    }
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => error.name().into(),
        None => "not an Error".into(),
    }
}

/// The `message` of a thrown `Error`.
pub fn error_message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default()
}

/// A plain object from key/value pairs.
pub fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in pairs {
        js_sys::Reflect::set(&object, &JsValue::from_str(key), value).unwrap();
    }
    object.into()
}

/// Sets a flag when dropped: proves that something released a Rust value.
pub struct DropObserver(pub std::rc::Rc<std::cell::Cell<bool>>);

impl DropObserver {
    pub fn new() -> (DropObserver, std::rc::Rc<std::cell::Cell<bool>>) {
        let flag = std::rc::Rc::new(std::cell::Cell::new(false));
        (DropObserver(std::rc::Rc::clone(&flag)), flag)
    }
}

impl Drop for DropObserver {
    fn drop(&mut self) {
        self.0.set(true);
    }
}
