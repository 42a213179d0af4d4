//! [`LoopMonitor`] and its [`Samples`] streams.

use std::cell::RefCell;
use std::fmt;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{FusedStream, Stream, StreamExt};
use wasm_bindgen::JsValue;
use web_sys::ReadableStream;

use super::probes::{Frames, LagProbe, LongTasks};
use super::recorder::Sink;
use super::sample::LoopSample;
use crate::stream::{bridge, StreamOptions};

/// What a [`LoopMonitor`] watches.
#[derive(Debug, Clone, PartialEq)]
pub struct MonitorOptions {
    /// How often to probe the loop's lag with a timer; `None` for no probe.
    /// Default: 100 ms.
    pub lag_interval: Option<Duration>,
    /// Whether to report every animation frame's time. Default: `false`
    /// (a frame callback keeps the page rendering, which costs power).
    pub frames: bool,
    /// Whether to report long tasks and long animation frames where the
    /// browser does. Default: `true`.
    pub long_tasks: bool,
    /// Samples each [`Samples`] stream holds for a slow reader; past that the
    /// oldest are dropped (and counted). Default: 1,000.
    pub capacity: usize,
}

impl Default for MonitorOptions {
    fn default() -> MonitorOptions {
        MonitorOptions {
            lag_interval: Some(Duration::from_millis(100)),
            frames: false,
            long_tasks: true,
            capacity: 1000,
        }
    }
}

/// Watches the event loop while running and hands what it sees to every
/// [`Samples`] stream taken from it: timer lag, long tasks, frames, and
/// loopbridge's own events (see [`SampleKind`](super::SampleKind)).
///
/// [`stop`](LoopMonitor::stop) (or dropping the monitor) releases its timer,
/// observer and frame callback and ends its streams after what they hold.
///
/// # Examples
///
/// ```no_run
/// use futures::StreamExt;
/// use loopbridge::monitor::{LoopMonitor, MonitorOptions, SampleKind};
///
/// # async fn run() {
/// let monitor = LoopMonitor::new(MonitorOptions::default());
/// let mut samples = monitor.samples();
/// while let Some(sample) = samples.next().await {
///     if sample.kind == SampleKind::Lag && sample.duration_ms > 50.0 {
///         web_sys::console::log_1(&format!("the loop was {} ms late", sample.duration_ms).into());
///     }
/// }
/// # }
/// ```
#[must_use = "a LoopMonitor stops when it is dropped"]
pub struct LoopMonitor {
    options: MonitorOptions,
    streams: Rc<Streams>,
    probes: RefCell<Option<Probes>>,
}

/// The open streams of one monitor.
#[derive(Debug, Default)]
pub(super) struct Streams {
    sinks: RefCell<Vec<Weak<Sink>>>,
}

impl Streams {
    /// Hands `sample` to every open stream of this monitor.
    pub(super) fn push(&self, sample: LoopSample) {
        let sinks: Vec<Rc<Sink>> = self
            .sinks
            .borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        for sink in sinks {
            sink.push(sample.clone());
        }
    }

    fn close_all(&self) {
        let sinks = std::mem::take(&mut *self.sinks.borrow_mut());
        for sink in sinks.iter().filter_map(Weak::upgrade) {
            sink.close();
        }
    }
}

/// What a running monitor holds.
#[allow(dead_code)] // held for their Drop
struct Probes {
    lag: Option<Rc<LagProbe>>,
    long_tasks: Option<LongTasks>,
    frames: Option<Rc<Frames>>,
}

impl LoopMonitor {
    /// Starts watching the loop.
    pub fn new(options: MonitorOptions) -> LoopMonitor {
        let monitor = LoopMonitor {
            options,
            streams: Rc::new(Streams::default()),
            probes: RefCell::new(None),
        };
        monitor.start();
        monitor
    }

    /// Watches again after [`stop`](LoopMonitor::stop); returns `false` (and
    /// changes nothing) if it was running.
    pub fn start(&self) -> bool {
        let mut probes = self.probes.borrow_mut();
        if probes.is_some() {
            return false;
        }
        let streams = Rc::downgrade(&self.streams);
        let lag = self
            .options
            .lag_interval
            .map(|interval| LagProbe::start(streams.clone(), interval.as_secs_f64() * 1000.0));
        let long_tasks = self
            .options
            .long_tasks
            .then(|| LongTasks::observe(streams.clone()));
        let frames = if self.options.frames {
            Frames::start(streams)
        } else {
            None
        };
        *probes = Some(Probes {
            lag,
            long_tasks,
            frames,
        });
        true
    }

    /// Stops watching: releases the timer, observer and frame callback, and
    /// ends every stream after the samples it holds. Returns `false` if it
    /// was already stopped. Nothing is recorded after this returns.
    pub fn stop(&self) -> bool {
        let probes = self.probes.borrow_mut().take();
        self.streams.close_all();
        probes.is_some()
    }

    /// Whether the monitor is watching.
    pub fn is_running(&self) -> bool {
        self.probes.borrow().is_some()
    }

    /// Whether frames are being reported: asked for, and the thread has
    /// animation frames.
    pub fn reports_frames(&self) -> bool {
        self.probes
            .borrow()
            .as_ref()
            .is_some_and(|probes| probes.frames.is_some())
    }

    /// The options it was made with.
    pub fn options(&self) -> &MonitorOptions {
        &self.options
    }

    /// A new stream of what the monitor sees from now on. It ends when the
    /// monitor stops or is dropped (one taken while stopped ends at once).
    /// Dropping it unsubscribes.
    pub fn samples(&self) -> Samples {
        let sink = Sink::open(self.options.capacity);
        if self.is_running() {
            let mut sinks = self.streams.sinks.borrow_mut();
            sinks.retain(|sink| sink.strong_count() > 0);
            sinks.push(Rc::downgrade(&sink));
        } else {
            sink.close();
        }
        Samples { sink }
    }
}

impl Drop for LoopMonitor {
    fn drop(&mut self) {
        self.stop();
    }
}

impl fmt::Debug for LoopMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopMonitor")
            .field("options", &self.options)
            .field("running", &self.is_running())
            .finish()
    }
}

/// What a [`LoopMonitor`] sees, from [`LoopMonitor::samples`]: its own
/// probes' samples and loopbridge's events, in the order they were recorded.
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct Samples {
    sink: Rc<Sink>,
}

impl Samples {
    /// The stream as a web `ReadableStream` of plain objects
    /// ([`LoopSample::to_js`]). Its own batches are not reported to monitors
    /// (reading it would otherwise describe itself without end).
    ///
    /// # Errors
    ///
    /// What the `ReadableStream` constructor throws (only where web streams are missing).
    pub fn into_readable_stream(self) -> Result<ReadableStream, JsValue> {
        let samples = self.map(|sample| Ok::<_, JsValue>(sample.to_js()));
        bridge(samples, StreamOptions::default(), false)
    }
}

impl Stream for Samples {
    type Item = LoopSample;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<LoopSample>> {
        match self.sink.take(cx.waker()) {
            Some(next) => Poll::Ready(next),
            None => Poll::Pending,
        }
    }
}

impl FusedStream for Samples {
    fn is_terminated(&self) -> bool {
        self.sink.is_done()
    }
}
