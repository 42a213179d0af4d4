//! The `SharedArrayBuffer` a blocked worker waits on, and the page writes
//! its answers into.
//!
//! Layout: eight `Int32` header words, then the payload bytes.
//!
//! | word | written by | meaning |
//! | --- | --- | --- |
//! | `SIGNAL` | page | bumped after every answer and every cancel; the worker waits on it |
//! | `CALL` | worker | the call it is waiting for (`0`: none) |
//! | `DONE` | page | the call whose answer is in the payload |
//! | `STATUS`, `LENGTH`, `NAME_LENGTH` | page | what the payload holds |
//! | `CANCEL` | page | the cancel generation; a wait started under another one stops |
//!
//! The page writes an answer only while `CALL` is its call's id, and the
//! worker reads one only once `DONE` is its own id: a late answer for a call
//! the worker gave up on is dropped, never taken for the next call's. The
//! page is single-threaded, so one answer is written completely before the
//! next begins. The worker takes `SIGNAL` before it checks anything and
//! waits only while `SIGNAL` still has that value, so no wake-up is lost.
//!
//! Text is encoded and decoded by the browser (`TextEncoder`, `TextDecoder`),
//! without passing through wasm memory. Neither reads or writes shared
//! memory directly, so the bytes are copied in and out; a cut error message
//! is cut by `encodeInto`, which never splits a character.

use js_sys::{Atomics, Int32Array, JsString, SharedArrayBuffer, Uint8Array};
use loopbridge::now_ms;
use wasm_bindgen::prelude::*;

use super::{name_and_message, BlockingError};

const SIGNAL: u32 = 0;
const CALL: u32 = 1;
const DONE: u32 = 2;
const STATUS: u32 = 3;
const LENGTH: u32 = 4;
const NAME_LENGTH: u32 = 5;
const CANCEL: u32 = 6;
const HEADER_BYTES: u32 = 8 * 4;

#[wasm_bindgen]
extern "C" {
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsString) -> Uint8Array;
    /// `{ read, written }`: UTF-16 units read, bytes written.
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &JsString, into: &Uint8Array) -> EncodeIntoResult;
    type EncodeIntoResult;
    #[wasm_bindgen(method, getter)]
    fn written(this: &EncodeIntoResult) -> u32;

    type TextDecoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextDecoder;
    #[wasm_bindgen(method, catch)]
    fn decode(this: &TextDecoder, bytes: &Uint8Array) -> Result<JsString, JsValue>;
}

const STATUS_JSON: i32 = 0;
const STATUS_UNDEFINED: i32 = 1;
const STATUS_ERROR: i32 = 2;
const STATUS_TOO_LARGE: i32 = 3;

/// What the page answers a call with.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// `JSON.stringify` of the value.
    Json(JsString),
    /// The value was `undefined` (or anything JSON leaves out, like a function).
    Undefined,
    /// The handler failed: the error's name and message.
    Error { name: JsString, message: JsString },
    /// The JSON needs this many bytes, more than the buffer holds.
    TooLarge(u32),
}

impl Answer {
    /// How the channel carries what the handler settled with: its value as
    /// JSON text (or `undefined`), a `TypeError` for a value JSON cannot hold
    /// (a BigInt, a cycle), or the error's name and message.
    pub(crate) fn from_outcome(outcome: Result<JsValue, JsValue>) -> Answer {
        let failed = |error: &JsValue, prefix: &str| {
            let (name, message) = name_and_message(error);
            Answer::Error {
                name: name.as_str().into(),
                message: format!("{prefix}{message}").as_str().into(),
            }
        };
        match outcome.map(|value| js_sys::JSON::stringify(&value)) {
            Ok(Ok(text)) if text.is_undefined() => Answer::Undefined,
            Ok(Ok(text)) => Answer::Json(text),
            Ok(Err(error)) => failed(&error, "the page's answer cannot cross as JSON: "),
            Err(error) => failed(&error, ""),
        }
    }
}

/// Views of one shared buffer; the page and the worker each hold one.
#[derive(Debug, Clone)]
pub(crate) struct Channel {
    buffer: SharedArrayBuffer,
    header: Int32Array,
    payload: Uint8Array,
}

impl Channel {
    /// A new buffer with room for `capacity` payload bytes (at most 2^30).
    ///
    /// # Errors
    ///
    /// The `RangeError` of a failed allocation.
    pub(crate) fn new(capacity: u32) -> Result<Channel, JsValue> {
        // Not `SharedArrayBuffer::new`: a failed allocation would throw through Rust.
        let class = js_sys::Reflect::get(&js_sys::global(), &"SharedArrayBuffer".into())?;
        let length = js_sys::Array::of1(&HEADER_BYTES.saturating_add(capacity).into());
        let buffer =
            js_sys::Reflect::construct(class.unchecked_ref::<js_sys::Function>(), &length)?;
        Channel::from_value(buffer).ok_or_else(|| js_sys::Error::new("no SharedArrayBuffer").into())
    }

