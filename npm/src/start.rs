//! What the package's module does when it starts: loopbridge's panic hook
//! (the package's panic policy), and feature `talc`'s allocator.

use wasm_bindgen::prelude::*;

/// The package's panic policy: loopbridge's hook, installed when the module
/// starts (see [`loopbridge::panic`]). Private: not exported as API.
#[wasm_bindgen(start, private)]
fn start() {
    loopbridge::panic::install_hook();
}

/// Feature `talc`: the allocator of the npm package and the page.
#[cfg(all(
    feature = "talc",
    target_family = "wasm",
    not(target_feature = "atomics")
))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
