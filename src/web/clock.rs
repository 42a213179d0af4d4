//! The one clock loopbridge measures time with: `performance.now()`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `performance` is a global in windows and workers alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
    #[wasm_bindgen(js_namespace = performance, js_name = timeOrigin, thread_local_v2)]
    static TIME_ORIGIN: f64;
}

/// Milliseconds since the page (or worker) started, from `performance.now()`.
///
/// Monotonic, unaffected by changes to the wall clock, and shared by timers,
/// the counter and the page's plots so their numbers line up.
pub fn now_ms() -> f64 {
    performance_now()
}

/// When this page's (or worker's) `performance.now()` clock started, in
/// milliseconds since the Unix epoch: a time on one thread's clock plus its
/// origin, minus another thread's origin, is that time on the other's clock.
pub fn time_origin_ms() -> f64 {
    TIME_ORIGIN.with(|origin| *origin)
}

/// Spins until `ms` milliseconds have passed on `performance.now()`: what
/// any long synchronous loop does to a page (no timer, click or frame runs
/// meanwhile). For demos and tests that need a blocked thread.
pub fn spin_for(ms: f64) {
    let until = now_ms() + ms;
    while now_ms() < until {
        std::hint::spin_loop();
    }
}
