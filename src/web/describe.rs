//! How error messages name a JS value, without running any of its code.

use wasm_bindgen::JsValue;

/// A short, safe description of a JS value for error messages. Never calls
/// user code (no `toString`, no getters), so it cannot throw.
pub fn describe(value: &JsValue) -> String {
    if let Some(number) = value.as_f64() {
        return match number {
            n if n.is_nan() => "NaN".to_owned(),
            n if n == f64::INFINITY => "Infinity".to_owned(),
            n if n == f64::NEG_INFINITY => "-Infinity".to_owned(),
            n => format!("the number {}", show_number(n)),
        };
    }
    if let Some(text) = value.as_string() {
        let mut shown: String = text.chars().take(40).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        return format!("the string {}", quote(&shown));
    }
    if value.is_null() {
        return "null".to_owned();
    }
    if let Some(flag) = value.as_bool() {
        return format!("the boolean {flag}");
    }
    match value.js_typeof().as_string().as_deref() {
        Some("undefined") => "undefined".to_owned(),
        Some("object") => "an object".to_owned(),
        Some(kind) => format!("a {kind}"),
        None => "a value of unknown type".to_owned(),
    }
}

/// `n` as JS writes it (`String(n)`, but `-0` for minus zero). Formatting
/// through JS keeps Rust's float-printing code (several KB) out of the module.
pub fn show_number(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() {
        return "-0".to_owned();
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return (n as i64).to_string(); // JS writes whole numbers this way too
    }
    js_sys::Number::from(n)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// `text` as a JS string literal (`JSON.stringify`): quoted, with escapes.
pub fn quote(text: &str) -> String {
    js_sys::JSON::stringify(&JsValue::from_str(text))
        .map(String::from)
        .unwrap_or_default()
}
