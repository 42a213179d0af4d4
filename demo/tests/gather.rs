//! `gather`: sequential vs concurrent, collect vs fail-fast, as JS calls it.

mod exports;
#[path = "../../tests/support/mod.rs"]
mod support;

use exports as js;
use js_sys::Array;
use support::{error_kind, error_message, get, object, settle};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn run_gather(durations: &[f64], options: JsValue) -> Result<JsValue, JsValue> {
    let durations: Array = durations.iter().map(|&d| JsValue::from(d)).collect();
    settle(js::gather(durations.into(), options)).await
}

fn tasks(report: &JsValue) -> Vec<JsValue> {
    Array::from(&get(report, "tasks")).to_vec()
}

#[wasm_bindgen_test]
async fn concurrent_gather_takes_the_longest_task_and_sequential_the_sum() {
    let durations = [60.0, 60.0, 60.0];
    let sequential = run_gather(&durations, object(&[("mode", "sequential".into())]))
        .await
        .unwrap();
    let concurrent = run_gather(&durations, object(&[("mode", "concurrent".into())]))
        .await
        .unwrap();
    let total = |report: &JsValue| get(report, "totalMs").as_f64().unwrap();
    assert!(
        total(&sequential) >= 179.0,
        "sequential {}",
        total(&sequential)
    );
    assert!(
        total(&concurrent) < total(&sequential),
        "concurrent is faster"
    );
    assert!(total(&concurrent) >= 59.0);
    // Sequential tasks do not overlap; concurrent ones all start at once.
    let starts = |report: &JsValue| -> Vec<f64> {
        tasks(report)
            .iter()
            .map(|t| get(t, "startMs").as_f64().unwrap())
            .collect()
    };
    let ends = |report: &JsValue| -> Vec<f64> {
        tasks(report)
            .iter()
            .map(|t| get(t, "endMs").as_f64().unwrap())
            .collect()
    };
    let (s, e) = (starts(&sequential), ends(&sequential));
    assert!(s[1] >= e[0] && s[2] >= e[1], "sequential {s:?} {e:?}");
    let c = starts(&concurrent);
    assert!(
        c.iter().all(|start| *start < 30.0),
        "concurrent starts {c:?}"
    );
    for task in tasks(&concurrent) {
        assert_eq!(get(&task, "ok"), JsValue::TRUE);
        assert!(get(&task, "value").as_string().unwrap().contains("done"));
    }
}

#[wasm_bindgen_test]
async fn collect_reports_every_outcome_including_the_failure() {
    let options = object(&[("failIndex", 1.into()), ("onError", "collect".into())]);
    let report = run_gather(&[10.0, 5.0, 20.0], options).await.unwrap();
    let tasks = tasks(&report);
    assert_eq!(get(&tasks[0], "ok"), JsValue::TRUE);
    assert_eq!(get(&tasks[1], "ok"), JsValue::FALSE);
    assert!(get(&tasks[1], "error")
        .as_string()
        .unwrap()
        .contains("task 1 failed"));
    assert_eq!(get(&tasks[2], "ok"), JsValue::TRUE);
    assert!(tasks.iter().all(|t| get(t, "cancelled") == JsValue::FALSE));
}

#[wasm_bindgen_test]
async fn fail_fast_rejects_on_the_first_failure_and_cancels_the_rest() {
    let timers = support::track_timers();
    let options = object(&[("failIndex", 1.into()), ("onError", "failFast".into())]);
    let error = run_gather(&[200.0, 5.0, 300.0], options).await.unwrap_err();
    assert_eq!(error_kind(&error), "GatherError");
    assert_eq!(get(&error, "index"), 1);
    assert!(error_message(&error).contains("task 1 failed"));
    assert_eq!(timers.live(), 0, "the cancelled tasks' timers were cleared");
    timers.restore();
    let tasks = tasks(&get(&error, "report"));
    assert_eq!(get(&tasks[1], "ok"), JsValue::FALSE);
    for cancelled in [&tasks[0], &tasks[2]] {
        assert_eq!(get(cancelled, "cancelled"), JsValue::TRUE);
        assert!(
            get(cancelled, "endMs").as_f64().unwrap() < 150.0,
            "stopped early"
        );
    }

    let options = object(&[
        ("failIndex", 0.into()),
        ("onError", "failFast".into()),
        ("mode", "sequential".into()),
    ]);
    let error = run_gather(&[5.0, 5.0, 5.0], options).await.unwrap_err();
    let sequential = self::tasks(&get(&error, "report"));
    assert!(
        get(&sequential[1], "startMs").is_null(),
        "later tasks never start"
    );
    assert_eq!(get(&sequential[2], "cancelled"), JsValue::TRUE);
}

#[wasm_bindgen_test]
async fn fail_fast_reports_tasks_that_finished_with_the_failure_as_finished() {
    // The three sleeps share one timer, and the failing task is the last to
    // start: the other two are due no later than it, often in the same timer
    // task. (Which tasks end together depends on when each started; the
    // library's own test pins the same-moment case down.)
    let options = object(&[("failIndex", 2.into()), ("onError", "failFast".into())]);
    let error = run_gather(&[30.0, 30.0, 30.0], options).await.unwrap_err();
    assert_eq!(get(&error, "index"), 2);
    let tasks = tasks(&get(&error, "report"));
    assert_eq!(get(&tasks[2], "ok"), JsValue::FALSE);
    for finished in [&tasks[0], &tasks[1]] {
        assert_eq!(get(finished, "ok"), JsValue::TRUE, "{finished:?}");
        assert_eq!(get(finished, "cancelled"), JsValue::FALSE);
        assert!(get(finished, "value").as_string().unwrap().contains("done"));
    }
}
