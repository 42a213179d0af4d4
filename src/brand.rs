//! The base class of every loopbridge JS class, for one reason: wasm-bindgen
//! gives each class in an `extends` chain its own pointer slot
//! (`__wbg_ptr_<Class>`), and a method reads only its own class's slot. So
//! `CounterWorker.prototype.start.call(aThreadCounter)` (or with `{}`, or
//! after `free()`) finds no pointer and throws wasm-bindgen's
//! "null pointer passed to rust" `Error`, instead of reading another
//! object's memory as if it were a `CounterWorker`.

use wasm_bindgen::prelude::*;

/// The base class of `CounterWorker`, `ThreadCounter`, `SharedCounter`,
/// `BlockingWorker` and the stream bridge's source. It has no methods; it
/// exists so that calling a method on the wrong kind of object throws.
#[wasm_bindgen]
#[derive(Debug, Clone, Copy)]
pub struct LoopbridgeObject;

#[wasm_bindgen]
impl LoopbridgeObject {
    /// A plain base object (public so that TypeScript lets the classes above
    /// extend it; one made on its own has nothing to do).
    #[wasm_bindgen(constructor)]
    pub fn new() -> LoopbridgeObject {
        LoopbridgeObject
    }
}
