// Calls one task of `gather` with its AbortSignal. Whatever the task does,
// this returns a fresh native Promise: a synchronous throw, a thenable whose
// `then` throws or a promise with a changed `constructor` become its
// rejection here, in JS, and never an exception thrown through Rust.
export function runTask(task, signal) {
  return new Promise((resolve) => resolve(task(signal)));
}
