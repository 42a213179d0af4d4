//! The crate's one error type, and how it reaches JS as a `TypeError` or `RangeError`.

use std::fmt;

use wasm_bindgen::JsValue;

/// What can go wrong when loopbridge is called with bad input.
///
/// JS exports throw it as the matching JS error class, so callers can test
/// `err instanceof TypeError` / `err instanceof RangeError`; the message is
/// the [`Display`](fmt::Display) text and names the argument at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A value of the wrong type (a string where a number belongs, ...): JS `TypeError`.
    Type(String),
    /// A value of the right type but outside the allowed range: JS `RangeError`.
    Range(String),
    /// A synchronous wait that would have to block the page's only thread:
    /// JS `Error` named `WouldBlockError`.
    WouldBlock(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Type(message) | Error::Range(message) | Error::WouldBlock(message) => {
                f.write_str(message)
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        match error {
            Error::Type(message) => js_sys::TypeError::new(&message).into(),
            Error::Range(message) => js_sys::RangeError::new(&message).into(),
            Error::WouldBlock(message) => {
                let error = js_sys::Error::new(&message);
                error.set_name("WouldBlockError");
                error.into()
            }
        }
    }
}
