//! `SharedCounter`: two instances in one page stand in for two tabs (they
//! meet through the same BroadcastChannel, Web Lock and localStorage key).

#[path = "../../tests/support/mod.rs"]
mod support;

use loopbridge_npm::SharedCounter;
use support::{error_kind, object, sleep, wait_until};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn tab(name: &str, interval_ms: f64) -> SharedCounter {
    SharedCounter::new(object(&[
        ("name", name.into()),
        ("intervalMs", interval_ms.into()),
    ]))
    .unwrap()
}

/// A name no earlier run left state under.
fn fresh(name: &str) -> String {
    format!("{name}-{}", js_sys::Math::random())
}

#[wasm_bindgen_test]
async fn the_first_tab_leads_and_every_tab_sees_and_controls_the_same_counter() {
    let name = fresh("control");
    let first = tab(&name, 10.0);
    wait_until("the first tab is elected", || first.role() == "leader").await;
    let second = tab(&name, 10.0);
    sleep(20).await;
    assert_eq!(second.role(), "follower", "one leader at a time");

    assert!(second.start().unwrap(), "a follower can start it");
    wait_until("the leader hears of it", || first.running()).await;
    wait_until("both count", || {
        first.count() >= 3.0 && second.count() >= 3.0
    })
    .await;
    assert!(
        (first.count() - second.count()).abs() <= 1.0,
        "the same count everywhere"
    );

    let calls = support::js_counter();
    second.on_tick(calls.get(1)).unwrap();
    wait_until("the follower gets the leader's ticks", || {
        support::get(&calls.get(0), "calls").as_f64().unwrap() >= 2.0
    })
    .await;

    assert!(first.stop(), "the leader can stop it");
    assert!(!first.stop());
    wait_until("the follower hears of it", || !second.running()).await;
    let held = second.count();
    sleep(30).await;
    assert_eq!(second.count(), held);
    assert_eq!(first.count(), held);
}

#[wasm_bindgen_test]
async fn when_the_leader_goes_a_follower_takes_over_and_the_count_goes_on() {
    let name = fresh("takeover");
    let leader = tab(&name, 20.0);
    wait_until("elected", || leader.role() == "leader").await;
    let follower = tab(&name, 20.0);
    leader.start().unwrap();
    wait_until("counting", || follower.count() >= 3.0).await;
    let before = follower.count();
    drop(leader); // the tab closes
    wait_until("the follower takes over", || follower.role() == "leader").await;
    assert!(follower.running());
    assert!(follower.count() >= before, "nothing lost");
    let calls = support::js_counter();
    follower.on_tick(calls.get(1)).unwrap();
    wait_until("the new leader ticks", || {
        support::get(&calls.get(0), "calls").as_f64().unwrap() >= 2.0
    })
    .await;
    follower.stop();
}

#[wasm_bindgen_test]
async fn the_state_survives_when_the_only_tab_reloads() {
    let name = fresh("reload");
    let only = tab(&name, 10.0);
    only.start().unwrap();
    wait_until("counting", || only.count() >= 2.0).await;
    drop(only);
    sleep(30).await;
    let reloaded = tab(&name, 10.0);
    assert!(reloaded.running(), "still running after the reload");
    assert!(
        reloaded.count() >= 5.0,
        "the count went on meanwhile: {}",
        reloaded.count()
    );
    reloaded.stop();
    let stopped_at = reloaded.count();
    drop(reloaded);
    let again = tab(&name, 10.0);
    assert!(!again.running());
    assert_eq!(again.count(), stopped_at, "a stopped count is kept too");
}

#[wasm_bindgen_test]
fn bad_options_get_type_and_range_errors() {
    for (options, expected) in [
        (JsValue::from("x"), "TypeError"),
        (object(&[("intervalMs", (-1).into())]), "RangeError"),
        (object(&[("name", JsValue::NULL)]), "TypeError"),
    ] {
        let error = SharedCounter::new(options).unwrap_err();
        assert_eq!(error_kind(&error), expected);
    }
}

#[wasm_bindgen_test]
async fn the_tab_that_starts_a_run_sets_its_interval_for_every_tab() {
    let name = fresh("interval");
    let leader = tab(&name, 10.0);
    wait_until("elected", || leader.role() == "leader").await;
    let slow = tab(&name, 40.0);
    assert!(slow.start().unwrap());
    wait_until("the leader hears of it", || leader.running()).await;
    assert_eq!(leader.interval_ms(), 40.0);
    let calls = support::js_counter();
    leader.on_tick(calls.get(1)).unwrap();
    sleep(130).await;
    let ticks = support::get(&calls.get(0), "calls").as_f64().unwrap();
    assert!(
        ticks <= 4.0,
        "the leader ticks at the run's 40 ms, not its own 10 ms: {ticks} ticks"
    );
    assert!((leader.count() - slow.count()).abs() <= 1.0);
    leader.stop();
}

#[wasm_bindgen_test]
async fn changes_made_at_once_in_two_tabs_end_the_same_everywhere() {
    let name = fresh("race");
    let x = tab(&name, 10.0);
    wait_until("elected", || x.role() == "leader").await;
    let y = tab(&name, 10.0);
    // Neither has heard of the other's change yet.
    x.start().unwrap();
    y.reset().unwrap();
    sleep(30).await;
    assert_eq!(x.running(), y.running(), "both tabs keep the latest change");
    let reloaded = tab(&name, 10.0);
    assert_eq!(reloaded.running(), x.running(), "and so does localStorage");
    x.stop();
}

#[wasm_bindgen_test]
async fn a_tick_from_before_a_reset_in_another_tab_is_never_delivered() {
    let name = fresh("stale");
    let leader = tab(&name, 5.0);
    wait_until("the first tab is elected", || leader.role() == "leader").await;
    let follower = std::rc::Rc::new(tab(&name, 5.0));
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let sink = std::rc::Rc::clone(&seen);
    let on_follower = Closure::<dyn Fn(f64)>::new(move |count: f64| sink.borrow_mut().push(count));
    follower.on_tick(on_follower.as_ref().clone()).unwrap();
    // The leader has just posted a tick (of the run before the reset) when
    // the follower resets: that tick reaches the follower afterwards.
    let resetter = std::rc::Rc::clone(&follower);
    let reset_seen = std::rc::Rc::clone(&seen);
    let reset_done = std::rc::Rc::new(std::cell::Cell::new(false));
    let done = std::rc::Rc::clone(&reset_done);
    let on_leader = Closure::<dyn Fn(f64)>::new(move |count: f64| {
        if count >= 5.0 && !done.get() {
            resetter.reset().unwrap();
            reset_seen.borrow_mut().clear();
            done.set(true);
        }
    });
    leader.on_tick(on_leader.as_ref().clone()).unwrap();
    leader.start().unwrap();
    wait_until("the leader's callback resets the follower", || {
        reset_done.get()
    })
    .await;
    wait_until("the follower hears the run after the reset", || {
        seen.borrow().iter().any(|count| *count >= 3.0)
    })
    .await;
    assert!(
        seen.borrow().iter().all(|count| *count < 5.0),
        "no count of the run before the reset: {:?}",
        seen.borrow()
    );
    leader.stop();
}
