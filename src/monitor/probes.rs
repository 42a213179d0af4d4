//! What a running [`LoopMonitor`](super::LoopMonitor) holds to watch the
//! loop: a timer probe, a `PerformanceObserver` and a frame callback. Each
//! releases its timer, observer or callback when dropped.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::loop_monitor::Streams;
use super::sample::{LoopSample, SampleKind};
use crate::web::clock::now_ms;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = PerformanceObserver)]
    type Observer;
    #[wasm_bindgen(constructor, js_class = "PerformanceObserver", catch)]
    fn new(callback: &Function) -> Result<Observer, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn observe(this: &Observer, options: &Object) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn disconnect(this: &Observer);
    #[wasm_bindgen(static_method_of = Observer, js_class = "PerformanceObserver", getter = supportedEntryTypes, catch)]
    fn supported_entry_types() -> Result<Array, JsValue>;

    #[wasm_bindgen(js_name = requestAnimationFrame, catch)]
    fn request_animation_frame(callback: &Function) -> Result<f64, JsValue>;
    #[wasm_bindgen(js_name = cancelAnimationFrame, catch)]
    fn cancel_animation_frame(id: f64) -> Result<(), JsValue>;
}

/// A timer every `interval_ms`: how late each one runs is the loop's lag.
pub(super) struct LagProbe {
    timer: RefCell<Option<Timeout>>,
}

impl LagProbe {
    pub(super) fn start(streams: Weak<Streams>, interval_ms: f64) -> Rc<LagProbe> {
        let probe = Rc::new(LagProbe {
            timer: RefCell::new(None),
        });
        LagProbe::arm(Rc::downgrade(&probe), streams, interval_ms);
        probe
    }

    fn arm(probe: Weak<LagProbe>, streams: Weak<Streams>, interval_ms: f64) {
        let Some(this) = probe.upgrade() else { return };
        let due = now_ms() + interval_ms;
        let weak = probe.clone();
        // Replacing the timer that just fired clears nothing that is pending.
        *this.timer.borrow_mut() = Some(Timeout::new(interval_ms as u32, move || {
            let Some(target) = streams.upgrade() else {
                return;
            };
            target.push(LoopSample {
                kind: SampleKind::Lag,
                start_ms: due,
                duration_ms: (now_ms() - due).max(0.0),
            });
            LagProbe::arm(weak, streams, interval_ms);
        }));
    }
}

/// Long tasks and long animation frames, from a `PerformanceObserver`, where
/// the browser reports them (nothing, and no error, where it does not).
pub(super) struct LongTasks {
    observer: Option<Observer>,
    _callback: Closure<dyn FnMut(JsValue)>,
}

impl LongTasks {
    pub(super) fn observe(streams: Weak<Streams>) -> LongTasks {
        let callback = Closure::<dyn FnMut(JsValue)>::new(move |list: JsValue| {
            let Some(target) = streams.upgrade() else {
                return;
            };
            for entry in entries(&list).iter() {
                if let Some(sample) = long_sample(&entry) {
                    target.push(sample);
                }
            }
        });
        let supported = Observer::supported_entry_types().unwrap_or_default();
        let observer = Observer::new(callback.as_ref().unchecked_ref()).ok();
        if let Some(observer) = &observer {
            for kind in ["longtask", "long-animation-frame"] {
                if supported.includes(&kind.into(), 0) {
                    let options = Object::new();
                    let _ = Reflect::set(&options, &"type".into(), &kind.into());
                    let _ = observer.observe(&options);
                }
            }
        }
        LongTasks {
            observer,
            _callback: callback,
        }
    }
}

impl Drop for LongTasks {
    fn drop(&mut self) {
        if let Some(observer) = &self.observer {
            observer.disconnect();
        }
    }
}

fn entries(list: &JsValue) -> Array {
    Reflect::get(list, &"getEntries".into())
        .ok()
        .and_then(|get| get.dyn_into::<Function>().ok())
        .and_then(|get| get.call0(list).ok())
        .and_then(|entries| entries.dyn_into::<Array>().ok())
        .unwrap_or_default()
}

fn number(object: &JsValue, key: &str) -> f64 {
    Reflect::get(object, &key.into())
        .ok()
        .and_then(|value| value.as_f64())
        .unwrap_or(0.0)
}

fn long_sample(entry: &JsValue) -> Option<LoopSample> {
    let kind = match Reflect::get(entry, &"entryType".into())
        .ok()?
        .as_string()?
        .as_str()
    {
        "longtask" => SampleKind::LongTask,
        "long-animation-frame" => SampleKind::LongAnimationFrame {
            blocking_ms: number(entry, "blockingDuration"),
            script: longest_script(entry),
        },
        _ => return None,
    };
    Some(LoopSample {
        kind,
        start_ms: number(entry, "startTime"),
        duration_ms: number(entry, "duration"),
    })
}

/// The `invoker` of the longest script in a long animation frame.
fn longest_script(entry: &JsValue) -> Option<String> {
    let scripts: Array = Reflect::get(entry, &"scripts".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let longest = scripts
        .iter()
        .max_by(|a, b| number(a, "duration").total_cmp(&number(b, "duration")))?;
    let invoker = Reflect::get(&longest, &"invoker".into())
        .ok()?
        .as_string()?;
    let function = Reflect::get(&longest, &"sourceFunctionName".into())
        .ok()
        .and_then(|name| name.as_string())
        .filter(|name| !name.is_empty());
    Some(match function {
        Some(function) => format!("{invoker} ({function})"),
        None => invoker,
    })
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// An animation-frame callback every frame: each frame's time since the last.
pub(super) struct Frames {
    request: Cell<Option<f64>>,
    callback: RefCell<Option<FrameCallback>>,
}

impl Frames {
    /// Starts the frame callback, or returns `None` where there are no
    /// animation frames (a worker without them, Node).
    pub(super) fn start(streams: Weak<Streams>) -> Option<Rc<Frames>> {
        let frames = Rc::new(Frames {
            request: Cell::new(None),
            callback: RefCell::new(None),
        });
        let weak = Rc::downgrade(&frames);
        let last = Cell::new(None::<f64>);
        let callback = FrameCallback::new(move |time: f64| {
            let (Some(frames), Some(target)) = (weak.upgrade(), streams.upgrade()) else {
                return;
            };
            if let Some(previous) = last.replace(Some(time)) {
                target.push(LoopSample {
                    kind: SampleKind::Frame,
                    start_ms: previous,
                    duration_ms: time - previous,
                });
            }
            frames.request();
        });
        *frames.callback.borrow_mut() = Some(callback);
        frames.request().then_some(frames)
    }

    fn request(&self) -> bool {
        let callback = self.callback.borrow();
        let Some(callback) = callback.as_ref() else {
            return false;
        };
        let id = request_animation_frame(callback.as_ref().unchecked_ref()).ok();
        self.request.set(id);
        id.is_some()
    }
}

impl Drop for Frames {
    fn drop(&mut self) {
        if let Some(id) = self.request.take() {
            let _ = cancel_animation_frame(id);
        }
    }
}
