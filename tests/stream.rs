//! The Rust `Stream` -> `ReadableStream` bridge in a real browser.

mod support;

use std::cell::Cell;
use std::rc::Rc;

use futures::stream::{self, StreamExt};
use js_sys::Reflect;
use loopbridge::into_readable_stream;
use support::sleep;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::ReadableStreamDefaultReader;

wasm_bindgen_test_configure!(run_in_browser);

/// Sets a flag when dropped: proves a cancel really released the Rust stream.
struct DropObserver(Rc<Cell<bool>>);

impl Drop for DropObserver {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

async fn read(reader: &ReadableStreamDefaultReader) -> Result<Option<JsValue>, JsValue> {
    let result = JsFuture::from(reader.read()).await?;
    if Reflect::get(&result, &"done".into())?.is_truthy() {
        return Ok(None);
    }
    Ok(Some(Reflect::get(&result, &"value".into())?))
}

#[wasm_bindgen_test]
async fn items_arrive_in_order_and_the_end_closes_the_stream() {
    let numbers = stream::iter((0..1000).map(|n| Ok(JsValue::from(n))));
    let reader: ReadableStreamDefaultReader = into_readable_stream(numbers, 16.0)
        .unwrap()
        .get_reader()
        .unchecked_into();
    let mut expected = 0;
    while let Some(value) = read(&reader).await.unwrap() {
        assert_eq!(value.as_f64(), Some(expected as f64));
        expected += 1;
    }
    assert_eq!(expected, 1000);
}

#[wasm_bindgen_test]
async fn an_error_item_errors_the_stream_after_every_earlier_chunk() {
    let items = stream::iter(vec![
        Ok(JsValue::from("a")),
        Ok(JsValue::from("b")),
        Err(js_sys::Error::new("producer failed").into()),
        Ok(JsValue::from("never")),
    ]);
    let reader: ReadableStreamDefaultReader = into_readable_stream(items, 1.0)
        .unwrap()
        .get_reader()
        .unchecked_into();
    assert_eq!(
        read(&reader).await.unwrap().unwrap().as_string().unwrap(),
        "a"
    );
    assert_eq!(
        read(&reader).await.unwrap().unwrap().as_string().unwrap(),
        "b"
    );
    let error = read(&reader).await.unwrap_err();
    assert_eq!(
        String::from(error.unchecked_into::<js_sys::Error>().message()),
        "producer failed"
    );
}

#[wasm_bindgen_test]
async fn cancel_drops_the_rust_stream() {
    let dropped = Rc::new(Cell::new(false));
    let observer = DropObserver(Rc::clone(&dropped));
    // Never ends and is never ready after the first item: the cancel must
    // reach a pull that is waiting.
    let items = stream::once(async { Ok(JsValue::from(1)) })
        .chain(stream::pending())
        .map(move |item| {
            let _keep = &observer;
            item
        });
    let reader: ReadableStreamDefaultReader = into_readable_stream(items, 1.0)
        .unwrap()
        .get_reader()
        .unchecked_into();
    assert_eq!(read(&reader).await.unwrap().unwrap().as_f64(), Some(1.0));
    assert!(!dropped.get());
    JsFuture::from(reader.cancel()).await.unwrap();
    sleep(0).await; // the next macrotask
    assert!(
        dropped.get(),
        "cancel() dropped the Rust stream before the next macrotask"
    );
}
