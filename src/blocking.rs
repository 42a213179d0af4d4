//! Blocking the thread on purpose, to show what it does to the event loop.

use wasm_bindgen::prelude::*;

use crate::clock::now_ms;
use crate::input::{self, MAX_TIMER_MS};

/// Keeps the thread busy for `ms` milliseconds without yielding: no timer,
/// click or frame runs meanwhile. This is what any long synchronous loop does
/// to a page; it exists so the demo can show it.
///
/// # Errors
///
/// `TypeError` if `ms` is not a number, `RangeError` if it is negative, NaN,
/// infinite or over 2147483647.
#[wasm_bindgen(js_name = busyWait)]
pub fn busy_wait(
    #[wasm_bindgen(unchecked_param_type = "number")] ms: JsValue,
) -> Result<(), JsValue> {
    let ms = input::number(&ms, "busyWait: ms", 0.0, MAX_TIMER_MS)?;
    spin_for(ms);
    Ok(())
}

/// Spins until `ms` milliseconds have passed on `performance.now()`.
pub fn spin_for(ms: f64) {
    let until = now_ms() + ms;
    while now_ms() < until {
        std::hint::spin_loop();
    }
}
