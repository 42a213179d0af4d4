// The size budget (part of `make test`): gzip -9 sizes of the release .wasm
// and its JS, for the three builds: a Rust program that uses the library
// (examples/rust-user), the npm package (npm/) and the demo page's module
// (demo/: the package plus the page's samples). Exits 1 if a build is over
// its budget.
//
//   node scripts/size.mjs            checks the three (make build build-npm build-rust-user first)
//   import { packageSize } from ...  the same figures for other scripts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..');

/** The builds checked and their budgets, in bytes of gzip -9. */
export const BUDGETS = [
  { build: 'Rust user (examples/rust-user)', dir: 'target/rust-user-pkg', name: 'rust_user', entry: [], wasmGzBudget: 17_000, totalGzBudget: 22_000 },
  { build: 'npm package (npm/)', dir: 'target/npm-pkg', wasmGzBudget: 72_000, totalGzBudget: 88_000 },
  { build: 'demo module (demo/)', dir: 'www/pkg', entry: ['loopbridge.js', 'api.js', 'public_class.js', 'workers.js', 'demo.js'], wasmGzBudget: 90_000, totalGzBudget: 108_000 },
];

const gzipped = (path) => gzipSync(readFileSync(path), { level: 9 }).length;

/** The package's entry around wasm-bindgen's glue. */
const PACKAGE_ENTRY = ['loopbridge.js', 'api.js', 'public_class.js', 'workers.js'];

/**
 * Raw and gzipped sizes of the .wasm and the JS of the build in `dir`: the
 * glue (`<name>.js`, `<name>_bg.wasm`) and the `entry` files around it.
 */
export function packageSize(dir, { name = 'loopbridge_glue', entry = PACKAGE_ENTRY } = {}) {
  const wasm = join(repoRoot, dir, `${name}_bg.wasm`);
  const js = [`${name}.js`, ...entry].map((file) => join(repoRoot, dir, file));
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
  for (const { build, dir, name, entry, wasmGzBudget, totalGzBudget } of BUDGETS) {
    const size = packageSize(dir, { name, entry });
    const ok = size.wasmGz <= wasmGzBudget && size.totalGz <= totalGzBudget;
    over ||= !ok;
    console.log(`| ${build} | ${kb(size.wasm)} | ${kb(size.wasmGz)} | ${kb(size.glueGz)} | ${kb(size.totalGz)} | ${kb(wasmGzBudget)} / ${kb(totalGzBudget)} ${ok ? 'ok' : 'OVER'} |`);
  }
  if (over) {
    console.error('size budget exceeded: see the table above (twiggy top on the .wasm shows what grew)');
    process.exit(1);
  }
}
