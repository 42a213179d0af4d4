//! What happens if Rust code panics anyway: an opt-in hook
//! ([`install_hook`]; the npm package installs it when it starts) and the
//! [`ensure_alive`] check that makes a panicked module refuse new work.
//!
//! No input from JS may reach a panic: every export checks its arguments
//! first. A panic is therefore a bug, and this is the plan for one:
//!
//! - wasm32 panics abort: the call that panicked throws a
//!   `WebAssembly.RuntimeError` ("unreachable") to its JS caller, and whatever
//!   it was changing is left half-changed.
//! - Before that, the hook reports the message: `console.error`, and a
//!   `loopbridgepanic` event on `globalThis` whose `detail` is the message
//!   (the page shows it in a banner).
//! - From then on the module refuses new work: constructors, free functions,
//!   `start`, `onTick`, `ticks()`, ThreadCounter commands and stream pulls
//!   throw (or reject, or error the stream with) an `Error` named
//!   `PanicError` that quotes the panic. Nothing waits on broken state.
//!   `stop()`, `free()` and getters still work, so a page can clean up.
//!
//! Why not wasm-bindgen's `schedule_reinit()` (a fresh instance on the next
//! call)? In 0.2.130 an object made before the panic checks whether it is
//! stale *before* the call triggers the reinit, so the first call after a
//! panic, if it is a method, runs on the new instance with a pointer into the
//! old one's memory. Refusing work is slower to recover from (reload the
//! page) but never touches memory it does not own.

use std::cell::OnceCell;
use std::panic::PanicHookInfo;

use wasm_bindgen::prelude::*;

/// The event dispatched on `globalThis` when Rust code panics.
pub const PANIC_EVENT: &str = "loopbridgepanic";

thread_local! {
    /// The message of the first panic in this instance, once there was one.
    static PANICKED: OnceCell<String> = const { OnceCell::new() };
}

/// Installs loopbridge's panic hook (replacing any other): it reports the
/// panic on the console and as a [`PANIC_EVENT`] on `globalThis`, and from
/// then on [`ensure_alive`] fails. Call it once, at start; a program that
/// has its own hook (`console_error_panic_hook`, ...) leaves it out, and
/// [`ensure_alive`] then never fails.
pub fn install_hook() {
    std::panic::set_hook(Box::new(report));
}

fn report(info: &PanicHookInfo<'_>) {
    let payload = info.payload();
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let at = info
        .location()
        .map(|at| format!(" at {}:{}", at.file(), at.line()))
        .unwrap_or_default();
    let message = format!("loopbridge panicked{at} (a bug; please report it): {what}");
    web_sys::console::error_1(&message.as_str().into());
    PANICKED.with(|panicked| {
        let _ = panicked.set(message.clone()); // the first panic is the one to tell
    });
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&message.as_str().into());
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(PANIC_EVENT, &init) {
        let _ = js_sys::global()
            .unchecked_into::<web_sys::EventTarget>()
            .dispatch_event(&event);
    }
}

/// `Ok` until this instance has panicked (as seen by [`install_hook`]'s
/// hook); then the `PanicError` that every entry point that would start new
/// work throws instead, and that a stream errors with after its chunks.
///
/// # Errors
///
/// The `PanicError` (a JS `Error` whose message quotes the panic).
pub fn ensure_alive() -> Result<(), JsValue> {
    PANICKED.with(|panicked| match panicked.get() {
        None => Ok(()),
        Some(message) => {
            let error = js_sys::Error::new(&format!(
                "{message}. The module stopped taking new work; reload the page to start again."
            ));
            error.set_name("PanicError");
            Err(error.into())
        }
    })
}
