//! Messages between the page and its worker.
//!
//! Each message is a JS object `{ msg: "<JSON>", file?: File }`: the JSON is one of the enums
//! below (serde), and a file travels beside it as a structured-clone `File` handle (no copy of its
//! bytes: the worker reads it in chunks itself).

use cf_engine::{AnalysisSpec, Independence, IndependenceTest, Report, TableSummary};
use serde::{Deserialize, Serialize};

/// What the worker reads, so that a file never exhausts its memory (a WebAssembly module can
/// address at most 4 GiB, and estimation needs room beside the table): a file above 1 GB is
/// refused before a byte is read; a table of more than 64 million values (rows × columns, 512 MB
/// as numbers) is refused after its first 1,000 rows when the file's size says it will be far
/// above, else at the row that crosses the limit; and the text columns together hold at most
/// 5 million distinct values. README.md states the same limits.
pub const READ_LIMITS: cf_data::Limits = cf_data::Limits {
    max_bytes: Some(1_000_000_000),
    max_cells: Some(64_000_000),
    max_levels: Some(5_000_000),
};

/// A fitted model and the decision made with it: what a targeting list, a model file and a
/// scored file are made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chosen {
    /// The fit.
    pub spec: cf_engine::uplift::UpliftSpec,
    /// The report's model that ranks the rows.
    pub focus: usize,
    /// How many of the fitted file's rows the list treats.
    pub treat: usize,
    /// The share of customers treated, saved with the model and used to score another file.
    pub share: f64,
    /// A column written beside the row number (a customer id).
    pub key: Option<String>,
    /// For a treatment with several arms priced apart: the value and each arm's costs (each
    /// customer treated gets their best arm net of its cost).
    pub pricing: Option<cf_engine::uplift::ArmPricing>,
}

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ToWorker {
    /// Read the `file` sent beside this message; `job` identifies the replies.
    Load {
        /// Request id, echoed in the replies.
        job: u32,
    },
    /// Estimate on the loaded table.
    Run {
        /// Request id, echoed in the reply.
        job: u32,
        /// What to estimate.
        spec: Box<AnalysisSpec>,
    },
    /// Fit and evaluate uplift models on the loaded table ("Who responds").
    Uplift {
        /// Request id, echoed in the replies.
        job: u32,
        /// What to fit.
        spec: Box<cf_engine::uplift::UpliftSpec>,
    },
    /// The targeting list of a fit as CSV: the last fit's predictions when `spec` is the last fit's,
    /// else a fit again (the fits are deterministic, so the list is the same).
    TargetingList {
        /// Request id, echoed in the reply.
        job: u32,
        /// The fit and the decision the list follows.
        chosen: Box<Chosen>,
    },
    /// The fitted model of a fit as a model file (`cf_engine::model_file`), to download, with
    /// the decision; the fit is found or made again as for [`ToWorker::TargetingList`].
    ModelFile {
        /// Request id, echoed in the reply.
        job: u32,
        /// The fit and the decision saved with its model.
        chosen: Box<Chosen>,
    },
    /// Score the `file` sent beside this message with a fit's model: the targeting list of
    /// another file with the same covariate columns. The loaded table stays as it is.
    ScoreFile {
        /// Request id, echoed in the reply.
        job: u32,
        /// The fit whose model scores, and the decision.
        chosen: Box<Chosen>,
    },
    /// Score the loaded table with the model file sent beside this message (a saved
    /// `uplift-model.json`): no fit needed.
    ScoreLoaded {
        /// Request id, echoed in the reply.
        job: u32,
    },
    /// Refutation tests of a run's methods on the loaded table ("Can it be trusted?").
    Refute {
        /// Request id, echoed in the replies.
        job: u32,
        /// The run's spec, with the methods to refute.
        spec: Box<AnalysisSpec>,
        /// Which refuters.
        refuters: Vec<cf_engine::Refuter>,
        /// Replications of each refuter.
        replications: usize,
    },
    /// Read the experimental `file` sent beside this message and give its difference in means
    /// for `spec`'s treatment and outcome: the benchmark the loaded table's estimates are held
    /// against. The loaded table stays as it is.
    Benchmark {
        /// Request id, echoed in the reply.
        job: u32,
        /// The run's spec (its treatment and outcome columns).
        spec: Box<AnalysisSpec>,
    },
    /// Run PC on the loaded table: a graph proposed from the data.
    Discover {
        /// Request id, echoed in the replies.
        job: u32,
        /// The columns, the level, the knowledge and the bootstrap.
        spec: Box<cf_engine::discover::DiscoverSpec>,
    },
    /// Test the graph's implied independences on the loaded table.
    Test {
        /// Request id, echoed in the reply.
        job: u32,
        /// What to test.
        list: Vec<Independence>,
    },
}

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum FromWorker {
    /// The worker is listening (messages sent before this would be lost, so the page queues them).
    Ready,
    /// Reading progress.
    Progress {
        /// Request id.
        job: u32,
        /// Bytes read so far.
        loaded: f64,
        /// File size in bytes.
        total: f64,
    },
    /// Estimation progress (bootstrap replications), in [0, 1].
    RunProgress {
        /// Request id.
        job: u32,
        /// Share done.
        fraction: f64,
    },
    /// The file was read.
    Loaded {
        /// Request id.
        job: u32,
        /// What the page shows of the table.
        summary: TableSummary,
        /// Milliseconds spent reading and parsing.
        millis: f64,
        /// FNV-1a hash of the file's bytes, in hex (for share links' fingerprints).
        #[serde(default)]
        hash: String,
        /// The file's text, when it is small enough to be embedded in a share link.
        #[serde(default)]
        text: Option<String>,
    },
    /// Estimation finished.
    Report {
        /// Request id.
        job: u32,
        /// The results.
        report: Report,
        /// Milliseconds spent estimating.
        millis: f64,
    },
    /// The uplift fit finished.
    Uplift {
        /// Request id.
        job: u32,
        /// The evaluation on the held-out rows.
        report: cf_engine::uplift::UpliftReport,
        /// Milliseconds spent fitting and evaluating.
        millis: f64,
    },
    /// The targeting list is ready.
    TargetingList {
        /// Request id.
        job: u32,
        /// The list as CSV.
        csv: String,
    },
    /// The model file is ready.
    ModelFile {
        /// Request id.
        job: u32,
        /// The model file's JSON text.
        json: String,
    },
    /// Another file was scored.
    Scored {
        /// Request id.
        job: u32,
        /// The scored file's name.
        name: String,
        /// Its targeting list as CSV.
        csv: String,
        /// Rows of the file.
        rows: usize,
        /// Rows scored (the others miss a value the model needs).
        scored: usize,
        /// Rows marked to treat.
        treated: usize,
    },
    /// The loaded table was scored with a saved model.
    ScoredLoaded {
        /// Request id.
        job: u32,
        /// The targeting list as CSV.
        csv: String,
        /// Rows of the table.
        rows: usize,
        /// Rows scored.
        scored: usize,
        /// Rows marked to treat.
        treated: usize,
        /// The model's name (`x-learner-gbdt`).
        model: String,
        /// The treatment and the outcome it was fitted for.
        fitted_for: (String, String),
        /// Its training rows.
        n_train: usize,
        /// The share treated (the one saved with it).
        share: f64,
    },
    /// The refutation tests finished (or were stopped: the report says so).
    Refuted {
        /// Request id.
        job: u32,
        /// Each refuter's verdict.
        report: cf_engine::RefuteReport,
        /// Milliseconds spent refitting.
        millis: f64,
    },
    /// An experimental file's benchmark is ready.
    Benchmarked {
        /// Request id.
        job: u32,
        /// The file's name.
        name: String,
        /// Its difference in means.
        benchmark: cf_engine::experiment::Benchmark,
    },
    /// PC finished: the proposal.
    Discovered {
        /// Request id.
        job: u32,
        /// The pattern and its edge stability.
        report: Box<cf_engine::discover::DiscoverReport>,
        /// Milliseconds in the worker.
        millis: f64,
    },
    /// Independence tests finished.
    Tested {
        /// Request id.
        job: u32,
        /// One per independence sent.
        tests: Vec<IndependenceTest>,
    },
    /// The request failed; `message` is for the user.
    Failed {
        /// Request id.
        job: u32,
        /// What went wrong.
        message: String,
    },
}

