// esbuild bundles the page; it leaves the package's worker
// (`new Worker(new URL('./worker.js', import.meta.url))`) and the glue's
// `new URL('loopbridge_glue_bg.wasm', import.meta.url)` as they are, so the
// usual copy step puts those files beside the bundle: the worker's script,
// what it imports, and the wasm module.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import * as esbuild from 'esbuild';

const pkg = 'node_modules/loopbridge';
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
await esbuild.build({
  entryPoints: ['main.js'],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  outdir: 'dist',
});
for (const file of ['worker.js', 'worker_main.js', 'loopbridge_glue.js', 'loopbridge_glue_bg.wasm', 'snippets']) {
  cpSync(`${pkg}/${file}`, `dist/${file}`, { recursive: true });
}
cpSync('index.html', 'dist/index.html');
