// Hostile input: every export of the package, and every method and getter
// of every exported class, called thousands of times with seeded,
// generated arguments (fuzz.mjs: undefined, NaN, ±Infinity, -0, huge and
// fractional numbers, BigInt, symbols, lone surrogates, markup, throwing
// getters, Proxies whose every trap throws, sparse and huge arrays, aborted
// and aborting signals, locked and errored streams, re-entrant callbacks...).
// Each call must return, or throw/reject a TypeError, a RangeError, or an
// error the API documents; never trap, hang or leak a Rust-internal error;
// and (feature `probe`) leave the shadow stack where it stood and the heap
// whole. It runs on four builds (`make fuzz-builds`, in www/fuzz/): default
// features (dlmalloc, what a Rust user gets) and talc, each release and
// debug, at least 25,000 calls each.
// Exports added after fuzz.mjs was written are found and fuzzed too, with
// anything, and held to the last rule only (the diagnostics name them).
//
// Replay a run: LOOPBRIDGE_FUZZ_SEED=<seed> node --test tests/e2e/hostile.test.mjs
// (the seed is in the test's name and diagnostics).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, serve } from './harness.mjs';
import {
  FORBIDDEN_MESSAGE, HEALTHY, fuzzInPage, fuzzSeed, healthCheckInPage, openBlank,
} from './fuzz.mjs';

const SEED = fuzzSeed();
const CALLS = 25000;
const BUILDS = ['default-release', 'default-debug', 'talc-release', 'talc-debug'];
const FUZZ = {
  seed: SEED,
  calls: CALLS,
  timeBudgetMs: 120000, // stop calling after this, whatever the count
  hangMs: 5000, // a Promise or stream step that takes longer is a hang
  threadHangMs: 10000, // ThreadCounter/BlockingWorker replies wait for a new worker to start
  forbidden: FORBIDDEN_MESSAGE.source,
};

/** The uncaught error of the known crash-vs-free race (see its todo test). */
const CRASH_RACING_FREE = /^error: Uncaught Error: the ThreadCounter worker was crashed on purpose \(simulateCrash\)$/;

