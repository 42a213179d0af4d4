//! Garbage collection and the stream bridge: a `ReadableStream` nobody reads
//! or cancels, with or without a pull waiting for its producer, releases the
//! Rust producer when it is collected; a stream somebody is reading is never
//! collected under them. Needs `gc()`: Chromium runs with
//! `--js-flags=--expose-gc` (webdriver.json). Firefox exposes no `gc()` to
//! pages, so there these tests only check that they are in Firefox.

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use js_sys::Array;
use loopbridge::{into_readable_stream, StreamOptions};
use support::{settle, sleep};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function collectGarbage() {
  if (typeof globalThis.gc !== 'function') return false;
  globalThis.gc();
  return true;
}
export function inChromium() { return /Chrome\//.test(navigator.userAgent); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = collectGarbage)]
    fn collect_garbage() -> bool;
    #[wasm_bindgen(js_name = inChromium)]
    fn in_chromium() -> bool;
}

/// Whether `gc()` can be called here (only Chromium exposes it, with a
/// flag); fails the test in Chromium without it.
fn gc_available() -> bool {
    if !in_chromium() {
        return false;
    }
    assert!(
        collect_garbage(),
        "Chromium must run with --js-flags=--expose-gc (see webdriver.json)"
    );
    true
}

/// Counts live producers: +1 when made, -1 when dropped.
#[derive(Clone, Default)]
struct Live(Rc<Cell<i32>>);

struct Producer(Live);

impl Live {
    fn producer(&self) -> Producer {
        self.0.set(self.0.get() + 1);
        Producer(self.clone())
    }
    fn count(&self) -> i32 {
        self.0.get()
    }
}

impl Drop for Producer {
    fn drop(&mut self) {
        let live = &(self.0).0;
        live.set(live.get() - 1);
    }
}

/// Collects garbage and lets finalizers run until `live` is 0 (or gives up).
async fn collect_until_none_live(live: &Live) {
    for _ in 0..100 {
        if live.count() == 0 {
            return;
        }
        collect_garbage();
        sleep(10).await;
    }
}

/// Makes a stream over `items`, hands it to `keep` (or drops it), and
/// returns nothing that reaches it.
fn abandoned<S>(items: S, mark: usize) -> Result<(), JsValue>
where
    S: futures::Stream<Item = Result<JsValue, JsValue>> + 'static,
{
    let options = StreamOptions {
        high_water_mark: mark,
        signal: None,
    };
    into_readable_stream(items, options).map(drop)
}

#[wasm_bindgen_test]
async fn an_abandoned_stream_releases_its_producer_when_collected() {
    if !gc_available() {
        return;
    }
    let live = Live::default();
    for i in 0..100 {
        let producer = live.producer();
        // Fast producers (their buffer filled, nothing waiting) and slow ones
        // (a pull waiting on a timer), at marks 0, 1 and 16.
        let items = stream::iter(0..).then(move |n| {
            let _alive = &producer;
            async move {
                if i % 2 == 0 {
                    loopbridge::sleep(Duration::from_secs(3600)).await;
                }
                Ok::<_, JsValue>(JsValue::from(n))
            }
        });
        abandoned(items, [0, 1, 16][i % 3]).unwrap();
    }
    // Forever silent producers, with an abort signal that never fires.
    let controller = web_sys::AbortController::new().unwrap();
    for _ in 0..20 {
        let producer = live.producer();
        let items = stream::pending::<Result<JsValue, JsValue>>().map(move |item| {
            let _alive = &producer;
            item
        });
        let options = StreamOptions {
            high_water_mark: 16,
            signal: Some(controller.signal()),
        };
        drop(into_readable_stream(items, options).unwrap());
    }
    sleep(20).await; // the pulls start and wait
    assert_eq!(live.count(), 120);
    collect_until_none_live(&live).await;
    assert_eq!(
        live.count(),
        0,
        "every producer of an unreachable stream was dropped"
    );
}

#[wasm_bindgen_test]
async fn a_stream_being_read_is_never_collected_under_its_reader() {
    if !gc_available() {
        return;
    }
    // A slow producer read with `for await` by a function nothing else
    // references: only the pending read keeps that function alive.
    let items = stream::iter(0..20).then(|n| async move {
        loopbridge::sleep(Duration::from_millis(3)).await;
        Ok::<_, JsValue>(JsValue::from(n))
    });
    let stream = into_readable_stream(items, StreamOptions::default()).unwrap();
    let all = support::read_all_for_await(&stream);
    drop(stream);
    let stop = Rc::new(Cell::new(false));
    let collecting = Rc::clone(&stop);
    loopbridge::spawn(async move {
        while !collecting.get() {
            collect_garbage();
            sleep(2).await;
        }
    })
    .detach();
    let chunks = settle(all).await.unwrap();
    stop.set(true);
    assert_eq!(Array::from(&chunks).length(), 20, "every chunk arrived");
}
