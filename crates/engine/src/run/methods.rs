//! The one place where the analysis's [`Options`] become each method's parameters, and each
//! method's fit becomes what the report shows.
//!
//! Every method goes through [`Estimator::fit`]; only what a fit gives beyond the [`Effect`]
//! (matching counts, first-stage F, clipped propensities, per-unit effects) differs, and
//! [`fit_method`] gathers it into [`Fitted`].

use cf_estimate::{
    AipwParams, BaseLearner, DiffMeansParams, DrLearnerParams, Effect, EffectData, EffectFit,
    Estimand, Estimator, IpwParams, Learners, MatchingParams, MetaLearnerFit, OlsParams,
    RLearnerParams, SLearnerParams, TLearnerParams, TwoSlsParams, WEAK_F, XLearnerParams,
};

use crate::{EstimandChoice, LearnerChoice, MatchingSummary, Method, Options};

/// The caliper of matching, in standard deviations of the logit propensity (causalml's).
const CALIPER: f64 = 0.2;
/// Folds of the R-learner's cross-fitting when no fold column is given (causalml's default).
const R_FOLDS: usize = 5;

/// What one method gave.
pub(super) struct Fitted {
    pub(super) effect: Effect,
    pub(super) matching: Option<MatchingSummary>,
    /// Matching: the control matched to each treated row.
    pub(super) matches: Option<Vec<Option<usize>>>,
    pub(super) first_stage_f: Option<f64>,
    pub(super) se_causalml: Option<f64>,
    pub(super) cate: Option<Vec<f64>>,
    /// Caveats about this number.
    pub(super) warnings: Vec<String>,
}

impl Fitted {
    fn of(fit: impl EffectFit) -> Self {
        Fitted {
            effect: fit.effect().clone(),
            matching: None,
            matches: None,
            first_stage_f: None,
            se_causalml: None,
            cate: fit.cate().map(<[f64]>::to_vec),
            warnings: Vec::new(),
        }
    }

    fn meta(fit: MetaLearnerFit, note: Option<String>) -> Self {
        let mut out = Fitted { se_causalml: fit.se_causalml, ..Fitted::of(fit.effect.clone()) };
        out.warnings.extend(note);
        if fit.n_clipped > 0 {
            out.warnings.push(format!(
                "{} clipped to [0.001, 0.999], as causalml does",
                crate::format::plural(fit.n_clipped, "propensity", "propensities")
            ));
        }
        out.cate = Some(fit.cate);
        out
    }
}

/// The meta-learners' base learners for outcome `y`, and the note that says which were used
/// when they are not the linear ones. With boosted trees and a 0/1 outcome the outcome models
/// are classifiers (causalml's `Base*Classifier`); the effect models stay regressors.
fn learners(options: &Options, y: &[f64], effect_models: bool) -> (Learners, Option<String>) {
    match options.learner {
        LearnerChoice::Linear => (Learners::default(), None),
        LearnerChoice::Gbdt => {
            let classify = y.iter().all(|&v| v == 0.0 || v == 1.0);
            let (g, e) = (&options.gbdt, &options.effect_gbdt);
            let learners = Learners {
                outcome: BaseLearner::Gbdt(g.params()),
                effect: BaseLearner::Gbdt(e.params()),
                classify,
            };
            let describe = |g: &crate::uplift::GbdtOptions| {
                format!("{} trees of {} leaves, rate {}", g.trees, g.leaves, g.rate)
            };
            let mut note = format!(
                "base learners: gradient-boosted trees ({}{})",
                if classify { "classifiers of the 0/1 outcome, " } else { "" },
                describe(g)
            );
            if effect_models {
                note += &format!("; effect models: regressors, {}", describe(e));
            }
            (learners, Some(note))
        }
    }
}

/// The estimand the analysis's options ask for.
fn estimand(options: &Options) -> Estimand {
    match options.estimand {
        EstimandChoice::Ate => Estimand::Ate,
        EstimandChoice::Att => Estimand::Att,
    }
}

/// IPW's parameters under the analysis's options.
pub(super) fn ipw_params(options: &Options) -> IpwParams {
    IpwParams { estimand: estimand(options), trim: options.trim, l2: options.l2 }
}

/// Fits `method` with the analysis's options on `data` (which carries the shared propensity
/// model when there is one).
pub(super) fn fit_method(
    method: Method,
    data: &EffectData<'_>,
    options: &Options,
) -> Result<Fitted, cf_estimate::Error> {
    let estimand = estimand(options);
    let (trim, l2, seed) = (options.trim, options.l2, options.seed);
    Ok(match method {
        Method::DiffMeans => Fitted::of(DiffMeansParams {}.fit(data)?),
        Method::Ols => Fitted::of(OlsParams {}.fit(data)?),
        Method::Ipw => Fitted::of(ipw_params(options).fit(data)?),
        Method::Aipw => Fitted::of(AipwParams { estimand, trim, l2 }.fit(data)?),
        Method::Psm => {
            let replace = options.replace;
            let m = MatchingParams { replace, caliper: CALIPER, l2 }.fit(data)?;
            let mut out = Fitted::of(m.effect.clone());
            if m.n_treated_unmatched > 0 {
                let n = m.n_treated_unmatched;
                out.warnings.push(format!(
                    "{} {} no control within the caliper and {} left out: the estimate is for the matched treated",
                    crate::format::plural(n, "treated unit", "treated units"),
                    if n == 1 { "has" } else { "have" },
                    if n == 1 { "is" } else { "are" },
                ));
            }
            out.matching = Some(MatchingSummary {
                n_treated_matched: m.n_treated_matched,
                n_treated_unmatched: m.n_treated_unmatched,
                n_control_unique: m.n_control_unique,
                caliper: m.caliper_logit,
                replace,
            });
            out.matches = Some(m.matches);
            out
        }
        Method::SLearner => {
            let (learners, note) = learners(options, data.y, false);
            Fitted::meta(SLearnerParams { learners }.fit(data)?, note)
        }
        Method::TLearner => {
            let (learners, note) = learners(options, data.y, false);
            Fitted::meta(TLearnerParams { learners }.fit(data)?, note)
        }
        Method::XLearner => {
            let (learners, note) = learners(options, data.y, true);
            Fitted::meta(XLearnerParams { l2, learners }.fit(data)?, note)
        }
        Method::RLearner => {
            let (learners, note) = learners(options, data.y, true);
            let params = RLearnerParams { folds: R_FOLDS, seed, l2, learners };
            Fitted::meta(params.fit(data)?, note)
        }
        Method::DrLearner => {
            let (learners, note) = learners(options, data.y, true);
            Fitted::meta(DrLearnerParams { seed, l2, learners }.fit(data)?, note)
        }
        Method::TwoSls => {
            let fit = TwoSlsParams {}.fit(data)?;
            let mut out = Fitted::of(fit.effect.clone());
            if fit.first_stage_f < WEAK_F {
                out.warnings.push(format!(
                    "weak instrument: first-stage F = {:.1} (below {WEAK_F}); the estimate is biased towards OLS and its interval unreliable",
                    fit.first_stage_f
                ));
            }
            out.first_stage_f = Some(fit.first_stage_f);
            out
        }
    })
}
