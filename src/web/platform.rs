//! Questions about JS values that run no user code and cannot throw through
//! Rust: whether a value is a genuine `AbortSignal` or `ReadableStream` or
//! an array, and `Promise.resolve` that reports what it throws; and an
//! array of numbers read in one go (whose getters, if any, do run).
//!
//! `instanceof` asks a Proxy's `getPrototypeOf` trap, so a Proxy can pass
//! for an `AbortSignal` and then make the first real use throw, from inside
//! Rust, where a thrown error is not cleaned up after (see `npm/js/public_class.js`).
//! A platform object is recognised instead by calling one of its own getters
//! with the value as `this`: only a genuine one answers, and no trap runs.

use js_sys::{Float64Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function plainNumbers(array, max) {
  const length = array.length;
  if (typeof length !== 'number' || !(length <= max)) return null;
  const numbers = new Float64Array(length);
  for (let i = 0; i < length; i += 1) {
    const value = array[i];
    if (typeof value !== 'number') return null;
    numbers[i] = value;
  }
  return numbers;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = plainNumbers, catch)]
    fn plain_numbers_in_js(array: &JsValue, max: f64) -> Result<Option<Float64Array>, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve, catch)]
    fn promise_resolve(value: &JsValue) -> Result<Promise, JsValue>;
}

thread_local! {
    static ABORTED_GETTER: Option<Function> = own_getter("AbortSignal", "aborted");
    static LOCKED_GETTER: Option<Function> = own_getter("ReadableStream", "locked");
}

/// `Class.prototype`'s own getter `name`, as the page had it when first asked.
fn own_getter(class: &str, name: &str) -> Option<Function> {
    let class = Reflect::get(&js_sys::global(), &class.into()).ok()?;
    let prototype = Reflect::get(&class, &"prototype".into()).ok()?;
    let descriptor =
        Reflect::get_own_property_descriptor(prototype.dyn_ref::<js_sys::Object>()?, &name.into())
            .ok()?;
    Reflect::get(&descriptor, &"get".into())
        .ok()?
        .dyn_into()
        .ok()
}

fn answers(getter: &Option<Function>, value: &JsValue) -> bool {
    value.is_object() && getter.as_ref().is_some_and(|get| get.call0(value).is_ok())
}

/// Whether `value` is a genuine `AbortSignal`.
pub fn is_abort_signal(value: &JsValue) -> bool {
    ABORTED_GETTER.with(|getter| answers(getter, value))
}

/// Whether `value` is a genuine `ReadableStream`.
pub fn is_readable_stream(value: &JsValue) -> bool {
    LOCKED_GETTER.with(|getter| answers(getter, value))
}

/// `Array.isArray(value)`: true for an array or a Proxy of one, false for
/// anything else, a revoked Proxy included.
pub fn is_array(value: &JsValue) -> bool {
    array_is_array(value).unwrap_or(false)
}

/// The elements of `array` (an array, per [`is_array`]) in one copy, if
/// there are at most `max` and all are numbers; `None` otherwise. Reading
/// them runs their getters, like any read; what a getter throws comes back.
pub fn plain_numbers(array: &JsValue, max: usize) -> Result<Option<Float64Array>, JsValue> {
    plain_numbers_in_js(array, max as f64)
}

/// `Promise.resolve(value)`, or what it threw (a Promise whose
/// `constructor` getter throws, say).
pub fn resolve(value: &JsValue) -> Result<Promise, JsValue> {
    promise_resolve(value)
}
