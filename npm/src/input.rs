//! Checks for values that arrive from JS. Every export takes `JsValue` at the
//! edge and converts it here, so a wrong type or an out-of-range number becomes
//! a `TypeError`/`RangeError` with a clear message instead of reaching Rust code.

use js_sys::{Function, Object, Reflect};
use loopbridge::Error;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

use crate::platform;
pub use loopbridge::__private::{describe, quote, show_number};

pub use loopbridge::MAX_TIMER_MS;

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// An options bag from JS (`{ intervalMs, name }`, ...), read field by field
/// with the same checks as plain arguments. Error messages name the field as
/// `"<context>: <field>"`.
#[derive(Debug)]
pub struct Options<'a> {
    object: Option<Object>,
    context: &'a str,
}

impl<'a> Options<'a> {
    /// `undefined` and `null` mean "no options"; anything but an object is a
    /// `TypeError`.
    pub fn parse(value: &JsValue, context: &'a str) -> Result<Options<'a>, Error> {
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

    /// Field `key` as [`optional_number`].
    pub fn number(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, JsValue> {
        Ok(optional_number(&self.get(key)?, &self.name(key), min, max)?)
    }

    /// Field `key` as [`optional_integer`].
    pub fn integer(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, JsValue> {
        Ok(optional_integer(
            &self.get(key)?,
            &self.name(key),
            min,
            max,
        )?)
    }

    /// Field `key` as [`optional_string`].
    pub fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        Ok(optional_string(&self.get(key)?, &self.name(key))?)
    }

    /// Field `key` as [`optional_signal`].
    pub fn signal(&self, key: &str) -> Result<Option<AbortSignal>, JsValue> {
        Ok(optional_signal(&self.get(key)?, &self.name(key))?)
    }

    /// Field `key` as [`optional_boolean`].
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, JsValue> {
        Ok(optional_boolean(&self.get(key)?, &self.name(key))?)
    }

    /// Field `key`: `Some(None)` if it is `null`, else as [`Options::number`].
    pub fn nullable_number(
        &self,
        key: &str,
        min: f64,
        max: f64,
    ) -> Result<Option<Option<f64>>, JsValue> {
        let value = self.get(key)?;
        if value.is_null() {
            return Ok(Some(None));
        }
        Ok(optional_number(&value, &self.name(key), min, max)?.map(Some))
    }

    /// Field `key` as [`optional_choice`].
    pub fn choice(
        &self,
        key: &str,
        choices: &[&'static str],
    ) -> Result<Option<&'static str>, JsValue> {
        Ok(optional_choice(&self.get(key)?, &self.name(key), choices)?)
    }
}

/// A finite number in `min..=max`; `undefined` gives `None`.
pub fn optional_number(
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
pub fn number(value: &JsValue, context: &str, min: f64, max: f64) -> Result<f64, Error> {
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
pub fn optional_string(value: &JsValue, context: &str) -> Result<Option<String>, Error> {
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
pub fn optional_function(value: &JsValue, context: &str) -> Result<Option<Function>, Error> {
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

/// A function. Checked with `typeof`, which runs no user code.
pub fn function(value: &JsValue, context: &str) -> Result<Function, Error> {
    value.dyn_ref::<Function>().cloned().ok_or_else(|| {
        Error::Type(format!(
            "{context} must be a function, got {}",
            describe(value)
        ))
    })
}

/// An array of at most `max_len` functions.
pub fn function_array(
    value: &JsValue,
    context: &str,
    max_len: usize,
) -> Result<Vec<Function>, JsValue> {
    array_of(value, context, "functions", max_len, function)
}

/// A string.
pub fn string(value: &JsValue, context: &str) -> Result<String, Error> {
    value.as_string().ok_or_else(|| {
        Error::Type(format!(
            "{context} must be a string, got {}",
            describe(value)
        ))
    })
}

/// A whole number in `min..=max`; `undefined` gives `None`.
pub fn optional_integer(
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
pub fn optional_signal(value: &JsValue, context: &str) -> Result<Option<AbortSignal>, Error> {
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

/// `true` or `false`; `undefined` gives `None`.
pub fn optional_boolean(value: &JsValue, context: &str) -> Result<Option<bool>, Error> {
    if value.is_undefined() {
        return Ok(None);
    }
    value.as_bool().map(Some).ok_or_else(|| {
        Error::Type(format!(
            "{context} must be true or false, got {}",
            describe(value)
        ))
    })
}

/// One of `choices`; `undefined` gives `None`.
pub fn optional_choice(
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
pub fn number_array(
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
pub fn string_array(
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
