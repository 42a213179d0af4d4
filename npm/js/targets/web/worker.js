// The script of the workers this package starts (wasm-pack target `web`):
// it loads the glue beside it with the module the page compiled.
import { serveWorker } from './worker_main.js';

serveWorker(async (module) => {
  const glue = await import('./loopbridge_glue.js');
  await glue.default(module === undefined ? undefined : { module_or_path: module });
  return { counter: glue.__loopbridgeStartCounterHost, blocking: glue.__loopbridgeStartBlockingHost };
});
