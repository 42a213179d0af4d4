// The script of the workers this package starts (wasm-pack target
// `bundler`): importing the glue beside it instantiates the module.
import { serveWorker } from './worker_main.js';

serveWorker(async () => {
  const glue = await import('./loopbridge_glue.js');
  return { counter: glue.__loopbridgeStartCounterHost, blocking: glue.__loopbridgeStartBlockingHost };
});
