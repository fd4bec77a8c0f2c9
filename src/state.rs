//! The page's state and its pure reducer (no DOM: tested natively).

use std::rc::Rc;

use cf_engine::{
    AnalysisSpec, ColumnKind, EstimandChoice, Independence, IndependenceTest, Method, Options,
    Report, TableSummary,
};
use cf_graph::{Dag, Role};
use yew::Reducible;

use crate::examples::{self, Example};
use crate::graph_state::{self, GraphEditor, Selection};

/// A loaded file, as the page sees it (the table itself stays in the worker).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// File name.
    pub name: String,
    /// Column types, missing counts, first rows.
    pub summary: TableSummary,
    /// Milliseconds the worker spent reading it.
    pub millis: f64,
    /// What identifies it in a share link.
    pub fingerprint: cf_share::Fingerprint,
    /// Its text, when small enough to embed in a share link.
    pub text: Option<Rc<str>>,
}

/// Roles to preselect once a file is loaded (the examples carry theirs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SuggestedRoles {
    /// Treatment column.
    pub treatment: Option<String>,
    /// Outcome column.
    pub outcome: Option<String>,
    /// The file is the open example's (any other file leaves the example once it is loaded).
    pub example: bool,
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
    /// The causal graph when the run started, as DOT (`None`: nothing drawn).
    pub graph_dot: Option<String>,
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
    /// For a treatment with more than two values: the level the others are compared with.
    pub control: Option<String>,
    /// Instruments for 2SLS (none: 2SLS cannot run).
    pub instruments: Vec<String>,
    /// How the methods run (confidence level, estimand, trimming, penalty, matching, bootstrap,
    /// missing values); always valid ([`Options::validate`]). `cate` is decided per run.
    pub options: Options,
    /// Share of the running estimation done (bootstrap progress), in [0, 1].
    pub run_progress: f64,
    /// Last results.
    pub result: Option<Rc<RunResult>>,
    /// A message for the user about the last action.
    pub error: Option<String>,
    /// The causal graph being drawn (roles come from the fields above).
    pub graph: GraphEditor,
    /// The implied independences last sent to the worker, and its request id.
    pub implications_sent: Option<(u32, Vec<Independence>)>,
    /// Their tests against the data.
    pub implications: Vec<IndependenceTest>,
    /// The analysis of the share link the page was opened with (applied to each file loaded
    /// that has its columns).
    pub link: Option<Rc<cf_share::Shared>>,
    /// Why the page's share link could not be opened.
    pub link_error: Option<String>,
    /// How the loaded file differs from the one the share link was made from.
    pub link_mismatch: Option<String>,
    /// The gallery example being shown (its analysis is `link`).
    pub example: Option<&'static Example>,
    /// Run the analysis as soon as the data is loaded (an example, or an example's link).
    pub autorun: bool,
    /// The graph text as an example set it (not saved for its columns until the user changes it).
    pub example_graph: Option<String>,
    /// Roles to apply when the pending load finishes.
    pending_roles: SuggestedRoles,
    /// The spec of the run in flight.
    pending_spec: Option<AnalysisSpec>,
    /// The graph (DOT) when the run in flight started.
    pending_graph: Option<String>,
}

/// Largest table for which the page asks for per-unit effects.
pub const MAX_CATE_ROWS: usize = 200_000;

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

/// Edits of the causal graph.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphAction {
    /// Add a latent node.
    AddLatent,
    /// Draw `from → to`.
    AddEdge(String, String),
    /// Select a node or edge (or nothing).
    Select(Option<Selection>),
    /// Delete the selection.
    DeleteSelected,
    /// A node was dragged to (x, y).
    Move(String, f64, f64),
    /// A DAGitty key on the selected node: e, o, a, u.
    Key(char),
    /// Rename a node.
    Rename(String, String),
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Layered layout.
    AutoLayout,
    /// Replace the graph by this text (DAGitty or DOT).
    ApplyText(String),
    /// Hide the graph's message.
    DismissError,
}

/// The data embedded in share link text, if it holds any (to load as if dropped).
pub fn link_data(text: &str) -> Option<String> {
    cf_share::decode(text).ok()?.data
}

/// Whether two analyses are the same up to the order of their covariates.
fn same_analysis(a: &AnalysisSpec, b: &AnalysisSpec) -> bool {
    let sorted = |s: &AnalysisSpec| {
        let mut s = s.clone();
        if let Some(c) = s.covariates.as_mut() {
            c.sort();
        }
        s.options.cate = false;
        s
    };
    sorted(a) == sorted(b)
}

