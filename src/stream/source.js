// The JS half of the stream bridge (into_readable.rs, source.rs): the
// underlying source of the `ReadableStream` that `into_readable_stream`
// returns. It owns the stream's controller and a buffer of chunks produced
// ahead of the reader; the Rust half only fills that buffer and says when
// more is ready. Four promises rest on how this file holds things:
//
// - Nothing is lost. The stream itself has a high-water mark of 0, so a
//   chunk enters it only to answer a read. An error from Rust waits in
//   `failure` until every buffered chunk was read, and only then errors the
//   stream (`controller.error()` would empty a queue at once).
// - Unread streams are collected. While no read waits, the only thing that
//   reaches this object from outside the stream is a weak reference (the
//   wake-up from Rust, the abort listener). So a stream nobody reads can be
//   garbage-collected, and wasm-bindgen's finalizer then frees the Rust
//   source and drops the Rust stream. While a read waits, `pinned` holds it:
//   whoever awaits that read gets an answer.
// - Time slices. The first read of a task starts a slice; past SLICE_MS the
//   next read is answered only after a macrotask, and Rust fills stop at
//   the slice's deadline (slice.rs), so no task runs longer than the slice
//   plus one item, whatever the high-water mark.
// - Cancel, abort and the end free the Rust source at once.

// What LoopbridgeStreamSource.fill() stopped at (source.rs, `Fill`).
const FILLED = 0;
const PENDING = 1;
const SLICE_OVER = 2;
const ENDED = 3;
const FAILED = 4;

// The longest stretch of one task the bridge keeps (slice.rs, `SLICE_MS`).
const SLICE_MS = 10;
const MAX_SKIP = 64;

// ---- time slices ------------------------------------------------------------
// One slice per task: it starts at the first read and ends when the macrotask
// posted at its start runs. `macrotask(fn)` runs fn in that next task. The
// message that ends a slice goes through a channel made for it and closed
// after it, so nothing stays registered between slices.
let sliceStart = -1;
/** Reads that may be answered before the clock is read again. */
let allowance = 0;
let stride = 0;
let since = 0;
let lastCheck = 0;
let posted = false;
const afterSlice = [];

function endSlice() {
  posted = false;
  sliceStart = -1;
  allowance = 0;
  stride = 0;
  for (const run of afterSlice.splice(0)) run();
}

function postEndOfSlice() {
  if (posted) return;
  posted = true;
  if (typeof MessageChannel !== 'function') {
    setTimeout(endSlice, 0);
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.onmessage = null;
    channel.port1.close();
    endSlice();
  };
  channel.port2.postMessage(null);
}

function macrotask(run) {
  afterSlice.push(run);
  postEndOfSlice();
}

/** The deadline of the current slice (starting one if none runs). */
function sliceDeadline() {
  if (sliceStart < 0) {
    sliceStart = performance.now();
    lastCheck = sliceStart;
    since = 0;
    allowance = 0;
    stride = 0;
    postEndOfSlice();
  }
  return sliceStart + SLICE_MS;
}

/**
 * How many reads may be answered now: 0 once the current slice is used up.
 * The clock is read only as often as needed (slice.rs, `SliceClock`): after
 * each reading, as many more reads are allowed as, at the pace seen so far,
 * use at most a quarter of the time left, but at most twice as many (plus
 * one) as the last time, and never more than MAX_SKIP. `spendReads(n)` takes
 * the reads answered out of the allowance.
 */
function readsAllowed() {
  if (sliceStart >= 0 && allowance > 0) return allowance;
  const deadline = sliceDeadline();
  const now = performance.now();
  const left = deadline - now;
  if (left <= 0) return 0;
  const perRead = (now - lastCheck) / Math.max(1, since);
  const affordable = perRead > 0 ? Math.floor(left / 4 / perRead) : MAX_SKIP;
  stride = Math.min(affordable, stride * 2 + 1, MAX_SKIP);
  allowance = 1 + stride;
  since = 0;
  lastCheck = now;
  return allowance;
}

function spendReads(reads) {
  allowance -= reads;
  since += reads;
}

// ---- what holds a source ----------------------------------------------------
/** Sources a reader waits on: held until the read is answered. */
const pinned = new Set();
/** Removes the abort listener of a source that was collected without finishing. */
const listeners = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(({ signal, onAbort }) => signal.removeEventListener('abort', onAbort))
  : { register() {}, unregister() {} };

// Each is made in a scope of its own, holding nothing but the weak reference.
function wakeWeakly(ref) {
  return () => ref.deref()?.woken();
}
function abortWeakly(ref) {
  return () => ref.deref()?.abort();
}

class Source {
  constructor(rust, highWaterMark, signal) {
    /** The LoopbridgeStreamSource; null once it is freed. */
    this.rust = rust;
    this.mark = highWaterMark;
    this.buffer = [];
    this.head = 0;
    /** The stream was closed, errored or cancelled: nothing more to do. */
    this.done = false;
    this.ended = false;
    this.failed = false;
    this.failure = undefined;
    /** A rust.wait() is in flight. */
    this.waiting = false;
    /** Inside rust.fill(): freeing then waits until it returns. */
    this.filling = false;
    this.freeAfterFill = null;
    /** Resolves the pull the stream waits on while a read waits for Rust. */
    this.answered = null;
    this.controller = null;
    this.signal = signal;
    this.onAbort = null;
  }

