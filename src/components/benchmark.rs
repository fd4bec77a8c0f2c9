//! "Compare with the experiment" (LaLonde's test): each estimate of an observational run held
//! against the difference in means of a randomized experiment on the same population, as its
//! bias and whether its interval holds the experimental effect.

use cf_engine::format;
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use crate::components::context::use_app_opt;
use crate::components::message::message;
use crate::examples::Example;

/// Props of [`CompareWithExperiment`].
#[derive(Properties, PartialEq)]
pub(crate) struct CompareProps {
    /// The experiment the open example offers (NSW for NSW + CPS).
    pub(crate) example: Option<&'static Example>,
    /// Compare with that example's file.
    pub(crate) on_example: Callback<&'static Example>,
    /// Compare with a file the user picks.
    pub(crate) on_file: Callback<File>,
}

/// The button or file picker, and the comparison once the benchmark is in.
#[component]
pub(crate) fn CompareWithExperiment(props: &CompareProps) -> Html {
    let Some((s, _)) = use_app_opt() else { return html! {} };
    let busy = s.experiment_benchmark.pending.is_some();
    let can = s.benchmark_spec().is_some();
    let on_pick = {
        let on_file = props.on_file.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                on_file.emit(f);
            }
            input.set_value("");
        })
    };
    let shown = s.benchmark_rows();
    html! {
        <section class="compare-experiment" data-testid="compare-experiment" aria-labelledby="compare-title">
            <h3 id="compare-title">{"Compare with the experiment"}</h3>
            <p class="muted small">{"Where a randomized experiment on the same population exists, its difference in means is the answer an observational method should find: each estimate's bias from it, and whether its interval holds it, is LaLonde's (1986) test."}</p>
            <div class="run-row">
                if let Some(ex) = props.example {
                    <button class="secondary" data-testid="compare-example" disabled={!can}
                            onclick={props.on_example.reform(move |_| ex)}>
                        if busy { <span class="spinner" aria-hidden="true"></span>{"Reading the experiment…"} }
                        else { {format!("Compare with the experiment: {}", ex.title)} }
                    </button>
                }
                <label class="file-button ghost">
                    { if props.example.is_some() { "or another experiment's file…" } else { "Choose the experiment's file…" } }
                    <input type="file" accept=".csv,.tsv,.txt,text/csv" data-testid="compare-file" disabled={!can} onchange={on_pick} />
                </label>
            </div>
            if let Some(e) = &s.experiment_benchmark.error {
                <p class="error-inline" role="alert" data-testid="compare-error">{message(e)}</p>
            }
            if let Some((b, rows)) = shown {
                <p data-testid="compare-benchmark" data-estimate={b.benchmark.estimate.to_string()} data-n={b.benchmark.n.to_string()}>
                    {message(&format!("The experiment (`{}`, {}): a difference in means of {} (standard error {}, interval {} to {}).",
                        b.name, format::plural(b.benchmark.n, "row", "rows"),
                        format::with_separators(b.benchmark.estimate, format::decimals_for(b.benchmark.std_error)),
                        format::with_separators(b.benchmark.std_error, format::decimals_for(b.benchmark.std_error)),
                        format::with_separators(b.benchmark.ci[0], format::decimals_for(b.benchmark.std_error)),
                        format::with_separators(b.benchmark.ci[1], format::decimals_for(b.benchmark.std_error))))}
                </p>
                <BiasPlot rows={rows.clone()} benchmark={b.benchmark.estimate} />
                <table class="results compare-table">
                    <thead><tr><th scope="col">{"Method"}</th><th scope="col">{"Estimate"}</th><th scope="col">{"Bias"}</th>
                        <th scope="col">{"Relative bias"}</th><th scope="col">{"Interval holds the experiment"}</th></tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| {
                            let d = format::decimals_for(b.benchmark.std_error);
                            html! {
                                <tr data-testid={format!("compare-row-{}", r.method.as_str())} data-bias={r.bias.to_string()}
                                    data-estimate={r.estimate.to_string()} data-covers={r.covers.to_string()} title={r.sentence.clone()}
                                    class={classes!((!r.covers).then_some("missed"))}>
                                    <th scope="row">{r.method.label()}{ r.arm.as_ref().map(|a| format!(" · {a}")) }</th>
                                    <td class="num">{format::with_separators(r.estimate, d)}</td>
                                    <td class="num">{format::signed(r.bias, d)}</td>
                                    <td class="num">{ r.relative_bias.map(|v| format!("{}{}", if v > 0.0 { "+" } else { "" }, format::percent(v))).unwrap_or_else(|| "—".into()) }</td>
                                    <td>{ if r.covers { "yes" } else { "no" } }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

const W: f64 = 560.0;
const ROW: f64 = 22.0;
const LEFT: f64 = 170.0;
const RIGHT: f64 = 20.0;

#[derive(Properties, PartialEq)]
struct BiasProps {
    rows: Vec<cf_engine::experiment::BenchmarkRow>,
    benchmark: f64,
}

/// Each estimate as a dot on one axis with the experiment's value as a vertical line: the bias
/// is the distance to it.
#[component]
fn BiasPlot(props: &BiasProps) -> Html {
    if props.rows.is_empty() {
        return html! {};
    }
    let values = props.rows.iter().map(|r| r.estimate).chain([props.benchmark, 0.0]);
    let (lo, hi) =
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let pad = ((hi - lo) * 0.06).max(1e-9);
    let (lo, hi) = (lo - pad, hi + pad);
    let x = |v: f64| LEFT + (v - lo) / (hi - lo) * (W - LEFT - RIGHT);
    let h = ROW * props.rows.len() as f64 + 26.0;
    let ticks = crate::components::plot::nice_ticks(lo, hi, 5);
    html! {
        <svg class="bias-plot" viewBox={format!("0 0 {W} {h}")} width="100%" role="img" data-testid="bias-plot"
             aria-label={format!("Each method's estimate against the experiment's {}", format::with_separators(props.benchmark, 0))}>
            { for ticks.iter().map(|&t| html! {
                <g class="tick">
                    <line x1={format!("{:.1}", x(t))} x2={format!("{:.1}", x(t))} y1="0" y2={format!("{:.1}", h - 18.0)} />
                    <text x={format!("{:.1}", x(t))} y={format!("{:.1}", h - 4.0)} text-anchor="middle">{format::with_separators(t, 0)}</text>
                </g>
            }) }
            <line class="benchmark" x1={format!("{:.1}", x(props.benchmark))} x2={format!("{:.1}", x(props.benchmark))} y1="0" y2={format!("{:.1}", h - 18.0)} />
            { for props.rows.iter().enumerate().map(|(i, r)| {
                let y = ROW * i as f64 + ROW / 2.0 + 2.0;
                html! {
                    <g class={classes!("bias-row", (!r.covers).then_some("missed"))}>
                        <text class="label" x={(LEFT - 8.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end">{r.method.short_label()}</text>
                        <line class="bias" x1={format!("{:.1}", x(props.benchmark))} x2={format!("{:.1}", x(r.estimate))} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                        <circle cx={format!("{:.1}", x(r.estimate))} cy={format!("{y:.1}")} r="4.5" />
                    </g>
                }
            }) }
        </svg>
    }
}
