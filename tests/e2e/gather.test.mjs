// The package's `gather` against a reference model (tests/gather/gather_model.mjs)
// in Node (the package's node build) and in Chromium (the page's build), and
// the inputs that try to break it: tasks that throw, thenables whose `then`
// throws, arrays whose proxy traps throw, wrong types, a signal that aborts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { launch, repoRoot, serve } from './harness.mjs';
import { checkGather } from '../gather/gather_model.mjs';

const node = await import(pathToFileURL(join(repoRoot, 'target', 'npm-pkg', 'node', 'loopbridge.mjs')));
const { gather } = node;

test('Node: 2,000 random runs match the model', async () => {
  assert.deepEqual(await checkGather(gather, { seed: 20261204, cases: 2000 }), []);
});

let browser;
let server;
before(async () => {
  browser = await launch();
  server = await serve(['--root', repoRoot]);
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('Chromium: 2,000 random runs match the model', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}tests/gather/gather_model.mjs`); // any page of the origin
    const failures = await page.evaluate(async () => {
      const loopbridge = await import('/www/pkg/loopbridge.js');
      const { checkGather: check } = await import('/tests/gather/gather_model.mjs');
      await loopbridge.default();
      return check(loopbridge.gather, { seed: 4121, cases: 2000 });
    });
    assert.deepEqual(failures, []);
  } finally {
    await page.close();
  }
});

test('results have Promise.allSettled\'s shape, with times, in input order', async () => {
  const sleep = (ms, value) => new Promise((resolve) => setTimeout(resolve, ms, value));
  const results = await gather([() => sleep(30, 'a'), () => sleep(10, 'b'), () => 'c']);
  assert.deepEqual(results.map(({ index, status, value }) => ({ index, status, value })), [
    { index: 0, status: 'fulfilled', value: 'a' },
    { index: 1, status: 'fulfilled', value: 'b' },
    { index: 2, status: 'fulfilled', value: 'c' },
  ]);
  assert.ok(results.every((r) => r.startMs >= 0 && r.endMs >= r.startMs));
  assert.ok(results[0].endMs > results[1].endMs, 'concurrent: the 30 ms task ends last');
  const sequential = await gather([() => sleep(20), () => sleep(20)], { mode: 'sequential' });
  assert.ok(sequential[1].startMs >= sequential[0].endMs);
});

test('a task that throws, or whose thenable or promise throws, fails alone', async () => {
  const thrown = new Error('sync');
  const fromThen = new Error('then');
  const fromConstructor = new Error('constructor');
  const promise = Promise.resolve(1);
  Object.defineProperty(promise, 'constructor', { get() { throw fromConstructor; } });
  const results = await gather([
    () => { throw thrown; },
    () => ({ then() { throw fromThen; } }),
    () => promise,
    () => 4,
  ]);
  // (resolving with that promise calls its then(), which reads `constructor`)
  assert.deepEqual(results.map((r) => r.reason ?? r.value), [thrown, fromThen, fromConstructor, 4]);
});

test('failFast aborts the running tasks with an AbortError and says which task failed', async () => {
  const signals = [];
  const failure = new Error('no');
  const slow = (signal) => {
    signals.push(signal);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 10000);
      signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); });
    });
  };
  const started = performance.now();
  const error = await gather([slow, () => Promise.reject(failure), slow], { onError: 'failFast' }).catch((e) => e);
  assert.ok(performance.now() - started < 5000, 'did not wait for the slow tasks');
  assert.equal(error.name, 'GatherError');
  assert.equal(error.index, 1);
  assert.equal(error.cause, failure);
  assert.match(error.message, /^gather: task 1 failed: no$/);
  assert.deepEqual(error.results.map((r) => r.status), ['cancelled', 'rejected', 'cancelled']);
  assert.ok(signals.every((s) => s.aborted && s.reason.name === 'AbortError'));
});

test('the caller\'s signal: its reason rejects the run and reaches the running tasks', async () => {
  let seen;
  const task = (signal) => new Promise((resolve) => {
    seen = signal;
    signal.addEventListener('abort', () => resolve('aborted'));
  });
  const timeout = await gather([task], { signal: AbortSignal.timeout(20) }).catch((e) => e);
  assert.equal(timeout.name, 'TimeoutError');
  assert.equal(seen.reason, timeout);
  const reason = new Error('already');
  let called = false;
  const controller = new AbortController();
  controller.abort(reason);
  assert.equal(await gather([() => { called = true; }], { signal: controller.signal }).catch((e) => e), reason);
  assert.equal(called, false, 'no task starts under an aborted signal');
});

test('the caller\'s signal: a genuine one whose own getters were redefined can neither throw nor lie', async () => {
  // gather reads a signal with AbortSignal.prototype's getters, saved when
  // it loaded, so own properties that throw change nothing.
  const lying = new AbortController();
  Object.defineProperty(lying.signal, 'aborted', { get() { throw new Error('aborted getter'); } });
  Object.defineProperty(lying.signal, 'reason', { get() { throw new Error('reason getter'); } });
  const seen = await gather([() => 'ok'], { signal: lying.signal });
  assert.equal(seen[0].value, 'ok');
  const stopping = gather([(signal) => new Promise((resolve) => { signal.onabort = resolve; })], { signal: lying.signal });
  const why = new Error('stop');
  lying.abort(why);
  assert.equal(await stopping.catch((e) => e), why);
});

test('no task starts once the caller has aborted, even from inside an earlier task', async () => {
  const controller = new AbortController();
  const why = new Error('enough');
  const called = [];
  const task = (i) => () => {
    called.push(i);
    if (i === 1) controller.abort(why);
    return i;
  };
  assert.equal(await gather([task(0), task(1), task(2), task(3)], { signal: controller.signal }).catch((e) => e), why);
  assert.deepEqual(called, [0, 1]);
});

test('bad arguments reject with TypeError or RangeError, and gather still works', async () => {
  const trap = new Error('trap');
  const proxy = new Proxy([() => 1], { get(target, key) { if (key === '0') throw trap; return target[key]; } });
  const cases = [
    [undefined, undefined, TypeError, /gather: tasks must be an array of functions, got undefined/],
    [[() => 1, 5], undefined, TypeError, /gather: tasks\[1\] must be a function, got the number 5/],
    [{ length: 1, 0: () => 1 }, undefined, TypeError, /must be an array of functions/],
    [new Array(100001).fill(() => 1), undefined, RangeError, /at most 100000 functions/],
    [[], 5, TypeError, /gather: options must be an object/],
    [[], { mode: 'parallel' }, TypeError, /gather: mode/],
    [[], { onError: 'ignore' }, TypeError, /gather: onError/],
    [[], { signal: {} }, TypeError, /gather: signal/],
  ];
  for (const [tasks, options, type, message] of cases) {
    const error = await gather(tasks, options).catch((e) => e);
    assert.ok(error instanceof type, `${message}: got ${error}`);
    assert.match(error.message, message);
  }
  assert.equal(await gather(proxy).catch((e) => e), trap, 'a throwing trap rejects with its own error');
  assert.deepEqual((await gather([() => 1])).map((r) => r.value), [1]);
});
