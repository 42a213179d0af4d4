//! A dedicated module worker that runs this same package, from start to end.
//!
//! The package entry starts it (`npm/js/workers.js`: the literal
//! `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })`
//! that bundlers recognise and bundle as a worker of its own) and hands that
//! starter in as a [`WorkerStarter`]; the worker's script imports the glue
//! relatively. This side sends the `init` message: which host to start, what
//! it needs and, with the `share-module` feature, the module the page
//! already compiled. The page side listens through [`listen`] and ends the
//! worker with [`terminate_quietly`].

use js_sys::Function;
use loopbridge::__private::describe;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

use crate::output::plain_object;

#[wasm_bindgen(module = "/src/offthread/worker_errors.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = swallowError)]
    static SWALLOW_ERROR: js_sys::Function;
}

/// Starts the workers that run this package: a JS function that returns a
/// new module `Worker` running the package's worker script. The package
/// entry supplies it (`npm/js/workers.js`), written the way bundlers
/// recognise a worker; a Rust test or host page can supply its own.
#[derive(Clone, Debug)]
pub struct WorkerStarter(Function);

impl WorkerStarter {
    /// The starter `start`: called with no arguments, it returns a new
    /// `Worker` whose script runs `serveWorker` (`npm/js/worker_main.js`).
    pub fn new(start: Function) -> WorkerStarter {
        WorkerStarter(start)
    }

    /// The starter that the package entry passed to `class`'s constructor:
    /// an `Error` saying what is missing where this JS runtime has no Web
    /// Workers or the entry has no starter (the Node build), a `TypeError`
    /// if `value` is not a function.
    pub(crate) fn from_entry(value: &JsValue, class: &str) -> Result<WorkerStarter, JsValue> {
        if value.is_undefined() || !has_workers() {
            return Err(js_sys::Error::new(&no_workers(class)).into());
        }
        match value.dyn_ref::<Function>() {
            Some(start) => Ok(WorkerStarter(start.clone())),
            None => Err(js_sys::TypeError::new(&format!(
                "{class}: the worker starter must be a function, got {} (construct it through the \
                 package entry)",
                describe(value)
            ))
            .into()),
        }
    }
}

/// Whether this JS runtime has Web Workers (browsers do, Node does not).
pub(crate) fn has_workers() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"Worker".into())
        .is_ok_and(|worker| worker.is_function())
}

/// Why `class` cannot work in a JS runtime without Web Workers.
pub(crate) fn no_workers(class: &str) -> String {
    format!(
        "{class} needs Web Workers (a browser), and this JS runtime has no Worker; \
         CounterWorker and its streams work here"
    )
}

/// The worker host an `init` message starts (the worker script maps it to
/// the glue's `__loopbridgeStart...Host` export).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Host {
    Counter,
    Blocking,
}

/// Starts a worker with `starter` and sends it the `init` message: the
/// `host` to start, `fields` for that host and (`share-module`) the
/// compiled module.
pub(crate) fn spawn(
    starter: &WorkerStarter,
    host: Host,
    fields: &[(&str, JsValue)],
) -> Result<Worker, JsValue> {
    let started = starter.0.call0(&JsValue::UNDEFINED)?;
    let worker: Worker = started.dyn_into().map_err(|value| {
        js_sys::TypeError::new(&format!(
            "the worker starter returned {}, not a Worker",
            describe(&value)
        ))
    })?;
    let host = match host {
        Host::Counter => "counter",
        Host::Blocking => "blocking",
    };
    let mut init = vec![("type", JsValue::from("init")), ("host", host.into())];
    #[cfg(feature = "share-module")]
    init.push(("module", wasm_bindgen::module()));
    init.extend(fields.iter().cloned());
    if let Err(error) = worker.post_message(&plain_object(&init)) {
        worker.terminate(); // nothing else would end it
        return Err(error);
    }
    Ok(worker)
}

/// A worker's `onmessage` and `onerror` handlers, owned by the object that
/// listens; they stay set until [`terminate_quietly`].
pub(crate) struct WorkerHandlers {
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Hands each message's data from `worker` to `on_message`, and each error
/// (kept from reaching the page as uncaught) to `on_error` with its message.
pub(crate) fn listen(
    worker: &Worker,
    mut on_message: impl FnMut(JsValue) + 'static,
    mut on_error: impl FnMut(String) + 'static,
) -> WorkerHandlers {
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        on_message(event.data());
    });
    let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        event.prevent_default();
        on_error(error_message(&event));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    WorkerHandlers {
        _on_message: on_message,
        _on_error: on_error,
    }
}

/// What a worker's `error` event says: the uncaught error's message, or,
/// for the plain `Event` a browser fires when the worker's script itself
/// cannot load, the likely causes.
fn error_message(event: &Event) -> String {
    let message = event
        .dyn_ref::<ErrorEvent>()
        .map(ErrorEvent::message)
        .unwrap_or_default();
    match message.is_empty() {
        false => message,
        true => "the worker's script could not be loaded or run (not found, served with a \
                 non-JavaScript MIME type, refused by a Content-Security-Policy, or a syntax \
                 error); the browser's console has the details"
            .to_owned(),
    }
}

/// Ends `worker` for good: no more messages reach its handlers, and an
/// error it had already queued is not reported as uncaught.
pub(crate) fn terminate_quietly(worker: &Worker) {
    worker.set_onmessage(None);
    SWALLOW_ERROR.with(|swallow| worker.set_onerror(Some(swallow)));
    worker.terminate();
}
