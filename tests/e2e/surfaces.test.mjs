// Three surfaces, each exactly what its audience needs (make build, build-npm
// and build-rust-user first; `make test` does):
//
// - a Rust program that depends on the library exports its own items and
//   nothing of loopbridge's, and gets no panic hook or start function;
// - the npm package exports exactly the API its README (npm/README.md) lists, in JS and in
//   its .d.ts, both ways, and none of the demo's samples;
// - the demo page's module is the package plus the samples.
//
// Run in Node: the glue of a `--target web` build imports there as it is.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './harness.mjs';

const at = (...parts) => join(repoRoot, ...parts);
const importBuild = (...parts) => import(pathToFileURL(at(...parts)).href);
const sorted = (names) => [...new Set(names)].sort();

/** The names a .d.ts exports, split into values and types. */
function declaredExports(file) {
  const text = readFileSync(file, 'utf8');
  const values = [];
  const types = [];
  for (const [, kind, name] of text.matchAll(/^export (?:declare )?(function|class|const|interface|type|enum) (\w+)/gm)) {
    (kind === 'interface' || kind === 'type' ? types : values).push(name);
  }
  if (/^export default /m.test(text)) values.push('default');
  // (An interface merged into a class of the same name is the class.)
  // `export { a, type B } from '...'` lists.
  for (const [, list] of text.matchAll(/^export \{([^}]*)\} from/gm)) {
    for (const item of list.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [, isType, name] = item.match(/^(type )?(\w+)/);
      (isType ? types : values).push(name);
    }
  }
  return { values: sorted(values), types: sorted(types.filter((name) => !values.includes(name))) };
}

/** The backticked first cells of the table after `<!-- marker -->` in the
 *  package's README (npm/README.md, what npm shows). */
function readmeTable(marker) {
  const readme = readFileSync(at('npm', 'README.md'), 'utf8');
  const start = readme.indexOf(`<!-- ${marker} -->`);
  assert.notEqual(start, -1, `npm/README.md has no <!-- ${marker} --> table`);
  const rows = readme.slice(start).split('\n').slice(1);
  const names = [];
  for (const row of rows) {
    if (!row.startsWith('|')) {
      if (names.length) break;
      continue;
    }
    const first = row.split('|')[1].trim();
    const name = first.match(/^`(\w+)/)?.[1];
    if (name) names.push(name);
  }
  return sorted(names);
}

const SAMPLES = [
  'blockOn', 'busyWait', 'countStream', 'createFutureAndDrop', 'gatherSleeps', 'invokeAsync',
  'invokeAsyncStream', 'invokeSyncSteps', 'liveStreamProducers', 'simulatePanic', 'yieldingWork',
];

test('a Rust user of the library exports its own functions, nothing of loopbridge, and gets no panic hook', async () => {
  const glue = await importBuild('target', 'rust-user-pkg', 'rust_user.js');
  const own = ['countTo', 'default', 'initSync', 'panicNow'];
  assert.deepEqual(sorted(Object.keys(glue)), own);
  const types = declaredExports(at('target', 'rust-user-pkg', 'rust_user.d.ts'));
  assert.deepEqual(types.values, own);
  assert.deepEqual(types.types, ['InitInput', 'InitOutput', 'SyncInitInput']);

  // At the wasm level the library adds only the stream source's methods,
  // which the glue keeps to itself (the JS half of the stream bridge calls them).
  const module = new WebAssembly.Module(readFileSync(at('target', 'rust-user-pkg', 'rust_user_bg.wasm')));
  const wasmExports = WebAssembly.Module.exports(module).map((e) => e.name);
  const ours = wasmExports.filter((name) => !own.includes(name)
    && /loopbridge|counter|panic|tick/i.test(name)
    && !/loopbridgestreamsource_(free|fill|wait)$/.test(name));
  assert.deepEqual(ours, [], 'exports of loopbridge in the user\'s module');

  // It works: the library's Ticker and stream bridge, from the user's export.
  glue.initSync({ module });
  const counts = [];
  for await (const count of glue.countTo(3, 5)) counts.push(count);
  assert.deepEqual(counts, [1, 2, 3]);

  // No hook of loopbridge's: a panic is the RuntimeError and nothing else
  // (loopbridge's hook would log it and dispatch a loopbridgepanic event).
  const events = [];
  const logged = [];
  globalThis.addEventListener?.('loopbridgepanic', (event) => events.push(event));
  const consoleError = console.error;
  console.error = (...args) => logged.push(args.join(' '));
  try {
    assert.throws(() => glue.panicNow(), WebAssembly.RuntimeError);
  } finally {
    console.error = consoleError;
  }
  assert.deepEqual(events, []);
  assert.deepEqual(logged.filter((line) => /loopbridge/.test(line)), []);
});

test('the npm package exports exactly the API in its README, in JS and in its .d.ts', async () => {
  const documented = readmeTable('npm-exports');
  const documentedTypes = readmeTable('npm-types');
  const entry = await importBuild('target', 'npm-pkg', 'loopbridge.js');
  assert.deepEqual(sorted(Object.keys(entry)), documented, 'JS exports vs the README');
  const declared = declaredExports(at('target', 'npm-pkg', 'loopbridge.d.ts'));
  assert.deepEqual(declared.values, documented, '.d.ts values vs the README');
  assert.deepEqual(declared.types, documentedTypes, '.d.ts types vs the README');

  // The glue of the npm build has none of the demo's samples, and nothing
  // public but functions named as internal.
  const glue = await importBuild('target', 'npm-pkg', 'loopbridge_glue.js');
  for (const name of Object.keys(glue)) {
    assert.ok(['default', 'initSync'].includes(name) || name.startsWith('__loopbridge'), `glue export ${name}`);
  }
  for (const sample of SAMPLES) assert.equal(sample in glue, false, `${sample} in the npm package`);
});

test('the demo module is the npm package plus the page\'s samples', async () => {
  const npm = await importBuild('target', 'npm-pkg', 'loopbridge.js');
  const demo = await importBuild('www', 'pkg', 'demo.js');
  assert.deepEqual(sorted(Object.keys(demo)), sorted([...Object.keys(npm), ...SAMPLES]));
  const declared = declaredExports(at('www', 'pkg', 'demo.d.ts'));
  for (const sample of SAMPLES) assert.ok(declared.values.includes(sample), `${sample} in demo.d.ts`);
});
