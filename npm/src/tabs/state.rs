//! The state every tab of a [`SharedCounter`](super::SharedCounter) agrees
//! on, and how it is kept in `localStorage`.

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use web_sys::Storage;

use crate::input::MAX_TIMER_MS;
use crate::output::plain_object;

/// What every tab agrees on, persisted in `localStorage` and broadcast on
/// every change. Times are wall-clock milliseconds (`Date.now()`), the one
/// clock all tabs share. Changes are ordered by `(version, writer)`: when two
/// tabs change it at once, every tab keeps the same, latest one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Shared {
    pub(super) running: bool,
    /// When counting (re)started.
    pub(super) epoch_ms: f64,
    /// The count while stopped.
    pub(super) stopped_count: f64,
    /// The interval of the run, set by the tab that started it.
    pub(super) interval_ms: f64,
    /// How many times it was reset: a change of it tells every tab to drop
    /// counts not yet read.
    pub(super) resets: f64,
    /// When the change was made (wall-clock ms, increasing).
    pub(super) version: f64,
    /// Who made it: a random id per counter, to break ties.
    pub(super) writer: f64,
}

impl Shared {
    pub(super) fn is_newer_than(&self, other: &Shared) -> bool {
        (self.version, self.writer) > (other.version, other.writer)
    }
}

pub(super) fn local_storage() -> Result<Storage, JsValue> {
    Reflect::get(&js_sys::global(), &"localStorage".into())
        .ok()
        .and_then(|storage| storage.dyn_into::<Storage>().ok())
        .ok_or_else(|| {
            js_sys::Error::new("SharedCounter needs localStorage, which is not available here")
                .into()
        })
}

/// How far ahead of this tab's clock another tab's may be (a day).
const MAX_CLOCK_SKEW_MS: f64 = 86_400_000.0;

pub(super) fn wall_ms() -> f64 {
    js_sys::Date::now()
}

pub(super) fn encode(shared: &Shared) -> JsValue {
    plain_object(&[
        ("running", shared.running.into()),
        ("epochMs", shared.epoch_ms.into()),
        ("stoppedCount", shared.stopped_count.into()),
        ("intervalMs", shared.interval_ms.into()),
        ("resets", shared.resets.into()),
        ("version", shared.version.into()),
        ("writer", shared.writer.into()),
    ])
    .into()
}

pub(super) fn decode(value: &JsValue) -> Option<Shared> {
    let field = |key: &str| Reflect::get(value, &key.into()).ok();
    Some(Shared {
        running: field("running")?.as_bool()?,
        epoch_ms: field("epochMs")?.as_f64().filter(|ms| ms.is_finite())?,
        stopped_count: field("stoppedCount")?
            .as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)?,
        interval_ms: field("intervalMs")?
            .as_f64()
            .filter(|ms| (1.0..=MAX_TIMER_MS).contains(ms))?,
        // Absent in states stored by earlier versions: 0.
        resets: match field("resets")? {
            missing if missing.is_undefined() => 0.0,
            resets => resets.as_f64().filter(|n| n.is_finite() && *n >= 0.0)?,
        },
        // Versions are wall-clock times: one far in the future (a broken or
        // hostile writer) would outrank every later change, so it is refused.
        version: field("version")?
            .as_f64()
            .filter(|v| (0.0..=wall_ms() + MAX_CLOCK_SKEW_MS).contains(v))?,
        writer: field("writer")?.as_f64().filter(|w| w.is_finite())?,
    })
}

pub(super) fn load(storage: &Storage, key: &str) -> Option<Shared> {
    let text = storage.get_item(key).ok()??;
    decode(&JSON::parse(&text).ok()?)
}

/// Stores `shared` unless the stored state is newer (another tab changed it
/// at the same moment and won).
pub(super) fn save(storage: &Storage, key: &str, shared: &Shared) {
    if load(storage, key).is_some_and(|stored| stored.is_newer_than(shared)) {
        return;
    }
    if let Ok(text) = JSON::stringify(&encode(shared)) {
        // A full or disabled storage only costs persistence across reloads.
        let _ = storage.set_item(key, &String::from(text));
    }
}
