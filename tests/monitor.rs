//! The loop monitor in a real browser: what it samples, what loopbridge
//! reports to it, its streams' queues against a reference model, and that
//! stopping or dropping it releases everything.

mod support;

use std::collections::VecDeque;
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use loopbridge::monitor::{self, LoopMonitor, MonitorOptions, SampleKind, Samples};
use loopbridge::{
    into_readable_stream, now_ms, sleep, spin_for, yield_now, LoopSample, StreamOptions, Ticker,
};
use support::model::{base_seed, Rng};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function supportsEntryType(type) {
  return (globalThis.PerformanceObserver?.supportedEntryTypes ?? []).includes(type);
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = supportsEntryType)]
    fn supports_entry_type(kind: &str) -> bool;

}

fn quiet() -> MonitorOptions {
    MonitorOptions {
        lag_interval: None,
        frames: false,
        long_tasks: false,
        capacity: 1000,
    }
}

/// Every sample the stream holds right now.
fn drain(samples: &mut Samples) -> Vec<LoopSample> {
    let mut taken = Vec::new();
    while let Some(Some(sample)) = samples.next().now_or_never() {
        taken.push(sample);
    }
    taken
}

/// Reads until a sample matches, or fails after `ms`.
async fn first(
    samples: &mut Samples,
    ms: u32,
    matches: impl Fn(&LoopSample) -> bool,
) -> LoopSample {
    let deadline = now_ms() + f64::from(ms);
    loop {
        let next = futures::select! {
            next = samples.next().fuse() => next,
            _ = support::sleep(ms).fuse() => None,
        };
        match next {
            Some(sample) if matches(&sample) => return sample,
            Some(_) if now_ms() < deadline => continue,
            _ => panic!("no matching sample within {ms} ms"),
        }
    }
}

#[wasm_bindgen_test]
async fn the_lag_probe_reports_how_late_its_timer_ran() {
    let monitor = LoopMonitor::new(MonitorOptions {
        lag_interval: Some(Duration::from_millis(20)),
        ..quiet()
    });
    let mut samples = monitor.samples();
    let calm = first(&mut samples, 2000, |s| s.kind == SampleKind::Lag).await;
    assert!(calm.duration_ms >= 0.0 && calm.start_ms <= now_ms());
    support::sleep(5).await; // inside the next probe's interval
    let blocked_at = now_ms();
    spin_for(150.0);
    let late = first(&mut samples, 2000, |s| {
        s.kind == SampleKind::Lag && s.duration_ms > 50.0
    })
    .await;
    assert!(
        late.start_ms >= blocked_at - 25.0,
        "due during the block: {late:?}"
    );
    assert!(
        late.duration_ms >= 100.0,
        "ran after the block ended: {late:?}"
    );
}

#[wasm_bindgen_test]
async fn a_tick_reports_its_count_lateness_and_the_ticks_it_folded() {
    let monitor = LoopMonitor::new(quiet());
    let mut samples = monitor.samples();
    let ticker = Ticker::new(Duration::from_millis(20));
    ticker.start();
    let tick = first(&mut samples, 2000, |s| {
        matches!(s.kind, SampleKind::Tick { .. })
    })
    .await;
    assert!(
        matches!(
            tick.kind,
            SampleKind::Tick {
                count: 1,
                missed: 0
            }
        ),
        "{tick:?}"
    );
    spin_for(110.0);
    let folded = first(
        &mut samples,
        2000,
        |s| matches!(s.kind, SampleKind::Tick { missed, .. } if missed > 0),
    )
    .await;
    let SampleKind::Tick { count, missed } = folded.kind else {
        unreachable!()
    };
    assert!(missed >= 3 && count >= 5, "{folded:?}");
    assert!(
        folded.duration_ms >= 60.0,
        "the catch-up delivery was late: {folded:?}"
    );
}

#[wasm_bindgen_test]
async fn sleeps_yields_and_stream_batches_are_reported() {
    let monitor = LoopMonitor::new(quiet());
    let mut samples = monitor.samples();
    let before = now_ms();
    sleep(Duration::from_millis(30)).await;
    yield_now().await;
    let readable = into_readable_stream(
        futures::stream::iter((0..3).map(Ok::<u32, JsValue>)),
        StreamOptions::default(),
    )
    .unwrap();
    let reader = support::reader(&readable);
    while support::read(&reader).await.unwrap().is_some() {}
    let taken = drain(&mut samples);
    let slept = taken
        .iter()
        .find(|s| s.kind == SampleKind::Sleep)
        .expect("a sleep sample");
    assert!(
        (slept.start_ms - before).abs() < 5.0 && slept.duration_ms >= 29.0,
        "{slept:?}"
    );
    assert!(
        taken.iter().any(|s| s.kind == SampleKind::Yield),
        "{taken:?}"
    );
    let chunks: u32 = taken
        .iter()
        .filter_map(|s| match s.kind {
            SampleKind::StreamBatch { chunks } => Some(chunks),
            _ => None,
        })
        .sum();
    assert_eq!(chunks, 3, "{taken:?}");
}

