//! The worker side of a [`ThreadCounter`](super::ThreadCounter): a
//! [`Ticker`] that writes each count into the shared memory (when there is
//! one) and posts it to the page, driven by the page's commands.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Array, Atomics, BigInt64Array, Reflect};
use loopbridge::__private::time_origin_ms;
use loopbridge::Ticker;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::protocol::{Command, Event, Order};

#[wasm_bindgen(module = "/src/offthread/worker_errors.js")]
extern "C" {
    /// Throws `message` from a task of its own, outside any Rust frame.
    #[wasm_bindgen(js_name = throwLater)]
    fn throw_later(message: &str);
}

/// The worker's one host. It lives as long as the worker: the page ends it
/// with `terminate()`.
struct Host {
    ticker: Ticker,
    shared: Option<BigInt64Array>,
    /// The epoch of the last command applied; every tick carries it.
    epoch: Rc<Cell<u32>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

/// Called by the worker's entry script once the module is loaded: `init` is
/// the page's first message (`intervalMs`, `shared`), `queued` the commands
/// that arrived meanwhile.
///
/// # Errors
///
/// If this is not a dedicated worker, or `init` is malformed.
#[wasm_bindgen(js_name = __loopbridgeStartCounterHost, skip_typescript)]
#[doc(hidden)]
pub fn start_counter_host(init: JsValue, queued: Array) -> Result<(), JsValue> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().dyn_into().map_err(|_| {
        JsError::new("__loopbridgeStartCounterHost runs only in a dedicated worker")
    })?;
    let interval_ms = Reflect::get(&init, &"intervalMs".into())?
        .as_f64()
        .ok_or_else(|| JsError::new("init.intervalMs must be a number"))?;
    let shared = Reflect::get(&init, &"shared".into())?
        .dyn_into::<js_sys::SharedArrayBuffer>()
        .ok()
        .map(|buffer| BigInt64Array::new(&buffer));
    let ticker = Ticker::try_new(Duration::from_secs_f64(interval_ms / 1000.0))?;

    let post_scope = scope.clone();
    let tick_memory = shared.clone();
    let epoch = Rc::new(Cell::new(0));
    let tick_epoch = Rc::clone(&epoch);
    ticker.on_tick(move |tick| {
        // The shared count first, then the message: a page that sees a tick
        // older than the shared count knows a newer message is on its way.
        store(&tick_memory, tick.count);
        let event = Event::Tick {
            epoch: tick_epoch.get(),
            count: tick.count as f64,
            missed: tick.missed as f64,
            deadline_ms: time_origin_ms() + tick.deadline_ms,
            lateness_ms: tick.lateness_ms,
        };
        let _ = post_scope.post_message(&event.encode());
    });

    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        handle(&reply_scope, &event.data());
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    HOST.with(|host| {
        *host.borrow_mut() = Some(Host {
            ticker,
            shared,
            epoch,
            _on_message: on_message,
        })
    });
    for message in queued.iter() {
        handle(&scope, &message);
    }
    Ok(())
}

fn handle(scope: &DedicatedWorkerGlobalScope, message: &JsValue) {
    let Some(order) = Order::decode(message) else {
        return; // not ours
    };
    if order.command == Command::Crash {
        // An uncaught error ends up in the page's `worker.onerror`.
        throw_later("the ThreadCounter worker was crashed on purpose (simulateCrash)");
        return;
    }
    let (value, count) = HOST.with(|host| {
        let host = host.borrow();
        let Some(host) = host.as_ref() else {
            return (false, 0);
        };
        host.epoch.set(order.epoch);
        let value = match order.command {
            Command::Start => host.ticker.start(),
            Command::Stop => host.ticker.stop(),
            Command::Reset => {
                host.ticker.reset();
                true
            }
            Command::Crash => false,
        };
        let count = host.ticker.count();
        store(&host.shared, count);
        (value, count)
    });
    let reply = Event::Reply {
        id: order.id,
        value,
        count: count as f64,
    };
    let _ = scope.post_message(&reply.encode());
}

/// Writes `count` into the shared memory, if there is one.
fn store(shared: &Option<BigInt64Array>, count: u64) {
    if let Some(shared) = shared {
        let _ = Atomics::store_bigint(shared, 0, count as i64);
    }
}
