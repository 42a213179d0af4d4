//! The counters as the sequences drive them: one interface for the three
//! classes (a `SharedCounter` is one tab).

use js_sys::Promise;
use loopbridge_npm::{CounterWorker, SharedCounter, ThreadCounter};
use wasm_bindgen::prelude::*;
use web_sys::ReadableStream;

/// One counter (one tab of a `SharedCounter`) as the sequences drive it.
pub(crate) trait Tab {
    fn start(&self) -> Option<Promise>;
    fn stop(&self) -> Option<Promise>;
    fn reset(&self) -> Option<Promise>;
    fn on_tick(&self, callback: &JsValue);
    fn ticks(&self) -> ReadableStream;
    fn count(&self) -> f64;
    fn running(&self) -> bool;
}

impl Tab for CounterWorker {
    fn start(&self) -> Option<Promise> {
        CounterWorker::start(self).unwrap();
        None
    }
    fn stop(&self) -> Option<Promise> {
        CounterWorker::stop(self);
        None
    }
    fn reset(&self) -> Option<Promise> {
        CounterWorker::reset(self).unwrap();
        None
    }
    fn on_tick(&self, callback: &JsValue) {
        CounterWorker::on_tick(self, callback.clone()).unwrap();
    }
    fn ticks(&self) -> ReadableStream {
        CounterWorker::ticks(self).unwrap()
    }
    fn count(&self) -> f64 {
        CounterWorker::count(self)
    }
    fn running(&self) -> bool {
        CounterWorker::running(self)
    }
}

impl Tab for ThreadCounter {
    fn start(&self) -> Option<Promise> {
        Some(ThreadCounter::start(self))
    }
    fn stop(&self) -> Option<Promise> {
        Some(ThreadCounter::stop(self))
    }
    fn reset(&self) -> Option<Promise> {
        Some(ThreadCounter::reset(self))
    }
    fn on_tick(&self, callback: &JsValue) {
        ThreadCounter::on_tick(self, callback.clone()).unwrap();
    }
    fn ticks(&self) -> ReadableStream {
        ThreadCounter::ticks(self).unwrap()
    }
    fn count(&self) -> f64 {
        ThreadCounter::count(self)
    }
    fn running(&self) -> bool {
        ThreadCounter::running(self)
    }
}

impl Tab for SharedCounter {
    fn start(&self) -> Option<Promise> {
        SharedCounter::start(self).unwrap();
        None
    }
    fn stop(&self) -> Option<Promise> {
        SharedCounter::stop(self);
        None
    }
    fn reset(&self) -> Option<Promise> {
        SharedCounter::reset(self).unwrap();
        None
    }
    fn on_tick(&self, callback: &JsValue) {
        SharedCounter::on_tick(self, callback.clone()).unwrap();
    }
    fn ticks(&self) -> ReadableStream {
        SharedCounter::ticks(self).unwrap()
    }
    fn count(&self) -> f64 {
        SharedCounter::count(self)
    }
    fn running(&self) -> bool {
        SharedCounter::running(self)
    }
}
