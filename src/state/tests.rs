//! The reducer's tests (native).

use std::rc::Rc;

use cf_engine::{ColumnKind, ColumnSummary, EstimandChoice, Method, TableSummary};
use cf_graph::Role;
use yew::Reducible;

use super::*;
use crate::graph_state::Selection;

fn summary(cols: &[(&str, &str)]) -> TableSummary {
    TableSummary {
        n_rows: 3,
        columns: cols
            .iter()
            .map(|(n, k)| ColumnSummary {
                name: n.to_string(),
                kind: match *k {
                    "binary" => ColumnKind::Binary,
                    "categorical" | "id-text" => ColumnKind::Categorical,
                    _ => ColumnKind::Numeric,
                },
                n_missing: 0,
                n_levels: None,
                levels: None,
                level_counts: None,
                mean: None,
                identifier: k.starts_with("id"),
            })
            .collect(),
        preview: vec![],
        warnings: vec![],
        identities: vec![],
        near_copies: vec![],
    }
}

fn load(
    state: Rc<AppState>,
    job: u32,
    cols: &[(&str, &str)],
    roles: SuggestedRoles,
) -> Rc<AppState> {
    let s = state.reduce(Action::LoadStarted { job, name: "f.csv".into(), total: 10.0, roles });
    s.reduce(Action::Loaded {
        job,
        summary: summary(cols),
        millis: 1.0,
        saved_graph: None,
        hash: "0".into(),
        text: None,
    })
}

const COLS: [(&str, &str); 5] = [
    ("y", "numeric"),
    ("flag", "binary"),
    ("treat", "binary"),
    ("age", "numeric"),
    ("city", "categorical"),
];

#[test]
fn loading_picks_a_treatment_and_numeric_covariates() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    assert_eq!(s.treatment.as_deref(), Some("treat"));
    assert_eq!(s.outcome, None);
    assert_eq!(s.covariates, vec!["y", "flag", "age"]);
    assert_eq!(s.spec(), None, "no outcome yet");
    let s = s.reduce(Action::SetOutcome("y".into()));
    let spec = s.spec().unwrap();
    assert_eq!(spec.covariates, Some(vec!["flag".to_string(), "age".to_string()]));
}

#[test]
fn suggested_roles_win_and_a_non_binary_treatment_is_explained() {
    let roles = SuggestedRoles {
        treatment: Some("flag".into()),
        outcome: Some("y".into()),
        example: false,
    };
    let s = load(Rc::new(AppState::new()), 1, &COLS, roles);
    assert_eq!((s.treatment.as_deref(), s.outcome.as_deref()), (Some("flag"), Some("y")));
    let s = s.reduce(Action::SetTreatment("age".into()));
    assert_eq!(
        s.role_problem().unwrap(),
        "`age` is numeric, not binary: the treatment must hold only 0 (control) and 1 (treated) (or, for instrumental variables alone, a numeric dose)."
    );
    assert!(s.spec().is_none());
}

#[test]
fn identifiers_are_not_ticked_by_default() {
    let cols = [("seqn", "id"), ("qsmk", "binary"), ("wt82_71", "numeric"), ("age", "numeric")];
    let s = load(Rc::new(AppState::new()), 1, &cols, SuggestedRoles::default());
    let s =
        s.reduce(Action::SetTreatment("qsmk".into())).reduce(Action::SetOutcome("wt82_71".into()));
    assert_eq!(s.covariates, ["age"]);
    // Ticked by choice, it is used.
    let s = s.reduce(Action::SetCovariate("seqn".into(), true));
    assert_eq!(s.spec().unwrap().covariates.unwrap(), ["seqn", "age"]);
}

#[test]
fn a_failed_load_keeps_the_data_the_user_had() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::LoadStarted {
        job: 2,
        name: "bad.csv".into(),
        total: 5.0,
        roles: SuggestedRoles::default(),
    });
    let s = s.reduce(Action::Failed { job: 2, message: "bad".into() });
    assert_eq!(s.error.as_deref(), Some("bad"));
    assert_eq!(s.busy, Busy::Idle);
    assert_eq!(s.dataset.as_ref().unwrap().name, "f.csv");
    assert_eq!(s.treatment.as_deref(), Some("treat"));
    assert_eq!(s.run_error, None, "a failed load is not a failed run");
    // A failed run says why beside the button too, until the next run.
    let s = s.reduce(Action::SetOutcome("y".into()));
    let spec = s.spec().unwrap();
    let s = s.reduce(Action::RunStarted { job: 3, spec });
    let s = s.reduce(Action::Failed { job: 3, message: "an identifier".into() });
    assert_eq!(s.run_error.as_deref(), Some("an identifier"));
    let spec = s.spec().unwrap();
    assert_eq!(s.reduce(Action::RunStarted { job: 4, spec }).run_error, None);
}

#[test]
fn stale_replies_are_ignored_and_results_go_stale_on_change() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into()));
    let spec = s.spec().unwrap();
    let s = s.reduce(Action::RunStarted { job: 2, spec: spec.clone() });
    let s = s.reduce(Action::Cancelled { job: 3 });
    let report = Report::default();
    let late = s.clone().reduce(Action::Reported { job: 2, report: report.clone(), millis: 1.0 });
    assert!(late.result.is_none());
    let s = s.reduce(Action::RunStarted { job: 4, spec });
    let s = s.reduce(Action::Reported { job: 4, report, millis: 1.0 });
    assert!(s.result.is_some() && !s.result_is_stale());
    let s = s.reduce(Action::SetCovariate("age".into(), false));
    assert!(s.result_is_stale());
    let s = s.reduce(Action::SetCovariate("age".into(), true));
    assert!(!s.result_is_stale());
    assert_eq!(s.covariates, vec!["flag", "age"]);
}

fn graph(s: Rc<AppState>, a: GraphAction) -> Rc<AppState> {
    s.reduce(Action::Graph(a))
}

fn select(s: Rc<AppState>, n: &str) -> Rc<AppState> {
    graph(s, GraphAction::Select(Some(Selection::Node(n.into()))))
}

#[test]
fn the_graph_starts_with_the_columns_and_shares_the_roles() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    assert_eq!(s.graph.dag.len(), 5);
    assert!(s.graph.dag.edges().is_empty());
    assert_eq!(s.adjustment_warning(), None, "no graph drawn, no warning");
    // Keys on the selected node set the same roles as the Analysis panel.
    let s = select(s, "y");
    let s = graph(s, GraphAction::Key('o'));
    assert_eq!(s.outcome.as_deref(), Some("y"));
    let s = select(s, "flag");
    let s = graph(s, GraphAction::Key('e'));
    assert_eq!(s.treatment.as_deref(), Some("flag"));
    assert!(!s.covariates.contains(&"flag".to_string()));
    let s = select(s, "age");
    let s = graph(s, GraphAction::Key('a'));
    assert!(!s.covariates.contains(&"age".to_string()));
    let s = graph(s, GraphAction::Key('a'));
    assert!(s.covariates.contains(&"age".to_string()));
    let g = s.graph_with_roles();
    let role = |n: &str| g.nodes()[g.index(n).unwrap()].role;
    assert_eq!(
        (role("flag"), role("y"), role("age")),
        (Role::Exposure, Role::Outcome, Role::Adjusted)
    );
    // The Analysis panel moves the graph's roles too.
    let s = s.reduce(Action::SetTreatment("treat".into()));
    let g = s.graph_with_roles();
    assert_eq!(g.nodes()[g.index("treat").unwrap()].role, Role::Exposure);
    assert_eq!(g.nodes()[g.index("flag").unwrap()].role, Role::None);
}

