//! The "Who responds" section: which uplift models to fit, how the rows are split for their
//! evaluation, and the last fit (the engine's [`cf_engine::uplift`] runs in the worker).

use std::rc::Rc;

use cf_engine::ColumnKind;
use cf_engine::uplift::{
    ArmCost, ArmDecision, ArmPricing, CateKind, Criterion, Decision, Economics, TreeOptions,
    UpliftModel, UpliftReport, UpliftSpec, UpliftSplit,
};

use super::AppState;

/// Models offered on the page, in the order they are listed.
pub const OFFERED: [UpliftModel; 8] = [
    UpliftModel::Forest(Criterion::Kl),
    UpliftModel::Forest(Criterion::Ed),
    UpliftModel::Tree(Criterion::Kl),
    UpliftModel::Meta { kind: CateKind::X, boosted: true },
    UpliftModel::Meta { kind: CateKind::T, boosted: true },
    UpliftModel::Meta { kind: CateKind::Dr, boosted: true },
    UpliftModel::Meta { kind: CateKind::X, boosted: false },
    UpliftModel::CausalForest,
];

/// Bootstrap replicates of the AUUC and Qini intervals.
pub const UPLIFT_BOOTSTRAP: usize = 200;
/// Seed of the held-out draw and of the models.
pub const UPLIFT_SEED: u64 = 42;

/// A finished fit.
#[derive(Debug, Clone, PartialEq)]
pub struct UpliftResult {
    /// What was fitted.
    pub spec: UpliftSpec,
    /// Its evaluation on the held-out rows.
    pub report: UpliftReport,
    /// Milliseconds in the worker.
    pub millis: f64,
}

/// The section's settings and last fit.
#[derive(Debug, Clone, PartialEq)]
pub struct UpliftState {
    /// Models the user ticked (`None`: the defaults for the outcome, [`AppState::uplift_models`]).
    pub models: Option<Vec<UpliftModel>>,
    /// Share of rows held out, when no split column is chosen.
    pub test_fraction: f64,
    /// A 0/1 column of the file marking the held-out rows (1 = held out).
    pub split_column: Option<String>,
    /// A numeric column of each row's true uplift (simulated data): the rankings are also judged
    /// by it, and it is never a covariate.
    pub truth_column: Option<String>,
    /// Share of the fit done, in [0, 1].
    pub progress: f64,
    /// The last fit.
    pub result: Option<Rc<UpliftResult>>,
    /// Why the last fit failed.
    pub error: Option<String>,
    /// The trees' and forests' settings ("advanced"; unset = causalml's defaults).
    pub tree: TreeOptions,
    /// Value of a conversion and costs of treating, for the targeting decision.
    pub economics: Economics,
    /// Each arm's costs for a treatment with several arms, in the arms' order (an arm past the
    /// end takes the costs of `economics`).
    pub arm_costs: Vec<cf_engine::uplift::ArmCost>,
    /// The largest share of customers the budget allows, in (0, 1].
    pub budget_share: f64,
    /// A budget in customers instead (at most this many of the file's customers), when set.
    pub budget_customers: Option<usize>,
    /// The model (index into the last fit's models) whose deciles and decision are shown; `None`:
    /// the one with the highest Qini ([`AppState::uplift_focus`]).
    pub focus: Option<usize>,
    /// A column written beside the row number in the targeting list (a customer id).
    pub key: Option<String>,
    /// The targeting list being made in the worker (request id).
    pub list_job: Option<u32>,
    /// Why the last targeting list could not be made.
    pub list_error: Option<String>,
    /// The model file being made in the worker (request id).
    pub model_job: Option<u32>,
    /// Why the last model file could not be made.
    pub model_error: Option<String>,
    /// Another file being scored in the worker (request id).
    pub score_job: Option<u32>,
    /// Why the last file could not be scored.
    pub score_error: Option<String>,
    /// The last file scored with this fit's model.
    pub scored: Option<ScoredFile>,
    /// The loaded file being scored with a saved model file (request id).
    pub saved_job: Option<u32>,
    /// Why the loaded file could not be scored with the saved model.
    pub saved_error: Option<String>,
    /// The loaded file scored with a saved model (its list was downloaded).
    pub saved: Option<SavedScored>,
    pub(super) pending: Option<UpliftSpec>,
}

