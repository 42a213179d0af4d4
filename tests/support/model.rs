//! A scripted Rust producer for the model-based stream tests, and the small
//! seeded random generator that writes the scripts. A script is a list of
//! items, each ready at once or only later (after a microtask, a macrotask
//! or a short timer), then an end, a failure, or nothing ever.

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::fmt;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures::future::LocalBoxFuture;
use futures::{FutureExt, Stream};
use wasm_bindgen::JsValue;

/// mulberry32: small, fast, and the same sequence in every browser.
#[derive(Debug, Clone)]
pub struct Rng(u32);

impl Rng {
    pub fn new(seed: u32) -> Rng {
        Rng(seed)
    }

    pub fn next_u32(&mut self) -> u32 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        t ^ (t >> 14)
    }

    /// 0..n
    pub fn below(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        ((u64::from(self.next_u32()) * u64::from(n)) >> 32) as u32
    }

    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u32) as usize]
    }
}

/// The seed of a run: `LOOPBRIDGE_MODEL_SEED` at build time, or `default`.
pub fn base_seed(default: u32) -> u32 {
    option_env!("LOOPBRIDGE_MODEL_SEED")
        .and_then(|text| {
            let text = text.trim();
            match text.strip_prefix("0x") {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => text.parse().ok(),
            }
        })
        .unwrap_or(default)
}

/// How many cases a run tries: `LOOPBRIDGE_MODEL_CASES` at build time, or `default`.
pub fn case_count(default: u32) -> u32 {
    option_env!("LOOPBRIDGE_MODEL_CASES")
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(default)
}

/// When an item (or the ending) becomes ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ready {
    Now,
    AfterMicrotask,
    AfterMacrotask,
    AfterMs(u32),
}

/// What comes after the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    End,
    Fail,
    /// The producer never says anything more.
    Never,
}

#[derive(Debug, Clone)]
pub struct Script {
    pub items: Vec<Ready>,
    pub ending: Ending,
    pub ending_ready: Ready,
}

impl Script {
    pub fn random(rng: &mut Rng, max_items: u32) -> Script {
        let count = match rng.below(10) {
            0 => 0,
            1..=6 => rng.below(12),
            _ => rng.below(max_items + 1),
        };
        // Mostly all at once or all later; sometimes mixed item by item.
        let style = rng.below(4);
        let ready = |rng: &mut Rng| match style {
            0 => Ready::Now,
            1 => Ready::AfterMicrotask,
            _ => match rng.below(20) {
                0..=9 => Ready::Now,
                10..=14 => Ready::AfterMicrotask,
                15..=18 => Ready::AfterMacrotask,
                _ => Ready::AfterMs(rng.below(3)),
            },
        };
        let items = (0..count).map(|_| ready(&mut *rng)).collect();
        let ending = match rng.below(10) {
            0..=4 => Ending::End,
            5..=8 => Ending::Fail,
            _ => Ending::Never,
        };
        let ending_ready = ready(rng);
        Script {
            items,
            ending,
            ending_ready,
        }
    }

    /// The chunk for item `index`: a string, so text consumers work too.
    pub fn chunk(index: usize) -> String {
        format!("{index};")
    }

    pub fn failure_message(&self) -> String {
        format!("failed after {} items", self.items.len())
    }
}

/// What happened to a scripted producer.
#[derive(Debug, Default)]
pub struct Log {
    /// Items handed out.
    pub produced: Cell<usize>,
    /// Polled again after it ended or failed (must never happen).
    pub polled_after_ending: Cell<bool>,
    pub dropped: Cell<bool>,
}

/// The producer: a Rust stream that follows its script.
pub struct Scripted {
    script: Script,
    next: usize,
    ended: bool,
    wait: Option<LocalBoxFuture<'static, ()>>,
    log: Rc<Log>,
}

impl Scripted {
    pub fn new(script: Script) -> (Scripted, Rc<Log>) {
        let log = Rc::new(Log::default());
        let producer = Scripted {
            script,
            next: 0,
            ended: false,
            wait: None,
            log: Rc::clone(&log),
        };
        (producer, log)
    }
}

fn wait_for(ready: Ready) -> Option<LocalBoxFuture<'static, ()>> {
    match ready {
        Ready::Now => None,
        Ready::AfterMicrotask => Some(
            wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL))
                .map(|_| ())
                .boxed_local(),
        ),
        Ready::AfterMacrotask => Some(loopbridge::yield_now().boxed_local()),
        Ready::AfterMs(ms) => Some(gloo_timers::future::TimeoutFuture::new(ms).boxed_local()),
    }
}

impl Stream for Scripted {
    type Item = Result<JsValue, JsValue>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.ended {
            self.log.polled_after_ending.set(true);
            return Poll::Ready(None);
        }
        let index = self.next;
        let ready = match self.script.items.get(index) {
            Some(ready) => *ready,
            None => self.script.ending_ready,
        };
        if self.wait.is_none() {
            self.wait = wait_for(ready);
            if self.wait.is_none() && ready != Ready::Now {
                unreachable!("every later readiness has a future");
            }
        }
        if let Some(wait) = self.wait.as_mut() {
            if wait.poll_unpin(cx).is_pending() {
                return Poll::Pending;
            }
            self.wait = None;
        }
        if index < self.script.items.len() {
            self.next += 1;
            self.log.produced.set(self.log.produced.get() + 1);
            return Poll::Ready(Some(Ok(Script::chunk(index).into())));
        }
        match self.script.ending {
            Ending::End => {
                self.ended = true;
                Poll::Ready(None)
            }
            Ending::Fail => {
                self.ended = true;
                let error = js_sys::Error::new(&self.script.failure_message());
                Poll::Ready(Some(Err(error.into())))
            }
            Ending::Never => Poll::Pending,
        }
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        self.log.dropped.set(true);
    }
}

impl fmt::Debug for Scripted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scripted")
            .field("next", &self.next)
            .finish()
    }
}

/// A failure description collected by a case.
#[derive(Debug, Default)]
pub struct Failures(RefCell<Vec<String>>);

impl Failures {
    pub fn add(&self, what: String) {
        self.0.borrow_mut().push(what);
    }

    pub fn take(&self) -> Vec<String> {
        self.0.take()
    }
}
