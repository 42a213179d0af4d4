//! The messages between a [`ThreadCounter`](super::ThreadCounter) and its
//! worker, as plain JS objects (`{ type: "start", id: 1 }`, ...), so they
//! survive `postMessage` and can be checked on arrival.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::output::plain_object;

/// Page -> worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Start,
    Stop,
    Reset,
    /// Makes the worker fail on purpose, to show (and test) crash reporting.
    Crash,
}

/// Worker -> page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// The answer to the command with this id, and the count right after it.
    Reply { id: u32, value: bool, count: f64 },
    /// A delivered count.
    Tick {
        count: f64,
        lateness_ms: f64,
        missed: f64,
    },
    /// The worker cannot go on.
    Crashed { message: String },
}

impl Command {
    const NAMES: [(Command, &'static str); 4] = [
        (Command::Start, "start"),
        (Command::Stop, "stop"),
        (Command::Reset, "reset"),
        (Command::Crash, "crash"),
    ];

    pub(crate) fn encode(self, id: u32) -> JsValue {
        let name = Command::NAMES
            .iter()
            .find(|(command, _)| *command == self)
            .map_or("unknown", |(_, name)| name);
        plain_object(&[("type", name.into()), ("id", id.into())]).into()
    }

    /// The command and its id, or `None` for anything else.
    pub(crate) fn decode(message: &JsValue) -> Option<(Command, u32)> {
        let kind = field(message, "type").as_string()?;
        let id = field(message, "id").as_f64()?;
        let (command, _) = Command::NAMES.iter().find(|(_, name)| *name == kind)?;
        (id.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&id))
            .then_some((*command, id as u32))
    }
}

impl Event {
    pub(crate) fn encode(&self) -> JsValue {
        match self {
            Event::Reply { id, value, count } => plain_object(&[
                ("type", "reply".into()),
                ("id", (*id).into()),
                ("value", (*value).into()),
                ("count", (*count).into()),
            ]),
            Event::Tick {
                count,
                lateness_ms,
                missed,
            } => plain_object(&[
                ("type", "tick".into()),
                ("count", (*count).into()),
                ("latenessMs", (*lateness_ms).into()),
                ("missed", (*missed).into()),
            ]),
            Event::Crashed { message } => {
                plain_object(&[("type", "crashed".into()), ("message", message.into())])
            }
        }
        .into()
    }

    pub(crate) fn decode(message: &JsValue) -> Option<Event> {
        let number = |key| field(message, key).as_f64();
        match field(message, "type").as_string()?.as_str() {
            "reply" => Some(Event::Reply {
                id: number("id")? as u32,
                value: field(message, "value").as_bool()?,
                count: number("count")?,
            }),
            "tick" => Some(Event::Tick {
                count: number("count")?,
                lateness_ms: number("latenessMs")?,
                missed: number("missed")?,
            }),
            "crashed" => Some(Event::Crashed {
                message: field(message, "message").as_string()?,
            }),
            _ => None,
        }
    }
}

/// `message[key]`, or `undefined` for anything that is not an object.
pub(crate) fn field(message: &JsValue, key: &str) -> JsValue {
    if !message.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(message, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn commands_survive_encoding() {
        for (command, _) in Command::NAMES {
            assert_eq!(Command::decode(&command.encode(7)), Some((command, 7)));
        }
    }

    #[wasm_bindgen_test]
    fn events_survive_encoding() {
        for event in [
            Event::Reply {
                id: 3,
                value: true,
                count: 4.0,
            },
            Event::Tick {
                count: 12.0,
                lateness_ms: 0.5,
                missed: 2.0,
            },
            Event::Crashed {
                message: "boom".into(),
            },
        ] {
            assert_eq!(Event::decode(&event.encode()), Some(event));
        }
    }

    #[wasm_bindgen_test]
    fn anything_else_is_not_a_message() {
        let bogus = [
            JsValue::UNDEFINED,
            JsValue::from(5),
            plain_object(&[("type", "launch".into()), ("id", 1.into())]).into(),
            plain_object(&[("type", "start".into()), ("id", (-1).into())]).into(),
            plain_object(&[("type", "start".into()), ("id", 1.5.into())]).into(),
            plain_object(&[("type", "tick".into())]).into(),
        ];
        for message in bogus {
            assert_eq!(Command::decode(&message), None);
            assert_eq!(Event::decode(&message), None);
        }
    }
}
