//! Questions about JS values that run no user code and cannot throw through
//! Rust (the library's, re-exported for the input checks and the demos).

pub use loopbridge::__private::platform::*;
