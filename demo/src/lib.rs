//! The demo page's module: the npm package ([`loopbridge_npm`]) plus the
//! page's sample exports, each a port of a Python original's example.
//! Never part of the npm package.
//!
//! - [`invoke`]: `invokeAsync`, `invokeAsyncStream`, `invokeSyncSteps`;
//!   [`chunks`] splits a message the way a streamed reply arrives.
//! - [`count_stream`]: `countStream`, and [`producers`]: `liveStreamProducers`.
//! - [`gather`], the export of the same name.
//! - [`boundary`]: `blockOn`, `busyWait`, `yieldingWork`, `createFutureAndDrop`.
//! - [`panic`](mod@panic) holds `simulatePanic`.
//! - `jspi` (feature `jspi`): `syncPipeline`, `waitFor`, `waitForWithoutJspi`.
//! - `bench`, `probe` (features): exports for `make bench` and the
//!   hostile-input tests only.

#![deny(missing_docs, missing_debug_implementations)]

#[cfg(feature = "bench")]
pub mod bench;
pub mod boundary;
pub mod chunks;
pub mod count_stream;
pub mod gather;
pub mod invoke;
#[cfg(feature = "jspi")]
pub mod jspi;
pub mod panic;
#[cfg(feature = "probe")]
pub mod probe;
pub mod producers;
