//! The Share card: a link that reproduces the analysis (the data stays on each person's machine
//! unless the user explicitly puts it in the link).

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::context::use_app;
use crate::services::clipboard::{copy_text, page_address};

/// The Share card.
#[component]
pub fn SharePanel() -> Html {
    let (s, _) = use_app();
    let embed = use_state(|| false);
    let link = use_state(|| None::<String>);
    let error = use_state(|| None::<String>);
    let copied = use_state(|| false);
    let input_ref = use_node_ref();

    let on_share = {
        let (state, embed, link, error, copied) =
            (s.clone(), embed.clone(), link.clone(), error.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            copied.set(false);
            match state.share_link(*embed) {
                Ok(text) => {
                    link.set(Some(format!("{}#{text}", page_address())));
                    error.set(None);
                }
                Err(e) => {
                    link.set(None);
                    error.set(Some(e));
                }
            }
        })
    };
    let on_embed = {
        let (embed, link, error) = (embed.clone(), link.clone(), error.clone());
        Callback::from(move |e: Event| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                embed.set(input.checked());
                link.set(None);
                error.set(None);
            }
        })
    };
    let on_copy = {
        let (link, copied, input_ref) = (link.clone(), copied.clone(), input_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(text) = (*link).clone() else { return };
            // Selected either way, so Ctrl+C works where the clipboard API is refused.
            if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
            copied.set(copy_text(&text));
        })
    };
    let on_focus_select = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
            input.select();
        }
    });

    html! {
        <section class="card share-card" data-testid="share-panel" aria-labelledby="share-title">
            <header class="card-head">
                <h2 id="share-title">{"Share"}</h2>
                <span class="hint">{"A link that reopens this analysis: graph, roles, adjustment set, methods and settings. The data stays on your machine: whoever opens the link drops the same file."}</span>
            </header>
            <div class="share-row">
                <button class="secondary" data-testid="share-button" onclick={on_share}>{"Create link"}</button>
                <label class="share-embed">
                    <input type="checkbox" data-testid="share-embed" checked={*embed} onchange={on_embed} />
                    {" Include the data in the link"}
                </label>
            </div>
            if *embed {
                <p class="share-warning small" data-testid="share-embed-warning">{"⚠ The data becomes part of the link: anyone who has the link can read every row of it."}</p>
            }
            if let Some(e) = &*error {
                <p class="share-problem small" role="alert" data-testid="share-embed-error">{e}</p>
            }
            if let Some(text) = &*link {
                <div class="share-row">
                    <input ref={input_ref} class="share-link" data-testid="share-link" type="text" readonly=true value={text.clone()}
                           aria-label="Share link" onfocus={on_focus_select} />
                    <button class="ghost" data-testid="share-copy" onclick={on_copy}>{ if *copied { "Copied" } else { "Copy" } }</button>
                </div>
                <p class="muted small">{format!("{} characters. The part after # is never sent to a server.", text.len())}</p>
            }
        </section>
    }
}
