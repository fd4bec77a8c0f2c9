//! What can happen ([`Action`]) and what each action does to the state.

use std::rc::Rc;

use cf_engine::{
    AnalysisSpec, ColumnKind, EstimandChoice, Independence, IndependenceTest, Method, Options,
    Report, TableSummary,
};
use yew::Reducible;

use super::graph::GraphAction;
use super::roles::TREATMENT_NAMES;
use super::{AppState, Busy, Dataset, RunResult, SuggestedRoles};
use crate::graph_state::{self, GraphEditor};

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
        /// A graph saved for these columns (DAGitty text with roles), to restore.
        saved_graph: Option<String>,
        /// FNV-1a hash of the file's bytes, in hex.
        hash: String,
        /// The file's text, when small.
        text: Option<String>,
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
    /// Tick the covariates the applied model code marks as adjusted.
    UseCodeCovariates,
    /// Keep the ticked covariates, not the model code's.
    KeepCovariates,
    /// Take a numeric column as categories (true) or as a number (false).
    SetCategorical(String, bool),
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
    /// Drop rows with a missing covariate, or impute with an indicator.
    SetMissing(cf_engine::MissingPolicy),
    /// 1 − the confidence level (in [1e-6, 0.5]).
    SetAlpha(f64),
    /// Propensity trimming (in [0, 0.5)).
    SetTrim(f64),
    /// L2 penalty of the propensity model (≥ 0).
    SetL2(f64),
    /// Tick or untick an uplift model.
    SetUpliftModel(cf_engine::uplift::UpliftModel, bool),
    /// Hold out a share of the rows (in (0, 1)) for the uplift evaluation.
    SetUpliftFraction(f64),
    /// Hold out the rows a 0/1 column marks (`None`: a share drawn from a seed).
    SetUpliftSplitColumn(Option<String>),
    /// The trees' and forests' settings (out of range: ignored).
    SetUpliftTree(cf_engine::uplift::TreeOptions),
    /// Set the value of a conversion and the costs of treating (refused when one is negative or
    /// not a number).
    SetUpliftEconomics(cf_engine::uplift::Economics),
    /// Set one arm's costs (treatment with several arms; refused when one is negative or not a
    /// number). Arms without their own costs take those of [`Action::SetUpliftEconomics`].
    SetUpliftArmCost(usize, cf_engine::uplift::ArmCost),
    /// Set the budget in customers (`None`: the share of [`Action::SetUpliftBudget`]); 0 is not
    /// taken.
    SetUpliftBudgetCustomers(Option<usize>),
    /// Set the budget: the largest share of customers targeted, in (0, 1].
    SetUpliftBudget(f64),
    /// Show the deciles and decision of this model of the last fit.
    SetUpliftFocus(usize),
    /// The column of the true uplift (simulated data) the rankings are judged by.
    SetUpliftTruthColumn(Option<String>),
    /// The column written beside the row number in the targeting list.
    SetTargetingKey(Option<String>),
    /// The targeting list was asked of the worker as request `job`.
    TargetingListSent(u32),
    /// The targeting list of request `job` was downloaded.
    TargetingListDone(u32),
    /// The model file was asked of the worker as request `job`.
    ModelFileSent(u32),
    /// The model file of request `job` was downloaded.
    ModelFileDone(u32),
    /// Another file was sent to be scored as request `job`.
    ScoreSent(u32),
    /// The file of request `job` was scored and its list downloaded.
    ScoreDone(u32, super::uplift::ScoredFile),
    /// The loaded file was sent to be scored with a saved model as request `job`.
    SavedScoreSent(u32),
    /// Request `job` scored the loaded file with a saved model and its list was downloaded.
    SavedScoreDone(u32, super::uplift::SavedScored),
    /// An uplift fit was sent as request `job`.
    UpliftStarted {
        /// Request id.
        job: u32,
        /// What was sent.
        spec: Box<cf_engine::uplift::UpliftSpec>,
    },
    /// The uplift fit finished.
    UpliftReported {
        /// Request id.
        job: u32,
        /// Its evaluation.
        report: cf_engine::uplift::UpliftReport,
        /// Milliseconds.
        millis: f64,
    },
    /// Refutation tests were sent as request `job`.
    RefuteStarted {
        /// Request id.
        job: u32,
        /// What was sent.
        ask: Box<super::refute::RefuteAsk>,
    },
    /// The refutation tests finished.
    Refuted {
        /// Request id.
        job: u32,
        /// Their verdicts.
        report: cf_engine::RefuteReport,
        /// Milliseconds.
        millis: f64,
    },
    /// An experimental file was sent for its benchmark as request `job`.
    BenchmarkSent {
        /// Request id.
        job: u32,
        /// The run's spec it is for.
        spec: AnalysisSpec,
    },
    /// The experimental file's benchmark came back.
    Benchmarked {
        /// Request id.
        job: u32,
        /// The file's name.
        name: String,
        /// Its difference in means.
        benchmark: cf_engine::experiment::Benchmark,
    },
    /// "Suggest a graph" was sent as request `job`.
    DiscoverStarted {
        /// Request id.
        job: u32,
        /// What was sent.
        spec: Box<cf_engine::discover::DiscoverSpec>,
    },
    /// The proposal came back.
    Discovered {
        /// Request id.
        job: u32,
        /// What PC found.
        report: Box<cf_engine::discover::DiscoverReport>,
        /// Milliseconds.
        millis: f64,
    },
    /// Open or close the "Suggest a graph" panel.
    SetDiscoveryOpen(bool),
    /// The significance level of PC's tests.
    SetDiscoveryAlpha(f64),
    /// Bootstrap resamples for edge stability.
    SetDiscoveryResamples(usize),
    /// Include a column in PC or leave it out.
    SetDiscoveryColumn(String, bool),
    /// Pick every numeric column (`true`) or go back to the default columns (`false`).
    SetDiscoveryAllColumns(bool),
    /// A column's tier.
    SetDiscoveryTier(String, super::discovery::Tier),
    /// Whether the treatment comes before the outcome.
    SetDiscoveryTreatmentFirst(bool),
    /// Requires or forbids an edge in the next discovery run.
    AddDiscoveryEdgeRule(super::discovery::EdgeRule),
    /// Removes the edge rule at this index.
    RemoveDiscoveryEdgeRule(usize),
    /// Put the proposal into the graph.
    AcceptProposal,
    /// Orient the undecided edge `from — to` as `from → to`.
    OrientEdge(String, String),
    /// Say whether the treatment was randomized (experiment mode).
    SetRandomized(bool),
    /// Refute this method of the run.
    SetRefuteMethod(Method),
    /// Replications of each refuter.
    SetRefuteReplications(usize),
    /// The covariate the sensitivity analysis compares a confounder with.
    SetSensitivityBenchmark(String),
    /// Estimation progress of request `job`.
    RunProgress {
        /// Request id.
        job: u32,
        /// Share done, in [0, 1].
        fraction: f64,
    },
    /// Tick exactly these covariates (a minimal adjustment set).
    SetCovariates(Vec<String>),
    /// An edit of the causal graph.
    Graph(GraphAction),
    /// The graph's implied independences were sent to the worker as request `job`.
    TestsStarted {
        /// Request id.
        job: u32,
        /// What was sent.
        list: Vec<Independence>,
    },
    /// Their tests came back.
    Tested {
        /// Request id.
        job: u32,
        /// The tests.
        tests: Vec<IndependenceTest>,
    },
    /// Show a message (e.g. a file that could not be opened).
    ShowError(String),
    /// Hide the message.
    DismissError,
    /// The page was opened with this share link (the URL fragment).
    OpenLink(String),
    /// Open a gallery example (its file is being fetched); the analysis runs once it is loaded.
    OpenExample(&'static str),
    /// Leave the open example (its story and analysis; the data stays). Loading another file
    /// leaves it too.
    LeaveExample,
    /// Forget the share link (its banner and messages).
    DismissLink,
}

