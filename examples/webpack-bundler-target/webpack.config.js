import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// The `bundler` build imports its .wasm as an ES module: webpack 5 does
// that with asyncWebAssembly, on the page and in the package's worker.
// Serve dist/ with COOP/COEP for SharedArrayBuffer and BlockingWorker.
export default {
  mode: 'production',
  entry: './main.js',
  output: { path: join(here, 'dist'), filename: 'main.js', clean: true },
  experiments: { asyncWebAssembly: true },
};
