//! Refutation tests: each refits the method (its propensity model included) on data changed in
//! a way whose effect on the estimate is known, and says in words whether the estimate behaved.
//!
//! | refuter | what changes | passed when |
//! |---|---|---|
//! | placebo | the treatment is shuffled | the estimate lies outside the middle 1 − α of the placebo estimates (exact permutation p-value below α) |
//! | random common cause | a standard-normal column joins the covariates | the mean new estimate is within one standard error of the estimate |
//! | data subsets | a random 80 % of the rows | at least 1 − α of the subset estimates lie inside the estimate's interval |
//! | bootstrap | rows resampled with replacement | the bootstrap standard error is within a factor 1.5 of the reported one and its percentile interval holds the estimate |
//! | dummy outcome | the outcome is replaced by a prediction from the covariates (a linear fit on the control rows) plus shuffled control residuals: a true effect of 0 | 0 lies inside the middle 1 − α of the dummy estimates |
//!
//! Every replication is seeded from the analysis seed, the comparison, the method and the
//! refuter, so a run is reproducible and the CLI and the page give the same numbers.

use std::borrow::Cow;

use cf_estimate::{Robust, SplitMix64, ols};
use serde::{Deserialize, Serialize};

use super::diagnostics::summarize_bootstrap;
use super::{Data, Setup, Work};
use crate::{Method, MethodFailure, format};

/// A refutation test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refuter {
    /// Shuffled treatment.
    Placebo,
    /// A random covariate added.
    RandomCause,
    /// Random 80 % subsets.
    Subset,
    /// Resampling with replacement.
    Bootstrap,
    /// An outcome with a known zero effect.
    DummyOutcome,
}

impl Refuter {
    /// Every refuter, in the order they are reported.
    pub const ALL: [Refuter; 5] = [
        Refuter::Placebo,
        Refuter::RandomCause,
        Refuter::Subset,
        Refuter::Bootstrap,
        Refuter::DummyOutcome,
    ];

    /// The name on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Refuter::Placebo => "placebo",
            Refuter::RandomCause => "random-cause",
            Refuter::Subset => "subset",
            Refuter::Bootstrap => "bootstrap",
            Refuter::DummyOutcome => "dummy-outcome",
        }
    }

    /// The refuter named `s`.
    pub fn parse(s: &str) -> Option<Refuter> {
        Refuter::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// What a sound estimate does under this refuter.
    pub fn expectation(self) -> &'static str {
        match self {
            Refuter::Placebo => {
                "a treatment shuffled at random has no effect, so the real estimate should stand out from the placebo estimates"
            }
            Refuter::RandomCause => {
                "a covariate of pure noise is no confounder, so adding it should not move the estimate beyond its standard error"
            }
            Refuter::Subset => {
                "the estimate should stay within its interval on random 80 % subsets of the rows"
            }
            Refuter::Bootstrap => {
                "resampling the rows should give a spread close to the reported standard error, around the estimate"
            }
            Refuter::DummyOutcome => {
                "an outcome made from the covariates alone has no treatment effect, so its estimates should centre on 0"
            }
        }
    }

    /// The share of rows a subset keeps.
    pub const SUBSET_SHARE: f64 = 0.8;
}

/// The upper bound on refutation replications.
pub const MAX_REPLICATIONS: usize = 10_000;

/// One refuter on one method (and arm).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefuterResult {
    /// Which refuter.
    pub refuter: Refuter,
    /// Which method.
    pub method: Method,
    /// For multi-arm data, the treated level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// The estimate on the data as it is.
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// The estimate of each replication that could be fitted.
    pub new_estimates: Vec<f64>,
    /// Mean of `new_estimates`.
    pub new_effect: f64,
    /// Middle 1 − α of `new_estimates`.
    pub new_interval: [f64; 2],
    /// The placebo test's exact permutation p-value: (1 + replications at least as far from 0
    /// as the estimate) / (1 + replications).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p_value: Option<f64>,
    /// Replications that could not be fitted.
    pub failed: usize,
    /// Whether the estimate behaved as expected.
    pub passed: bool,
    /// The rule applied, with the numbers, in a sentence.
    pub verdict: String,
    /// What a sound estimate does under this refuter.
    pub expectation: String,
}

/// What [`crate::refute`] gives.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RefuteReport {
    /// One per refuter, method and arm.
    pub refuters: Vec<RefuterResult>,
    /// Methods that could not be fitted on the data as it is.
    pub errors: Vec<MethodFailure>,
    /// Caveats (encoding, dropped rows, a stop before the end).
    pub warnings: Vec<String>,
}

