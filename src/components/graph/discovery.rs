//! "Suggest a graph from the data": the columns, tiers and level PC runs with, its progress,
//! and the proposal drawn with each edge's bootstrap frequency, to accept into the graph (with
//! undo) or leave.

use cf_discovery::EdgeStability;
use cf_engine::format;
use cf_graph::Dag;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::EDGE;
use crate::components::context::use_app_opt;
use crate::components::message::message;
use crate::graph_state::{self, FONT_SIZE, NODE_HEIGHT, WIDTH, node_width};
use crate::state::discovery::{ALPHAS, Comparison, EdgeRule, Proposal, RESAMPLES, Tier};
use crate::state::{Action, Busy};

/// Props of [`Discovery`].
#[derive(Properties, PartialEq)]
pub(super) struct DiscoveryProps {
    /// Run PC.
    pub on_discover: Callback<()>,
    /// Stop it.
    pub on_cancel: Callback<()>,
}

fn tier_value(t: Tier) -> &'static str {
    match t {
        Tier::Unknown => "",
        Tier::Before => "before",
        Tier::After => "after",
    }
}

/// The panel.
#[component]
pub(super) fn Discovery(props: &DiscoveryProps) -> Html {
    let Some((s, dispatch)) = use_app_opt() else { return html! {} };
    if s.dataset.is_none() {
        return html! {};
    }
    let d = &s.discovery;
    if !d.open {
        return html! {
            <div class="discovery closed">
                <button class="secondary" data-testid="discover-open" onclick={dispatch.reform(|_| Action::SetDiscoveryOpen(true))}
                        title="Propose a graph from the data with the PC algorithm, then edit it">{"Suggest a graph from the data…"}</button>
            </div>
        };
    }
    let running = s.busy == Busy::Discovering;
    let spec = s.discover_spec();
    let can_run = spec.is_ok() && s.busy == Busy::Idle;
    let chosen = s.discovery_columns();
    let treatment = s.treatment.clone();
    let outcome = s.outcome.clone();
    let rows = s.numeric_columns().into_iter().map(|c| {
        let on = chosen.contains(&c);
        let role = if treatment.as_ref() == Some(&c) {
            " (treatment)"
        } else if outcome.as_ref() == Some(&c) {
            " (outcome)"
        } else {
            ""
        };
        let toggle = {
            let c = c.clone();
            dispatch.reform(move |e: Event| {
                let on = e.target_unchecked_into::<HtmlInputElement>().checked();
                Action::SetDiscoveryColumn(c.clone(), on)
            })
        };
        let set_tier = {
            let c = c.clone();
            dispatch.reform(move |e: Event| {
                let v = e.target_unchecked_into::<HtmlSelectElement>().value();
                let t = match v.as_str() {
                    "before" => Tier::Before,
                    "after" => Tier::After,
                    _ => Tier::Unknown,
                };
                Action::SetDiscoveryTier(c.clone(), t)
            })
        };
        let tier = d.tier(&c);
        let fixed = !role.is_empty() && d.treatment_first;
        html! {
            <tr key={c.clone()}>
                <td><label><input type="checkbox" checked={on} onchange={toggle} disabled={running}
                                  data-testid={format!("discover-column-{c}")} />{format!(" {c}")}<span class="muted">{role}</span></label></td>
                <td>
                    <select aria-label={format!("when {c} was measured")} data-testid={format!("discover-tier-{c}")}
                            onchange={set_tier} disabled={running || !on || fixed}>
                        { for [Tier::Unknown, Tier::Before, Tier::After].into_iter().map(|t| html! {
                            <option value={tier_value(t)} selected={t == tier}>{ match t {
                                Tier::Unknown => "no knowledge",
                                Tier::Before => "before the treatment",
                                Tier::After => "after the treatment",
                            } }</option>
                        }) }
                    </select>
                </td>
            </tr>
        }
    });
    let on_alpha = dispatch.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetDiscoveryAlpha(v.parse().unwrap_or(0.05))
    });
    let on_resamples = dispatch.reform(|e: Event| {
        let v = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetDiscoveryResamples(v.parse().unwrap_or(0))
    });
    let on_order = dispatch.reform(|e: Event| {
        Action::SetDiscoveryTreatmentFirst(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    html! {
        <section class="discovery" data-testid="discovery" aria-labelledby="discovery-title">
            <header class="discovery-head">
                <h3 id="discovery-title">{"Suggest a graph from the data"}</h3>
                <button class="ghost" aria-label="Close the suggestion panel" onclick={dispatch.reform(|_| Action::SetDiscoveryOpen(false))}>{"✕"}</button>
            </header>
            <p class="muted small">{"The PC algorithm (as causal-learn runs it) tests which columns are independent given others, removes those edges and orients what the tests allow. It assumes no hidden common cause of two chosen columns. A proposal is never a conclusion: keep, reverse or delete its edges with what you know."}</p>
            <div class="discovery-settings">
                <div class="discovery-columns">
                    <div class="column-list">
                        <table class="compact">
                            <thead><tr><th>{"Column"}</th><th>{"Measured"}</th></tr></thead>
                            <tbody>{ for rows }</tbody>
                        </table>
                    </div>
                    <p class="small">
                        <button class="ghost" data-testid="discover-all-columns" disabled={running} onclick={dispatch.reform(|_| Action::SetDiscoveryAllColumns(true))}>{"All numeric columns"}</button>
                        <button class="ghost" data-testid="discover-default-columns" disabled={running} onclick={dispatch.reform(|_| Action::SetDiscoveryAllColumns(false))}>{"Treatment, outcome and covariates"}</button>
                    </p>
                </div>
                <div class="discovery-options">
                    <label>{"Significance level "}
                        <select data-testid="discover-alpha" onchange={on_alpha} disabled={running}>
                            { for ALPHAS.iter().map(|a| html! { <option value={a.to_string()} selected={*a == d.alpha}>{a.to_string()}</option> }) }
                        </select>
                    </label>
                    <label>{"Edge stability "}
                        <select data-testid="discover-resamples" onchange={on_resamples} disabled={running}>
                            { for RESAMPLES.iter().map(|n| html! { <option value={n.to_string()} selected={*n == d.resamples}>{ if *n == 0 { "none".to_string() } else { format!("{n} resamples") } }</option> }) }
                        </select>
                    </label>
                    <label><input type="checkbox" data-testid="discover-treatment-first" checked={d.treatment_first} onchange={on_order} disabled={running} />
                        {" the treatment comes before the outcome"}</label>
                    <EdgeRules columns={chosen.clone()} running={running} />
                    <div class="run-row">
                        <button class="primary" data-testid="discover-button" disabled={!can_run} onclick={props.on_discover.reform(|_| ())}>
                            if running { <span class="spinner" aria-hidden="true"></span>{"Testing…"} } else { {"Suggest a graph"} }
                        </button>
                        if running {
                            <button class="ghost" data-testid="discover-cancel" onclick={props.on_cancel.reform(|_| ())}>{"Cancel"}</button>
                            <span class="run-progress" data-testid="discover-progress">
                                <progress max="100" value={format!("{:.0}", 100.0 * d.progress)} aria-label="discovery progress"></progress>
                                {format!(" {:.0}%", 100.0 * d.progress)}
                            </span>
                        }
                    </div>
                    if let Err(why) = &spec {
                        <p class="muted small">{format::capitalize(why)}{"."}</p>
                    }
                </div>
            </div>
            if let Some(e) = &d.error {
                <p class="error-inline" role="alert" data-testid="discover-error">{message(e)}</p>
            }
            if let Some(p) = &d.proposal {
                <ProposalView proposal={(**p).clone()} stale={s.proposal_is_stale()} />
            }
        </section>
    }
}

/// Props of [`EdgeRules`].
#[derive(Properties, PartialEq)]
struct EdgeRulesProps {
    /// The columns PC runs on.
    columns: Vec<String>,
    running: bool,
}

/// Edges the user knows: pick two columns and whether the arrow between them is required or
/// forbidden; each rule is listed with a button that removes it.
#[component]
fn EdgeRules(props: &EdgeRulesProps) -> Html {
    let from = use_state(String::new);
    let to = use_state(String::new);
    let required = use_state(|| false);
    let Some((s, dispatch)) = use_app_opt() else { return html! {} };
    let cols = &props.columns;
    let pick = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_kind = {
        let required = required.clone();
        Callback::from(move |e: Event| {
            required.set(e.target_unchecked_into::<HtmlSelectElement>().value() == "required")
        })
    };
    // The selects show the first columns until the user picks: read them the same way.
    let chosen = |v: &str, fallback: usize| {
        if cols.iter().any(|c| c == v) {
            v.to_string()
        } else {
            cols.get(fallback).cloned().unwrap_or_default()
        }
    };
    let (f, t) = (chosen(&from, 0), chosen(&to, 1));
    let rule = EdgeRule { from: f.clone(), to: t.clone(), required: *required };
    let can_add = !props.running && f != t && !f.is_empty() && !t.is_empty();
    let add = dispatch.reform(move |_| Action::AddDiscoveryEdgeRule(rule.clone()));
    let options = |sel: &str| {
        cols.iter()
            .map(|c| html! { <option value={c.clone()} selected={c == sel}>{c}</option> })
            .collect::<Html>()
    };
    let rules = s.discovery.edge_rules.iter().enumerate().map(|(i, r)| {
        let label = r.label();
        html! {
            <li data-testid="discover-edge-rule">
                {label.clone()}{" "}
                <button class="ghost" aria-label={format!("remove the rule {label}")} disabled={props.running}
                        onclick={dispatch.reform(move |_| Action::RemoveDiscoveryEdgeRule(i))}>{"✕"}</button>
            </li>
        }
    });
    html! {
        <fieldset class="edge-rules">
            <legend>{"Edges you know"}</legend>
            <div class="edge-rule-form">
                <select aria-label="from column" data-testid="discover-rule-from" onchange={pick(&from)} disabled={props.running}>{options(&f)}</select>
                <select class="rule-kind" aria-label="required or forbidden" data-testid="discover-rule-kind" onchange={on_kind} disabled={props.running}>
                    <option value="forbidden" selected={!*required}>{"cannot point to"}</option>
                    <option value="required" selected={*required}>{"must point to"}</option>
                </select>
                <select aria-label="to column" data-testid="discover-rule-to" onchange={pick(&to)} disabled={props.running}>{options(&t)}</select>
                <button class="ghost" data-testid="discover-rule-add" disabled={!can_add} onclick={add}>{"Add"}</button>
            </div>
            if !s.discovery.edge_rules.is_empty() {
                <ul class="edge-rule-list">{ for rules }</ul>
            }
        </fieldset>
    }
}

/// Props of [`ProposalView`].
#[derive(Properties, PartialEq)]
struct ProposalProps {
    proposal: Proposal,
    /// The settings changed since.
    stale: bool,
}

/// The stability of pair `a`–`b`, if the bootstrap ran.
fn stability<'a>(p: &'a Proposal, a: &str, b: &str) -> Option<&'a EdgeStability> {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    p.report.bootstrap.as_ref()?.edges.iter().find(|e| e.a == a && e.b == b)
}

