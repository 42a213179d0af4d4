// The JS half of gather: calling a task, and watching AbortSignals, with the
// platform's own AbortSignal getters and EventTarget methods (saved when
// this module loads), so that nothing a caller redefines on a signal can
// throw through Rust or lie about its state.
const abortedOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get;
const reasonOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'reason').get;
const { addEventListener, removeEventListener } = EventTarget.prototype;

/**
 * Calls `task(signal)` and returns a fresh native Promise of its outcome: a
 * synchronous throw, a thenable whose `then` throws or a promise whose
 * `constructor` getter throws become its rejection here, in JS. When the
 * task's own `signal` aborts, the Promise rejects with the signal's reason,
 * so a task that ignores its signal does not keep gather's waiter alive.
 */
export function runTask(task, signal) {
  return new Promise((resolve, reject) => {
    addEventListener.call(signal, 'abort', () => reject(reasonOf.call(signal)), { once: true });
    resolve(task(signal));
  });
}

/** Whether the genuine AbortSignal `signal` has aborted. */
export function isAborted(signal) {
  return abortedOf.call(signal);
}

/** The reason `signal` aborted with. */
export function abortReason(signal) {
  return reasonOf.call(signal);
}

/** Calls `onAbort()` once `signal` aborts; returns the function that stops watching. */
export function watchAbort(signal, onAbort) {
  const listener = () => onAbort();
  addEventListener.call(signal, 'abort', listener, { once: true });
  return () => removeEventListener.call(signal, 'abort', listener);
}