/// A file scored with a fit's model (its list was downloaded).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredFile {
    /// The file's name.
    pub name: String,
    /// Its rows.
    pub rows: usize,
    /// Rows scored (the others miss a value the model needs).
    pub scored: usize,
    /// Rows marked to treat.
    pub treated: usize,
}

/// The loaded file scored with a saved model file.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedScored {
    /// The model's name (`x-learner-gbdt`).
    pub model: String,
    /// The treatment and the outcome it was fitted for.
    pub fitted_for: (String, String),
    /// Its training rows.
    pub n_train: usize,
    /// The share treated.
    pub share: f64,
    /// Rows of the file, rows scored, rows marked to treat.
    pub counts: (usize, usize, usize),
}

/// Largest forest the page fits.
pub const MAX_TREES: usize = 1000;
/// Deepest tree the page fits.
pub const MAX_DEPTH: usize = 20;

/// Whether the page accepts `t` (every number set is in its range).
pub fn tree_options_valid(t: &TreeOptions) -> bool {
    t.trees.is_none_or(|n| (1..=MAX_TREES).contains(&n))
        && t.max_depth.is_none_or(|d| (1..=MAX_DEPTH).contains(&d))
        && t.min_samples_leaf.is_none_or(|n| n >= 1)
        && t.n_reg.is_none_or(|r| r.is_finite() && r >= 0.0)
        && t.max_features.is_none_or(|n| n >= 1)
}

impl Default for UpliftState {
    fn default() -> Self {
        UpliftState {
            models: None,
            test_fraction: 0.3,
            split_column: None,
            truth_column: None,
            progress: 0.0,
            result: None,
            error: None,
            tree: TreeOptions::default(),
            economics: Economics { value: 1.0, cost_per_treated: 0.0, cost_per_conversion: 0.0 },
            arm_costs: Vec::new(),
            budget_share: 1.0,
            budget_customers: None,
            focus: None,
            key: None,
            list_job: None,
            list_error: None,
            model_job: None,
            model_error: None,
            score_job: None,
            score_error: None,
            scored: None,
            saved_job: None,
            saved_error: None,
            saved: None,
            pending: None,
        }
    }
}

/// Whether `model` can be fitted on an outcome that is (`binary`) or is not 0/1.
pub fn fits_outcome(model: UpliftModel, binary: bool) -> bool {
    match model {
        UpliftModel::Tree(_) | UpliftModel::Forest(_) => binary,
        UpliftModel::CausalForest | UpliftModel::CausalTree => !binary,
        UpliftModel::Meta { .. } => true,
    }
}

/// What a model is, for the page.
pub fn describe(model: UpliftModel) -> &'static str {
    match model {
        UpliftModel::Forest(Criterion::Kl) => "Uplift forest (KL)",
        UpliftModel::Forest(Criterion::Ed) => "Uplift forest (ED)",
        UpliftModel::Forest(Criterion::Chi) => "Uplift forest (Chi)",
        UpliftModel::Forest(Criterion::Cts) => "Uplift forest (CTS)",
        UpliftModel::Tree(Criterion::Kl) => "Uplift tree (KL)",
        UpliftModel::Tree(_) => "Uplift tree",
        UpliftModel::Meta { kind: CateKind::X, boosted: true } => "X-learner, boosted trees",
        UpliftModel::Meta { kind: CateKind::T, boosted: true } => "T-learner, boosted trees",
        UpliftModel::Meta { kind: CateKind::Dr, boosted: true } => "DR-learner, boosted trees",
        UpliftModel::Meta { kind: CateKind::X, boosted: false } => "X-learner, linear",
        UpliftModel::Meta { .. } => "Meta-learner",
        UpliftModel::CausalForest => "Causal forest",
        UpliftModel::CausalTree => "Causal tree",
    }
}

/// Whether the page accepts these costs and values (finite, not negative).
pub fn economics_valid(e: &Economics) -> bool {
    [e.value, e.cost_per_treated, e.cost_per_conversion].iter().all(|v| v.is_finite() && *v >= 0.0)
}

