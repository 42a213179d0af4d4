//! [`spawn`]: a task on the page's event loop, with a [`JoinHandle`] whose
//! drop cancels it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::channel::oneshot;
use futures::future::{AbortHandle, Abortable, FutureExt};

/// Runs `future` on the event loop (`spawn_local`) and returns a handle to
/// its output: the browser's `executor.submit(...)` and `future.result()`.
///
/// The task starts at the next microtask checkpoint, not inside `spawn`.
/// An error the task returns (`Err(e)` from a `Result` output) comes out of
/// the handle as it is; a panic cannot be caught in wasm, so keep panics out
/// of tasks.
///
/// **Dropping the handle cancels the task** (the future is dropped at its
/// next poll), like every owner in loopbridge; call
/// [`detach`](JoinHandle::detach) to let it run to completion unobserved.
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> Result<(), loopbridge::JoinError> {
/// use std::time::Duration;
///
/// let handle = loopbridge::spawn(async {
///     loopbridge::sleep(Duration::from_millis(10)).await;
///     Err::<u32, String>("the task failed".into())
/// });
/// assert_eq!(handle.await?, Err("the task failed".to_string()));
/// # Ok(()) }
/// ```
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    let (sender, receiver) = oneshot::channel();
    let (abort, registration) = AbortHandle::new_pair();
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(output) = Abortable::new(future, registration).await {
            let _ = sender.send(output); // the handle may be gone: nobody waits
        }
    });
    JoinHandle {
        receiver,
        abort,
        detached: false,
    }
}

/// The output of a [`spawn`]ed task, as a `Future`. Dropping it cancels the task.
#[must_use = "dropping a JoinHandle cancels its task; call .detach() to let it run"]
pub struct JoinHandle<T> {
    receiver: oneshot::Receiver<T>,
    abort: AbortHandle,
    detached: bool,
}

/// Why a [`JoinHandle`] has no output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinError {
    /// The task was cancelled with [`JoinHandle::abort`] before it finished.
    Aborted,
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the task was aborted before it finished")
    }
}

impl std::error::Error for JoinError {}

impl<T> JoinHandle<T> {
    /// Cancels the task: its future is dropped at its next poll (before the
    /// next macrotask) and the handle resolves to [`JoinError::Aborted`].
    /// Does nothing to a task that already finished: the handle still
    /// resolves to its output.
    pub fn abort(&self) {
        self.abort.abort();
    }

    /// Lets the task run to completion without a handle; its output is dropped.
    pub fn detach(mut self) {
        self.detached = true;
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // An output that is there wins over an abort that came after it.
        if let Ok(Some(output)) = self.receiver.try_recv() {
            return Poll::Ready(Ok(output));
        }
        if self.abort.is_aborted() {
            return Poll::Ready(Err(JoinError::Aborted));
        }
        self.receiver
            .poll_unpin(cx)
            .map(|outcome| outcome.map_err(|_| JoinError::Aborted))
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if !self.detached {
            self.abort.abort();
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("aborted", &self.abort.is_aborted())
            .finish_non_exhaustive()
    }
}
