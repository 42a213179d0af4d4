//! `SharedCounter`: two instances in one page stand in for two tabs (they
//! meet through the same BroadcastChannel, Web Lock and localStorage key).

#[path = "../../tests/support/mod.rs"]
mod support;

use loopbridge_npm::SharedCounter;
use support::{calls, error_kind, object, sleep, wait_until};
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
        support::calls(&calls) >= 2.0
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
    wait_until("the new leader ticks", || support::calls(&calls) >= 2.0).await;
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
    let ticks = support::calls(&calls);
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

/// Lets every queued microtask run (a 0 ms timer fires after them).
async fn settle() {
    sleep(0).await;
}

#[wasm_bindgen_test]
async fn on_change_tells_each_tab_of_every_start_stop_reset_and_new_leader_but_not_ticks() {
    let name = fresh("on-change");
    let first = tab(&name, 10.0);
    let first_changes = support::js_counter();
    first.on_change(first_changes.get(1)).unwrap();
    wait_until("the first tab is elected", || first.role() == "leader").await;
    settle().await;
    assert_eq!(calls(&first_changes), 1.0, "told it leads");

    let second = tab(&name, 10.0);
    let second_changes = support::js_counter();
    second.on_change(second_changes.get(1)).unwrap();
    sleep(20).await;
    assert_eq!(
        calls(&second_changes),
        0.0,
        "a follower that joins: nothing changed"
    );

    second.start().unwrap();
    assert_eq!(calls(&second_changes), 0.0, "not called within start()");
    settle().await;
    assert_eq!(calls(&second_changes), 1.0, "its own start");
    wait_until("the other tab is told", || calls(&first_changes) == 2.0).await;

    // Ticks are not changes.
    wait_until("a few ticks", || first.count() >= 5.0).await;
    assert_eq!((calls(&first_changes), calls(&second_changes)), (2.0, 1.0));

    // Changes made in one turn: one call.
    second.reset().unwrap();
    second.reset().unwrap();
    assert!(second.stop());
    settle().await;
    assert_eq!(calls(&second_changes), 2.0, "three changes, one call");
    wait_until("the other tab is told", || !first.running()).await;
    settle().await;
    let told = calls(&first_changes);
    assert!(
        (3.0..=5.0).contains(&told),
        "one call per change it heard at most: {told}"
    );

    // Cleared: no more calls.
    first.on_change(JsValue::NULL).unwrap();
    second.start().unwrap();
    sleep(20).await;
    assert_eq!(calls(&first_changes), told);

    // The leader goes while the counter runs or not: the follower is told
    // it leads, without a tick to show it.
    assert!(second.stop());
    settle().await;
    let before = calls(&second_changes);
    drop(first);
    wait_until("the follower takes over", || second.role() == "leader").await;
    settle().await;
    assert_eq!(calls(&second_changes), before + 1.0, "told it leads");
    assert!(!second.running());
}

#[wasm_bindgen_test]
async fn an_on_change_callback_that_changes_the_counter_or_throws_is_not_called_without_end() {
    let name = fresh("on-change-reenter");
    let counter = std::rc::Rc::new(tab(&name, 10.0));
    wait_until("elected", || counter.role() == "leader").await;
    let calls_made = std::rc::Rc::new(std::cell::Cell::new(0));
    let (inside, made) = (std::rc::Rc::downgrade(&counter), calls_made.clone());
    let callback = Closure::<dyn FnMut() -> Result<(), JsValue>>::new(move || {
        made.set(made.get() + 1);
        if let Some(counter) = inside.upgrade() {
            counter.reset()?;
            counter.stop();
            counter.start()?;
        }
        Err(JsValue::from_str("thrown on purpose by the test"))
    });
    counter.on_change(callback.as_ref().clone()).unwrap();
    counter.start().unwrap();
    sleep(30).await;
    assert_eq!(calls_made.get(), 1, "its own changes are not reported back");
    assert!(counter.running(), "the counter keeps going after the throw");

    // The next change is reported as usual.
    counter.stop();
    sleep(10).await;
    assert_eq!(calls_made.get(), 2);

    assert_eq!(
        error_kind(&counter.on_change(5.into()).unwrap_err()),
        "TypeError"
    );
    drop(counter);
    drop(callback);
}

/// Fires `name` at the document, as the browser does when it freezes or
/// resumes the page.
fn page_event(name: &str) {
    let document: web_sys::EventTarget =
        js_sys::Reflect::get(&js_sys::global(), &"document".into())
            .unwrap()
            .unchecked_into();
    document
        .dispatch_event(&web_sys::Event::new(name).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_frozen_leader_steps_down_for_another_tab_and_stands_in_line_again_on_resume() {
    let name = fresh("frozen");
    let first = tab(&name, 10.0);
    let changes = support::js_counter();
    first.on_change(changes.get(1)).unwrap();
    wait_until("elected", || first.role() == "leader").await;
    first.start().unwrap();
    settle().await;
    let told = calls(&changes);

    page_event("freeze");
    assert_eq!(first.role(), "follower", "a frozen page does not lead");
    settle().await;
    assert_eq!(calls(&changes), told + 1.0, "told of its new role");
    let second = tab(&name, 10.0); // another tab, not frozen
    wait_until("the other tab takes the lead", || second.role() == "leader").await;
    let ticks = support::js_counter();
    second.on_tick(ticks.get(1)).unwrap();
    wait_until("it ticks", || calls(&ticks) >= 2.0).await;
    // A page's own pagehide or visibilitychange handler may still change it.
    assert!(first.stop());
    wait_until("a change made while away reaches the others", || {
        !second.running()
    })
    .await;
    first.start().unwrap();
    wait_until("and the next", || second.running()).await;

    page_event("resume");
    sleep(30).await;
    assert_eq!(
        (first.role(), second.role()),
        ("follower".into(), "leader".into()),
        "back in line, behind the leader"
    );
    let heard = support::js_counter();
    first.on_tick(heard.get(1)).unwrap();
    wait_until("it hears the leader's ticks again", || calls(&heard) >= 2.0).await;
    first.stop();
    wait_until("and the leader hears it", || !second.running()).await;

    drop(second);
    wait_until("it leads once the other goes", || first.role() == "leader").await;
}
