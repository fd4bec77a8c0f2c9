//! What to estimate: the roles of the columns ([`AnalysisSpec`]), the methods ([`Method`]) and
//! the settings that tune them ([`Options`], with the one [`Options::validate`] that holds every
//! bound). The page's state, the share links, the CLI and the gallery examples all hold these
//! types; none copies their fields.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::uplift::GbdtOptions;

/// An estimation method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Difference in means (Welch standard error).
    DiffMeans,
    /// Regression adjustment: OLS of y on [1, t, X], HC1 standard error (causalml `LRSRegressor`).
    Ols,
    /// Inverse probability weighting (Hajek) with a logistic propensity model.
    Ipw,
    /// Augmented IPW (doubly robust) with linear outcome models.
    Aipw,
    /// 1:1 nearest-neighbour matching on the logit propensity (ATT).
    Psm,
    /// S-learner: one outcome model on [t, X] (causalml `BaseSRegressor`, `BaseSClassifier` on
    /// boosted trees and a 0/1 outcome).
    SLearner,
    /// T-learner (causalml `BaseTRegressor`; `BaseTClassifier` on boosted trees and a 0/1
    /// outcome). The meta-learners' base learners are linear unless [`Options::learner`] says
    /// otherwise.
    TLearner,
    /// X-learner (causalml `BaseXRegressor`; `BaseXClassifier`).
    XLearner,
    /// R-learner, cross-fitted (causalml `BaseRRegressor`; `BaseRClassifier`).
    RLearner,
    /// DR-learner, three-way cross-fitting (causalml `BaseDRRegressor`; `BaseDRClassifier`).
    DrLearner,
    /// Two-stage least squares with instruments.
    #[serde(rename = "2sls")]
    TwoSls,
}

impl Method {
    /// All methods, in display order.
    pub const ALL: [Method; 11] = [
        Method::DiffMeans,
        Method::Ols,
        Method::Ipw,
        Method::Aipw,
        Method::Psm,
        Method::SLearner,
        Method::TLearner,
        Method::XLearner,
        Method::RLearner,
        Method::DrLearner,
        Method::TwoSls,
    ];

    /// The methods that need no instrument (what "all" means on data without one, and what the
    /// page ticks by default): every one but 2SLS and the S-learner. With linear learners the
    /// S-learner's effect is OLS's coefficient again (one number for every row), so it is there
    /// to be asked for, with boosted learners, and not run by default.
    pub const ADJUSTMENT: [Method; 9] = [
        Method::DiffMeans,
        Method::Ols,
        Method::Ipw,
        Method::Aipw,
        Method::Psm,
        Method::TLearner,
        Method::XLearner,
        Method::RLearner,
        Method::DrLearner,
    ];

    /// Whether the method gives a per-unit effect.
    pub fn has_cate(self) -> bool {
        matches!(
            self,
            Method::SLearner
                | Method::TLearner
                | Method::XLearner
                | Method::RLearner
                | Method::DrLearner
        )
    }

    /// Whether the method fits a model of the outcome on the covariates (and so fails when they
    /// reproduce it).
    pub fn models_outcome(self) -> bool {
        matches!(
            self,
            Method::Ols
                | Method::Aipw
                | Method::SLearner
                | Method::TLearner
                | Method::XLearner
                | Method::RLearner
                | Method::DrLearner
        )
    }

    /// Whether the method uses the propensity model.
    pub fn uses_propensity(self) -> bool {
        matches!(
            self,
            Method::Ipw
                | Method::Aipw
                | Method::Psm
                | Method::XLearner
                | Method::RLearner
                | Method::DrLearner
        )
    }

    /// The name used on the command line, in JSON and in `data-testid`s.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::DiffMeans => "diff-means",
            Method::Ols => "ols",
            Method::Ipw => "ipw",
            Method::Aipw => "aipw",
            Method::Psm => "psm",
            Method::SLearner => "s-learner",
            Method::TLearner => "t-learner",
            Method::XLearner => "x-learner",
            Method::RLearner => "r-learner",
            Method::DrLearner => "dr-learner",
            Method::TwoSls => "2sls",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            Method::DiffMeans => "Difference in means",
            Method::Ols => "Regression adjustment (OLS)",
            Method::Ipw => "Inverse probability weighting",
            Method::Aipw => "Augmented IPW (doubly robust)",
            Method::Psm => "Propensity-score matching",
            Method::SLearner => "S-learner (linear)",
            Method::TLearner => "T-learner (linear)",
            Method::XLearner => "X-learner (linear)",
            Method::RLearner => "R-learner (linear)",
            Method::DrLearner => "DR-learner (linear)",
            Method::TwoSls => "Instrumental variables (2SLS)",
        }
    }

    /// A short label, for the forest plot of multi-arm data.
    pub fn short_label(self) -> &'static str {
        match self {
            Method::DiffMeans => "Diff. in means",
            Method::Ols => "OLS",
            Method::Ipw => "IPW",
            Method::Aipw => "AIPW",
            Method::Psm => "Matching",
            Method::SLearner => "S-learner",
            Method::TLearner => "T-learner",
            Method::XLearner => "X-learner",
            Method::RLearner => "R-learner",
            Method::DrLearner => "DR-learner",
            Method::TwoSls => "2SLS",
        }
    }

    /// Parses a CLI / JSON name.
    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to estimate: which column plays which role, the methods, and the [`Options`].
