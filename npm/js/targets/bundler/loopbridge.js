// loopbridge: the package's entry and its whole API (wasm-pack target
// `bundler`: the bundler instantiates the module when the glue is imported,
// so `init()` and `initSync()` only keep code written for the `web` build
// working). The wasm-bindgen glue (`loopbridge_glue.js`) is internal.
import * as glue from './loopbridge_glue.js';
import { packageApi } from './api.js';
import { startWorker } from './workers.js';

export default async function init() {}

export function initSync() {}

export const {
  CounterWorker, ThreadCounter, SharedCounter, BlockingWorker, LoopMonitor, gather,
} = packageApi(glue, startWorker);
