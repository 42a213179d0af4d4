// The size budget (part of `make test`): gzip -9 sizes of the release .wasm
// and its JS glue, for the full package (www/pkg, what npm and the page get)
// and the core build (`--no-default-features`: CounterWorker, the stream
// bridge and tasks). Exits 1 if a build is over its budget.
//
//   node scripts/size.mjs            checks www/pkg and target/pkg-core
//   import { packageSize } from ...  the same figures for other scripts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..');

/** The builds checked and their budgets, in bytes of gzip -9. */
export const BUDGETS = [
  { build: 'core (--no-default-features)', dir: 'target/pkg-core', wasmGzBudget: 23_000, totalGzBudget: 30_000 },
  { build: 'full package (default features)', dir: 'www/pkg', wasmGzBudget: 73_000, totalGzBudget: 87_000 },
];

const gzipped = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/** The package's JS files: wasm-bindgen's glue and the entry around it. */
const JS_FILES = ['loopbridge_glue.js', 'loopbridge.js', 'public_class.js'];

/** Raw and gzipped sizes of the .wasm and the JS of the package in `dir`. */
export function packageSize(dir) {
  const wasm = join(repoRoot, dir, 'loopbridge_glue_bg.wasm');
  const js = JS_FILES.map((file) => join(repoRoot, dir, file));
  const sizes = {
    wasm: readFileSync(wasm).length,
    wasmGz: gzipped(wasm),
    glue: js.reduce((sum, file) => sum + readFileSync(file).length, 0),
    glueGz: js.reduce((sum, file) => sum + gzipped(file), 0),
  };
  return { ...sizes, totalGz: sizes.wasmGz + sizes.glueGz };
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let over = false;
  console.log('| build | .wasm | .wasm gz | JS gz | total gz | budget (wasm gz / total gz) |');
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  for (const { build, dir, wasmGzBudget, totalGzBudget } of BUDGETS) {
    const size = packageSize(dir);
    const ok = size.wasmGz <= wasmGzBudget && size.totalGz <= totalGzBudget;
    over ||= !ok;
    console.log(`| ${build} | ${kb(size.wasm)} | ${kb(size.wasmGz)} | ${kb(size.glueGz)} | ${kb(size.totalGz)} | ${kb(wasmGzBudget)} / ${kb(totalGzBudget)} ${ok ? 'ok' : 'OVER'} |`);
  }
  if (over) {
    console.error('size budget exceeded: see the table above (twiggy top on the .wasm shows what grew)');
    process.exit(1);
  }
}