///
/// Serialized flat (the options' fields beside the roles), as share links have always held it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisSpec {
    /// The treatment column (0/1, or several levels of which [`AnalysisSpec::control`] is the
    /// control).
    pub treatment: String,
    /// The outcome column.
    pub outcome: String,
    /// Columns to adjust for; `None` means every other numeric column.
    pub covariates: Option<Vec<String>>,
    /// Methods to run, in order.
    pub methods: Vec<Method>,
    /// For a treatment with more than two values: the control level; every other level is
    /// compared with it.
    #[serde(default)]
    pub control: Option<String>,
    /// Instruments for 2SLS.
    #[serde(default)]
    pub instruments: Vec<String>,
    /// A column of cross-fitting fold ids (0, 1, …) for the R- and DR-learners.
    #[serde(default)]
    pub fold_column: Option<String>,
    /// Numeric covariates taken as categories (codes such as education levels 1–5): one-hot
    /// encoded like a text column, each distinct value its own indicator, the smallest the
    /// reference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categorical: Vec<String>,
    /// How the methods run.
    #[serde(flatten)]
    pub options: Options,
}

impl AnalysisSpec {
    /// A spec with the default [`Options`]: every covariate, the given methods, 95% intervals.
    pub fn new(treatment: &str, outcome: &str, methods: Vec<Method>) -> Self {
        AnalysisSpec {
            treatment: treatment.into(),
            outcome: outcome.into(),
            covariates: None,
            methods,
            control: None,
            instruments: Vec::new(),
            fold_column: None,
            categorical: Vec::new(),
            options: Options::default(),
        }
    }
}

/// The settings of an analysis that are not column roles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    /// 1 − confidence level (0.05 for 95% intervals).
    pub alpha: f64,
    /// What the weighting methods estimate (difference in means and OLS estimate the ATE).
    pub estimand: EstimandChoice,
    /// Leave out rows whose propensity is below this or above 1 − this (0: keep all).
    pub trim: f64,
    /// L2 penalty of the propensity model on standardized covariates (0: maximum likelihood;
    /// `1/C` of scikit-learn's `LogisticRegression` after `StandardScaler`).
    pub l2: f64,
    /// Matching with replacement.
    pub replace: bool,
    /// Seed for folds and the bootstrap.
    pub seed: u64,
    /// Bootstrap replications (0: none).
    pub bootstrap: usize,
    /// Return the per-unit effects of the meta-learners.
    pub cate: bool,
    /// What to do with missing covariate values (missing outcomes and treatments always drop the
    /// row).
    pub missing: MissingPolicy,
    /// The meta-learners' base learners (S, T, X, R, DR): linear, or gradient-boosted trees.
    #[serde(skip_serializing_if = "is_default")]
    pub learner: LearnerChoice,
    /// The boosted outcome models' settings (LightGBM's defaults).
    #[serde(skip_serializing_if = "is_default")]
    pub gbdt: GbdtOptions,
    /// The boosted effect models' settings (X, R, DR; LightGBM's defaults).
    #[serde(skip_serializing_if = "is_default")]
    pub effect_gbdt: GbdtOptions,
    /// The treatment was randomized (an A/B test): the report adds the experiment's readout
    /// ([`crate::experiment`]: control rate, lift and relative lift, balance test, power, CUPED).
    #[serde(skip_serializing_if = "is_default")]
    pub randomized: bool,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// The meta-learners' base learner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LearnerChoice {
    /// Least squares (causalml's `LinearRegression`); also for a 0/1 outcome (a linear
    /// probability model, as causalml's `Base*Regressor`).
    #[default]
    Linear,
    /// Gradient-boosted trees (cf-gbdt, LightGBM's algorithm): regressors, or classifiers (log
    /// loss, probabilities) for a 0/1 outcome, as causalml's `Base*Classifier`.
    Gbdt,
}

impl LearnerChoice {
    /// Parses `linear` / `gbdt`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "linear" => Some(LearnerChoice::Linear),
            "gbdt" => Some(LearnerChoice::Gbdt),
            _ => None,
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            alpha: 0.05,
            estimand: EstimandChoice::Ate,
            trim: 0.0,
            l2: 0.0,
            replace: false,
            seed: 42,
            bootstrap: 0,
            cate: false,
            missing: MissingPolicy::Drop,
            learner: LearnerChoice::Linear,
            gbdt: GbdtOptions::default(),
            effect_gbdt: GbdtOptions::default(),
            randomized: false,
        }
    }
}

