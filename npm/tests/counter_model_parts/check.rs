//! The contract, checked over a sequence's log.

use super::log::{Event, Kind, What};

/// Checks a sequence's log against the contract; the first broken rule.
pub(crate) fn check(kind: Kind, events: &[Event]) -> Result<(), String> {
    let same_tab = |tab: usize| move |e: &&Event| e.tab == tab;
    let deliveries = |tab: usize| {
        events
            .iter()
            .filter(same_tab(tab))
            .filter_map(|e| match e.what {
                What::Delivery { count, .. } => Some((e.seq, count)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let ends = |tab: usize| {
        events
            .iter()
            .filter(|e| match e.what {
                What::Stop { was_running } => was_running && (kind == Kind::Shared || e.tab == tab),
                What::Free => e.tab == tab,
                _ => false,
            })
            .map(|e| e.seq)
            .collect::<Vec<_>>()
    };

    // Deliveries.
    let tabs = events.iter().map(|e| e.tab).max().unwrap_or(0) + 1;
    for tab in 0..tabs {
        let mut last: Option<u64> = None;
        let mut in_run = false;
        for event in events.iter().filter(same_tab(tab)) {
            match event.what {
                What::Start { was_running } => {
                    in_run = true;
                    if !was_running {
                        last = None;
                    }
                }
                What::Reset => last = None,
                What::Stop { .. } | What::Free if kind != Kind::Shared => in_run = false,
                What::Delivery {
                    count,
                    running,
                    counter_count,
                } => {
                    if kind != Kind::Shared && !in_run {
                        return Err(format!("#{}: delivery {count} outside a run", event.seq));
                    }
                    if kind != Kind::Thread && !running {
                        return Err(format!("#{}: delivery {count} while stopped", event.seq));
                    }
                    if count == 0 || count as f64 > counter_count {
                        return Err(format!(
                            "#{}: delivery {count} with the counter at {counter_count}",
                            event.seq
                        ));
                    }
                    if kind != Kind::Shared && last.is_some_and(|last| count <= last) {
                        return Err(format!("#{}: delivery {count} after {last:?}", event.seq));
                    }
                    last = Some(count);
                }
                _ => {}
            }
        }
    }

    // Streams.
    for created in events.iter() {
        let What::Created { stream } = created.what else {
            continue;
        };
        let tab = created.tab;
        // Deliveries of this stream's counter: a tab that reloads (`Free`)
        // has a new counter from then on.
        let freed = events
            .iter()
            .find(|e| e.tab == tab && e.seq > created.seq && e.what == What::Free)
            .map_or(usize::MAX, |free| free.seq);
        // And once its run has ended, a new run in this tab is not its own.
        let run_end = ends(tab).into_iter().find(|end| *end > created.seq);
        let next_run = run_end.and_then(|end| {
            events
                .iter()
                .find(|e| {
                    e.tab == tab && e.seq > end && e.what == What::Start { was_running: false }
                })
                .map(|start| start.seq)
        });
        let own_until = freed.min(next_run.unwrap_or(usize::MAX));
        let delivered: Vec<(usize, u64)> = deliveries(tab)
            .into_iter()
            .filter(|(seq, _)| *seq < own_until)
            .collect();
        // Resets clear what a stream holds: this tab's (another tab's reset
        // reaches a SharedCounter tab only later, when it hears of it). A new
        // run does not: a stream of the last run still gives its final count.
        let restarts: Vec<usize> = events
            .iter()
            .filter(|e| e.tab == tab && matches!(e.what, What::Reset))
            .map(|e| e.seq)
            .collect();
        let restart_between =
            |from: usize, to: usize| restarts.iter().any(|r| *r > from && *r < to);
        // The delivery the last chunk was.
        let mut taken = created.seq;
        let mut read_made = created.seq;
        let mut closed = None;
        for event in events.iter().filter(|e| e.seq > created.seq) {
            match event.what {
                What::ReadMade { stream: s } if s == stream => read_made = event.seq,
                What::Chunk { stream: s, count } if s == stream => {
                    let fresh = |d: &&(usize, u64)| d.0 > taken && d.0 < event.seq;
                    let fits = |&&(seq, c): &&(usize, u64)| {
                        if c != count || restart_between(seq, read_made) {
                            return false; // another count, or cleared before the read
                        }
                        if seq < read_made {
                            // Made before the read: it must be the latest one.
                            !delivered
                                .iter()
                                .filter(fresh)
                                .any(|d| d.0 > seq && d.0 < read_made)
                        } else {
                            // The read waited: the first one after it (one
                            // cleared by a restart before this one aside).
                            !delivered
                                .iter()
                                .filter(fresh)
                                .any(|d| d.0 > read_made && d.0 < seq && !restart_between(d.0, seq))
                        }
                    };
                    match delivered.iter().rev().filter(fresh).find(fits) {
                        Some((seq, _)) => taken = *seq,
                        None => {
                            let latest = delivered
                                .iter()
                                .rev()
                                .filter(fresh)
                                .find(|d| d.0 < read_made);
                            let next = delivered.iter().find(|d| d.0 > read_made);
                            return Err(format!(
                                "#{}: stream {stream} read {count}; at the read (#{read_made}) the \
                                 latest delivery was {latest:?}, the next {next:?}",
                                event.seq
                            ));
                        }
                    }
                }
                What::Closed { stream: s } if s == stream => {
                    closed = Some(event.seq);
                    break;
                }
                _ => {}
            }
        }
        match (closed, run_end) {
            (Some(close), Some(end)) if end < close => {
                // The run's final count: the last delivery before the close
                // that no restart made stale; the stream must have read it.
                // Its run ended at `end` in this tab; another tab's stop is
                // heard here a little later, before the next start at most.
                let upper = if events[end].tab == tab {
                    end
                } else {
                    events
                        .iter()
                        .find(|e| e.seq > end && matches!(e.what, What::Start { .. }))
                        .map_or(close, |start| start.seq.min(close))
                };
                let final_delivery = delivered
                    .iter()
                    .rev()
                    .filter(|(seq, _)| *seq > created.seq && *seq < upper)
                    .find(|(seq, _)| !restart_between(*seq, close));
                // Another tab's reset reaches this one at a time the log does
                // not show, and may rightly take a pending count back.
                let reset_elsewhere = events.iter().any(|e| {
                    e.tab != tab && e.what == What::Reset && e.seq > created.seq && e.seq < close
                });
                if let Some((seq, count)) = final_delivery.filter(|_| !reset_elsewhere) {
                    if *seq > taken {
                        return Err(format!(
                            "stream {stream} closed at #{close} without the run's final count \
                             {count} (#{seq})"
                        ));
                    }
                }
            }
            (Some(close), _) => {
                return Err(format!(
                    "stream {stream} closed at #{close} with no run ended"
                ))
            }
            (None, Some(end)) => {
                return Err(format!(
                    "stream {stream} still open after the run ended at #{end}"
                ))
            }
            (None, None) => {
                return Err(format!(
                    "stream {stream} has no run end (every sequence ends one)"
                ))
            }
        }
    }
    Ok(())
}
