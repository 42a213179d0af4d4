//! The messages between a [`ThreadCounter`](super::ThreadCounter) and its
//! worker, as plain JS objects (`{ type: "start", id: 1, epoch: 4 }`, ...),
//! so they survive `postMessage` and can be checked on arrival.
//!
//! Every command carries the page's epoch, which the page moves on with each
//! `start()`, `stop()` and `reset()`; the worker tags each tick with the
//! epoch of the last command it applied. A tick still on its way when the
//! page moved on (one of an earlier run, or from before a reset) so never
//! passes for a current one.

use wasm_bindgen::JsValue;

use super::message::field;
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

/// A command as it travels: what, its id (for the reply), and the page's epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Order {
    pub(crate) command: Command,
    pub(crate) id: u32,
    pub(crate) epoch: u32,
}

/// Worker -> page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Event {
    /// The answer to the command with this id, and the count right after it.
    Reply { id: u32, value: bool, count: f64 },
    /// A delivered count, from the run of `epoch`. `deadline_ms` is in
    /// milliseconds since the Unix epoch (`timeOrigin + performance.now()`),
    /// so that each side can put it on its own clock.
    Tick {
        epoch: u32,
        count: f64,
        missed: f64,
        deadline_ms: f64,
        lateness_ms: f64,
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

    fn name(self) -> &'static str {
        Command::NAMES
            .iter()
            .find(|(command, _)| *command == self)
            .map_or("unknown", |(_, name)| name)
    }
}

impl Order {
    pub(crate) fn encode(self) -> JsValue {
        plain_object(&[
            ("type", self.command.name().into()),
            ("id", self.id.into()),
            ("epoch", self.epoch.into()),
        ])
        .into()
    }

    /// The order, or `None` for anything else.
    pub(crate) fn decode(message: &JsValue) -> Option<Order> {
        let kind = field(message, "type").as_string()?;
        let (command, _) = Command::NAMES.iter().find(|(_, name)| *name == kind)?;
        Some(Order {
            command: *command,
            id: whole_u32(&field(message, "id"))?,
            epoch: whole_u32(&field(message, "epoch"))?,
        })
    }
}

/// A whole number from 0 to 2^32-1, or `None`.
fn whole_u32(value: &JsValue) -> Option<u32> {
    let number = value.as_f64()?;
    (number.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&number))
        .then_some(number as u32)
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
                epoch,
                count,
                missed,
                deadline_ms,
                lateness_ms,
            } => plain_object(&[
                ("type", "tick".into()),
                ("epoch", (*epoch).into()),
                ("count", (*count).into()),
                ("missed", (*missed).into()),
                ("deadlineMs", (*deadline_ms).into()),
                ("latenessMs", (*lateness_ms).into()),
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
                epoch: whole_u32(&field(message, "epoch"))?,
                count: number("count")?,
                missed: number("missed")?,
                deadline_ms: number("deadlineMs")?,
                lateness_ms: number("latenessMs")?,
            }),
            "crashed" => Some(Event::Crashed {
                message: field(message, "message").as_string()?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn commands_survive_encoding() {
        for (command, _) in Command::NAMES {
            let order = Order {
                command,
                id: 7,
                epoch: 3,
            };
            assert_eq!(Order::decode(&order.encode()), Some(order));
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
                epoch: 2,
                count: 12.0,
                missed: 2.0,
                deadline_ms: 1.7e12,
                lateness_ms: 0.5,
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
            plain_object(&[("type", "start".into()), ("id", 1.into())]).into(),
            plain_object(&[("type", "tick".into())]).into(),
        ];
        for message in bogus {
            assert_eq!(Order::decode(&message), None);
            assert_eq!(Event::decode(&message), None);
        }
    }
}
