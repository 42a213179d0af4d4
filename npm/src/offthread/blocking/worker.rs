//! The worker's side: [`block_on_page`], a synchronous call of the page's
//! async function, and the host a `BlockingWorker`'s worker runs, whose sync
//! loop makes such calls one after another.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Reflect};
use loopbridge::now_ms;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::channel::{Answer, Channel};
use super::messages::{FromWorker, Run};
use super::{isolation_problem, name_and_message, BlockingError};
use crate::output::plain_object;

#[wasm_bindgen]
extern "C" {
    // js_sys's `JSON.parse` takes a Rust `&str`: this one takes the JS string as it is.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &js_sys::JsString) -> Result<JsValue, JsValue>;
}

/// This worker's end of the channel to the page.
struct Connection {
    scope: DedicatedWorkerGlobalScope,
    channel: Channel,
    next_id: Cell<i32>,
    /// The cancel generation the current run was started under.
    generation: Cell<i32>,
}

/// The worker's host: it lives as long as the worker (the page ends it with
/// `terminate()`).
struct Host {
    connection: Rc<Connection>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

fn connection() -> Option<Rc<Connection>> {
    HOST.with(|host| {
        host.borrow()
            .as_ref()
            .map(|host| Rc::clone(&host.connection))
    })
}

/// Calls the page's async function with `request` and blocks this worker's
/// thread until it answers: the Python original's `run_async(lambda: coro)`, i.e.
/// `executor.submit(...).result(timeout)`, for plain synchronous code in a
/// dedicated worker that a `BlockingWorker` started.
///
/// `request` goes to the page by `postMessage` (structured clone) and is
/// handed to the page's handler; the handler's value (or what its Promise
/// resolves to) comes back as **JSON text through a `SharedArrayBuffer`**,
/// since the worker cannot receive messages while it waits: what
/// `JSON.stringify` keeps arrives (`undefined` stays `undefined`), up to the
/// buffer's `maxAnswerBytes`. The worker sleeps in `Atomics.wait` meanwhile
/// (no spinning); the page stays free.
///
/// # Errors
///
/// - [`BlockingError::Failed`]: the handler threw or rejected (its name and
///   message), the answer could not be sent as JSON (a `TypeError`), or the
///   request could not be posted (a `DataCloneError`).
/// - [`BlockingError::TimedOut`] after `timeout`; a later answer is ignored.
/// - [`BlockingError::TooLarge`], [`BlockingError::Cancelled`].
/// - At once, without waiting: [`BlockingError::NotInWorker`] on the page's
///   main thread, [`BlockingError::NotIsolated`] without COOP/COEP,
///   [`BlockingError::NotConnected`] in a worker no `BlockingWorker` started.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
/// use loopbridge_npm::{block_on_page, BlockingError};
/// use wasm_bindgen::JsValue;
///
/// // Plain sync code in the worker, like `run_async(lambda: invoke_async("hi"))`.
/// fn greet() -> Result<JsValue, BlockingError> {
///     block_on_page(&JsValue::from("hi"), Some(Duration::from_secs(2)))
/// }
/// ```
pub fn block_on_page(
    request: &JsValue,
    timeout: Option<Duration>,
) -> Result<JsValue, BlockingError> {
    if js_sys::global()
        .dyn_ref::<DedicatedWorkerGlobalScope>()
        .is_none()
    {
        return Err(BlockingError::NotInWorker);
    }
    if let Some(problem) = isolation_problem() {
        return Err(problem);
    }
    let connection = connection().ok_or(BlockingError::NotConnected)?;
    connection.call(request, timeout)
}

impl Connection {
    fn call(&self, request: &JsValue, timeout: Option<Duration>) -> Result<JsValue, BlockingError> {
        let id = self.next_id.get();
        self.next_id.set(if id == i32::MAX { 1 } else { id + 1 });
        let deadline_ms = timeout.map(|t| now_ms() + t.as_secs_f64() * 1000.0);
        self.channel.expect(id);
        let call = FromWorker::Call {
            id,
            request: request.clone(),
        };
        if let Err(error) = self.scope.post_message(&call.encode()) {
            self.channel.expect(0);
            let (name, message) = name_and_message(&error);
            return Err(BlockingError::Failed { name, message });
        }
        let answer = self
            .channel
            .wait(id, self.generation.get(), deadline_ms)
            .map_err(|error| error.into_blocking_error(id, timeout))?;
        match answer {
            Answer::Undefined => Ok(JsValue::UNDEFINED),
            Answer::Json(text) => json_parse(&text).map_err(|error| {
                let (name, message) = name_and_message(&error);
                BlockingError::Failed { name, message }
            }),
            Answer::Error { name, message } => Err(BlockingError::Failed {
                name: name.into(),
                message: message.into(),
            }),
            Answer::TooLarge(bytes) => Err(BlockingError::TooLarge {
                bytes: bytes as usize,
                limit: self.channel.capacity() as usize,
            }),
        }
    }