/// The proposal: summary, comparison with the graph drawn, drawing, accept.
#[component]
fn ProposalView(props: &ProposalProps) -> Html {
    let Some((s, dispatch)) = use_app_opt() else { return html! {} };
    let p = &props.proposal;
    let g = &p.report.cpdag;
    let edges = g.directed.len() + g.undirected.len();
    let summary = format!(
        "PC ({}, α = {}) on {} and {}: {}, {} directed and {} undecided; {} in {} ms.",
        p.report.test.name(),
        g.alpha,
        format::plural(g.n_rows, "row", "rows"),
        format::plural(g.names.len(), "column", "columns"),
        format::plural(edges, "edge", "edges"),
        format::count(g.directed.len()),
        format::count(g.undirected.len()),
        format::plural(g.n_ci_calls, "independence test", "independence tests"),
        format::with_separators(p.millis, 0),
    );
    let cmp = s.proposal_comparison();
    let accepted = cmp.as_ref().is_some_and(Comparison::holds_proposal);
    let comparison = cmp.as_ref().filter(|c| c.drawn > 0 && !accepted).map(|c| {
        html! {
            <p class="small" data-testid="discover-comparison" data-found={c.found.to_string()} data-drawn={c.drawn.to_string()}
               data-same={c.same_direction.to_string()} data-reversed={c.reversed.to_string()} data-new={c.new.len().to_string()}>
                <strong>{format!("{} of your graph's {} between these columns ", c.found, format::plural(c.drawn, "edge", "edges"))}</strong>
                {format!("are in the proposal ({} in the same direction, {} reversed, {} undecided); {} new. ",
                    c.same_direction, c.reversed, c.undecided, format::plural(c.new.len(), "edge is", "edges are"))}
                if !c.missing.is_empty() {
                    <span class="muted">{format!("Not found: {}.", c.missing.iter().map(|(a, b)| format!("{a} → {b}")).collect::<Vec<_>>().join(", "))}</span>
                }
            </p>
        }
    });
    let (t, y) = (s.treatment.as_deref(), s.outcome.as_deref());
    let dag = graph_state::laid_out(g.to_dag(), t, y);
    html! {
        <div class={classes!("proposal", props.stale.then_some("stale"))} data-testid="proposal"
             data-edges={edges.to_string()} data-directed={g.directed.len().to_string()} data-undirected={g.undirected.len().to_string()}
             data-tests={g.n_ci_calls.to_string()}
             data-dagitty={g.to_dagitty()}>
            <p class="small" data-testid="proposal-summary">{summary}</p>
            if props.stale {
                <p class="muted small">{"The settings changed since this proposal: suggest again to update it."}</p>
            }
            { for p.report.warnings.iter().map(|w| html! { <p class="warning small">{message(&format::capitalize(w))}</p> }) }
            { for comparison }
            <div class="proposal-scroll">{preview(&dag, p)}</div>
            <p class="legend small muted">
                {"An arrow is an orientation the tests force; a dashed line an edge they cannot orient. "}
                if p.report.bootstrap.is_some() {
                    {"Thickness and label: how often the pair came out adjacent over the resamples."}
                }
            </p>
            <div class="run-row">
                if accepted {
                    <p class="small" data-testid="proposal-accepted">{"In the graph. Undo (Ctrl+Z) brings back the graph you had; select an undecided edge to orient it."}</p>
                } else {
                    <button class="primary" data-testid="discover-accept" onclick={dispatch.reform(|_| Action::AcceptProposal)}
                            title="Replace the edges between these columns by the proposal's (undo brings yours back)">{"Use this graph"}</button>
                }
            </div>
        </div>
    }
}

