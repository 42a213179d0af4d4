//! Leader election across the tabs of an origin with Web Locks: every
//! candidate asks for the same exclusive lock; the holder leads until it
//! resigns (or its tab closes or reloads, which releases the lock), and the
//! next candidate in line is granted the lock at once.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use loopbridge::Error;
use wasm_bindgen::prelude::*;
use web_sys::AbortController;

use crate::output::plain_object;

#[wasm_bindgen]
extern "C" {
    type LockManager;
    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &Function,
    ) -> Result<Promise, JsValue>;
}

/// A place in line for leadership. Dropping it resigns (or leaves the line).
pub(crate) struct Candidacy {
    /// Resolving it releases the lock, if held.
    resign: Rc<RefCell<Option<Function>>>,
    /// Aborting it leaves the line, if still waiting.
    leave: AbortController,
    _granted: Closure<dyn FnMut(JsValue) -> Promise>,
}

impl Candidacy {
    /// Asks for the lock `name`; `elected` runs once it is granted.
    ///
    /// # Errors
    ///
    /// If this browser has no Web Locks (`navigator.locks`).
    pub(crate) fn stand(
        name: &str,
        elected: impl FnOnce() + 'static,
    ) -> Result<Candidacy, JsValue> {
        let locks = Reflect::get(&js_sys::global(), &"navigator".into())
            .and_then(|navigator| Reflect::get(&navigator, &"locks".into()))
            .ok()
            .filter(|locks| locks.is_object())
            .ok_or_else(|| {
                Error::Type(
                    "SharedCounter needs Web Locks (navigator.locks), which this browser lacks"
                        .into(),
                )
            })?
            .unchecked_into::<LockManager>();
        let resign: Rc<RefCell<Option<Function>>> = Rc::default();
        let keep = Rc::clone(&resign);
        let mut elected = Some(elected);
        let granted = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_lock: JsValue| {
            // Hold the lock until this Promise resolves: on resignation. Its
            // resolver is kept first, so a candidacy dropped inside
            // `elected` still lets the lock go.
            let keep = Rc::clone(&keep);
            let held =
                Promise::new(&mut move |resolve, _reject| *keep.borrow_mut() = Some(resolve));
            if let Some(elected) = elected.take() {
                elected();
            }
            held
        });
        let leave = AbortController::new()?;
        let options = plain_object(&[
            ("mode", "exclusive".into()),
            ("signal", leave.signal().into()),
        ]);
        let waiting = locks.request(name, &options.into(), granted.as_ref().unchecked_ref())?;
        // Leaving the line rejects this Promise with an AbortError: expected.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(waiting).await;
        });
        Ok(Candidacy {
            resign,
            leave,
            _granted: granted,
        })
    }
}

impl Drop for Candidacy {
    fn drop(&mut self) {
        self.leave.abort();
        if let Some(resign) = self.resign.borrow_mut().take() {
            let _ = resign.call0(&JsValue::UNDEFINED);
        }
    }
}
