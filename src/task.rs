//! Tasks on the page's event loop: [`spawn`] with a [`JoinHandle`],
//! [`yield_now`], and [`try_block_on`], the only honest way to "block" on the
//! main thread: look once, and say [`WouldBlock`] if the answer is not there.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::channel::oneshot;
use futures::future::{AbortHandle, Abortable, FutureExt};
use wasm_bindgen::prelude::*;
use web_sys::MessageChannel;

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

/// Yields to the event loop with a macrotask, so rendering, input and timers
/// get their turn before the caller continues. (A microtask, such as
/// awaiting a resolved Promise, would not let any of them run.)
///
/// Uses a `MessageChannel` message, which is not subject to the 4 ms clamp
/// that nested `setTimeout(0)` calls get.
pub fn yield_now() -> YieldNow {
    YieldNow { pending: None }
}

/// The future returned by [`yield_now`]. Dropping it detaches its listener.
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    pending: Option<PendingMessage>,
}

/// A message in flight through a private channel, and who to wake when it lands.
struct PendingMessage {
    channel: MessageChannel,
    _on_message: Closure<dyn FnMut()>,
    arrival: Rc<Arrival>,
}

#[derive(Default)]
struct Arrival {
    landed: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if let Some(pending) = &self.pending {
            if pending.arrival.landed.get() {
                self.pending = None; // closes the channel
                return Poll::Ready(());
            }
            *pending.arrival.waker.borrow_mut() = Some(cx.waker().clone());
            return Poll::Pending;
        }
        match PendingMessage::send(cx.waker().clone()) {
            Some(pending) => {
                self.pending = Some(pending);
                Poll::Pending
            }
            // No MessageChannel here: a microtask is the best we can do.
            None => Poll::Ready(()),
        }
    }
}

impl PendingMessage {
    fn send(waker: Waker) -> Option<PendingMessage> {
        let channel = MessageChannel::new().ok()?;
        let arrival = Rc::new(Arrival {
            landed: Cell::new(false),
            waker: RefCell::new(Some(waker)),
        });
        let on_arrival = Rc::clone(&arrival);
        let on_message = Closure::<dyn FnMut()>::new(move || {
            on_arrival.landed.set(true);
            if let Some(waker) = on_arrival.waker.borrow_mut().take() {
                waker.wake();
            }
        });
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        channel.port2().post_message(&JsValue::NULL).ok()?;
        Some(PendingMessage {
            channel,
            _on_message: on_message,
            arrival,
        })
    }
}

impl Drop for PendingMessage {
    fn drop(&mut self) {
        for port in [self.channel.port1(), self.channel.port2()] {
            port.set_onmessage(None);
            port.close();
        }
    }
}

impl fmt::Debug for YieldNow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("YieldNow")
            .field("waiting", &self.pending.is_some())
            .finish()
    }
}

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
pub(crate) const WOULD_BLOCK_MESSAGE: &str = "cannot wait for an unfinished Promise or future synchronously: \
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
