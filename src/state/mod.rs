//! The page's state and its pure reducer (no DOM: tested natively).
//!
//! * [`Action`] and the reducer live in `reducer`;
//! * the choice of roles (suggestions, covariate ticking, [`AppState::role_problem`]) in `roles`;
//! * share links and examples (applying and producing them) in `links`;
//! * what the reducer does with the graph editor ([`GraphAction`]) in `graph`.

use std::rc::Rc;

use cf_engine::{
    AnalysisSpec, Independence, IndependenceTest, Method, Options, Report, TableSummary,
};

use crate::examples::Example;
use crate::graph_state::GraphEditor;

pub mod benchmark;
pub mod discovery;
mod graph;
mod links;
mod reducer;
pub mod refute;
mod roles;
#[cfg(test)]
mod tests;
pub mod uplift;

pub use graph::GraphAction;
pub use links::{link_data, link_example};
pub use reducer::Action;

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
    /// Fitting the "Who responds" models.
    Fitting,
    /// Refitting a method for its refutation tests.
    Refuting,
    /// Running PC for a graph proposed from the data.
    Discovering,
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
    /// The covariates applied model code marks `[adjusted]`, when they differ from the ticked
    /// ones: offered beside the code, never ticked without the user's say.
    pub code_covariates: Option<Vec<String>>,
    /// Numeric columns the user takes as categories (one-hot encoded when adjusted for).
    pub categorical: Vec<String>,
    /// How the methods run (confidence level, estimand, trimming, penalty, matching, bootstrap,
    /// missing values); always valid ([`Options::validate`]). `cate` is decided per run.
    pub options: Options,
    /// Share of the running estimation done (bootstrap progress), in [0, 1].
    pub run_progress: f64,
    /// Last results.
    pub result: Option<Rc<RunResult>>,
    /// A message for the user about the last action.
    pub error: Option<String>,
    /// Why the last run failed as a whole, shown beside the button that started it.
    pub run_error: Option<String>,
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
    /// Default covariates left unticked because they are derived from the outcome or descend
    /// from the treatment in the graph
    /// ([`AppState::not_by_default`]), ticked again when the outcome changes.
    held_back: Vec<String>,
    /// Roles to apply when the pending load finishes.
    pending_roles: SuggestedRoles,
    /// The spec of the run in flight.
    pending_spec: Option<AnalysisSpec>,
    /// The graph (DOT) when the run in flight started.
    pending_graph: Option<String>,
    /// The "Who responds" section.
    pub uplift: uplift::UpliftState,
    /// The refutation tests of "Can it be trusted?".
    pub refute: refute::RefuteState,
    /// "Compare with the experiment".
    pub experiment_benchmark: benchmark::BenchmarkState,
    /// "Suggest a graph from the data".
    pub discovery: discovery::DiscoveryState,
}

/// Largest table for which the page asks for per-unit effects.
pub const MAX_CATE_ROWS: usize = 200_000;

impl AppState {
    /// A fresh page.
    pub fn new() -> Self {
        AppState { methods: Method::ADJUSTMENT.to_vec(), ..AppState::default() }
    }

    /// The column summary for `name`.
    pub fn column(&self, name: &str) -> Option<&cf_engine::ColumnSummary> {
        self.dataset.as_ref()?.summary.columns.iter().find(|c| c.name == name)
    }

    /// Whether `name` is a column of the loaded file.
    pub fn is_column(&self, name: &str) -> bool {
        self.column(name).is_some()
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
        spec.categorical = self
            .categorical
            .iter()
            .filter(|c| spec.covariates.as_ref().is_some_and(|v| v.contains(c)))
            .cloned()
            .collect();
        spec.options = self.options.clone();
        // Per-unit effects come back for a download when a meta-learner runs, up to a size the
        // worker can send comfortably (the CLI's --cate-out has no limit).
        let rows = self.dataset.as_ref().map_or(0, |d| d.summary.n_rows);
        spec.options.cate = rows <= MAX_CATE_ROWS && self.methods.iter().any(|m| m.has_cate());
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
}
