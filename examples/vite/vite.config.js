import { defineConfig } from 'vite';

// COOP/COEP make the page cross-origin isolated (SharedArrayBuffer, BlockingWorker).
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  server: { headers: isolation, fs: { allow: ['..'] } }, // ../checks is shared by the examples
  preview: { headers: isolation },
  // Pre-bundling would move the package's files away from the wasm module
  // and worker script they find by `new URL(..., import.meta.url)`.
  optimizeDeps: { exclude: ['loopbridge'] },
  // The package's worker loads the glue with import(): an ES module worker.
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
