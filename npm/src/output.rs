//! Plain JS objects for values that go out to JS (reports, tick info).

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// `{ key: value, ... }` as a plain object.
pub(crate) fn plain_object(fields: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in fields {
        // Defining a data property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}
