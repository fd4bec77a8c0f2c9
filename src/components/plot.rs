//! What the plots share: round tick values, the vertical grid with its labels, and the frame (a
//! figure with the `<svg>`, its caption and its export buttons).

use yew::prelude::*;

use crate::components::export::PlotExport;

/// About `n` round tick values covering [lo, hi].
pub(crate) fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return vec![lo];
    }
    let raw = span / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Vertical grid lines from `y1` to `y2` at each `(x, label)`, the label centred at `label_y`.
pub(crate) fn x_ticks(
    ticks: impl IntoIterator<Item = (f64, String)>,
    y1: f64,
    y2: f64,
    label_y: f64,
) -> Html {
    html! {
        { for ticks.into_iter().map(|(x, label)| html! {
            <g class="tick">
                <line x1={x.to_string()} x2={x.to_string()} y1={y1.to_string()} y2={y2.to_string()} />
                <text x={x.to_string()} y={label_y.to_string()} text-anchor="middle">{label}</text>
            </g>
        }) }
    }
}

/// Horizontal grid lines from `x1` to `x2` at each `(y, label)`, the label right-aligned just
/// left of `x1`.
pub(crate) fn y_ticks(ticks: impl IntoIterator<Item = (f64, String)>, x1: f64, x2: f64) -> Html {
    html! {
        { for ticks.into_iter().map(|(y, label)| html! {
            <g class="tick">
                <line x1={x1.to_string()} x2={x2.to_string()} y1={y.to_string()} y2={y.to_string()} />
                <text x={(x1 - 6.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">{label}</text>
            </g>
        }) }
    }
}

/// Props of [`PlotFrame`].
#[derive(Properties, PartialEq)]
pub(crate) struct PlotFrameProps {
    /// The figure's class (`forest`, `overlap`, `love`), also the export buttons' `plot`.
    pub kind: AttrValue,
    /// The `<svg>`'s `viewBox`.
    pub view_box: AttrValue,
    /// What the drawing shows, for screen readers.
    pub aria_label: AttrValue,
    /// The plot's name for the export buttons ("forest plot").
    pub label: AttrValue,
    /// The exported files' name without extension (empty: `counterfact-{kind}`).
    #[prop_or_default]
    pub file: AttrValue,
    /// The caption under the drawing.
    pub caption: Html,
    /// The drawing's elements.
    #[prop_or_default]
    pub children: Html,
}

/// A plot: figure, `<svg>`, caption, and SVG/PNG export buttons.
#[component]
pub(crate) fn PlotFrame(props: &PlotFrameProps) -> Html {
    let svg_ref = use_node_ref();
    let file = if props.file.is_empty() {
        AttrValue::from(format!("counterfact-{}", props.kind))
    } else {
        props.file.clone()
    };
    html! {
        <figure class={props.kind.clone()}>
            <svg ref={svg_ref.clone()} viewBox={props.view_box.clone()} role="img" aria-label={props.aria_label.clone()}
                 data-testid={format!("{}-plot", props.kind)}>
                {props.children.clone()}
            </svg>
            <figcaption class="muted small">{props.caption.clone()}</figcaption>
            <PlotExport target={svg_ref} plot={props.kind.clone()} label={props.label.clone()} {file} />
        </figure>
    }
}
