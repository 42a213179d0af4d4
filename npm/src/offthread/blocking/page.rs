//! `BlockingWorker`: the page's side. It starts a dedicated module worker
//! running this same package, answers the worker's blocking calls with an
//! async JS function the page gives it, and asks the worker to run its sync
//! loop, whose results arrive as a `ReadableStream`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use loopbridge::__private::record;
use loopbridge::panic::ensure_alive;
use loopbridge::Error;
use loopbridge::{into_readable_stream, StreamOptions};
use loopbridge::{now_ms, LoopSample, SampleKind};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, Worker};

use super::channel::{Answer, Channel};
use super::messages::{FromWorker, Run};
use super::run_results::{run_results, ResultSender, RunResults};
use super::{
    isolated_without_shared_memory, isolation_problem, BlockingError, NOT_ISOLATED,
    NO_SHARED_MEMORY,
};
use crate::input::{describe, Options, MAX_TIMER_MS};
use crate::offthread::package_worker::{self, Host, WorkerHandlers, WorkerStarter};
use crate::output::plain_object;
use crate::platform;

#[wasm_bindgen(typescript_custom_section)]
const BLOCKING_TYPES: &str = r#"
/** What the worker's sync loop asks the page's handler, once per call. */
export interface SyncLoopRequest {
  /** 0, 1, ... */
  index: number;
  /** `"item <index>"`. */
  message: string;
  /** The run's `delayMs`. */
  delayMs: number;
}

/** Options for `new BlockingWorker`. */
export interface BlockingWorkerOptions {
  /** Answers each call from the worker. Its value, or what its Promise resolves
   *  to, crosses back as JSON; a throw or rejection crosses as the error's name
   *  and message. */
  handler: (request: SyncLoopRequest) => unknown;
  /** Bytes of UTF-8 JSON the shared buffer holds for one answer, 1 to
   *  1073741824. Default 1048576; a larger answer is a `RangeError` in the worker. */
  maxAnswerBytes?: number;
}

/** Options for `BlockingWorker.runSyncLoop`. */
export interface SyncLoopOptions {
  /** How many blocking calls the worker makes, 0 to 1000000. Default 5. */
  count?: number;
  /** Passed to the handler with each call, 0 to 2147483647. Default 300. */
  delayMs?: number;
  /** How long the worker waits for each answer before a `TimeoutError`. Default: no limit. */
  timeoutMs?: number;
  /** Aborting it cancels the run, like cancelling the stream. */
  signal?: AbortSignal;
}

/** One call of the worker's sync loop, as it came back to the worker.
 *  `blockedMs`: how long the worker's thread was blocked on it. */
export type SyncLoopResult =
  | { index: number; ok: true; value: unknown; blockedMs: number }
  | { index: number; ok: false; error: Error; blockedMs: number };
"#;

const DEFAULT_ANSWER_BYTES: f64 = 1_048_576.0;
const MAX_ANSWER_BYTES: f64 = 1_073_741_824.0;
const MAX_COUNT: f64 = 1_000_000.0;

/// A dedicated module Web Worker, running this same package, whose plain
/// synchronous Rust code may block on the page's async functions
/// (`block_on_page` in Rust): the Python original's `run_async` in a thread pool, where
/// blocking is allowed. The page stays free meanwhile.
///
/// Needs cross-origin isolation (COOP/COEP) for the `SharedArrayBuffer` the
/// answers cross through; the constructor says so otherwise. `free()`
/// terminates the worker, errors a run in progress and releases every
/// listener; cancelling a run's stream stops the worker's loop.
#[wasm_bindgen(private)]
pub struct BlockingWorker {
    inner: Rc<Inner>,
}

struct Inner {
    worker: Worker,
    channel: Channel,
    handler: Function,
    state: RefCell<State>,
    listeners: RefCell<Option<WorkerHandlers>>,
}

#[derive(Default)]
struct State {
    next_run: u32,
    /// The run in progress: its id, and where its results go.
    run: Option<(u32, ResultSender)>,
    ignored: u32,
    crashed: Option<String>,
}

impl std::fmt::Debug for BlockingWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingWorker")
            .field("max_answer_bytes", &self.inner.channel.capacity())
            .finish_non_exhaustive()
    }
}

