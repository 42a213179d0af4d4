//! [`try_block_on`], the only honest way to "block" on the main thread: look
//! once, and say [`WouldBlock`] if the answer is not there.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Polls `future` once and returns its output if it is already complete;
/// otherwise gives the future back inside [`WouldBlock`]. It never waits,
/// never spins: on the page's only thread, waiting for a future that needs
/// that same thread to make progress would hang forever.
///
/// # Errors
///
/// [`WouldBlock`] when the future is not ready yet.
///
/// # Examples
///
/// ```
/// use std::future::{pending, ready};
///
/// assert_eq!(loopbridge::try_block_on(ready(7)).ok(), Some(7));
/// let would_block = loopbridge::try_block_on(pending::<u8>()).unwrap_err();
/// let _later = would_block.into_future(); // await it from async code instead
/// ```
pub fn try_block_on<F: Future>(future: F) -> Result<F::Output, WouldBlock<F>> {
    let mut future = Box::pin(future);
    let waker = futures::task::noop_waker();
    match future.as_mut().poll(&mut Context::from_waker(&waker)) {
        Poll::Ready(output) => Ok(output),
        Poll::Pending => Err(WouldBlock { future }),
    }
}

/// The error of [`try_block_on`]: the future was not ready, and waiting for it
/// would block the event loop. Holds the future so it can still be awaited.
pub struct WouldBlock<F> {
    future: Pin<Box<F>>,
}

impl<F> WouldBlock<F> {
    /// The future that was not ready, to `.await` from async code.
    pub fn into_future(self) -> Pin<Box<F>> {
        self.future
    }
}

/// What [`WouldBlock`] says, also the message of JS `blockOn`'s `WouldBlockError`.
pub const WOULD_BLOCK_MESSAGE: &str = "cannot wait for an unfinished Promise or future synchronously: \
the page has one thread, and waiting on it would freeze the page; worse, the result could never arrive, \
because producing it needs that same thread. Use `await` in an async function (or .then()) instead.";

impl<F> fmt::Display for WouldBlock<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(WOULD_BLOCK_MESSAGE)
    }
}

impl<F> fmt::Debug for WouldBlock<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WouldBlock").finish_non_exhaustive()
    }
}

impl<F> std::error::Error for WouldBlock<F> {}
