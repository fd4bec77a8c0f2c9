//! Files out of the page: a download of text (through a `Blob` URL) or of a data URL.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// Clicks a temporary link that downloads `href` as `name`.
pub(crate) fn click_link(name: &str, href: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let a: HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(href);
    a.set_download(name);
    a.click();
    Some(())
}

/// Starts a download of `content` as a file called `name`.
pub(crate) fn download(name: &str, mime: &str, content: &str) -> Option<()> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    let window = web_sys::window()?;
    click_link(name, &url)?;
    let revoke = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    let _ =
        window.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 5_000);
    Some(())
}