    fn cancelled(&self) -> bool {
        self.channel.generation() != self.generation.get()
    }

    fn post(&self, message: FromWorker) {
        let _ = self.scope.post_message(&message.encode());
    }

    /// The sync loop the page asks for: `run.count` calls of the page's
    /// handler with `{ index, message: "item <index>", delayMs }`, each
    /// reported as it comes back. A cancel stops it, between calls or
    /// during a wait.
    fn run(&self, run: &Run) {
        self.generation.set(run.generation);
        // A timeout that is no duration (negative, NaN) means no limit.
        let timeout = run
            .timeout_ms
            .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok());
        for index in 0..run.count {
            if self.cancelled() {
                break;
            }
            let request = plain_object(&[
                ("index", index.into()),
                ("message", format!("item {index}").into()),
                ("delayMs", run.delay_ms.into()),
            ]);
            let started = now_ms();
            // The Python original's `result = run_async(lambda: invoke_async(f"item {i}"))`.
            let outcome = block_on_page(&request, timeout);
            let blocked_ms = now_ms() - started;
            if outcome == Err(BlockingError::Cancelled) {
                break;
            }
            self.post(FromWorker::Result {
                run: run.run,
                index,
                outcome: outcome.map_err(|error| {
                    let js = JsValue::from(error);
                    name_and_message(&js)
                }),
                blocked_ms,
            });
        }
        self.post(FromWorker::Done { run: run.run });
    }
}

/// Called by the worker's entry script once the module is loaded: `init` is
/// the page's first message (with `shared`, the channel's buffer), `queued`
/// the messages that arrived meanwhile.
///
/// # Errors
///
/// If this is not a dedicated worker, or `init` is malformed.
#[wasm_bindgen(js_name = __loopbridgeStartBlockingHost, skip_typescript)]
#[doc(hidden)]
pub fn start_blocking_host(init: JsValue, queued: Array) -> Result<(), JsValue> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().dyn_into().map_err(|_| {
        JsError::new("__loopbridgeStartBlockingHost runs only in a dedicated worker")
    })?;
    let channel = Channel::from_value(Reflect::get(&init, &"shared".into())?)
        .ok_or_else(|| JsError::new("init.shared must be the channel's SharedArrayBuffer"))?;
    let connection = Rc::new(Connection {
        scope: scope.clone(),
        channel,
        next_id: Cell::new(1),
        generation: Cell::new(0),
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        handle(&event.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    HOST.with(|host| {
        *host.borrow_mut() = Some(Host {
            connection,
            _on_message: on_message,
        })
    });
    for message in queued.iter() {
        handle(&message);
    }
    Ok(())
}

fn handle(message: &JsValue) {
    if let (Some(run), Some(connection)) = (Run::decode(message), connection()) {
        connection.run(&run);
    }
}
