//! `CounterWorker`: the JS class over [`Ticker`], with every argument checked.

use std::cell::Cell;

use loopbridge::panic::ensure_alive;
use loopbridge::{Tick, Ticker};
use wasm_bindgen::prelude::*;
use web_sys::ReadableStream;

use crate::input;
use crate::listeners::{call_tick_callback, counter_options, readable_counts, tick_info};

#[wasm_bindgen(typescript_custom_section)]
const COUNTER_TYPES: &str = r#"
/** Options of the three counters: `CounterWorker`, `ThreadCounter`, `SharedCounter`. */
export interface CounterOptions {
  /** Milliseconds between ticks, a finite number from 1 to 2147483647. Default 1000. */
  intervalMs?: number;
  /** A label for logs and the page. Default `worker-1`, `worker-2`, ... (`CounterWorker`),
   *  `thread-1`, ... (`ThreadCounter`); for `SharedCounter` the name every tab shares,
   *  default `"shared"`. */
  name?: string;
}

/** A delivery of a counter: `lastTick` of the three counters. */
export interface TickInfo {
  /** The count delivered. */
  count: number;
  /** Counts folded into this delivery because earlier ones were missed. */
  missed: number;
  /** When the delivery was due, in `performance.now()` milliseconds. */
  deadlineMs: number;
  /** How far behind that deadline it ran, in milliseconds. */
  latenessMs: number;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `CounterOptions` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "CounterOptions")]
    pub type CounterOptions;
}

thread_local! {
    static UNNAMED_WORKERS: Cell<u32> = const { Cell::new(0) };
}

/// A counter that ticks once per interval while running: the browser's
/// version of a worker thread that counts once a second until its stop event
/// is set. It runs on the page's event loop and never blocks it; its count is
/// measured with `performance.now()` so a stalled page never makes it wrong.
#[wasm_bindgen(private)]
#[derive(Debug)]
pub struct CounterWorker {
    ticker: Ticker,
    name: String,
}

impl CounterWorker {
    /// A stopped counter. `intervalMs` defaults to 1000, `name` to
    /// `worker-1`, `worker-2`, ...
    ///
    /// # Errors
    ///
    /// `TypeError` if `options` is not an object or a field has the wrong
    /// type; `RangeError` if `intervalMs` is not a finite number from 1 to
    /// 2147483647.
    pub fn new(options: JsValue) -> Result<CounterWorker, JsValue> {
        let (interval_ms, name) = counter_options(&options, "CounterWorker", || {
            let number = UNNAMED_WORKERS.with(|n| {
                n.set(n.get() + 1);
                n.get()
            });
            format!("worker-{number}")
        })?;
        let ticker = Ticker::with_interval_ms(interval_ms)?;
        Ok(CounterWorker { ticker, name })
    }
}

/// `new CounterWorker(options)` for the package entry, which wraps what it
/// returns in the public class (see `npm/js/loopbridge.js`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeNewCounterWorker, skip_typescript)]
pub fn new_counter_worker(options: JsValue) -> Result<CounterWorker, JsValue> {
    CounterWorker::new(options)
}

#[wasm_bindgen]
impl CounterWorker {
    /// Starts counting from 0. Returns `true` if it started, `false` (and
    /// nothing changes) if it was already running.
    ///
    /// # Errors
    ///
    /// A `PanicError` once the module has panicked (see [`PANIC_EVENT`](loopbridge::panic::PANIC_EVENT)).
    pub fn start(&self) -> Result<bool, JsValue> {
        ensure_alive()?;
        Ok(self.ticker.start())
    }

    /// Stops counting. Returns `true` if it was running. After it returns, no
    /// callback runs and no stream chunk is enqueued; every `ticks()` stream closes.
    pub fn stop(&self) -> bool {
        self.ticker.stop()
    }

    /// Sets the count back to 0, running or not; counts not yet read from a
    /// `ticks()` stream are dropped.
    ///
    /// # Errors
    ///
    /// A `PanicError` once the module has panicked.
    pub fn reset(&self) -> Result<(), JsValue> {
        ensure_alive()?;
        self.ticker.reset();
        Ok(())
    }

    /// Sets the function called with each delivered count, or clears it with
    /// `null`. A callback that throws is reported on the console and the
    /// counter keeps running.
    ///
    /// # Errors
    ///
    /// `TypeError` if `callback` is neither a function nor `null`/`undefined`.
    #[wasm_bindgen(js_name = onTick)]
    pub fn on_tick(
        &self,
        #[wasm_bindgen(unchecked_param_type = "((count: number) => void) | null")]
        callback: JsValue,
    ) -> Result<(), JsValue> {
        ensure_alive()?;
        let Some(callback) = input::optional_function(&callback, "CounterWorker.onTick: callback")?
        else {
            self.ticker.clear_on_tick();
            return Ok(());
        };
        let name = self.name.clone();
        self.ticker
            .on_tick(move |tick: &Tick| call_tick_callback(&callback, tick.count as f64, &name));
        Ok(())
    }

    /// A stream of the counts as they are delivered. It closes when the worker
    /// stops (one taken while stopped waits for the next run) or is freed.
    /// Each call gives an independent stream; cancelling one leaves the others.
    /// A slow reader gets the latest count rather than a backlog.
    ///
    /// # Errors
    ///
    /// Only where the environment has no `ReadableStream`.
    #[wasm_bindgen(unchecked_return_type = "ReadableStream<number>")]
    pub fn ticks(&self) -> Result<ReadableStream, JsValue> {
        readable_counts(self.ticker.ticks())
    }

    /// Whether the worker is running.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.ticker.is_running()
    }

    /// Whole intervals elapsed since `start()` (or `reset()`), measured now;
    /// after `stop()`, the final count.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> f64 {
        self.ticker.count() as f64
    }

    /// The worker's name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Milliseconds between ticks.
    #[wasm_bindgen(getter, js_name = intervalMs)]
    pub fn interval_ms(&self) -> f64 {
        self.ticker.interval_ms()
    }

    /// The most recent delivery (`count`, `missed`, `deadlineMs`,
    /// `latenessMs`), or `null` before the first.
    #[wasm_bindgen(getter, js_name = lastTick, unchecked_return_type = "TickInfo | null")]
    pub fn last_tick(&self) -> JsValue {
        match self.ticker.last_tick() {
            Some(tick) => tick_info(&tick).into(),
            None => JsValue::NULL,
        }
    }
}