#[test]
fn a_biasing_path_warns_and_a_minimal_set_fixes_it() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into()));
    let s = graph(s, GraphAction::AddEdge("age".into(), "treat".into()));
    let s = graph(s, GraphAction::AddEdge("age".into(), "y".into()));
    let s = graph(s, GraphAction::AddEdge("treat".into(), "y".into()));
    let s = graph(s, GraphAction::AddEdge("treat".into(), "flag".into()));
    // Default covariates: flag (a descendant of treat) and age.
    let w = s.adjustment_warning().unwrap();
    assert!(w.contains("flag"), "{w}");
    let s = s.reduce(Action::SetCovariates(vec![]));
    let w = s.adjustment_warning().unwrap();
    assert!(w.contains("treat ← age → y"), "{w}");
    let a = s.graph_analysis().unwrap().unwrap();
    assert_eq!(a.backdoor.minimal_sets, vec![vec!["age".to_string()]]);
    let s = s.reduce(Action::SetCovariates(a.backdoor.minimal_sets[0].clone()));
    assert_eq!(s.covariates, vec!["age"]);
    assert_eq!(s.adjustment_warning(), None);
    // A cycle is refused with the engine's message; nothing is lost.
    let s = graph(s, GraphAction::AddEdge("y".into(), "age".into()));
    assert!(s.graph.error.as_deref().unwrap().contains("cycle"));
    assert_eq!(s.graph.dag.edges().len(), 4);
    let imp = s.implied_independences();
    assert!(imp.iter().any(|i| (i.x == "city" || i.y == "city") && i.given.is_empty()));
}

#[test]
fn text_round_trips_roles_and_a_saved_graph_is_restored() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let text = "dag { treat [exposure] y [outcome] age [adjusted] U [latent] U -> treat U -> y age -> treat age -> y treat -> y }";
    let s = graph(s, GraphAction::ApplyText(text.into()));
    assert_eq!(s.graph.error, None);
    assert_eq!((s.treatment.as_deref(), s.outcome.as_deref()), (Some("treat"), Some("y")));
    // The ticks stay until the user takes the code's.
    assert_eq!(s.covariates, vec!["flag", "age"]);
    assert_eq!(s.code_covariates.as_deref(), Some(&["age".to_string()][..]));
    let kept = s.clone().reduce(Action::KeepCovariates);
    assert_eq!((kept.covariates.len(), kept.code_covariates.is_none()), (2, true));
    let s = s.reduce(Action::UseCodeCovariates);
    assert_eq!(s.covariates, vec!["age"]);
    assert_eq!(s.code_covariates, None);
    // Code that marks what is ticked offers nothing.
    let s = graph(s, GraphAction::ApplyText(text.into()));
    assert_eq!(s.code_covariates, None);
    assert_eq!(s.graph.dag.len(), 4);
    let a = s.graph_analysis().unwrap().unwrap();
    assert!(!a.backdoor.identifiable);
    // A parse error keeps the graph.
    let s2 = graph(s.clone(), GraphAction::ApplyText("dag { treat -> }".into()));
    assert!(s2.graph.error.as_deref().unwrap().contains("line 1"));
    assert_eq!(s2.graph.dag, s.graph.dag);
    // Undo brings the column graph back.
    let s3 = graph(s.clone(), GraphAction::Undo);
    assert_eq!(s3.graph.dag.len(), 5);
    // Saved text restores graph and roles on the next load.
    let saved = s.graph_text();
    let fresh = Rc::new(AppState::new());
    let fresh = fresh.reduce(Action::LoadStarted {
        job: 2,
        name: "f.csv".into(),
        total: 1.0,
        roles: SuggestedRoles::default(),
    });
    let r = fresh.reduce(Action::Loaded {
        job: 2,
        summary: summary(&COLS),
        millis: 1.0,
        saved_graph: Some(saved),
        hash: "0".into(),
        text: None,
    });
    assert_eq!(r.graph.dag.edges().len(), 5);
    assert_eq!(r.outcome.as_deref(), Some("y"));
    assert_eq!(r.covariates, vec!["age"]);
    assert!(!r.graph.can_undo());
}

#[test]
fn latent_nodes_cannot_take_roles_and_only_they_are_renamed() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = graph(s, GraphAction::AddLatent);
    assert_eq!(s.graph.selected, Some(Selection::Node("U1".into())));
    let s = graph(s, GraphAction::Key('e'));
    assert!(s.graph.error.is_some());
    assert_eq!(s.treatment.as_deref(), Some("treat"));
    let s = graph(s, GraphAction::Rename("U1".into(), "ability".into()));
    assert!(s.graph.dag.index("ability").is_some());
    let s = graph(s, GraphAction::Rename("age".into(), "years".into()));
    assert!(s.graph.error.as_deref().unwrap().contains("column"));
    let s = select(s, "age");
    let s = graph(s, GraphAction::Key('u'));
    assert!(s.graph.dag.nodes()[s.graph.dag.index("age").unwrap()].latent);
    assert!(!s.covariates.contains(&"age".to_string()));
    let s = graph(s, GraphAction::DeleteSelected);
    assert!(s.graph.dag.index("age").is_none());
}

#[test]
fn only_the_latest_independence_tests_are_kept() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    assert!(s.implied_independences().is_empty(), "nothing drawn yet");
    let s = graph(s, GraphAction::AddEdge("age".into(), "y".into()));
    let list = s.implied_independences();
    assert!(!list.iter().any(|i| [&i.x, &i.y] == ["age", "y"] || [&i.x, &i.y] == ["y", "age"]));
    let s = s.reduce(Action::TestsStarted { job: 7, list });
    let t = |x: &str| IndependenceTest {
        x: x.into(),
        y: "b".into(),
        given: vec![],
        test: "t".into(),
        r: Some(0.1),
        p_value: Some(0.5),
        n: 3,
        error: None,
    };
    let s = s.reduce(Action::Tested { job: 6, tests: vec![t("old")] });
    assert!(s.implications.is_empty());
    let s = s.reduce(Action::Tested { job: 7, tests: vec![t("new")] });
    assert_eq!(s.implications[0].x, "new");
}

/// A fresh state with `summary` loaded as request 1.
fn loaded(summary: TableSummary) -> Rc<AppState> {
    let s = Rc::new(AppState::new()).reduce(Action::LoadStarted {
        job: 1,
        name: "h.csv".into(),
        total: 10.0,
        roles: SuggestedRoles::default(),
    });
    s.reduce(Action::Loaded {
        job: 1,
        summary,
        millis: 1.0,
        saved_graph: None,
        hash: "0".into(),
        text: None,
    })
}

fn hillstrom_like() -> Rc<AppState> {
    let cols = [("visit", "binary"), ("segment", "categorical"), ("recency", "numeric")];
    let mut summary = summary(&cols);
    summary.columns[1].levels =
        Some(vec!["Mens E-Mail".into(), "No E-Mail".into(), "Womens E-Mail".into()]);
    loaded(summary)
}

#[test]
fn a_constant_treatment_is_refused_before_run_naming_it() {
    let mut summary = summary(&COLS);
    summary.columns[2].levels = Some(vec!["0".into()]);
    let s = loaded(summary);
    let s = s.reduce(Action::SetTreatment("treat".into())).reduce(Action::SetOutcome("y".into()));
    let problem = s.role_problem().unwrap();
    assert!(problem.starts_with("`treat` is 0 in every row"), "{problem}");
    assert!(s.spec().is_none(), "Run stays disabled");
}

#[test]
fn defaults_to_every_method_that_needs_no_instrument() {
    assert_eq!(AppState::new().methods, Method::ADJUSTMENT.to_vec());
}

