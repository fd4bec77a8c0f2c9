//! "Compare with the experiment" (LaLonde's test): an experimental file's difference in means,
//! and each estimate of the shown run held against it (the engine's
//! [`cf_engine::experiment::compare`]).

use std::rc::Rc;

use cf_engine::AnalysisSpec;
use cf_engine::experiment::{Benchmark, BenchmarkRow};

use super::AppState;

/// An experimental file's benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkResult {
    /// The experimental file's name.
    pub name: String,
    /// The run's spec it was asked for.
    pub spec: AnalysisSpec,
    /// Its difference in means.
    pub benchmark: Benchmark,
}

/// The benchmark being read, the last one, and why the last one failed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BenchmarkState {
    /// The request in the worker and the spec it was sent for.
    pub pending: Option<(u32, AnalysisSpec)>,
    /// The last benchmark.
    pub result: Option<Rc<BenchmarkResult>>,
    /// Why the last one could not be made.
    pub error: Option<String>,
}

impl AppState {
    /// The shown run's estimates against the last benchmark, when it was made for the run's
    /// treatment and outcome.
    pub fn benchmark_rows(&self) -> Option<(Rc<BenchmarkResult>, Vec<BenchmarkRow>)> {
        let r = self.result.as_ref()?;
        let b = self.experiment_benchmark.result.as_ref()?;
        let same = b.spec.treatment == r.spec.treatment && b.spec.outcome == r.spec.outcome;
        same.then(|| (b.clone(), cf_engine::experiment::compare(&r.report, &b.benchmark)))
    }

    /// The experiment the open example offers to compare with: its own file is loaded and its
    /// run is shown.
    pub fn compare_example(&self) -> Option<&'static crate::examples::Example> {
        let ex = self.example?;
        let r = self.result.as_ref()?;
        self.benchmark(&r.spec)?;
        ex.experiment.and_then(crate::examples::by_id)
    }

    /// The spec a benchmark is asked for: the shown run's, while no other request is reading one.
    pub fn benchmark_spec(&self) -> Option<AnalysisSpec> {
        if self.experiment_benchmark.pending.is_some() {
            return None;
        }
        Some(self.result.as_ref()?.spec.clone())
    }
}
