//! Component and engine tests inside headless Chromium (wasm-bindgen-test).
//!
//! Run with `cargo test -p counterfact-web --target wasm32-unknown-unknown` (the runner is set in
//! .cargo/config.toml; CHROMEDRIVER points at Debian's chromedriver).
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use cf_engine::{
    AnalysisSpec, Balance, BalanceRow, EffectRow, Estimand, MatchingSummary, Method, Overlap,
    Report,
};
use counterfact_web::components::Results;
use counterfact_web::state::RunResult;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

const NSW: &str = include_str!("../static/examples/nsw_experimental.csv");

async fn tick() {
    yew::platform::time::sleep(std::time::Duration::from_millis(30)).await;
}

fn mount_point() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    root
}

/// The engine compiled to wasm gives causalml's LRSRegressor number on the bundled example.
#[wasm_bindgen_test]
fn engine_in_wasm_matches_causalml() {
    let (table, _) = cf_data::read_csv(NSW.as_bytes(), &Default::default(), &mut |_| true).unwrap();
    let covs = [
        "age", "age2", "educ", "educ2", "black", "hisp", "married", "nodegree", "re74", "re75",
        "u74", "u75",
    ];
    let mut spec = AnalysisSpec::new("treat", "re78", vec![Method::Ols]);
    spec.covariates = Some(covs.iter().map(|s| s.to_string()).collect());
    let report = cf_engine::analyze(&table, &spec).unwrap();
    let ols = &report.results[0];
    // shared/refs/results.json, nsw_experimental, causalml_LRSRegressor.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs();
    assert!(close(ols.estimate, 1586.4525752453515), "{}", ols.estimate);
    assert!(close(ols.ci_low, 283.91461511061084), "{}", ols.ci_low);
    assert!(close(ols.ci_high, 2888.9905353800923), "{}", ols.ci_high);
}

#[derive(Properties, PartialEq)]
struct Wrap {
    result: Rc<RunResult>,
}

#[component]
fn ResultsHost(props: &Wrap) -> Html {
    html! { <Results result={props.result.clone()} /> }
}

/// The results card carries the automation hooks with full-precision numbers and a readable text.
#[wasm_bindgen_test]
async fn results_rows_carry_full_precision_attributes() {
    let row = EffectRow {
        method: Method::Ols,
        estimand: Estimand::Ate,
        estimate: 1586.4525752453515,
        std_error: 664.5723954160965,
        ci_low: 283.91461511061084,
        ci_high: 2888.9905353800923,
        n: 445,
        n_treated: 185,
        n_control: 260,
        ..EffectRow::empty(Method::Ols, Estimand::Ate)
    };
    let result = Rc::new(RunResult {
        spec: AnalysisSpec::new("treat", "re78", vec![Method::Ols]),
        report: Report {
            results: vec![row],
            warnings: vec!["dropped 3 of 448 rows".into()],
            ..Report::default()
        },
        millis: 2.0,
        graph_dot: None,
    });
    let root = mount_point();
    let handle =
        yew::Renderer::<ResultsHost>::with_root_and_props(root.clone(), Wrap { result }).render();
    tick().await;
    let el = root.query_selector("[data-testid=result-ols]").unwrap().expect("result row");
    assert_eq!(el.get_attribute("data-estimate").unwrap(), "1586.4525752453515");
    assert_eq!(el.get_attribute("data-ci-high").unwrap(), "2888.9905353800923");
    let text = el.text_content().unwrap();
    assert!(text.contains("1,586") && text.contains("284 to 2,889"), "{text}");
    assert!(root.query_selector("[data-testid=forest-plot] circle").unwrap().is_some());
    assert!(root.text_content().unwrap().contains("Dropped 3 of 448 rows"));
    handle.destroy();
}