impl AppState {
    /// The model whose deciles and decision are shown: the user's pick, or the one with the
    /// highest Qini coefficient.
    pub fn uplift_focus(&self) -> Option<usize> {
        let report = &self.uplift.result.as_ref()?.report;
        match self.uplift.focus {
            Some(k) if k < report.models.len() => Some(k),
            _ => report.best_by_qini(),
        }
    }

    /// The last fit's spec and the focused model's index: what a targeting list, a model file
    /// or a scored file is made from.
    pub fn uplift_focused_fit(&self) -> Option<(UpliftSpec, usize)> {
        Some((self.uplift.result.as_ref()?.spec.clone(), self.uplift_focus()?))
    }

    /// The targeting decision of the focused model for the current costs, values and budget,
    /// for every row the model was fitted and judged on (computed again on each change, no refit).
    pub fn uplift_decision(&self) -> Option<Decision> {
        let r = self.uplift.result.as_ref()?;
        let m = r.report.models.get(self.uplift_focus()?)?;
        // With several arms priced apart, the focused arm's own costs.
        let arm = r.report.policy.as_ref().and_then(|p| {
            let a = m.arm.as_ref()?;
            p.arms.iter().position(|x| x == a)
        });
        let economics = match (arm, self.uplift_pricing()) {
            (Some(a), Some(p)) => p.economics(a),
            _ => self.uplift.economics,
        };
        cf_engine::uplift::decide(
            m,
            economics,
            r.report.n_train + r.report.n_test,
            self.uplift_max_share(r.report.n_train + r.report.n_test),
            r.spec.alpha,
        )
    }

    /// The budget as a share of the fitted file's customers.
    fn uplift_max_share(&self, population: usize) -> f64 {
        self.uplift
            .budget_customers
            .map_or(self.uplift.budget_share, |n| cf_engine::uplift::budget_share(n, population))
    }

    /// For a fit on a treatment with several arms: the value and each arm's costs as entered
    /// (an arm without its own costs takes the shared ones).
    pub fn uplift_pricing(&self) -> Option<ArmPricing> {
        let policy = self.uplift.result.as_ref()?.report.policy.as_ref()?;
        let e = self.uplift.economics;
        let shared = ArmCost {
            cost_per_treated: e.cost_per_treated,
            cost_per_conversion: e.cost_per_conversion,
        };
        let costs = (0..policy.arms.len())
            .map(|a| self.uplift.arm_costs.get(a).copied().unwrap_or(shared))
            .collect();
        Some(ArmPricing { value: e.value, costs })
    }

    /// For a fit on a treatment with several arms: the focused model's decision when each
    /// customer targeted gets their best arm net of its cost (computed again on each change).
    pub fn uplift_arm_decision(&self) -> Option<ArmDecision> {
        let r = self.uplift.result.as_ref()?;
        let policy = r.report.policy.as_ref()?;
        let name = &r.report.models.get(self.uplift_focus()?)?.model;
        let k = policy.models.iter().position(|(m, _)| m == name)?;
        let population = r.report.n_train + r.report.n_test;
        cf_engine::uplift::decide_arms(
            policy,
            k,
            &self.uplift_pricing()?,
            population,
            self.uplift_max_share(population),
            r.spec.alpha,
        )
    }

    /// The focused model and the decision shown, for a targeting list, a model file or a
    /// scored file: with several arms, each customer's best arm net of its cost; else the
    /// focused arm's profit-optimal share.
    pub fn uplift_chosen(&self) -> Option<crate::protocol::Chosen> {
        let (spec, focus) = self.uplift_focused_fit()?;
        let pricing = self.uplift_pricing();
        let (treat, share) = match &pricing {
            Some(_) => self.uplift_arm_decision().map(|d| (d.customers, d.share)),
            None => self.uplift_decision().map(|d| (d.customers, d.share)),
        }
        .unwrap_or((0, 0.0));
        Some(crate::protocol::Chosen {
            spec,
            focus,
            treat,
            share,
            key: self.uplift.key.clone(),
            pricing,
        })
    }

