// loopbridge for Node (wasm-pack target `nodejs`; the package's `node`
// export condition). The CommonJS glue beside this file instantiates the
// module synchronously when it is loaded, so `init()` and `initSync()` only
// keep code written for the browser build working. CounterWorker and its
// streams work; Node has no Web Workers and no localStorage, so
// ThreadCounter, BlockingWorker and SharedCounter throw an Error saying so.
import glue from './loopbridge_glue.js';
import { packageApi } from '../api.js';

export default async function init() {}

export function initSync() {}

export const {
  CounterWorker, ThreadCounter, SharedCounter, BlockingWorker, LoopMonitor, gather,
} = packageApi(glue, undefined);
