//! The page's address and the clipboard.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The page's address without its fragment.
pub fn page_address() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())
        })
        .unwrap_or_default()
}

/// Copies `text` with the asynchronous clipboard API; `false` when the browser has none.
pub fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let clipboard = js_sys::Reflect::get(&window, &JsValue::from_str("navigator"))
        .ok()
        .filter(|n| n.is_object())
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok())
        .filter(|c| c.is_object());
    let Some(clipboard) = clipboard else { return false };
    let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(write) = write else { return false };
    match write.call1(&clipboard, &JsValue::from_str(text)) {
        Ok(promise) => {
            // A refused permission is answered by the selected text (below), not an error.
            if let Ok(p) = promise.dyn_into::<js_sys::Promise>() {
                let ignore = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
                let _ = p.catch(&ignore);
                ignore.forget();
            }
            true
        }
        Err(_) => false,
    }
}
