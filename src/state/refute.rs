//! The refutation tests of "Can it be trusted?": which method of the last run they refit, how
//! many replications, and their last report (the engine's [`cf_engine::refute`] runs in the
//! worker).

use std::rc::Rc;

use cf_engine::python::TrustChecks;
use cf_engine::sensitivity::{SensitivityReport, SensitivitySpec};
use cf_engine::{AnalysisSpec, Method, RefuteReport, Refuter};

use super::{AppState, Busy, RunResult};

/// Replications of each refuter unless the user picks another number (DoWhy's default).
pub const DEFAULT_REPLICATIONS: usize = 100;
/// The numbers of replications offered.
pub const REPLICATIONS: [usize; 4] = [50, 100, 200, 500];

/// What the refuters are asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct RefuteAsk {
    /// The run's spec with the one method refuted (no bootstrap, no per-unit effects: each
    /// replication needs the estimate only).
    pub spec: AnalysisSpec,
    /// The refuters, in the order they are reported.
    pub refuters: Vec<Refuter>,
    /// Replications of each.
    pub replications: usize,
}

/// A finished set of refutation tests.
#[derive(Debug, Clone, PartialEq)]
pub struct RefuteResult {
    /// What was asked.
    pub ask: RefuteAsk,
    /// The verdicts.
    pub report: RefuteReport,
    /// Milliseconds in the worker.
    pub millis: f64,
}

/// The refuters' settings and last report.
#[derive(Debug, Clone, PartialEq)]
pub struct RefuteState {
    /// The method the user picked (`None`: [`AppState::refute_method`]'s default).
    pub method: Option<Method>,
    /// Replications of each refuter.
    pub replications: usize,
    /// The covariate the user compares a confounder with (`None`: the report's first pick).
    pub sensitivity_benchmark: Option<String>,
    /// Share done of the tests running, in [0, 1].
    pub progress: f64,
    /// The tests in flight.
    pub pending: Option<RefuteAsk>,
    /// The last tests.
    pub result: Option<Rc<RefuteResult>>,
    /// Why the last tests failed.
    pub error: Option<String>,
}

impl Default for RefuteState {
    fn default() -> Self {
        RefuteState {
            method: None,
            replications: DEFAULT_REPLICATIONS,
            sensitivity_benchmark: None,
            progress: 0.0,
            pending: None,
            result: None,
            error: None,
        }
    }
}

/// The benchmark a sensitivity report is compared with: `picked` while the report has bounds
/// for it, else the one it compares with first (the strongest covariate of one regressor).
pub fn benchmark_shown(report: &SensitivityReport, picked: Option<String>) -> Option<String> {
    picked
        .filter(|p| report.sensitivity.bounds.iter().any(|b| &b.benchmark == p))
        .or_else(|| report.compare_first.clone())
}

/// `spec` as the refuters see it: the settings that change an estimate, not the methods, the
/// bootstrap or the per-unit effects.
fn refuted_part(spec: &AnalysisSpec) -> AnalysisSpec {
    let mut s = spec.clone();
    s.methods.clear();
    s.options.bootstrap = 0;
    s.options.cate = false;
    s
}

impl AppState {
    /// The methods of the last run that gave an estimate, in the run's order.
    pub fn refute_methods(&self) -> Vec<Method> {
        let Some(r) = &self.result else { return Vec::new() };
        r.spec
            .methods
            .iter()
            .copied()
            .filter(|m| r.report.results.iter().any(|row| row.method == *m))
            .collect()
    }

    /// The method refuted: the user's pick while the last run has it, else OLS when it ran
    /// (the estimate the sensitivity analysis is about), else the run's first.
    pub fn refute_method(&self) -> Option<Method> {
        let methods = self.refute_methods();
        self.refute
            .method
            .filter(|m| methods.contains(m))
            .or_else(|| methods.iter().copied().find(|m| *m == Method::Ols))
            .or_else(|| methods.first().copied())
    }

    /// The tests to send, when a run has results and the worker is free.
    pub fn refute_ask(&self) -> Option<RefuteAsk> {
        if self.busy != Busy::Idle || self.result_is_stale() {
            return None;
        }
        let r = self.result.as_ref()?;
        let method = self.refute_method()?;
        let mut spec = refuted_part(&r.spec);
        spec.methods = vec![method];
        Some(RefuteAsk {
            spec,
            refuters: Refuter::ALL.to_vec(),
            replications: self.refute.replications,
        })
    }

    /// The benchmark covariate the sensitivity analysis of the shown run compares with: the
    /// user's pick while the report has bounds for it, else the one the report compares with
    /// first (the strongest covariate of one regressor).
    pub fn sensitivity_benchmark(&self) -> Option<String> {
        let report = self.result.as_ref()?.report.sensitivity.as_ref()?;
        benchmark_shown(report, self.refute.sensitivity_benchmark.clone())
    }

    /// What "Copy as Python" adds for "Can it be trusted?": the sensitivity analysis with the
    /// benchmark shown (when the run has one) and DoWhy's refuters of the method refuted, with
    /// the replications set.
    pub fn trust_checks(&self) -> TrustChecks {
        let has_sensitivity = self.result.as_ref().is_some_and(|r| r.report.sensitivity.is_some());
        TrustChecks {
            sensitivity: has_sensitivity.then(|| SensitivitySpec {
                benchmarks: self.sensitivity_benchmark().into_iter().collect(),
                ..SensitivitySpec::default()
            }),
            refute: self.refute_method().map(|m| (m, self.refute.replications)),
        }
    }

    /// The last tests when they were made on the shown run's settings (another run clears them
    /// from view, not from memory: running the same settings again shows them again).
    pub fn refute_shown(&self) -> Option<&RefuteResult> {
        let r: &RunResult = self.result.as_ref()?;
        let t = self.refute.result.as_ref()?;
        let same = refuted_part(&t.ask.spec) == refuted_part(&r.spec)
            && t.ask.spec.methods.iter().all(|m| r.spec.methods.contains(m));
        same.then_some(&**t)
    }
}