impl FromWorker {
    /// The request this message answers.
    pub fn job(&self) -> u32 {
        match self {
            FromWorker::Ready => 0,
            FromWorker::Progress { job, .. }
            | FromWorker::RunProgress { job, .. }
            | FromWorker::Loaded { job, .. }
            | FromWorker::Report { job, .. }
            | FromWorker::Uplift { job, .. }
            | FromWorker::TargetingList { job, .. }
            | FromWorker::ModelFile { job, .. }
            | FromWorker::Scored { job, .. }
            | FromWorker::ScoredLoaded { job, .. }
            | FromWorker::Refuted { job, .. }
            | FromWorker::Benchmarked { job, .. }
            | FromWorker::Discovered { job, .. }
            | FromWorker::Tested { job, .. }
            | FromWorker::Failed { job, .. } => *job,
        }
    }
}

/// Files up to this size keep their text for share links that embed the data.
pub const KEEP_TEXT: f64 = 1024.0 * 1024.0;

/// The field of `msg` (sent as `json`, its serialisation) that the page could not read back, as
/// a path (`report.results[2].ci_low`): serde_json writes a NaN or an infinity as `null`, which
/// no number field accepts, so a message is checked before it is sent and a bad one is replaced
/// by a failure that names the field. `None` when the page can read it.
///
/// A message that reads back costs one parse of `json`. Only one that does not is serialised
/// again, part by part, to find the field: the message enum is internally tagged, and serde reads
/// such an enum through a buffer that loses the path.
pub fn unreadable_field(msg: &FromWorker, json: &str) -> Option<String> {
    fn check<T: Serialize + serde::de::DeserializeOwned>(
        prefix: &str,
        value: &T,
    ) -> Option<String> {
        let json = serde_json::to_string(value).ok()?;
        let mut de = serde_json::Deserializer::from_str(&json);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(_) => None,
            Err(e) => {
                let path = e.path().to_string();
                Some(if path == "." { prefix.to_string() } else { format!("{prefix}.{path}") })
            }
        }
    }
    if matches!(
        msg,
        // Text and counts only (and large: a list is megabytes).
        FromWorker::TargetingList { .. } | FromWorker::ModelFile { .. } | FromWorker::Scored { .. }
    ) || serde_json::from_str::<FromWorker>(json).is_ok()
    {
        return None;
    }
    let field = match msg {
        FromWorker::Report { report, millis, .. } => {
            check("report", report).or_else(|| check("millis", millis))
        }
        FromWorker::Uplift { report, millis, .. } => {
            check("report", report).or_else(|| check("millis", millis))
        }
        FromWorker::Refuted { report, millis, .. } => {
            check("report", report).or_else(|| check("millis", millis))
        }
        FromWorker::Tested { tests, .. } => check("tests", tests),
        FromWorker::Discovered { report, millis, .. } => {
            check("report", report).or_else(|| check("millis", millis))
        }
        _ => None,
    };
    Some(field.unwrap_or_else(|| "message".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nan_in_a_report_is_named_by_its_field_before_it_is_sent() {
        let mut report = Report::default();
        report.control_rates.push(cf_engine::ControlRate { arm: None, rate: 0.25, n: 40 });
        report.control_rates.push(cf_engine::ControlRate { arm: None, rate: f64::NAN, n: 40 });
        let field = |msg: &FromWorker| unreadable_field(msg, &serde_json::to_string(msg).unwrap());
        let msg = FromWorker::Report { job: 3, report: report.clone(), millis: 1.0 };
        assert_eq!(field(&msg).as_deref(), Some("report.control_rates[1].rate"));
        report.control_rates.pop();
        assert_eq!(field(&FromWorker::Report { job: 3, report, millis: 1.0 }), None);

        let fine = FromWorker::RunProgress { job: 3, fraction: 0.5 };
        assert_eq!(field(&fine), None);
        let inf = FromWorker::RunProgress { job: 3, fraction: f64::INFINITY };
        assert_eq!(field(&inf).as_deref(), Some("message"));
    }
}
