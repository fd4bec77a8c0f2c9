//! Share links and gallery examples: opening one, applying its analysis to the loaded file, and
//! producing the link of the current analysis.

use std::rc::Rc;

use cf_engine::{AnalysisSpec, ColumnKind, Method, Options};

use super::AppState;
use crate::examples::{self, Example};
use crate::graph_state;

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

impl AppState {
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
            uplift: Some(cf_share::SharedUplift {
                models: self.uplift.models.clone(),
                test_fraction: self.uplift.test_fraction,
                split_column: self.uplift.split_column.clone(),
                tree: self.uplift.tree.clone(),
                economics: self.uplift.economics,
                budget_share: self.uplift.budget_share,
                budget_customers: self.uplift.budget_customers,
                key: self.uplift.key.clone(),
                arm_costs: self.uplift.arm_costs.clone(),
                truth_column: self.uplift.truth_column.clone(),
            }),
            trust: Some(cf_share::SharedTrust {
                refute_method: self.refute.method,
                replications: self.refute.replications,
                sensitivity_benchmark: self.refute.sensitivity_benchmark.clone(),
            }),
            ..cf_share::Shared::default()
        };
        cf_share::encode(&shared).map_err(|e| e.to_string())
    }

    /// Applies a share link's graph and analysis to the loaded file: only when the file has every
    /// column the analysis names.
    pub(super) fn apply_link(&mut self, shared: &cf_share::Shared) {
        if let Some(spec) = &shared.spec {
            let names = [&spec.treatment, &spec.outcome]
                .into_iter()
                .chain(spec.covariates.iter().flatten())
                .chain(&spec.instruments)
                .chain(&spec.categorical);
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
            self.categorical = spec
                .categorical
                .iter()
                .filter(|c| self.column(c).is_some_and(|col| col.kind == ColumnKind::Numeric))
                .cloned()
                .collect();
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
        if let Some(u) = &shared.uplift {
            self.apply_uplift_link(u);
        }
        if let Some(t) = &shared.trust {
            // The method and benchmark apply once a run has them (the pick falls back to the
            // page's default until then); the decoder has checked the replications' range.
            self.refute.method = t.refute_method;
            self.refute.replications = t.replications;
            self.refute.sensitivity_benchmark =
                t.sensitivity_benchmark.clone().filter(|c| self.is_column(c));
        }
    }

    /// A link's uplift settings, each where it fits the loaded file (the decoder has checked
    /// their ranges): models among those offered, the split and key columns if the file has them.
    fn apply_uplift_link(&mut self, u: &cf_share::SharedUplift) {
        use super::uplift::{OFFERED, tree_options_valid};
        let up = &mut self.uplift;
        up.models =
            u.models.as_ref().map(|m| m.iter().copied().filter(|m| OFFERED.contains(m)).collect());
        up.test_fraction = u.test_fraction;
        up.economics = u.economics;
        up.budget_share = u.budget_share;
        up.budget_customers = u.budget_customers.filter(|&n| n > 0);
        up.arm_costs = u.arm_costs.clone();
        if tree_options_valid(&u.tree) {
            up.tree = u.tree.clone();
        }
        let splits = self.split_columns();
        self.uplift.split_column = u.split_column.clone().filter(|c| splits.contains(c));
        self.uplift.key = u.key.clone().filter(|c| self.is_column(c));
        let truths = self.truth_columns();
        self.uplift.truth_column = u.truth_column.clone().filter(|c| truths.contains(c));
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
                format!(
                    "a file of {} with the columns {}",
                    cf_engine::format::plural(fp.n_rows, "row", "rows"),
                    cols.join(", ")
                )
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

    /// Forgets the open example (and its analysis, which was a link's).
    pub(super) fn leave_example(&mut self) {
        if self.example.take().is_some() {
            self.link = None;
            self.link_mismatch = None;
            self.autorun = false;
        }
    }

    /// Opens a share link (the URL fragment): its analysis waits for a file with its columns.
    pub(super) fn open_link(&mut self, text: &str) {
        match cf_share::decode(text) {
            Ok(shared) => {
                self.example = shared.example.as_deref().and_then(examples::by_id);
                // Only the example's own analysis runs by itself: an edited one (another
                // method, a long bootstrap) waits for the user's click.
                self.autorun = self.example.is_some_and(|e| {
                    shared.spec.as_ref().is_some_and(|spec| same_analysis(spec, &e.spec()))
                });
                self.link = Some(Rc::new(shared));
                self.link_error = None;
            }
            Err(e) => {
                self.link = None;
                self.link_error = Some(e.to_string());
            }
        }
    }

    /// Opens a gallery example: its analysis is applied (and run) once its file is loaded.
    pub(super) fn open_example(&mut self, id: &str) {
        if let Some(example) = examples::by_id(id) {
            self.link = Some(Rc::new(example.shared()));
            self.example = Some(example);
            self.autorun = true;
            self.link_error = None;
            self.link_mismatch = None;
        }
    }

    /// Forgets the share link (its banner and messages) and the example.
    pub(super) fn dismiss_link(&mut self) {
        self.link = None;
        self.link_error = None;
        self.link_mismatch = None;
        self.example = None;
        self.autorun = false;
    }
}