/// The bundled example whose data a share link names, if any (to fetch and load).
pub fn link_example(text: &str) -> Option<&'static Example> {
    examples::by_id(cf_share::decode(text).ok()?.example.as_deref()?)
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
        if col.kind == ColumnKind::Binary {
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
            .is_some_and(|c| c.kind == ColumnKind::Numeric);
        numeric
            && !self.methods.is_empty()
            && self.methods.iter().all(|m| *m == Method::TwoSls)
            && self.control.is_none()
    }

    /// A message about the chosen roles, if they cannot be estimated.
    pub fn role_problem(&self) -> Option<String> {
        let t = self.treatment.as_deref()?;
        let col = self.column(t)?;
        match col.levels.as_deref() {
            Some([]) => return Some(format!("`{t}` has no values: every row is missing it.")),
            Some([only]) => {
                return Some(format!(
                    "`{t}` is {only} in every row: with no other value there is nothing to compare, so it cannot be the treatment."
                ))
            }
            _ => {}
        }
        if col.kind != ColumnKind::Binary && !self.treatment_is_dose() {
            match self.treatment_levels() {
                None => {
                    return Some(format!(
                        "`{t}` is {}, not binary: the treatment must hold only 0 (control) and 1 (treated) (or, for instrumental variables alone, a numeric dose).",
                        col.kind.as_str()
                    ))
                }
                Some(levels) => match self.control.as_deref() {
                    None => {
                        let dose_hint = if col.kind == ColumnKind::Numeric {
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
        if self.column(y)?.kind == ColumnKind::Categorical {
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
        spec.control = self.treatment_levels().and(self.control.clone());
        spec.instruments = self.instruments.clone();
        spec.options = self.options.clone();
        // Per-unit effects come back for a download when a meta-learner runs, up to a size the
        // worker can send comfortably (the CLI's --cate-out has no limit).
        let rows = self.dataset.as_ref().map_or(0, |d| d.summary.n_rows);
        spec.options.cate = rows <= MAX_CATE_ROWS && self.methods.iter().any(|m| m.has_cate());
        Some(spec)
    }

    /// The share link of the current analysis (without `#`); `embed` puts the data's text in it.
    ///
    /// # Errors
    /// A message for the user: no file, data too large to embed.
    pub fn share_link(&self, embed: bool) -> Result<String, String> {
        let dataset = self.dataset.as_ref().ok_or("load a file first")?;
        // An example opened from the gallery (or its link) travels by name: the page has its data.
        let example = self.example.filter(|e| e.fingerprint() == dataset.fingerprint);
        let data = if embed && example.is_none() {
            Some(
                dataset
                    .text
                    .as_deref()
                    .ok_or(
                        "this file is too large to put in a link: share the link without data and send the file separately",
                    )?
                    .to_string(),
            )
        } else {
            None
        };
        let shared = cf_share::Shared {
            spec: self.spec(),
            graph: Some(self.graph_text()),
            fingerprint: Some(dataset.fingerprint.clone()),
            data,
            example: example.map(|e| e.id.to_string()),
            ..cf_share::Shared::default()
        };
        cf_share::encode(&shared).map_err(|e| e.to_string())
    }

    /// Applies a share link's graph and analysis to the loaded file: only when the file has every
    /// column the analysis names.
    fn apply_link(&mut self, shared: &cf_share::Shared) {
        if let Some(spec) = &shared.spec {
            let names = [&spec.treatment, &spec.outcome]
                .into_iter()
                .chain(spec.covariates.iter().flatten())
                .chain(&spec.instruments);
            if !names.clone().all(|n| self.is_column(n)) {
                return;
            }
        }
        if let Some(g) = shared.graph.as_deref().and_then(|t| graph_state::parse_text(t).ok()) {
            self.take_roles(&g);
            let (t, y) = (self.treatment.clone(), self.outcome.clone());
            self.graph.replace(g, t.as_deref(), y.as_deref());
            self.graph.forget_history();
        }
        if let Some(spec) = &shared.spec {
            self.treatment = Some(spec.treatment.clone());
            self.outcome = Some(spec.outcome.clone());
            self.instruments = spec.instruments.clone();
            if let Some(covs) = &spec.covariates {
                self.covariates.clear();
                for c in covs {
                    if *c != spec.treatment && *c != spec.outcome {
                        self.set_covariate(c.clone(), true);
                    }
                }
            }
            self.methods = Method::ALL
                .iter()
                .copied()
                .filter(|m| spec.methods.contains(m))
                .filter(|m| *m != Method::TwoSls || !self.instruments.is_empty())
                .collect();
            self.control = spec.control.clone();
            // The share decoder has validated them.
            self.options = Options { cate: false, ..spec.options.clone() };
        }
    }

    /// The open example's known answer, for results computed with its treatment and outcome
    /// on its file.
    pub fn benchmark(&self, spec: &AnalysisSpec) -> Option<(f64, &'static str)> {
        let ex = self.example?;
        let ours = self.dataset.as_ref().is_some_and(|d| d.fingerprint == ex.fingerprint());
        let roles = spec.treatment == ex.spec().treatment && spec.outcome == ex.spec().outcome;
        ex.benchmark.filter(|_| ours && roles)
    }

    /// What the page's share link expects, for its banner.
    pub fn link_summary(&self) -> Option<String> {
        let link = self.link.as_ref()?;
        if self.example.is_some() {
            // The example's own card says what it holds.
            return None;
        }
        let what = match &link.spec {
            Some(spec) => {
                let methods: Vec<&str> = spec.methods.iter().map(|m| m.as_str()).collect();
                format!(
                    "the effect of `{}` on `{}` ({})",
                    spec.treatment,
                    spec.outcome,
                    methods.join(", ")
                )
            }
            None => "a causal graph".to_string(),
        };
        let file = match &link.fingerprint {
            Some(fp) => {
                let mut cols: Vec<String> =
                    fp.columns.iter().take(8).map(|c| format!("`{c}`")).collect();
                if fp.columns.len() > 8 {
                    cols.push(format!("and {} more", fp.columns.len() - 8));
                }
                format!("a file of {} rows with the columns {}", fp.n_rows, cols.join(", "))
            }
            None => "its data file".to_string(),
        };
        Some(if self.dataset.is_some() {
            format!("Opened from a share link: {what}, made on {file}.")
        } else if link.data.is_some() {
            format!("This link holds {what} and its data ({file}): loading it…")
        } else {
            format!(
                "This link holds {what}. Its data is not in the link: drop {file} to restore the analysis."
            )
        })
    }

    /// Whether `name` is a column of the loaded file.
    pub fn is_column(&self, name: &str) -> bool {
        self.column(name).is_some()
    }

    /// The covariates the graph sees as adjusted (the ticked ones the run would use).
    pub fn adjusted(&self) -> Vec<String> {
        self.covariates
            .iter()
            .filter(|c| Some(*c) != self.treatment.as_ref() && Some(*c) != self.outcome.as_ref())
            .filter(|c| !self.instruments.contains(c))
            .cloned()
            .collect()
    }

    /// The graph with the page's roles stamped on it.
    pub fn graph_with_roles(&self) -> Dag {
        graph_state::with_roles(
            &self.graph.dag,
            self.treatment.as_deref(),
            self.outcome.as_deref(),
            &self.adjusted(),
        )
    }

    /// The graph's identification of the chosen effect, when both roles are nodes.
    pub fn graph_analysis(&self) -> Option<Result<graph_state::Analysis, String>> {
        let (t, y) = (self.treatment.as_deref()?, self.outcome.as_deref()?);
        Some(graph_state::analyse(&self.graph.dag, t, y, &self.adjusted()))
    }

    /// A warning for the Run button: the ticked covariates leave a biasing path open in the
    /// drawn graph (or adjust for a descendant of the treatment).
    pub fn adjustment_warning(&self) -> Option<String> {
        if self.graph.dag.edges().is_empty() {
            return None;
        }
        if !self.methods.is_empty() && self.methods.iter().all(|m| *m == Method::TwoSls) {
            return self.instrument_warning();
        }
        let a = self.graph_analysis()?.ok()?;
        if a.adjusted_ok {
            return None;
        }
        if let Some(p) = a.biasing_open.first() {
            let more = match a.biasing_open.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            return Some(format!(
                "By the graph, these covariates leave a biasing path open: {}{more}.",
                graph_state::path_text(&self.graph.dag, p)
            ));
        }
        if !a.descendants_adjusted.is_empty() {
            return Some(format!(
                "By the graph, {} descend from the treatment: adjusting for them biases the effect.",
                a.descendants_adjusted.join(", ")
            ));
        }
        Some("By the graph, these covariates do not block every biasing path.".into())
    }

    /// For instrumental variables alone: whether, by the graph, each chosen instrument is one
    /// given the ticked covariates (the back door need not be closed).
    fn instrument_warning(&self) -> Option<String> {
        let g = self.graph_with_roles();
        let at = |n: &str| g.index(n).filter(|&i| !g.nodes()[i].latent);
        let (x, y) = (at(self.treatment.as_deref()?)?, at(self.outcome.as_deref()?)?);
        let w: Vec<usize> = self.adjusted().iter().filter_map(|c| at(c)).collect();
        let bad: Vec<String> = self
            .instruments
            .iter()
            .filter(|z| at(z).is_some_and(|z| !cf_graph::identify::is_instrument(&g, z, x, y, &w)))
            .map(|z| format!("`{z}`"))
            .collect();
        (!bad.is_empty()).then(|| {
            format!(
                "By the graph, {} is not an instrument given the ticked covariates: it must move the treatment and reach the outcome only through it.",
                bad.join(", ")
            )
        })
    }

    /// The graph's testable implications (observed nodes that are data columns only); none
    /// before the first arrow is drawn (every pair would be one).
    pub fn implied_independences(&self) -> Vec<Independence> {
        if self.graph.dag.edges().is_empty() {
            return Vec::new();
        }
        cf_graph::identify::implications(&self.graph.dag)
            .into_iter()
            .filter(|i| {
                self.is_column(&i.x)
                    && self.is_column(&i.y)
                    && i.given.iter().all(|g| self.is_column(g))
            })
            .map(|i| Independence { x: i.x, y: i.y, given: i.given })
            .collect()
    }

    /// The graph as DAGitty text with its roles (what is saved and shown in the code panel).
    pub fn graph_text(&self) -> String {
        cf_graph::text::to_dagitty(&self.graph_with_roles())
    }

    fn set_covariate(&mut self, c: String, on: bool) {
        let order: Vec<String> = self
            .dataset
            .as_ref()
            .map(|d| d.summary.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        self.covariates.retain(|x| *x != c);
        if on && self.is_column(&c) {
            self.covariates.push(c);
            self.covariates.sort_by_key(|x| order.iter().position(|o| o == x));
        }
    }

    fn set_treatment(&mut self, t: String) {
        self.covariates.retain(|c| *c != t);
        if self.treatment.as_ref() != Some(&t) {
            self.control = None;
        }
        self.treatment = Some(t);
    }

    /// Takes the roles written in a graph (exposure, outcome, adjusted) for the page.
    fn take_roles(&mut self, g: &Dag) {
        let named = |role: Role| {
            g.nodes().iter().filter(move |n| n.role == role && !n.latent).map(|n| n.name.clone())
        };
        if let Some(t) = named(Role::Exposure).find(|t| self.is_column(t)) {
            if self.outcome.as_ref() == Some(&t) {
                self.outcome = None;
            }
            self.set_treatment(t);
        }
        if let Some(y) = named(Role::Outcome).find(|y| self.is_column(y)) {
            if self.treatment.as_ref() == Some(&y) {
                self.treatment = None;
            }
            self.covariates.retain(|c| *c != y);
            self.outcome = Some(y);
        }
        let adjusted: Vec<String> = named(Role::Adjusted).collect();
        self.covariates.clear();
        for c in adjusted {
            if Some(&c) != self.treatment.as_ref() && Some(&c) != self.outcome.as_ref() {
                self.set_covariate(c, true);
            }
        }
    }

    fn graph_action(&mut self, action: GraphAction) {
        let selected_node = match &self.graph.selected {
            Some(Selection::Node(n)) => Some(n.clone()),
            _ => None,
        };
        match action {
            GraphAction::AddLatent => {
                self.graph.add_latent();
            }
            GraphAction::AddEdge(a, b) => self.graph.add_edge(&a, &b),
            GraphAction::Select(sel) => {
                self.graph.selected = sel;
                self.graph.error = None;
            }
            GraphAction::DeleteSelected => self.graph.delete_selected(),
            GraphAction::Move(n, x, y) => self.graph.move_node(&n, x, y),
            GraphAction::Key(k) => {
                let Some(n) = selected_node else { return };
                let latent =
                    self.graph.dag.index(&n).is_some_and(|i| self.graph.dag.nodes()[i].latent);
                let usable = self.is_column(&n) && !latent;
                let refuse = |what: &str| {
                    Some(format!(
                        "`{n}` is not an observed column of the data: it cannot be {what}"
                    ))
                };
                self.graph.error = None;
                match k {
                    'e' if usable => {
                        if self.outcome.as_ref() == Some(&n) {
                            self.outcome = None;
                        }
                        self.set_treatment(n);
                    }
                    'e' => self.graph.error = refuse("the treatment"),
                    'o' if usable => {
                        if self.treatment.as_ref() == Some(&n) {
                            self.treatment = None;
                        }
                        self.covariates.retain(|c| *c != n);
                        self.outcome = Some(n);
                    }
                    'o' => self.graph.error = refuse("the outcome"),
                    'a' if usable => {
                        if self.treatment.as_ref() == Some(&n) || self.outcome.as_ref() == Some(&n)
                        {
                            self.graph.error = Some(format!(
                                "`{n}` is the treatment or the outcome: it cannot be adjusted for"
                            ));
                        } else {
                            let on = !self.covariates.contains(&n);
                            self.set_covariate(n, on);
                        }
                    }
                    'a' => self.graph.error = refuse("adjusted for"),
                    'u' => {
                        if self.treatment.as_ref() == Some(&n) || self.outcome.as_ref() == Some(&n)
                        {
                            self.graph.error = Some(format!(
                                "`{n}` is the treatment or the outcome: it must stay observed"
                            ));
                        } else {
                            if !latent {
                                self.covariates.retain(|c| *c != n);
                            }
                            self.graph.set_latent(&n, !latent);
                        }
                    }
                    _ => {}
                }
            }
            GraphAction::Rename(old, new) => {
                if self.is_column(&old) {
                    self.graph.error = Some(format!(
                        "`{old}` is a column of the data: only nodes you added can be renamed"
                    ));
                } else if self.is_column(new.trim()) {
                    self.graph.error = Some(format!(
                        "`{}` is a column of the data: a latent node needs another name",
                        new.trim()
                    ));
                } else {
                    self.graph.rename(&old, &new);
                }
            }
            GraphAction::Undo => self.graph.undo(),
            GraphAction::Redo => self.graph.redo(),
            GraphAction::AutoLayout => {
                let (t, y) = (self.treatment.clone(), self.outcome.clone());
                self.graph.auto_layout(t.as_deref(), y.as_deref());
            }
            GraphAction::ApplyText(text) => match graph_state::parse_text(&text) {
                Ok(g) => {
                    self.take_roles(&g);
                    let (t, y) = (self.treatment.clone(), self.outcome.clone());
                    self.graph.replace(g, t.as_deref(), y.as_deref());
                    self.graph.error = None;
                }
                Err(e) => self.graph.error = Some(e),
            },
            GraphAction::DismissError => self.graph.error = None,
        }
    }

    /// True when the shown results were computed with other settings.
    pub fn result_is_stale(&self) -> bool {
        match (&self.result, self.spec()) {
            (Some(r), Some(spec)) => r.spec != spec,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// Forgets the open example (and its analysis, which was a link's).
    fn leave_example(&mut self) {
        if self.example.take().is_some() {
            self.link = None;
            self.link_mismatch = None;
            self.autorun = false;
        }
    }

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
        self.covariates = summary
            .columns
            .iter()
            .filter(|c| c.kind != ColumnKind::Categorical)
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
        if let Some(g) = saved_graph.and_then(|t| graph_state::parse_text(&t).ok()) {
            // Restored without an undo step: the saved graph is where the user left off.
            self.take_roles(&g);
            let (t, y) = (self.treatment.clone(), self.outcome.clone());
            self.graph.replace(g, t.as_deref(), y.as_deref());
            self.graph.forget_history();
        }
        self.link_mismatch = None;
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
                s.pending_spec = Some(spec);
                s.pending_graph = (!s.graph.dag.edges().is_empty())
                    .then(|| cf_graph::text::to_dot(&s.graph_with_roles()));
            }
            Action::Reported { job, report, millis } if current(job) => {
                s.busy = Busy::Idle;
                if let Some(spec) = s.pending_spec.take() {
                    let graph_dot = s.pending_graph.take();
                    s.result = Some(Rc::new(RunResult { spec, report, millis, graph_dot }));
                }
            }
            Action::Failed { job, message } if current(job) => {
                // The data and results the user had stay as they were.
                s.busy = Busy::Idle;
                s.autorun = false;
                s.error = Some(message);
                s.pending_roles = SuggestedRoles::default();
            }
            Action::Cancelled { job } => {
                s.job = job;
                s.busy = Busy::Idle;
                s.autorun = false;
                s.pending_roles = SuggestedRoles::default();
            }
            Action::SetTreatment(t) => s.set_treatment(t),
            Action::SetOutcome(y) => {
                s.covariates.retain(|c| *c != y);
                s.outcome = Some(y);
            }
            Action::SetCovariate(c, on) => s.set_covariate(c, on),
            Action::SetCovariates(list) => {
                s.covariates.clear();
                for c in list {
                    if Some(&c) != s.treatment.as_ref() && Some(&c) != s.outcome.as_ref() {
                        s.set_covariate(c, true);
                    }
                }
            }
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
            Action::SetMethod(m, on) => {
                s.methods.retain(|x| *x != m);
                // 2SLS needs an instrument: it stays off until one is chosen.
                if on && (m != Method::TwoSls || !s.instruments.is_empty()) {
                    s.methods.push(m);
                    s.methods.sort_by_key(|x| Method::ALL.iter().position(|o| o == x));
                }
            }
            Action::SetEstimand(e) => s.options.estimand = e,
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
            Action::SetReplace(on) => s.options.replace = on,
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
            Action::ShowError(message) => s.error = Some(message),
            Action::DismissError => s.error = None,
            Action::OpenLink(text) => match cf_share::decode(&text) {
                Ok(shared) => {
                    s.example = shared.example.as_deref().and_then(examples::by_id);
                    // Only the example's own analysis runs by itself: an edited one (another
                    // method, a long bootstrap) waits for the user's click.
                    s.autorun = s.example.is_some_and(|e| {
                        shared.spec.as_ref().is_some_and(|spec| same_analysis(spec, &e.spec()))
                    });
                    s.link = Some(Rc::new(shared));
                    s.link_error = None;
                }
                Err(e) => {
                    s.link = None;
                    s.link_error = Some(e.to_string());
                }
            },
            Action::OpenExample(id) => {
                if let Some(example) = examples::by_id(id) {
                    s.link = Some(Rc::new(example.shared()));
                    s.example = Some(example);
                    s.autorun = true;
                    s.link_error = None;
                    s.link_mismatch = None;
                }
            }
            Action::LeaveExample => s.leave_example(),
            Action::DismissLink => {
                s.link = None;
                s.link_error = None;
                s.link_mismatch = None;
                s.example = None;
                s.autorun = false;
            }
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
                    kind: match *k {
                        "binary" => ColumnKind::Binary,
                        "categorical" => ColumnKind::Categorical,
                        _ => ColumnKind::Numeric,
                    },
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
        assert_eq!(s.covariates, vec!["age"]);
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
        let s =
            s.reduce(Action::SetTreatment("treat".into())).reduce(Action::SetOutcome("y".into()));
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
            fingerprint: Some(cf_share::Fingerprint::of(
                vec!["t".into(), "outcome_x".into()],
                9,
                b"x",
            )),
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
        let s =
            Rc::new(AppState::new()).reduce(Action::OpenLink(cf_share::encode(&edited).unwrap()));
        assert!(s.example.is_some() && !s.autorun);
        let mut other = crate::examples::by_id("nsw").unwrap().shared();
        other.example = Some("nope".into());
        let text = cf_share::encode(&other).unwrap();
        assert_eq!(link_example(&text), None);
        let s = Rc::new(AppState::new()).reduce(Action::OpenLink(text));
        assert!(!s.autorun && s.example.is_none() && s.link.is_some());
        other.example = Some("../../etc".into());
        let s =
            Rc::new(AppState::new()).reduce(Action::OpenLink(cf_share::encode(&other).unwrap()));
        assert!(s.link.is_none() && s.link_error.is_some());
    }

    #[test]
    fn confidence_level_and_propensity_settings_reach_the_spec_and_the_link() {
        let s = load(Rc::new(AppState::new()), 1, &COLS, SuggestedRoles::default());
        let s = s.reduce(Action::SetOutcome("y".into()));
        assert_eq!(s.spec().unwrap().options.alpha, 0.05, "95% by default");
        let s = s
            .reduce(Action::SetAlpha(0.1))
            .reduce(Action::SetTrim(0.05))
            .reduce(Action::SetL2(1.0));
        // Out of range: ignored.
        let s = s
            .reduce(Action::SetAlpha(1.5))
            .reduce(Action::SetTrim(0.5))
            .reduce(Action::SetL2(-1.0));
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
}
