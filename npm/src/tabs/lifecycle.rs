//! The page's lifecycle as a [`SharedCounter`](super::SharedCounter) needs
//! it: a page that goes into the back/forward cache, or that the browser
//! freezes, runs no script, so a leader there would hold the lock while no
//! one ticks (and a message to it would evict it from the cache). It is
//! told to step down and stop listening when the page is hidden that way,
//! and to listen and stand again when the page comes back.

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventTarget};

/// Listeners for `pagehide`/`pageshow` (on the global) and `freeze`/`resume`
/// (on the document); removed on drop. Where there is no page (a worker),
/// it listens to nothing.
pub(super) struct Lifecycle {
    listeners: Vec<Listener>,
}

/// One registered listener: where, for which event, and the function.
struct Listener {
    target: EventTarget,
    name: &'static str,
    callback: Closure<dyn FnMut(Event)>,
}

type Then = Rc<dyn Fn()>;

impl Lifecycle {
    /// Calls `away` when the page is left or frozen, and `back` when it is
    /// shown (again, from the back/forward cache) or resumed.
    pub(super) fn watch(away: impl Fn() + 'static, back: impl Fn() + 'static) -> Lifecycle {
        let away: Then = Rc::new(away);
        let back: Then = Rc::new(back);
        let global = js_sys::global();
        let document = Reflect::get(&global, &"document".into())
            .ok()
            .filter(JsValue::is_object);
        let window = global.is_instance_of::<EventTarget>().then_some(global);
        let mut lifecycle = Lifecycle {
            listeners: Vec::new(),
        };
        if let (Some(window), Some(document)) = (window, document) {
            let (window, document) = (window.unchecked_into(), document.unchecked_into());
            // `back` does nothing for a tab that never went away (the
            // pageshow of a first load), so every pageshow may call it.
            lifecycle.listen(&window, "pagehide", Rc::clone(&away));
            lifecycle.listen(&window, "pageshow", Rc::clone(&back));
            lifecycle.listen(&document, "freeze", away);
            lifecycle.listen(&document, "resume", back);
        }
        lifecycle
    }

    fn listen(&mut self, target: &EventTarget, name: &'static str, then: Then) {
        let callback = Closure::<dyn FnMut(Event)>::new(move |_: Event| then());
        if target
            .add_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
            .is_ok()
        {
            self.listeners.push(Listener {
                target: target.clone(),
                name,
                callback,
            });
        }
    }
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        for listener in &self.listeners {
            let _ = listener.target.remove_event_listener_with_callback(
                listener.name,
                listener.callback.as_ref().unchecked_ref(),
            );
        }
    }
}
