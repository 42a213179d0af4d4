//! A dedicated module worker that runs this same package. Its entry script
//! (`worker_entry.js`, shipped as a snippet beside the glue, so it is a
//! same-origin file under the page's CSP) imports the glue the page loaded,
//! instantiates the module the page already compiled, and starts a Rust host.

use wasm_bindgen::prelude::*;
use web_sys::{Worker, WorkerOptions, WorkerType};

use crate::output::plain_object;

#[wasm_bindgen]
extern "C" {
    type ImportMeta;
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
}

/// Starts a worker named `name` and sends it the `init` message: the glue's
/// URL, the compiled module, the `host` export to start (`startCounterHost`,
/// `startBlockingHost`) and `fields` for that host.
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
