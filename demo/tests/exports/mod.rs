//! The demo's exports under test, by their Rust names (`js::gather`, ...).

#![allow(unused_imports)] // each suite uses some of them

pub use loopbridge_demo::boundary::{block_on, busy_wait, create_future_and_drop, yielding_work};
pub use loopbridge_demo::count_stream::count_stream;
pub use loopbridge_demo::gather::gather;
pub use loopbridge_demo::invoke::{invoke_async, invoke_async_stream, invoke_sync_steps};
pub use loopbridge_demo::producers::live_stream_producers;