/// The proposal drawn: nodes as the editor lays them out, edges thick by their stability.
fn preview(dag: &Dag, p: &Proposal) -> Html {
    let pos: Vec<(f64, f64)> =
        dag.nodes().iter().map(|n| n.pos.unwrap_or((WIDTH / 2.0, 0.0))).collect();
    let pads = vec![0.0; dag.len()];
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (i, n) in dag.nodes().iter().enumerate() {
        let w = node_width(&n.name) / 2.0;
        x0 = x0.min(pos[i].0 - w);
        x1 = x1.max(pos[i].0 + w);
        y0 = y0.min(pos[i].1 - NODE_HEIGHT);
        y1 = y1.max(pos[i].1 + NODE_HEIGHT);
    }
    let view =
        format!("{:.0} {:.0} {:.0} {:.0}", x0 - 20.0, y0 - 10.0, x1 - x0 + 40.0, y1 - y0 + 20.0);
    let edge = |a: usize, b: usize, undirected: bool| {
        let (na, nb) = (dag.name(a), dag.name(b));
        let route = graph_state::route(dag, &pos, &pads, a, b);
        let st = stability(p, na, nb);
        let width = st.map_or(1.8, |e| 1.0 + 4.0 * e.frequency);
        let label = st.map(|e| format!("{:.0}%", 100.0 * e.frequency));
        let title = match st {
            Some(e) => format!(
                "{na} {} {nb}: adjacent in {:.0}% of the resamples ({} → {} {:.0}%, {} → {} {:.0}%, undecided {:.0}%)",
                if undirected { "—" } else { "→" },
                100.0 * e.frequency,
                e.a,
                e.b,
                100.0 * e.forward,
                e.b,
                e.a,
                100.0 * e.backward,
                100.0 * e.undirected
            ),
            None => format!("{na} {} {nb}", if undirected { "—" } else { "→" }),
        };
        // The middle of the drawn course: the detour's middle corner, the middle of the
        // quadratic curve (¼ start + ½ control + ¼ end), or of the straight line.
        let (s0, e0) = (route.start, route.end);
        let mid = if let Some(v) = route.via.get(route.via.len() / 2) {
            *v
        } else if let Some(c) = route.ctrl {
            (0.25 * s0.0 + 0.5 * c.0 + 0.25 * e0.0, 0.25 * s0.1 + 0.5 * c.1 + 0.25 * e0.1)
        } else {
            ((s0.0 + e0.0) / 2.0, (s0.1 + e0.1) / 2.0)
        };
        let colour = if undirected { "var(--accent)" } else { EDGE };
        html! {
            <g data-testid={format!("proposal-edge-{na}-{nb}")} data-undirected={undirected.to_string()}
               data-frequency={st.map(|e| e.frequency.to_string()).unwrap_or_default()}>
                <title>{title}</title>
                <path d={route.path()} fill="none" style={format!("stroke:{colour}")} stroke-width={format!("{width:.2}")}
                      stroke-dasharray={undirected.then_some("6 4")} marker-end={(!undirected).then_some("url(#proposal-arrow)")} />
                if let Some(l) = label {
                    <text x={format!("{:.1}", mid.0)} y={format!("{:.1}", mid.1 - 3.0)} text-anchor="middle" class="edge-label"
                          font-size="10" font-family="system-ui, sans-serif" style="fill:var(--ink-soft);paint-order:stroke;stroke:var(--graph-bg);stroke-width:3px">{l}</text>
                }
            </g>
        }
    };
    let directed = dag.edges().into_iter().map(|(a, b)| edge(a, b, false)).collect::<Html>();
    let undirected =
        dag.undirected_edges().iter().map(|&(a, b)| edge(a, b, true)).collect::<Html>();
    let nodes = dag.nodes().iter().enumerate().map(|(i, n)| {
        let w = node_width(&n.name);
        html! {
            <g transform={format!("translate({:.1},{:.1})", pos[i].0, pos[i].1)} data-testid={format!("proposal-node-{}", n.name)}>
                <rect x={format!("{:.1}", -w / 2.0)} y={format!("{:.1}", -NODE_HEIGHT / 2.0)} width={format!("{w:.1}")} height={NODE_HEIGHT.to_string()}
                      rx="14" style="fill:var(--node-none-fill);stroke:var(--node-none-stroke)" stroke-width="1.5" />
                <text text-anchor="middle" dominant-baseline="central" font-size={FONT_SIZE.to_string()} font-family="system-ui, sans-serif"
                      style="fill:var(--ink)">{n.name.clone()}</text>
            </g>
        }
    });
    html! {
        <svg class="proposal-svg" data-testid="proposal-svg" viewBox={view} role="img"
             aria-label={format!("The proposed graph: {} directed and {} undecided edges", p.report.cpdag.directed.len(), p.report.cpdag.undirected.len())}>
            <defs>
                <marker id="proposal-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" style={format!("fill:{EDGE}")} />
                </marker>
            </defs>
            {directed}
            {undirected}
            { for nodes }
        </svg>
    }
}