#[test]
fn a_multi_valued_treatment_runs_once_a_control_level_is_chosen() {
    let s = hillstrom_like();
    let s = s.reduce(Action::SetTreatment("segment".into()));
    let s = s.reduce(Action::SetOutcome("visit".into()));
    assert_eq!(s.treatment_levels().map(<[String]>::len), Some(3));
    let problem = s.role_problem().unwrap();
    assert!(problem.contains("choose the control level"), "{problem}");
    assert!(s.spec().is_none());
    let s = s.reduce(Action::SetControl(Some("Elsewhere".into())));
    assert!(s.role_problem().unwrap().contains("not a value"));
    let s = s.reduce(Action::SetControl(Some("No E-Mail".into())));
    assert_eq!(s.role_problem(), None);
    let spec = s.spec().unwrap();
    assert_eq!(spec.control.as_deref(), Some("No E-Mail"));
    assert_eq!(spec.covariates, Some(vec!["recency".to_string()]));
    // Another treatment forgets the control level; a binary one does not send it.
    let s = s.reduce(Action::SetTreatment("visit".into()));
    assert_eq!(s.control, None);
    let s = s.reduce(Action::SetControl(Some("0".into())));
    let s = s.reduce(Action::SetOutcome("recency".into()));
    assert_eq!(s.spec().unwrap().control, None);
}

#[test]
fn two_sls_needs_an_instrument_which_leaves_the_covariates() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into()));
    let s = s.reduce(Action::SetMethod(Method::TwoSls, true));
    assert!(!s.methods.contains(&Method::TwoSls), "no instrument yet");
    let s = s.reduce(Action::SetInstrument(Some("flag".into())));
    assert_eq!(s.methods.last(), Some(&Method::TwoSls));
    let spec = s.spec().unwrap();
    assert_eq!(spec.instruments, vec!["flag".to_string()]);
    assert_eq!(spec.covariates, Some(vec!["age".to_string()]));
    let s = s.reduce(Action::SetInstrument(None));
    assert!(s.instruments.is_empty() && !s.methods.contains(&Method::TwoSls));
}

#[test]
fn matching_with_replacement_reaches_the_spec() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into()));
    assert!(!s.spec().unwrap().options.replace);
    let s = s.reduce(Action::SetReplace(true));
    assert!(s.spec().unwrap().options.replace);
    assert!(s.result_is_stale() || s.result.is_none());
}

#[test]
fn bootstrap_reaches_the_spec_and_progress_follows_the_current_run() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into())).reduce(Action::SetBootstrap(500));
    let spec = s.spec().unwrap();
    assert_eq!(spec.options.bootstrap, 500);
    let s = s.reduce(Action::RunStarted { job: 2, spec });
    let s = s.reduce(Action::RunProgress { job: 2, fraction: 0.25 });
    assert_eq!(s.run_progress, 0.25);
    // A late message of an older request changes nothing.
    let s = s.reduce(Action::RunProgress { job: 1, fraction: 0.9 });
    assert_eq!(s.run_progress, 0.25);
    assert_eq!(s.reduce(Action::SetBootstrap(1_000_000)).options.bootstrap, 10_000);
}

#[test]
fn a_numeric_dose_is_a_treatment_for_instrumental_variables_alone() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetTreatment("age".into())).reduce(Action::SetOutcome("y".into()));
    assert!(s.role_problem().unwrap().contains("not binary"));
    let s = s.reduce(Action::SetInstrument(Some("flag".into())));
    let mut s = s;
    for m in Method::ALL.into_iter().filter(|m| *m != Method::TwoSls) {
        s = s.reduce(Action::SetMethod(m, false));
    }
    assert_eq!(s.role_problem(), None);
    let spec = s.spec().unwrap();
    assert_eq!(
        (spec.methods.as_slice(), spec.instruments.as_slice()),
        (&[Method::TwoSls][..], &["flag".to_string()][..])
    );
    assert_eq!(spec.control, None);
}

#[test]
fn the_missing_value_policy_reaches_the_spec() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into()));
    assert_eq!(s.spec().unwrap().options.missing, cf_engine::MissingPolicy::Drop);
    let s = s.reduce(Action::SetMissing(cf_engine::MissingPolicy::Indicator));
    assert_eq!(s.spec().unwrap().options.missing, cf_engine::MissingPolicy::Indicator);
}

fn load_hashed(state: Rc<AppState>, job: u32, hash: &str, text: Option<&str>) -> Rc<AppState> {
    let s = state.reduce(Action::LoadStarted {
        job,
        name: "f.csv".into(),
        total: 10.0,
        roles: SuggestedRoles::default(),
    });
    s.reduce(Action::Loaded {
        job,
        summary: summary(&COLS),
        millis: 1.0,
        saved_graph: None,
        hash: hash.into(),
        text: text.map(String::from),
    })
}

/// An analysis built on a file: roles, a graph with two arrows, two methods, settings.
fn analysis() -> Rc<AppState> {
    let s = load_hashed(Rc::new(AppState::new()), 1, "abc", Some("y,flag,treat,age,city\n"));
    let s = s.reduce(Action::SetTreatment("treat".into()));
    let s = s.reduce(Action::SetOutcome("y".into()));
    let s = s.reduce(Action::Graph(GraphAction::AddEdge("age".into(), "treat".into())));
    let s = s.reduce(Action::Graph(GraphAction::AddEdge("age".into(), "y".into())));
    let s = s.reduce(Action::SetCovariates(vec!["age".into()]));
    let mut s = s;
    for m in Method::ALL {
        s = s.reduce(Action::SetMethod(m, matches!(m, Method::Ols | Method::Ipw)));
    }
    let s = s.reduce(Action::SetEstimand(EstimandChoice::Att));
    s.reduce(Action::SetBootstrap(50))
}

#[test]
fn a_share_link_restores_the_analysis_on_the_same_file() {
    let made = analysis();
    let link = made.share_link(false).unwrap();
    assert!(link_data(&link).is_none(), "no data unless asked");
    let opened = Rc::new(AppState::new()).reduce(Action::OpenLink(format!("#{link}")));
    assert!(opened.link.is_some() && opened.link_error.is_none());
    assert!(opened.link_summary().unwrap().contains("drop a file of 3 rows"));
    let restored = load_hashed(opened, 7, "abc", None);
    assert_eq!(restored.link_mismatch, None);
    assert_eq!(restored.spec(), made.spec());
    assert_eq!(restored.methods, vec![Method::Ols, Method::Ipw]);
    assert_eq!(restored.graph.dag.edges().len(), 2);
    assert_eq!(restored.graph_text(), made.graph_text());
    assert!(restored.link_summary().unwrap().starts_with("Opened from a share link"));
}

#[test]
fn a_share_link_carries_the_uplift_models_split_costs_and_key() {
    use cf_engine::uplift::{Economics, UpliftModel};
    let forest: UpliftModel = "uplift-forest-ed".parse().unwrap();
    let e = Economics { value: 12.5, cost_per_treated: 0.3, cost_per_conversion: 2.0 };
    let made = analysis()
        .reduce(Action::SetUpliftModel(forest, true))
        .reduce(Action::SetUpliftFraction(0.25))
        .reduce(Action::SetUpliftSplitColumn(Some("flag".into())))
        .reduce(Action::SetUpliftEconomics(e))
        .reduce(Action::SetUpliftBudget(0.4))
        .reduce(Action::SetTargetingKey(Some("city".into())));
    let link = made.share_link(false).unwrap();
    let opened = Rc::new(AppState::new()).reduce(Action::OpenLink(link));
    let restored = load_hashed(opened, 3, "abc", None);
    let (a, b) = (&restored.uplift, &made.uplift);
    assert_eq!(a.models, b.models);
    assert!(a.models.as_ref().unwrap().contains(&forest));
    assert_eq!((a.test_fraction, a.budget_share, a.economics), (0.25, 0.4, e));
    assert_eq!((a.split_column.as_deref(), a.key.as_deref()), (Some("flag"), Some("city")));
    // A link whose budget is out of range is refused, with a message.
    let mut shared = cf_share::decode(&made.share_link(false).unwrap()).unwrap();
    shared.uplift.as_mut().unwrap().budget_share = 1.5;
    let bad = cf_share::encode(&shared).unwrap();
    let refused = Rc::new(AppState::new()).reduce(Action::OpenLink(bad));
    assert!(refused.link_error.as_deref().unwrap().contains("budget"), "{:?}", refused.link_error);
}

