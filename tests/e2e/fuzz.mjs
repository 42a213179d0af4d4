// Helpers for the hardening tests (hostile.test.mjs, longrun.test.mjs,
// security.test.mjs): a blank page on the server's origin, the fuzz seed, and
// the in-page fuzzer itself. The fuzzer runs inside the page (page.evaluate),
// so `fuzzInPage` must stay self-contained: it may use nothing from this file.

/** The seed: LOOPBRIDGE_FUZZ_SEED (decimal or 0x-hex) or a fixed default. */
export const DEFAULT_SEED = 0x10095eed;
export function fuzzSeed() {
  const given = process.env.LOOPBRIDGE_FUZZ_SEED;
  if (given === undefined || given === '') return DEFAULT_SEED;
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`LOOPBRIDGE_FUZZ_SEED must be an integer from 0 to 2^32-1, got ${given}`);
  }
  return seed;
}

/**
 * Opens an empty HTML document at `<base>/__blank__.html` in a new page of
 * `context`. The document is answered by the test (the server has no such
 * file) but carries the server's own headers, copied from a real response:
 * the CSP, COOP/COEP (so the page is cross-origin isolated, like the demo) and
 * the rest. Nothing of the demo runs there: no app.js, no timers, no workers.
 */
export async function openBlank(context, baseUrl, { initScript } = {}) {
  const page = await context.newPage();
  const blank = new URL('__blank__.html', baseUrl).href;
  await page.route(blank, async (route) => {
    const real = await route.fetch({ url: new URL('pkg/demo.js', baseUrl).href });
    await route.fulfill({
      status: 200,
      headers: { ...real.headers(), 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>blank</title>',
    });
  });
  if (initScript) await page.addInitScript(initScript);
  await page.goto(blank);
  return page;
}

/** Errors that must never reach a caller, whatever the input. */
export const FORBIDDEN_MESSAGE = /null pointer passed to rust|recursive use of an object|already (mutably )?borrowed|unreachable|panicked|attempted to take ownership|table index is out of bounds|memory access out of bounds|Maximum call stack|out of memory/i;

/**
 * The fuzzer, run in the page: `page.evaluate(fuzzInPage, options)`.
 * options: { seed, calls, timeBudgetMs, hangMs, threadHangMs, forbidden (RegExp
 * source), dir (the build's folder, default '/pkg/') }.
 * The entry (`loopbridge.js`) is fuzzed with specs; the glue's own function
 * exports (internal) with anything. Where the build has the `probe` feature,
 * after every call the shadow stack must stand where it stood before the
 * first, and the heap must still hand out whole blocks.
 * Resolves { calls, outcomes, failures, notes, memory, probes, ... }.
 */
export async function fuzzInPage(options) {
  const {
    seed, calls: maxCalls, timeBudgetMs, hangMs, threadHangMs, forbidden, dir = '/pkg/',
  } = options;
  const FORBIDDEN = new RegExp(forbidden, 'i');
  const m = await import(`${dir}demo.js`);
  const glue = await import(`${dir}loopbridge_glue.js`);
  const wasm = await m.default();
  const PROBES = ['__loopbridgeProbeStack', '__loopbridgeProbeHeap'];
  const probing = typeof glue.__loopbridgeProbeStack === 'function';
  const stackBase = probing ? glue.__loopbridgeProbeStack() : null;
  const probes = { checks: 0, stackMoves: 0, brokenHeap: 0 };
  const startedAt = performance.now();

  // ---- seeded PRNG (mulberry32) ---------------------------------------------
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(rand() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => rand() < p;

  // ---- what the page reports on its own (console, uncaught errors, panics) --
  const consoleErrors = [];
  const originalError = console.error;
  const textOf = (value) => {
    try {
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      return typeof value === 'symbol' ? value.toString() : String(value);
    } catch {
      return '<unprintable>';
    }
  };
  console.error = (...args) => {
    consoleErrors.push(args.map(textOf).join(' '));
    return originalError.apply(console, args);
  };
  const uncaught = [];
  const onError = (event) => uncaught.push(`error: ${textOf(event.error ?? event.message)}`);
  const onRejection = (event) => uncaught.push(`unhandledrejection: ${textOf(event.reason)}`);
  const panics = [];
  const onPanic = (event) => panics.push(String(event.detail));
  globalThis.addEventListener('error', onError);
  globalThis.addEventListener('unhandledrejection', onRejection);
  globalThis.addEventListener('loopbridgepanic', onPanic);

  // ---- hostile values -------------------------------------------------------
  // Every value the user code could throw is a FuzzThrow: when one comes back
  // out of loopbridge, it is the user's own error propagating, which is fine.
  class FuzzThrow extends Error {
    constructor(where) {
      super(`fuzz: thrown by ${where}`);
      this.name = 'FuzzThrow';
    }
  }
  const OPTION_KEYS = [
    'intervalMs', 'name', 'delayMs', 'signal', 'highWaterMark', 'failAfter',
    'mode', 'failIndex', 'onError', 'then', 'length', '0', 'valueOf', 'toString',
  ];
  const TRAPS = [
    'get', 'set', 'has', 'deleteProperty', 'ownKeys', 'getOwnPropertyDescriptor', 'defineProperty',
    'getPrototypeOf', 'setPrototypeOf', 'isExtensible', 'preventExtensions', 'apply', 'construct',
  ];
  const throwingGetters = (target = {}) => {
    for (const key of OPTION_KEYS) {
      Object.defineProperty(target, key, {
        get() { throw new FuzzThrow(`getter ${key}`); },
        enumerable: true,
        configurable: true,
      });
    }
    return target;
  };
  const throwingProxy = (target) => new Proxy(
    target,
    Object.fromEntries(TRAPS.map((trap) => [trap, () => { throw new FuzzThrow(`proxy trap ${trap}`); }])),
  );
  /** `value instanceof Class`, false where a hostile Proxy throws. */
  const is = (value, Class) => {
    try {
      return value instanceof Class;
    } catch {
      return false;
    }
  };
  const quiet = (promise) => {
    promise.catch(() => {});
    return promise;
  };
  // Signals: the reason each one aborted (or will abort) with, so a stream
  // that errors with exactly that reason is recognised as documented.
  const abortReasons = [
    () => undefined,
    () => new DOMException('fuzz abort', 'AbortError'),
    () => new FuzzThrow('abort reason'),
    () => 42,
    () => 'a string reason',
    () => null,
    () => Symbol('reason'),
  ];
  const timers = new Set(); // ids of the fuzzer's own timeouts, cleared at the end
  const later = (fn, ms) => {
    const id = setTimeout(() => {
      timers.delete(id);
      fn();
    }, ms);
    timers.add(id);
  };
  const signals = {
    aborted: () => AbortSignal.abort(pick(abortReasons)()),
    abortedPlain: () => AbortSignal.abort(),
    timeout: () => AbortSignal.timeout(int(30)),
    abortsLater: () => {
      const controller = new AbortController();
      const reason = pick(abortReasons)();
      later(() => controller.abort(reason), int(40));
      return controller.signal;
    },
    neverAborts: () => new AbortController().signal,
    abortsInsideListener: () => {
      // Aborts a second controller from the first one's abort listener.
      const first = new AbortController();
      const second = new AbortController();
      first.signal.addEventListener('abort', () => second.abort(new FuzzThrow('nested abort')));
      later(() => first.abort(), int(20));
      return second.signal;
    },
  };
  const lockedStream = () => {
    const stream = new ReadableStream({ pull(c) { c.enqueue(1); } });
    stream.getReader();
    return stream;
  };
  const erroredStream = () => {
    const stream = new ReadableStream({ start(c) { c.error(new FuzzThrow('errored stream')); } });
    return stream;
  };
  const sparse = () => {
    const array = [];
    array[5] = 1;
    return array;
  };
  const arrayWithThrowingElement = () => {
    const array = [1, 2, 3];
    Object.defineProperty(array, 1, { get() { throw new FuzzThrow('array element getter'); } });
    return array;
  };
  const LONG = 'long '.repeat(2000);
  const STRINGS = [
    '', ' ', 'hello world', 'a', '0', '1000', 'NaN', 'undefined', 'null', 'true',
    'concurrent', 'sequential', 'collect', 'failFast', 'Concurrent', 'fail_fast',
    '\uD800', '\uDC00', 'a\uD83Db', '\uDFFF\uD800', '\u0000', 'tab\tnew\nline\r\n',
    '非同期のストリームは、一文字ずつ届きます。', '👩‍👩‍👧‍👦 e\u0301 🇯🇵', '\u202Eevil\u202C', '\uFEFF',
    '<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=2</script>', '"\'`${x}',
    LONG, 'x'.repeat(5000),
  ];
  const NUMBERS = [
    0, -0, 1, -1, 0.5, -0.5, 1.5, 2, 3, 4, 16, 49.999, 50, 100, 1000, 1e-300, -1e-300,
    Number.MIN_VALUE, Number.EPSILON, NaN, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE,
    2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53),
    Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e21, -1e21, 99999, 100000, 100001,
  ];
  const randomNumber = () => {
    switch (int(4)) {
      case 0: return pick(NUMBERS);
      case 1: return int(100);
      case 2: return (rand() - 0.5) * 2 ** int(64);
      default: return rand() * 60;
    }
  };
  // [description, factory]: a fresh value per use.
  const POOL = [
    ['undefined', () => undefined],
    ['null', () => null],
    ['true', () => true],
    ['false', () => false],
    ['a number', randomNumber],
    ['a number', randomNumber],
    ['a number', randomNumber],
    ['a string', () => pick(STRINGS)],
    ['a string', () => pick(STRINGS)],
    ['0n', () => 0n],
    ['BigInt', () => pick([1n, -1n, 1000n, 2n ** 64n, -(2n ** 70n)])],
    ['a symbol', () => Symbol('fuzz')],
    ['Symbol.iterator', () => Symbol.iterator],
    ['{}', () => ({})],
    ['Object.create(null)', () => Object.create(null)],
    ['a frozen object', () => Object.freeze({ intervalMs: 10, name: 'frozen' })],
    ['an object with throwing getters for every option key', () => throwingGetters()],
    ['a function with throwing getters', () => throwingGetters(() => {})],
    ['a Proxy({}) whose every trap throws', () => throwingProxy({})],
    ['a Proxy([]) whose every trap throws', () => throwingProxy([])],
    ['a Proxy(function) whose every trap throws', () => throwingProxy(() => {})],
    ['a revoked Proxy', () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      return proxy;
    }],
    ['[]', () => []],
    ['[1, 2, 3]', () => [1, 2, 3]],
    ['a sparse array', sparse],
    ['new Array(1e9) (sparse, huge length)', () => new Array(1e9)],
    ['new Array(100001)', () => new Array(100001)],
    ['{ length: 1e9 } (array-like)', () => ({ length: 1e9 })],
    ['{ length: -1 }', () => ({ length: -1 })],
    ['an array with a throwing element getter', arrayWithThrowingElement],
    ['an array of mixed values', () => [1, 'two', null, undefined, {}, NaN]],
    ['a typed array', () => new Float64Array([1, 2, 3])],
    ['an ArrayBuffer', () => new ArrayBuffer(8)],
    ['a SharedArrayBuffer', () => (typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(8) : {})],
    ['() => {}', () => () => {}],
    ['a throwing function', () => () => { throw new FuzzThrow('function'); }],
    ['an async function that rejects', () => async () => { throw new FuzzThrow('async function'); }],
    ['a class', () => class Fuzz {}],
    ['a bound function', () => function f() { return this; }.bind(null)],
    ['Promise.resolve(1)', () => Promise.resolve(1)],
    ['a Promise that never settles', () => new Promise(() => {})],
    ['a rejected Promise (handled)', () => quiet(Promise.reject(new FuzzThrow('rejected promise')))],
    ['a thenable', () => ({ then(resolve) { resolve(1); } })],
    ['a thenable whose then getter throws', () => ({ get then() { throw new FuzzThrow('then getter'); } })],
    ['an already aborted AbortSignal', signals.aborted],
    ['AbortSignal.abort()', signals.abortedPlain],
    ['AbortSignal.timeout(<30 ms)', signals.timeout],
    ['an AbortSignal that aborts later', signals.abortsLater],
    ['an AbortSignal that never aborts', signals.neverAborts],
    ['an AbortController (not its signal)', () => new AbortController()],
    ['a locked ReadableStream', lockedStream],
    ['an errored ReadableStream', erroredStream],
    ['a Date', () => new Date(0)],
    ['an invalid Date', () => new Date(NaN)],
    ['a RegExp', () => /x/g],
    ['a Map', () => new Map([['intervalMs', 10]])],
    ['an Error', () => new Error('an error value')],
    ['a DOMException', () => new DOMException('x', 'AbortError')],
    ['a WeakRef', () => new WeakRef({})],
    ['globalThis', () => globalThis],
    ['document.body', () => document.body ?? document.documentElement],
    ['an object whose valueOf/toString throw', () => ({
      valueOf() { throw new FuzzThrow('valueOf'); },
      toString() { throw new FuzzThrow('toString'); },
      [Symbol.toPrimitive]() { throw new FuzzThrow('toPrimitive'); },
    })],
    ['a Number object', () => new Number(10)], // eslint-disable-line no-new-wrappers
    ['a String object', () => new String('hello')], // eslint-disable-line no-new-wrappers
    ['an object with a getter returning undefined', () => ({ get intervalMs() { return undefined; } })],
  ];
  // Values whose getters or traps call back into loopbridge while the call
  // that reads them runs: `reenter` (set below, once instances exist) frees
  // or drives a live instance, or calls another export.
  let reenter = () => {};
  const reentrantGetters = () => {
    const target = {};
    for (const key of OPTION_KEYS) {
      Object.defineProperty(target, key, { get() { reenter(); return undefined; }, enumerable: true, configurable: true });
    }
    return target;
  };
  /** A signal's reason, or undefined if reading it throws (a Proxy of a signal does). */
  const reasonOf = (signal) => {
    try {
      return signal.reason;
    } catch {
      return undefined;
    }
  };
  const reentrantProxy = (target) => new Proxy(target, Object.fromEntries(TRAPS.map((trap) => [trap, (...args) => {
    reenter();
    return Reflect[trap](...args);
  }])));
  POOL.push(
    ['an object whose getters call back into loopbridge', reentrantGetters],
    ['a Proxy({}) whose traps call back into loopbridge', () => reentrantProxy({})],
    ['a Proxy(function) whose traps call back into loopbridge', () => reentrantProxy(() => {})],
    ['a Proxy([1, 2]) whose traps call back into loopbridge', () => reentrantProxy([1, 2])],
    ['a Proxy(AbortSignal) whose traps call back into loopbridge', () => reentrantProxy(new AbortController().signal)],
  );
  const anyValue = () => {
    const [description, make] = pick(POOL);
    return { value: make(), description };
  };

  // ---- "valid but slow" filter ------------------------------------------------
  // Values inside a documented range that would make a call run long are
  // lowered so the run finishes; invalid values are never changed (they must
  // still be refused at once). The filter, by place:
  //  - delays and durations (invokeAsync delayMs, invokeAsyncStream delayMs,
  //    gather durationsMs[i]): a number in (50, 2147483647] becomes 50;
  //  - busyWait ms: (5, 2147483647] becomes 5; yieldingWork totalMs:
  //    (20, 2147483647] becomes 20 (sliceMs is left alone: its minimum is 1);
  //  - countStream highWaterMark: (1024, 2147483647] becomes 1024, because
  //    each pull enqueues up to highWaterMark numbers synchronously (see the
  //    note in hostile.test.mjs: a huge one freezes the page);
  //  - counter intervalMs: (50, 2147483647] becomes 50, so started counters tick;
  //  - gather arrays are generated with at most 1000 elements (the limit is 100000);
  //  - BlockingWorker: maxAnswerBytes (1048576, 1073741824] becomes 1048576
  //    (each worker allocates that much shared memory), runSyncLoop count
  //    (5, 1000000] becomes 5 and delayMs (20, ...] becomes 20; its handlers
  //    always settle (one that never does, with no timeoutMs, waits forever,
  //    as documented).
  // Only real numbers are touched: the exports read numbers without coercion,
  // so an object or string never becomes slow.
  const MAX_TIMER_MS = 2147483647;
  const lowered = { count: 0 };
  const bound = (value, limit, upper = MAX_TIMER_MS) => {
    if (typeof value === 'number' && value > limit && value <= upper) {
      lowered.count += 1;
      return limit;
    }
    return value;
  };

  // ---- arguments by kind: often plausible, sometimes anything -------------
  const described = (value, description) => ({ value, description: description ?? describe(value) });
  const describe = (value) => {
    try {
      if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…(${value.length})` : value);
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
      if (typeof value === 'symbol') return value.toString();
      if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
      if (value === null || value === undefined) return String(value);
      if (Array.isArray(value)) return `[${value.length <= 8 ? value.map(describe).join(', ') : `length ${value.length}`}]`;
      if (value instanceof AbortSignal) return `AbortSignal(aborted: ${value.aborted})`;
      if (Object.getPrototypeOf(value) === Object.prototype) {
        return `{ ${Object.keys(value).map((k) => `${k}: ${describe(value[k])}`).join(', ')} }`;
      }
      return Object.prototype.toString.call(value);
    } catch {
      return '<hostile object>';
    }
  };
  const num = (plausible, limit, upper = MAX_TIMER_MS) => {
    if (chance(0.6)) {
      const value = plausible();
      return described(bound(value, limit, upper));
    }
    const { value, description } = anyValue();
    const kept = bound(value, limit, upper);
    return described(kept, kept === value ? description : describe(kept));
  };
  const str = () => (chance(0.7) ? described(pick(STRINGS)) : anyValue());
  /** An options object with some of `keys`, each plausible or hostile; or anything. */
  const optionsOf = (fields) => {
    const roll = rand();
    if (roll < 0.1) return described(undefined);
    if (roll < 0.25) return anyValue();
    const object = {};
    const parts = [];
    let signal = null;
    for (const [key, make] of Object.entries(fields)) {
      if (chance(0.4)) continue;
      const { value, description } = make();
      object[key] = value;
      if (key === 'signal' && is(value, AbortSignal)) signal = value;
      parts.push(`${key}: ${description}`);
    }
    if (chance(0.05)) {
      Object.defineProperty(object, pick(Object.keys(fields)), {
        get() { throw new FuzzThrow('option getter'); }, enumerable: true,
      });
      parts.push('<a throwing getter>');
    }
    return { value: object, description: `{ ${parts.join(', ')} }`, signal };
  };
  const signalArg = () => {
    if (chance(0.8)) {
      const [name, make] = pick(Object.entries(signals));
      return described(make(), `AbortSignal(${name})`);
    }
    return anyValue();
  };
  const durationsArg = () => {
    const roll = rand();
    if (roll < 0.6) {
      const length = chance(0.9) ? int(6) : int(1001);
      const array = Array.from({ length }, () => (chance(0.9) ? bound(rand() * 60, 50) : bound(randomNumber(), 50)));
      return described(array);
    }
    if (roll < 0.7) {
      const array = [bound(randomNumber(), 50), bound(pick(POOL)[1](), 50)];
      return described(array, `[${describe(array[0])}, ${describe(array[1])}]`);
    }
    return anyValue();
  };
  const thenableArg = () => (chance(0.5)
    ? pick([
      () => described(Promise.resolve('x'), 'Promise.resolve()'),
      () => described(m.invokeAsync('x', 0), "invokeAsync('x', 0)"),
      () => described(new Promise(() => {}), 'a pending Promise'),
      () => described(quiet(Promise.reject(new FuzzThrow('rejected'))), 'a rejected Promise'),
      () => described({ then() {} }, 'a thenable'),
      () => described(Object.assign(() => {}, { then() {} }), 'a callable thenable'),
      () => described({ get then() { throw new FuzzThrow('then getter'); } }, 'a thenable whose then getter throws'),
      () => described(throwingProxy(Promise.resolve()), 'a Proxy(Promise) whose traps throw'),
    ])()
    : anyValue());
  const intervalArg = () => num(() => pick([1, 2, 4, 5, 10, 20, 50, 1000, 0.5, 1.5, rand() * 50 + 1]), 50);
  const counterOptions = () => optionsOf({ intervalMs: intervalArg, name: str });

  // ---- free functions: their arguments and the errors they document -------
  const isWouldBlock = (e) => is(e, Error) && e.name === 'WouldBlockError';
  const isGatherError = (e) => is(e, Error) && e.name === 'GatherError' && Array.isArray(e.report?.tasks);
  const isPackageGatherError = (e) => is(e, Error) && e.name === 'GatherError' && Array.isArray(e.results);
  // The package's gather: tasks that return, throw, settle within a few ms
  // (so no run hangs), call back into loopbridge, or are no function at all.
  const taskArg = () => pick([
    () => described(() => 'x', '() => "x"'),
    () => described(() => { throw new FuzzThrow('task'); }, 'a task that throws'),
    () => described((signal) => new Promise((resolve) => setTimeout(resolve, int(5), signal.aborted)), 'a task that waits'),
    () => described(() => quiet(Promise.reject(new FuzzThrow('task rejected'))), 'a task that rejects'),
    () => described(() => ({ then() { throw new FuzzThrow('then'); } }), 'a task whose thenable throws'),
    () => described(() => { reenter(); return 1; }, 'a task that calls back into loopbridge'),
    anyValue,
  ])();
  const tasksArg = () => {
    if (chance(0.8)) {
      const tasks = Array.from({ length: int(6) }, taskArg);
      return described(tasks.map((t) => t.value), `[${tasks.map((t) => t.description).join(', ')}]`);
    }
    return anyValue();
  };
  const isHostError = (e) => is(e, Error) && /^__loopbridgeStartCounterHost/.test(e.message);
  const FREE = {
    blockOn: { args: [thenableArg], allow: { WouldBlockError: isWouldBlock } },
    busyWait: { args: [() => num(() => rand() * 5, 5)] },
    countStream: {
      args: [
        () => num(() => pick([0, 1, 2, 10, 100, 1000, Number.MAX_SAFE_INTEGER, int(300)]), Infinity),
        () => optionsOf({
          highWaterMark: () => num(() => pick([0, 1, 2, 16, 1024, 0.5, rand() * 100]), 1024),
          failAfter: () => num(() => pick([0, 1, 3, 10, 99, int(200)]), Infinity),
        }),
      ],
    },
    createFutureAndDrop: {
      args: [() => (chance(0.6) ? pick([
        () => described(() => { throw new FuzzThrow('side effect ran'); }, 'a side effect that throws'),
        () => described(() => {}, '() => {}'),
        () => described(async () => {}, 'async () => {}'),
      ])() : anyValue())],
    },
    gatherSleeps: {
      args: [durationsArg, () => optionsOf({
        mode: () => (chance(0.7) ? described(pick(['concurrent', 'sequential'])) : str()),
        onError: () => (chance(0.7) ? described(pick(['collect', 'failFast'])) : str()),
        failIndex: () => num(() => pick([0, 1, 2, 5, 0.5, -1, int(10)]), Infinity),
      })],
      allow: { GatherError: isGatherError },
    },
    gather: {
      args: [tasksArg, () => optionsOf({
        mode: () => (chance(0.7) ? described(pick(['concurrent', 'sequential'])) : str()),
        onError: () => (chance(0.7) ? described(pick(['collect', 'failFast'])) : str()),
        signal: signalArg,
      })],
      allow: { GatherError: isPackageGatherError },
    },
    invokeAsync: { args: [str, () => (chance(0.2) ? described(undefined) : num(() => rand() * 30, 50))] },
    invokeAsyncStream: {
      args: [str, () => optionsOf({
        delayMs: () => num(() => pick([0, 0, 1, 5, rand() * 20]), 50),
        signal: signalArg,
      })],
    },
    invokeSyncSteps: { args: [str] },
    liveStreamProducers: { args: [] },
    // The worker's hosts (glue exports), called on the page's main thread.
    __loopbridgeStartCounterHost: { fn: () => glue.__loopbridgeStartCounterHost, args: [anyValue, anyValue], allow: { '__loopbridgeStartCounterHost Error': isHostError } },
    yieldingWork: {
      args: [
        () => num(() => rand() * 20, 20),
        () => num(() => pick([1, 2, 5, 16, 1.5, 0.5, 0]), Infinity),
      ],
    },
  };
  // simulatePanic (where the build has it) panics on purpose with a string:
  // only non-strings are fuzzed, which it must refuse with a TypeError.
  if (typeof m.simulatePanic === 'function') {
    FREE.simulatePanic = {
      args: [() => {
        let arg;
        do arg = anyValue(); while (typeof arg.value === 'string');
        return arg;
      }],
    };
  }

  if (typeof glue.__loopbridgeStartBlockingHost === 'function') {
    FREE.__loopbridgeStartBlockingHost = {
      fn: () => glue.__loopbridgeStartBlockingHost,
      args: [anyValue, anyValue],
      allow: { '__loopbridgeStartBlockingHost Error': (e) => is(e, Error) && /^(__loopbridgeStartBlockingHost|init\.)/.test(e.message) },
    };
  }
  if (typeof m.BlockingWorker?.whyUnavailable === 'function') {
    FREE['BlockingWorker.whyUnavailable'] = { fn: () => m.BlockingWorker.whyUnavailable, args: [] };
  }

  // ---- classes --------------------------------------------------------------
  const isThreadError = (e) => is(e, Error)
    && /^ThreadCounter .*: (the worker crashed: |freed before the worker answered)/s.test(e.message);
  // limit: live at once; max: made in all (each ThreadCounter and
  // BlockingWorker is a real Web Worker); options: constructor argument;
  // memberArgs: arguments per method (default: none or one hostile value).
  const CLASSES = {
    CounterWorker: { limit: 6, max: Infinity, allow: {}, options: () => counterOptions() },
    SharedCounter: { limit: 4, max: Infinity, allow: {}, options: () => counterOptions() },
    LoopMonitor: {
      limit: 4,
      max: Infinity,
      allow: {},
      options: () => optionsOf({
        lagIntervalMs: () => (chance(0.2) ? described(null) : num(() => pick([1, 10, 100, int(1000)]), 1000)),
        frames: () => (chance(0.7) ? described(chance(0.5)) : anyValue()),
        longTasks: () => (chance(0.7) ? described(chance(0.5)) : anyValue()),
        capacity: () => num(() => pick([1, 2, 10, 1000, int(100000)]), 100000, 100000),
      }),
    },
    ThreadCounter: {
      limit: 3, max: 40, allow: { 'ThreadCounter worker Error': isThreadError }, options: () => counterOptions(),
    },
  };
  if (typeof m.BlockingWorker === 'function') {
    const isBlockingError = (e) => is(e, Error) && /^BlockingWorker(\.runSyncLoop)?[: ]/.test(e.message);
    const handlers = [
      ['returns a string', () => () => 'answer'],
      ['returns its request', () => (request) => request],
      ['throws', () => () => { throw new FuzzThrow('blocking handler'); }],
      ['rejects', () => async () => { throw new FuzzThrow('blocking handler (async)'); }],
      ['resolves later', () => (request) => new Promise((resolve) => { later(() => resolve(request), int(20)); })],
      ['returns a BigInt', () => () => 10n],
      ['returns a cyclic object', () => () => { const o = {}; o.self = o; return o; }],
      ['returns 2 MB of text', () => () => 'x'.repeat(2 * 1024 * 1024)],
      ['returns undefined', () => () => undefined],
      ['returns a symbol', () => () => Symbol('answer')],
      ['returns a throwing Proxy', () => () => throwingProxy({})],
    ];
    const handlerArg = () => {
      if (chance(0.2)) return anyValue();
      const [what, make] = pick(handlers);
      return described(make(), `a handler that ${what}`);
    };
    CLASSES.BlockingWorker = {
      limit: 2,
      max: 15,
      allow: { 'BlockingWorker Error': isBlockingError },
      streamErrors: (e) => isBlockingError(e) || (is(e, Error) && ['TimeoutError', 'AbortError'].includes(e.name)),
      options: () => optionsOf({
        handler: handlerArg,
        maxAnswerBytes: () => num(() => pick([1, 2, 16, 1024, 65536, 1048576, int(100000)]), 1048576, 1073741824),
      }),
      memberArgs: {
        runSyncLoop: () => [optionsOf({
          count: () => num(() => pick([0, 1, 2, 3, 5]), 5, 1000000),
          delayMs: () => num(() => pick([0, 1, 5, 20]), 20),
          timeoutMs: () => num(() => pick([1, 5, 50, 1000, 0.5]), Infinity),
          signal: signalArg,
        })],
      },
    };
  }
  // Static methods of the classes are free functions too.
  for (const [name, Class] of Object.entries(m)) {
    if (typeof Class !== 'function' || !/^class[\s{]/.test(Function.prototype.toString.call(Class))) continue;
    for (const key of Object.getOwnPropertyNames(Class)) {
      if (['length', 'name', 'prototype', '__wrap'].includes(key) || typeof Class[key] !== 'function') continue;
      if (!FREE[`${name}.${key}`]) FREE[`${name}.${key}`] = { fn: () => Class[key].bind(Class), args: [anyValue], generic: true };
    }
  }
  // The glue's own function exports (internal: the workers' hosts, the
  // entry's factories) are fuzzed with anything, like exports without a spec.
  for (const name of Object.keys(glue)) {
    if (['default', 'initSync', ...PROBES].includes(name) || typeof glue[name] !== 'function') continue;
    if (m[name] === glue[name] || FREE[name]) continue;
    FREE[`glue.${name}`] = {
      fn: () => glue[name],
      args: Array.from({ length: Math.max(glue[name].length, 1) }, () => anyValue),
      generic: true,
    };
  }
  // Exports with no spec here (added since this file was written) are
  // fuzzed with anything: they must never trap, hang or leak a Rust-internal
  // error; the errors they throw are listed, not judged.
  const SKIP = new Set(['default', 'initSync']);
  const generic = [];
  for (const [name, value] of Object.entries(m)) {
    if (SKIP.has(name) || FREE[name] || CLASSES[name] || typeof value !== 'function') continue;
    generic.push(name);
    if (/^class[\s{]/.test(Function.prototype.toString.call(value))) {
      CLASSES[name] = { limit: 2, max: 20, allow: {}, options: anyValue, generic: true };
    } else {
      FREE[name] = { args: Array.from({ length: Math.max(value.length, 1) }, () => anyValue), generic: true };
    }
  }
  for (const [name, spec] of Object.entries(FREE)) if (spec.generic && !generic.includes(name)) generic.push(name);
  const live = Object.fromEntries(Object.keys(CLASSES).map((name) => [name, []]));
  const created = Object.fromEntries(Object.keys(CLASSES).map((name) => [name, 0]));
  const membersOf = (Class) => {
    const names = Object.getOwnPropertyNames(Class.prototype)
      .filter((name) => !['constructor', '__destroy_into_raw', 'free'].includes(name));
    return names.map((name) => ({ name, descriptor: Object.getOwnPropertyDescriptor(Class.prototype, name) }));
  };
  const members = Object.fromEntries(Object.keys(CLASSES).map((name) => [name, membersOf(m[name])]));

  const freedOnes = []; // a few freed instances, to call methods on
  const markFreed = (className, instance) => {
    instance.__fuzzFreed = true;
    const list = live[className];
    const at = list.indexOf(instance);
    if (at >= 0) list.splice(at, 1);
    freedOnes.push(instance);
    if (freedOnes.length > 8) freedOnes.shift();
  };
  /** A receiver that is not a live instance of `className`. */
  const wrongThis = (className) => {
    const others = Object.keys(CLASSES).filter((name) => name !== className && live[name].length > 0);
    return pick([
      () => described(pick(freedOnes) ?? {}, 'a freed instance'),
      () => (others.length ? described(live[pick(others)][0], 'an instance of another class') : described({}, '{}')),
      () => described({}, '{}'),
      () => described(Object.create(m[className].prototype), `Object.create(${className}.prototype)`),
      () => described(undefined, 'undefined'),
      () => (live[className].length ? described(reentrantProxy(live[className][0]), 'a Proxy of a live instance') : described(null, 'null')),
    ])();
  };
  /** onTick and onChange callbacks, some calling back into their own counter. */
  const callbackArg = (className, instance, method) => {
    if (chance(0.3)) return anyValue();
    const reenter = (what, fn) => described((...args) => {
      if (instance.__fuzzFreed) return;
      const wrong = method === 'onTick'
        ? args.length !== 1 || typeof args[0] !== 'number' || !(args[0] >= 0)
        : args.length !== 0;
      if (wrong) notes.push(`${className}.${method} callback got ${args.map(describe).join(', ')}`);
      fn();
    }, `a callback that ${what}`);
    return pick([
      () => described(null),
      () => described(undefined),
      () => reenter('does nothing', () => {}),
      () => reenter('throws', () => { throw new FuzzThrow('onTick callback'); }),
      () => reenter('calls stop()', () => track(instance.stop())),
      () => reenter('calls stop() then start()', () => { track(instance.stop()); track(instance.start()); }),
      () => reenter('calls reset()', () => track(instance.reset())),
      () => reenter(`calls ${method}(null)`, () => instance[method](null)),
      () => reenter('reads every getter', () => {
        for (const { name, descriptor } of members[className]) if (descriptor.get) void instance[name];
      }),
      () => reenter('takes ticks() and cancels it', () => track(instance.ticks().cancel())),
      () => reenter('frees its counter', () => {
        markFreed(className, instance);
        instance.free();
      }),
    ])();
  };
  // Errors from inside a callback land on the console or in a settled
  // Promise; the promises are watched like any other.
  const callbackPromises = [];
  const track = (value) => {
    if (value && typeof value.then === 'function') {
      value.then(null, () => {}); // judged below, once everything settled
      callbackPromises.push(value);
    }
  };

  // ---- running a call, classifying what happens -----------------------------
  const outcomes = {};
  const failures = [];
  const notes = [];
  const count = (label) => { outcomes[label] = (outcomes[label] ?? 0) + 1; };
  const classify = (error, allow) => {
    if (is(error, WebAssembly.RuntimeError)) return { bad: `WebAssembly.RuntimeError: ${error.message}` };
    if (typeof InternalError === 'function' && is(error, InternalError)) return { bad: `InternalError: ${error.message}` }; // eslint-disable-line no-undef
    if (is(error, FuzzThrow)) return { label: 'the caller\'s own error (getter, trap, callback), unchanged' };
    let message = '';
    try {
      message = error !== null && typeof error === 'object' ? String(error.message ?? '') : '';
    } catch {
      return { bad: 'an error object that throws when read' };
    }
    if (FORBIDDEN.test(message)) return { bad: `${error?.name}: ${message}` };
    for (const [label, test] of Object.entries(allow)) if (test(error)) return { label };
    if (is(error, TypeError)) return { label: 'TypeError' };
    if (is(error, RangeError)) return { label: 'RangeError' };
    // soft: wrong for an export with a spec here; for one without, only noted.
    return { bad: `unexpected ${describe(error)}${is(error, Error) ? ` (${error.name}: ${error.message})` : ''}`, soft: true };
  };
  const HANG = Symbol('hang');
  const withTimeout = (promise, ms) => {
    let id;
    const timeout = new Promise((resolve) => { id = setTimeout(() => resolve(HANG), ms); });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(id));
  };
  const inflight = new Set();
  let callIndex = 0;

  /** Reads a stream a little (per `plan`) and cancels it; every step bounded. */
  const consume = async (stream, { kind, signal, expected, errors }) => {
    const reader = stream.getReader();
    const plan = int(5);
    const values = [];
    let ended = false;
    const allowRead = (e) => {
      if (signal && (e === signal.reason || Object.is(e, signal.reason))) return 'the AbortSignal\'s reason';
      if (is(e, Error) && /countStream failed on purpose after \d+ chunks/.test(e.message)) return 'countStream failAfter Error';
      if (errors?.(e)) return `a documented ${e.name}`;
      return null;
    };
    try {
      if (plan === 0) {
        // cancel before reading
      } else {
        // Plan 4 reads on (to the end, for short streams): 400 numbers, or
        // 12 chunks of invokeAsyncStream (each up to 300 ms, the default delay).
        const reads = plan === 4 && kind !== 'ticks' ? (kind === 'countStream' ? 400 : 12) : plan;
        for (let i = 0; i < reads; i += 1) {
          const result = await withTimeout(reader.read(), kind === 'ticks' ? 150 : (kind.startsWith('BlockingWorker') ? threadHangMs : hangMs));
          if (result === HANG) {
            // A ticks() stream waits for the counter's next run: pending is fine.
            if (kind === 'ticks') break;
            return { bad: `hang: ${kind} stream read did not settle in ${hangMs} ms` };
          }
          if (result.done) {
            ended = true;
            break;
          }
          values.push(result.value);
        }
      }
    } catch (error) {
      const why = allowRead(error);
      if (why) return { label: `stream errored with ${why}` };
      const verdict = classify(error, {});
      return verdict.bad ? { bad: `stream read: ${verdict.bad}`, soft: verdict.soft } : { label: `stream read: ${verdict.label}` };
    }
    if (expected) {
      const check = expected(values, ended);
      if (check) return { bad: check };
    }
    try {
      const cancelled = await withTimeout(reader.cancel(new FuzzThrow('cancel reason')), hangMs);
      if (cancelled === HANG) return { bad: `hang: ${kind} stream cancel did not settle in ${hangMs} ms` };
    } catch (error) {
      // Cancelling an errored stream rejects with its error (the abort
      // reason, the failAfter Error): documented, like the read above.
      if (allowRead(error)) return { label: `stream errored with ${allowRead(error)}` };
      const verdict = classify(error, {});
      if (verdict.bad) return { bad: `stream cancel: ${verdict.bad}`, soft: verdict.soft };
    }
    const n = values.length;
    return { label: `stream read ${n <= 3 ? n : n <= 12 ? '4 to 12 chunks' : 'more than 12 chunks'} then cancelled` };
  };

  /** Calls `fn`; sorts its result, thrown error or settled Promise. */
  const slowest = [];
  const timed = (what, settle) => {
    const began = performance.now();
    inflight.add(settle);
    settle.finally(() => {
      inflight.delete(settle);
      slowest.push({ call: what.slice(0, 160), ms: Math.round(performance.now() - began) });
      slowest.sort((a, b) => b.ms - a.ms);
      slowest.length = Math.min(slowest.length, 5);
    });
  };
  const unspecified = new Map(); // error -> a call that got it (exports without a spec)
  const run = (what, fn, {
    allow = {}, hang = hangMs, stream = null, onValue = null, strict = true,
  } = {}) => {
    callIndex += 1;
    const index = callIndex;
    const failHard = (why) => failures.push({ index, call: what, why });
    // A soft verdict (an error no spec here allows) fails only a specified export.
    const judge = (verdict, prefix) => {
      if (!verdict.bad) {
        count(`${prefix}${verdict.label}`);
      } else if (verdict.soft && !strict) {
        count(`${prefix}an error no spec covers (export without a spec)`);
        if (!unspecified.has(verdict.bad)) unspecified.set(verdict.bad, what);
      } else {
        failHard(verdict.bad);
      }
    };
    const fail = failHard;
    const probe = () => {
      if (!probing) return;
      probes.checks += 1;
      const stack = glue.__loopbridgeProbeStack();
      if (stack !== stackBase) {
        probes.stackMoves += 1;
        failHard(`the shadow stack moved by ${stackBase - stack} bytes (a JS error thrown through Rust frames)`);
      }
      let whole;
      try {
        whole = glue.__loopbridgeProbeHeap(index);
      } catch (error) {
        whole = `${error?.name}: ${error?.message}`;
      }
      if (whole !== true) {
        probes.brokenHeap += 1;
        failHard(`the heap is broken after this call: ${whole}`);
      }
    };
    let value;
    try {
      value = fn();
    } catch (error) {
      probe();
      judge(classify(error, allow), 'threw ');
      return;
    }
    probe();
    if (onValue) {
      const problem = onValue(value);
      if (problem) fail(problem);
    }
    if (is(value, ReadableStream)) {
      const settle = consume(value, stream ?? { kind: 'unknown' }).then((verdict) => judge(verdict, ''));
      timed(what, settle);
      count('returned a ReadableStream');
      return;
    }
    if (value && typeof value.then === 'function') {
      const settle = withTimeout(Promise.resolve(value), hang).then(
        (result) => {
          if (result === HANG) fail(`hang: the Promise did not settle in ${hang} ms`);
          else count('resolved');
        },
        (error) => judge(
          stream?.signal && Object.is(error, reasonOf(stream.signal))
            ? { label: 'the AbortSignal\'s reason' }
            : classify(error, allow),
          'rejected ',
        ),
      );
      timed(what, settle);
      return;
    }
    count('returned');
  };

  const callFree = (name) => {
    const spec = FREE[name];
    const args = spec.args.map((make) => make());
    const extra = chance(0.05) ? [anyValue()] : [];
    const all = [...args, ...extra];
    const what = `${name}(${all.map((a) => a.description).join(', ')})`;
    const streamInfo = { kind: name, signal: args[1]?.signal ?? null };
    if (name === 'countStream') {
      const n = args[0].value;
      let failAfter;
      try {
        failAfter = args[1].value?.failAfter;
      } catch {
        failAfter = undefined; // a throwing getter: the call throws it anyway
      }
      streamInfo.expected = (values, ended) => {
        // 0, 1, 2, ... in order; at the end, exactly n of them.
        const upTo = typeof failAfter === 'number' ? failAfter : n;
        const want = Array.from({ length: Math.min(values.length, upTo) }, (_, i) => i);
        if (JSON.stringify(values) !== JSON.stringify(want)) return `countStream read ${JSON.stringify(values.slice(0, 10))}…, expected 0, 1, 2, …`;
        if (ended && values.length !== n) return `countStream(${n}) ended after ${values.length} numbers`;
        return null;
      };
    }
    if (name === 'invokeAsyncStream' && typeof args[0].value === 'string') {
      const message = args[0].value;
      streamInfo.expected = (values, ended) => {
        // The chunks are the message's start; read to the end, exactly the
        // message (a lone surrogate comes back as U+FFFD: see lossy).
        const whole = values.join('');
        const wanted = message.toWellFormed();
        if (ended ? whole !== wanted : !wanted.startsWith(whole)) {
          return `invokeAsyncStream chunks ${JSON.stringify(values.slice(0, 5))} are not the message ${describe(message)}`;
        }
        return null;
      };
    }
    const onValue = name === 'invokeSyncSteps' && typeof args[0].value === 'string'
      ? (steps) => {
        const message = args[0].value;
        if (!Array.isArray(steps) || !steps.every((s) => typeof s === 'string')) return 'invokeSyncSteps did not return string[]';
        if (steps.join('') !== message.toWellFormed()) return `invokeSyncSteps(${describe(message)}) joined is not the message`;
        if (!message.isWellFormed()) lossy.add(describe(message));
        return null;
      }
      : null;
    const thisArg = chance(0.05) ? anyValue().value : undefined;
    const fn = spec.fn ? spec.fn() : m[name];
    run(what, () => fn.apply(thisArg, all.map((a) => a.value)), {
      allow: spec.allow, stream: streamInfo, onValue, strict: !spec.generic,
    });
  };
  const lossy = new Set();

  const construct = (className) => {
    const Class = m[className];
    if (created[className] >= CLASSES[className].max) return false;
    const roll = rand();
    const options = CLASSES[className].options();
    let what;
    let make;
    if (roll < 0.05) {
      what = `${className}(${options.description}) without new`;
      make = () => Class(options.value);
    } else if (roll < 0.1) {
      what = `new (class extends ${className})(${options.description})`;
      make = () => new (class extends Class {})(options.value);
    } else {
      what = `new ${className}(${options.description})`;
      make = () => new Class(options.value);
    }
    run(what, () => {
      const instance = make();
      created[className] += 1;
      live[className].push(instance);
      if (live[className].length > CLASSES[className].limit) {
        const oldest = live[className].shift();
        oldest.__fuzzFreed = true;
        oldest.free();
      }
      return undefined;
    }, { allow: CLASSES[className].allow, strict: !CLASSES[className].generic });
    return true;
  };

  const callMember = (className) => {
    const list = live[className];
    if (list.length === 0) return construct(className);
    const instance = pick(list);
    const { name, descriptor } = pick(members[className]);
    const allow = CLASSES[className].allow;
    if (chance(0.05)) {
      // The wrong `this`: refused with a TypeError before wasm is entered.
      const receiver = wrongThis(className);
      const call = descriptor.get ? () => descriptor.get.call(receiver.value) : () => descriptor.value.call(receiver.value, anyValue().value);
      run(`${className}.prototype.${name} on ${receiver.description}`, call, { allow, strict: true });
      return true;
    }
    const strict = !CLASSES[className].generic;
    const hang = ['ThreadCounter', 'BlockingWorker'].includes(className) ? threadHangMs : hangMs;
    if (descriptor.get) {
      if (chance(0.15)) {
        const { value, description } = anyValue();
        run(`${className}#${name} = ${description}`, () => { instance[name] = value; }, { allow, strict });
      } else {
        run(`${className}#${name}`, () => instance[name], {
          allow,
          strict,
          onValue: (v) => checkGetter(className, name, v),
        });
      }
      return true;
    }
    const special = CLASSES[className].memberArgs?.[name];
    let args;
    if (special && chance(0.9)) args = special();
    else if (name === 'onTick' || name === 'onChange') args = [callbackArg(className, instance, name)];
    else args = chance(0.3) ? [anyValue()] : [];
    if (chance(0.05)) args.push(anyValue());
    const what = `${className}#${name}(${args.map((a) => a.description).join(', ')})`;
    run(what, () => instance[name](...args.map((a) => a.value)), {
      allow,
      strict,
      hang,
      stream: {
        kind: name === 'ticks' ? 'ticks' : `${className}#${name}`,
        signal: args[0]?.signal ?? null,
        errors: CLASSES[className].streamErrors,
      },
    });
    return true;
  };
  const checkGetter = (className, name, v) => {
    const ok = {
      count: (x) => typeof x === 'number' && x >= 0 && Number.isFinite(x),
      intervalMs: (x) => typeof x === 'number' && x >= 1 && x <= MAX_TIMER_MS,
      name: (x) => typeof x === 'string',
      running: (x) => typeof x === 'boolean',
      sharedMemory: (x) => typeof x === 'boolean',
      role: (x) => x === 'leader' || x === 'follower',
      crashReason: (x) => x === undefined || typeof x === 'string',
      lastTick: (x) => x === null || (typeof x === 'object' && typeof x.count === 'number' && typeof x.missed === 'number'),
      ignoredAnswers: (x) => Number.isInteger(x) && x >= 0,
      maxAnswerBytes: (x) => Number.isInteger(x) && x >= 1 && x <= 1073741824,
    }[name];
    if (ok && !ok(v)) return `${className}#${name} returned ${describe(v)}`;
    return null;
  };

  const freeOne = (className) => {
    const list = live[className];
    if (list.length === 0) return false;
    const instance = list[int(list.length)];
    const how = chance(0.2) && Symbol.dispose in instance ? 'Symbol.dispose' : 'free';
    markFreed(className, instance);
    run(`${className}#${how === 'free' ? 'free()' : '[Symbol.dispose]()'}`, () => (how === 'free' ? instance.free() : instance[Symbol.dispose]()), { strict: !CLASSES[className].generic });
    return true;
  };

  reenter = () => {
    if (!chance(0.5)) return;
    const className = pick(Object.keys(CLASSES));
    const instance = live[className][0];
    switch (int(4)) {
      case 0:
        if (instance) {
          markFreed(className, instance);
          instance.free();
        }
        break;
      case 1:
        if (instance && typeof instance.stop === 'function') track(instance.stop());
        break;
      case 2:
        if (instance) void instance.running;
        break;
      default:
        m.liveStreamProducers();
        m.invokeSyncSteps('re-entered');
    }
  };

  // ---- the run ---------------------------------------------------------------
  const freeNames = Object.keys(FREE);
  const classNames = Object.keys(CLASSES);
  const memoryBefore = wasm.memory.buffer.byteLength;
  while (callIndex < maxCalls && performance.now() - startedAt < timeBudgetMs) {
    const roll = rand();
    if (roll < 0.4) callFree(pick(freeNames));
    else if (roll < 0.52) construct(pick(classNames));
    else if (roll < 0.95) callMember(pick(classNames));
    else if (!freeOne(pick(classNames))) callFree(pick(freeNames));
    if (inflight.size >= 48) await Promise.race(inflight);
    // Let timers, ticks and messages run now and then.
    if (callIndex % 25 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const stoppedCalling = performance.now() - startedAt;
  while (inflight.size > 0) await Promise.race(inflight);

  // Free what is left, then let the streams and callbacks settle.
  for (const className of classNames) {
    for (const instance of [...live[className]]) {
      markFreed(className, instance);
      run(`${className}#free() (clean-up)`, () => instance.free());
    }
  }
  for (const id of timers) clearTimeout(id);
  const settledCallbacks = await withTimeout(Promise.allSettled(callbackPromises), threadHangMs);
  if (settledCallbacks === HANG) failures.push({ index: -1, call: 'Promises returned inside onTick callbacks', why: 'hang' });
  else {
    for (const result of settledCallbacks) {
      if (result.status === 'rejected') {
        const verdict = classify(result.reason, { ...CLASSES.ThreadCounter.allow });
        if (verdict.bad) failures.push({ index: -1, call: 'a call made inside an onTick callback', why: verdict.bad });
      }
    }
  }
  // Producers of streams that were cancelled or ended must all be dropped.
  let producers = m.liveStreamProducers();
  for (let i = 0; i < 50 && producers !== 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    producers = m.liveStreamProducers();
  }

  globalThis.removeEventListener('error', onError);
  globalThis.removeEventListener('unhandledrejection', onRejection);
  globalThis.removeEventListener('loopbridgepanic', onPanic);
  console.error = originalError;
  return {
    seed,
    calls: callIndex,
    callingMs: Math.round(stoppedCalling),
    totalMs: Math.round(performance.now() - startedAt),
    created,
    lowered: lowered.count,
    outcomes,
    failures: failures.slice(0, 50),
    failureCount: failures.length,
    forbiddenConsole: consoleErrors.filter((line) => FORBIDDEN.test(line)).slice(0, 20),
    consoleErrors: consoleErrors.length,
    consoleSample: [...new Set(consoleErrors.map((line) => line.slice(0, 120)))].slice(0, 8),
    uncaught: uncaught.slice(0, 20),
    panics,
    notes: [...new Set(notes)].slice(0, 10),
    slowest,
    exports: { specified: Object.keys(FREE).filter((n) => !FREE[n].generic).concat(Object.keys(CLASSES).filter((n) => !CLASSES[n].generic)), generic },
    unspecified: [...unspecified].slice(0, 10).map(([error, call]) => `${error} <- ${call.slice(0, 120)}`),
    lossy: [...lossy].slice(0, 5),
    producersAfter: producers,
    memoryBefore,
    memoryAfter: wasm.memory.buffer.byteLength,
    probes: probing ? probes : null,
  };
}

/**
 * Run in the page after the fuzz: does the module still do its job?
 * Resolves what each check saw; the test compares.
 */
export async function healthCheckInPage(dir = '/pkg/') {
  const m = await import(`${dir}demo.js`);
  const wasm = await m.default();
  const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
  const until = async (condition, ms = 5000) => {
    const start = performance.now();
    while (!condition() && performance.now() - start < ms) await sleep(20);
    return condition();
  };
  const seen = {};
  seen.steps = m.invokeSyncSteps('ok');
  seen.words = m.invokeSyncSteps('hello world');
  seen.counted = [];
  for await (const n of m.countStream(10)) seen.counted.push(n);
  seen.invoked = await m.invokeAsync('x', 0);
  const report = await m.gatherSleeps([1, 2], { mode: 'sequential' });
  seen.gathered = report.tasks.map((task) => task.ok);
  try {
    m.blockOn(Promise.resolve());
  } catch (error) {
    seen.blockOn = error.name;
  }
  try {
    new m.CounterWorker({ intervalMs: 0 }); // eslint-disable-line no-new
  } catch (error) {
    seen.badInterval = error.constructor.name;
  }

  const worker = new m.CounterWorker({ intervalMs: 20 });
  const ticks = [];
  worker.onTick((count) => ticks.push(count));
  seen.workerStarted = worker.start();
  seen.workerTicked = await until(() => ticks.length >= 3);
  seen.workerStopped = worker.stop();
  // Counts only grow (a busy machine may fold several into one delivery).
  seen.workerTicksGrow = ticks.length > 0 && ticks.every((count, i) => count > (i === 0 ? 0 : ticks[i - 1]));
  worker.free();

  const thread = new m.ThreadCounter({ intervalMs: 20 });
  seen.threadStarted = await thread.start();
  seen.threadCounted = await until(() => thread.count >= 2);
  seen.threadStopped = await thread.stop();
  thread.free();

  const shared = new m.SharedCounter({ name: `health-${Math.random()}`, intervalMs: 20 });
  seen.sharedStarted = shared.start();
  seen.sharedCounted = await until(() => shared.count >= 2);
  seen.sharedStopped = shared.stop();
  shared.free();

  seen.producers = m.liveStreamProducers();
  seen.memoryBytes = wasm.memory.buffer.byteLength;
  return seen;
}

/** What healthCheckInPage must see. */
export const HEALTHY = {
  steps: ['o', 'k'], // no whitespace: one character per chunk
  words: ['hello ', 'world'],
  counted: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  invoked: 'Done: x',
  gathered: [true, true],
  blockOn: 'WouldBlockError',
  badInterval: 'RangeError',
  workerStarted: true,
  workerTicked: true,
  workerStopped: true,
  workerTicksGrow: true,
  threadStarted: true,
  threadCounted: true,
  threadStopped: true,
  sharedStarted: true,
  sharedCounted: true,
  sharedStopped: true,
  producers: 0,
};
