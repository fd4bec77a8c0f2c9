//! The graph's testable implications and their tests against the data.

use cf_engine::IndependenceTest;
use yew::prelude::*;

use super::Flag;
use crate::components::context::use_app;

fn fmt_p(p: f64) -> String {
    cf_engine::format::p_value(p)
}

/// Rows shown before "show all".
pub(super) const TOP: usize = 8;

/// The tests, the strongest rejections first: smallest p-value, then largest |r|; tests that
/// could not run last. Ties keep the graph's order.
pub(super) fn ranked(tests: &[IndependenceTest]) -> Vec<&IndependenceTest> {
    let mut out: Vec<&IndependenceTest> = tests.iter().collect();
    out.sort_by(|a, b| {
        let p = |t: &IndependenceTest| t.p_value.filter(|p| p.is_finite()).unwrap_or(f64::INFINITY);
        let r = |t: &IndependenceTest| t.r.filter(|r| r.is_finite()).map_or(0.0, f64::abs);
        p(a).total_cmp(&p(b)).then(r(b).total_cmp(&r(a)))
    });
    out
}

/// Props of [`Implications`].
#[derive(Properties, PartialEq)]
pub(super) struct ImplicationsProps {
    /// The pair of the row under the pointer (or last clicked), to outline on the graph.
    pub on_flag: Callback<Option<Flag>>,
}

/// The table of implied independences with their partial correlations and p-values.
#[component]
pub(super) fn Implications(props: &ImplicationsProps) -> Html {
    let (s, _) = use_app();
    let all = use_state(|| false);
    let sent = s.implications_sent.as_ref().map(|(_, l)| l.len()).unwrap_or(0);
    let testing = sent > 0 && s.implications.len() != sent;
    let no_edges = !s.graph_has_edges();
    let ranked = ranked(&s.implications);
    let total = ranked.len();
    let rejected = ranked.iter().filter(|t| t.p_value.is_some_and(|p| p < 0.05)).count();
    let shown = if *all { &ranked[..] } else { &ranked[..total.min(TOP)] };
    let summary = match (total, rejected) {
        (1, 0) => "1 implication; the data agree with it.".to_string(),
        (1, _) => "1 implication; the data contradict it (p < 0.05).".to_string(),
        (n, 0) => format!("{n} implications; the data agree with all of them."),
        (n, r) => format!(
            "{n} implications; the data contradict {r} (p < 0.05). The strongest contradictions come first."
        ),
    };
    html! {
        <div class="implications">
            if s.implications.is_empty() && !testing {
                <p class="muted small" data-testid="no-implications">{
                    if no_edges { "Draw the graph's arrows: each missing arrow between two columns is an independence the data can test." }
                    else { "This graph implies no independence among the data's columns." }
                }</p>
            } else if testing {
                <p class="muted small">{"Testing in the background…"}</p>
            } else {
                <p class="small implications-summary" data-testid="implications-summary">{summary}</p>
                <div class="implications-scroll">
                <table data-testid="implications" class="implications-table">
                    <thead><tr><th>{"Independence"}</th><th class="num">{"r"}</th><th class="num">{"p"}</th></tr></thead>
                    <tbody>
                    { for shown.iter().enumerate().map(|(i, t)| {
                        let bad = t.p_value.is_some_and(|p| p < 0.05);
                        let given = if t.given.is_empty() { String::new() } else { format!(" | {}", t.given.join(", ")) };
                        let show = {
                            let p = (t.x.clone(), t.y.clone(), bad);
                            props.on_flag.reform(move |_: MouseEvent| Some(p.clone()))
                        };
                        let hide = props.on_flag.reform(|_: MouseEvent| None);
                        html! {
                            <tr class={classes!(bad.then_some("rejected"))} data-testid={format!("implication-{i}")}
                                onmouseenter={show.clone()} onclick={show} onmouseleave={hide}
                                data-x={t.x.clone()} data-y={t.y.clone()} data-p={t.p_value.map(|p| p.to_string()).unwrap_or_default()}
                                data-r={t.r.map(|r| r.to_string()).unwrap_or_default()} data-rejected={bad.to_string()} title={t.error.clone().unwrap_or_default()}>
                                <td><code>{format!("{} ⟂ {}{given}", t.x, t.y)}</code></td>
                                <td class="num">{t.r.map(|r| format!("{r:.3}")).unwrap_or_else(|| "—".into())}</td>
                                <td class="num">{t.p_value.map(fmt_p).unwrap_or_else(|| "—".into())}</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
                if total > TOP {
                    <button class="ghost show-all" data-testid="implications-show-all" aria-expanded={all.to_string()}
                            onclick={{ let all = all.clone(); Callback::from(move |_| all.set(!*all)) }}>
                        { if *all { format!("Show the top {TOP} only") } else { format!("Show all {total}") } }
                    </button>
                }
                <p class="muted small">{"Partial correlation with Fisher's z, smallest p first. Rows with p < 0.05 (highlighted) contradict the graph: an arrow or a common cause may be missing between the pair. Point at a row to outline its pair on the graph."}</p>
            }
        </div>
    }
}
