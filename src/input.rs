//! Checks for values that arrive from JS. Every export takes `JsValue` at the
//! edge and converts it here, so a wrong type or an out-of-range number becomes
//! a `TypeError`/`RangeError` with a clear message instead of reaching Rust code.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::Error;

/// The largest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days).
pub(crate) const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// An options bag: `undefined` or `null` mean "no options", anything but an
/// object is a `TypeError`.
pub(crate) fn options(value: &JsValue, context: &str) -> Result<Option<Object>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_object() || value.is_function() {
        return Err(Error::Type(format!(
            "{context}: options must be an object, got {}",
            describe(value)
        )));
    }
    Ok(Some(value.clone().unchecked_into()))
}

/// Reads `options[key]`; a throwing getter or proxy trap rethrows its own error.
pub(crate) fn field(options: &Option<Object>, key: &str) -> Result<JsValue, JsValue> {
    match options {
        Some(object) => Reflect::get(object, &JsValue::from_str(key)),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// A finite number in `min..=max`; `undefined` gives `None`.
pub(crate) fn optional_number(
    value: &JsValue,
    context: &str,
    min: f64,
    max: f64,
) -> Result<Option<f64>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    number(value, context, min, max).map(Some)
}

/// A finite number in `min..=max`.
pub(crate) fn number(value: &JsValue, context: &str, min: f64, max: f64) -> Result<f64, Error> {
    let Some(number) = value.as_f64() else {
        return Err(Error::Type(format!(
            "{context} must be a number, got {}",
            describe(value)
        )));
    };
    if !(number.is_finite() && (min..=max).contains(&number)) {
        return Err(Error::Range(format!(
            "{context} must be a finite number from {min} to {max}, got {}",
            describe(value)
        )));
    }
    Ok(number)
}

/// A string; `undefined` gives `None`.
pub(crate) fn optional_string(value: &JsValue, context: &str) -> Result<Option<String>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| {
        Error::Type(format!(
            "{context} must be a string, got {}",
            describe(value)
        ))
    })
}

/// A function, or `None` for `null`/`undefined`.
pub(crate) fn optional_function(value: &JsValue, context: &str) -> Result<Option<Function>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .dyn_ref::<Function>()
        .cloned()
        .map(Some)
        .ok_or_else(|| {
            Error::Type(format!(
                "{context} must be a function or null, got {}",
                describe(value)
            ))
        })
}

/// A short, safe description of a JS value for error messages. Never calls
/// user code (no `toString`, no getters), so it cannot throw.
pub(crate) fn describe(value: &JsValue) -> String {
    if let Some(number) = value.as_f64() {
        return match number {
            n if n.is_nan() => "NaN".to_owned(),
            n if n == f64::INFINITY => "Infinity".to_owned(),
            n if n == f64::NEG_INFINITY => "-Infinity".to_owned(),
            n => format!("the number {n}"),
        };
    }
    if let Some(text) = value.as_string() {
        let mut shown: String = text.chars().take(40).collect();
        if shown.len() < text.len() {
            shown.push('…');
        }
        return format!("the string {shown:?}");
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

/// A string.
pub(crate) fn string(value: &JsValue, context: &str) -> Result<String, Error> {
    value.as_string().ok_or_else(|| {
        Error::Type(format!(
            "{context} must be a string, got {}",
            describe(value)
        ))
    })
}

/// A whole number in `min..=max`; `undefined` gives `None`.
pub(crate) fn optional_integer(
    value: &JsValue,
    context: &str,
    min: f64,
    max: f64,
) -> Result<Option<f64>, Error> {
    let Some(number) = optional_number(value, context, min, max)? else {
        return Ok(None);
    };
    if number.fract() != 0.0 {
        return Err(Error::Range(format!(
            "{context} must be a whole number, got {}",
            describe(value)
        )));
    }
    Ok(Some(number))
}

/// An `AbortSignal`; `undefined` gives `None`.
pub(crate) fn optional_signal(
    value: &JsValue,
    context: &str,
) -> Result<Option<AbortSignal>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    value
        .dyn_ref::<AbortSignal>()
        .cloned()
        .map(Some)
        .ok_or_else(|| {
            Error::Type(format!(
                "{context} must be an AbortSignal, got {}",
                describe(value)
            ))
        })
}

/// One of `choices`; `undefined` gives `None`.
pub(crate) fn optional_choice(
    value: &JsValue,
    context: &str,
    choices: &[&'static str],
) -> Result<Option<&'static str>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    let given = value.as_string();
    choices
        .iter()
        .find(|choice| given.as_deref() == Some(**choice))
        .copied()
        .map(Some)
        .ok_or_else(|| {
            let expected: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
            Error::Type(format!(
                "{context} must be one of {}, got {}",
                expected.join(", "),
                describe(value)
            ))
        })
}

/// An array of at most `max_len` numbers, each finite and in `min..=max`.
/// Reads elements with `Reflect.get`, so a proxy's throwing trap rethrows
/// its own error instead of reaching Rust code.
pub(crate) fn number_array(
    value: &JsValue,
    context: &str,
    (min, max): (f64, f64),
    max_len: usize,
) -> Result<Vec<f64>, JsValue> {
    if !value.is_instance_of::<Array>() {
        return Err(Error::Type(format!(
            "{context} must be an array of numbers, got {}",
            describe(value)
        ))
        .into());
    }
    let length = Reflect::get(value, &"length".into())?
        .as_f64()
        .unwrap_or(0.0);
    if length > max_len as f64 {
        return Err(Error::Range(format!(
            "{context} may hold at most {max_len} numbers, got {length}"
        ))
        .into());
    }
    (0..length as u32)
        .map(|i| {
            let element = Reflect::get(value, &JsValue::from(i))?;
            Ok(number(&element, &format!("{context}[{i}]"), min, max)?)
        })
        .collect()
}
