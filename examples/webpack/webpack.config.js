import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// webpack 5 bundles the package's worker (it recognises the package's
// `new Worker(new URL('./worker.js', import.meta.url))`) and emits the wasm
// module as an asset (the glue's `new URL('loopbridge_glue_bg.wasm', ...)`).
// Serve dist/ with COOP/COEP for SharedArrayBuffer and BlockingWorker.
export default {
  mode: 'production',
  entry: './main.js',
  output: { path: join(here, 'dist'), filename: 'main.js', clean: true },
};
