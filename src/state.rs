//! The page's state and its pure reducer (no DOM: tested natively).

use std::rc::Rc;

use cf_engine::{AnalysisSpec, EstimandChoice, Method, Report, TableSummary};
use yew::Reducible;

/// A loaded file, as the page sees it (the table itself stays in the worker).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// File name.
    pub name: String,
    /// Column types, missing counts, first rows.
    pub summary: TableSummary,
    /// Milliseconds the worker spent reading it.
    pub millis: f64,
}

/// Roles to preselect once a file is loaded (the examples carry theirs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SuggestedRoles {
    /// Treatment column.
    pub treatment: Option<String>,
    /// Outcome column.
    pub outcome: Option<String>,
}

/// What the worker is doing.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Busy {
    /// Nothing.
    #[default]
    Idle,
    /// Reading a file.
    Loading {
        /// File name.
        name: String,
        /// Bytes read.
        loaded: f64,
        /// File size.
        total: f64,
    },
    /// Estimating.
    Running,
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// The spec it ran with.
    pub spec: AnalysisSpec,
    /// What came back.
    pub report: Report,
    /// Milliseconds in the worker.
    pub millis: f64,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    /// Id of the latest request; replies to older ones are ignored.
    pub job: u32,
    /// Worker activity.
    pub busy: Busy,
    /// The loaded file.
    pub dataset: Option<Rc<Dataset>>,
    /// Chosen treatment column.
    pub treatment: Option<String>,
    /// Chosen outcome column.
    pub outcome: Option<String>,
    /// Ticked covariates (file order).
    pub covariates: Vec<String>,
    /// Methods to run.
    pub methods: Vec<Method>,
    /// ATE or ATT for the weighting methods.
    pub estimand: EstimandChoice,
    /// For a treatment with more than two values: the level the others are compared with.
    pub control: Option<String>,
    /// Instruments for 2SLS (none: 2SLS cannot run).
    pub instruments: Vec<String>,
    /// Propensity-score matching with replacement.
    pub replace: bool,
    /// Bootstrap replications per method (0: none).
    pub bootstrap: usize,
    /// Share of the running estimation done (bootstrap progress), in [0, 1].
    pub run_progress: f64,
    /// Last results.
    pub result: Option<Rc<RunResult>>,
    /// A message for the user about the last action.
    pub error: Option<String>,
    /// Roles to apply when the pending load finishes.
    pending_roles: SuggestedRoles,
    /// The spec of the run in flight.
    pending_spec: Option<AnalysisSpec>,
}

/// What can happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A file is being sent to the worker as request `job`.
    LoadStarted {
        /// Request id.
        job: u32,
        /// File name.
        name: String,
        /// File size in bytes.
        total: f64,
        /// Roles to preselect.
        roles: SuggestedRoles,
    },
    /// Reading progress.
    Progress {
        /// Request id.
        job: u32,
        /// Bytes read.
        loaded: f64,
        /// File size.
        total: f64,
    },
    /// The worker read the file.
    Loaded {
        /// Request id.
        job: u32,
        /// Summary.
        summary: TableSummary,
        /// Milliseconds.
        millis: f64,
    },
    /// A run was sent as request `job`.
    RunStarted {
        /// Request id.
        job: u32,
        /// What was sent.
        spec: AnalysisSpec,
    },
    /// The run finished.
    Reported {
        /// Request id.
        job: u32,
        /// Results.
        report: Report,
        /// Milliseconds.
        millis: f64,
    },
    /// Request `job` failed.
    Failed {
        /// Request id.
        job: u32,
        /// For the user.
        message: String,
    },
    /// The user stopped the current request (the worker was restarted).
    Cancelled {
        /// A fresh request id, so late replies are ignored.
        job: u32,
    },
    /// Pick the treatment.
    SetTreatment(String),
    /// Pick the outcome.
    SetOutcome(String),
    /// Tick or untick a covariate.
    SetCovariate(String, bool),
    /// Tick or untick a method.
    SetMethod(Method, bool),
    /// Choose the estimand of the weighting methods.
    SetEstimand(EstimandChoice),
    /// Choose the control level of a multi-valued treatment.
    SetControl(Option<String>),
    /// Choose the instrument for 2SLS (`None`: no instrument, 2SLS off).
    SetInstrument(Option<String>),
    /// Matching with or without replacement.
    SetReplace(bool),
    /// Bootstrap replications (0: none).
    SetBootstrap(usize),
    /// Estimation progress of request `job`.
    RunProgress {
        /// Request id.
        job: u32,
        /// Share done, in [0, 1].
        fraction: f64,
    },
    /// Show a message (e.g. a file that could not be opened).
    ShowError(String),
    /// Hide the message.
    DismissError,
}

