//! The worker side: holds the table, reads files in chunks, runs the engine.
//!
//! **Invariant:** the parsed table lives only here; the page gets summaries and reports.
//! Everything heavy (parsing, estimation) runs on this thread, so the page never freezes.

use std::cell::RefCell;
use std::io::Read;

use cf_data::Table;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

use crate::protocol::{self, Chosen, FromWorker, ToWorker};

/// Bytes read from the file per chunk.
const CHUNK: f64 = 4.0 * 1024.0 * 1024.0;
/// Rows shown in the page's preview.
const PREVIEW_ROWS: usize = 8;

/// A fit kept for its targeting list.
struct LastUplift {
    spec: cf_engine::uplift::UpliftSpec,
    data: cf_engine::uplift::UpliftData,
    run: cf_engine::uplift::UpliftRun,
}

thread_local! {
    static TABLE: RefCell<Option<Table>> = const { RefCell::new(None) };
    /// The last uplift fit, for its targeting list.
    static LAST_UPLIFT: RefCell<Option<LastUplift>> = const { RefCell::new(None) };
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn post(msg: &FromWorker) {
    // Serialising our own types cannot fail; if it ever did there is no one to tell but the log.
    match serde_json::to_string(msg) {
        Ok(json) => {
            let json = match protocol::unreadable_field(msg, &json) {
                None => json,
                Some(field) => {
                    let message = format!(
                        "the result holds a value the page cannot show (`{field}` is not a number: the computation gave a NaN or an infinity there); your data and settings are kept"
                    );
                    web_sys::console::error_1(&JsValue::from_str(&message));
                    let failed = FromWorker::Failed { job: msg.job(), message };
                    serde_json::to_string(&failed).unwrap_or_default()
                }
            };
            let _ = scope().post_message(&JsValue::from_str(&json));
        }
        Err(e) => web_sys::console::error_1(&JsValue::from_str(&e.to_string())),
    }
}

/// Posts request `job`'s progress (a share in [0, 1]): one message per percent is plenty for a
/// progress bar.
fn progress(job: u32) -> impl FnMut(f64) {
    let mut last = 0.0;
    move |fraction: f64| {
        if fraction - last >= 0.01 || fraction >= 1.0 {
            last = fraction;
            post(&FromWorker::RunProgress { job, fraction });
        }
    }
}

/// [`progress`] for an engine call that may stop early: it never asks to, as a cancel replaces
/// the worker.
fn to_the_end(job: u32) -> impl FnMut(f64) -> bool {
    let mut report = progress(job);
    move |fraction: f64| {
        report(fraction);
        true
    }
}

/// Installs the message handler. Called once from the worker binary's `main`.
pub fn start() {
    // A bug that panics still tells the page what happened before the worker dies.
    std::panic::set_hook(Box::new(|info| {
        let msg = format!("internal error in the worker: {info}");
        web_sys::console::error_1(&JsValue::from_str(&msg));
        let _ = scope().post_message(&JsValue::from_str(
            &serde_json::json!({"type": "failed", "job": u32::MAX, "message": msg}).to_string(),
        ));
    }));
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| handle(&e.data()));
    scope().set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(&FromWorker::Ready);
}

/// The `File` sent beside a message, if any.
fn attached_file(data: &JsValue) -> Option<File> {
    js_sys::Reflect::get(data, &JsValue::from_str("file")).ok().and_then(|f| f.dyn_into().ok())
}