/// The SplitMix64 seed of one (comparison, method, refuter).
fn seed(base: u64, parts: [usize; 3]) -> u64 {
    let mut rng = SplitMix64(base);
    for p in parts {
        rng = SplitMix64(rng.next_u64() ^ (p as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    rng.next_u64()
}

fn shuffle(v: &mut [f64], rng: &mut SplitMix64) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i + 1);
        v.swap(i, j);
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut SplitMix64) -> f64 {
    let u1 = ((rng.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    let u2 = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

impl Setup<'_> {
    /// Every refuter on every method of every comparison; `work` counts replications.
    pub(super) fn refute(
        &self,
        refuters: &[Refuter],
        replications: usize,
        work: &mut Work<'_>,
    ) -> RefuteReport {
        let mut report =
            RefuteReport { warnings: self.design.warnings.clone(), ..Default::default() };
        for (c, cmp) in self.comparisons.iter().enumerate() {
            let data = self.data(cmp);
            let xs: Vec<&[f64]> = data.x.iter().map(|c| &c[..]).collect();
            for (m, &method) in self.spec.methods.iter().enumerate() {
                // The comparison's propensity model, as the analysis shares it, and for IPW its
                // refits (see `fast_ipw`), built once for all the refuters.
                let prop = method.uses_propensity().then(|| self.propensity(&data));
                let refits = match &prop {
                    Some(Ok(full)) if method == Method::Ipw && !xs.is_empty() => {
                        let (names, l2) = (&self.design.covariate_names, self.spec.options.l2);
                        cf_estimate::PropensityRefits::new(&data.t, &xs, names, l2, full)
                            .ok()
                            .map(|r| (full, r))
                    }
                    _ => None,
                };
                let fitted = match self.fit(method, &data, prop.as_ref()) {
                    Ok(f) => f,
                    Err(message) => {
                        report.errors.push(MethodFailure { method, arm: cmp.arm.clone(), message });
                        continue;
                    }
                };
                let e = fitted.effect;
                let Ok(ci) = e.conf_int(self.spec.options.alpha) else { continue };
                for (r, &refuter) in refuters.iter().enumerate() {
                    if work.stopped {
                        break;
                    }
                    let mut rng = SplitMix64(seed(self.spec.options.seed, [c, m, r]));
                    let (reps, failed) = self.replicate(
                        refuter,
                        method,
                        &data,
                        replications,
                        &mut rng,
                        work,
                        true,
                        refits.as_ref(),
                    );
                    let mut result = self.judge(refuter, method, e.estimate, e.std_error, ci, reps);
                    result.failed = failed;
                    result.arm = cmp.arm.clone();
                    report.refuters.push(result);
                }
            }
        }
        if work.stopped {
            report.warnings.push("stopped before the end: the refuters shown use the replications done so far, the others did not run".into());
        }
        report
    }

    /// The estimates of `n` replications of one refuter, and how many could not be fitted.
    ///
    /// Each replication draws its change ([`Change::draw`]) and refits the method on it.
    /// `fast`: OLS under the refuters that change only the treatment, only the outcome or add
    /// one column (placebo, dummy outcome, random common cause) is refitted by Frisch–Waugh–
    /// Lovell on the covariates' factored `X'X`: the same coefficient up to rounding, from the
    /// same random draws, in O(n·p) per replication instead of O(n·p²). Under subsets and the
    /// bootstrap it is a weighted fit (weights 0/1, or how often a row was drawn) on the rows
    /// in place, with no copy of the data. IPW, given `ipw_refits` (the full-data propensity
    /// model and its refits), is refitted by [`Setup::fast_ipw`].
    #[allow(clippy::too_many_arguments)]
    fn replicate(
        &self,
        refuter: Refuter,
        method: Method,
        data: &Data<'_>,
        n: usize,
        rng: &mut SplitMix64,
        work: &mut Work<'_>,
        fast: bool,
        ipw_refits: Option<&(&cf_estimate::LogisticFit, cf_estimate::PropensityRefits<'_>)>,
    ) -> (Vec<f64>, usize) {
        let dummy = (refuter == Refuter::DummyOutcome).then(|| dummy_basis(data));
        let (mut reps, mut failed) = (Vec::with_capacity(n), 0);
        let fast_ols = fast && method == Method::Ols && !data.x.is_empty();
        let fwl = (fast_ols
            && matches!(refuter, Refuter::Placebo | Refuter::DummyOutcome | Refuter::RandomCause))
        .then(|| Fwl::new(data, &self.design.covariate_names))
        .flatten();
        let weighted = fast_ols && matches!(refuter, Refuter::Subset | Refuter::Bootstrap);
        let refits = ipw_refits.filter(|_| fast && method == Method::Ipw);
        // The regressors and names of the weighted fit: the treatment, then the covariates.
        let mut x: Vec<&[f64]> = vec![&data.t];
        x.extend(data.x.iter().map(|c| &c[..]));
        let names: Vec<String> = std::iter::once(self.spec.treatment.clone())
            .chain(self.design.covariate_names.iter().cloned())
            .collect();
        for _ in 0..n {
            let change = Change::draw(refuter, data, dummy.as_ref(), rng);
            let estimate = match (&fwl, change) {
                (Some(fwl), Change::Treatment(t)) => fwl.with_treatment(&t, &data.y),
                (Some(fwl), Change::Column(u)) => fwl.with_column(&u, &data.y),
                (Some(fwl), Change::Outcome(y)) => fwl.with_outcome(&y),
                (_, Change::Rows(idx)) if weighted => {
                    let w = draw_counts(&idx, data.y.len());
                    let groups = |g: f64| data.t.iter().zip(&w).any(|(t, w)| *t == g && *w > 0.0);
                    (groups(0.0) && groups(1.0))
                        .then(|| cf_estimate::weighted_slope(&data.y, &x, &w, &names).ok())
                        .flatten()
                }
                (_, change) => refits
                    .and_then(|(full, refits)| self.fast_ipw(data, full, refits, &change))
                    .or_else(|| self.fit_change(method, data, change)),
            };
            match estimate {
                Some(e) if e.is_finite() => reps.push(e),
                _ => failed += 1,
            }
            if !work.step() {
                break;
            }
        }
        (reps, failed)
    }

    /// IPW on `data` changed by `change`, its propensity model refitted from the full-data fit
    /// `full` ([`cf_estimate::PropensityRefits`]: the same maximum as a fit from scratch, to the
    /// fit's tolerance, in a few passes over the rows) and the estimate alone (no standard
    /// error). A new outcome leaves the propensity model as it is. `None` when a refit does not
    /// settle or the estimate cannot be formed: the caller then refits from scratch.
    fn fast_ipw(
        &self,
        data: &Data<'_>,
        full: &cf_estimate::LogisticFit,
        refits: &cf_estimate::PropensityRefits<'_>,
        change: &Change,
    ) -> Option<f64> {
        let params = super::methods::ipw_params(&self.spec.options);
        let estimate = |y: &[f64], t: &[f64], ps: &[f64], freq: Option<&[f64]>| {
            cf_estimate::ipw_estimate(y, t, ps, freq, &params).ok()
        };
        match change {
            Change::Treatment(t) => estimate(&data.y, t, &refits.with_treatment(t).ok()?, None),
            Change::Column(u) => estimate(&data.y, &data.t, &refits.with_column(u).ok()?, None),
            Change::Outcome(y) => estimate(y, &data.t, &full.probabilities, None),
            Change::Rows(idx) => {
                let freq = draw_counts(idx, data.y.len());
                let ps = refits.weighted(&freq).ok()?;
                estimate(&data.y, &data.t, &ps, Some(&freq))
            }
        }
    }

    /// The method refitted in full on `data` changed by `change`.
    fn fit_change(&self, method: Method, data: &Data<'_>, change: Change) -> Option<f64> {
        let fit = match change {
            Change::Treatment(t) => {
                self.fit(method, &Data { t: Cow::Owned(t), ..data.borrowed() }, None)
            }
            Change::Outcome(y) => {
                self.fit(method, &Data { y: Cow::Owned(y), ..data.borrowed() }, None)
            }
            Change::Column(u) => {
                let mut d = data.borrowed();
                d.x.push(Cow::Owned(u));
                // The extra column needs a name for the estimators' messages.
                let names =
                    [&self.design.covariate_names[..], &["(random common cause)".to_string()]]
                        .concat();
                self.fit_named(method, &d, &names)
            }
            Change::Rows(mut idx) => {
                idx.sort_unstable();
                self.fit(method, &data.resample(&idx), None)
            }
        };
        fit.ok().map(|f| f.effect.estimate)
    }

    /// The verdict of one refuter from its replications.
    fn judge(
        &self,
        refuter: Refuter,
        method: Method,
        estimate: f64,
        se: f64,
        ci: (f64, f64),
        reps: Vec<f64>,
    ) -> RefuterResult {
        let alpha = self.spec.options.alpha;
        let n = reps.len();
        let mean = if n == 0 { f64::NAN } else { reps.iter().sum::<f64>() / n as f64 };
        let summary = summarize_bootstrap(reps.clone(), alpha);
        let (lo, hi) = summary.as_ref().map_or((f64::NAN, f64::NAN), |s| (s.ci_low, s.ci_high));
        let d = format::decimals_for(se);
        let num = |v: f64| format::with_separators(v, d);
        let level = format!("{} %", format::with_separators(100.0 * (1.0 - alpha), 0));
        let reps_text = format::plural(n, "replication", "replications");
        let mut p_value = None;
        let (passed, verdict) = if n < 2 {
            (false, format!("failed: only {reps_text} could be fitted, too few to judge"))
        } else {
            match refuter {
                Refuter::Placebo => {
                    let extreme = reps.iter().filter(|e| e.abs() >= estimate.abs()).count();
                    let p = (1 + extreme) as f64 / (1 + n) as f64;
                    p_value = Some(p);
                    let passed = p < alpha;
                    let range = format!("[{}, {}]", num(lo), num(hi));
                    if passed {
                        (
                            true,
                            format!(
                                "passed: the estimate {} lies outside the middle {level} of {n} placebo estimates {range} (permutation p = {}); the placebo effect averages {}",
                                num(estimate),
                                format::p_value(p),
                                num(mean)
                            ),
                        )
                    } else {
                        (
                            false,
                            format!(
                                "failed: placebo treatments give effects as large as the estimate {} in {} of {n} permutations (p = {}, middle {level} {range}); the estimate cannot be told from chance",
                                num(estimate),
                                extreme,
                                format::p_value(p)
                            ),
                        )
                    }
                }
                Refuter::RandomCause => {
                    let shift = mean - estimate;
                    let most = reps.iter().map(|e| (e - estimate).abs()).fold(0.0, f64::max);
                    let passed = shift.abs() <= se;
                    let word = if passed { "passed" } else { "failed" };
                    let within = if passed { "within" } else { "beyond" };
                    (
                        passed,
                        format!(
                            "{word}: with a random common cause added the estimate moves by {} on average (at most {}) over {reps_text}, {within} its standard error {}",
                            num(shift),
                            num(most),
                            num(se)
                        ),
                    )
                }
                Refuter::Subset => {
                    let inside = reps.iter().filter(|e| ci.0 <= **e && **e <= ci.1).count();
                    let share = inside as f64 / n as f64;
                    let passed = share >= 1.0 - alpha;
                    let word = if passed { "passed" } else { "failed" };
                    (
                        passed,
                        format!(
                            "{word}: {} of {n} estimates on random 80 % subsets lie inside the interval [{}, {}] (needed: {level}); they average {}",
                            format::percent(share).replace(format::NBSP, " "),
                            num(ci.0),
                            num(ci.1),
                            num(mean)
                        ),
                    )
                }
                Refuter::Bootstrap => {
                    let boot_se = summary.as_ref().map_or(f64::NAN, |s| s.std_error);
                    let ratio = boot_se / se;
                    let passed =
                        (1.0 / 1.5..=1.5).contains(&ratio) && lo <= estimate && estimate <= hi;
                    let word = if passed { "passed" } else { "failed" };
                    (
                        passed,
                        format!(
                            "{word}: over {n} resamples the estimate's standard error is {} against the reported {} (ratio {:.2}; needed: within 1.5×), and the middle {level} [{}, {}] {} the estimate",
                            num(boot_se),
                            num(se),
                            ratio,
                            num(lo),
                            num(hi),
                            if lo <= estimate && estimate <= hi { "holds" } else { "misses" }
                        ),
                    )
                }
                Refuter::DummyOutcome => {
                    let passed = lo <= 0.0 && 0.0 <= hi;
                    let word = if passed { "passed" } else { "failed" };
                    let where_ = if passed { "inside" } else { "outside" };
                    (
                        passed,
                        format!(
                            "{word}: on {n} outcomes with no treatment effect the estimates average {}, and 0 lies {where_} their middle {level} [{}, {}]",
                            num(mean),
                            num(lo),
                            num(hi)
                        ),
                    )
                }
            }
        };
        RefuterResult {
            refuter,
            method,
            arm: None,
            estimate,
            std_error: se,
            new_estimates: reps,
            new_effect: mean,
            new_interval: [lo, hi],
            p_value,
            failed: 0,
            passed,
            verdict,
            expectation: refuter.expectation().into(),
        }
    }
}

/// What one replication of a refuter changes in the data.
enum Change {
    /// A shuffled treatment.
    Treatment(Vec<f64>),
    /// A column of noise added to the covariates.
    Column(Vec<f64>),
    /// An outcome with no treatment effect.
    Outcome(Vec<f64>),
    /// The rows used (a subset, or a resample with repeats).
    Rows(Vec<usize>),
}

impl Change {
    /// One replication's draw: every path that refits it sees the same change.
    fn draw(
        refuter: Refuter,
        data: &Data<'_>,
        dummy: Option<&(Vec<f64>, Vec<f64>)>,
        rng: &mut SplitMix64,
    ) -> Change {
        let rows = data.y.len();
        match refuter {
            Refuter::Placebo => {
                let mut t = data.t.to_vec();
                shuffle(&mut t, rng);
                Change::Treatment(t)
            }
            Refuter::RandomCause => Change::Column((0..rows).map(|_| normal(rng)).collect()),
            Refuter::Subset => {
                let mut idx: Vec<usize> = (0..rows).collect();
                for i in 0..idx.len() {
                    let j = i + rng.below(rows - i);
                    idx.swap(i, j);
                }
                idx.truncate(((rows as f64) * Refuter::SUBSET_SHARE).round() as usize);
                Change::Rows(idx)
            }
            Refuter::Bootstrap => Change::Rows((0..rows).map(|_| rng.below(rows)).collect()),
            Refuter::DummyOutcome => {
                let (pred, resid) = dummy.map_or((&[][..], &[][..]), |(p, r)| (&p[..], &r[..]));
                Change::Outcome(if resid.is_empty() {
                    data.y.to_vec()
                } else {
                    pred.iter().map(|p| p + resid[rng.below(resid.len())]).collect()
                })
            }
        }
    }
}

/// OLS's treatment coefficient by Frisch–Waugh–Lovell: residuals on `[1, X]` of the treatment
/// (and of an added column) against the outcome.
struct Fwl<'a> {
    r: cf_estimate::Residualizer<'a>,
    /// The treatment's residuals and their sum of squares.
    t: Vec<f64>,
    tt: f64,
    /// The treatment's centred sum of squares: a residual sum far below it is collinearity.
    t_ss: f64,
}

/// How often each of `n` rows is among the rows `idx` (a subset's 0/1, a resample's counts).
fn draw_counts(idx: &[usize], n: usize) -> Vec<f64> {
    let mut w = vec![0.0; n];
    idx.iter().for_each(|&i| w[i] += 1.0);
    w
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// The centred sum of squares.
fn centred_ss(v: &[f64]) -> f64 {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    v.iter().map(|a| (a - m) * (a - m)).sum()
}

/// Below this share of its own variation left after the covariates, a column counts as
/// collinear with them (the full fit would refuse it too).
const FWL_COLLINEAR: f64 = 1e-10;

impl<'a> Fwl<'a> {
    fn new(data: &'a Data<'_>, names: &[String]) -> Option<Self> {
        let x: Vec<&[f64]> = data.x.iter().map(|c| &c[..]).collect();
        let r = cf_estimate::Residualizer::new(&x, names).ok()?;
        let t = r.residualize(&data.t);
        let tt = dot(&t, &t);
        let t_ss = centred_ss(&data.t);
        (tt > FWL_COLLINEAR * t_ss).then_some(Fwl { r, t, tt, t_ss })
    }

    /// The coefficient with the outcome `y`.
    fn with_outcome(&self, y: &[f64]) -> Option<f64> {
        Some(dot(&self.t, y) / self.tt)
    }

    /// The coefficient of the treatment `t` (same covariates) with the outcome `y`.
    fn with_treatment(&self, t: &[f64], y: &[f64]) -> Option<f64> {
        let tr = self.r.residualize(t);
        let tt = dot(&tr, &tr);
        (tt > FWL_COLLINEAR * self.t_ss).then(|| dot(&tr, y) / tt)
    }

    /// The treatment's coefficient once the column `u` joins the covariates.
    fn with_column(&self, u: &[f64], y: &[f64]) -> Option<f64> {
        let ur = self.r.residualize(u);
        let (tu, uu) = (dot(&self.t, &ur), dot(&ur, &ur));
        if !(uu > FWL_COLLINEAR * centred_ss(u)) {
            return None;
        }
        let det = self.tt * uu - tu * tu;
        (det > FWL_COLLINEAR * self.tt * uu)
            .then(|| (dot(&self.t, y) * uu - tu * dot(&ur, y)) / det)
    }
}

/// The dummy outcome's parts: every row's prediction from the covariates by a linear fit on the
/// control rows, and the control rows' residuals (shuffled into each replication). With no
/// covariates, the control mean.
fn dummy_basis(data: &Data<'_>) -> (Vec<f64>, Vec<f64>) {
    let control: Vec<usize> = (0..data.t.len()).filter(|&i| data.t[i] == 0.0).collect();
    let pick = |v: &[f64]| -> Vec<f64> { control.iter().map(|&i| v[i]).collect() };
    let yc = pick(&data.y);
    if yc.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let xc: Vec<Vec<f64>> = data.x.iter().map(|c| pick(c)).collect();
    let xr: Vec<&[f64]> = xc.iter().map(|c| &c[..]).collect();
    let (intercept, coef) = match ols(&yc, &xr, &[], Robust::Only(usize::MAX)) {
        Ok(f) => (f.intercept, f.coef),
        Err(_) => (yc.iter().sum::<f64>() / yc.len() as f64, vec![0.0; data.x.len()]),
    };
    let predict =
        |i: usize| intercept + data.x.iter().zip(&coef).map(|(c, b)| b * c[i]).sum::<f64>();
    let pred: Vec<f64> = (0..data.y.len()).map(predict).collect();
    let resid: Vec<f64> = control.iter().map(|&i| data.y[i] - pred[i]).collect();
    (pred, resid)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::AnalysisSpec;

    /// The Frisch–Waugh–Lovell refits give the full regression's coefficients, draw for draw.
    #[test]
    fn the_fast_ols_refits_equal_the_full_regressions() {
        fast_refits_equal_full_refits(Method::Ols, 1e-10);
    }

    /// IPW's propensity refits stop on the fit's own tolerance, not at its bits.
    #[test]
    fn the_fast_ipw_refits_equal_the_full_refits() {
        fast_refits_equal_full_refits(Method::Ipw, 1e-8);
    }

    fn fast_refits_equal_full_refits(method: Method, tol: f64) {
        let mut rng = SplitMix64(11);
        let mut text = String::from("t,y,a,b\n");
        for _ in 0..400 {
            let (a, b) = (normal(&mut rng), normal(&mut rng) * 3.0 + 10.0);
            let t = u8::from(a + normal(&mut rng) > 0.0);
            let y = 1.5 * f64::from(t) + 2.0 * a - 0.3 * b + normal(&mut rng);
            text += &format!("{t},{y},{a},{b}\n");
        }
        let table =
            cf_data::read_csv(text.as_bytes(), &cf_data::ReadOptions::default(), &mut |_| true)
                .unwrap()
                .0;
        let mut spec = AnalysisSpec::new("t", "y", vec![method]);
        spec.covariates = Some(vec!["a".into(), "b".into()]);
        let setup = super::super::setup(&table, &spec).unwrap();
        let data = setup.data(&setup.comparisons[0]);
        let xs: Vec<&[f64]> = data.x.iter().map(|c| &c[..]).collect();
        let full = setup.propensity(&data).unwrap();
        let names = &setup.design.covariate_names;
        let refits = cf_estimate::PropensityRefits::new(&data.t, &xs, names, 0.0, &full).unwrap();
        let ipw = (method == Method::Ipw).then_some((&full, refits));
        for refuter in Refuter::ALL {
            let mut progress = |_: f64| true;
            let mut work = Work { done: 0, total: 40, progress: &mut progress, stopped: false };
            let mut run = |fast: bool| {
                let mut rng = SplitMix64(5);
                setup.replicate(refuter, method, &data, 20, &mut rng, &mut work, fast, ipw.as_ref())
            };
            let (fast, f_failed) = run(true);
            let (full, g_failed) = run(false);
            assert_eq!((fast.len(), f_failed, g_failed), (20, 0, 0), "{refuter:?}");
            for (a, b) in fast.iter().zip(&full) {
                assert!((a - b).abs() <= tol * b.abs().max(1.0), "{refuter:?}: {a} vs {b}");
            }
            // Refitted propensities differ from a fit from scratch in the last digits: the
            // fast path ran (a new outcome keeps the propensities, so its bits are the same).
            if method == Method::Ipw && refuter != Refuter::DummyOutcome {
                assert!(fast.iter().zip(&full).any(|(a, b)| a != b), "{refuter:?}");
            }
        }
    }
}
