//! The drop zone: drag a file onto it, or click it (or focus it and press Enter) to pick one.

use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, HtmlInputElement};
use yew::prelude::*;

/// Props of [`DropZone`].
#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    /// Called with the chosen or dropped file.
    pub on_file: Callback<File>,
    /// A slim bar (data already loaded) instead of the big landing target.
    #[prop_or_default]
    pub compact: bool,
    /// Greyed out while the worker reads a file.
    #[prop_or_default]
    pub disabled: bool,
}

/// A file target that works with the mouse, the keyboard and drag-and-drop.
#[component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let hover = use_state(|| false);

    let ondragover = {
        let hover = hover.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default(); // without this the browser never fires `drop`
            hover.set(true);
        })
    };
    let ondragleave = {
        let hover = hover.clone();
        Callback::from(move |_: DragEvent| hover.set(false))
    };
    let ondrop = {
        let hover = hover.clone();
        let on_file = props.on_file.clone();
        let disabled = props.disabled;
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            hover.set(false);
            if disabled {
                return;
            }
            if let Some(file) = e.data_transfer().and_then(|dt| dt.files()).and_then(|f| f.get(0)) {
                on_file.emit(file);
            }
        })
    };
    let onchange = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
                return;
            };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_file.emit(file);
            }
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };

    let class = classes!(
        "dropzone",
        props.compact.then_some("compact"),
        (*hover).then_some("hover"),
        props.disabled.then_some("disabled")
    );
    html! {
        // The input stays in the tab order (visually hidden): Enter or Space opens the picker
        // natively, and the zone shows the focus ring through :focus-within.
        <label class={class} data-testid="dropzone" {ondragover} {ondragleave} {ondrop}>
            <input type="file" data-testid="file-input" class="visually-hidden"
                   aria-label="Open a CSV or TSV file"
                   accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values"
                   disabled={props.disabled} {onchange} />
            if props.compact {
                <span class="dz-icon" aria-hidden="true">{"⇪"}</span>
                <span>{"Drop another file here or "}<u>{"choose a file"}</u></span>
            } else {
                <span class="dz-icon big" aria-hidden="true">{"⇪"}</span>
                <strong class="dz-title">{"Drop a CSV or TSV file here"}</strong>
                <span class="dz-sub">{"or "}<u>{"choose a file"}</u>{" — it is read on this device and never uploaded"}</span>
            }
        </label>
    }
}
