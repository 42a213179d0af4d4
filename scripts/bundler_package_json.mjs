// The package.json of the `bundler` build (make build-npm-bundler): the
// published one (npm/package.json) without the Node build it does not carry.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
delete pkg.exports['.'].node;
pkg.files = [...pkg.files.filter((file) => !file.startsWith('node/')), 'loopbridge_glue_bg.js'];
pkg.description += ' (wasm-pack target `bundler`.)';
process.stdout.write(`${JSON.stringify(pkg, null, 2)}\n`);
