// Makes the package's Node build (make build-npm) share the web build's
// module and snippets instead of carrying copies: wasm-pack's nodejs target
// writes the same .wasm (checked here, byte for byte) and the same ES-module
// snippets, so its CommonJS glue in node/ is pointed one folder up, and the
// copies are removed. Fails if the glue no longer has the paths it rewrites.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const node = process.argv[2];
const web = join(node, '..');
const glue = join(node, 'loopbridge_glue.js');

const same = readFileSync(join(node, 'loopbridge_glue_bg.wasm')).equals(readFileSync(join(web, 'loopbridge_glue_bg.wasm')));
if (!same) throw new Error('the nodejs and web builds made different .wasm files: the Node build cannot share the module');

let source = readFileSync(glue, 'utf8');
for (const [from, to] of [
  ['`${__dirname}/loopbridge_glue_bg.wasm`', '`${__dirname}/../loopbridge_glue_bg.wasm`'],
  // the requires only: the import object's keys name the wasm's own imports
  ['require(String.raw`./snippets/', 'require(String.raw`../snippets/'],
  ['require("./snippets/', 'require("../snippets/'],
]) {
  if (!source.includes(from)) throw new Error(`${glue} has no ${from} to rewrite: has wasm-bindgen's nodejs output changed?`);
  source = source.replaceAll(from, to);
}
writeFileSync(glue, source);
for (const copy of ['loopbridge_glue_bg.wasm', 'loopbridge_glue_bg.wasm.d.ts', 'snippets']) {
  rmSync(join(node, copy), { recursive: true, force: true });
}
