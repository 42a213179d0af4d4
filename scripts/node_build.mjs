// Makes the package's Node build (make build-npm) share the web build's
// module and snippets instead of carrying copies: wasm-pack's nodejs target
// writes the same .wasm (checked here, byte for byte) and the same ES-module
// snippets, so its CommonJS glue in node/ is pointed one folder up, and the
// copies are removed. Fails if the glue no longer has the paths it rewrites.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const node = process.argv[2];
const web = join(node, '..');
const glue = join(node, 'loopbridge_glue.js');

const same = (a, b) => readFileSync(a).equals(readFileSync(b));
if (!same(join(node, 'loopbridge_glue_bg.wasm'), join(web, 'loopbridge_glue_bg.wasm'))) {
  throw new Error('the nodejs and web builds made different .wasm files: the Node build cannot share the module');
}
/** Every file under `dir`, as paths relative to it. */
const files = (dir, prefix = '') => readdirSync(join(dir, prefix)).flatMap((name) => {
  const path = join(prefix, name);
  return statSync(join(dir, path)).isDirectory() ? files(dir, path) : [path];
});
for (const file of files(join(node, 'snippets'))) {
  if (!existsSync(join(web, 'snippets', file)) || !same(join(node, 'snippets', file), join(web, 'snippets', file))) {
    throw new Error(`the Node build's snippet ${file} differs from the web build's`);
  }
}

let source = readFileSync(glue, 'utf8');
const wasmPath = '`${__dirname}/loopbridge_glue_bg.wasm`';
if (!source.includes(wasmPath)) throw new Error(`${glue} has no ${wasmPath} to rewrite: has wasm-bindgen's nodejs output changed?`);
source = source.replace(wasmPath, '`${__dirname}/../loopbridge_glue_bg.wasm`')
  // the requires only: the import object's keys name the wasm's own imports
  .replace(/require\((String\.raw)?([`"])\.\/snippets\//g, 'require($1$2../snippets/');
for (const [, path] of source.matchAll(/require\((?:String\.raw)?[`"]([^`"]+)[`"]\)/g)) {
  if (path.startsWith('./')) throw new Error(`${glue} still requires ${path} beside it`);
  if (path.startsWith('../') && !existsSync(join(node, path))) throw new Error(`${glue} requires ${path}, which the package lacks`);
}
writeFileSync(glue, source);
for (const copy of ['loopbridge_glue_bg.wasm', 'loopbridge_glue_bg.wasm.d.ts', 'snippets']) {
  rmSync(join(node, copy), { recursive: true, force: true });
}