impl BlockingWorker {
    /// Starts the worker with `starter`. `options.handler(request)` answers
    /// each of its calls; `maxAnswerBytes` sizes the shared buffer.
    ///
    /// # Errors
    ///
    /// `TypeError`/`RangeError` for bad options; an `Error` saying that
    /// cross-origin isolation (COOP/COEP) is needed when the page is not
    /// isolated; an `Error` if workers cannot be created here.
    pub fn new(options: JsValue, starter: &WorkerStarter) -> Result<BlockingWorker, JsValue> {
        ensure_alive()?;
        let parsed = Options::parse(&options, "BlockingWorker")?;
        let handler = match options.is_object() {
            true => Reflect::get(&options, &"handler".into())?,
            false => JsValue::UNDEFINED,
        };
        let handler: Function = handler.dyn_into().map_err(|value| {
            Error::Type(format!(
                "BlockingWorker: handler must be a function that answers the worker's calls, got {}",
                describe(&value)
            ))
        })?;
        let capacity = parsed
            .integer("maxAnswerBytes", 1.0, MAX_ANSWER_BYTES)?
            .unwrap_or(DEFAULT_ANSWER_BYTES);
        if let Some(why) = BlockingWorker::why_unavailable() {
            return Err(js_sys::Error::new(&why).into());
        }
        let channel = Channel::new(capacity as u32)?;

        let worker = package_worker::spawn(
            starter,
            Host::Blocking,
            &[("shared", channel.buffer().into())],
        )?;
        let inner = Rc::new(Inner {
            worker,
            channel,
            handler,
            state: RefCell::default(),
            listeners: RefCell::new(None),
        });
        inner.listen();
        Ok(BlockingWorker { inner })
    }

    /// Why a `BlockingWorker` cannot work here (no Web Workers, or the page
    /// is not cross-origin isolated), or `None` when it can.
    pub fn why_unavailable() -> Option<String> {
        if !package_worker::has_workers() {
            return Some(package_worker::no_workers("BlockingWorker"));
        }
        if isolated_without_shared_memory() {
            return Some(NO_SHARED_MEMORY.to_owned());
        }
        isolation_problem().map(|_| format!("BlockingWorker {NOT_ISOLATED}"))
    }
}

/// `BlockingWorker.whyUnavailable()`: why a `BlockingWorker` cannot work
/// here (no Web Workers, or the page is not cross-origin isolated), or
/// `undefined` when it can.
#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeWhyBlockingUnavailable, skip_typescript)]
pub fn why_blocking_unavailable() -> Option<String> {
    BlockingWorker::why_unavailable()
}

/// `new BlockingWorker(options)` for the package entry, which passes its
/// worker starter and wraps what this returns in the public class (see
/// `npm/js/api.js`).
#[doc(hidden)]
#[wasm_bindgen(js_name = __loopbridgeNewBlockingWorker, skip_typescript)]
pub fn new_blocking_worker(options: JsValue, starter: JsValue) -> Result<BlockingWorker, JsValue> {
    let starter = WorkerStarter::from_entry(&starter, "BlockingWorker")?;
    BlockingWorker::new(options, &starter)
}

#[wasm_bindgen]
impl BlockingWorker {
    /// Asks the worker to run its sync loop: `count` blocking calls, one
    /// after another, of the page's handler with `{ index, message:
    /// "item <index>", delayMs }`, each waiting at most `timeoutMs`. Each
    /// result (a value, or the error the worker got) is a chunk of the
    /// returned stream as soon as it is back in the worker; the stream
    /// closes when the loop ends. Cancelling the stream (or aborting
    /// `signal`) stops the loop, in the middle of a wait too.
    ///
    /// # Errors
    ///
    /// `TypeError`/`RangeError` for bad options; an `Error` while another
    /// run is in progress (one loop at a time) or after the worker crashed.
    #[wasm_bindgen(js_name = runSyncLoop, unchecked_return_type = "ReadableStream<SyncLoopResult>")]
    pub fn run_sync_loop(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SyncLoopOptions")] options: JsValue,
    ) -> Result<ReadableStream, JsValue> {
        ensure_alive()?;
        let options = Options::parse(&options, "BlockingWorker.runSyncLoop")?;
        let count = options.integer("count", 0.0, MAX_COUNT)?.unwrap_or(5.0);
        let delay_ms = options
            .number("delayMs", 0.0, MAX_TIMER_MS)?
            .unwrap_or(300.0);
        let timeout_ms = options.number("timeoutMs", 0.0, MAX_TIMER_MS)?;
        let signal = options.signal("signal")?;
        let results = self.inner.start_run(count as u32, delay_ms, timeout_ms)?;
        let options = StreamOptions {
            high_water_mark: 16,
            signal,
        };
        into_readable_stream(results, options)
    }

    /// Whether a run's loop is in progress.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.inner.state.borrow().run.is_some()
    }

    /// How many answers came after the worker had stopped waiting for them
    /// (timed out or cancelled) and were dropped.
    #[wasm_bindgen(getter, js_name = ignoredAnswers)]
    pub fn ignored_answers(&self) -> u32 {
        self.inner.state.borrow().ignored
    }

    /// Bytes of JSON one answer may take.
    #[wasm_bindgen(getter, js_name = maxAnswerBytes)]
    pub fn max_answer_bytes(&self) -> f64 {
        self.inner.channel.capacity() as f64
    }

    /// Why the worker stopped working, if it crashed.
    #[wasm_bindgen(getter, js_name = crashReason)]
    pub fn crash_reason(&self) -> Option<String> {
        self.inner.state.borrow().crashed.clone()
    }
}

