//! One counter for every tab of the origin: [`SharedCounter`].
//!
//! - `leader`: one tab, chosen with Web Locks, runs the ticker.
//! - `state`: what every tab agrees on, kept in `localStorage`.
//! - `replica`: this tab's copy, kept in step over a `BroadcastChannel`.
//! - `shared_counter`: the JS class.

mod leader;
mod replica;
mod shared_counter;
mod state;

pub use shared_counter::SharedCounter;
