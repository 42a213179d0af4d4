//! Splitting a message into the chunks a streaming reply would send, without
//! ever splitting a character: emoji, flags and combining marks stay whole
//! (graphemes from `Intl.Segmenter`).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Intl, js_name = Segmenter)]
    type Segmenter;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = "Segmenter", catch)]
    fn new(locales: &JsValue, options: &JsValue) -> Result<Segmenter, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn segment(this: &Segmenter, text: &str) -> Result<JsValue, JsValue>;
}

thread_local! {
    static GRAPHEMES: Option<Segmenter> = {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"granularity".into(), &"grapheme".into());
        Segmenter::new(&JsValue::UNDEFINED, &options).ok()
    };
}

/// The user-perceived characters of `text`. Where `Intl.Segmenter` is
/// missing (very old browsers), code points.
pub fn graphemes(text: &str) -> Vec<String> {
    let segmented = GRAPHEMES.with(|segmenter| {
        let segments = segmenter.as_ref()?.segment(text).ok()?;
        let iterator = js_sys::try_iter(&segments).ok()??;
        iterator
            .map(|segment| {
                let segment = segment.ok()?;
                js_sys::Reflect::get(&segment, &"segment".into())
                    .ok()?
                    .as_string()
            })
            .collect::<Option<Vec<String>>>()
    });
    segmented.unwrap_or_else(|| text.chars().map(String::from).collect())
}

/// The chunks a streamed reply of `message` is sent in. Joined, they are
/// exactly `message`.
///
/// - A chunk ends after a run of whitespace: `"Hello big world"` gives
///   `"Hello "`, `"big "`, `"world"`.
/// - Scripts written without spaces (Chinese, Japanese, Thai, ...) come one
///   character per chunk, and so does any message without whitespace.
pub fn chunk_message(message: &str) -> Vec<String> {
    let graphemes = graphemes(message);
    if !graphemes.iter().any(|g| is_whitespace(g)) {
        return graphemes;
    }
    let mut chunks = Vec::new();
    let mut current = String::new();
    let mut current_is_spaceless = false;
    let mut current_ends_in_space = false;
    for grapheme in graphemes {
        if is_whitespace(&grapheme) {
            current.push_str(&grapheme);
            current_ends_in_space = true;
            continue;
        }
        let spaceless = is_spaceless_script(&grapheme);
        if !current.is_empty() && (current_ends_in_space || spaceless || current_is_spaceless) {
            chunks.push(std::mem::take(&mut current));
        }
        current.push_str(&grapheme);
        current_is_spaceless = spaceless;
        current_ends_in_space = false;
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn is_whitespace(grapheme: &str) -> bool {
    grapheme.chars().all(char::is_whitespace)
}

/// Whether `grapheme` belongs to a script that does not separate words with
/// spaces, so that each character is its own chunk.
fn is_spaceless_script(grapheme: &str) -> bool {
    let Some(first) = grapheme.chars().next() else {
        return false;
    };
    matches!(u32::from(first),
        0x0E00..=0x0EFF     // Thai, Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1780..=0x17FF   // Khmer
        | 0x2E80..=0x2FDF   // CJK radicals
        | 0x3000..=0x30FF   // CJK punctuation, Hiragana, Katakana
        | 0x3100..=0x31FF   // Bopomofo, Katakana extensions
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0xFF00..=0xFFEF   // full-width forms
        | 0x20000..=0x3FFFF // CJK extensions B and later
    )
}
