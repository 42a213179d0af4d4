//! Tasks on the page's event loop: [`spawn`] with a [`JoinHandle`] (drop
//! cancels), [`yield_now`], [`try_block_on`] and [`gather`].

pub(crate) mod block_on;
mod gather;
mod spawn;
mod yield_now;

pub use block_on::{try_block_on, WouldBlock};
pub use gather::{gather, Mode, OnError, TaskRecord};
pub use spawn::{spawn, JoinError, JoinHandle};
pub use yield_now::{yield_now, YieldNow};
