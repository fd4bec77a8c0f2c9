//! Overlap and balance: propensity histograms of both arms, a love plot and a table of
//! standardized mean differences, one comparison at a time.

use cf_engine::{Balance, Overlap};
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::export::file_stem;
use crate::components::plot::{PlotFrame, nice_ticks, x_ticks};

/// |SMD| above this is the usual sign of imbalance.
const SMD_THRESHOLD: f64 = 0.1;

/// Props of [`Diagnostics`].
#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    /// Propensity histograms per comparison.
    pub overlap: Vec<Overlap>,
    /// Balance per comparison.
    pub balance: Vec<Balance>,
    /// For multi-arm data, the control level.
    #[prop_or_default]
    pub control: Option<String>,
    /// The treatment column's name (names comparisons of numeric levels: `arm 1 vs arm 0`).
    #[prop_or_default]
    pub treatment: AttrValue,
    /// The start of the exported plots' file names (default `counterfact`).
    #[prop_or_default]
    pub file: AttrValue,
}

/// Overlap plot, love plot and balance table, with a comparison picker for multi-arm data.
#[component]
pub fn Diagnostics(props: &DiagnosticsProps) -> Html {
    let pick = use_state(|| 0usize);
    let mut arms: Vec<Option<String>> = Vec::new();
    for a in props.overlap.iter().map(|o| &o.arm).chain(props.balance.iter().map(|b| &b.arm)) {
        if !arms.contains(a) {
            arms.push(a.clone());
        }
    }
    if arms.is_empty() {
        return html! {};
    }
    let i = (*pick).min(arms.len() - 1);
    let arm = &arms[i];
    let overlap = props.overlap.iter().find(|o| &o.arm == arm);
    let balance = props.balance.iter().find(|b| &b.arm == arm);
    let on_pick = {
        let pick = pick.clone();
        Callback::from(move |e: Event| {
            let v = e.target().and_then(|t| t.dyn_into::<HtmlSelectElement>().ok());
            if let Some(k) = v.and_then(|s| s.value().parse::<usize>().ok()) {
                pick.set(k);
            }
        })
    };
    let vs = |a: &Option<String>| match (a, &props.control) {
        (Some(a), Some(c)) => cf_engine::format::comparison(&props.treatment, a, c),
        (Some(a), None) => a.clone(),
        (None, _) => "treated vs control".into(),
    };
    // counterfact-treat-re78-overlap(-arm).svg
    let file = |plot: &str| {
        let base = if props.file.is_empty() { "counterfact" } else { props.file.as_str() };
        let arm = if arms.len() > 1 { arm.as_deref().unwrap_or("") } else { "" };
        AttrValue::from(file_stem(&[base, plot, arm]))
    };
    html! {
        <section class="diagnostics" data-testid="diagnostics" aria-labelledby="diag-title">
            <div class="diag-head">
                <h3 id="diag-title">{"Overlap and balance"}</h3>
                if arms.len() > 1 {
                    <label class="inline" for="diag-arm">
                        {"Comparison"}
                        <select id="diag-arm" data-testid="diagnostics-arm" onchange={on_pick}>
                            { for arms.iter().enumerate().map(|(k, a)| html! {
                                <option value={k.to_string()} selected={k == i}>{vs(a)}</option>
                            }) }
                        </select>
                    </label>
                }
            </div>
            <div class="diag-grid">
                if let Some(o) = overlap { <OverlapPlot overlap={o.clone()} file={file("overlap")} /> }
                if let Some(b) = balance { <LovePlot balance={b.clone()} file={file("love")} /> }
            </div>
            if let Some(b) = balance { <BalanceTable balance={b.clone()} /> }
        </section>
    }
}

/// Props of [`OverlapPlot`].
#[derive(Properties, PartialEq)]
pub struct OverlapPlotProps {
    /// One comparison's histograms.
    pub overlap: Overlap,
    /// The exported files' name, without extension (default `counterfact-overlap`).
    #[prop_or_default]
    pub file: AttrValue,
}

fn finite_or(x: f64, fallback: f64) -> f64 {
    if x.is_finite() { x.clamp(0.0, 1.0) } else { fallback }
}