#[test]
fn a_share_link_carries_the_refuters_and_the_sensitivity_benchmark() {
    let made = analysis()
        .reduce(Action::SetRefuteMethod(Method::Ipw))
        .reduce(Action::SetRefuteReplications(200))
        .reduce(Action::SetSensitivityBenchmark("age".into()));
    let link = made.share_link(false).unwrap();
    let opened = Rc::new(AppState::new()).reduce(Action::OpenLink(link));
    let restored = load_hashed(opened, 3, "abc", None);
    assert_eq!(restored.refute.method, Some(Method::Ipw));
    assert_eq!(restored.refute.replications, 200);
    assert_eq!(restored.refute.sensitivity_benchmark.as_deref(), Some("age"));
    // Without a run there is nothing to refute or compare with yet: Copy as Python adds neither.
    assert_eq!(restored.trust_checks(), cf_engine::python::TrustChecks::default());
    // A benchmark the file does not have is dropped, the rest still applies.
    let mut shared = cf_share::decode(&made.share_link(false).unwrap()).unwrap();
    shared.trust.as_mut().unwrap().sensitivity_benchmark = Some("nowhere".into());
    let other =
        Rc::new(AppState::new()).reduce(Action::OpenLink(cf_share::encode(&shared).unwrap()));
    let other = load_hashed(other, 3, "abc", None);
    assert_eq!(other.refute.sensitivity_benchmark, None);
    assert_eq!(other.refute.replications, 200);
}

#[test]
fn another_file_is_named_as_a_mismatch() {
    let link = analysis().share_link(false).unwrap();
    let opened = Rc::new(AppState::new()).reduce(Action::OpenLink(link));
    let other = load_hashed(opened, 2, "def", None);
    assert!(other.link_mismatch.as_deref().unwrap().contains("content differs"));
    // The analysis is still applied: the columns are there.
    assert_eq!(other.outcome.as_deref(), Some("y"));
    let gone = other.reduce(Action::DismissLink);
    assert!(gone.link.is_none() && gone.link_mismatch.is_none());
}

#[test]
fn embedded_data_travels_in_the_link() {
    let made = analysis();
    let link = made.share_link(true).unwrap();
    assert_eq!(link_data(&link).as_deref(), Some("y,flag,treat,age,city\n"));
    let opened = Rc::new(AppState::new()).reduce(Action::OpenLink(link));
    assert!(opened.link_summary().unwrap().contains("and its data"));
    // A file without kept text cannot be embedded: a message, not a panic.
    let big = load_hashed(Rc::new(AppState::new()), 1, "abc", None);
    assert!(big.share_link(true).unwrap_err().contains("too large"));
    assert!(AppState::new().share_link(false).is_err());
}

#[test]
fn a_damaged_link_leaves_an_empty_working_page() {
    let link = analysis().share_link(false).unwrap();
    let mid = link.len() / 2;
    let mut tampered = link.clone();
    tampered.replace_range(mid..mid + 4, "!!!!");
    for bad in [tampered, link[..link.len() / 2].to_string(), "v1.".into(), "hello".into()] {
        let s = Rc::new(AppState::new()).reduce(Action::OpenLink(bad.clone()));
        assert!(s.link.is_none(), "{bad}");
        assert!(
            s.link_error.as_deref().is_some_and(|e| e.contains("link")),
            "{bad}: {:?}",
            s.link_error
        );
        assert!(s.dataset.is_none());
        let s = load(s, 3, &COLS, SuggestedRoles::default());
        assert!(s.dataset.is_some() && s.link_mismatch.is_none());
    }
}

#[test]
fn a_link_naming_other_columns_changes_nothing_but_says_so() {
    let mut spec = AnalysisSpec::new("t", "outcome_x", vec![Method::Ols]);
    spec.covariates = Some(vec![]);
    let shared = cf_share::Shared {
        spec: Some(spec),
        fingerprint: Some(cf_share::Fingerprint::of(vec!["t".into(), "outcome_x".into()], 9, b"x")),
        ..cf_share::Shared::default()
    };
    let link = cf_share::encode(&shared).unwrap();
    let s = load(
        Rc::new(AppState::new()).reduce(Action::OpenLink(link)),
        1,
        &COLS,
        SuggestedRoles::default(),
    );
    assert!(s.link_mismatch.as_deref().unwrap().contains("`outcome_x`"));
    assert_eq!(s.outcome, None);
}

#[test]
fn per_unit_effects_are_asked_for_when_a_meta_learner_runs() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into()));
    assert!(s.spec().unwrap().options.cate, "the default methods include the meta-learners");
    let mut s = s;
    for m in [Method::TLearner, Method::XLearner, Method::RLearner, Method::DrLearner] {
        s = s.reduce(Action::SetMethod(m, false));
    }
    assert!(!s.spec().unwrap().options.cate);
}

/// The Card example's file, as the worker would summarize it (with its real row count and hash).
fn card_loaded(state: Rc<AppState>, job: u32) -> Rc<AppState> {
    let ex = crate::examples::by_id("card").unwrap();
    let fp = ex.fingerprint();
    let kinds: Vec<(&str, &str)> = fp
        .columns
        .iter()
        .map(|c| {
            let binary = c.starts_with("reg") || c.starts_with("near") || c == "black";
            (c.as_str(), if binary { "binary" } else { "numeric" })
        })
        .collect();
    let mut summary = summary(&kinds);
    summary.n_rows = fp.n_rows;
    let s = state.reduce(Action::LoadStarted {
        job,
        name: "card.csv".into(),
        total: 1.0,
        roles: SuggestedRoles { example: true, ..SuggestedRoles::default() },
    });
    s.reduce(Action::Loaded {
        job,
        summary,
        millis: 1.0,
        saved_graph: None,
        hash: fp.hash,
        text: None,
    })
}

#[test]
fn an_example_opens_with_its_analysis_and_runs_once() {
    let s = Rc::new(AppState::new()).reduce(Action::OpenExample("card"));
    assert!(s.autorun && s.example.is_some_and(|e| e.id == "card"));
    assert_eq!(s.link_summary(), None, "the example's own card tells the story");
    let s = card_loaded(s, 1);
    assert_eq!(s.link_mismatch, None);
    let spec = s.spec().unwrap();
    let mut want = crate::examples::by_id("card").unwrap().spec();
    // The page lists covariates in file order.
    let sorted = |c: &Option<Vec<String>>| {
        let mut c = c.clone().unwrap();
        c.sort();
        c
    };
    assert_eq!(sorted(&spec.covariates), sorted(&want.covariates));
    want.covariates = spec.covariates.clone();
    assert_eq!(spec, want);
    assert!(s.graph.dag.nodes().iter().any(|n| n.name == "ability" && n.latent));
    assert_eq!(s.example_graph.as_deref(), Some(s.graph_text().as_str()), "not saved as is");
    // Conditional instrument given the example's covariates: no warning.
    assert_eq!(s.adjustment_warning(), None);
    let s = s.reduce(Action::RunStarted { job: 2, spec });
    assert!(!s.autorun, "it runs once");
    // Without the region columns, proximity to college is no instrument by the graph.
    let s = s.reduce(Action::SetCovariate("reg662".into(), false));
    assert!(s.adjustment_warning().unwrap().contains("`nearc4` is not an instrument"));
    // A share link of it names the example instead of carrying the data.
    let link = cf_share::decode(&s.share_link(true).unwrap()).unwrap();
    assert_eq!((link.example.as_deref(), link.data), (Some("card"), None));
    // Leaving keeps the data; loading one's own file leaves it too (once it is loaded).
    let left = s.clone().reduce(Action::LeaveExample);
    assert!(left.example.is_none() && left.link.is_none() && !left.autorun);
    assert!(left.dataset.is_some());
    let reading = s.reduce(Action::LoadStarted {
        job: 3,
        name: "mine.csv".into(),
        total: 1.0,
        roles: SuggestedRoles::default(),
    });
    let cancelled = reading.reduce(Action::Cancelled { job: 4 });
    assert!(cancelled.example.is_some(), "a cancelled read keeps the example");
    let mine = load(cancelled, 5, &COLS, SuggestedRoles::default());
    assert!(mine.example.is_none() && mine.link.is_none() && mine.link_mismatch.is_none());
}

