//! Pictures of the plots as standalone SVG or PNG.
//!
//! A plot on the page takes its colours and fonts from `static/style.css`; a standalone SVG file
//! has no style sheet. [`svg_document`] copies the drawing and writes each element's computed
//! style (fill, stroke, font, …) into its `style` attribute, so the file looks like the page in
//! any viewer. [`export_png`] draws that document on a white canvas at twice the plot's size.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::prelude::*;

use crate::services::download::{click_link, download};

/// PNG pixels per drawing unit.
pub(crate) const PNG_SCALE: f64 = 2.0;

/// A file name without extension from parts (column names, arm levels) joined by `-`: characters
/// other than letters, digits, `-`, `_` and `.` become `_`, so the name is safe on every file
/// system.
pub(crate) fn file_stem(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().filter(|p| !p.trim().is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        let clean: String = p
            .trim()
            .chars()
            .take(40)
            .map(|c| if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
            .collect();
        out.push_str(&clean);
    }
    if out.is_empty() {
        out.push_str("counterfact");
    }
    out
}

/// [`file_stem`] with an extension.
pub(crate) fn file_name(parts: &[&str], extension: &str) -> String {
    format!("{}.{extension}", file_stem(parts))
}

/// The width and height of an SVG element's `viewBox`.
pub(crate) fn view_box_size(el: &Element) -> Option<(f64, f64)> {
    let vb = el.get_attribute("viewBox")?;
    let v: Vec<f64> = vb
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    match v[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
        _ => None,
    }
}

/// Style properties written into the standalone SVG, with their initial values.
const PROPERTIES: &[(&str, &str)] = &[
    ("fill", "rgb(0, 0, 0)"),
    ("fill-opacity", "1"),
    ("stroke", "none"),
    ("stroke-width", "1px"),
    ("stroke-dasharray", "none"),
    ("stroke-opacity", "1"),
    ("stroke-linecap", "butt"),
    ("stroke-linejoin", "miter"),
    ("font-family", ""),
    ("font-size", ""),
    ("font-weight", "400"),
    ("font-style", "normal"),
    ("font-variant-numeric", "normal"),
    ("text-anchor", "start"),
    ("visibility", "visible"),
];

/// Properties that do not pass from an element to its children: written whenever they differ
/// from their initial value.
const NOT_INHERITED: &[(&str, &str)] =
    &[("opacity", "1"), ("dominant-baseline", "auto"), ("display", "inline")];

/// The computed value of each of `names` for `el`.
fn computed(el: &Element, names: &[(&str, &str)]) -> Option<Vec<String>> {
    let window = web_sys::window()?;
    let get: js_sys::Function =
        js_sys::Reflect::get(&window, &"getComputedStyle".into()).ok()?.dyn_into().ok()?;
    let style = get.call1(&window, el).ok()?;
    let value: js_sys::Function =
        js_sys::Reflect::get(&style, &"getPropertyValue".into()).ok()?.dyn_into().ok()?;
    Some(
        names
            .iter()
            .map(|(n, _)| {
                value
                    .call1(&style, &JsValue::from_str(n))
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            })
            .collect(),
    )
}

/// Writes the computed style of `live` (and, in step, of its descendants) into `copy`: the
/// inherited properties where they differ from the parent's (`parent`: `None` for the root,
/// which gets them all), the others where they differ from their initial value.
fn inline_styles(live: &Element, copy: &Element, parent: Option<&[String]>) {
    let tag = live.tag_name().to_ascii_lowercase();
    let own = computed(live, PROPERTIES);
    if !matches!(tag.as_str(), "title" | "desc" | "metadata") {
        let mut style = String::new();
        if let Some(own) = &own {
            for (k, (name, _)) in PROPERTIES.iter().enumerate() {
                let v = &own[k];
                if !v.is_empty() && parent.is_none_or(|p| p.get(k) != Some(v)) {
                    // `4px, 3px` → `4 3`: what every SVG reader takes.
                    let v = if *name == "stroke-dasharray" {
                        v.replace("px", "").replace(',', "")
                    } else {
                        v.clone()
                    };
                    style.push_str(&format!("{name}:{v};"));
                }
            }
        }
        for ((name, initial), v) in
            NOT_INHERITED.iter().zip(computed(live, NOT_INHERITED).unwrap_or_default())
        {
            if !v.is_empty() && v != *initial {
                style.push_str(&format!("{name}:{v};"));
            }
        }
        if parent.is_none() {
            style.push_str("background:#ffffff;");
        }
        if !style.is_empty() {
            let _ = copy.set_attribute("style", &style);
        }
    }
    let (mut a, mut b) = (live.first_element_child(), copy.first_element_child());
    while let (Some(l), Some(c)) = (a, b) {
        inline_styles(&l, &c, own.as_deref().or(parent));
        a = l.next_element_sibling();
        b = c.next_element_sibling();
    }
}

/// XML text of an element (`XMLSerializer`, which writes the SVG namespace and escapes
/// attributes as XML wants); the HTML serialization if that is missing.
fn xml_text(el: &Element) -> String {
    let via_serializer = || -> Option<String> {
        let global = js_sys::global();
        let ctor: js_sys::Function =
            js_sys::Reflect::get(&global, &"XMLSerializer".into()).ok()?.dyn_into().ok()?;
        let serializer = js_sys::Reflect::construct(&ctor, &js_sys::Array::new()).ok()?;
        let f: js_sys::Function =
            js_sys::Reflect::get(&serializer, &"serializeToString".into()).ok()?.dyn_into().ok()?;
        f.call1(&serializer, el).ok()?.as_string()
    };
    let mut text = via_serializer().unwrap_or_else(|| el.outer_html());
    if !text.contains("xmlns=") {
        text = text.replacen("<svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"", 1);
    }
    text
}

/// The SVG element as a standalone document with its styles inlined; `size`: the `width` and
/// `height` to give it (default: its `viewBox` size).
pub(crate) fn svg_document(el: &Element, size: Option<(f64, f64)>) -> String {
    let copy: Option<Element> = el.clone_node_with_deep(true).ok().and_then(|n| n.dyn_into().ok());
    let Some(copy) = copy else {
        return xml_text(el);
    };
    inline_styles(el, &copy, None);
    if let Some((w, h)) = size.or_else(|| view_box_size(el)) {
        let _ = copy.set_attribute("width", &w.to_string());
        let _ = copy.set_attribute("height", &h.to_string());
    }
    for attr in ["data-testid", "data-zoom"] {
        let _ = copy.remove_attribute(attr);
    }
    xml_text(&copy)
}

/// Downloads the SVG element as a standalone `.svg` file of `size` (default: its `viewBox`).
pub(crate) fn export_svg(el: &Element, name: &str, size: Option<(f64, f64)>) -> Option<()> {
    let text = svg_document(el, size);
    download(
        name,
        "image/svg+xml",
        &format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"),
    )
}

/// Draws the SVG element on a white canvas of `size` pixels (default: twice its `viewBox`) and
/// downloads it as a PNG called `name`. Problems found once the picture loads (a browser
/// without canvas, an image that does not load) go to `report`; earlier ones are returned.
pub(crate) fn export_png(
    el: &Element,
    name: &str,
    size: Option<(f64, f64)>,
    report: Callback<String>,
) -> Result<(), String> {
    let (w, h) = size
        .or_else(|| view_box_size(el).map(|(w, h)| (w * PNG_SCALE, h * PNG_SCALE)))
        .ok_or("the plot has no size")?;
    let (w, h) = (w.round(), h.round());
    let text = svg_document(el, Some((w, h)));
    let url = format!("data:image/svg+xml;charset=utf-8,{}", js_sys::encode_uri_component(&text));
    let img = web_sys::HtmlImageElement::new().map_err(|_| "this browser cannot draw images")?;
    let img2 = img.clone();
    let report2 = report.clone();
    let name = name.to_string();
    let onload = Closure::once_into_js(move || {
        if let Err(e) = draw_png(&img2, w, h, &name) {
            report2.emit(e);
        }
    });
    let onerror = Closure::once_into_js(move || {
        report.emit("the drawing could not be turned into an image in this browser".into());
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_onerror(Some(onerror.unchecked_ref()));
    img.set_src(&url);
    Ok(())
}

fn draw_png(img: &web_sys::HtmlImageElement, w: f64, h: f64, name: &str) -> Result<(), String> {
    let fail = |what: &str| format!("PNG export is not available in this browser ({what})");
    let document =
        web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .ok()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| fail("no canvas"))?;
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into().ok())
        .ok_or_else(|| fail("no 2D context"))?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_rect(0.0, 0.0, w, h);
    ctx.draw_image_with_html_image_element_and_dw_and_dh(img, 0.0, 0.0, w, h)
        .map_err(|_| fail("the image could not be drawn"))?;
    let data = canvas.to_data_url_with_type("image/png").map_err(|_| fail("no PNG encoder"))?;
    click_link(name, &data).ok_or_else(|| fail("no link element"))
}

/// Props of [`PlotExport`].
#[derive(Properties, PartialEq)]
pub(crate) struct PlotExportProps {
    /// The plot's `<svg>`.
    pub target: NodeRef,
    /// `forest`, `overlap`, `love`: in the buttons' `data-testid`s.
    pub plot: AttrValue,
    /// What the plot is, for screen readers ("forest plot").
    pub label: AttrValue,
    /// The file name without extension.
    pub file: AttrValue,
}

/// A plot's SVG and PNG download buttons, with the reason when a PNG cannot be made.
#[component]
pub(crate) fn PlotExport(props: &PlotExportProps) -> Html {
    let problem = use_state(|| None::<String>);
    let svg = {
        let (target, file, problem) = (props.target.clone(), props.file.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let done = target
                .cast::<Element>()
                .and_then(|el| export_svg(&el, &format!("{file}.svg"), None));
            problem.set(done.is_none().then(|| "the SVG file could not be made".to_string()));
        })
    };
    let png = {
        let (target, file, problem) = (props.target.clone(), props.file.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let later = problem.clone();
            let report = Callback::from(move |m: String| later.set(Some(m)));
            let result = match target.cast::<Element>() {
                Some(el) => export_png(&el, &format!("{file}.png"), None, report),
                None => Err("the plot is not on the page".into()),
            };
            problem.set(result.err());
        })
    };
    let (plot, label) = (&props.plot, &props.label);
    html! {
        <>
        <div class="code-buttons export-buttons" role="group" aria-label={format!("Download the {label}")}>
            <button type="button" class="ghost" data-testid={format!("export-{plot}-svg")} onclick={svg}
                    aria-label={format!("Download the {label} as SVG")} title="Vector image (SVG)">{"SVG"}</button>
            <button type="button" class="ghost" data-testid={format!("export-{plot}-png")} onclick={png}
                    aria-label={format!("Download the {label} as PNG")} title="Picture at twice the size shown (PNG)">{"PNG"}</button>
        </div>
        if let Some(p) = &*problem {
            <p class="error-inline" role="alert" data-testid={format!("export-{plot}-problem")}>{p}</p>
        }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name(&["counterfact", "treat", "re78", "forest"], "svg"),
            "counterfact-treat-re78-forest.svg"
        );
        assert_eq!(
            file_name(&["counterfact", "a/b c", "", "Mens E-Mail"], "png"),
            "counterfact-a_b_c-Mens_E-Mail.png"
        );
        assert_eq!(file_name(&[], "csv"), "counterfact.csv");
    }
}
