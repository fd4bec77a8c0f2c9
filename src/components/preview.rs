//! The data preview: first rows, each column's type and missing count.

use std::rc::Rc;

use cf_engine::{ColumnKind, format};
use yew::prelude::*;

use crate::state::Dataset;

/// Props of [`DataPreview`].
#[derive(Properties, PartialEq)]
pub struct DataPreviewProps {
    /// The loaded file.
    pub dataset: Rc<Dataset>,
}

/// A compact table of the first rows with a type badge per column.
#[component]
pub fn DataPreview(props: &DataPreviewProps) -> Html {
    let d = &props.dataset;
    let s = &d.summary;
    let total_missing: usize = s.columns.iter().map(|c| c.n_missing).sum();
    html! {
        <section class="card data-card" aria-labelledby="data-title">
            <header class="card-head">
                <h2 id="data-title">{"Data"}</h2>
                <span class="file-name" title={d.name.clone()} data-testid="data-file">{d.name.clone()}</span>
                <span class="muted" data-testid="data-shape">
                    {format!("{} × {}", format::plural(s.n_rows, "row", "rows"), format::plural(s.columns.len(), "column", "columns"))}
                </span>
                <span class="muted">{format!("read in {}", millis(d.millis))}</span>
            </header>
            if total_missing > 0 {
                <p class="note">
                    {format!("{} missing values. Rows with a missing value in a column used by the analysis are left out, and the count is reported with the results.", format::count(total_missing))}
                </p>
            }
            { for s.warnings.iter().map(|w| html!{ <p class="warning">{crate::components::message::message(w)}</p> }) }
            <div class="table-scroll" tabindex="0" aria-label="First rows of the data">
                <table class="preview">
                    <thead>
                        <tr>
                            { for s.columns.iter().map(|c| {
                                let badge = match c.kind { ColumnKind::Binary => "0/1", ColumnKind::Categorical => "text", ColumnKind::Numeric => "num" };
                                let title = match c.n_levels {
                                    Some(l) => format!("{}: {}", c.kind.as_str(), format::plural(l, "level", "levels")),
                                    None => c.kind.as_str().to_string(),
                                };
                                html! {
                                    <th scope="col" data-testid={format!("column-{}", c.name)} data-kind={c.kind.as_str()}>
                                        <span class="col-name">{&c.name}</span>
                                        <span class={classes!("badge", c.kind.as_str())} title={title}>{badge}</span>
                                        if c.n_missing > 0 {
                                            <span class="missing" title="missing values">{format!("{} missing", format::count(c.n_missing))}</span>
                                        }
                                    </th>
                                }
                            }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for s.preview.iter().map(|row| html! {
                            <tr>{ for row.iter().map(|v| if v.is_empty() {
                                html!{ <td class="na">{"NA"}</td> }
                            } else {
                                html!{ <td>{v}</td> }
                            }) }</tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// "120 ms" or "1.4 s".
pub fn millis(ms: f64) -> String {
    if ms < 1000.0 { format!("{} ms", ms.round()) } else { format!("{:.1} s", ms / 1000.0) }
}
