//! What a `BlockingWorker` and its worker tell each other by `postMessage`,
//! as plain JS objects checked on arrival. (The answers to calls do not come
//! this way: the worker is blocked, so they go through the shared buffer.)

use wasm_bindgen::JsValue;

use crate::offthread::message::field;
use crate::output::plain_object;

/// Page -> worker (after the `init` message the entry script handles).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    /// The run's id on the page.
    pub(crate) run: u32,
    pub(crate) count: u32,
    pub(crate) delay_ms: f64,
    pub(crate) timeout_ms: Option<f64>,
    /// The channel's cancel generation when the page asked for the run.
    pub(crate) generation: i32,
}

/// Worker -> page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FromWorker {
    /// Sync code in the worker waits for the page to answer `request`.
    Call { id: i32, request: JsValue },
    /// One call of a run's loop came back: its value, or its error's name
    /// and message; and how long the worker was blocked on it.
    Result {
        run: u32,
        index: u32,
        outcome: Result<JsValue, (String, String)>,
        blocked_ms: f64,
    },
    /// The run's loop ended (all done, or cancelled).
    Done { run: u32 },
    /// The worker cannot go on.
    Crashed { message: String },
}

impl Run {
    pub(crate) fn encode(&self) -> JsValue {
        plain_object(&[
            ("type", "run".into()),
            ("run", self.run.into()),
            ("count", self.count.into()),
            ("delayMs", self.delay_ms.into()),
            (
                "timeoutMs",
                self.timeout_ms.map_or(JsValue::NULL, JsValue::from),
            ),
            ("generation", self.generation.into()),
        ])
        .into()
    }

    pub(crate) fn decode(message: &JsValue) -> Option<Run> {
        if field(message, "type").as_string()? != "run" {
            return None;
        }
        let timeout = field(message, "timeoutMs");
        Some(Run {
            run: whole(message, "run")? as u32,
            count: whole(message, "count")? as u32,
            delay_ms: field(message, "delayMs").as_f64()?,
            timeout_ms: if timeout.is_null() {
                None
            } else {
                Some(timeout.as_f64()?)
            },
            generation: field(message, "generation").as_f64()? as i32,
        })
    }
}

impl FromWorker {
    pub(crate) fn encode(&self) -> JsValue {
        match self {
            FromWorker::Call { id, request } => plain_object(&[
                ("type", "call".into()),
                ("id", (*id).into()),
                ("request", request.clone()),
            ]),
            FromWorker::Result {
                run,
                index,
                outcome,
                blocked_ms,
            } => {
                let (value, name, message) = match outcome {
                    Ok(value) => (value.clone(), JsValue::NULL, JsValue::NULL),
                    Err((name, message)) => (JsValue::UNDEFINED, name.into(), message.into()),
                };
                plain_object(&[
                    ("type", "result".into()),
                    ("run", (*run).into()),
                    ("index", (*index).into()),
                    ("value", value),
                    ("errorName", name),
                    ("errorMessage", message),
                    ("blockedMs", (*blocked_ms).into()),
                ])
            }
            FromWorker::Done { run } => {
                plain_object(&[("type", "done".into()), ("run", (*run).into())])
            }
            FromWorker::Crashed { message } => {
                plain_object(&[("type", "crashed".into()), ("message", message.into())])
            }
        }
        .into()
    }

    pub(crate) fn decode(message: &JsValue) -> Option<FromWorker> {
        match field(message, "type").as_string()?.as_str() {
            "call" => Some(FromWorker::Call {
                id: whole(message, "id")? as i32,
                request: field(message, "request"),
            }),
            "result" => {
                let name = field(message, "errorName");
                let outcome = match name.as_string() {
                    Some(name) => Err((name, field(message, "errorMessage").as_string()?)),
                    None => Ok(field(message, "value")),
                };
                Some(FromWorker::Result {
                    run: whole(message, "run")? as u32,
                    index: whole(message, "index")? as u32,
                    outcome,
                    blocked_ms: field(message, "blockedMs").as_f64()?,
                })
            }
            "done" => Some(FromWorker::Done {
                run: whole(message, "run")? as u32,
            }),
            "crashed" => Some(FromWorker::Crashed {
                message: field(message, "message").as_string()?,
            }),
            _ => None,
        }
    }
}

/// `message[key]` if it is a whole number from 0 to 2^31 - 1.
fn whole(message: &JsValue, key: &str) -> Option<f64> {
    let n = field(message, key).as_f64()?;
    (n.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&n)).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn runs_survive_encoding() {
        for timeout_ms in [None, Some(250.0)] {
            let run = Run {
                run: 3,
                count: 5,
                delay_ms: 300.0,
                timeout_ms,
                generation: 2,
            };
            assert_eq!(Run::decode(&run.encode()), Some(run));
        }
    }

    #[wasm_bindgen_test]
    fn worker_messages_survive_encoding() {
        for message in [
            FromWorker::Call {
                id: 7,
                request: "item 0".into(),
            },
            FromWorker::Result {
                run: 1,
                index: 2,
                outcome: Ok(JsValue::from("Done: item 2")),
                blocked_ms: 301.5,
            },
            FromWorker::Result {
                run: 1,
                index: 3,
                outcome: Err(("ValueError".into(), "bad".into())),
                blocked_ms: 12.0,
            },
            FromWorker::Done { run: 1 },
            FromWorker::Crashed {
                message: "boom".into(),
            },
        ] {
            assert_eq!(FromWorker::decode(&message.encode()), Some(message));
        }
    }

    #[wasm_bindgen_test]
    fn anything_else_is_not_a_message() {
        for bogus in [
            JsValue::UNDEFINED,
            JsValue::from("run"),
            plain_object(&[("type", "call".into()), ("id", (-1).into())]).into(),
            plain_object(&[("type", "done".into()), ("run", 1.5.into())]).into(),
            plain_object(&[("type", "run".into()), ("run", 1.into())]).into(),
        ] {
            assert_eq!(FromWorker::decode(&bogus), None);
            assert_eq!(Run::decode(&bogus), None);
        }
    }
}
