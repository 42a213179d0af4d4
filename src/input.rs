//! Checks for values that arrive from JS. Every export takes `JsValue` at the
//! edge and converts it here, so a wrong type or an out-of-range number becomes
//! a `TypeError`/`RangeError` with a clear message instead of reaching Rust code.

// Some helpers serve only the optional exports (features `offthread`, `demos`).
#![cfg_attr(not(all(feature = "offthread", feature = "demos")), allow(dead_code))]

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::platform;
use crate::Error;

/// The largest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days).
pub(crate) const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// An options bag from JS (`{ intervalMs, name }`, ...), read field by field
/// with the same checks as plain arguments. Error messages name the field as
/// `"<context>: <field>"`.
pub(crate) struct Options<'a> {
    object: Option<Object>,
    context: &'a str,
}

impl<'a> Options<'a> {
    /// `undefined` and `null` mean "no options"; anything but an object is a
    /// `TypeError`.
    pub(crate) fn parse(value: &JsValue, context: &'a str) -> Result<Options<'a>, Error> {
        if !(value.is_undefined() || value.is_null() || value.is_object()) || value.is_function() {
            return Err(Error::Type(format!(
                "{context}: options must be an object, got {}",
                describe(value)
            )));
        }
        let object = value.is_object().then(|| value.clone().unchecked_into());
        Ok(Options { object, context })
    }

    /// `options[key]`; a throwing getter or proxy trap rethrows its own error.
    fn get(&self, key: &str) -> Result<JsValue, JsValue> {
        match &self.object {
            Some(object) => Reflect::get(object, &JsValue::from_str(key)),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    fn name(&self, key: &str) -> String {
        format!("{}: {key}", self.context)
    }

    pub(crate) fn number(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, JsValue> {
        Ok(optional_number(&self.get(key)?, &self.name(key), min, max)?)
    }

    pub(crate) fn integer(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, JsValue> {
        Ok(optional_integer(
            &self.get(key)?,
            &self.name(key),
            min,
            max,
        )?)
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        Ok(optional_string(&self.get(key)?, &self.name(key))?)
    }

    pub(crate) fn signal(&self, key: &str) -> Result<Option<AbortSignal>, JsValue> {
        Ok(optional_signal(&self.get(key)?, &self.name(key))?)
    }

    pub(crate) fn choice(
        &self,
        key: &str,
        choices: &[&'static str],
    ) -> Result<Option<&'static str>, JsValue> {
        Ok(optional_choice(&self.get(key)?, &self.name(key), choices)?)
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
            "{context} must be a finite number from {} to {}, got {}",
            show_number(min),
            show_number(max),
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

/// A function, or `None` for `null`/`undefined`. Checked with `typeof`,
/// which runs no user code (a Proxy's traps included).
pub(crate) fn optional_function(value: &JsValue, context: &str) -> Result<Option<Function>, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    if !value.is_function() {
        return Err(Error::Type(format!(
            "{context} must be a function or null, got {}",
            describe(value)
        )));
    }
    Ok(Some(value.clone().unchecked_into()))
}

/// A short, safe description of a JS value for error messages. Never calls
/// user code (no `toString`, no getters), so it cannot throw.
pub(crate) fn describe(value: &JsValue) -> String {
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
pub(crate) fn show_number(n: f64) -> String {
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
fn quote(text: &str) -> String {
    js_sys::JSON::stringify(&JsValue::from_str(text))
        .map(String::from)
        .unwrap_or_default()
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
    if !platform::is_abort_signal(value) {
        return Err(Error::Type(format!(
            "{context} must be an AbortSignal, got {}",
            describe(value)
        )));
    }
    Ok(Some(value.clone().unchecked_into()))
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
            let expected: Vec<String> = choices.iter().map(|choice| quote(choice)).collect();
            Error::Type(format!(
                "{context} must be one of {}, got {}",
                expected.join(", "),
                describe(value)
            ))
        })
}

/// An array of at most `max_len` numbers, each finite and in `min..=max`.
/// An array of plain numbers crosses into wasm in one copy; anything else
/// is read element by element, for an error that names the element.
pub(crate) fn number_array(
    value: &JsValue,
    context: &str,
    (min, max): (f64, f64),
    max_len: usize,
) -> Result<Vec<f64>, JsValue> {
    if platform::is_array(value) {
        if let Some(numbers) = platform::plain_numbers(value, max_len)? {
            let numbers = numbers.to_vec();
            if numbers
                .iter()
                .all(|n| n.is_finite() && (min..=max).contains(n))
            {
                return Ok(numbers);
            }
        }
    }
    array_of(value, context, "numbers", max_len, |element, name| {
        number(element, name, min, max)
    })
}

/// An array of at most `max_len` strings.
#[cfg(feature = "jspi")]
pub(crate) fn string_array(
    value: &JsValue,
    context: &str,
    max_len: usize,
) -> Result<Vec<String>, JsValue> {
    array_of(value, context, "strings", max_len, string)
}

/// An array of at most `max_len` elements, each checked by `element`.
/// Reads them with `Reflect.get`, so a proxy's throwing trap rethrows its
/// own error instead of reaching Rust code.
fn array_of<T>(
    value: &JsValue,
    context: &str,
    kind: &str,
    max_len: usize,
    element: impl Fn(&JsValue, &str) -> Result<T, Error>,
) -> Result<Vec<T>, JsValue> {
    if !platform::is_array(value) {
        return Err(Error::Type(format!(
            "{context} must be an array of {kind}, got {}",
            describe(value)
        ))
        .into());
    }
    let length = Reflect::get(value, &"length".into())?
        .as_f64()
        .unwrap_or(0.0);
    if length > max_len as f64 {
        return Err(Error::Range(format!(
            "{context} may hold at most {max_len} {kind}, got {}",
            show_number(length)
        ))
        .into());
    }
    (0..length as u32)
        .map(|i| {
            let item = Reflect::get(value, &JsValue::from(i))?;
            Ok(element(&item, &format!("{context}[{i}]"))?)
        })
        .collect()
}
