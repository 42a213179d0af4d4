//! Feature `probe`, for the hostile-input tests only: two exports that the
//! fuzz calls after every call, to see that the call left wasm memory whole.
//!
//! - [`probe_stack`]: where the shadow stack stands. Between two calls from
//!   JS nothing of ours is on it, so the answer must never change: a JS
//!   error thrown through Rust frames leaves their space taken (see
//!   `npm/js/public_class.js`), and this shows it at the first such call.
//! - [`probe_heap`]: allocates, writes, grows, checks and frees blocks of
//!   many sizes; a corrupted allocator traps or hands out overlapping blocks.

use std::hint::black_box;

use wasm_bindgen::prelude::*;

/// The address of a local of this function: the shadow stack's height.
#[wasm_bindgen(js_name = __loopbridgeProbeStack, skip_typescript)]
pub fn probe_stack() -> u32 {
    let marker = [0u8; 16];
    black_box(&marker).as_ptr() as usize as u32
}

/// Whether blocks of many sizes can be allocated, written, grown, read back
/// and freed; `round` varies the bytes written.
#[wasm_bindgen(js_name = __loopbridgeProbeHeap, skip_typescript)]
pub fn probe_heap(round: u32) -> bool {
    const SIZES: [usize; 10] = [1, 7, 16, 24, 100, 1000, 4096, 10_000, 65_536, 200_000];
    let byte = |block: usize| (round as usize).wrapping_mul(31).wrapping_add(block) as u8;
    let mut blocks: Vec<Vec<u8>> = SIZES
        .iter()
        .enumerate()
        .map(|(i, &size)| black_box(vec![byte(i); size]))
        .collect();
    for (i, block) in blocks.iter_mut().enumerate().step_by(2) {
        block.resize(block.len() + 100, byte(i));
    }
    let whole = blocks
        .iter()
        .enumerate()
        .all(|(i, block)| block.iter().all(|&b| b == byte(i)));
    // Free in an order unlike the allocation order.
    while !blocks.is_empty() {
        let at = (round as usize) % blocks.len();
        drop(blocks.swap_remove(at));
    }
    whole
}
