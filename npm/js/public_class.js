// The package's public classes, made here in JS around the objects the wasm
// module makes (which are not exported from the module itself).
//
// Why: wasm-bindgen checks `this` inside wasm. A method called on the wrong
// object, on a freed one, or an object freed while one of its methods runs
// makes wasm-bindgen throw a JS error from inside Rust, and an error thrown
// through Rust frames never gives their shadow-stack space back: about
// 14,000 such calls and the stack pointer wraps, every later call traps, and
// allocations fail ("memory access out of bounds"). So every call is checked
// here first, and wasm only ever sees a live object of its own class:
//
// - `this` must be an object this very class made and did not free (a
//   WeakMap lookup, one map per class: no user code runs, proxies
//   included); otherwise a TypeError.
// - `free()` during a call of the same object (from a callback or getter
//   that call ran) takes effect when that call returns; `free()` of an
//   object already freed does nothing.

function notLive(className, member) {
  return new TypeError(`${className}.${member}: called on an object that is not a live ${className} `
    + '(it was freed, or the method was called on another object)');
}

function use(live, self, className, member, call) {
  const entry = typeof self === 'object' && self !== null ? live.get(self) : undefined;
  if (entry === undefined) throw notLive(className, member);
  entry.busy += 1;
  try {
    return call(entry.raw);
  } finally {
    entry.busy -= 1;
    if (entry.busy === 0 && entry.freeLater) {
      entry.freeLater = false;
      entry.raw.free();
    }
  }
}

function named(name, fn) {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

/**
 * The public class `className`: `new` makes its wasm object with
 * `create(...args)`; it has the `methods` and read-only `getters` of that
 * object, `free()` (also `[Symbol.dispose]`), and the `statics` given.
 */
export function publicClass(className, create, { methods = [], getters = [], statics = {} }) {
  const live = new WeakMap(); // public object -> { raw, busy, freeLater }
  const freed = new WeakSet();
  const Class = {
    [className]: class {
      constructor(...args) {
        live.set(this, { raw: create(...args), busy: 0, freeLater: false });
      }
    },
  }[className];
  const proto = Class.prototype;
  for (const method of methods) {
    Object.defineProperty(proto, method, {
      value: named(method, function (...args) {
        return use(live, this, className, method, (raw) => raw[method](...args));
      }),
      writable: true,
      configurable: true,
    });
  }
  for (const getter of getters) {
    Object.defineProperty(proto, getter, {
      get: named(`get ${getter}`, function () {
        return use(live, this, className, getter, (raw) => raw[getter]);
      }),
      configurable: true,
    });
  }
  const free = named('free', function () {
    const entry = typeof this === 'object' && this !== null ? live.get(this) : undefined;
    if (entry === undefined) {
      if (freed.has(this)) return; // freed already: nothing to do
      throw notLive(className, 'free');
    }
    live.delete(this);
    freed.add(this);
    if (entry.busy > 0) entry.freeLater = true;
    else entry.raw.free();
  });
  Object.defineProperty(proto, 'free', { value: free, writable: true, configurable: true });
  if (typeof Symbol.dispose === 'symbol') {
    Object.defineProperty(proto, Symbol.dispose, { value: free, writable: true, configurable: true });
  }
  for (const [name, fn] of Object.entries(statics)) {
    Object.defineProperty(Class, name, { value: named(name, (...args) => fn(...args)), writable: true, configurable: true });
  }
  return Class;
}
