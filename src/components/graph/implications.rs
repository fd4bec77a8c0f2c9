//! The graph's testable implications and their tests against the data.

use yew::prelude::*;

use super::Flag;
use crate::components::context::use_app;

fn fmt_p(p: f64) -> String {
    cf_engine::format::p_value(p)
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
    let sent = s.implications_sent.as_ref().map(|(_, l)| l.len()).unwrap_or(0);
    let testing = sent > 0 && s.implications.len() != sent;
    let no_edges = s.graph.dag.edges().is_empty();
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
                <div class="implications-scroll">
                <table data-testid="implications" class="implications-table">
                    <thead><tr><th>{"Independence"}</th><th class="num">{"r"}</th><th class="num">{"p"}</th></tr></thead>
                    <tbody>
                    { for s.implications.iter().enumerate().map(|(i, t)| {
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
                <p class="muted small">{"Partial correlation with Fisher's z. Rows with p < 0.05 (highlighted) contradict the graph; point at a row to outline its pair on the graph."}</p>
            }
        </div>
    }
}
