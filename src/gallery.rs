//! The example gallery on the landing page, and the card that tells an open example's story.

use cf_graph::Role;
use yew::prelude::*;

use crate::examples::{EXAMPLES, Example};
use crate::graph_state;
use crate::services::clipboard::{copy_text, page_address};

/// Props of [`ExampleGallery`].
#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    /// Open this example.
    pub on_open: Callback<&'static Example>,
    /// A file is being read.
    pub disabled: bool,
}

/// The gallery: one card per bundled example, with its graph, story, a button and a link.
#[component]
pub fn ExampleGallery(props: &GalleryProps) -> Html {
    let copied = use_state(|| None::<&'static str>);
    html! {
        <section class="examples" aria-labelledby="examples-title" data-testid="gallery">
            <h2 id="examples-title">{"Or start from an example"}</h2>
            <div class="example-grid">
            { for EXAMPLES.iter().map(|ex| {
                let onclick = props.on_open.reform(move |_: MouseEvent| ex);
                let link = format!("{}#{}", page_address(), ex.link());
                let on_link = {
                    let (copied, link) = (copied.clone(), link.clone());
                    Callback::from(move |e: MouseEvent| {
                        // A plain click copies; Ctrl/middle click opens the link as usual.
                        // Where the browser has no clipboard the link opens as a link.
                        if !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0)
                            && copy_text(&link)
                        {
                            e.prevent_default();
                            copied.set(Some(ex.id));
                        }
                    })
                };
                html! {
                    <article class="example" data-testid={format!("example-card-{}", ex.id)}>
                        <GraphThumbnail example={ex} />
                        <div class="example-kind">{ex.kind}</div>
                        <h3>{ex.title}</h3>
                        <p>{ex.blurb}</p>
                        <div class="example-actions">
                            <button class="primary" data-testid={format!("example-{}", ex.id)} disabled={props.disabled} {onclick}>
                                {"Open example"}
                            </button>
                            <a class="example-link" href={link} data-testid={format!("example-link-{}", ex.id)} onclick={on_link}
                               title="Copy a link that opens this example">
                                { if *copied == Some(ex.id) { "Link copied" } else { "Copy link" } }
                            </a>
                        </div>
                    </article>
                }
            }) }
            </div>
        </section>
    }
}

/// Props of [`GraphThumbnail`].
#[derive(Properties, PartialEq)]
pub struct ThumbnailProps {
    /// The example whose graph is drawn.
    pub example: &'static Example,
}

/// Thumbnail size (SVG units).
const TW: f64 = 400.0;
const TH: f64 = 130.0;

/// A small drawing of an example's causal graph: the treatment and outcome on the bottom row
/// (instruments to their left), a latent confounder between them, covariates along the top and
/// what they have in common (a latent node) to their left; names of the nodes that matter.
#[component]
pub fn GraphThumbnail(props: &ThumbnailProps) -> Html {
    let ex = props.example;
    let Ok(g) = graph_state::parse_text(ex.graph) else { return html! {} };
    let spec = ex.spec();
    let instruments = spec.instruments;
    let bottom = |name: &str| instruments.iter().any(|z| z == name);
    let top: Vec<usize> = (0..g.len())
        .filter(|&i| {
            let n = &g.nodes()[i];
            !matches!(n.role, Role::Exposure | Role::Outcome) && !bottom(&n.name) && !n.latent
        })
        .collect();
    let confounder = |i: usize| {
        g.nodes()[i].latent && g.children(i).iter().any(|&c| g.nodes()[c].role == Role::Exposure)
    };
    let at = |i: usize| -> (f64, f64) {
        let n = &g.nodes()[i];
        match n.role {
            Role::Exposure => (0.45 * TW, 0.76 * TH),
            Role::Outcome => (0.86 * TW, 0.76 * TH),
            _ if bottom(&n.name) => (0.1 * TW, 0.76 * TH),
            // Between the treatment and the outcome, above them: an unmeasured confounder.
            _ if confounder(i) => (0.655 * TW, 0.46 * TH),
            // Behind the covariates (what they have in common).
            _ if n.latent => (0.03 * TW, 0.46 * TH),
            _ => {
                let k = top.iter().position(|&j| j == i).unwrap_or(0);
                let x = if top.len() < 2 {
                    0.6 * TW
                } else {
                    0.06 * TW + 0.88 * TW * k as f64 / (top.len() - 1) as f64
                };
                (x, 0.16 * TH)
            }
        }
    };
    let named = |i: usize| {
        let n = &g.nodes()[i];
        confounder(i) || bottom(&n.name) || matches!(n.role, Role::Exposure | Role::Outcome)
    };
    html! {
        <svg class="example-graph" viewBox={format!("0 0 {TW} {TH}")} role="img"
             aria-label={format!("Causal graph: {}, {}", cf_engine::format::plural(g.len(), "variable", "variables"), cf_engine::format::plural(g.edges().len(), "arrow", "arrows"))}>
            <defs>
                <marker id={format!("thumb-arrow-{}", ex.id)} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="thumb-arrowhead" />
                </marker>
            </defs>
            { for g.edges().iter().map(|&(a, b)| {
                let ((x1, y1), (x2, y2)) = (at(a), at(b));
                // Stop short of the target's circle.
                let (dx, dy) = (x2 - x1, y2 - y1);
                let len = dx.hypot(dy).max(1.0);
                let r = if named(b) { 9.0 } else { 5.0 };
                let (ex2, ey2) = (x2 - dx / len * r, y2 - dy / len * r);
                let strong = named(a) && named(b);
                html! { <line x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{ex2:.1}")} y2={format!("{ey2:.1}")}
                              class={classes!("thumb-edge", strong.then_some("strong"))}
                              marker-end={strong.then(|| format!("url(#thumb-arrow-{})", ex.id))} /> }
            }) }
            { for (0..g.len()).map(|i| {
                let n = &g.nodes()[i];
                let (x, y) = at(i);
                let class = match (n.latent, n.role) {
                    (true, _) => "latent",
                    (_, Role::Exposure) => "exposure",
                    (_, Role::Outcome) => "outcome",
                    _ if bottom(&n.name) => "instrument",
                    _ => "other",
                };
                let r = if named(i) { 8.0 } else { 4.0 };
                let label_y = if y > TH / 2.0 { y + r + 12.0 } else { y - r - 4.0 };
                html! {
                    <g class={classes!("thumb-node", class)}>
                        <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r={r.to_string()} />
                        if named(i) {
                            <text x={format!("{x:.1}")} y={format!("{label_y:.1}")} text-anchor="middle">{n.name.clone()}</text>
                        }
                    </g>
                }
            }) }
        </svg>
    }
}

/// Props of [`ExampleStory`].
#[derive(Properties, PartialEq)]
pub struct StoryProps {
    /// The open example.
    pub example: &'static Example,
    /// Leave the example.
    pub on_close: Callback<()>,
}

/// What the open example shows and what to compare its numbers with.
#[component]
pub fn ExampleStory(props: &StoryProps) -> Html {
    let ex = props.example;
    html! {
        <section class="banner story" data-testid="example-story" aria-label={format!("Example: {}", ex.title)}>
            <div>
                <div class="example-kind">{format!("Example · {}", ex.kind)}</div>
                <strong>{ex.title}</strong>
                <p>{ex.story}</p>
                <p class="look-for" data-testid="example-look-for">{"What to look for: "}{ex.look_for}</p>
            </div>
            <button class="ghost" aria-label="Leave the example" onclick={props.on_close.reform(|_| ())}>{"✕"}</button>
        </section>
    }
}
