//! Rust `Stream`s and web `ReadableStream`s, both ways.
//!
//! - [`into_readable_stream`]: a Rust `Stream` as a `ReadableStream`, pulled
//!   ahead in batches up to its high-water mark, in time slices, with
//!   nothing lost on error and the Rust stream dropped on cancel, abort,
//!   the end, or garbage collection. Its underlying source has a Rust half
//!   (`source.rs`) and a JS half (`source.js`).
//! - [`JsStream`]: a `ReadableStream` or async iterable as a Rust `Stream`.

mod into_readable;
mod js_stream;
mod slice;
mod source;

pub(crate) use into_readable::bridge;
pub use into_readable::{into_readable_stream, StreamOptions};
pub use js_stream::JsStream;