    /// Views of `buffer` (from the page), if it is a `SharedArrayBuffer`
    /// large enough for the header.
    pub(crate) fn from_value(buffer: JsValue) -> Option<Channel> {
        Channel::from_buffer(buffer.dyn_into().ok()?)
    }

    fn from_buffer(buffer: SharedArrayBuffer) -> Option<Channel> {
        let length = buffer.byte_length();
        (length >= HEADER_BYTES).then(|| Channel {
            header: Int32Array::new_with_byte_offset_and_length(&buffer, 0, 8),
            payload: Uint8Array::new_with_byte_offset_and_length(
                &buffer,
                HEADER_BYTES,
                length - HEADER_BYTES,
            ),
            buffer,
        })
    }

    /// The buffer, to post to the worker.
    pub(crate) fn buffer(&self) -> &SharedArrayBuffer {
        &self.buffer
    }

    /// Payload bytes the buffer holds.
    pub(crate) fn capacity(&self) -> u32 {
        self.payload.length()
    }

    fn load(&self, word: u32) -> i32 {
        Atomics::load(&self.header, word).unwrap_or_default()
    }

    fn store(&self, word: u32, value: i32) {
        let _ = Atomics::store(&self.header, word, value);
    }

    /// Wakes the worker: something it may be waiting for changed.
    fn signal(&self) {
        let _ = Atomics::add(&self.header, SIGNAL, 1);
        let _ = Atomics::notify(&self.header, SIGNAL);
    }

    // ---- the page's side ----------------------------------------------

    /// The current cancel generation: a run started under it goes on until
    /// [`cancel`](Channel::cancel).
    pub(crate) fn generation(&self) -> i32 {
        self.load(CANCEL)
    }

    /// Stops whatever the worker waits for under the current generation.
    pub(crate) fn cancel(&self) {
        let _ = Atomics::add(&self.header, CANCEL, 1);
        self.signal();
    }

    /// Writes the answer to call `id` and wakes the worker; `false` (and
    /// nothing written) if the worker no longer waits for that call.
    pub(crate) fn answer(&self, id: i32, answer: Answer) -> bool {
        if self.load(CALL) != id {
            return false;
        }
        let (status, length, name_length) = match answer {
            Answer::Json(text) => match self.write(0, &text) {
                Ok(written) => (STATUS_JSON, written, 0),
                Err(needed) => (STATUS_TOO_LARGE, needed, 0),
            },
            Answer::Undefined => (STATUS_UNDEFINED, 0, 0),
            Answer::TooLarge(bytes) => (STATUS_TOO_LARGE, bytes, 0),
            Answer::Error { name, message } => {
                let name_length = self.write_cut(0, &name);
                let length = name_length + self.write_cut(name_length, &message);
                (STATUS_ERROR, length, name_length)
            }
        };
        self.store(STATUS, status);
        self.store(LENGTH, length.min(i32::MAX as u32) as i32);
        self.store(NAME_LENGTH, name_length as i32);
        self.store(DONE, id);
        self.signal();
        true
    }

    /// Writes `text` at byte `at`: the bytes written, or `Err` with the
    /// bytes it needs if it does not fit.
    fn write(&self, at: u32, text: &JsString) -> Result<u32, u32> {
        let bytes = TextEncoder::new().encode(text);
        if bytes.length() > self.capacity() - at {
            return Err(bytes.length());
        }
        self.payload.set(&bytes, at);
        Ok(bytes.length())
    }

    /// Writes as much of `text` at byte `at` as fits, cut between
    /// characters; the bytes written.
    fn write_cut(&self, at: u32, text: &JsString) -> u32 {
        self.write(at, text).unwrap_or_else(|_| {
            let room = Uint8Array::new_with_length(self.capacity() - at);
            let written = TextEncoder::new().encode_into(text, &room).written();
            self.payload.set(&room.subarray(0, written), at);
            written
        })
    }

    // ---- the worker's side --------------------------------------------

    /// Announces that the worker now waits for call `id`.
    pub(crate) fn expect(&self, id: i32) {
        self.store(CALL, id);
    }

    /// Waits (blocking this thread) until the page answers call `id`, the
    /// generation moves on from `generation`, or `deadline_ms` (on
    /// `performance.now()`) passes; then stops expecting the call.
    pub(crate) fn wait(
        &self,
        id: i32,
        generation: i32,
        deadline_ms: Option<f64>,
    ) -> Result<Answer, WaitError> {
        let outcome = self.wait_for(id, generation, deadline_ms);
        self.store(CALL, 0);
        outcome
    }