/// Names that usually mark a treatment column.
const TREATMENT_NAMES: [&str; 6] = ["treat", "treatment", "treated", "w", "t", "d"];

impl AppState {
    /// A fresh page.
    pub fn new() -> Self {
        AppState { methods: Method::ADJUSTMENT.to_vec(), ..AppState::default() }
    }

    /// The column summary for `name`.
    pub fn column(&self, name: &str) -> Option<&cf_engine::ColumnSummary> {
        self.dataset.as_ref()?.summary.columns.iter().find(|c| c.name == name)
    }

    /// The values of the chosen treatment when it needs a control level: a text column, or a
    /// numeric one that is not 0/1 but has few distinct values. `None` for a 0/1 treatment (or a
    /// numeric one with too many values to be a treatment).
    pub fn treatment_levels(&self) -> Option<&[String]> {
        let col = self.column(self.treatment.as_deref()?)?;
        if col.kind == "binary" {
            return None;
        }
        col.levels.as_deref().filter(|l| l.len() >= 2)
    }

    /// Whether a numeric non-0/1 treatment is taken as a dose: 2SLS alone (years of schooling
    /// instrumented by college proximity), no control level chosen.
    pub fn treatment_is_dose(&self) -> bool {
        let numeric = self
            .treatment
            .as_deref()
            .and_then(|t| self.column(t))
            .is_some_and(|c| c.kind == "numeric");
        numeric
            && !self.methods.is_empty()
            && self.methods.iter().all(|m| *m == Method::TwoSls)
            && self.control.is_none()
    }

    /// A message about the chosen roles, if they cannot be estimated.
    pub fn role_problem(&self) -> Option<String> {
        let t = self.treatment.as_deref()?;
        let col = self.column(t)?;
        if col.kind != "binary" && !self.treatment_is_dose() {
            match self.treatment_levels() {
                None => {
                    return Some(format!(
                        "`{t}` is {}, not binary: the treatment must hold only 0 (control) and 1 (treated) (or, for instrumental variables alone, a numeric dose).",
                        col.kind
                    ))
                }
                Some(levels) => match self.control.as_deref() {
                    None => {
                        let dose_hint = if col.kind == "numeric" {
                            " (Instrumental variables alone take it as a numeric dose.)"
                        } else {
                            ""
                        };
                        return Some(format!(
                            "`{t}` has {} values: choose the control level; each other level is compared with it.{dose_hint}",
                            levels.len()
                        ));
                    }
                    Some(c) if !levels.iter().any(|l| l == c) => {
                        return Some(format!(
                            "\"{c}\" is not a value of `{t}`: choose the control level."
                        ))
                    }
                    Some(_) => {}
                },
            }
        }
        let y = self.outcome.as_deref()?;
        if y == t {
            return Some(format!("`{y}` cannot be both the treatment and the outcome."));
        }
        if self.column(y)?.kind == "categorical" {
            return Some(format!("`{y}` holds text; the outcome must be numeric or 0/1."));
        }
        if self.instruments.iter().any(|z| z == t || z == y) {
            return Some(
                "The instrument must be another column than the treatment and the outcome.".into(),
            );
        }
        None
    }

    /// The spec to run, when the roles are complete and valid.
    pub fn spec(&self) -> Option<AnalysisSpec> {
        let (t, y) = (self.treatment.clone()?, self.outcome.clone()?);
        if self.role_problem().is_some() || self.methods.is_empty() {
            return None;
        }
        let covariates = self
            .covariates
            .iter()
            .filter(|c| **c != t && **c != y && !self.instruments.contains(c))
            .cloned()
            .collect();
        let mut spec = AnalysisSpec::new(&t, &y, self.methods.clone());
        spec.covariates = Some(covariates);
        spec.estimand = self.estimand;
        spec.control = self.treatment_levels().and(self.control.clone());
        spec.instruments = self.instruments.clone();
        spec.replace = self.replace;
        spec.bootstrap = self.bootstrap;
        Some(spec)
    }

