//! What the JS counter classes (`CounterWorker`, `ThreadCounter`,
//! `SharedCounter`) share: their options, the `TickInfo` of `lastTick`, and
//! the listeners of their ticks — one `onTick` callback and any number of
//! `ticks()` streams — with one contract for all three:
//!
//! - `onTick` and every stream get each count the counter delivers; a slow
//!   stream reader gets the latest count, never a backlog;
//! - a reset forgets counts not yet read (none from before it arrives);
//! - a stream closes only when a run ends (running -> stopped) or the
//!   counter goes away, after the run's final count; one taken while stopped
//!   waits for the next run;
//! - after a panic, `onTick` and `ticks()` are refused with a `PanicError`.

use futures::StreamExt;
use js_sys::{Function, Object};
use loopbridge::panic::ensure_alive;
use loopbridge::Tick;
use loopbridge::{__private::Subscribers, Ticks};
use loopbridge::{into_readable_stream, StreamOptions};
use wasm_bindgen::prelude::*;
use web_sys::ReadableStream;

use crate::input::{self, Options, MAX_TIMER_MS};
use crate::output::plain_object;

/// `{ intervalMs, name }` as every counter class reads them: `intervalMs` a
/// finite number from 1 to 2147483647 (default 1000), `name` a string (the
/// default from `default_name`, called only when none is given).
pub(crate) fn counter_options(
    options: &JsValue,
    class: &str,
    default_name: impl FnOnce() -> String,
) -> Result<(f64, String), JsValue> {
    ensure_alive()?;
    let options = Options::parse(options, class)?;
    let interval_ms = options
        .number("intervalMs", 1.0, MAX_TIMER_MS)?
        .unwrap_or(1000.0);
    let name = options.string("name")?.unwrap_or_else(default_name);
    Ok((interval_ms, name))
}

/// Who hears a counter's ticks on this page.
#[derive(Debug, Default)]
pub(crate) struct Listeners {
    callback: Option<Function>,
    streams: Subscribers,
}

impl Listeners {
    /// `onTick(callback)`: a function, or `null`/`undefined` to clear it.
    pub(crate) fn set_callback(&mut self, callback: &JsValue, class: &str) -> Result<(), JsValue> {
        ensure_alive()?;
        self.callback = input::optional_function(callback, &format!("{class}.onTick: callback"))?;
        Ok(())
    }

    /// `ticks()`: a new stream of the counts delivered from now on.
    pub(crate) fn stream(&mut self) -> Result<ReadableStream, JsValue> {
        readable_counts(self.streams.subscribe())
    }

    /// Hands `count` to every stream and returns the callback to call once
    /// the caller has released its borrows (the callback may call back in).
    #[must_use = "call the returned callback with `call_tick_callback`"]
    pub(crate) fn push(&mut self, count: f64) -> Option<Function> {
        self.streams.push(count as u64);
        self.callback.clone()
    }

    /// Forgets counts not yet read (the counter was reset).
    pub(crate) fn clear_pending(&mut self) {
        self.streams.clear_pending();
    }

    /// Ends every stream after the count it holds (a run ended, or the
    /// counter went away).
    pub(crate) fn close_all(&mut self) {
        self.streams.close_all();
    }
}

/// `counts` as the `ReadableStream<number>` a counter's `ticks()` returns.
/// With a high-water mark of 0 nothing waits in the stream: a read takes the
/// latest count there is when it is made.
pub(crate) fn readable_counts(counts: Ticks) -> Result<ReadableStream, JsValue> {
    ensure_alive()?;
    let counts = counts.map(|count| Ok::<_, JsValue>(count as f64));
    let options = StreamOptions {
        high_water_mark: 0,
        signal: None,
    };
    into_readable_stream(counts, options)
}

/// `lastTick` as JS sees it: `{ count, missed, deadlineMs, latenessMs }`.
pub(crate) fn tick_info(tick: &Tick) -> Object {
    plain_object(&[
        ("count", (tick.count as f64).into()),
        ("missed", (tick.missed as f64).into()),
        ("deadlineMs", tick.deadline_ms.into()),
        ("latenessMs", tick.lateness_ms.into()),
    ])
}

/// Calls an `onTick` callback with `count` (see [`call_listener`]).
pub(crate) fn call_tick_callback(callback: &Function, count: f64, who: &str) {
    call_listener(callback, &[count.into()], who, "onTick");
}

/// Calls a counter's `listener` callback (`onTick`, `onChange`) with `args`;
/// if it throws, says so on the console and carries on: a listener's bug
/// must not stop the counter.
pub(crate) fn call_listener(callback: &Function, args: &[JsValue], who: &str, listener: &str) {
    let args: js_sys::Array = args.iter().collect();
    if let Err(error) = callback.apply(&JsValue::UNDEFINED, &args) {
        let context = format!("{who}: the {listener} callback threw; the counter keeps running.");
        web_sys::console::error_2(&context.into(), &error);
    }
}
