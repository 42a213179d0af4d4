//! [`LoopMonitor`]: samples of the real event loop, as a `Stream`.
//!
//! What a monitor reports (each a [`LoopSample`]: a [`SampleKind`], a start
//! and a duration on the `performance.now()` clock):
//!
//! - how late a timer task runs behind the moment it was due (a probe every
//!   [`MonitorOptions::lag_interval`]): the loop's lag;
//! - long tasks and long animation frames, where the browser reports them
//!   (`PerformanceObserver`; Chromium attributes a long frame to a script);
//! - frame times, when asked for ([`MonitorOptions::frames`]);
//! - loopbridge's own events: a counter tick delivered (with its lateness
//!   and folded ticks), a sleep fired, a task yielding, a stream batch
//!   enqueued, and what the npm package's workers report.
//!
//! Cheap when nobody reads it: loopbridge's events are recorded only while a
//! [`Samples`] stream is open, and a stopped or dropped monitor holds no
//! timer, observer or frame callback.

mod loop_monitor;
mod probes;
mod recorder;
mod sample;

pub use loop_monitor::{LoopMonitor, MonitorOptions, Samples};
pub use recorder::{is_recording, mark};
pub use sample::{LoopSample, SampleKind};

pub use recorder::record;