    fn wait_for(
        &self,
        id: i32,
        generation: i32,
        deadline_ms: Option<f64>,
    ) -> Result<Answer, WaitError> {
        loop {
            let signal = self.load(SIGNAL);
            if self.load(DONE) == id {
                return Ok(self.read());
            }
            if self.load(CANCEL) != generation {
                return Err(WaitError::Cancelled);
            }
            let remaining = deadline_ms.map_or(f64::INFINITY, |deadline| deadline - now_ms());
            if remaining <= 0.0 {
                return Err(WaitError::TimedOut);
            }
            Atomics::wait_with_timeout(&self.header, SIGNAL, signal, remaining)
                .map_err(|_| WaitError::NotAllowed)?;
        }
    }

    fn read(&self) -> Answer {
        let length = (self.load(LENGTH).max(0) as u32).min(self.capacity());
        // A copy (`slice`): TextDecoder does not read shared memory.
        let text = |from: u32, to: u32| {
            let bytes = self.payload.slice(from, to);
            TextDecoder::new().decode(&bytes).unwrap_or_default()
        };
        match self.load(STATUS) {
            STATUS_JSON => Answer::Json(text(0, length)),
            STATUS_ERROR => {
                let name_length = (self.load(NAME_LENGTH).max(0) as u32).min(length);
                Answer::Error {
                    name: text(0, name_length),
                    message: text(name_length, length),
                }
            }
            STATUS_TOO_LARGE => Answer::TooLarge(self.load(LENGTH).max(0) as u32),
            _ => Answer::Undefined,
        }
    }
}

/// Why [`Channel::wait`] has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WaitError {
    Cancelled,
    TimedOut,
    /// `Atomics.wait` threw: this thread may not block.
    NotAllowed,
}

impl WaitError {
    pub(crate) fn into_blocking_error(
        self,
        id: i32,
        timeout: Option<std::time::Duration>,
    ) -> BlockingError {
        match self {
            WaitError::Cancelled => BlockingError::Cancelled,
            WaitError::NotAllowed => BlockingError::NotInWorker,
            WaitError::TimedOut => BlockingError::TimedOut {
                call: id,
                timeout: timeout.unwrap_or_default(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn isolated() -> bool {
        super::super::isolation_problem().is_none()
    }

    #[wasm_bindgen_test]
    fn an_answer_is_taken_only_for_the_call_that_waits_for_it() {
        if !isolated() {
            return;
        }
        let page = Channel::new(64).unwrap();
        let worker = Channel::from_value(page.buffer().into()).unwrap();
        assert!(!page.answer(1, Answer::Undefined), "nobody waits yet");
        worker.expect(1);
        assert!(page.answer(1, Answer::Json("[1,\"é\"]".into())));
        assert_eq!(
            worker.wait(1, 0, Some(0.0)),
            Ok(Answer::Json("[1,\"é\"]".into()))
        );
        assert!(
            !page.answer(1, Answer::Undefined),
            "a late answer is dropped"
        );
        worker.expect(2);
        assert_eq!(worker.wait(2, 0, Some(0.0)), Err(WaitError::TimedOut));
    }

    #[wasm_bindgen_test]
    fn errors_too_large_answers_and_cancels_cross() {
        if !isolated() {
            return;
        }
        let page = Channel::new(8).unwrap();
        let worker = Channel::from_value(page.buffer().into()).unwrap();
        worker.expect(1);
        page.answer(1, Answer::Json("\"0123456789\"".into()));
        assert_eq!(worker.wait(1, 0, None), Ok(Answer::TooLarge(12)));
        worker.expect(2);
        page.answer(
            2,
            Answer::Error {
                name: "ValueError".into(),
                message: "long message".into(),
            },
        );
        let cut = Answer::Error {
            name: "ValueErr".into(),
            message: "".into(),
        };
        assert_eq!(worker.wait(2, 0, None), Ok(cut), "cut to the buffer");
        worker.expect(3);
        page.cancel();
        assert_eq!(worker.wait(3, 0, None), Err(WaitError::Cancelled));
        assert_eq!(page.generation(), 1);
    }

    #[wasm_bindgen_test]
    fn a_message_is_cut_between_characters() {
        if !isolated() {
            return;
        }
        let page = Channel::new(8).unwrap();
        let worker = Channel::from_value(page.buffer().into()).unwrap();
        worker.expect(1);
        let error = Answer::Error {
            name: "E".into(),
            message: "aéééé".into(),
        };
        page.answer(1, error);
        let cut = Answer::Error {
            name: "E".into(),
            message: "aééé".into(),
        };
        assert_eq!(worker.wait(1, 0, None), Ok(cut));
    }
}