/// Mirrored histograms of the propensity: treated above the axis, control below, each as a
/// share of its arm (the arms can differ a hundredfold in size).
#[component]
pub fn OverlapPlot(props: &OverlapPlotProps) -> Html {
    const W: f64 = 420.0;
    const H: f64 = 270.0;
    const L: f64 = 40.0;
    const R: f64 = 12.0;
    const T: f64 = 30.0;
    const B: f64 = 38.0;
    let o = &props.overlap;
    let bins = o.treated.len().min(o.control.len());
    let n_t: usize = o.treated.iter().take(bins).sum();
    let n_c: usize = o.control.iter().take(bins).sum();
    let share = |c: usize, n: usize| if n == 0 { 0.0 } else { c as f64 / n as f64 };
    let peak = (0..bins)
        .map(|k| share(o.treated[k], n_t).max(share(o.control[k], n_c)))
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let half = (H - T - B) / 2.0;
    let mid = T + half;
    let x = |p: f64| L + p * (W - L - R);
    let edge = |k: usize| {
        finite_or(o.edges.get(k).copied().unwrap_or(f64::NAN), k as f64 / bins.max(1) as f64)
    };
    let bar = |k: usize, s: f64, up: bool| {
        let (x0, x1) = (x(edge(k)), x(edge(k + 1)));
        let h = s / peak * half;
        let y = if up { mid - h } else { mid };
        html! {
            <rect class={if up { "treated" } else { "control" }} x={format!("{:.2}", x0 + 0.5)} y={format!("{y:.2}")}
                  width={format!("{:.2}", (x1 - x0 - 1.0).max(0.5))} height={format!("{h:.2}")} />
        }
    };
    let pct = |s: f64| format!("{:.0}%", s * 100.0);
    let caption = html! { {"Share of each arm per propensity bin: treated above the line, control below. Bins where one arm has no rows lack overlap."} };
    let tick_labels = (0..=5).map(|k| {
        let p = k as f64 / 5.0;
        (x(p), format!("{p:.1}"))
    });
    html! {
        <PlotFrame kind="overlap" view_box={format!("0 0 {W} {H}")} label="overlap plot" file={props.file.clone()} {caption}
                   aria_label="Propensity score histograms of the treated (above the axis) and the control (below)">
                <g class="legend">
                    <rect class="treated" x={L.to_string()} y="8" width="12" height="12" />
                    <text x={(L + 17.0).to_string()} y="18">{format!("treated ({})", cf_engine::format::count(n_t))}</text>
                    <rect class="control" x={(L + 170.0).to_string()} y="8" width="12" height="12" />
                    <text x={(L + 187.0).to_string()} y="18">{format!("control ({})", cf_engine::format::count(n_c))}</text>
                </g>
                {x_ticks(tick_labels, T, H - B, H - B + 14.0)}
                { for (0..bins).map(|k| bar(k, share(o.treated[k], n_t), true)) }
                { for (0..bins).map(|k| bar(k, share(o.control[k], n_c), false)) }
                <line class="axis" x1={L.to_string()} x2={(W - R).to_string()} y1={mid.to_string()} y2={mid.to_string()} />
                <text class="scale" x={(L - 4.0).to_string()} y={(T + 4.0).to_string()} text-anchor="end">{pct(peak)}</text>
                <text class="scale" x={(L - 4.0).to_string()} y={(mid + 4.0).to_string()} text-anchor="end">{"0"}</text>
                <text class="scale" x={(L - 4.0).to_string()} y={(H - B).to_string()} text-anchor="end">{pct(peak)}</text>
                <text class="axis-title" x={x(0.5).to_string()} y={(H - 6.0).to_string()} text-anchor="middle">{"propensity score"}</text>
        </PlotFrame>
    }
}

/// Props of [`LovePlot`] and [`BalanceTable`].
#[derive(Properties, PartialEq)]
pub struct BalanceProps {
    /// One comparison's balance.
    pub balance: Balance,
    /// The love plot's exported files' name, without extension (default `counterfact-love`).
    #[prop_or_default]
    pub file: AttrValue,
}

fn short(name: &str) -> String {
    if name.chars().count() > 20 {
        format!("{}…", name.chars().take(19).collect::<String>())
    } else {
        name.to_string()
    }
}