fn handle(data: &JsValue) {
    let text =
        js_sys::Reflect::get(data, &JsValue::from_str("msg")).ok().and_then(|v| v.as_string());
    let Some(msg) = text.and_then(|t| serde_json::from_str::<ToWorker>(&t).ok()) else {
        web_sys::console::error_1(&JsValue::from_str("worker: unreadable message"));
        return;
    };
    match msg {
        ToWorker::Load { job } => {
            let file = attached_file(data);
            match file {
                Some(file) => load(job, &file),
                None => post(&FromWorker::Failed { job, message: "no file was received".into() }),
            }
        }
        ToWorker::Run { job, spec } => {
            let start = now();
            let reply = TABLE.with_borrow(|t| match t {
                None => FromWorker::Failed { job, message: "load a data file first".into() },
                Some(table) => {
                    match cf_engine::analyze_with_progress(table, &spec, &mut to_the_end(job)) {
                        Ok(report) => FromWorker::Report { job, report, millis: now() - start },
                        Err(e) => FromWorker::Failed { job, message: e.to_string() },
                    }
                }
            });
            post(&reply);
        }
        ToWorker::Uplift { job, spec } => {
            let start = now();
            let reply = TABLE.with_borrow(|t| match t {
                None => FromWorker::Failed { job, message: "load a data file first".into() },
                Some(table) => match cf_engine::uplift::prepare(table, &spec) {
                    Err(e) => FromWorker::Failed { job, message: e.to_string() },
                    Ok(data) => {
                        let run = cf_engine::uplift::run(
                            &data,
                            &spec,
                            &|| now() / 1000.0,
                            &mut progress(job),
                        );
                        if run.report.models.is_empty() {
                            FromWorker::Failed { job, message: run.errors.join("; ") }
                        } else {
                            let mut report = run.report.clone();
                            // The held-out rows of several arms, for the best arm per customer
                            // net of its cost on the page.
                            report.policy = cf_engine::uplift::policy_rows(&data, &run);
                            LAST_UPLIFT.with_borrow_mut(|l| {
                                *l = Some(LastUplift { spec: *spec, data, run });
                            });
                            FromWorker::Uplift { job, report, millis: now() - start }
                        }
                    }
                },
            });
            post(&reply);
        }
        ToWorker::TargetingList { job, chosen } => {
            post(&with_fit(
                job,
                &chosen.spec,
                |table, last| match cf_engine::uplift::targeting_csv(
                    table,
                    &last.data,
                    &last.run,
                    chosen.focus,
                    chosen.treat,
                    chosen.key.as_deref(),
                    chosen.pricing.as_ref(),
                ) {
                    Ok(csv) => FromWorker::TargetingList { job, csv },
                    Err(e) => FromWorker::Failed { job, message: e.to_string() },
                },
            ));
        }
        ToWorker::ModelFile { job, chosen } => {
            post(&with_fit(job, &chosen.spec, |_, last| match save_model(last, &chosen) {
                Ok(json) => FromWorker::ModelFile { job, json: json + "\n" },
                Err(e) => FromWorker::Failed { job, message: e.to_string() },
            }));
        }
        ToWorker::ScoreFile { job, chosen } => {
            let file = attached_file(data);
            let Some(file) = file else {
                return post(&FromWorker::Failed { job, message: "no file was received".into() });
            };
            post(&with_fit(job, &chosen.spec, |_, last| score_file(job, &file, last, &chosen)));
        }
        ToWorker::ScoreLoaded { job } => {
            let file = attached_file(data);
            let Some(file) = file else {
                return post(&FromWorker::Failed { job, message: "no file was received".into() });
            };
            post(&score_loaded(job, &file));
        }
        ToWorker::Refute { job, spec, refuters, replications } => {
            let start = now();
            let reply = TABLE.with_borrow(|t| match t {
                None => FromWorker::Failed { job, message: "load a data file first".into() },
                Some(table) => {
                    match cf_engine::refute(
                        table,
                        &spec,
                        &refuters,
                        replications,
                        &mut to_the_end(job),
                    ) {
                        Ok(report) => FromWorker::Refuted { job, report, millis: now() - start },
                        Err(e) => FromWorker::Failed { job, message: e.to_string() },
                    }
                }
            });
            post(&reply);
        }
        ToWorker::Discover { job, spec } => {
            let start = now();
            let reply = TABLE.with_borrow(|t| match t {
                None => FromWorker::Failed { job, message: "load a data file first".into() },
                Some(table) => {
                    match cf_engine::discover::discover(table, &spec, &mut progress(job)) {
                        Ok(report) => FromWorker::Discovered {
                            job,
                            report: Box::new(report),
                            millis: now() - start,
                        },
                        Err(message) => FromWorker::Failed { job, message },
                    }
                }
            });
            post(&reply);
        }
        ToWorker::Benchmark { job, spec } => {
            let file = attached_file(data);
            let Some(file) = file else {
                return post(&FromWorker::Failed { job, message: "no file was received".into() });
            };
            post(&benchmark(job, &file, &spec));
        }
        ToWorker::Test { job, list } => {
            let reply = TABLE.with_borrow(|t| match t {
                None => FromWorker::Failed { job, message: "load a data file first".into() },
                Some(table) => {
                    FromWorker::Tested { job, tests: cf_engine::test_independences(table, &list) }
                }
            });
            post(&reply);
        }
    }
}