    /// True when the shown results were computed with other settings.
    pub fn result_is_stale(&self) -> bool {
        match (&self.result, self.spec()) {
            (Some(r), Some(spec)) => r.spec != spec,
            (Some(_), None) => true,
            _ => false,
        }
    }

    fn loaded(mut self, name: String, summary: TableSummary, millis: f64) -> Self {
        let roles = std::mem::take(&mut self.pending_roles);
        let has = |c: &Option<String>| {
            c.as_ref().filter(|c| summary.columns.iter().any(|s| &s.name == *c)).cloned()
        };
        let binary: Vec<&str> = summary
            .columns
            .iter()
            .filter(|c| c.kind == "binary")
            .map(|c| c.name.as_str())
            .collect();
        self.treatment = has(&roles.treatment).or_else(|| {
            binary
                .iter()
                .find(|n| TREATMENT_NAMES.contains(&n.to_ascii_lowercase().as_str()))
                .or(binary.first())
                .map(|s| s.to_string())
        });
        self.outcome = has(&roles.outcome);
        self.control = None;
        if !self.instruments.is_empty() {
            self.instruments.clear();
            self.methods.retain(|m| *m != Method::TwoSls);
        }
        self.covariates = summary
            .columns
            .iter()
            .filter(|c| c.kind != "categorical")
            .map(|c| c.name.clone())
            .filter(|c| Some(c) != self.treatment.as_ref() && Some(c) != self.outcome.as_ref())
            .collect();
        self.dataset = Some(Rc::new(Dataset { name, summary, millis }));
        self.result = None;
        self.error = None;
        self.busy = Busy::Idle;
        self
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        // Replies to superseded requests change nothing.
        let current = |job: u32| job == self.job;
        match action {
            Action::LoadStarted { job, name, total, roles } => {
                s.job = job;
                s.busy = Busy::Loading { name, loaded: 0.0, total };
                s.pending_roles = roles;
                s.error = None;
            }
            Action::Progress { job, loaded, total } if current(job) => {
                if let Busy::Loading { name, .. } = &s.busy {
                    s.busy = Busy::Loading { name: name.clone(), loaded, total };
                }
            }
            Action::Loaded { job, summary, millis } if current(job) => {
                let name = match &s.busy {
                    Busy::Loading { name, .. } => name.clone(),
                    _ => String::new(),
                };
                s = s.loaded(name, summary, millis);
            }
            Action::RunStarted { job, spec } => {
                s.job = job;
                s.busy = Busy::Running;
                s.run_progress = 0.0;
                s.error = None;
                s.pending_spec = Some(spec);
            }
            Action::Reported { job, report, millis } if current(job) => {
                s.busy = Busy::Idle;
                if let Some(spec) = s.pending_spec.take() {
                    s.result = Some(Rc::new(RunResult { spec, report, millis }));
                }
            }
            Action::Failed { job, message } if current(job) => {
                // The data and results the user had stay as they were.
                s.busy = Busy::Idle;
                s.error = Some(message);
                s.pending_roles = SuggestedRoles::default();
            }
            Action::Cancelled { job } => {
                s.job = job;
                s.busy = Busy::Idle;
                s.pending_roles = SuggestedRoles::default();
            }
            Action::SetTreatment(t) => {
                s.covariates.retain(|c| *c != t);
                if s.treatment.as_ref() != Some(&t) {
                    s.control = None;
                }
                s.treatment = Some(t);
            }
            Action::SetOutcome(y) => {
                s.covariates.retain(|c| *c != y);
                s.outcome = Some(y);
            }
            Action::SetCovariate(c, on) => {
                let order: Vec<String> = s
                    .dataset
                    .as_ref()
                    .map(|d| d.summary.columns.iter().map(|c| c.name.clone()).collect())
                    .unwrap_or_default();
                s.covariates.retain(|x| *x != c);
                if on {
                    s.covariates.push(c);
                    s.covariates.sort_by_key(|x| order.iter().position(|o| o == x));
                }
            }
            Action::SetMethod(m, on) => {
                s.methods.retain(|x| *x != m);
                // 2SLS needs an instrument: it stays off until one is chosen.
                if on && (m != Method::TwoSls || !s.instruments.is_empty()) {
                    s.methods.push(m);
                    s.methods.sort_by_key(|x| Method::ALL.iter().position(|o| o == x));
                }
            }
            Action::SetEstimand(e) => s.estimand = e,
            Action::SetControl(c) => s.control = c,
            Action::SetInstrument(z) => {
                s.methods.retain(|m| *m != Method::TwoSls);
                match z {
                    Some(z) => {
                        s.covariates.retain(|c| *c != z);
                        s.instruments = vec![z];
                        s.methods.push(Method::TwoSls);
                    }
                    None => s.instruments.clear(),
                }
            }
            Action::SetReplace(on) => s.replace = on,
            Action::SetBootstrap(n) => s.bootstrap = n.min(10_000),
            Action::RunProgress { job, fraction } if current(job) && s.busy == Busy::Running => {
                s.run_progress = fraction.clamp(0.0, 1.0);
            }
            Action::ShowError(message) => s.error = Some(message),
            Action::DismissError => s.error = None,
            Action::Progress { .. }
            | Action::RunProgress { .. }
            | Action::Loaded { .. }
            | Action::Reported { .. }
            | Action::Failed { .. } => {
                return self;
            }
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cf_engine::ColumnSummary;

    fn summary(cols: &[(&str, &str)]) -> TableSummary {
        TableSummary {
            n_rows: 3,
            columns: cols
                .iter()
                .map(|(n, k)| ColumnSummary {
                    name: n.to_string(),
                    kind: k.to_string(),
                    n_missing: 0,
                    n_levels: None,
                    levels: None,
                    mean: None,
                })
                .collect(),
            preview: vec![],
            warnings: vec![],
        }
    }

    fn load(
        state: Rc<AppState>,
        job: u32,
        cols: &[(&str, &str)],
        roles: SuggestedRoles,
    ) -> Rc<AppState> {
        let s = state.reduce(Action::LoadStarted { job, name: "f.csv".into(), total: 10.0, roles });
        s.reduce(Action::Loaded { job, summary: summary(cols), millis: 1.0 })
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
        let roles = SuggestedRoles { treatment: Some("flag".into()), outcome: Some("y".into()) };
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
    }

    #[test]
    fn stale_replies_are_ignored_and_results_go_stale_on_change() {
        let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
        let s = s.reduce(Action::SetOutcome("y".into()));
        let spec = s.spec().unwrap();
        let s = s.reduce(Action::RunStarted { job: 2, spec: spec.clone() });
        let s = s.reduce(Action::Cancelled { job: 3 });
        let report = Report::default();
        let late =
            s.clone().reduce(Action::Reported { job: 2, report: report.clone(), millis: 1.0 });
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

    fn hillstrom_like() -> Rc<AppState> {
        let cols = [("visit", "binary"), ("segment", "categorical"), ("recency", "numeric")];
        let s = Rc::new(AppState::new());
        let s = s.reduce(Action::LoadStarted {
            job: 1,
            name: "h.csv".into(),
            total: 10.0,
            roles: SuggestedRoles::default(),
        });
        let mut summary = summary(&cols);
        summary.columns[1].levels =
            Some(vec!["Mens E-Mail".into(), "No E-Mail".into(), "Womens E-Mail".into()]);
        s.reduce(Action::Loaded { job: 1, summary, millis: 1.0 })
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
        assert!(!s.spec().unwrap().replace);
        let s = s.reduce(Action::SetReplace(true));
        assert!(s.spec().unwrap().replace);
        assert!(s.result_is_stale() || s.result.is_none());
    }

    #[test]
    fn bootstrap_reaches_the_spec_and_progress_follows_the_current_run() {
        let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
        let s = s.reduce(Action::SetOutcome("y".into())).reduce(Action::SetBootstrap(500));
        let spec = s.spec().unwrap();
        assert_eq!(spec.bootstrap, 500);
        let s = s.reduce(Action::RunStarted { job: 2, spec });
        let s = s.reduce(Action::RunProgress { job: 2, fraction: 0.25 });
        assert_eq!(s.run_progress, 0.25);
        // A late message of an older request changes nothing.
        let s = s.reduce(Action::RunProgress { job: 1, fraction: 0.9 });
        assert_eq!(s.run_progress, 0.25);
        assert_eq!(s.reduce(Action::SetBootstrap(1_000_000)).bootstrap, 10_000);
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
}
