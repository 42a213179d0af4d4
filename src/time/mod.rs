//! Time: [`sleep`] on one shared browser timer, and the clock everything
//! measures with ([`now_ms`]).

mod sleep;

pub use crate::web::clock::{now_ms, spin_for};
pub use sleep::{sleep, Sleep};

/// The longest delay a browser timer honours: 2^31 - 1 ms, about 24.8 days.
/// A [`Ticker`](crate::Ticker) interval must be at most this long.
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;