    /// Whether the chosen outcome is a 0/1 column.
    pub fn outcome_is_binary(&self) -> bool {
        self.outcome
            .as_deref()
            .and_then(|y| self.column(y))
            .is_some_and(|c| c.kind == ColumnKind::Binary)
    }

    /// The models to fit: the user's ticks, or an uplift forest and a boosted X-learner (0/1
    /// outcome), a causal forest and a boosted X-learner (any other outcome). Models that do not
    /// fit the outcome are left out.
    pub fn uplift_models(&self) -> Vec<UpliftModel> {
        let binary = self.outcome_is_binary();
        let x = UpliftModel::Meta { kind: CateKind::X, boosted: true };
        let chosen = self.uplift.models.clone().unwrap_or_else(|| {
            if binary {
                vec![UpliftModel::Forest(Criterion::Kl), x]
            } else {
                vec![UpliftModel::CausalForest, x]
            }
        });
        chosen.into_iter().filter(|&m| fits_outcome(m, binary)).collect()
    }

    /// The 0/1 columns that can mark the held-out rows (not the treatment or the outcome; a
    /// covariate chosen as the split is left out of the models).
    pub fn split_columns(&self) -> Vec<String> {
        let Some(d) = &self.dataset else { return Vec::new() };
        let used =
            |n: &str| Some(n) == self.treatment.as_deref() || Some(n) == self.outcome.as_deref();
        d.summary
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Binary && !used(&c.name))
            .map(|c| c.name.clone())
            .collect()
    }

    /// Columns that can hold the true uplift: numbers, not the treatment or the outcome, for a
    /// 0/1 treatment.
    pub fn truth_columns(&self) -> Vec<String> {
        let Some(d) = &self.dataset else { return Vec::new() };
        if self.treatment_levels().is_some() {
            return Vec::new();
        }
        let used =
            |n: &str| Some(n) == self.treatment.as_deref() || Some(n) == self.outcome.as_deref();
        d.summary
            .columns
            .iter()
            .filter(|c| c.kind == ColumnKind::Numeric && !used(&c.name))
            .map(|c| c.name.clone())
            .collect()
    }

    /// The fit to send, when the roles are complete and a model is chosen.
    pub fn uplift_spec(&self) -> Option<UpliftSpec> {
        let mut roles = self.spec()?;
        let models = self.uplift_models();
        if models.is_empty() || self.treatment_is_dose() {
            return None;
        }
        let split = match &self.uplift.split_column {
            Some(c) if self.split_columns().contains(c) => {
                if let Some(cov) = &mut roles.covariates {
                    cov.retain(|v| v != c);
                }
                roles.categorical.retain(|v| v != c);
                UpliftSplit::Column(c.clone())
            }
            _ => UpliftSplit::Fraction {
                test_fraction: self.uplift.test_fraction,
                seed: UPLIFT_SEED,
            },
        };
        let truth = self.uplift.truth_column.clone().filter(|c| self.truth_columns().contains(c));
        if let (Some(t), Some(cov)) = (&truth, &mut roles.covariates) {
            cov.retain(|v| v != t);
        }
        Some(UpliftSpec {
            truth,
            alpha: roles.options.alpha,
            roles,
            models,
            scores: Vec::new(),
            split,
            bootstrap: UPLIFT_BOOTSTRAP,
            seed: UPLIFT_SEED,
            gbdt: Default::default(),
            effect_gbdt: Default::default(),
            tree: self.uplift.tree.clone(),
        })
    }

    /// True when the shown uplift results were fitted with other settings.
    pub fn uplift_is_stale(&self) -> bool {
        match (&self.uplift.result, self.uplift_spec()) {
            (Some(r), Some(spec)) => r.spec != spec,
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// Ticks or unticks a model (starting from the defaults).
    pub(super) fn set_uplift_model(&mut self, model: UpliftModel, on: bool) {
        let mut list = self.uplift_models();
        list.retain(|&m| m != model);
        if on {
            list.push(model);
        }
        list.sort_by_key(|m| OFFERED.iter().position(|o| o == m));
        self.uplift.models = Some(list);
    }
}
