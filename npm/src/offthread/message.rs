//! Reading the plain objects that cross between the page and a worker by
//! `postMessage`: a field that is missing or of the wrong type is `undefined`,
//! never an error thrown through Rust.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// `message[key]`, or `undefined` for anything that is not an object.
pub(crate) fn field(message: &JsValue, key: &str) -> JsValue {
    if !message.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(message, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}
