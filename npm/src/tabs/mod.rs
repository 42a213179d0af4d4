//! One counter for every tab of the origin: [`SharedCounter`].
//!
//! - `leader`: one tab, chosen with Web Locks, runs the ticker.
//! - `lifecycle`: a tab left for the back/forward cache or frozen steps down.
//! - `state`: what every tab agrees on, kept in `localStorage`.
//! - `replica`: this tab's copy, kept in step over a `BroadcastChannel`.
//! - `shared_counter`: the JS class.

mod leader;
mod lifecycle;
mod replica;
mod shared_counter;
mod state;

pub use shared_counter::SharedCounter;