#[wasm_bindgen_test]
async fn a_monitor_stream_as_a_readable_stream_gives_plain_objects_and_does_not_describe_itself() {
    let monitor = LoopMonitor::new(quiet());
    let mut watcher = monitor.samples();
    let readable = monitor.samples().into_readable_stream().unwrap();
    let reader = support::reader(&readable);
    for round in 0..20 {
        if round % 2 == 1 {
            // Past the read slice (10 ms): the next read waits a macrotask,
            // a yield of the monitor's own stream, which it must not report.
            spin_for(15.0);
        }
        monitor::mark(&format!("mark {round}"), 5.0, 2.0);
        let sample = support::read(&reader).await.unwrap().expect("a sample");
        assert_eq!(
            support::get(&sample, "type").as_string().as_deref(),
            Some("mark")
        );
        assert_eq!(
            support::get(&sample, "name").as_string(),
            Some(format!("mark {round}"))
        );
        assert_eq!(support::get(&sample, "start").as_f64(), Some(5.0));
        assert_eq!(support::get(&sample, "duration").as_f64(), Some(2.0));
    }
    support::sleep(20).await;
    let seen = drain(&mut watcher);
    assert_eq!(
        seen.len(),
        20,
        "only the marks, no batches or yields of the readable stream: {seen:?}"
    );
    monitor.stop();
    assert!(
        support::read(&reader).await.unwrap().is_none(),
        "stopping ends the readable stream"
    );
}

#[wasm_bindgen_test]
async fn long_tasks_are_reported_where_the_browser_does() {
    if !supports_entry_type("longtask") {
        return; // Firefox and WebKit report no long tasks
    }
    let monitor = LoopMonitor::new(MonitorOptions {
        long_tasks: true,
        ..quiet()
    });
    let mut samples = monitor.samples();
    support::sleep(0).await;
    spin_for(120.0);
    let long = first(&mut samples, 3000, |s| s.kind == SampleKind::LongTask).await;
    assert!(long.duration_ms >= 100.0, "{long:?}");
}

#[wasm_bindgen_test]
async fn frames_are_reported_only_when_asked_for() {
    let monitor = LoopMonitor::new(MonitorOptions {
        frames: true,
        ..quiet()
    });
    assert!(monitor.reports_frames());
    let mut samples = monitor.samples();
    let frame = first(&mut samples, 3000, |s| s.kind == SampleKind::Frame).await;
    assert!(frame.duration_ms > 0.0, "{frame:?}");
    let plain = LoopMonitor::new(quiet());
    assert!(!plain.reports_frames());
}

#[wasm_bindgen_test]
async fn loopbridge_records_its_events_only_while_a_stream_is_open() {
    assert!(!monitor::is_recording());
    let monitor = LoopMonitor::new(quiet());
    assert!(
        !monitor::is_recording(),
        "a monitor nobody reads records nothing"
    );
    let samples = monitor.samples();
    assert!(monitor::is_recording());
    drop(samples);
    assert!(!monitor::is_recording(), "dropping the stream unsubscribes");
    let _samples = monitor.samples();
    drop(monitor);
    assert!(
        !monitor::is_recording(),
        "dropping the monitor closes its streams"
    );
}

#[wasm_bindgen_test]
async fn stop_ends_every_stream_after_what_it_holds_and_releases_the_probes() {
    let tracker = support::track_timers();
    let monitor = LoopMonitor::new(MonitorOptions {
        lag_interval: Some(Duration::from_millis(10)),
        ..quiet()
    });
    let (mut a, mut b) = (monitor.samples(), monitor.samples());
    monitor::mark("held", now_ms(), 1.0);
    assert!(monitor.stop());
    assert!(!monitor.stop());
    assert_eq!(tracker.live(), 0, "no timer left");
    for stream in [&mut a, &mut b] {
        let held = stream.next().await.expect("the held mark");
        assert_eq!(
            held.kind,
            SampleKind::Mark {
                name: "held".into()
            }
        );
        assert_eq!(stream.next().await, None);
    }
    assert_eq!(
        monitor.samples().next().await,
        None,
        "a stream of a stopped monitor ends at once"
    );
    assert!(monitor.start());
    let mut again = monitor.samples();
    first(&mut again, 2000, |s| s.kind == SampleKind::Lag).await;
    drop(monitor);
    assert_eq!(tracker.live(), 0);
    tracker.restore();
}

/// A stream's queue against a reference model: at most `capacity` samples,
/// the oldest dropped first and counted in one `Dropped` before the rest.
#[wasm_bindgen_test]
async fn a_streams_queue_matches_its_model_over_random_sequences() {
    let seed = base_seed(0x6d6f_6e69);
    for run in 0..200 {
        let mut rng = Rng::new(seed.wrapping_add(run));
        let capacity = 1 + rng.below(6) as usize;
        let monitor = LoopMonitor::new(MonitorOptions {
            capacity,
            ..quiet()
        });
        let mut samples = monitor.samples();
        let mut model: VecDeque<String> = VecDeque::new();
        let mut dropped = 0u64;
        let mut closed = false;
        for step in 0..40 {
            match rng.below(10) {
                0..=5 => {
                    let name = format!("{run}.{step}");
                    monitor::mark(&name, 0.0, 0.0);
                    if !closed {
                        if model.len() == capacity {
                            model.pop_front();
                            dropped += 1;
                        }
                        model.push_back(name);
                    }
                }
                6..=8 => {
                    let got = samples.next().now_or_never();
                    let want = if dropped > 0 {
                        Some(Some(SampleKind::Dropped {
                            count: std::mem::take(&mut dropped),
                        }))
                    } else if let Some(name) = model.pop_front() {
                        Some(Some(SampleKind::Mark { name }))
                    } else if closed {
                        Some(None)
                    } else {
                        None
                    };
                    assert_eq!(
                        got.map(|s| s.map(|s| s.kind)),
                        want,
                        "seed {:#x} step {step}",
                        seed.wrapping_add(run)
                    );
                }
                _ => {
                    monitor.stop();
                    closed = true;
                }
            }
        }
    }
}
