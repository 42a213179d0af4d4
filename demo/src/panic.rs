//! `simulatePanic`: a bug on purpose, to show what the panic policy does
//! (see [`loopbridge::panic`]).

use loopbridge::panic::ensure_alive;
use loopbridge_npm::input;
use wasm_bindgen::prelude::*;

/// Panics on purpose with `message`, to show (and test) what a bug does:
/// the call throws, the `loopbridgepanic` event fires, and new work is
/// refused with a `PanicError` from then on. No other export can panic.
///
/// # Errors
///
/// `TypeError` if `message` is not a string; `PanicError` after a panic.
#[wasm_bindgen(js_name = simulatePanic)]
pub fn simulate_panic(
    #[wasm_bindgen(unchecked_param_type = "string")] message: JsValue,
) -> Result<(), JsValue> {
    ensure_alive()?;
    let message = input::string(&message, "simulatePanic: message")?;
    panic!("{message}");
}
