// loopbridge: the package's entry and its whole API (wasm-pack target `web`:
// browsers and bundlers). The wasm-bindgen glue (`loopbridge_glue.js`) is
// internal: its classes are not exported, and its `__loopbridge...`
// functions exist only for this file and for the workers.
import * as glue from './loopbridge_glue.js';
import { packageApi } from './api.js';
import { startWorker } from './workers.js';

export { default, initSync } from './loopbridge_glue.js';

export const {
  CounterWorker, ThreadCounter, SharedCounter, BlockingWorker, LoopMonitor, gather,
} = packageApi(glue, startWorker);