impl Options {
    /// Smallest `alpha` (a 99.9999% interval).
    pub const MIN_ALPHA: f64 = 1e-6;
    /// Largest `alpha` (a 50% interval).
    pub const MAX_ALPHA: f64 = 0.5;
    /// Trimming must be below this (0.5 would leave no row).
    pub const MAX_TRIM: f64 = 0.5;
    /// Most bootstrap replications.
    pub const MAX_BOOTSTRAP: usize = 10_000;
    /// Most boosted trees per model.
    pub const MAX_GBDT_TREES: usize = 100_000;
    /// Most leaves per boosted tree.
    pub const MAX_GBDT_LEAVES: usize = 131_072;

    /// Checks every bound: `alpha` in [[`Options::MIN_ALPHA`], [`Options::MAX_ALPHA`]], `trim`
    /// in [0, [`Options::MAX_TRIM`]), `l2` finite and ≥ 0, at most [`Options::MAX_BOOTSTRAP`]
    /// replications; for both sets of boosting settings, 1 to [`Options::MAX_GBDT_TREES`] trees,
    /// 2 to [`Options::MAX_GBDT_LEAVES`] leaves, a learning rate in (0, 1], at least one row per
    /// leaf, a depth limit of at least 1 and a finite L2 penalty ≥ 0 (checked whichever learner is
    /// chosen, so a bad setting is never silently ignored).
    ///
    /// # Errors
    /// The first setting out of range, with its value.
    pub fn validate(&self) -> Result<(), OptionError> {
        if !(Self::MIN_ALPHA..=Self::MAX_ALPHA).contains(&self.alpha) {
            return Err(OptionError::Alpha(self.alpha));
        }
        if !(0.0..Self::MAX_TRIM).contains(&self.trim) {
            return Err(OptionError::Trim(self.trim));
        }
        if !(self.l2 >= 0.0 && self.l2.is_finite()) {
            return Err(OptionError::L2(self.l2));
        }
        if self.bootstrap > Self::MAX_BOOTSTRAP {
            return Err(OptionError::Bootstrap(self.bootstrap));
        }
        for (effect, g) in [(false, &self.gbdt), (true, &self.effect_gbdt)] {
            let bad = |setting| Err(OptionError::Gbdt { effect, setting });
            if !(1..=Self::MAX_GBDT_TREES).contains(&g.trees) {
                return bad(GbdtSetting::Trees(g.trees));
            }
            if !(2..=Self::MAX_GBDT_LEAVES).contains(&g.leaves) {
                return bad(GbdtSetting::Leaves(g.leaves));
            }
            if !(g.rate > 0.0 && g.rate <= 1.0) {
                return bad(GbdtSetting::Rate(g.rate));
            }
            if g.min_leaf == 0 {
                return bad(GbdtSetting::MinLeaf(g.min_leaf));
            }
            if let Some(d @ 0) = g.max_depth {
                return bad(GbdtSetting::Depth(d));
            }
            if !(g.l2 >= 0.0 && g.l2.is_finite()) {
                return bad(GbdtSetting::L2(g.l2));
            }
        }
        Ok(())
    }
}

/// A boosting setting out of range, with its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GbdtSetting {
    /// Trees outside 1–[`Options::MAX_GBDT_TREES`].
    Trees(usize),
    /// Leaves outside 2–[`Options::MAX_GBDT_LEAVES`].
    Leaves(usize),
    /// A learning rate outside (0, 1].
    Rate(f64),
    /// No row per leaf.
    MinLeaf(usize),
    /// A depth limit of 0.
    Depth(usize),
    /// A negative or infinite L2 penalty.
    L2(f64),
}

impl GbdtSetting {
    /// The setting's name after `gbdt-` (as the CLI flag calls it).
    pub fn name(self) -> &'static str {
        match self {
            GbdtSetting::Trees(_) => "trees",
            GbdtSetting::Leaves(_) => "leaves",
            GbdtSetting::Rate(_) => "rate",
            GbdtSetting::MinLeaf(_) => "min-leaf",
            GbdtSetting::Depth(_) => "depth",
            GbdtSetting::L2(_) => "l2",
        }
    }

    /// The value, as typed.
    pub fn value(self) -> String {
        match self {
            GbdtSetting::Trees(v)
            | GbdtSetting::Leaves(v)
            | GbdtSetting::MinLeaf(v)
            | GbdtSetting::Depth(v) => v.to_string(),
            GbdtSetting::Rate(v) | GbdtSetting::L2(v) => v.to_string(),
        }
    }
}

