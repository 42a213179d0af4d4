//! Tasks, sleeping, yielding and `try_block_on`, in a real browser.

mod support;

use std::cell::Cell;
use std::future::{pending, ready};
use std::rc::Rc;
use std::time::Duration;

use futures::channel::oneshot;
use futures::FutureExt;
use loopbridge::{
    gather, now_ms, sleep as rest, spawn, try_block_on, yield_now, JoinError, Mode, OnError,
};
use support::{sleep, DropObserver};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function timerFlag() {
  const flag = { fired: false };
  setTimeout(() => { flag.fired = true; }, 0);
  return flag;
}
export function messageFlag() {
  const flag = { fired: false };
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { flag.fired = true; channel.port1.close(); };
  channel.port2.postMessage(null);
  return flag;
}
export function inWebKit() {
  return /AppleWebKit/.test(navigator.userAgent) && !/Chrome\//.test(navigator.userAgent);
}
export function microtaskFlag() {
  const flag = { fired: false };
  queueMicrotask(() => { flag.fired = true; });
  return flag;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = timerFlag)]
    fn timer_flag() -> JsValue;
    #[wasm_bindgen(js_name = messageFlag)]
    fn message_flag() -> JsValue;
    #[wasm_bindgen(js_name = microtaskFlag)]
    fn microtask_flag() -> JsValue;
    #[wasm_bindgen(js_name = inWebKit)]
    fn in_webkit() -> bool;
}

fn fired(flag: &JsValue) -> bool {
    support::get(flag, "fired").is_truthy()
}

#[wasm_bindgen_test]
async fn a_spawned_task_hands_its_result_to_the_handle() {
    let handle = spawn(async {
        rest(Duration::from_millis(5)).await;
        6 * 7
    });
    assert_eq!(handle.await, Ok(42));
}

#[wasm_bindgen_test]
async fn an_error_inside_the_task_comes_out_of_the_handle() {
    let handle = spawn(async {
        rest(Duration::from_millis(1)).await;
        Err::<u8, String>("the task failed".into())
    });
    assert_eq!(handle.await, Ok(Err("the task failed".to_string())));
}

#[wasm_bindgen_test]
async fn a_task_starts_after_spawn_returns_not_inside_it() {
    let started = Rc::new(Cell::new(false));
    let flag = Rc::clone(&started);
    let handle = spawn(async move { flag.set(true) });
    assert!(!started.get(), "spawn only schedules");
    handle.await.unwrap();
    assert!(started.get());
}

#[wasm_bindgen_test]
async fn abort_cancels_the_task_and_drops_its_future() {
    let (observer, dropped) = DropObserver::new();
    let finished = Rc::new(Cell::new(false));
    let flag = Rc::clone(&finished);
    let handle = spawn(async move {
        let _keep = observer;
        rest(Duration::from_millis(30)).await;
        flag.set(true);
    });
    sleep(1).await;
    handle.abort();
    assert_eq!(handle.await, Err(JoinError::Aborted));
    sleep(0).await;
    assert!(dropped.get(), "the aborted future was dropped");
    sleep(40).await;
    assert!(!finished.get(), "the aborted task never finished");
}

#[wasm_bindgen_test]
async fn dropping_the_handle_cancels_the_task_and_detach_does_not() {
    let timers = support::track_timers();
    let cancelled_ran = Rc::new(Cell::new(false));
    let flag = Rc::clone(&cancelled_ran);
    let handle = spawn(async move {
        rest(Duration::from_millis(10)).await;
        flag.set(true);
    });
    sleep(1).await;
    drop(handle);
    sleep(20).await;
    assert!(!cancelled_ran.get(), "a dropped handle cancels its task");
    assert_eq!(timers.live(), 0, "and the task's timer was cleared");

    let detached_ran = Rc::new(Cell::new(false));
    let flag = Rc::clone(&detached_ran);
    spawn(async move {
        rest(Duration::from_millis(5)).await;
        flag.set(true);
    })
    .detach();
    support::wait_until("the detached task finishes", || detached_ran.get()).await;
    timers.restore();
}

#[wasm_bindgen_test]
async fn sleep_waits_at_least_its_duration_and_dropping_it_clears_the_timer() {
    let started = now_ms();
    rest(Duration::from_millis(20)).await;
    assert!(now_ms() - started >= 19.0);
    rest(Duration::ZERO).await;

    let timers = support::track_timers();
    let sleeping = rest(Duration::from_secs(3600));
    let handle = spawn(sleeping);
    sleep(1).await;
    assert_eq!(timers.live(), 1);
    drop(handle);
    sleep(0).await;
    assert_eq!(timers.live(), 0, "dropping a sleep clears its timer");
    timers.restore();
}

