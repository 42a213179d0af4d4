//! What the `CounterWorker` suites share: making workers and reading what
//! they deliver.

#![allow(dead_code)] // each suite uses some of them

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Object, Reflect};
use loopbridge::{Tick, Ticker};
use loopbridge_npm::CounterWorker;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader};

pub fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(key), value).unwrap();
    }
    object.into()
}

pub fn worker(interval_ms: f64) -> CounterWorker {
    CounterWorker::new(options(&[("intervalMs", interval_ms.into())])).unwrap()
}

pub type Recorded = Rc<RefCell<Vec<u64>>>;

/// Records every count passed to `onTick`; keep the returned closure alive.
pub fn record_ticks(worker: &CounterWorker) -> (Recorded, Closure<dyn Fn(f64)>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&seen);
    let callback =
        Closure::<dyn Fn(f64)>::new(move |count: f64| sink.borrow_mut().push(count as u64));
    worker.on_tick(callback.as_ref().clone()).unwrap();
    (seen, callback)
}

/// Records every delivery of a Rust `Ticker`.
pub fn record_deliveries(ticker: &Ticker) -> Rc<RefCell<Vec<Tick>>> {
    let ticks = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&ticks);
    ticker.on_tick(move |tick: &Tick| sink.borrow_mut().push(*tick));
    ticks
}

pub fn error_class(error: &JsValue) -> &'static str {
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

pub fn message(error: &JsValue) -> String {
    error.unchecked_ref::<js_sys::Error>().message().into()
}

pub fn reader(stream: &ReadableStream) -> ReadableStreamDefaultReader {
    stream.get_reader().unchecked_into()
}

/// The next chunk as a count, or `None` when the stream is done.
pub async fn read(reader: &ReadableStreamDefaultReader) -> Option<u64> {
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