/// A setting of [`Options`] out of range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionError {
    /// `alpha` outside [`Options::MIN_ALPHA`]–[`Options::MAX_ALPHA`].
    Alpha(f64),
    /// `trim` outside [0, [`Options::MAX_TRIM`]).
    Trim(f64),
    /// `l2` negative or not finite.
    L2(f64),
    /// More than [`Options::MAX_BOOTSTRAP`] replications.
    Bootstrap(usize),
    /// A boosting setting out of range: of the outcome models, or of the effect models
    /// (`effect`).
    Gbdt {
        /// The effect models' settings (else the outcome models').
        effect: bool,
        /// Which, with its value.
        setting: GbdtSetting,
    },
}

impl OptionError {
    /// The setting's name, as the CLI flag and the share link's field call it.
    pub fn setting(self) -> &'static str {
        match self {
            OptionError::Alpha(_) => "alpha",
            OptionError::Trim(_) => "trim",
            OptionError::L2(_) => "l2",
            OptionError::Bootstrap(_) => "bootstrap",
            OptionError::Gbdt { effect: false, setting } => match setting {
                GbdtSetting::Trees(_) => "gbdt-trees",
                GbdtSetting::Leaves(_) => "gbdt-leaves",
                GbdtSetting::Rate(_) => "gbdt-rate",
                GbdtSetting::MinLeaf(_) => "gbdt-min-leaf",
                GbdtSetting::Depth(_) => "gbdt-depth",
                GbdtSetting::L2(_) => "gbdt-l2",
            },
            OptionError::Gbdt { effect: true, setting } => match setting {
                GbdtSetting::Trees(_) => "effect-gbdt-trees",
                GbdtSetting::Leaves(_) => "effect-gbdt-leaves",
                GbdtSetting::Rate(_) => "effect-gbdt-rate",
                GbdtSetting::MinLeaf(_) => "effect-gbdt-min-leaf",
                GbdtSetting::Depth(_) => "effect-gbdt-depth",
                GbdtSetting::L2(_) => "effect-gbdt-l2",
            },
        }
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            OptionError::Alpha(a) => write!(
                f,
                "alpha (1 − the confidence level) must be a number from {} to {}, got {a}",
                Options::MIN_ALPHA,
                Options::MAX_ALPHA
            ),
            OptionError::Trim(t) => {
                write!(f, "trim must be a number in [0, {}), got {t}", Options::MAX_TRIM)
            }
            OptionError::L2(l) => write!(f, "l2 must be a number ≥ 0, got {l}"),
            OptionError::Bootstrap(b) => write!(
                f,
                "bootstrap must be a whole number up to {}, got {b}",
                Options::MAX_BOOTSTRAP
            ),
            OptionError::Gbdt { setting, .. } => {
                let name = self.setting();
                let v = setting.value();
                match setting {
                    GbdtSetting::Trees(_) => write!(
                        f,
                        "{name} (boosted trees per model) must be a whole number from 1 to {}, got {v}",
                        Options::MAX_GBDT_TREES
                    ),
                    GbdtSetting::Leaves(_) => write!(
                        f,
                        "{name} (leaves per tree) must be a whole number from 2 to {}, got {v}",
                        Options::MAX_GBDT_LEAVES
                    ),
                    GbdtSetting::Rate(_) => {
                        write!(f, "{name} (the learning rate) must be a number in (0, 1], got {v}")
                    }
                    GbdtSetting::MinLeaf(_) => {
                        write!(f, "{name} (fewest rows per leaf) must be at least 1, got {v}")
                    }
                    GbdtSetting::Depth(_) => {
                        write!(f, "{name} (the deepest leaf) must be at least 1, got {v}")
                    }
                    GbdtSetting::L2(_) => {
                        write!(f, "{name} (the leaves' L2 penalty) must be a number ≥ 0, got {v}")
                    }
                }
            }
        }
    }
}

impl std::error::Error for OptionError {}

/// The missing-value policy for covariates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Drop rows with a missing covariate (counted in a warning).
    #[default]
    Drop,
    /// Keep them: a numeric covariate's missing values are set to the mean of the others and
    /// flagged in an added indicator column; a text covariate gets a `(missing)` level.
    Indicator,
}

impl MissingPolicy {
    /// Parses `drop` / `indicator`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "drop" => Some(MissingPolicy::Drop),
            "indicator" => Some(MissingPolicy::Indicator),
            _ => None,
        }
    }
}

/// The estimand asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EstimandChoice {
    /// Average treatment effect.
    #[default]
    Ate,
    /// Average treatment effect on the treated.
    Att,
}

impl EstimandChoice {
    /// Parses `ate` / `att`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "ate" => Some(EstimandChoice::Ate),
            "att" => Some(EstimandChoice::Att),
            _ => None,
        }
    }
}
