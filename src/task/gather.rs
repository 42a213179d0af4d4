//! Running several tasks one after another or all at once, like Python's
//! `asyncio.gather`, with every task's start and end time recorded.
//!
//! Differences from Python, on purpose:
//! - [`OnError::Collect`] is `gather(..., return_exceptions=True)`: every
//!   outcome comes back, failures included.
//! - [`OnError::FailFast`] is plain `gather(...)` but better behaved: on the
//!   first failure the remaining tasks are **cancelled** (their futures are
//!   dropped, so their timers are cleared), whereas asyncio lets them keep
//!   running in the background after `gather` has already raised.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::stream::{FuturesUnordered, StreamExt};
use futures::FutureExt;

use crate::web::clock::now_ms;

/// How [`gather`] runs its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Each task starts when the previous one has finished.
    Sequential,
    /// Every task starts at once; the total is the longest, not the sum.
    Concurrent,
}

/// What [`gather`] does when a task fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnError {
    /// Run every task and report every outcome.
    Collect,
    /// Stop at the first failure (in completion order) and cancel the rest.
    FailFast,
}

/// What happened to one task of a [`gather`].
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord<T, E> {
    /// The task's position in the input.
    pub index: usize,
    /// When it started (`performance.now()` ms); `None` if it never ran.
    pub start_ms: Option<f64>,
    /// When it finished or was cancelled; `None` if it never ran.
    pub end_ms: Option<f64>,
    /// Its result; `None` if it was cancelled or never started.
    pub outcome: Option<Result<T, E>>,
    /// When it finished relative to the others: 0 for the first task to
    /// finish, 1 for the next, ...; `None` if it never finished. With
    /// [`OnError::FailFast`], the failure that ended the run is the failed
    /// record with the lowest `finished` (times alone cannot tell tasks that
    /// ended within one clock tick apart).
    pub finished: Option<usize>,
}

/// Runs `tasks` in `mode` and returns a record per task, in input order.
///
/// With [`OnError::FailFast`] the first failure ends the run: tasks that had
/// finished by then keep their outcomes (even those the same timer ended a
/// moment later), tasks still running are cancelled (`outcome: None`,
/// `end_ms` the moment of cancellation) and, in sequential mode, later
/// tasks never start.
///
/// # Examples
///
/// ```no_run
/// # async fn run() {
/// use std::time::Duration;
/// use loopbridge::{gather, sleep, Mode, OnError};
///
/// let tasks = [300, 100, 200].map(|ms| async move {
///     sleep(Duration::from_millis(ms)).await;
///     Ok::<u64, String>(ms)
/// });
/// let records = gather(tasks, Mode::Concurrent, OnError::Collect).await;
/// assert!(records.iter().all(|r| matches!(r.outcome, Some(Ok(_)))));
/// # }
/// ```
pub async fn gather<I, F, T, E>(tasks: I, mode: Mode, on_error: OnError) -> Vec<TaskRecord<T, E>>
where
    I: IntoIterator<Item = F>,
    F: Future<Output = Result<T, E>> + 'static,
    T: 'static,
    E: 'static,
{
    let tasks: Vec<F> = tasks.into_iter().collect();
    let mut records: Vec<TaskRecord<T, E>> = (0..tasks.len())
        .map(|index| TaskRecord {
            index,
            start_ms: None,
            end_ms: None,
            outcome: None,
            finished: None,
        })
        .collect();
    let mut finished = 0..;
    match mode {
        Mode::Sequential => {
            for (record, task) in records.iter_mut().zip(tasks) {
                let (start_ms, outcome, end_ms) = timed(task).await;
                let failed = outcome.is_err();
                record.start_ms = Some(start_ms);
                record.end_ms = Some(end_ms);
                record.outcome = Some(outcome);
                record.finished = finished.next();
                if failed && on_error == OnError::FailFast {
                    break;
                }
            }
        }
        Mode::Concurrent => {
            // Every task is polled by this one future (no task of its own
            // each): they run concurrently on the one thread all the same,
            // and dropping the set cancels what is still running.
            let started: Rc<RefCell<Vec<Option<f64>>>> =
                Rc::new(RefCell::new(vec![None; records.len()]));
            let mut running: FuturesUnordered<_> = tasks
                .into_iter()
                .enumerate()
                .map(|(index, task)| {
                    let started = Rc::clone(&started);
                    async move {
                        started.borrow_mut()[index] = Some(now_ms());
                        let outcome = task.await;
                        (index, outcome, now_ms())
                    }
                })
                .collect();
            let mut record = |(index, outcome, end_ms): (usize, Result<T, E>, f64)| {
                let failed = outcome.is_err();
                records[index].end_ms = Some(end_ms);
                records[index].outcome = Some(outcome);
                records[index].finished = finished.next();
                failed
            };
            while let Some(done) = running.next().await {
                if record(done) && on_error == OnError::FailFast {
                    // Tasks that finished by the time the failure was seen
                    // (the same timer may have ended several) are finished,
                    // not cancelled: take their outcomes too.
                    while let Some(Some(done)) = running.next().now_or_never() {
                        record(done);
                    }
                    break;
                }
            }
            drop(running); // cancels whatever is still running
            let cancelled_at = now_ms();
            for (record, start_ms) in records.iter_mut().zip(started.borrow().iter()) {
                record.start_ms = *start_ms;
                if start_ms.is_some() && record.end_ms.is_none() {
                    record.end_ms = Some(cancelled_at);
                }
            }
        }
    }
    records
}

async fn timed<F: Future>(task: F) -> (f64, F::Output, f64) {
    let start_ms = now_ms();
    let output = task.await;
    (start_ms, output, now_ms())
}