#[test]
fn an_example_link_opens_the_example_and_unknown_ones_do_not() {
    let link = crate::examples::by_id("nsw").unwrap().link();
    assert_eq!(link_example(&link).map(|e| e.id), Some("nsw"));
    let s = Rc::new(AppState::new()).reduce(Action::OpenLink(format!("#{link}")));
    assert!(s.autorun && s.example.is_some());
    // An edited analysis of the example opens it but waits for a click.
    let mut edited = crate::examples::by_id("nsw").unwrap().shared();
    if let Some(spec) = edited.spec.as_mut() {
        spec.options.bootstrap = 10_000;
    }
    let s = Rc::new(AppState::new()).reduce(Action::OpenLink(cf_share::encode(&edited).unwrap()));
    assert!(s.example.is_some() && !s.autorun);
    let mut other = crate::examples::by_id("nsw").unwrap().shared();
    other.example = Some("nope".into());
    let text = cf_share::encode(&other).unwrap();
    assert_eq!(link_example(&text), None);
    let s = Rc::new(AppState::new()).reduce(Action::OpenLink(text));
    assert!(!s.autorun && s.example.is_none() && s.link.is_some());
    other.example = Some("../../etc".into());
    let s = Rc::new(AppState::new()).reduce(Action::OpenLink(cf_share::encode(&other).unwrap()));
    assert!(s.link.is_none() && s.link_error.is_some());
}

#[test]
fn confidence_level_and_propensity_settings_reach_the_spec_and_the_link() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into()));
    assert_eq!(s.spec().unwrap().options.alpha, 0.05, "95% by default");
    let s =
        s.reduce(Action::SetAlpha(0.1)).reduce(Action::SetTrim(0.05)).reduce(Action::SetL2(1.0));
    // Out of range: ignored.
    let s =
        s.reduce(Action::SetAlpha(1.5)).reduce(Action::SetTrim(0.5)).reduce(Action::SetL2(-1.0));
    let spec = s.spec().unwrap();
    assert_eq!((spec.options.alpha, spec.options.trim, spec.options.l2), (0.1, 0.05, 1.0));
    let link = s.share_link(false).unwrap();
    let opened = Rc::new(AppState::new()).reduce(Action::OpenLink(link));
    let restored = load(opened, 2, &COLS, SuggestedRoles::default());
    assert_eq!(
        (restored.options.alpha, restored.options.trim, restored.options.l2),
        (0.1, 0.05, 1.0)
    );
}

#[test]
fn a_result_keeps_the_graph_it_was_computed_with() {
    let s = Rc::new(AppState::new()).reduce(Action::OpenExample("card"));
    let s = card_loaded(s, 1);
    let spec = s.spec().unwrap();
    let s = s.reduce(Action::RunStarted { job: 2, spec });
    let s = s.reduce(Action::Graph(GraphAction::ApplyText("dag { educ -> lwage }".into())));
    let s = s.reduce(Action::Reported { job: 2, report: Report::default(), millis: 1.0 });
    let dot = s.result.as_ref().unwrap().graph_dot.clone().unwrap();
    assert!(dot.contains("ability") && dot.contains("nearc4"), "{dot}");
}

#[test]
fn columns_derived_from_the_outcome_are_not_ticked_and_come_back_with_another_outcome() {
    let mut sum = summary(&[
        ("qsmk", "binary"),
        ("wt71", "numeric"),
        ("wt82", "numeric"),
        ("wt82_71", "numeric"),
        ("age", "numeric"),
        ("age_copy", "numeric"),
    ]);
    sum.identities = vec![cf_engine::Identity {
        total: "wt82".into(),
        parts: ["wt71".into(), "wt82_71".into()],
    }];
    sum.near_copies =
        vec![cf_engine::NearCopy { columns: ["age".into(), "age_copy".into()], r: 0.9996 }];
    let s = loaded(sum);
    assert_eq!(s.covariates, ["wt71", "wt82", "wt82_71", "age", "age_copy"]);
    // A change score: its later measurement is held back, the baseline stays.
    let s = s.reduce(Action::SetOutcome("wt82_71".into()));
    assert_eq!(s.covariates, ["wt71", "age", "age_copy"]);
    let why = s.derived_from_outcome();
    assert_eq!(why.len(), 1);
    assert!(why[0].0 == "wt82" && why[0].1.contains("wt82 − wt71"), "{why:?}");
    // The later measurement as the outcome: the two terms together reproduce it.
    let s = s.reduce(Action::SetOutcome("wt82".into()));
    assert_eq!(s.covariates, ["age", "age_copy"]);
    // Another outcome: what was held back is ticked again (a former outcome is not).
    let s = s.reduce(Action::SetOutcome("age".into()));
    assert_eq!(s.covariates, ["wt71"]);
    assert_eq!(s.derived_from_outcome()[0].0, "age_copy");
    // A held-back column ticked by hand stays ticked.
    let s = s.reduce(Action::SetCovariate("age_copy".into(), true));
    let s = s.reduce(Action::SetOutcome("wt82_71".into()));
    assert!(s.covariates.contains(&"age_copy".to_string()));
    assert!(!s.covariates.contains(&"wt82".to_string()));
}

#[test]
fn run_waits_for_an_arm_with_two_rows_and_an_outcome_that_varies() {
    let mut sum = summary(&[("t", "binary"), ("y", "numeric"), ("flat", "numeric")]);
    sum.columns[0].levels = Some(vec!["0".into(), "1".into()]);
    sum.columns[0].level_counts = Some(vec![29, 1]);
    sum.columns[2].levels = Some(vec!["3".into()]);
    sum.columns[2].level_counts = Some(vec![30]);
    let s = loaded(sum.clone()).reduce(Action::SetOutcome("y".into()));
    let why = s.role_problem().unwrap();
    assert!(why.contains("1 row in its treated arm (t = 1)"), "{why}");
    assert_eq!(s.spec(), None);
    sum.columns[0].level_counts = Some(vec![28, 2]);
    let s = loaded(sum).reduce(Action::SetOutcome("y".into()));
    assert_eq!(s.role_problem(), None);
    let s = s.reduce(Action::SetOutcome("flat".into()));
    assert!(s.role_problem().unwrap().contains("`flat` is 3 in every row"));
}

#[test]
fn a_numeric_column_taken_as_categories_reaches_the_spec_only_while_adjusted_for() {
    let s = loaded(summary(&[
        ("t", "binary"),
        ("y", "numeric"),
        ("educ", "numeric"),
        ("city", "categorical"),
    ]));
    let s = s.reduce(Action::SetOutcome("y".into()));
    let s = s.reduce(Action::SetCategorical("educ".into(), true));
    assert_eq!(s.spec().unwrap().categorical, ["educ"]);
    // Text is categories already; a 0/1 column has nothing to split.
    let s = s.reduce(Action::SetCategorical("city".into(), true));
    let s = s.reduce(Action::SetCategorical("t".into(), true));
    assert_eq!(s.categorical, ["educ"]);
    let s = s.reduce(Action::SetCovariate("educ".into(), false));
    assert!(s.spec().unwrap().categorical.is_empty());
    let s = s.reduce(Action::SetCovariate("educ".into(), true));
    assert_eq!(s.spec().unwrap().categorical, ["educ"]);
    let s = s.reduce(Action::SetCategorical("educ".into(), false));
    assert!(s.spec().unwrap().categorical.is_empty());
}