/// `f` on the loaded table and the fit `spec`: the last fit when it is `spec`'s, else `spec`
/// fitted again (the worker was restarted, or another fit ran since; fits are deterministic, so
/// the answer is the same).
fn with_fit(
    job: u32,
    spec: &cf_engine::uplift::UpliftSpec,
    f: impl FnOnce(&Table, &LastUplift) -> FromWorker,
) -> FromWorker {
    TABLE.with_borrow(|t| match t {
        None => FromWorker::Failed { job, message: "load a data file first".into() },
        Some(table) => LAST_UPLIFT.with_borrow_mut(|last| {
            if last.as_ref().is_none_or(|l| l.spec != *spec) {
                *last = cf_engine::uplift::prepare(table, spec).ok().map(|data| {
                    let run = cf_engine::uplift::run(&data, spec, &|| 0.0, &mut progress(job));
                    LastUplift { spec: spec.clone(), data, run }
                });
            }
            match last.as_ref() {
                Some(l) => f(table, l),
                None => FromWorker::Failed {
                    job,
                    message: "the models could not be fitted again".into(),
                },
            }
        }),
    })
}

/// The model file of `last` with the decision `chosen`.
fn save_model(
    last: &LastUplift,
    chosen: &Chosen,
) -> Result<String, cf_engine::uplift::UpliftError> {
    cf_engine::model_file::save(
        &last.data,
        &last.run,
        chosen.focus,
        chosen.share,
        chosen.key.as_deref(),
        chosen.pricing.as_ref(),
    )
}

/// Scores `file` with the model of `last`: the model goes through its file's text exactly as a
/// download would, so the page's list is the one `counterfact score` makes from that download.
fn score_file(job: u32, file: &File, last: &LastUplift, chosen: &Chosen) -> FromWorker {
    let failed = |message: String| FromWorker::Failed { job, message };
    let name = file.name();
    let model = match save_model(last, chosen)
        .map_err(|e| e.to_string())
        .and_then(|text| cf_engine::model_file::load(&text).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => return failed(e),
    };
    let table = match read_other(file) {
        Ok(t) => t,
        Err(e) => return failed(format!("{name}: {e}")),
    };
    let options = cf_engine::model_file::ScoreOptions { key: None, share: Some(chosen.share) };
    match cf_engine::model_file::score(&table, &model, &options) {
        Ok(s) => FromWorker::Scored {
            job,
            name,
            csv: s.csv,
            rows: s.rows,
            scored: s.scored,
            treated: s.treated,
        },
        Err(e) => failed(format!("{name}: {e}")),
    }
}

/// The difference in means of the experimental `file` for `spec`'s treatment and outcome.
fn benchmark(job: u32, file: &File, spec: &cf_engine::AnalysisSpec) -> FromWorker {
    let failed = |message: String| FromWorker::Failed { job, message };
    let name = file.name();
    let table = match read_other(file) {
        Ok(t) => t,
        Err(e) => return failed(format!("{name}: {e}")),
    };
    match cf_engine::experiment::benchmark(&table, spec) {
        Ok(benchmark) => FromWorker::Benchmarked { job, name, benchmark },
        Err(e) => failed(format!("{name}: {e}")),
    }
}

/// Reads a second file into a table of its own (the loaded one stays), within the read limits.
fn read_other(file: &File) -> Result<Table, String> {
    let mut reader = FileChunks::new(file)?;
    let options = cf_data::ReadOptions {
        size_hint: Some(file.size() as u64),
        limits: protocol::READ_LIMITS,
        ..Default::default()
    };
    cf_data::read_csv(&mut reader, &options, &mut |_| true)
        .map(|(table, _)| table)
        .map_err(|e| e.to_string())
}

