//! "Can it be trusted?": under the results, how strong an unmeasured confounder would have to
//! be to explain the estimate away (the E-value of an estimate and, for OLS, sensemakr's
//! robustness values with the sensitivity contour plot), and the refutation tests.

use cf_engine::format;
use cf_engine::sensitivity::{EValueReport, SensitivityReport};
use yew::prelude::*;

use crate::components::context::use_app_opt;
use crate::components::plot::{PlotFrame, nice_ticks, x_ticks, y_ticks};
use crate::components::refuters::Refuters;
use crate::state::Action;
use crate::state::refute::benchmark_shown;

/// Props of [`Trust`].
#[derive(Properties, PartialEq)]
pub(crate) struct TrustProps {
    /// The OLS estimate's sensitivity, when OLS ran on a 0/1 treatment.
    pub(crate) sensitivity: Option<Box<SensitivityReport>>,
    /// The E-value shown, with the label of the method it belongs to.
    pub(crate) evalue: Option<(AttrValue, EValueReport)>,
    /// The exported plot's file name, without extension.
    pub(crate) file: AttrValue,
    /// Start the refutation tests.
    pub(crate) on_refute: Callback<()>,
    /// Stop them.
    pub(crate) on_cancel: Callback<()>,
}

/// The card's section.
#[component]
pub(crate) fn Trust(props: &TrustProps) -> Html {
    // The user's pick lives in the page state (share links and "Copy as Python" carry it); a
    // card mounted on its own keeps it here.
    let app = use_app_opt();
    let local = use_state(|| None::<String>);
    let picked = match &app {
        Some((s, _)) => s.refute.sensitivity_benchmark.clone(),
        None => (*local).clone(),
    };
    let on_pick = match &app {
        Some((_, dispatch)) => dispatch.reform(Action::SetSensitivityBenchmark),
        None => {
            let local = local.clone();
            Callback::from(move |b: String| local.set(Some(b)))
        }
    };
    let benchmark: Option<String> =
        props.sensitivity.as_ref().and_then(|r| benchmark_shown(r, picked));
    html! {
        <section class="trust" data-testid="trust" aria-labelledby="trust-title">
            <h3 id="trust-title">{"Can it be trusted?"}</h3>
            if let Some((method, e)) = &props.evalue {
                <p class="evalue" data-testid="evalue" data-evalue={e.evalue_point.to_string()}
                   data-evalue-ci={e.evalue_ci.to_string()} data-method={method.clone()}>
                    <strong>{format!("E-value {}. ", format::with_separators(e.evalue_point, 2))}</strong>
                    {format!("{} ({method}; on the {}).", format::capitalize(&e.sentence()), e.scale)}
                </p>
            }
            if let Some(s) = &props.sensitivity {
                <p class="sensitivity" data-testid="sensitivity" data-rv-q={s.sensitivity.rv_q.to_string()}
                   data-rv-qa={s.sensitivity.rv_qa.to_string()} data-r2yd-x={s.sensitivity.r2yd_x.to_string()}>
                    <strong>{format!("Robustness value {}. ", format::percent(s.sensitivity.rv_q))}</strong>
                    {format!("{} (OLS, as sensemakr computes it; partial R² of the treatment with the outcome {}).",
                        format::capitalize(&s.verdict), format::percent(s.sensitivity.r2yd_x))}
                </p>
                if let Some(b) = &benchmark {
                    <Benchmarks report={s.clone()} benchmark={AttrValue::from(b.clone())}
                                on_pick={on_pick.clone()} />
                }
                <Contour report={s.clone()} benchmark={benchmark.clone().map(AttrValue::from)} file={props.file.clone()} />
            }
            if props.sensitivity.is_some() || props.evalue.is_some() {
                <p class="muted small">{"Checks like these can only show how strong a confounder left out would have to be; whether one that strong exists is a question about the data's origin, not its numbers."}</p>
            }
            <Refuters on_refute={props.on_refute.clone()} on_cancel={props.on_cancel.clone()} />
        </section>
    }
}