#[test]
fn a_column_the_graph_has_descend_from_the_treatment_is_not_ticked_by_default() {
    let s = loaded(summary(&[
        ("treat", "binary"),
        ("y", "numeric"),
        ("death", "binary"),
        ("age", "numeric"),
    ]));
    let s = graph(s, GraphAction::AddEdge("treat".into(), "death".into()));
    let s = graph(s, GraphAction::AddEdge("age".into(), "treat".into()));
    assert_eq!(s.graph_descendants(), ["death"]);
    // Drawn after the ticks: said beside the box, not unticked behind the user's back.
    assert!(s.covariates.contains(&"death".to_string()));
    assert!(
        s.not_by_default()
            .iter()
            .any(|(c, why)| c == "death" && why.contains("descends from the treatment"))
    );
    // Choosing the outcome applies the defaults: death is left out, age stays.
    let s = s.reduce(Action::SetOutcome("y".into()));
    assert_eq!(s.covariates, ["age"]);
}

#[test]
fn a_column_is_never_tested_against_its_own_encoding() {
    let mut sum = summary(&[
        ("qsmk", "binary"),
        ("active", "numeric"),
        ("active_1", "binary"),
        ("education", "categorical"),
        ("education_college", "binary"),
        ("wt82", "numeric"),
        ("wt82_missing", "binary"),
        ("wt82_71", "numeric"),
        ("wt71", "numeric"),
    ]);
    sum.n_rows = 300;
    let levels: [Option<&[&str]>; 9] = [
        Some(&["0", "1"]),
        Some(&["0", "1", "2"]),
        Some(&["0", "1"]),
        Some(&["college", "school"]),
        Some(&["0", "1"]),
        None,
        Some(&["0", "1"]),
        None,
        None,
    ];
    for (c, l) in sum.columns.iter_mut().zip(levels) {
        c.levels = l.map(|l| l.iter().map(|s| s.to_string()).collect());
    }
    let s = loaded(sum);
    assert!(s.encodes("active", "active_1"));
    assert!(s.encodes("education", "education_college"));
    assert!(s.encodes("wt82", "wt82_missing"));
    // wt82_71 is a column of its own (wt82 − wt71), not a dummy of wt82.
    assert!(!s.encodes("wt82", "wt82_71"));
    assert!(!s.encodes("active_1", "active"));
    assert!(!s.encodes("qsmk", "qsmk"));
    let s = graph(s, GraphAction::AddEdge("qsmk".into(), "wt82_71".into()));
    let pairs: Vec<(String, String)> =
        s.implied_independences().into_iter().map(|i| (i.x, i.y)).collect();
    assert!(!pairs.is_empty());
    let has =
        |a: &str, b: &str| pairs.iter().any(|(x, y)| (x == a && y == b) || (x == b && y == a));
    assert!(!has("active", "active_1") && !has("education", "education_college"));
    assert!(!has("wt82", "wt82_missing"));
    assert!(has("wt82", "wt82_71") && has("active", "wt71"));
}

/// "Who responds": the default models follow the outcome (uplift forest for 0/1, causal forest
/// otherwise, a boosted X-learner for both); a split column is offered, leaves the models'
/// covariates, and is sent as the split; a fit's reply is kept with its spec, a failure stays in
/// the section, and a changed setting makes the results stale.
#[test]
fn who_responds_models_split_and_results() {
    use cf_engine::uplift::{CateKind, Criterion, UpliftModel, UpliftReport, UpliftSplit};
    let cols = [
        ("y", "binary"),
        ("t", "binary"),
        ("x", "numeric"),
        ("test", "binary"),
        ("spend", "numeric"),
    ];
    let s = loaded(summary(&cols))
        .reduce(Action::SetTreatment("t".into()))
        .reduce(Action::SetOutcome("y".into()));
    let x = UpliftModel::Meta { kind: CateKind::X, boosted: true };
    assert_eq!(s.uplift_models(), vec![UpliftModel::Forest(Criterion::Kl), x]);
    let spec = s.uplift_spec().unwrap();
    assert_eq!(spec.split, UpliftSplit::Fraction { test_fraction: 0.3, seed: 42 });
    assert!(s.split_columns().contains(&"test".to_string()));
    assert!(!s.split_columns().contains(&"t".to_string()), "not the treatment");

    let s = s.reduce(Action::SetUpliftSplitColumn(Some("test".into())));
    let spec = s.uplift_spec().unwrap();
    assert_eq!(spec.split, UpliftSplit::Column("test".into()));
    assert!(!spec.roles.covariates.as_ref().unwrap().contains(&"test".to_string()));
    assert!(spec.roles.covariates.as_ref().unwrap().contains(&"x".to_string()));

    // Out-of-range shares and settings are ignored; the others reach the spec.
    let s = s.reduce(Action::SetUpliftFraction(1.5));
    assert_eq!(s.uplift.test_fraction, 0.3);
    let zero = cf_engine::uplift::TreeOptions { trees: Some(0), ..Default::default() };
    let s = s.reduce(Action::SetUpliftTree(zero));
    assert_eq!(s.uplift.tree.trees, None);
    let fifty = cf_engine::uplift::TreeOptions { trees: Some(50), ..Default::default() };
    let s = s.reduce(Action::SetUpliftTree(fifty.clone()));
    assert_eq!(s.uplift_spec().unwrap().tree, fifty);
    let s = s.reduce(Action::SetUpliftTree(Default::default()));
    let spec = s.uplift_spec().unwrap();

    // A continuous outcome: the uplift forest does not fit it, the causal forest does.
    let c = s.clone().reduce(Action::SetOutcome("spend".into()));
    assert_eq!(c.uplift_models(), vec![UpliftModel::CausalForest, x]);

    let s = s.reduce(Action::UpliftStarted { job: 9, spec: Box::new(spec.clone()) });
    assert_eq!(s.busy, Busy::Fitting);
    let s = s.reduce(Action::RunProgress { job: 9, fraction: 0.4 });
    assert_eq!(s.uplift.progress, 0.4);
    let report = UpliftReport {
        models: Vec::new(),
        n_train: 7,
        n_test: 3,
        warnings: Vec::new(),
        arm_decisions: Vec::new(),
        policy: None,
    };
    let done =
        s.clone().reduce(Action::UpliftReported { job: 9, report: report.clone(), millis: 5.0 });
    assert_eq!(done.busy, Busy::Idle);
    assert_eq!(done.uplift.result.as_ref().unwrap().spec, spec);
    assert!(!done.uplift_is_stale());
    let changed = done.reduce(Action::SetUpliftModel(x, false));
    assert_eq!(changed.uplift_models(), vec![UpliftModel::Forest(Criterion::Kl)]);
    assert!(changed.uplift_is_stale());

    let failed =
        s.reduce(Action::Failed { job: 9, message: "x-learner-gbdt: too few rows".into() });
    assert_eq!(failed.busy, Busy::Idle);
    assert_eq!(failed.uplift.error.as_deref(), Some("x-learner-gbdt: too few rows"));
    assert!(failed.run_error.is_none(), "the estimate's row is not blamed");
}