/// Multi-arm results: rows carry their arm and notes, and the overlap plot, love plot and balance
/// table are drawn from the report.
#[wasm_bindgen_test]
async fn results_draw_overlap_and_balance_per_arm() {
    let row = |method: &str, arm: &str, estimate: f64| EffectRow {
        method: Method::parse(method).unwrap(),
        estimand: Estimand::Ate,
        estimate,
        std_error: 0.01,
        ci_low: estimate - 0.02,
        ci_high: estimate + 0.02,
        n: 42_000,
        n_treated: 21_000,
        n_control: 21_000,
        arm: Some(arm.into()),
        ..EffectRow::empty(Method::Ols, Estimand::Ate)
    };
    let mut psm = row("psm", "Mens E-Mail", 0.07);
    psm.matching = Some(MatchingSummary {
        n_treated_matched: 20_990,
        n_treated_unmatched: 10,
        n_control_unique: 15_000,
        caliper: 0.2,
        replace: true,
    });
    psm.warnings = vec!["10 treated units had no control within the caliper".into()];
    let overlap = |arm: &str| Overlap {
        arm: Some(arm.into()),
        edges: (0..=20).map(|k| k as f64 / 20.0).collect(),
        treated: (0..20).map(|k| if (6..14).contains(&k) { 100 + k } else { 0 }).collect(),
        control: (0..20).map(|k| if (5..13).contains(&k) { 90 + k } else { 0 }).collect(),
    };
    let balance = |arm: &str| Balance {
        arm: Some(arm.into()),
        rows: vec![
            BalanceRow {
                covariate: "recency".into(),
                smd_before: 0.23456,
                smd_weighted: Some(0.0012),
                smd_matched: Some(-0.02),
            },
            BalanceRow {
                covariate: "history".into(),
                smd_before: -0.05,
                smd_weighted: Some(f64::NAN),
                smd_matched: None,
            },
        ],
    };
    let mut spec = AnalysisSpec::new("segment", "visit", vec![Method::Ols, Method::Psm]);
    spec.control = Some("No E-Mail".into());
    let result = Rc::new(RunResult {
        spec,
        report: Report {
            results: vec![
                row("ols", "Mens E-Mail", 0.077),
                row("ols", "Womens E-Mail", 0.045),
                psm,
            ],
            overlap: vec![overlap("Mens E-Mail"), overlap("Womens E-Mail")],
            balance: vec![balance("Mens E-Mail"), balance("Womens E-Mail")],
            control: Some("No E-Mail".into()),
            ..Report::default()
        },
        millis: 2.0,
        graph_dot: None,
    });
    let root = mount_point();
    let handle =
        yew::Renderer::<ResultsHost>::with_root_and_props(root.clone(), Wrap { result }).render();
    tick().await;
    let q = |sel: &str| root.query_selector(sel).unwrap();
    let q_all = |sel: &str| root.query_selector_all(sel).unwrap().length();
    assert!(q("[data-testid=result-ols][data-arm='Mens E-Mail']").is_some());
    assert!(q("[data-testid=result-ols][data-arm='Womens E-Mail']").is_some());
    // The Mens rows come first, together: ols, psm, then the Womens one.
    assert_eq!(q_all("tbody[data-arm='Mens E-Mail'] [data-testid^=result-]"), 2);
    let notes = q("[data-testid=notes-psm]").expect("psm notes").text_content().unwrap();
    assert!(
        notes.contains("Matched 20,990 of 21,000") && notes.contains("no control within"),
        "{notes}"
    );
    assert_eq!(q_all("[data-testid=forest-plot] circle"), 3, "one point per row");
    assert!(q("[data-testid=overlap-plot] rect.treated").is_some());
    assert!(q("[data-testid=overlap-plot] rect.control").is_some());
    assert!(q("[data-testid=love-plot] line.threshold").is_some());
    assert!(q("[data-testid=love-plot] circle.weighted").is_some());
    assert!(q("[data-testid=love-plot] polygon.matched").is_some());
    let table = q("[data-testid=balance-table]").expect("balance table").text_content().unwrap();
    assert!(
        table.contains("0.235") && table.contains("0.001") && table.contains("-0.020"),
        "{table}"
    );
    assert!(table.contains('—'), "a missing or non-finite SMD shows a dash: {table}");
    assert!(q("[data-testid=diagnostics-arm]").is_some(), "two comparisons: a picker");
    handle.destroy();
}

/// The app mounts on its landing screen with the drop zone and a keyboard-reachable file input.
#[wasm_bindgen_test]
async fn app_mounts_on_the_landing_screen() {
    let root = mount_point();
    let handle = yew::Renderer::<counterfact_web::App>::with_root(root.clone()).render();
    tick().await;
    let input = root.query_selector("[data-testid=file-input]").unwrap().expect("file input");
    let input: web_sys::HtmlInputElement = input.dyn_into().unwrap();
    assert_eq!(input.type_(), "file");
    assert!(input.tab_index() >= 0, "the file input is in the tab order");
    assert!(root.query_selector("[data-testid=example-nsw]").unwrap().is_some());
    handle.destroy();
}