impl AppState {
    fn loaded(
        mut self,
        name: String,
        summary: TableSummary,
        millis: f64,
        saved_graph: Option<String>,
        hash: String,
        text: Option<String>,
    ) -> Self {
        let roles = std::mem::take(&mut self.pending_roles);
        if !roles.example {
            self.leave_example();
        }
        let has = |c: &Option<String>| {
            c.as_ref().filter(|c| summary.columns.iter().any(|s| &s.name == *c)).cloned()
        };
        let binary: Vec<&str> = summary
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Binary)
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
        // Not by default: text (ticked by choice, one-hot) and identifiers (every value differs).
        self.covariates = summary
            .columns
            .iter()
            .filter(|c| c.kind != ColumnKind::Categorical && !c.identifier)
            .map(|c| c.name.clone())
            .filter(|c| Some(c) != self.treatment.as_ref() && Some(c) != self.outcome.as_ref())
            .collect();
        let names: Vec<String> = summary.columns.iter().map(|c| c.name.clone()).collect();
        self.graph = GraphEditor::from_columns(&names);
        self.implications.clear();
        self.implications_sent = None;
        let fingerprint =
            cf_share::Fingerprint { columns: names.clone(), n_rows: summary.n_rows, hash };
        self.dataset =
            Some(Rc::new(Dataset { name, summary, millis, fingerprint, text: text.map(Rc::from) }));
        self.held_back.clear();
        self.categorical.clear();
        self.code_covariates = None;
        self.hold_back_derived();
        if let Some(g) = saved_graph.and_then(|t| graph_state::parse_text(&t).ok()) {
            // Restored without an undo step: the saved graph is where the user left off.
            self.take_roles(&g);
            let (t, y) = (self.treatment.clone(), self.outcome.clone());
            self.graph.replace(g, t.as_deref(), y.as_deref());
            self.graph.forget_history();
        }
        self.link_mismatch = None;
        // The models ticked and the costs entered carry over to the new file.
        self.uplift = super::uplift::UpliftState {
            models: self.uplift.models.take(),
            economics: self.uplift.economics,
            budget_share: self.uplift.budget_share,
            budget_customers: self.uplift.budget_customers,
            key: self.uplift.key.take(),
            ..Default::default()
        };
        self.example_graph = None;
        if let Some(link) = self.link.clone() {
            if let (Some(expected), Some(d)) = (&link.fingerprint, &self.dataset) {
                self.link_mismatch = expected.mismatch(&d.fingerprint);
            }
            self.apply_link(&link);
            if self.example.is_some() {
                self.example_graph = Some(self.graph_text());
            }
        }
        if self.spec().is_none() {
            self.autorun = false;
        }
        self.result = None;
        self.error = None;
        self.busy = Busy::Idle;
        self
    }
}