const W: f64 = 360.0;
const H: f64 = 300.0;
const LEFT: f64 = 64.0;
const TOP: f64 = 12.0;
const SIDE: f64 = 240.0;

#[derive(Properties, PartialEq)]
struct BenchmarksProps {
    report: Box<SensitivityReport>,
    benchmark: AttrValue,
    on_pick: Callback<String>,
}

/// The estimate adjusted for a confounder 1, 2 and 3 times as strong as a covariate the user
/// picks (sensemakr's bounds): "as strong as `age`" is easier to judge than a partial R².
#[component]
fn Benchmarks(props: &BenchmarksProps) -> Html {
    let s = &props.report.sensitivity;
    let mut names: Vec<&str> = Vec::new();
    for b in &s.bounds {
        if !names.contains(&b.benchmark.as_str()) {
            names.push(&b.benchmark);
        }
    }
    let onchange = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |e: Event| {
            if let Some(el) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                on_pick.emit(el.value());
            }
        })
    };
    let level = format!("{} %", format::with_separators(100.0 * (1.0 - s.alpha), 0));
    let bounds: Vec<_> =
        s.bounds.iter().filter(|b| b.benchmark == props.benchmark.as_str()).collect();
    let number = |v: f64| format::with_separators(v, 2);
    html! {
        <div class="benchmarks" data-testid="benchmarks">
            <label class="benchmark-pick">{"Compare a confounder with "}
                <select data-testid="benchmark-select" aria-label="the covariate a confounder is compared with" {onchange}>
                    { for names.iter().map(|n| html! { <option value={n.to_string()} selected={*n == props.benchmark.as_str()}>{*n}</option> }) }
                </select>
            </label>
            <ul data-testid="bounds-of" data-benchmark={props.benchmark.clone()}>
                { for bounds.iter().map(|b| {
                    let crossed = b.crosses_zero(s.estimate);
                    html! {
                        <li data-testid="bound" data-kd={b.kd.to_string()} data-estimate={b.adjusted_estimate.to_string()}
                            data-lower={b.adjusted_lower_ci.to_string()} data-upper={b.adjusted_upper_ci.to_string()}
                            class={classes!(crossed.then_some("crossed"))}>
                            <strong>{format!("{}× as strong as {}: ", format::with_separators(b.kd, 0), props.benchmark)}</strong>
                            {format!("{} ({level} CI {} to {}; partial R² {} with the treatment, {} with the outcome)",
                                number(b.adjusted_estimate), number(b.adjusted_lower_ci), number(b.adjusted_upper_ci),
                                format::percent(b.r2dz_x), format::percent(b.r2yz_dx))}
                            if crossed { <span class="flag">{" — the interval includes no effect"}</span> }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ContourProps {
    report: Box<SensitivityReport>,
    /// Whose bounds are marked on the plot.
    benchmark: Option<AttrValue>,
    file: AttrValue,
}

/// The adjusted estimate over both partial R² as shaded cells: the deeper the colour, the more
/// of the estimate is left; red where a confounder that strong would bring it to zero or past.
#[component]
fn Contour(props: &ContourProps) -> Html {
    let c = &props.report.contour;
    let s = &props.report.sensitivity;
    let (n, lim) = (c.grid.len(), c.grid.last().copied().unwrap_or(1.0));
    if n < 2 || !(s.estimate.abs() > 0.0) {
        return html! {};
    }
    let cell = SIDE / (n - 1) as f64;
    let px = |v: f64| LEFT + v / lim * SIDE;
    let py = |v: f64| TOP + SIDE - v / lim * SIDE;
    // Cell (i, j) spans grid points i..i+1 and j..j+1 and takes the value at its lower-left
    // corner.
    let mut cells = Vec::with_capacity((n - 1) * (n - 1));
    for (i, row) in c.values.iter().enumerate().take(n - 1) {
        for (j, v) in row.iter().enumerate().take(n - 1) {
            let left = v / s.estimate;
            // Opaque colours mixed with white (not opacity), so the overlap that closes the
            // seams between cells does not show as darker lines.
            let (class, rgb, t) = if left <= 0.0 {
                ("gone", (197.0, 48.0, 48.0), 0.55)
            } else {
                ("left", (43.0, 108.0, 176.0), 0.15 + 0.75 * left.min(1.0))
            };
            let mix = |c: f64| (255.0 + (c - 255.0) * t).round() as u8;
            let fill = format!("rgb({},{},{})", mix(rgb.0), mix(rgb.1), mix(rgb.2));
            cells.push(html! {
                <rect class={class} x={format!("{:.2}", px(c.grid[i]))} y={format!("{:.2}", py(c.grid[j + 1]))}
                      width={format!("{:.2}", cell + 0.3)} height={format!("{:.2}", cell + 0.3)} fill={fill} />
            });
        }
    }
    let ticks = nice_ticks(0.0, lim, 4);
    let label = |v: f64| format!("{:.0} %", v * 100.0);
    let rv = s.rv_q.min(lim);
    // A label only where it does not run into the previous one (weak benchmarks crowd the
    // origin); the list above the plot names every multiple.
    let mut labelled: Option<(f64, f64)> = None;
    let marks: Vec<Html> = props
        .benchmark
        .iter()
        .flat_map(|name| s.bounds.iter().filter(move |b| b.benchmark == name.as_str()))
        .filter(|b| b.r2dz_x <= lim && b.r2yz_dx <= lim)
        .map(|b| {
            let (x, y) = (px(b.r2dz_x), py(b.r2yz_dx));
            let label = labelled.is_none_or(|(lx, ly)| (x - lx).abs() > 18.0 || (y - ly).abs() > 12.0);
            if label {
                labelled = Some((x, y));
            }
            html! {
                <g class="bound-mark" data-testid="contour-bound">
                    <path d={format!("M{:.1} {:.1}l4 4l-4 4l-4 -4z", x, y - 4.0)} />
                    if label {
                        <text x={format!("{:.1}", x + 6.0)} y={format!("{:.1}", y - 6.0)}>{format!("{}×", format::with_separators(b.kd, 0))}</text>
                    }
                </g>
            }
        })
        .collect();
    let caption = html! {
        <>{"The estimate adjusted for a confounder of each strength: the horizontal axis is how much of the treatment's residual variance it explains, the vertical how much of the outcome's. "}
          {"Deeper blue: more of the estimate is left; red: the confounder would explain it away. "}
          {format!("The point on the diagonal is the robustness value, {}.", format::percent(s.rv_q))}
          if let Some(b) = &props.benchmark { {format!(" Diamonds: a confounder 1, 2 and 3 times as strong as {b}.")} }</>
    };
    html! {
        <PlotFrame kind="contour" view_box={format!("0 0 {W} {H}")} label="sensitivity contour plot" file={props.file.clone()}
                   aria_label="Sensitivity contour plot: the adjusted estimate over the partial R² of a confounder with the treatment and with the outcome"
                   {caption}>
            <g class="cells">{ for cells }</g>
            { x_ticks(ticks.iter().map(|&t| (px(t), label(t))), TOP, TOP + SIDE, TOP + SIDE + 16.0) }
            { y_ticks(ticks.iter().map(|&t| (py(t), label(t))), LEFT, LEFT + SIDE) }
            <text class="axis-label" x={(LEFT + SIDE / 2.0).to_string()} y={(H - 8.0).to_string()} text-anchor="middle">{"partial R² with the treatment"}</text>
            <text class="axis-label" transform={format!("translate(12 {}) rotate(-90)", TOP + SIDE / 2.0)} text-anchor="middle">{"partial R² with the outcome"}</text>
            { for marks.into_iter() }
            <circle class="rv" cx={px(rv).to_string()} cy={py(rv).to_string()} r="4" data-testid="contour-rv" />
            <text class="rv-label" x={(px(rv) + 7.0).to_string()} y={(py(rv) - 6.0).to_string()}>{"RV"}</text>
        </PlotFrame>
    }
}