/// Whom to target: the model shown is the best by Qini unless picked; costs and the budget are
/// checked, change the decision without making the fit stale, and carry over to a new file.
#[test]
fn whom_to_target_focus_costs_and_budget() {
    use cf_engine::uplift::{CurvePoints, Economics, UpliftModelResult, UpliftReport};
    let cols = [("y", "binary"), ("t", "binary"), ("x", "numeric")];
    let s = loaded(summary(&cols))
        .reduce(Action::SetTreatment("t".into()))
        .reduce(Action::SetOutcome("y".into()));
    let spec = s.uplift_spec().unwrap();
    // 100 held-out rows: the top half responds (treated 0.6, control 0.2), the rest does not.
    let treated: Vec<bool> = (0..100).map(|i| i % 2 == 0).collect();
    let y: Vec<f64> = (0..100)
        .map(|i| {
            let k = (i / 2) % 5;
            let converts = if i < 50 && i % 2 == 0 { k < 3 } else { k < 1 };
            f64::from(u8::from(converts))
        })
        .collect();
    let model = |name: &str, qini: f64, score: &dyn Fn(usize) -> f64| {
        let sc: Vec<f64> = (0..100).map(score).collect();
        UpliftModelResult {
            model: name.into(),
            outcome: "y".into(),
            arm: None,
            auuc: 0.6,
            auuc_raw: 1.0,
            qini,
            qini_raw: 1.0,
            auuc_ci: [0.5, 0.7],
            qini_ci: [0.0, 0.2],
            auuc_raw_ci: [0.0, 2.0],
            qini_raw_ci: [0.0, 2.0],
            fit_seconds: 0.1,
            curves: CurvePoints {
                fraction: vec![],
                gain: vec![],
                qini: vec![],
                lift: vec![],
                gain_band: Default::default(),
                qini_band: Default::default(),
            },
            deciles: cf_engine::uplift::deciles(&sc, &treated, &y, 1.96).unwrap(),
            cumulative: cf_engine::uplift::cumulative(&sc, &treated, &y).unwrap(),
            decision: None,
            segments: vec![],
            truth: None,
            distribution: Default::default(),
            importance: Vec::new(),
            n_distinct: 100,
            warnings: vec![],
        }
    };
    let good = model("uplift-forest-kl", 0.3, &|i| 100.0 - i as f64);
    let bad = model("x-learner-gbdt", 0.1, &|i| i as f64);
    let report = UpliftReport {
        models: vec![bad, good],
        n_train: 900,
        n_test: 100,
        warnings: vec![],
        arm_decisions: vec![],
        policy: None,
    };
    let s = s
        .reduce(Action::UpliftStarted { job: 3, spec: Box::new(spec) })
        .reduce(Action::UpliftReported { job: 3, report, millis: 1.0 });
    assert_eq!(s.uplift_focus(), Some(1), "the higher Qini");
    let e = Economics { value: 10.0, cost_per_treated: 1.0, cost_per_conversion: 0.0 };
    let s = s.reduce(Action::SetUpliftEconomics(e));
    let d = s.uplift_decision().unwrap();
    assert_eq!(d.population, 1000);
    assert!(d.share > 0.3 && d.share <= 0.6 && d.profit > 0.0, "{:?}", (d.share, d.profit));
    assert!(!s.uplift_is_stale(), "costs need no refit");
    // A budget of 10 % caps the share; a negative cost or a budget of 0 is not taken.
    let capped = s.clone().reduce(Action::SetUpliftBudget(0.1));
    assert!(capped.uplift_decision().unwrap().share <= 0.1);
    let same = capped
        .clone()
        .reduce(Action::SetUpliftBudget(0.0))
        .reduce(Action::SetUpliftEconomics(Economics { cost_per_treated: -1.0, ..e }));
    assert_eq!(same.uplift.budget_share, 0.1);
    assert_eq!(same.uplift.economics, e);
    // A budget in customers: at most that many of the file's, whatever the share said; 0 is not
    // taken, and a share set again replaces it.
    let population = s.uplift.result.as_ref().map(|r| r.report.n_train + r.report.n_test).unwrap();
    let by_count = capped.clone().reduce(Action::SetUpliftBudgetCustomers(Some(population / 20)));
    let d20 = by_count.uplift_decision().unwrap();
    assert!(
        d20.share <= 0.05 && d20.customers <= population / 20,
        "{:?}",
        (d20.share, d20.customers)
    );
    assert_eq!(
        by_count.clone().reduce(Action::SetUpliftBudgetCustomers(Some(0))).uplift.budget_customers,
        Some(population / 20)
    );
    assert_eq!(by_count.reduce(Action::SetUpliftBudget(0.3)).uplift.budget_customers, None);
    // The reversed ranking targets the wrong half first.
    let other = s.clone().reduce(Action::SetUpliftFocus(0));
    assert_eq!(other.uplift_focus(), Some(0));
    assert!(other.uplift_decision().unwrap().profit < d.profit);
    // The targeting list: busy while the worker makes it; its failure is said beside its button
    // and leaves the fit, the page's busy state and its message alone.
    let listing = capped
        .clone()
        .reduce(Action::SetTargetingKey(Some("x".into())))
        .reduce(Action::TargetingListSent(7));
    assert_eq!(listing.uplift.list_job, Some(7));
    let failed = listing.clone().reduce(Action::Failed { job: 7, message: "no".into() });
    assert_eq!((failed.uplift.list_job, failed.uplift.list_error.as_deref()), (None, Some("no")));
    assert!(failed.uplift.result.is_some() && failed.error.is_none() && failed.busy == Busy::Idle);
    let done = listing.reduce(Action::TargetingListDone(7));
    assert_eq!((done.uplift.list_job, done.uplift.list_error.as_deref()), (None, None));
    // The model file and another file scored: each busy on its own button; a failure is said
    // beside it and leaves the fit; a cancel (a new worker) forgets what the old one was making.
    let saving = done.clone().reduce(Action::ModelFileSent(8)).reduce(Action::ScoreSent(9));
    assert_eq!((saving.uplift.model_job, saving.uplift.score_job), (Some(8), Some(9)));
    let refused = saving.clone().reduce(Action::Failed { job: 9, message: "no column".into() });
    assert_eq!(refused.uplift.score_error.as_deref(), Some("no column"));
    assert_eq!((refused.uplift.model_job, refused.uplift.score_job), (Some(8), None));
    assert!(refused.uplift.result.is_some() && refused.error.is_none());
    let file =
        crate::state::uplift::ScoredFile { name: "n.csv".into(), rows: 5, scored: 4, treated: 2 };
    let scored = saving.clone().reduce(Action::ScoreDone(9, file.clone()));
    assert_eq!((scored.uplift.score_job, scored.uplift.scored.as_ref()), (None, Some(&file)));
    let late = saving.clone().reduce(Action::ScoreDone(3, file));
    assert!(late.uplift.scored.is_none() && late.uplift.score_job == Some(9), "not this request's");
    let saved = scored.reduce(Action::ModelFileDone(8));
    assert_eq!((saved.uplift.model_job, saved.uplift.model_error.as_deref()), (None, None));
    // The loaded file scored with a saved model: its own busy state, result and error.
    let saved = crate::state::uplift::SavedScored {
        model: "uplift-tree-kl".into(),
        fitted_for: ("t".into(), "y".into()),
        n_train: 10,
        share: 0.5,
        counts: (4, 4, 2),
    };
    let opened = done.clone().reduce(Action::SavedScoreSent(12));
    assert_eq!(opened.uplift.saved_job, Some(12));
    let bad = opened.clone().reduce(Action::Failed { job: 12, message: "changed".into() });
    assert_eq!((bad.uplift.saved_job, bad.uplift.saved_error.as_deref()), (None, Some("changed")));
    assert!(bad.error.is_none() && bad.uplift.result.is_some());
    let good = opened.reduce(Action::SavedScoreDone(12, saved.clone()));
    assert_eq!((good.uplift.saved_job, good.uplift.saved.as_ref()), (None, Some(&saved)));
    let cancelled = saving.reduce(Action::Cancelled { job: 20 });
    assert_eq!((cancelled.uplift.model_job, cancelled.uplift.score_job), (None, None));
    // A new file keeps the costs, the budget and the key column, not the fit.
    let next = done
        .reduce(Action::LoadStarted {
            job: 4,
            name: "next.csv".into(),
            total: 10.0,
            roles: SuggestedRoles::default(),
        })
        .reduce(Action::Loaded {
            job: 4,
            summary: summary(&cols),
            millis: 1.0,
            saved_graph: None,
            hash: "1".into(),
            text: None,
        });
    assert!(next.uplift.result.is_none());
    assert_eq!((next.uplift.economics, next.uplift.budget_share), (e, 0.1));
    assert_eq!(next.uplift.key.as_deref(), Some("x"));
}

