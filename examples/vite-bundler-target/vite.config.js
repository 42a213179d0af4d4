import { defineConfig } from 'vite';
import wasm from 'vite-plugin-wasm';

// COOP/COEP make the page cross-origin isolated (SharedArrayBuffer, BlockingWorker).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The `bundler` build imports its .wasm as an ES module: vite-plugin-wasm
// makes that work, on the page and in the package's worker.
export default defineConfig({
  plugins: [wasm()],
  server: { headers: isolation, fs: { allow: ['..'] } }, // ../checks is shared by the examples
  preview: { headers: isolation },
  optimizeDeps: { exclude: ['loopbridge'] },
  worker: { format: "es", plugins: () => [wasm()] },
  build: { target: 'es2022' },
});