/// |SMD| per covariate before and after adjustment, with the 0.1 rule of thumb dashed.
#[component]
pub fn LovePlot(props: &BalanceProps) -> Html {
    const W: f64 = 420.0;
    const L: f64 = 150.0;
    const R: f64 = 14.0;
    const T: f64 = 30.0;
    const B: f64 = 38.0;
    const ROW: f64 = 18.0;
    let abs = |v: Option<f64>| v.filter(|x| x.is_finite()).map(f64::abs);
    let mut rows: Vec<_> = props.balance.rows.iter().collect();
    rows.sort_by(|a, b| {
        let key = |r: &cf_engine::BalanceRow| abs(Some(r.smd_before)).unwrap_or(0.0);
        key(b).total_cmp(&key(a))
    });
    let has_weighted = rows.iter().any(|r| abs(r.smd_weighted).is_some());
    let has_matched = rows.iter().any(|r| abs(r.smd_matched).is_some());
    let top = rows
        .iter()
        .flat_map(|r| [abs(Some(r.smd_before)), abs(r.smd_weighted), abs(r.smd_matched)])
        .flatten()
        .fold(SMD_THRESHOLD * 2.0, f64::max)
        * 1.05;
    let ticks = nice_ticks(0.0, top, 4);
    let h = T + ROW * rows.len().max(1) as f64 + B;
    let x = |v: f64| L + v / top * (W - L - R);
    let diamond = |cx: f64, cy: f64| {
        format!(
            "{:.2},{:.2} {:.2},{:.2} {:.2},{:.2} {:.2},{:.2}",
            cx,
            cy - 5.0,
            cx + 5.0,
            cy,
            cx,
            cy + 5.0,
            cx - 5.0,
            cy
        )
    };
    let caption = html! { {"Dashed line: |SMD| = 0.1, the usual bound for good balance."} };
    let tick_labels = ticks.iter().map(|&t| (x(t), format!("{t:.2}")));
    html! {
        <PlotFrame kind="love" view_box={format!("0 0 {W} {h}")} label="love plot" file={props.file.clone()} {caption}
                   aria_label="Love plot: absolute standardized mean difference per covariate before and after adjustment">
                <g class="legend">
                    <circle class="before" cx={(L - 100.0).to_string()} cy="14" r="4.5" />
                    <text x={(L - 92.0).to_string()} y="18">{"before"}</text>
                    if has_weighted {
                        <circle class="weighted" cx={(L - 20.0).to_string()} cy="14" r="4.5" />
                        <text x={(L - 12.0).to_string()} y="18">{"weighted"}</text>
                    }
                    if has_matched {
                        <polygon class="matched" points={diamond(L + 70.0, 14.0)} />
                        <text x={(L + 79.0).to_string()} y="18">{"matched"}</text>
                    }
                </g>
                {x_ticks(tick_labels, T, h - B, h - B + 14.0)}
                <line class="threshold" x1={x(SMD_THRESHOLD).to_string()} x2={x(SMD_THRESHOLD).to_string()}
                      y1={(T - 2.0).to_string()} y2={(h - B).to_string()} />
                { for rows.iter().enumerate().map(|(i, r)| {
                    let y = T + ROW * (i as f64 + 0.5);
                    html! {
                        <g class="cov">
                            <text class="label" x={(L - 8.0).to_string()} y={(y + 4.0).to_string()} text-anchor="end">
                                <title>{&r.covariate}</title>{short(&r.covariate)}
                            </text>
                            <line class="guide" x1={L.to_string()} x2={(W - R).to_string()} y1={y.to_string()} y2={y.to_string()} />
                            if let Some(v) = abs(Some(r.smd_before)) {
                                <circle class="before" cx={format!("{:.2}", x(v))} cy={y.to_string()} r="4.5" />
                            }
                            if let Some(v) = abs(r.smd_weighted) {
                                <circle class="weighted" cx={format!("{:.2}", x(v))} cy={y.to_string()} r="4.5" />
                            }
                            if let Some(v) = abs(r.smd_matched) {
                                <polygon class="matched" points={diamond(x(v), y)} />
                            }
                        </g>
                    }
                }) }
                <text class="axis-title" x={((L + W - R) / 2.0).to_string()} y={(h - 6.0).to_string()} text-anchor="middle">
                    {"|standardized mean difference|"}
                </text>
        </PlotFrame>
    }
}

/// The standardized mean differences, to three decimals.
#[component]
pub fn BalanceTable(props: &BalanceProps) -> Html {
    let cell = |v: Option<f64>| match v.filter(|x| x.is_finite()) {
        Some(x) => {
            // No "-0.000": a difference that rounds to zero is shown as zero.
            let shown = if x.abs() < 0.0005 { 0.0 } else { x };
            html! {
                <td class={classes!("num", (x.abs() > SMD_THRESHOLD).then_some("over"))}>{format!("{shown:.3}")}</td>
            }
        }
        None => html! { <td class="num muted">{"—"}</td> },
    };
    html! {
        <div class="table-scroll balance-scroll">
            <table class="balance" data-testid="balance-table">
                <thead><tr>
                    <th scope="col">{"Covariate"}</th>
                    <th scope="col" class="num">{"SMD before"}</th>
                    <th scope="col" class="num">{"After weighting"}</th>
                    <th scope="col" class="num">{"After matching"}</th>
                </tr></thead>
                <tbody>
                { for props.balance.rows.iter().map(|r| html! {
                    <tr data-covariate={r.covariate.clone()}>
                        <th scope="row">{&r.covariate}</th>
                        { cell(Some(r.smd_before)) }{ cell(r.smd_weighted) }{ cell(r.smd_matched) }
                    </tr>
                }) }
                </tbody>
            </table>
        </div>
    }
}