/// Sets `options` to `new` when it is valid; false (and nothing set) when not.
fn set_valid(options: &mut Options, new: Options) -> bool {
    let ok = new.validate().is_ok();
    if ok {
        *options = new;
    }
    ok
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
            Action::Loaded { job, summary, millis, saved_graph, hash, text } if current(job) => {
                let name = match &s.busy {
                    Busy::Loading { name, .. } => name.clone(),
                    _ => String::new(),
                };
                s = s.loaded(name, summary, millis, saved_graph, hash, text);
            }
            Action::RunStarted { job, spec } => {
                s.job = job;
                s.autorun = false;
                s.busy = Busy::Running;
                s.run_progress = 0.0;
                s.error = None;
                s.run_error = None;
                s.pending_spec = Some(spec);
                s.pending_graph =
                    s.graph_has_edges().then(|| cf_graph::text::to_dot(&s.graph_with_roles()));
            }
            Action::Reported { job, report, millis } if current(job) => {
                s.busy = Busy::Idle;
                if let Some(spec) = s.pending_spec.take() {
                    let graph_dot = s.pending_graph.take();
                    s.result = Some(Rc::new(RunResult { spec, report, millis, graph_dot }));
                }
            }
            Action::UpliftStarted { job, spec } => {
                s.job = job;
                s.busy = Busy::Fitting;
                s.error = None;
                s.uplift.progress = 0.0;
                s.uplift.error = None;
                s.uplift.pending = Some(*spec);
            }
            Action::UpliftReported { job, report, millis } if current(job) => {
                s.busy = Busy::Idle;
                if let Some(spec) = s.uplift.pending.take() {
                    s.uplift.result =
                        Some(Rc::new(super::uplift::UpliftResult { spec, report, millis }));
                    s.uplift.focus = None;
                    s.uplift.scored = None;
                    s.uplift.score_error = None;
                    s.uplift.model_error = None;
                }
            }
            Action::RefuteStarted { job, ask } => {
                s.job = job;
                s.busy = Busy::Refuting;
                s.error = None;
                s.refute.progress = 0.0;
                s.refute.error = None;
                s.refute.pending = Some(*ask);
            }
            Action::Refuted { job, report, millis } if current(job) => {
                s.busy = Busy::Idle;
                if let Some(ask) = s.refute.pending.take() {
                    s.refute.result =
                        Some(Rc::new(super::refute::RefuteResult { ask, report, millis }));
                }
            }
            Action::DiscoverStarted { job, spec } => {
                s.job = job;
                s.error = None;
                s.discovery_started(*spec);
            }
            Action::Discovered { job, report, millis } if current(job) => {
                s.discovered(*report, millis);
            }
            Action::SetDiscoveryOpen(open) => s.discovery.open = open,
            Action::SetDiscoveryAlpha(a) => {
                if !(a > 0.0 && a < 1.0) {
                    return self;
                }
                s.discovery.alpha = a;
            }
            Action::SetDiscoveryResamples(n) => {
                if n > cf_discovery::MAX_RESAMPLES {
                    return self;
                }
                s.discovery.resamples = n;
            }
            Action::SetDiscoveryColumn(c, on) => {
                let mut picked = s.discovery_columns();
                picked.retain(|p| *p != c);
                if on {
                    picked.push(c);
                }
                s.discovery.columns = Some(picked);
            }
            Action::SetDiscoveryAllColumns(all) => {
                s.discovery.columns = all.then(|| s.numeric_columns());
            }
            Action::SetDiscoveryTier(c, t) => s.discovery.set_tier(&c, t),
            Action::SetDiscoveryTreatmentFirst(on) => s.discovery.treatment_first = on,
            Action::AddDiscoveryEdgeRule(r) => s.discovery.add_edge_rule(r),
            Action::RemoveDiscoveryEdgeRule(i) => {
                if i < s.discovery.edge_rules.len() {
                    s.discovery.edge_rules.remove(i);
                }
            }
            Action::AcceptProposal => s.accept_proposal(),
            Action::OrientEdge(a, b) => s.graph.orient(&a, &b),
            Action::SetRefuteMethod(m) => s.refute.method = Some(m),
            Action::SetSensitivityBenchmark(b) => s.refute.sensitivity_benchmark = Some(b),
            Action::SetRefuteReplications(n) => {
                if !(2..=cf_engine::refutation::MAX_REPLICATIONS).contains(&n) {
                    return self;
                }
                s.refute.replications = n;
            }
            Action::SetUpliftModel(m, on) => s.set_uplift_model(m, on),
            Action::SetUpliftFraction(f) => {
                if !(f > 0.0 && f < 1.0) {
                    return self;
                }
                s.uplift.test_fraction = f;
            }
            Action::SetUpliftSplitColumn(c) => s.uplift.split_column = c,
            Action::SetUpliftTruthColumn(c) => s.uplift.truth_column = c,
            Action::SetUpliftEconomics(e) => {
                if !super::uplift::economics_valid(&e) {
                    return self;
                }
                s.uplift.economics = e;
            }
            Action::SetUpliftArmCost(arm, c) => {
                let ok = [c.cost_per_treated, c.cost_per_conversion]
                    .iter()
                    .all(|v| v.is_finite() && *v >= 0.0);
                if !ok || arm > 255 {
                    return self;
                }
                let e = s.uplift.economics;
                let fill = cf_engine::uplift::ArmCost {
                    cost_per_treated: e.cost_per_treated,
                    cost_per_conversion: e.cost_per_conversion,
                };
                if s.uplift.arm_costs.len() <= arm {
                    s.uplift.arm_costs.resize(arm + 1, fill);
                }
                s.uplift.arm_costs[arm] = c;
            }
            Action::SetUpliftBudget(b) => {
                if !(b > 0.0 && b <= 1.0) {
                    return self;
                }
                s.uplift.budget_share = b;
                s.uplift.budget_customers = None;
            }
            Action::SetUpliftBudgetCustomers(n) => {
                if n == Some(0) {
                    return self;
                }
                s.uplift.budget_customers = n;
            }
            Action::SetUpliftFocus(k) => s.uplift.focus = Some(k),
            Action::SetTargetingKey(k) => s.uplift.key = k,
            Action::TargetingListSent(job) => {
                s.uplift.list_job = Some(job);
                s.uplift.list_error = None;
            }
            Action::TargetingListDone(job) if s.uplift.list_job == Some(job) => {
                s.uplift.list_job = None;
            }
            Action::Failed { job, message } if s.uplift.list_job == Some(job) => {
                // Said beside the list's button; the fit and everything else stay.
                s.uplift.list_job = None;
                s.uplift.list_error = Some(message);
            }
            Action::ModelFileSent(job) => {
                s.uplift.model_job = Some(job);
                s.uplift.model_error = None;
            }
            Action::ModelFileDone(job) if s.uplift.model_job == Some(job) => {
                s.uplift.model_job = None;
            }
            Action::Failed { job, message } if s.uplift.model_job == Some(job) => {
                s.uplift.model_job = None;
                s.uplift.model_error = Some(message);
            }
            Action::ScoreSent(job) => {
                s.uplift.score_job = Some(job);
                s.uplift.score_error = None;
                s.uplift.scored = None;
            }
            Action::ScoreDone(job, scored) if s.uplift.score_job == Some(job) => {
                s.uplift.score_job = None;
                s.uplift.scored = Some(scored);
            }
            Action::SavedScoreSent(job) => {
                s.uplift.saved_job = Some(job);
                s.uplift.saved_error = None;
                s.uplift.saved = None;
            }
            Action::SavedScoreDone(job, saved) if s.uplift.saved_job == Some(job) => {
                s.uplift.saved_job = None;
                s.uplift.saved = Some(saved);
            }
            Action::Failed { job, message } if s.uplift.saved_job == Some(job) => {
                s.uplift.saved_job = None;
                s.uplift.saved_error = Some(message);
            }
            Action::Failed { job, message } if s.uplift.score_job == Some(job) => {
                // Said beside the button; the loaded file, the fit and its list stay.
                s.uplift.score_job = None;
                s.uplift.score_error = Some(message);
            }
            Action::SetUpliftTree(t) => {
                if !super::uplift::tree_options_valid(&t) {
                    return self;
                }
                s.uplift.tree = t;
            }
            Action::Failed { job, message } if current(job) && s.busy == Busy::Fitting => {
                // The fit failed: said in its section; the rest of the page is as it was.
                s.busy = Busy::Idle;
                s.uplift.pending = None;
                s.uplift.error = Some(message);
            }
            Action::Failed { job, message } if current(job) && s.busy == Busy::Discovering => {
                // Said in the panel; the graph is as it was.
                s.discovery_failed(message);
            }
            Action::Failed { job, message } if current(job) && s.busy == Busy::Refuting => {
                // Said in the refuters' place; the results above stay.
                s.busy = Busy::Idle;
                s.refute.pending = None;
                s.refute.error = Some(message);
            }
            Action::Failed { job, message } if current(job) => {
                // The data and results the user had stay as they were.
                if s.busy == Busy::Running {
                    s.run_error = Some(message.clone());
                }
                s.busy = Busy::Idle;
                s.autorun = false;
                s.error = Some(message);
                s.pending_roles = SuggestedRoles::default();
            }
            Action::Cancelled { job } => {
                s.job = job;
                s.busy = Busy::Idle;
                s.uplift.pending = None;
                s.refute.pending = None;
                s.discovery.pending = None;
                s.experiment_benchmark.pending = None;
                // The worker was replaced: whatever it was making for the page is gone.
                s.uplift.list_job = None;
                s.uplift.model_job = None;
                s.uplift.score_job = None;
                s.uplift.saved_job = None;
                s.autorun = false;
                s.pending_roles = SuggestedRoles::default();
            }
            Action::SetTreatment(t) => s.set_treatment(t),
            Action::SetOutcome(y) => s.set_outcome(y),
            Action::UseCodeCovariates => {
                if let Some(list) = s.code_covariates.take() {
                    s.set_covariates(list);
                }
            }
            Action::KeepCovariates => s.code_covariates = None,
            Action::SetCategorical(c, on) => {
                s.categorical.retain(|x| *x != c);
                if on && s.column(&c).is_some_and(|col| col.kind == ColumnKind::Numeric) {
                    s.categorical.push(c);
                }
            }
            Action::SetCovariate(c, on) => s.set_covariate(c, on),
            Action::SetCovariates(list) => s.set_covariates(list),
            Action::Graph(g) => s.graph_action(g),
            Action::TestsStarted { job, list } => {
                s.implications_sent = Some((job, list));
                s.implications.clear();
            }
            Action::Tested { job, tests } => {
                if s.implications_sent.as_ref().map(|(j, _)| *j) != Some(job) {
                    return self;
                }
                s.implications = tests;
            }
            Action::SetMethod(m, on) => s.set_method(m, on),
            Action::SetEstimand(e) => s.options.estimand = e,
            Action::SetControl(c) => s.control = c,
            Action::SetInstrument(z) => s.set_instrument(z),
            Action::SetReplace(on) => s.options.replace = on,
            Action::SetRandomized(on) => s.options.randomized = on,
            Action::BenchmarkSent { job, spec } => {
                s.experiment_benchmark.pending = Some((job, spec));
                s.experiment_benchmark.error = None;
            }
            Action::Benchmarked { job, name, benchmark }
                if s.experiment_benchmark.pending.as_ref().is_some_and(|(j, _)| *j == job) =>
            {
                if let Some((_, spec)) = s.experiment_benchmark.pending.take() {
                    s.experiment_benchmark.result =
                        Some(Rc::new(super::benchmark::BenchmarkResult { name, spec, benchmark }));
                }
            }
            Action::Failed { job, message }
                if s.experiment_benchmark.pending.as_ref().is_some_and(|(j, _)| *j == job) =>
            {
                s.experiment_benchmark.pending = None;
                s.experiment_benchmark.error = Some(message);
            }
            Action::SetBootstrap(n) => s.options.bootstrap = n.min(Options::MAX_BOOTSTRAP),
            Action::SetMissing(policy) => s.options.missing = policy,
            // Out of range: ignored (the inputs show their bounds).
            Action::SetAlpha(alpha) => {
                if !set_valid(&mut s.options, Options { alpha, ..self.options.clone() }) {
                    return self;
                }
            }
            Action::SetTrim(trim) => {
                if !set_valid(&mut s.options, Options { trim, ..self.options.clone() }) {
                    return self;
                }
            }
            Action::SetL2(l2) => {
                if !set_valid(&mut s.options, Options { l2, ..self.options.clone() }) {
                    return self;
                }
            }
            Action::RunProgress { job, fraction } if current(job) && s.busy == Busy::Running => {
                s.run_progress = fraction.clamp(0.0, 1.0);
            }
            Action::RunProgress { job, fraction } if current(job) && s.busy == Busy::Fitting => {
                s.uplift.progress = fraction.clamp(0.0, 1.0);
            }
            Action::RunProgress { job, fraction } if current(job) && s.busy == Busy::Refuting => {
                s.refute.progress = fraction.clamp(0.0, 1.0);
            }
            Action::RunProgress { job, fraction }
                if current(job) && s.busy == Busy::Discovering =>
            {
                s.discovery.progress = fraction.clamp(0.0, 1.0);
            }
            Action::ShowError(message) => s.error = Some(message),
            Action::DismissError => s.error = None,
            Action::OpenLink(text) => s.open_link(&text),
            Action::OpenExample(id) => s.open_example(id),
            Action::LeaveExample => s.leave_example(),
            Action::DismissLink => s.dismiss_link(),
            Action::Progress { .. }
            | Action::RunProgress { .. }
            | Action::Loaded { .. }
            | Action::Reported { .. }
            | Action::UpliftReported { .. }
            | Action::Refuted { .. }
            | Action::Discovered { .. }
            | Action::Benchmarked { .. }
            | Action::TargetingListDone(_)
            | Action::ModelFileDone(_)
            | Action::ScoreDone(..)
            | Action::SavedScoreDone(..)
            | Action::Failed { .. } => {
                return self;
            }
        }
        Rc::new(s)
    }
}
