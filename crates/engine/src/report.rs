//! What an analysis gives back: the [`Report`], one [`EffectRow`] per method and comparison that
//! ran, one [`MethodFailure`] per one that did not, and the diagnostics (propensity, overlap,
//! balance, per-unit effects).

use cf_estimate::Estimand;
use serde::{Deserialize, Serialize};

use crate::Method;

/// One method's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectRow {
    /// The method.
    pub method: Method,
    /// What it estimates (`ATE`, `ATT` or `LATE` in JSON).
    #[serde(with = "estimand_text")]
    pub estimand: Estimand,
    /// Point estimate.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// Lower confidence bound.
    pub ci_low: f64,
    /// Upper confidence bound.
    pub ci_high: f64,
    /// Rows used.
    pub n: usize,
    /// Treated rows used.
    pub n_treated: usize,
    /// Control rows used.
    pub n_control: usize,
    /// For multi-arm data: the treated level compared with the control level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Caveats about this number (weak instrument, unmatched units, clipped propensities).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Matching: treated units matched / left unmatched, distinct controls used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matching: Option<MatchingSummary>,
    /// 2SLS: first-stage partial F of the instruments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_stage_f: Option<f64>,
    /// R-learner: the standard error as causalml 0.18 computes it (divided by n, not √n).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub se_causalml: Option<f64>,
    /// Percentile bootstrap interval, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap: Option<BootstrapSummary>,
    /// Why this number is not to be trusted, when it is not: a weighting estimate whose weight
    /// rests on rows with extreme propensities (the rule is in `run/diagnostics.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreliable: Option<String>,
    /// The E-value of the estimate and of its interval (`sensitivity::evalue_of`: on the risk
    /// ratio against the control rate for a 0/1 outcome, through the standardized difference
    /// otherwise); not for 2SLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evalue: Option<crate::sensitivity::EValueReport>,
}

impl EffectRow {
    /// A row of `method` with no numbers yet (NaN, zero counts, nothing optional): the start of a
    /// row built field by field (`EffectRow { estimate, ..EffectRow::empty(m, e) }`).
    pub fn empty(method: Method, estimand: Estimand) -> Self {
        EffectRow {
            method,
            estimand,
            estimate: f64::NAN,
            std_error: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n: 0,
            n_treated: 0,
            n_control: 0,
            arm: None,
            warnings: Vec::new(),
            matching: None,
            first_stage_f: None,
            se_causalml: None,
            bootstrap: None,
            unreliable: None,
            evalue: None,
        }
    }
}

/// What matching did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchingSummary {
    /// Treated units with a control within the caliper.
    pub n_treated_matched: usize,
    /// Treated units without one.
    pub n_treated_unmatched: usize,
    /// Distinct controls used.
    pub n_control_unique: usize,
    /// The caliper on the logit scale.
    pub caliper: f64,
    /// With replacement.
    pub replace: bool,
}

/// A bootstrap of one method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSummary {
    /// Replications that gave a number.
    pub replications: usize,
    /// Standard deviation of the replicates.
    pub std_error: f64,
    /// Percentile interval, lower bound.
    pub ci_low: f64,
    /// Percentile interval, upper bound.
    pub ci_high: f64,
}

/// Per-unit effects from one meta-learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CateSet {
    /// The meta-learner.
    pub method: Method,
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Data rows (0-based, in file order) the effects belong to.
    pub rows: Vec<usize>,
    /// One effect per row.
    pub values: Vec<f64>,
}

/// Propensity histograms of each arm, for the overlap plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overlap {
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Bin edges on [0, 1].
    pub edges: Vec<f64>,
    /// Treated rows per bin.
    pub treated: Vec<usize>,
    /// Control rows per bin.
    pub control: Vec<usize>,
}

/// Standardized mean differences of one covariate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceRow {
    /// Covariate (after encoding).
    pub covariate: String,
    /// Before adjustment.
    pub smd_before: f64,
    /// After inverse probability weighting (the estimand's weights).
    pub smd_weighted: Option<f64>,
    /// In the matched sample.
    pub smd_matched: Option<f64>,
}

/// Covariate balance of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// One row per covariate.
    pub rows: Vec<BalanceRow>,
}

/// A method that could not run on this data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodFailure {
    /// The method.
    pub method: Method,
    /// For multi-arm data: the treated level of the comparison that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// What went wrong, for the user.
    pub message: String,
}

impl MethodFailure {
    /// `ols`, or `ols (Mens E-Mail)` for an arm: how the CLI names the failure.
    pub fn label(&self) -> String {
        match &self.arm {
            Some(a) => format!("{} ({a})", self.method.as_str()),
            None => self.method.as_str().to_string(),
        }
    }
}

/// The result of [`analyze`](crate::analyze).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// One row per method that ran.
    pub results: Vec<EffectRow>,
    /// Caveats (dropped rows, encoded columns).
    pub warnings: Vec<String>,
    /// Methods that failed, with the reason.
    #[serde(default)]
    pub errors: Vec<MethodFailure>,
    /// The covariates actually used (after one-hot encoding).
    #[serde(default)]
    pub covariates: Vec<String>,
    /// The propensity model, when a weighting method ran (the first comparison's, for
    /// multi-arm data).
    #[serde(default)]
    pub propensity: Option<PropensitySummary>,
    /// Propensity histograms per comparison.
    #[serde(default)]
    pub overlap: Vec<Overlap>,
    /// Covariate balance per comparison.
    #[serde(default)]
    pub balance: Vec<Balance>,
    /// Per-unit effects, when asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cate: Vec<CateSet>,
    /// For multi-arm data: the control level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// For a 0/1 outcome: the control group's rate, per comparison (what an effect in
    /// percentage points is read against).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub control_rates: Vec<ControlRate>,
    /// The sensitivity of the OLS estimate to an unmeasured confounder (sensemakr's statistics,
    /// with the bounds of every covariate as a benchmark at 1, 2 and 3 times its strength; the
    /// verdict names none), when OLS ran on a single 0/1 comparison.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Box<crate::sensitivity::SensitivityReport>>,
    /// The A/B-test readout, when the spec says the treatment was randomized
    /// ([`crate::Options::randomized`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<Box<crate::experiment::ExperimentReport>>,
}

/// The share of control rows whose 0/1 outcome is 1, in one comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlRate {
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Mean outcome of the comparison's control rows.
    pub rate: f64,
    /// Control rows it is computed on.
    pub n: usize,
}

impl Report {
    /// The control rate of the comparison of `arm` (`None`: a 0/1 treatment), for a 0/1 outcome.
    pub fn control_rate(&self, arm: Option<&str>) -> Option<&ControlRate> {
        self.control_rates.iter().find(|c| c.arm.as_deref() == arm)
    }
}

/// What the page and the CLI show of the propensity model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropensitySummary {
    /// Smallest fitted propensity.
    pub min: f64,
    /// Largest fitted propensity.
    pub max: f64,
    /// Newton iterations.
    pub n_iter: usize,
    /// Rows outside the trimming bounds.
    pub n_trimmed: usize,
    /// Rows whose propensity the meta-learners clip to [0.001, 0.999].
    #[serde(default)]
    pub n_clipped: usize,
}

/// [`Estimand`] as its upper-case name (`ATE`, `ATT`, `LATE`), as the JSON has always held it.
mod estimand_text {
    use cf_estimate::Estimand;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(e: &Estimand, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(e.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Estimand, D::Error> {
        let text = String::deserialize(d)?;
        [Estimand::Ate, Estimand::Att, Estimand::Late]
            .into_iter()
            .find(|e| e.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown estimand `{text}`")))
    }
}
