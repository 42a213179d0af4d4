//! [`LoopSample`]: one thing a [`LoopMonitor`](super::LoopMonitor) saw, and
//! its JS form.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// One observation of the event loop, on the `performance.now()` clock of
/// the thread that made it (milliseconds).
#[derive(Debug, Clone, PartialEq)]
pub struct LoopSample {
    /// What was observed.
    pub kind: SampleKind,
    /// When it started; for a late event, when it was due.
    pub start_ms: f64,
    /// How long it lasted; for a late event, how late it ran (0 for a moment).
    pub duration_ms: f64,
}

/// What a [`LoopSample`] observed.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SampleKind {
    /// A timer probe ran: `start_ms` is when it was due, `duration_ms` how
    /// late it ran (the loop's lag at that moment).
    Lag,
    /// An animation frame: `duration_ms` since the previous one.
    Frame,
    /// A task of 50 ms or more (`longtask`).
    LongTask,
    /// A frame delayed 50 ms or more by work (`long-animation-frame`).
    LongAnimationFrame {
        /// The part of it that blocked input (`blockingDuration`).
        blocking_ms: f64,
        /// The longest script that ran in it, where the browser says
        /// (its `invoker`, e.g. `TimerHandler:setTimeout`).
        script: Option<String>,
    },
    /// A [`Ticker`](crate::Ticker) delivered `count`: `start_ms` is its
    /// deadline, `duration_ms` its lateness.
    Tick {
        /// The count delivered.
        count: u64,
        /// Ticks folded into this delivery.
        missed: u64,
    },
    /// A [`sleep`](crate::sleep) ended: from when it began to when its timer fired.
    Sleep,
    /// A task gave the event loop a turn ([`yield_now`](crate::yield_now),
    /// or a stream's time slice ending).
    Yield,
    /// A stream bridged to JS handed a batch of chunks to its queue.
    StreamBatch {
        /// Chunks in the batch.
        chunks: u32,
    },
    /// A counter on a worker's thread counted, at `start_ms` on this clock.
    WorkerTick {
        /// The worker's count.
        count: u64,
    },
    /// A worker's blocking call to this page: from its request to its answer.
    BlockingCall {
        /// Whether the page's function fulfilled.
        ok: bool,
    },
    /// The counter shared by every tab ticked (here, or in the leading tab).
    SharedTick {
        /// The shared count.
        count: u64,
        /// Whether this tab leads (runs the ticker).
        leader: bool,
    },
    /// A mark of your own ([`mark`](super::mark)).
    Mark {
        /// Its name.
        name: String,
    },
    /// Samples lost because the stream's reader fell behind its capacity:
    /// this many of the oldest were dropped.
    Dropped {
        /// How many.
        count: u64,
    },
}

impl SampleKind {
    /// The kind's name in JS (`"lag"`, `"long-task"`, `"tick"`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            SampleKind::Lag => "lag",
            SampleKind::Frame => "frame",
            SampleKind::LongTask => "long-task",
            SampleKind::LongAnimationFrame { .. } => "long-animation-frame",
            SampleKind::Tick { .. } => "tick",
            SampleKind::Sleep => "sleep",
            SampleKind::Yield => "yield",
            SampleKind::StreamBatch { .. } => "stream-batch",
            SampleKind::WorkerTick { .. } => "worker-tick",
            SampleKind::BlockingCall { .. } => "blocking-call",
            SampleKind::SharedTick { .. } => "shared-tick",
            SampleKind::Mark { .. } => "mark",
            SampleKind::Dropped { .. } => "dropped",
        }
    }
}

impl LoopSample {
    /// The sample as a plain JS object: `{ type, start, duration }` and what
    /// its kind adds (`count`, `missed`, `chunks`, `ok`, `leader`, `name`,
    /// `blockingDuration`, `script`), as the npm package's `LoopSample`.
    pub fn to_js(&self) -> JsValue {
        let object = Object::new();
        let set = |key: &str, value: JsValue| {
            // Defining a data property on a fresh plain object cannot fail.
            let _ = Reflect::set(&object, &key.into(), &value);
        };
        set("type", self.kind.name().into());
        set("start", self.start_ms.into());
        set("duration", self.duration_ms.into());
        match &self.kind {
            SampleKind::LongAnimationFrame {
                blocking_ms,
                script,
            } => {
                set("blockingDuration", (*blocking_ms).into());
                set(
                    "script",
                    script.as_deref().map_or(JsValue::NULL, JsValue::from),
                );
            }
            SampleKind::Tick { count, missed } => {
                set("count", (*count as f64).into());
                set("missed", (*missed as f64).into());
            }
            SampleKind::StreamBatch { chunks } => set("chunks", (*chunks).into()),
            SampleKind::WorkerTick { count } | SampleKind::Dropped { count } => {
                set("count", (*count as f64).into());
            }
            SampleKind::BlockingCall { ok } => set("ok", (*ok).into()),
            SampleKind::SharedTick { count, leader } => {
                set("count", (*count as f64).into());
                set("leader", (*leader).into());
            }
            SampleKind::Mark { name } => set("name", name.as_str().into()),
            SampleKind::Lag
            | SampleKind::Frame
            | SampleKind::LongTask
            | SampleKind::Sleep
            | SampleKind::Yield => {}
        }
        object.into()
    }
}