  get buffered() {
    return this.buffer.length - this.head;
  }

  /** Chunks produced and not yet read: in the buffer, and in the stream's own queue. */
  get ahead() {
    const queued = this.controller ? -(this.controller.desiredSize ?? 0) : 0;
    return this.buffered + Math.max(0, queued);
  }

  start(controller) {
    this.controller = controller;
    if (this.signal?.aborted) {
      this.abort();
      return;
    }
    if (this.signal) {
      this.onAbort = abortWeakly(new WeakRef(this));
      this.signal.addEventListener('abort', this.onAbort, { once: true });
      listeners.register(this, { signal: this.signal, onAbort: this.onAbort }, this);
    }
    // Produce ahead once the constructor (and whoever called it) is done.
    if (this.mark > 0) queueMicrotask(() => this.refill());
  }

  /**
   * The stream asks for a chunk: a read waits and the stream's own queue is
   * empty (its high-water mark is 0, so it asks for nothing else).
   */
  pull() {
    if (this.buffered > 0 && readsAllowed() === 0) {
      return new Promise((resolve) => macrotask(resolve)).then(() => this.pull());
    }
    if (this.answer()) return undefined;
    if (this.done) return undefined;
    return new Promise((resolve) => {
      this.answered = resolve;
      pinned.add(this);
      this.refill();
    });
  }

  /**
   * Answers a waiting read if it can: with the next chunks (as many as the
   * slice allows: the ones after the first wait in the stream's queue for
   * the next reads, which the stream then answers without asking here),
   * else with the end or the failure once nothing is left before it.
   * Whether it answered.
   */
  answer() {
    if (this.done) return true;
    if (this.buffered > 0) {
      const count = Math.min(this.buffered, Math.max(1, readsAllowed()));
      spendReads(count);
      for (let i = 0; i < count; i += 1) {
        this.controller.enqueue(this.buffer[this.head]);
        this.buffer[this.head] = undefined;
        this.head += 1;
      }
      if (this.head === this.buffer.length) {
        this.buffer = [];
        this.head = 0;
      }
      if (this.ahead <= this.mark / 2) this.refill();
      return true;
    }
    if (this.failed) {
      this.controller.error(this.failure);
      this.finish();
      return true;
    }
    if (this.ended) {
      this.controller.close();
      this.finish();
      return true;
    }
    return false;
  }

  /** Asks Rust for chunks, up to the mark (at least one for a waiting read). */
  refill() {
    const rust = this.rust;
    if (!rust || this.waiting || this.filling) return;
    const wanted = Math.max(this.mark, this.answered ? 1 : 0) - this.ahead;
    if (wanted <= 0) return;
    this.filling = true;
    let status;
    try {
      status = rust.fill(this.buffer, wanted, sliceDeadline());
    } catch (error) {
      // A trap in the Rust stream (a panic): the stream fails with it.
      this.buffer.push(error);
      status = FAILED;
    } finally {
      this.filling = false;
    }
    if (this.freeAfterFill) {
      // Finished while filling (the Rust stream's own code cancelled it).
      this.freeAfterFill = null;
      rust.free();
      return;
    }
    if (status === ENDED || status === FAILED) {
      if (status === FAILED) {
        this.failed = true;
        this.failure = this.buffer.pop();
      }
      this.ended = true;
      this.freeRust();
    } else if (status === PENDING || status === SLICE_OVER) {
      this.waiting = true;
      rust.wait(status === SLICE_OVER).then(wakeWeakly(new WeakRef(this)));
    }
    if (this.answered) this.settleWaitingRead();
  }

  woken() {
    this.waiting = false;
    if (this.answered || this.ahead <= this.mark / 2) this.refill();
  }

  /** Answers the read that waits for Rust, if there is something to answer with. */
  settleWaitingRead() {
    const resolve = this.answered;
    this.answered = null; // so that answer() refills only what the mark asks for
    if (!this.answer()) {
      this.answered = resolve;
      return;
    }
    pinned.delete(this);
    resolve();
  }

  /** The signal aborted: error the stream with its reason, drop everything. */
  abort() {
    if (this.done) return;
    this.controller.error(this.signal.reason);
    this.finish();
  }

  /** The reader cancelled. */
  cancel() {
    this.finish();
  }

  /** Nothing more will be read: let go of the buffer, Rust and the signal. */
  finish() {
    this.done = true;
    this.buffer = [];
    this.head = 0;
    this.failure = undefined;
    if (this.answered) {
      const resolve = this.answered;
      this.answered = null;
      resolve();
    }
    pinned.delete(this);
    if (this.onAbort) {
      this.signal.removeEventListener('abort', this.onAbort);
      listeners.unregister(this);
      this.onAbort = null;
    }
    this.freeRust();
  }

  freeRust() {
    const rust = this.rust;
    this.rust = null;
    if (this.filling) this.freeAfterFill = rust;
    else rust?.free();
  }
}

/** A `ReadableStream` over the Rust source `rust` (see the top of this file). */
export function readableFrom(rust, highWaterMark, signal) {
  const source = new Source(rust, highWaterMark, signal ?? null);
  return new ReadableStream({
    start: (controller) => source.start(controller),
    pull: () => source.pull(),
    cancel: () => source.cancel(),
  }, { highWaterMark: 0 });
}