let server;
let browser;
before(async () => {
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The health check's figures, compared with what a healthy module gives. */
async function assertHealthy(page, t, label, dir = '/pkg/') {
  const seen = await page.evaluate(healthCheckInPage, dir);
  t.diagnostic(`${label}: wasm memory ${seen.memoryBytes} bytes`);
  const { memoryBytes, ...checked } = seen;
  assert.deepEqual(checked, HEALTHY, `${label}: the module still works`);
}

for (const build of BUILDS) {
  test(`${build} build: fuzzed calls never trap, hang, leak a Rust-internal error or break wasm memory (seed ${SEED}; replay with LOOPBRIDGE_FUZZ_SEED=${SEED})`, async (t) => {
    const dir = `/fuzz/${build}/`;
    const context = await browser.newContext();
    const page = await openBlank(context, server.url);
    const result = await page.evaluate(fuzzInPage, { ...FUZZ, dir });

    t.diagnostic(`seed ${result.seed}: ${result.calls} calls in ${result.callingMs} ms (all settled after ${result.totalMs} ms)`);
    t.diagnostic(`instances created: ${JSON.stringify(result.created)}; valid-but-slow values lowered: ${result.lowered}`);
    for (const [outcome, n] of Object.entries(result.outcomes).sort((a, b) => b[1] - a[1])) {
      t.diagnostic(`  ${String(n).padStart(5)}  ${outcome}`);
    }
    t.diagnostic(`console.error lines: ${result.consoleErrors} (callbacks that threw, simulated crashes), e.g. ${JSON.stringify(result.consoleSample.slice(0, 2))}`);
    t.diagnostic(`slowest calls: ${JSON.stringify(result.slowest.slice(0, 3))}`);
    t.diagnostic(`wasm memory: ${result.memoryBefore} -> ${result.memoryAfter} bytes; stream producers left alive: ${result.producersAfter}`);
    if (result.lossy.length) {
      // Documented as "joined, the chunks are exactly the message"; a string that
      // is not well-formed UTF-16 comes back with U+FFFD instead (Rust strings are UTF-8).
      t.diagnostic(`note: messages with lone surrogates come back with U+FFFD: ${result.lossy.join(', ')}`);
    }

    t.diagnostic(`exports fuzzed with a spec: ${result.exports.specified.join(', ')}`);
    if (result.exports.generic.length) {
      // Added since this file was written: fuzzed with anything, checked for
      // traps, hangs and Rust-internal errors only. Give them a spec in fuzz.mjs.
      t.diagnostic(`exports fuzzed WITHOUT a spec: ${result.exports.generic.join(', ')}; their errors: ${JSON.stringify(result.unspecified)}`);
    }

    t.diagnostic(`probes after each call: ${JSON.stringify(result.probes)}`);
    const replay = `(${build}, seed ${SEED}; replay with LOOPBRIDGE_FUZZ_SEED=${SEED})`;
    assert.ok(result.calls >= CALLS, `at least ${CALLS} calls: ${result.calls}`);
    assert.ok(result.probes && result.probes.checks >= CALLS, `the build has the probes, checked after every call: ${JSON.stringify(result.probes)}`);
    assert.deepEqual(result.failures, [], `${result.failureCount} calls went wrong ${replay}`);
    assert.deepEqual(result.forbiddenConsole, [], `Rust-internal errors on the console ${replay}`);
    assert.deepEqual(result.panics, [], `loopbridgepanic events ${replay}`);
    // The caller's own errors may surface as uncaught (an async onTick
    // callback that rejects: its Promise is not awaited, as with any event
    // listener); a simulated worker crash racing free() is a known bug (see
    // the todo test below).
    const uncaught = result.uncaught.filter((line) => !line.includes('FuzzThrow') && !CRASH_RACING_FREE.test(line));
    if (uncaught.length !== result.uncaught.length) t.diagnostic(`uncaught, all the caller's own or the known crash/free race: ${JSON.stringify(result.uncaught)}`);
    assert.deepEqual(uncaught, [], `uncaught errors ${replay}`);
    assert.deepEqual(result.notes, [], `odd values seen by callbacks ${replay}`);
    assert.equal(result.producersAfter, 0, 'every stream producer was dropped');

    await assertHealthy(page, t, 'after the fuzz', dir);
    await context.close();
  });
}

/**
 * Calls every method and getter of every exported class on receivers that
 * are not live instances of it: a freed instance (and free() twice, which
 * does nothing), `{}`, `Object.create(Class.prototype)` and `undefined`.
 */
async function wrongThisInPage() {
  const m = await import('/pkg/demo.js');
  await m.default();
  const results = [];
  const call = (what, fn) => {
    try {
      const value = fn();
      if (value && typeof value.then === 'function') value.then(null, () => {});
      results.push({ what, outcome: 'returned', detail: typeof value });
    } catch (error) {
      const kind = error instanceof WebAssembly.RuntimeError ? 'WebAssembly.RuntimeError' : error?.constructor?.name ?? typeof error;
      results.push({ what, outcome: kind, detail: String(error?.message) });
    }
  };
  // Every exported class (new ones included), made with valid options.
  const classes = Object.keys(m).filter((name) => typeof m[name] === 'function'
    && /^class[\s{]/.test(Function.prototype.toString.call(m[name])));
  const OPTIONS = { BlockingWorker: { handler: () => 1 } };
  for (const name of classes) {
    const Class = m[name];
    const fresh = () => new Class(OPTIONS[name] ?? { name: 'wrong-this' });
    const receivers = {
      'a freed instance': () => {
        const instance = fresh();
        instance.free();
        return instance;
      },
      '{}': () => ({}),
      [`Object.create(${name}.prototype)`]: () => Object.create(Class.prototype),
      undefined: () => undefined,
    };
    const members = Object.getOwnPropertyNames(Class.prototype).filter((member) => member !== 'constructor');
    for (const [receiverName, receiver] of Object.entries(receivers)) {
      for (const member of members) {
        if (member === 'free' && receiverName === 'a freed instance') continue; // a no-op, below
        const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, member);
        const what = `${name}.prototype.${member}${descriptor.get ? ' (getter)' : '()'} on ${receiverName}`;
        call(what, () => (descriptor.get ? descriptor.get.call(receiver()) : descriptor.value.call(receiver(), () => {})));
      }
    }
    const disposed = fresh();
    disposed[Symbol.dispose]();
    const method = members.find((member) => typeof Object.getOwnPropertyDescriptor(Class.prototype, member).value === 'function' && member !== 'free');
    call(`${name}#${method}() after [Symbol.dispose]()`, () => disposed[method]());
    const twice = fresh();
    twice.free();
    results.push({ what: `${name}#free() twice`, outcome: 'free twice', detail: String(twice.free()) });
  }
  return results;
}

test('calls after free() and with a wrong `this` throw at once, never trap, and leave the module working', async (t) => {
  const context = await browser.newContext();
  const page = await openBlank(context, server.url);
  const results = await page.evaluate(wrongThisInPage);
  const tally = {};
  for (const { outcome, detail } of results) tally[`${outcome}: ${detail}`] = (tally[`${outcome}: ${detail}`] ?? 0) + 1;
  t.diagnostic(`${results.length} calls: ${JSON.stringify(tally)}`);
  assert.ok(results.length >= 100, `${results.length} calls`);
  assert.deepEqual(results.filter((r) => r.outcome === 'WebAssembly.RuntimeError'), [], 'no trap');
  assert.deepEqual(results.filter((r) => r.outcome === 'returned'), [], 'no call on a non-instance succeeds');
  const freedTwice = results.filter((r) => r.outcome === 'free twice');
  assert.ok(freedTwice.length >= 5, `every class freed twice (${freedTwice.map((r) => r.what)})`);
  assert.deepEqual(freedTwice.map((r) => r.detail), freedTwice.map(() => 'undefined'), 'free() of a freed object does nothing');
  await assertHealthy(page, t, 'after the wrong-this calls');
  await context.close();
});

// A method called after free(), or on an object that is not a live instance
// ({}, Object.create(Class.prototype), the wrong class), throws the entry's
// TypeError, checked in JS before wasm is entered: never anything else.
const WRONG_THIS = /^TypeError: \w+\.[\w ]+: called on an object that is not a live \w+/;

test('calls after free() and with a wrong `this` throw a TypeError that says so', async (t) => {
  const context = await browser.newContext();
  const page = await openBlank(context, server.url);
  const results = await page.evaluate(wrongThisInPage);
  await context.close();
  const wrong = results.filter((r) => r.outcome !== 'free twice' && !WRONG_THIS.test(`${r.outcome}: ${r.detail}`));
  const message = `${wrong.length} of ${results.length} calls threw something else, e.g. ${JSON.stringify(wrong.slice(0, 3))}`;
  t.diagnostic(message);
  assert.equal(wrong.length, 0, message);
});

/**
 * Each method and getter of each class called on a live instance of
 * another class: each class checks `this` against its own instances.
 */
async function crossClassInPage() {
  const m = await import('/pkg/demo.js');
  await m.default();
  const results = [];
  const names = Object.keys(m).filter((name) => typeof m[name] === 'function'
    && /^class[\s{]/.test(Function.prototype.toString.call(m[name])));
  const OPTIONS = { BlockingWorker: { handler: () => 1 } };
  for (const receiverName of names) {
    for (const name of names) {
      if (name === receiverName) continue;
      let receiver;
      try {
        receiver = new m[receiverName](OPTIONS[receiverName] ?? { name: 'cross', intervalMs: 50 });
      } catch (error) {
        // Memory an earlier call scribbled on can break even a constructor.
        const kind = error instanceof WebAssembly.RuntimeError ? 'WebAssembly.RuntimeError' : error?.constructor?.name;
        results.push({ what: `new ${receiverName}() after the calls above`, outcome: kind, detail: String(error?.message).slice(0, 80) });
        continue;
      }
      for (const member of Object.getOwnPropertyNames(m[name].prototype)) {
        if (['constructor', '__destroy_into_raw', 'free'].includes(member)) continue;
        const descriptor = Object.getOwnPropertyDescriptor(m[name].prototype, member);
        const what = `${name}.prototype.${member} on a ${receiverName}`;
        try {
          const value = descriptor.get ? descriptor.get.call(receiver) : descriptor.value.call(receiver, null);
          if (value && typeof value.then === 'function') value.then(null, () => {});
          results.push({ what, outcome: 'returned', detail: String(value).slice(0, 40) });
        } catch (error) {
          const kind = error instanceof WebAssembly.RuntimeError ? 'WebAssembly.RuntimeError' : error?.constructor?.name;
          results.push({ what, outcome: kind, detail: String(error?.message).slice(0, 80) });
        }
      }
      try {
        receiver.free(); // unharmed: nothing was left borrowed or overwritten
      } catch (error) {
        results.push({ what: `${receiverName}.free() after the calls`, outcome: 'free failed', detail: String(error?.message) });
      }
    }
  }
  return results;
}

test('a method called on an instance of another class is refused, and the instance is unharmed', async (t) => {
  const context = await browser.newContext();
  const page = await openBlank(context, server.url);
  let results;
  let timer;
  try {
    results = await Promise.race([
      page.evaluate(crossClassInPage),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('the page hung')), 30000); }),
    ]);
  } finally {
    clearTimeout(timer);
    await context.close();
  }
  const wrong = results.filter((r) => !WRONG_THIS.test(`${r.outcome}: ${r.detail}`));
  const traps = wrong.filter((r) => r.outcome === 'WebAssembly.RuntimeError').length;
  const message = `${wrong.length} of ${results.length} calls were not refused (${traps} traps), e.g. ${JSON.stringify(wrong.slice(0, 3))}`;
  t.diagnostic(message);
  assert.equal(wrong.length, 0, message);
});