#[wasm_bindgen_test]
async fn yield_now_lets_queued_macrotasks_run() {
    let message = message_flag();
    let microtask = microtask_flag();
    yield_now().await;
    assert!(fired(&microtask));
    // Chromium and Firefox deliver messages of different channels in the
    // order they were posted, so there the first yield already lets it run;
    // WebKit does not keep that order, but a yield or two must.
    let allowed = if in_webkit() { 3 } else { 1 };
    let mut yields = 1;
    while !fired(&message) && yields < allowed {
        yield_now().await;
        yields += 1;
    }
    assert!(
        fired(&message),
        "a message posted before yield_now ran within {yields} yields"
    );

    // A loop of yields lets a 0 ms timer fire; a loop of microtasks never would.
    let timer = timer_flag();
    let mut yields = 0;
    while !fired(&timer) {
        yield_now().await;
        yields += 1;
        assert!(yields < 10_000, "the timer never got a turn");
    }
}

#[wasm_bindgen_test]
fn try_block_on_returns_a_ready_value_and_refuses_a_pending_one() {
    assert_eq!(try_block_on(ready("now")).ok(), Some("now"));
    let refused = try_block_on(pending::<u8>()).unwrap_err();
    let message = refused.to_string();
    assert!(message.contains("one thread"), "{message}");
    assert!(message.contains("await"), "{message}");
}

#[wasm_bindgen_test]
async fn a_refused_future_can_still_be_awaited_later() {
    let handle = spawn(async { 5 });
    let refused = try_block_on(handle).unwrap_err();
    assert_eq!(refused.into_future().await, Ok(5));

    let finished = spawn(async { 8 });
    sleep(0).await;
    assert_eq!(
        try_block_on(finished).ok(),
        Some(Ok(8)),
        "a finished task is ready"
    );
}

#[wasm_bindgen_test]
async fn a_thousand_sleeps_share_one_browser_timer() {
    let timers = support::track_timers();
    let handles: Vec<_> = (0..1000u32)
        .map(|i| spawn(rest(Duration::from_millis(20 + u64::from(i % 5)))))
        .collect();
    sleep(2).await;
    assert_eq!(timers.live(), 1, "one timer for every pending sleep");
    for handle in handles {
        handle.await.unwrap();
    }
    sleep(0).await;
    assert_eq!(timers.live(), 0, "none left once they are done");
    timers.restore();
}

#[wasm_bindgen_test]
async fn sleeps_end_in_deadline_order_and_never_early() {
    let finished = Rc::new(std::cell::RefCell::new(Vec::new()));
    let started = now_ms();
    let handles: Vec<_> = [30u64, 10, 20, 10]
        .into_iter()
        .map(|ms| {
            let finished = Rc::clone(&finished);
            spawn(async move {
                rest(Duration::from_millis(ms)).await;
                finished.borrow_mut().push((ms, now_ms() - started));
            })
        })
        .collect();
    for handle in handles {
        handle.await.unwrap();
    }
    let finished = finished.borrow();
    let order: Vec<u64> = finished.iter().map(|&(ms, _)| ms).collect();
    assert_eq!(order, [10, 10, 20, 30]);
    for &(ms, elapsed) in finished.iter() {
        assert!(
            elapsed >= ms as f64,
            "a {ms} ms sleep ended after {elapsed} ms"
        );
    }
}

#[wasm_bindgen_test]
async fn dropping_the_earliest_sleep_leaves_the_others_waiting() {
    let timers = support::track_timers();
    let early = spawn(rest(Duration::from_millis(5)));
    let late = spawn(rest(Duration::from_millis(40)));
    sleep(1).await;
    drop(early);
    let started = now_ms();
    late.await.unwrap();
    assert!(
        now_ms() - started >= 30.0,
        "the later sleep still waited its time"
    );
    sleep(0).await;
    assert_eq!(timers.live(), 0);
    timers.restore();
}

#[wasm_bindgen_test]
async fn abort_after_the_task_finished_keeps_its_output() {
    let handle = spawn(async { 42 });
    sleep(0).await; // the task runs and finishes
    handle.abort();
    assert_eq!(handle.await, Ok(42));
}

#[wasm_bindgen_test]
async fn fail_fast_keeps_the_outcomes_of_tasks_ready_at_the_same_moment_and_cancels_the_rest() {
    // One trigger wakes tasks 0, 1 and 2 in the same poll; task 1 fails, so
    // tasks 0 and 2 are done at that very moment (and must say so). Task 3
    // waits for something that never comes: it is cancelled.
    let (fire, trigger) = oneshot::channel::<()>();
    let trigger = trigger.shared();
    let tasks: Vec<_> = (0..4)
        .map(|index| {
            let trigger = trigger.clone();
            async move {
                if index == 3 {
                    pending::<()>().await;
                }
                let _ = trigger.await;
                if index == 1 {
                    Err(format!("task {index} failed"))
                } else {
                    Ok(index)
                }
            }
            .boxed_local()
        })
        .collect();
    spawn(async move {
        yield_now().await; // every task is waiting by now
        let _ = fire.send(());
    })
    .detach();
    let records = gather(tasks, Mode::Concurrent, OnError::FailFast).await;
    let outcomes: Vec<_> = records.iter().map(|r| r.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        vec![
            Some(Ok(0)),
            Some(Err("task 1 failed".to_string())),
            Some(Ok(2)),
            None
        ]
    );
    assert!(
        records[3].end_ms.is_some(),
        "the cancelled task has its end"
    );
}
