//! Counterfact's **API boundary**: what the page's worker and the CLI ask of the engine, and what
//! they get back, as plain serde data.
//!
//! * [`summarize`] turns a [`cf_data::Table`] into a [`TableSummary`] (column types, missing
//!   counts, first rows) for display.
//! * [`analyze`] resolves an [`AnalysisSpec`] (column names) against a table, builds the design
//!   (missing-value policy, one-hot encoding), runs each requested [`Method`] and returns a
//!   [`Report`]: one [`EffectRow`] per method that succeeded, one [`MethodFailure`] per method
//!   that did not, and warnings.
//!
//! Nothing here panics on user data: a bad spec is an [`AnalysisError`] whose message names the
//! variable; a method that cannot run on this data fails alone, the others still report.

#![warn(missing_docs)]

mod derived;
mod design;
pub mod discover;
mod error;
pub mod experiment;
pub mod export;
pub mod format;
mod independence;
pub mod model_file;
pub mod python;
mod report;
mod run;
pub mod sensitivity;
mod spec;
mod summary;
pub mod uplift;

use cf_data::Table;

pub use cf_estimate::{Estimand, WEAK_F};
pub use derived::{Identity, NEAR_COPY_R, NearCopy, identities, near_copies};
pub use design::{Design, Encoding, Input, InputKind};
pub use error::AnalysisError;
pub use export::cate_csv;
pub use independence::{Independence, IndependenceTest, test_independences};
pub use report::{
    Balance, BalanceRow, BootstrapSummary, CateSet, ControlRate, EffectRow, MatchingSummary,
    MethodFailure, Overlap, PropensitySummary, Report,
};
pub use spec::{
    AnalysisSpec, EstimandChoice, GbdtSetting, LearnerChoice, Method, MissingPolicy, OptionError,
    Options,
};
pub use summary::{
    ColumnKind, ColumnSummary, MAX_LISTED_LEVELS, MIN_ID_ROWS, TableSummary, default_covariates,
    summarize,
};

/// Runs the requested methods.
///
/// # Errors
/// An [`AnalysisError`] when the spec does not fit the table (unknown or ill-typed columns, no
/// complete rows). A method that fails on this data is reported in [`Report::errors`] instead.
pub fn analyze(table: &Table, spec: &AnalysisSpec) -> Result<Report, AnalysisError> {
    run::analyze(table, spec, &mut |_| true)
}

/// As [`analyze`], reporting progress in [0, 1] (bootstrap replications); `progress` returns
/// false to stop early (the bootstrap then uses the replications done so far).
///
/// # Errors
/// See [`analyze`].
pub fn analyze_with_progress(
    table: &Table,
    spec: &AnalysisSpec,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Report, AnalysisError> {
    run::analyze(table, spec, progress)
}

/// Refutation tests of every method of `spec` (see [`refute`](mod@refutation)): each refuter
/// refits the method `replications` times on changed data; `progress` gets the share done and
/// returns false to stop (the refuters done so far are reported).
///
/// # Errors
/// As [`analyze`].
pub fn refute(
    table: &Table,
    spec: &AnalysisSpec,
    refuters: &[Refuter],
    replications: usize,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<RefuteReport, AnalysisError> {
    run::refute(
        table,
        spec,
        refuters,
        replications.clamp(1, refutation::MAX_REPLICATIONS),
        progress,
    )
}

/// The refuters and their report.
pub mod refutation {
    pub use crate::run::refute::{MAX_REPLICATIONS, RefuteReport, Refuter, RefuterResult};
}
pub use refutation::{RefuteReport, Refuter, RefuterResult};

#[cfg(test)]
mod tests;