/**
 * SharedCounter reads state written by other tabs: from localStorage and
 * from BroadcastChannel messages. Another tab may run an older version, or
 * the storage may be damaged; none of it may break this tab's counter.
 * For each stored value, and then for each broadcast message: a counter on
 * that state must construct, report sane values, and start and stop.
 */
async function sharedGarbageInPage({ stored, broadcast }) {
  const m = await import('/pkg/demo.js');
  await m.default();
  const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
  const problems = [];
  const consoleErrors = [];
  const originalError = console.error;
  console.error = (...args) => {
    consoleErrors.push(args.map(String).join(' '));
    originalError.apply(console, args);
  };
  const exercise = async (counter, label) => {
    const sane = () => {
      const { count, running, intervalMs, role } = counter;
      if (!(typeof count === 'number' && Number.isFinite(count) && count >= 0)) problems.push(`${label}: count ${count}`);
      if (typeof running !== 'boolean') problems.push(`${label}: running ${running}`);
      if (!(intervalMs >= 1 && intervalMs <= 2147483647)) problems.push(`${label}: intervalMs ${intervalMs}`);
      if (role !== 'leader' && role !== 'follower') problems.push(`${label}: role ${role}`);
    };
    sane();
    counter.stop();
    if (counter.running) problems.push(`${label}: running after stop()`);
    if (counter.start() !== true || !counter.running) problems.push(`${label}: start() did not start it`);
    await sleep(30);
    sane();
    if (counter.stop() !== true || counter.running) problems.push(`${label}: stop() did not stop it`);
    counter.reset();
    if (counter.count !== 0) problems.push(`${label}: count ${counter.count} after reset()`);
  };
  let n = 0;
  for (const value of stored) {
    n += 1;
    const name = `garbage-stored-${n}`;
    localStorage.setItem(`loopbridge.shared-counter.${name}`, value);
    try {
      const counter = new m.SharedCounter({ name, intervalMs: 5 });
      await sleep(20);
      await exercise(counter, `stored ${value.slice(0, 80)}`);
      counter.free();
    } catch (error) {
      problems.push(`stored ${value.slice(0, 80)}: ${error?.name}: ${error?.message}`);
    }
  }
  for (const message of broadcast) {
    n += 1;
    const name = `garbage-broadcast-${n}`;
    try {
      const counter = new m.SharedCounter({ name, intervalMs: 5 });
      const channel = new BroadcastChannel(`loopbridge.shared-counter.${name}`);
      channel.postMessage(message);
      await sleep(30);
      await exercise(counter, `broadcast ${JSON.stringify(message)}`);
      channel.close();
      counter.free();
    } catch (error) {
      problems.push(`broadcast ${JSON.stringify(message)}: ${error?.name}: ${error?.message}`);
    }
  }
  console.error = originalError;
  return { problems, consoleErrors, checked: stored.length + broadcast.length };
}

