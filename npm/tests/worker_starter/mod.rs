//! The tests' [`WorkerStarter`]: the package's own worker logic
//! (`npm/js/worker_main.js`) in a worker that loads the test's glue, found
//! by URL (the package's `worker.js` finds it beside itself instead).

use loopbridge_npm::WorkerStarter;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    type ImportMeta;
    #[wasm_bindgen(thread_local_v2, js_namespace = import, js_name = meta)]
    static IMPORT_META: ImportMeta;
    #[wasm_bindgen(method, getter)]
    fn url(this: &ImportMeta) -> String;
}

#[wasm_bindgen(module = "/tests/worker_starter/start.js")]
extern "C" {
    #[wasm_bindgen(js_name = testWorkerStarter)]
    fn test_worker_starter(script: &str, glue: &str) -> js_sys::Function;
}

/// Starts workers that run the test's own module, as the package's
/// `worker.js` would.
pub fn test_starter() -> WorkerStarter {
    // Copied beside the worker's script, so that its relative import of
    // ../../js/worker_main.js resolves.
    let _ = wasm_bindgen::link_to!(module = "/js/worker_main.js");
    let script = wasm_bindgen::link_to!(module = "/tests/worker_starter/worker.js");
    WorkerStarter::new(test_worker_starter(
        &script,
        &IMPORT_META.with(ImportMeta::url),
    ))
}
