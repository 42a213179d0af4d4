//! [`yield_now`]: let the event loop take a turn (a macrotask) before going on.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use web_sys::MessageChannel;

use crate::monitor::{self, LoopSample, SampleKind};
use crate::web::clock::now_ms;

/// Yields to the event loop with a macrotask, so rendering, input and timers
/// get their turn before the caller continues. (A microtask, such as
/// awaiting a resolved Promise, would not let any of them run.)
///
/// Uses a `MessageChannel` message, which is not subject to the 4 ms clamp
/// that nested `setTimeout(0)` calls get.
pub fn yield_now() -> YieldNow {
    YieldNow::new(true)
}

/// The future returned by [`yield_now`]. Dropping it detaches its listener.
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    pending: Option<PendingMessage>,
    /// Whether a [`LoopMonitor`](crate::LoopMonitor) hears of it: not for
    /// the yields of a monitor's own stream, which would describe itself.
    recorded: bool,
}

impl YieldNow {
    pub(crate) fn new(recorded: bool) -> YieldNow {
        YieldNow {
            pending: None,
            recorded,
        }
    }
}

/// A message in flight through a private channel, and who to wake when it lands.
struct PendingMessage {
    channel: MessageChannel,
    _on_message: Closure<dyn FnMut()>,
    arrival: Rc<Arrival>,
    sent_ms: f64,
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
                let sent_ms = pending.sent_ms;
                self.pending = None; // closes the channel
                if !self.recorded {
                    return Poll::Ready(());
                }
                monitor::record(|| LoopSample {
                    kind: SampleKind::Yield,
                    start_ms: sent_ms,
                    duration_ms: now_ms() - sent_ms,
                });
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
            sent_ms: now_ms(),
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
            .field("recorded", &self.recorded)
            .finish()
    }
}