const now = Date.now();
const state = (fields) => ({
  running: true, epochMs: now, stoppedCount: 0, intervalMs: 5, version: now + 1000, writer: 0.5, ...fields,
});
const DAMAGED = {
  stored: [
    '', 'not json', '{', 'null', 'true', '42', '"a string"', '[]', '[1,2,3]', '{}',
    '{"running":"yes"}', '{"running":true}', JSON.stringify({ ...state({}), epochMs: null }),
    JSON.stringify(state({ intervalMs: 0 })), JSON.stringify(state({ intervalMs: -5 })),
    JSON.stringify(state({ intervalMs: 1e300 })), JSON.stringify(state({ stoppedCount: -1 })),
    JSON.stringify(state({ version: 'x' })), JSON.stringify(state({ writer: null })),
    '{"running":true,"epochMs":1e999}', '{"__proto__":{"running":true}}',
    'x'.repeat(100000), '\uD800', '<img src=x onerror="window.__pwned=1">',
    // Decodable but extreme: far past or future start, a huge stopped count.
    JSON.stringify(state({ epochMs: -1e308 })), JSON.stringify(state({ epochMs: 1e308 })),
    JSON.stringify(state({ running: false, stoppedCount: 1e308 })),
    JSON.stringify(state({ intervalMs: 1 })), JSON.stringify(state({ intervalMs: 2147483647 })),
    JSON.stringify(state({ version: -1e308 })), JSON.stringify(state({ version: 0, writer: 0 })),
  ],
  broadcast: [
    null, 0, 'state', [], {}, { type: 'state' }, { type: 'state', state: null },
    { type: 'state', state: 'x' }, { type: 'state', state: { running: 1 } },
    { type: 'state', state: state({ intervalMs: 0 }) }, { type: 'state', state: state({ epochMs: NaN }) },
    { type: 'state', state: state({ epochMs: -1e308 }) }, { type: 'state', state: state({ stoppedCount: 1e308, running: false }) },
    { type: 'tick' }, { type: 'tick', count: NaN }, { type: 'tick', count: -1 }, { type: 'tick', count: 1e308 },
    { type: 'tick', count: 'five' }, { type: 'unknown', count: 1 }, { type: 42 },
  ],
};