/// Largest model file read (a forest of 1,000 deep trees stays far below).
const MAX_MODEL_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// Scores the loaded table with the model file `file`.
fn score_loaded(job: u32, file: &File) -> FromWorker {
    let failed = |message: String| FromWorker::Failed { job, message };
    let name = file.name();
    if file.size() > MAX_MODEL_BYTES {
        return failed(format!("{name} is larger than any model file (256 MB): is it one?"));
    }
    let mut reader = match FileChunks::new(file) {
        Ok(r) => r,
        Err(message) => return failed(message),
    };
    let mut text = String::new();
    if let Err(e) = reader.read_to_string(&mut text) {
        return failed(format!("{name}: {e}"));
    }
    let model = match cf_engine::model_file::load(&text) {
        Ok(m) => m,
        Err(e) => return failed(format!("{name}: {e}")),
    };
    TABLE.with_borrow(|t| match t {
        None => failed("load a data file first".into()),
        Some(table) => {
            let options = cf_engine::model_file::ScoreOptions::default();
            match cf_engine::model_file::score(table, &model, &options) {
                Ok(s) => {
                    let b = &model.body;
                    FromWorker::ScoredLoaded {
                        job,
                        csv: s.csv,
                        rows: s.rows,
                        scored: s.scored,
                        treated: s.treated,
                        model: b.model.as_str().to_string(),
                        fitted_for: (b.treatment.clone(), b.outcome.clone()),
                        n_train: b.training.n_train,
                        share: b.decision.share,
                    }
                }
                Err(e) => failed(e.to_string()),
            }
        }
    })
}

fn load(job: u32, file: &File) {
    let start = now();
    let total = file.size();
    let mut reader = match FileChunks::new(file) {
        Ok(r) => r,
        Err(message) => return post(&FromWorker::Failed { job, message }),
    };
    let mut last_post = 0.0;
    let mut progress = |loaded: u64| {
        let t = now();
        if t - last_post > 50.0 {
            last_post = t;
            post(&FromWorker::Progress { job, loaded: loaded as f64, total });
        }
        true
    };
    let name = file.name();
    let options = cf_data::ReadOptions {
        size_hint: Some(total as u64),
        limits: protocol::READ_LIMITS,
        ..Default::default()
    };
    match cf_data::read_csv(&mut reader, &options, &mut progress) {
        Ok((table, warnings)) => {
            let summary = cf_engine::summarize(&table, &warnings, PREVIEW_ROWS);
            TABLE.with_borrow_mut(|t| *t = Some(table));
            LAST_UPLIFT.with_borrow_mut(|l| *l = None);
            // Whatever the parser left unread still belongs to the file's fingerprint.
            let mut rest = [0u8; 8192];
            while matches!(reader.read(&mut rest), Ok(n) if n > 0) {}
            let hash = cf_share::hash_hex(reader.hash);
            let text = reader.kept.take().and_then(|b| String::from_utf8(b).ok());
            post(&FromWorker::Loaded { job, summary, millis: now() - start, hash, text });
        }
        Err(e) => post(&FromWorker::Failed { job, message: format!("{name}: {e}") }),
    }
}

/// A `File` as a [`Read`]er: synchronous chunked reads (workers may block).
struct FileChunks {
    blob: Blob,
    reader: FileReaderSync,
    offset: f64,
    size: f64,
    buf: Vec<u8>,
    pos: usize,
    /// FNV-1a of the bytes read so far.
    hash: u64,
    /// The bytes read so far, for a small file.
    kept: Option<Vec<u8>>,
}

impl FileChunks {
    fn new(file: &File) -> Result<Self, String> {
        let reader = FileReaderSync::new()
            .map_err(|_| "this browser cannot read files in a worker".to_string())?;
        Ok(FileChunks {
            blob: file.clone().into(),
            reader,
            offset: 0.0,
            size: file.size(),
            buf: Vec::new(),
            pos: 0,
            hash: cf_share::FNV_START,
            kept: (file.size() <= protocol::KEEP_TEXT).then(Vec::new),
        })
    }
}

impl Read for FileChunks {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.buf.len() {
            if self.offset >= self.size {
                return Ok(0);
            }
            let end = (self.offset + CHUNK).min(self.size);
            let slice = self
                .blob
                .slice_with_f64_and_f64(self.offset, end)
                .map_err(|_| std::io::Error::other("the file could not be sliced"))?;
            let buffer = self.reader.read_as_array_buffer(&slice).map_err(|_| {
                std::io::Error::other("the file could not be read (was it moved or deleted?)")
            })?;
            self.buf = js_sys::Uint8Array::new(&buffer).to_vec();
            self.hash = cf_share::fnv1a_update(self.hash, &self.buf);
            if let Some(kept) = &mut self.kept {
                kept.extend_from_slice(&self.buf);
            }
            self.pos = 0;
            self.offset = end;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