impl Inner {
    fn listen(self: &Rc<Self>) {
        let (for_messages, for_errors) = (Rc::downgrade(self), Rc::downgrade(self));
        let handlers = package_worker::listen(
            &self.worker,
            move |data| {
                if let (Some(inner), Some(message)) =
                    (for_messages.upgrade(), FromWorker::decode(&data))
                {
                    inner.receive(message);
                }
            },
            move |message| {
                if let Some(inner) = for_errors.upgrade() {
                    inner.crash(message);
                }
            },
        );
        *self.listeners.borrow_mut() = Some(handlers);
    }

    fn start_run(
        self: &Rc<Self>,
        count: u32,
        delay_ms: f64,
        timeout_ms: Option<f64>,
    ) -> Result<RunResults, JsValue> {
        let mut state = self.state.borrow_mut();
        if let Some(reason) = &state.crashed {
            let message = format!("BlockingWorker: the worker crashed: {reason}");
            return Err(js_sys::Error::new(&message).into());
        }
        if state.run.is_some() {
            return Err(js_sys::Error::new(
                "BlockingWorker.runSyncLoop: a run is in progress (one loop at a time): \
                 cancel its stream or wait until it closes",
            )
            .into());
        }
        let run = state.next_run;
        let message = Run {
            run,
            count,
            delay_ms,
            timeout_ms,
            generation: self.channel.generation(),
        };
        self.worker.post_message(&message.encode())?;
        state.next_run = run.wrapping_add(1);
        let weak = Rc::downgrade(self);
        let (sender, results) = run_results(move || {
            if let Some(inner) = weak.upgrade() {
                inner.cancel_run(run);
            }
        });
        state.run = Some((run, sender));
        Ok(results)
    }

    /// Stops run `run` if it is still in progress: its stream was dropped.
    fn cancel_run(&self, run: u32) {
        let Ok(mut state) = self.state.try_borrow_mut() else {
            return;
        };
        if state.run.as_ref().is_some_and(|(active, _)| *active == run) {
            state.run = None;
            drop(state);
            self.channel.cancel();
        }
    }

    fn receive(self: &Rc<Self>, message: FromWorker) {
        match message {
            FromWorker::Call { id, request } => self.answer(id, &request),
            FromWorker::Result {
                run,
                index,
                outcome,
                blocked_ms,
            } => {
                let (ok, key, value) = match outcome {
                    Ok(value) => (true, "value", value),
                    Err((name, message)) => (
                        false,
                        "error",
                        BlockingError::Failed { name, message }.into(),
                    ),
                };
                let result = plain_object(&[
                    ("index", index.into()),
                    ("ok", ok.into()),
                    (key, value),
                    ("blockedMs", blocked_ms.into()),
                ]);
                if let Some((_, results)) =
                    self.state.borrow().run.as_ref().filter(|(r, _)| *r == run)
                {
                    results.send(Ok(result.into()));
                }
            }
            FromWorker::Done { run } => {
                let mut state = self.state.borrow_mut();
                if state.run.as_ref().is_some_and(|(active, _)| *active == run) {
                    state.run = None; // the stream closes after its last result
                }
            }
            FromWorker::Crashed { message } => self.crash(message),
        }
    }

    /// Calls the handler for call `id` and, once it settles, writes its
    /// answer into the channel. The task holds the worker weakly: after
    /// `free()` a settling handler finds nobody to answer, and ends.
    fn answer(self: &Rc<Self>, id: i32, request: &JsValue) {
        // No borrow is held: the handler may call back into this object.
        let asked_ms = now_ms();
        let called = self.handler.call1(&JsValue::UNDEFINED, request);
        let weak = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = match called {
                Ok(value) => match platform::resolve(&value) {
                    Ok(promise) => JsFuture::from(promise).await,
                    Err(error) => Err(error),
                },
                Err(error) => Err(error),
            };
            let ok = outcome.is_ok();
            record(|| LoopSample {
                kind: SampleKind::BlockingCall { ok },
                start_ms: asked_ms,
                duration_ms: now_ms() - asked_ms,
            });
            let Some(inner) = weak.upgrade() else {
                return;
            };
            if !inner.channel.answer(id, Answer::from_outcome(outcome)) {
                inner.state.borrow_mut().ignored += 1;
            }
        });
    }

    fn crash(&self, reason: String) {
        let mut state = self.state.borrow_mut();
        if state.crashed.is_some() {
            return;
        }
        let reason = reason.trim_start_matches("Uncaught ").to_owned();
        let message = format!("BlockingWorker: the worker crashed: {reason}");
        web_sys::console::error_1(&message.as_str().into());
        if let Some((_, results)) = state.run.take() {
            results.send(Err(js_sys::Error::new(&message).into()));
        }
        state.crashed = Some(reason);
        drop(state);
        self.worker.terminate();
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        package_worker::terminate_quietly(&self.worker);
        if let Some((_, results)) = self.state.get_mut().run.take() {
            let error = js_sys::Error::new("BlockingWorker was freed before the run ended");
            results.send(Err(error.into()));
        }
    }
}