test('damaged or extreme SharedCounter state from other tabs (localStorage, BroadcastChannel) never breaks a counter', async (t) => {
  const context = await browser.newContext();
  const page = await openBlank(context, server.url);
  const result = await page.evaluate(sharedGarbageInPage, DAMAGED);
  t.diagnostic(`${result.checked} stored values and messages; console.error lines: ${result.consoleErrors.length}`);
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.consoleErrors.filter((line) => FORBIDDEN_MESSAGE.test(line)), []);
  assert.equal(await page.evaluate(() => globalThis.__pwned), undefined);
  await assertHealthy(page, t, 'after the damaged states');
  await context.close();
});

test('a SharedCounter state with a version from the far future does not make the counter unstoppable', async (t) => {
  const context = await browser.newContext();
  const page = await openBlank(context, server.url);
  const result = await page.evaluate(sharedGarbageInPage, {
    stored: [JSON.stringify(state({ version: 1e16, writer: 1 }))],
    broadcast: [{ type: 'state', state: state({ version: Number.MAX_VALUE, writer: 1 }) }],
  });
  await context.close();
  t.diagnostic(JSON.stringify(result.problems));
  assert.deepEqual(result.problems, []);
});

test('a worker that fails while its ThreadCounter is freed does not raise an uncaught error in the page', async (t) => {
  const context = await browser.newContext();
  const page = await openBlank(context, server.url);
  const uncaught = await page.evaluate(async () => {
    const m = await import('/pkg/demo.js');
    await m.default();
    const errors = [];
    const onError = (event) => errors.push(String(event.message));
    globalThis.addEventListener('error', onError);
    for (let i = 0; i < 3; i += 1) {
      const thread = new m.ThreadCounter({ intervalMs: 50 });
      await thread.start();
      thread.simulateCrash();
      thread.free();
      await new Promise((resolve) => { setTimeout(resolve, 500); });
    }
    globalThis.removeEventListener('error', onError);
    return errors;
  });
  await context.close();
  t.diagnostic(JSON.stringify(uncaught));
  assert.deepEqual(uncaught, []);
});

// Note (not a failure here, the fuzzer lowers it): countStream enqueues up to
// highWaterMark numbers synchronously per pull, and accepts any highWaterMark
// up to 2147483647. countStream(Number.MAX_SAFE_INTEGER, { highWaterMark: 4e6 })
// blocks the page for about a second before the first read settles, even
// with no reader (the stream pulls on creation); with 2147483647 it would
// freeze the tab for minutes and exhaust its memory.
