//! A dedicated module worker that runs this same package, from start to end.
//! Its entry script (`worker_entry.js`, shipped as a snippet beside the glue,
//! so it is a same-origin file under the page's CSP) imports the glue the
//! page loaded, instantiates the module the page already compiled, and starts
//! a Rust host. The page side listens to it through [`listen`] and ends it
//! with [`terminate_quietly`].

use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::output::plain_object;

#[wasm_bindgen]
extern "C" {
    type ImportMeta;
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
}

#[wasm_bindgen(module = "/src/offthread/worker_errors.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = swallowError)]
    static SWALLOW_ERROR: js_sys::Function;
}

/// Starts a worker named `name` and sends it the `init` message: the glue's
/// URL, the compiled module, the `host` export to start (`__loopbridgeStartCounterHost`,
/// `__loopbridgeStartBlockingHost`) and `fields` for that host.
pub(crate) fn spawn(name: &str, host: &str, fields: &[(&str, JsValue)]) -> Result<Worker, JsValue> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    options.set_name(name);
    let script = wasm_bindgen::link_to!(module = "/src/offthread/worker_entry.js");
    let worker = Worker::new_with_options(&script, &options)?;
    let mut init = vec![
        ("type", JsValue::from("init")),
        ("glueUrl", IMPORT_META.with(ImportMeta::url).into()),
        ("module", wasm_bindgen::module()),
        ("host", host.into()),
    ];
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
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
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
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        on_error(event.message());
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    WorkerHandlers {
        _on_message: on_message,
        _on_error: on_error,
    }
}

/// Ends `worker` for good: no more messages reach its handlers, and an
/// error it had already queued is not reported as uncaught.
pub(crate) fn terminate_quietly(worker: &Worker) {
    worker.set_onmessage(None);
    SWALLOW_ERROR.with(|swallow| worker.set_onerror(Some(swallow)));
    worker.terminate();
}
