// The types of loopbridge's entry (loopbridge.js). The functions and option
// types come from the wasm-bindgen glue; the classes are declared here, since
// the entry makes them (see public_class.js).

import type {
  BlockingWorkerOptions,
  CounterOptions,
  LoopMonitorOptions,
  LoopSample,
  SyncLoopOptions,
  SyncLoopResult,
  TickInfo,
} from './loopbridge_glue.js';

// `Symbol.dispose` (explicit resource management) for projects whose `lib`
// does not include `ESNext.Disposable`: the classes have `[Symbol.dispose]`
// where the engine has the symbol. Identical to TypeScript's own declaration.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** What `init` loads the module from: its URL, a `Response`, its bytes or a compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/** What `initSync` loads the module from: its bytes or a compiled module. */
export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Loads and starts the module; await it once, before using the classes. With
 * no argument it fetches `loopbridge_glue_bg.wasm` beside the glue (bundlers
 * rewrite that URL). In the Node and `bundler` builds the module is already
 * loaded when the package is imported, and `init()` resolves at once.
 */
export default function init(
  input?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<void>;

/** `init`, synchronously, from the module's bytes or a compiled module. */
export function initSync(input: { module: SyncInitInput } | SyncInitInput): void;

export {
  type BlockingWorkerOptions,
  type CounterOptions,
  type LoopMonitorOptions,
  type LoopSample,
  type SyncLoopOptions,
  type SyncLoopRequest,
  type SyncLoopResult,
  type TickInfo,
} from './loopbridge_glue.js';

/**
 * What the three counters have in common: `onTick` and `ticks()` get each
 * count the counter delivers; a slow `ticks()` reader gets the latest count,
 * never a backlog; a reset drops counts not yet read; a stream closes only
 * when a run ends (running -> stopped) or the counter is freed, after the
 * run's final count, and one taken while stopped waits for the next run.
 * A method called on an object that is not a live counter of its class (freed,
 * or another object) throws a `TypeError`.
 */
interface Counter {
  /** Sets the function called with each delivered count, or clears it with `null`.
   *  A callback that throws is reported on the console; the counter keeps running.
   *  @throws TypeError if `callback` is neither a function nor `null`. */
  onTick(callback: ((count: number) => void) | null): void;
  /** The counts as they are delivered; independent per call. */
  ticks(): ReadableStream<number>;
  /** Whether it is running. */
  readonly running: boolean;
  /** Whole intervals since `start()` (or the last reset), measured, not counted. */
  readonly count: number;
  /** The counter's name. */
  readonly name: string;
  /** Milliseconds between ticks. */
  readonly intervalMs: number;
  /** The latest delivery, or `null` before the first. */
  readonly lastTick: TickInfo | null;
  /** Stops it (if running) and releases everything it holds. Calling it again does nothing. */
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * A counter that ticks once per interval while running, on the page's event
 * loop: the browser's version of a worker thread that counts once a second
 * until its stop event is set. It never blocks the page, and its count is
 * measured with `performance.now()`, so a blocked or throttled page never
 * makes it wrong: the next delivery carries the caught-up count once.
 */
export interface CounterWorker extends Counter {}
export declare class CounterWorker {
  /** A stopped counter.
   *  @throws TypeError / RangeError for bad options. */
  constructor(options?: CounterOptions);
  /** Starts counting from 0; `false`, changing nothing, if it is running. */
  start(): boolean;
  /** Stops counting; `false` if it was stopped. Synchronous: no count is delivered after it returns. */
  stop(): boolean;
  /** Sets the count back to 0, running or not. */
  reset(): void;
}

/**
 * The same counter in a dedicated Web Worker (the "process variant"):
 * blocking the page does not stop it. With cross-origin isolation the count
 * is shared through a `SharedArrayBuffer` (`sharedMemory`), so `count` is
 * current even right after the page was blocked. Commands cross to the
 * worker, so they return Promises; from the moment `stop()` is called no tick
 * is delivered on the page.
 */
export interface ThreadCounter extends Counter {}
export declare class ThreadCounter {
  /** A stopped counter in a new worker (names default to `thread-1`, ...).
   *  @throws TypeError / RangeError for bad options, an Error if no worker can start. */
  constructor(options?: CounterOptions);
  /** Resolves `true` if it started, `false` if it was running. */
  start(): Promise<boolean>;
  /** Resolves `true` if it was running. Works after a panic too. */
  stop(): Promise<boolean>;
  /** Resolves `true` when the worker has reset the count. */
  reset(): Promise<boolean>;
  /** Makes the worker fail on purpose, to see how a crash is reported. */
  simulateCrash(): void;
  /** Whether the count is shared through a `SharedArrayBuffer`. */
  readonly sharedMemory: boolean;
  /** Why the worker stopped working, if it crashed. */
  readonly crashReason: string | undefined;
}

/**
 * One counter for every tab of the origin that makes one with the same
 * `name`: any tab can start, stop or reset it, all see the same count. One
 * tab, the leader (Web Locks), runs the ticker and broadcasts its ticks; when
 * it closes, the next tab takes over. The state survives reloads
 * (`localStorage`).
 */
export interface SharedCounter extends Counter {}
export declare class SharedCounter {
  /** Joins (or creates) the shared counter `name` (default `"shared"`).
   *  @throws TypeError / RangeError for bad options; an Error where
   *  `localStorage`, `BroadcastChannel` or Web Locks are missing. */
  constructor(options?: CounterOptions);
  /** Starts it for every tab; `false` if it was running. */
  start(): boolean;
  /** Stops it for every tab; `false` if it was stopped. */
  stop(): boolean;
  /** Sets the count back to 0 for every tab. */
  reset(): void;
  /** Calls `callback` (in a microtask, once for the changes made before
   *  it runs) when the state this tab sees changes: a start, stop or reset
   *  in any tab, or this tab taking or losing the lead; not for ticks, nor
   *  for the changes the callback makes itself. `null` clears it.
   *  @throws TypeError if `callback` is not a function or null; a
   *  PanicError once the module has panicked. */
  onChange(callback: (() => void) | null): void;
  /** Whether this tab runs the ticker. */
  readonly role: 'leader' | 'follower';
}

/**
 * A dedicated Web Worker whose plain synchronous code blocks
 * (`Atomics.wait`) on the page's async `handler`, while the page stays free.
 * Needs cross-origin isolation (COOP/COEP).
 */
export declare class BlockingWorker {
  /** Starts the worker.
   *  @throws TypeError / RangeError for bad options; an Error without cross-origin isolation. */
  constructor(options: BlockingWorkerOptions);
  /** Why a `BlockingWorker` cannot work on this page, or `undefined` when it can. */
  static whyUnavailable(): string | undefined;
  /** Runs the worker's sync loop; each result is a chunk as soon as the worker has it.
   *  Cancelling the stream (or aborting `signal`) stops the loop.
   *  @throws TypeError / RangeError for bad options; an Error while a run is in progress. */
  runSyncLoop(options?: SyncLoopOptions): ReadableStream<SyncLoopResult>;
  /** Whether a run is in progress. */
  readonly running: boolean;
  /** Answers that came after the worker stopped waiting for them. */
  readonly ignoredAnswers: number;
  /** Bytes of JSON one answer may take. */
  readonly maxAnswerBytes: number;
  /** Why the worker stopped working, if it crashed. */
  readonly crashReason: string | undefined;
  /** Terminates the worker and errors a run in progress. */
  free(): void;
  [Symbol.dispose](): void;
}

/**
 * Samples of the real event loop in this page (or worker): timer lag, long
 * tasks and long animation frames, frame times, and loopbridge's own events
 * (see `LoopSample`). Running from `new`; each `samples()` stream gets what
 * the monitor sees from then on. loopbridge records its events only while a
 * stream is open, and a stopped monitor holds no timer, observer or frame
 * callback.
 */
export declare class LoopMonitor {
  /** A running monitor.
   *  @throws TypeError / RangeError for bad options. */
  constructor(options?: LoopMonitorOptions);
  /** Watches again after `stop()`; `false`, changing nothing, if it is running. */
  start(): boolean;
  /** Stops watching; every stream ends after the samples it holds. `false` if it was stopped. */
  stop(): boolean;
  /** A new stream of what the monitor sees from now on; it ends when the monitor stops or is freed.
   *  Cancel it (or let it be garbage-collected) to stop reading. */
  samples(): ReadableStream<LoopSample>;
  /** Whether it is watching. */
  readonly running: boolean;
  /** Whether frame times are reported: asked for, and this thread has animation frames. */
  readonly frames: boolean;
  /** Stops it and releases it; methods then throw a TypeError. */
  free(): void;
  [Symbol.dispose](): void;
}

/** Options for `gather`. */
export interface GatherOptions {
  /** `"concurrent"` (default): every task starts at once. `"sequential"`: each starts when the previous one has settled. */
  mode?: 'concurrent' | 'sequential' | undefined;
  /** `"collect"` (default): every outcome, like `Promise.allSettled` (Python's `return_exceptions=True`).
   *  `"failFast"`: on the first failure, abort the tasks still running and reject with a `GatherError`. */
  onError?: 'collect' | 'failFast' | undefined;
  /** Aborting it aborts every running task (with the signal's reason) and rejects with that reason,
   *  e.g. `AbortSignal.timeout(ms)`: a `TimeoutError` `DOMException`. No task starts once it has aborted. */
  signal?: AbortSignal | undefined;
}

/** What happened to one task of `gather`: `Promise.allSettled`'s shape, plus `"cancelled"`
 *  and the task's times in ms since the run began (`null` if it never started). */
export type GatherResult<T> = (
  | { status: 'fulfilled'; value: T }
  | { status: 'rejected'; reason: unknown }
  | { status: 'cancelled' }
) & { index: number; startMs: number | null; endMs: number | null };

/**
 * Runs async functions concurrently or one after another, like Python's
 * `asyncio.gather`, and resolves to one result per task, in input order. Each
 * task is called with an `AbortSignal` of its own, aborted (an `AbortError`)
 * when failFast cancels it or with the reason of `options.signal`. A task
 * that throws synchronously fails like one that rejects.
 * @throws (rejects) `TypeError` / `RangeError` for bad arguments (at most 100000 tasks);
 *  a `GatherError` (failFast); `options.signal`'s reason.
 */
export function gather<const Tasks extends ReadonlyArray<(signal: AbortSignal) => unknown>>(
  tasks: Tasks,
  options?: GatherOptions,
): Promise<{ -readonly [K in keyof Tasks]: GatherResult<Awaited<ReturnType<Tasks[K]>>> }>;

/** failFast's rejection: the first task to fail (`index`), its error as `cause`, and every task's result. */
export interface GatherError extends Error {
  name: 'GatherError';
  index: number;
  cause: unknown;
  results: GatherResult<unknown>[];
}

/**
 * The `name`s of the errors loopbridge makes, besides `TypeError` and `RangeError` for bad arguments:
 * - `PanicError`: the module panicked (a bug); every later call rejects or throws it. `stop()` and `free()` still work.
 * - `GatherError`: `gather` with `onError: "failFast"` (see `GatherError`).
 * - `TimeoutError`: a `BlockingWorker` call not answered within `timeoutMs` (a chunk's `error`), or
 *   `AbortSignal.timeout()`'s own `DOMException`.
 * - `AbortError`: the platform's `DOMException`, when a signal aborts or a stream is cancelled.
 */
export type LoopbridgeErrorName = 'PanicError' | 'GatherError' | 'TimeoutError' | 'AbortError';