/// A result row of `method` (the fields a report always has).
fn row(method: Method) -> cf_engine::EffectRow {
    serde_json::from_value(serde_json::json!({
        "method": method, "estimand": "ATE", "estimate": 1.0, "std_error": 0.5,
        "ci_low": 0.0, "ci_high": 2.0, "n": 3, "n_treated": 1, "n_control": 2
    }))
    .unwrap()
}

/// The refuters refit one method of the shown run (OLS when it ran, else the user's pick), with
/// no bootstrap; their report shows only beside the run it was made for, and a failure or a
/// cancel leaves the results as they were.
#[test]
fn refutation_tests_follow_the_shown_run() {
    let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
    let s = s.reduce(Action::SetOutcome("y".into())).reduce(Action::SetBootstrap(200));
    assert!(s.refute_ask().is_none(), "nothing to refute before a run");
    let spec = s.spec().unwrap();
    let s = s.reduce(Action::RunStarted { job: 2, spec: spec.clone() });
    assert!(s.refute_ask().is_none(), "not while the run is going");
    let report = Report { results: vec![row(Method::Ipw), row(Method::Ols)], ..Report::default() };
    let s = s.reduce(Action::Reported { job: 2, report, millis: 1.0 });
    assert_eq!(s.refute_methods(), vec![Method::Ols, Method::Ipw]);
    let ask = s.refute_ask().unwrap();
    assert_eq!(ask.spec.methods, vec![Method::Ols]);
    assert_eq!(ask.spec.options.bootstrap, 0);
    assert_eq!(ask.replications, refute::DEFAULT_REPLICATIONS);
    assert_eq!(ask.refuters, cf_engine::Refuter::ALL.to_vec());

    let s = s.reduce(Action::SetRefuteMethod(Method::Ipw));
    let s = s.reduce(Action::SetRefuteReplications(1)).reduce(Action::SetRefuteReplications(200));
    let ask = s.refute_ask().unwrap();
    assert_eq!((ask.spec.methods.clone(), ask.replications), (vec![Method::Ipw], 200));
    // A method the run did not give falls back to the default.
    let other = s.clone().reduce(Action::SetRefuteMethod(Method::Psm));
    assert_eq!(other.refute_method(), Some(Method::Ols));

    let s = s.reduce(Action::RefuteStarted { job: 5, ask: Box::new(ask.clone()) });
    assert_eq!(s.busy, Busy::Refuting);
    assert!(s.refute_ask().is_none());
    let s = s.reduce(Action::RunProgress { job: 5, fraction: 0.3 });
    assert_eq!((s.refute.progress, s.run_progress), (0.3, 0.0));
    let failed = s.clone().reduce(Action::Failed { job: 5, message: "no".into() });
    assert_eq!(failed.refute.error.as_deref(), Some("no"));
    assert!(failed.result.is_some() && failed.run_error.is_none() && failed.busy == Busy::Idle);
    let cancelled = s.clone().reduce(Action::Cancelled { job: 6 });
    assert!(cancelled.refute.pending.is_none() && cancelled.busy == Busy::Idle);
    assert!(cancelled.result.is_some());
    let late =
        cancelled.reduce(Action::Refuted { job: 5, report: Default::default(), millis: 1.0 });
    assert!(late.refute.result.is_none(), "a reply after a cancel is ignored");

    let done = s.reduce(Action::Refuted { job: 5, report: Default::default(), millis: 9.0 });
    assert_eq!(done.busy, Busy::Idle);
    assert_eq!(done.refute_shown().unwrap().ask, ask);
    // Another analysis hides the tests; the same one again shows them.
    let other = done.clone().reduce(Action::SetCovariate("age".into(), false));
    let spec2 = other.spec().unwrap();
    let other = other.reduce(Action::RunStarted { job: 7, spec: spec2 });
    let report = Report { results: vec![row(Method::Ipw)], ..Report::default() };
    let other = other.reduce(Action::Reported { job: 7, report: report.clone(), millis: 1.0 });
    assert!(other.refute_shown().is_none());
    let again = other.reduce(Action::SetCovariate("age".into(), true));
    let again = again.reduce(Action::RunStarted { job: 8, spec: spec.clone() });
    let again = again.reduce(Action::Reported { job: 8, report, millis: 1.0 });
    assert!(again.refute_shown().is_some());
}

#[test]
fn the_discovery_tiers_put_the_treatment_between_before_and_after() {
    use super::discovery::Tier;
    let cols = [
        ("t", "binary"),
        ("y", "numeric"),
        ("a", "numeric"),
        ("b", "numeric"),
        ("text", "categorical"),
    ];
    let mut s = (*load(Rc::new(AppState::new()), 1, &cols, SuggestedRoles::default())).clone();
    s.treatment = Some("t".into());
    s.outcome = Some("y".into());
    s.covariates = vec!["a".into()];
    assert_eq!(s.discovery_columns(), vec!["t", "y", "a"]);
    s.discovery.columns = Some(s.numeric_columns());
    assert_eq!(s.discovery_columns(), vec!["t", "y", "a", "b"], "text columns are left out");
    s.discovery.set_tier("a", Tier::Before);
    s.discovery.set_tier("b", Tier::After);
    let spec = s.discover_spec().unwrap();
    let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(spec.knowledge.tiers, vec![v(&["a"]), v(&["t"]), v(&["b", "y"])]);
    s.discovery.treatment_first = false;
    s.discovery.set_tier("b", Tier::Unknown);
    assert_eq!(s.discover_spec().unwrap().knowledge.tiers, vec![v(&["a"])]);
    s.discovery.columns = Some(vec!["a".into()]);
    assert!(s.discover_spec().is_err(), "one column is not enough");
}

#[test]
fn discovery_edge_rules_go_into_the_knowledge_and_name_a_column_left_out() {
    use super::discovery::EdgeRule;
    let cols = [("t", "binary"), ("y", "numeric"), ("a", "numeric"), ("b", "numeric")];
    let mut s = (*load(Rc::new(AppState::new()), 1, &cols, SuggestedRoles::default())).clone();
    s.treatment = Some("t".into());
    s.outcome = Some("y".into());
    s.covariates = vec!["a".into()];
    let rule = |from: &str, to: &str, required: bool| {
        Action::AddDiscoveryEdgeRule(EdgeRule { from: from.into(), to: to.into(), required })
    };
    let s = Rc::new(s)
        .reduce(rule("a", "y", true))
        .reduce(rule("y", "a", false))
        .reduce(rule("a", "a", true))
        .reduce(rule("a", "y", false));
    let e = |a: &str, b: &str| (a.to_string(), b.to_string());
    let spec = s.discover_spec().unwrap();
    assert_eq!(spec.knowledge.required, vec![]);
    assert_eq!(spec.knowledge.forbidden, vec![e("y", "a"), e("a", "y")], "the later rule replaces");
    let s = s.reduce(rule("b", "t", true));
    let why = s.discover_spec().unwrap_err();
    assert!(why.contains("b → t required names b"), "{why}");
    let s = s.reduce(Action::RemoveDiscoveryEdgeRule(2));
    assert_eq!(s.discovery.edge_rules.len(), 2);
    assert!(s.discover_spec().is_ok());
}
