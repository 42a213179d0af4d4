//! `LoopMonitor`: the JS class over [`loopbridge::LoopMonitor`], its samples
//! as a `ReadableStream` of plain objects.

use std::time::Duration;

use loopbridge::panic::ensure_alive;
use loopbridge::MonitorOptions;
use wasm_bindgen::prelude::*;
use web_sys::ReadableStream;

use crate::input::{Options, MAX_TIMER_MS};

/// The most samples a stream may hold for a slow reader.
const MAX_CAPACITY: f64 = 100_000.0;

#[wasm_bindgen(typescript_custom_section)]
const MONITOR_TYPES: &str = r#"
/** What a `LoopMonitor` watches. */
export interface LoopMonitorOptions {
  /** Milliseconds between timer probes of the loop's lag (1 to 2147483647), or `null` for none. Default 100. */
  lagIntervalMs?: number | null;
  /** Report every animation frame's time. Default `false` (a frame callback keeps the page rendering). */
  frames?: boolean;
  /** Report long tasks and long animation frames where the browser does. Default `true`. */
  longTasks?: boolean;
  /** Samples each stream holds for a slow reader (1 to 100000); past that the oldest are dropped,
   *  and a `dropped` sample says how many. Default 1000. */
  capacity?: number;
}

/** What every `LoopSample` has: when it started and how long it lasted, in `performance.now()` milliseconds. */
export interface SampleTimes {
  /** When it started; for a late event, when it was due. */
  start: number;
  /** How long it lasted; for a late event, how late it ran (0 for a moment). */
  duration: number;
}

/**
 * One thing a `LoopMonitor` saw, told apart by `type`:
 * - `lag`: a timer probe ran `duration` ms after it was due (`start`);
 * - `frame`: an animation frame, `duration` ms after the previous one;
 * - `long-task`: a task of 50 ms or more; `long-animation-frame`: a frame
 *   delayed 50 ms or more, with the part that blocked input and the longest
 *   script's invoker where the browser says (Chromium);
 * - `tick`: a `CounterWorker` delivered `count` (`start` its deadline,
 *   `duration` its lateness, `missed` ticks folded in); `sleep`, `yield`:
 *   loopbridge tasks waited or gave the loop a turn; `stream-batch`: a
 *   loopbridge stream queued `chunks` chunks;
 * - `worker-tick`: a `ThreadCounter`'s worker counted `count` (at `start`,
 *   on this page's clock); `blocking-call`: a `BlockingWorker`'s call to the
 *   page, from request to answer; `shared-tick`: the `SharedCounter` ticked
 *   (`leader`: in this tab);
 * - `mark`: a named span (`name`) that loopbridge or the page measured;
 * - `dropped`: the reader fell behind the stream's `capacity`; `count` oldest samples were dropped.
 */
export type LoopSample = SampleTimes & (
  | { type: 'lag' | 'frame' | 'long-task' | 'sleep' | 'yield' }
  | { type: 'long-animation-frame'; blockingDuration: number; script: string | null }
  | { type: 'tick'; count: number; missed: number }
  | { type: 'stream-batch'; chunks: number }
  | { type: 'worker-tick'; count: number }
  | { type: 'blocking-call'; ok: boolean }
  | { type: 'shared-tick'; count: number; leader: boolean }
  | { type: 'mark'; name: string }
  | { type: 'dropped'; count: number }
);
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "LoopMonitorOptions")]
    pub type LoopMonitorOptions;
}

/// Samples of the real event loop (see [`loopbridge::LoopMonitor`]).
#[wasm_bindgen(private)]
#[derive(Debug)]
pub struct LoopMonitor {
    monitor: loopbridge::LoopMonitor,
}

impl LoopMonitor {
    /// A running monitor; `options` as `LoopMonitorOptions`.
    ///
    /// # Errors
    ///
    /// A `TypeError` or `RangeError` for bad options; a `PanicError` after a panic.
    pub fn new(options: JsValue) -> Result<LoopMonitor, JsValue> {
        ensure_alive()?;
        let options = Options::parse(&options, "LoopMonitor")?;
        let defaults = MonitorOptions::default();
        let lag_interval = match options.nullable_number("lagIntervalMs", 1.0, MAX_TIMER_MS)? {
            None => defaults.lag_interval,
            Some(None) => None,
            Some(Some(ms)) => Some(Duration::from_secs_f64(ms / 1000.0)),
        };
        let options = MonitorOptions {
            lag_interval,
            frames: options.boolean("frames")?.unwrap_or(defaults.frames),
            long_tasks: options.boolean("longTasks")?.unwrap_or(defaults.long_tasks),
            capacity: options
                .integer("capacity", 1.0, MAX_CAPACITY)?
                .map_or(defaults.capacity, |n| n as usize),
        };
        Ok(LoopMonitor {
            monitor: loopbridge::LoopMonitor::new(options),
        })
    }
}

#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeNewLoopMonitor, skip_typescript)]
pub fn new_loop_monitor(options: JsValue) -> Result<LoopMonitor, JsValue> {
    LoopMonitor::new(options)
}

#[wasm_bindgen]
impl LoopMonitor {
    /// Watches again after `stop()`; `false` if it was running.
    pub fn start(&self) -> Result<bool, JsValue> {
        ensure_alive()?;
        Ok(self.monitor.start())
    }

    /// Stops watching; every stream ends after what it holds.
    pub fn stop(&self) -> bool {
        self.monitor.stop()
    }

    /// A new stream of what the monitor sees from now on.
    #[wasm_bindgen(unchecked_return_type = "ReadableStream<LoopSample>")]
    pub fn samples(&self) -> Result<ReadableStream, JsValue> {
        ensure_alive()?;
        self.monitor.samples().into_readable_stream()
    }

    /// Whether it is watching.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.monitor.is_running()
    }

    /// Whether frame times are reported (asked for, and the thread has frames).
    #[wasm_bindgen(getter)]
    pub fn frames(&self) -> bool {
        self.monitor.reports_frames()
    }
}
