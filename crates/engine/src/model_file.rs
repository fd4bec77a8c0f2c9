//! A fitted uplift model as a file: saved from a fit, read back, and used to score another file
//! with the same covariate columns (next month's customers) without the treatment or outcome.
//!
//! The file is JSON: `format` (always [`FORMAT`]), `version` ([`VERSION`]: a file of another
//! version is refused, not guessed at), `counterfact` (the version that wrote it), `checksum`
//! and `body`. The body holds the model's name, the columns it reads and how each covariate is
//! computed from them ([`Encoding`]: a category's levels, a missing value's fill), the decision
//! (which arm ranks, which share is treated) and the fitted trees or coefficients. `checksum` is
//! the FNV-1a hash of the body's compact JSON: an edit by hand or a damaged download is caught
//! and named. It is an integrity check, not a signature.
//!
//! Numbers are written so that they read back to the same bits (`serde_json`'s round-trip
//! floats), so [`score`] on the file a fit came from gives that fit's targeting list byte for
//! byte.

use cf_data::{ColumnData, Table};
use serde::{Deserialize, Serialize};

use crate::design::{Encoding, Input, InputKind};
use crate::uplift::{
    FittedUplift, ListSpec, UpliftData, UpliftError, UpliftModel, UpliftRun, write_list,
};

/// The `format` field of every model file.
pub const FORMAT: &str = "counterfact-uplift-model";
/// The version of the file's layout this build writes and reads.
pub const VERSION: u32 = 1;

/// A model file as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    /// The Counterfact version that wrote it.
    pub counterfact: String,
    /// FNV-1a (64 bits, hex) of the body's compact JSON.
    pub checksum: String,
    /// The model.
    pub body: ModelBody,
}

/// What a model file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelBody {
    /// The model's name as `--model` takes it.
    pub model: UpliftModel,
    /// The outcome and treatment it was fitted for (not read when scoring).
    pub outcome: String,
    /// The treatment column.
    pub treatment: String,
    /// The arms' levels of a multi-arm treatment (`None` for 0/1).
    pub arms: Option<Vec<String>>,
    /// The table's columns it reads.
    pub inputs: Vec<Input>,
    /// How each covariate is computed from them, in the order fitted.
    pub encoding: Vec<Encoding>,
    /// The covariates' names.
    pub covariates: Vec<String>,
    /// Which customers a list treats.
    pub decision: SavedDecision,
    /// The fit it came from, for the reader.
    pub training: Training,
    /// The fitted model.
    pub fitted: FittedUplift,
}

/// The decision a model file carries: rank by one arm's predicted uplift, treat the top share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedDecision {
    /// The arm that ranks (0 = the first; 0 for a 0/1 treatment).
    pub rank_by: usize,
    /// The share of the scored rows treated (the top `round(share · rows)`).
    pub share: f64,
    /// What a treated row's decision says: `treat`, or the arm's level.
    pub label: String,
    /// The key column written beside the row number, when the fit had one.
    pub key: Option<String>,
    /// For a treatment with several arms priced apart: the value and each arm's costs. A list
    /// then ranks by each row's best arm net of its cost and treats with that arm
    /// ([`crate::uplift::ListSpec::pricing`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<crate::uplift::ArmPricing>,
}

/// Facts about the fit a model came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// Training rows.
    pub n_train: usize,
    /// Held-out rows.
    pub n_test: usize,
    /// The ranking arm's Qini coefficient and AUUC on the held-out rows.
    pub qini: f64,
    /// AUUC.
    pub auuc: f64,
}

/// A problem with a model file, or with the file it should score.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelFileError {
    /// Not JSON, or not a model file.
    NotAModel(String),
    /// A model file of another layout version.
    Version {
        /// The file's version.
        found: u64,
    },
    /// The checksum does not match: changed after it was saved.
    Tampered,
    /// It parses but cannot be used.
    Damaged(String),
    /// The file to score does not have what the model reads.
    Columns(String),
}

impl std::fmt::Display for ModelFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelFileError::NotAModel(m) => write!(f, "not a Counterfact model file: {m}"),
            ModelFileError::Version { found } => write!(
                f,
                "a model file of version {found}; this Counterfact ({}) reads version {VERSION}: \
                 fit the model again here and save it",
                env!("CARGO_PKG_VERSION")
            ),
            ModelFileError::Tampered => write!(
                f,
                "the model file was changed after it was saved (its checksum does not match): \
                 save it again from the fit"
            ),
            ModelFileError::Damaged(m) => write!(f, "the model file is damaged: {m}"),
            ModelFileError::Columns(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ModelFileError {}

/// FNV-1a, 64 bits, as hex.
fn checksum(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The model file of the report's entry `focus` of `run` (a model fitted there, not a score
/// column), treating the top `share` of a scored file, with `key` as the key column and, for a
/// treatment with several arms, the `pricing` that picks each customer's arm.
///
/// # Errors
/// A `focus` that is not a fitted model, a share outside [0, 1], pricing that does not fit the
/// arms, or a fitted value JSON cannot hold (not a finite number).
pub fn save(
    data: &UpliftData,
    run: &UpliftRun,
    focus: usize,
    share: f64,
    key: Option<&str>,
    pricing: Option<&crate::uplift::ArmPricing>,
) -> Result<String, UpliftError> {
    let invalid = |m: &str| Err(UpliftError::Invalid(m.to_string()));
    if let Some(p) = pricing {
        crate::uplift::check_pricing(p, data.arms.as_deref().unwrap_or(&[]))?;
    }
    if !(0.0..=1.0).contains(&share) {
        return invalid("the share to treat must be between 0 and 1");
    }
    let Some(entry) = run.report.models.get(focus).filter(|_| focus < run.predictions.len()) else {
        return invalid("a model file needs a model fitted here (not a score column)");
    };
    let Some((model, fitted)) = run.fitted.iter().find(|(m, _)| m.as_str() == entry.model) else {
        return invalid("a model file needs a model fitted here (not a score column)");
    };
    // The entry's position among the model's arms.
    let rank_by = (0..focus).filter(|&k| run.report.models[k].model == entry.model).count();
    let body = ModelBody {
        model: *model,
        outcome: data.outcome.clone(),
        treatment: data.treatment.clone(),
        arms: data.arms.clone(),
        inputs: data.inputs.clone(),
        encoding: data.encoding.clone(),
        covariates: data.covariates.clone(),
        decision: SavedDecision {
            rank_by,
            share,
            label: entry.arm.clone().unwrap_or_else(|| "treat".into()),
            key: key.map(str::to_string),
            pricing: pricing.cloned(),
        },
        training: Training {
            n_train: data.n_train,
            n_test: data.n_test,
            qini: entry.qini,
            auuc: entry.auuc,
        },
        fitted: fitted.clone(),
    };
    let unstorable = |e: serde_json::Error| {
        UpliftError::Invalid(format!("the fitted model cannot be saved: {e}"))
    };
    let compact = serde_json::to_string(&body).map_err(unstorable)?;
    // A NaN or an infinity would be written as `null` and not read back: refuse now, not later.
    match serde_json::from_str::<ModelBody>(&compact) {
        Ok(back) if back == body => {}
        _ => {
            return invalid(
                "the fitted model holds a value a file cannot store (not a finite number)",
            );
        }
    }
    let file = ModelFile {
        format: FORMAT.into(),
        version: VERSION,
        counterfact: env!("CARGO_PKG_VERSION").into(),
        checksum: checksum(&compact),
        body,
    };
    serde_json::to_string_pretty(&file).map_err(unstorable)
}

/// Reads a model file: its format, version and checksum, then whether the model can predict.
///
/// # Errors
/// See [`ModelFileError`].
pub fn load(text: &str) -> Result<ModelFile, ModelFileError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ModelFileError::NotAModel(e.to_string()))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(ModelFileError::NotAModel(format!("its format is `{other}`")));
        }
        None => return Err(ModelFileError::NotAModel("it has no `format` field".into())),
    }
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(found) => return Err(ModelFileError::Version { found }),
        None => return Err(ModelFileError::Damaged("it has no `version` number".into())),
    }
    let file: ModelFile =
        serde_json::from_value(value).map_err(|e| ModelFileError::Damaged(e.to_string()))?;
    let compact =
        serde_json::to_string(&file.body).map_err(|e| ModelFileError::Damaged(e.to_string()))?;
    if checksum(&compact) != file.checksum {
        return Err(ModelFileError::Tampered);
    }
    let b = &file.body;
    let arms = b.arms.as_ref().map_or(1, Vec::len);
    if b.encoding.len() != b.covariates.len() {
        return Err(ModelFileError::Damaged(format!(
            "{} encodings for {} covariates",
            b.encoding.len(),
            b.covariates.len()
        )));
    }
    if let Some(e) = b.encoding.iter().find(|e| !b.inputs.iter().any(|i| i.column == e.column())) {
        return Err(ModelFileError::Damaged(format!("`{}` is not among its inputs", e.column())));
    }
    if b.decision.rank_by >= arms || !(0.0..=1.0).contains(&b.decision.share) {
        return Err(ModelFileError::Damaged("its decision does not fit the model".into()));
    }
    if let Some(p) = &b.decision.pricing {
        crate::uplift::check_pricing(p, b.arms.as_deref().unwrap_or(&[]))
            .map_err(|e| ModelFileError::Damaged(format!("its costs per arm: {e}")))?;
    }
    b.fitted.check(b.covariates.len(), arms).map_err(ModelFileError::Damaged)?;
    Ok(file)
}

/// How to score: the key column and the share treated (the file's when `None`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreOptions {
    /// A column of the scored file written beside the row number (the saved key when `None`,
    /// if the file has it).
    pub key: Option<String>,
    /// The share of the scored rows treated.
    pub share: Option<f64>,
}

/// A scored file.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The targeting list, as [`crate::uplift::targeting_list`] writes it.
    pub csv: String,
    /// Rows of the file.
    pub rows: usize,
    /// Rows scored (the others miss a value the model cannot do without).
    pub scored: usize,
    /// Rows marked treated.
    pub treated: usize,
}

/// The targeting list of `table` under the model `file`: the covariates built from the table's
/// columns as the fit built them, every row's predicted uplift per arm, the rank by the saved
/// arm and the top share treated. A row missing a value the fit had no fill or indicator for is
/// listed unscored (`none (missing values)`).
///
/// # Errors
/// A column the model reads that the table lacks or holds the wrong kind of values in, a level
/// the model does not know (named with its row), a key column that is not in the table, a share
/// outside [0, 1], no row that can be scored.
pub fn score(
    table: &Table,
    file: &ModelFile,
    options: &ScoreOptions,
) -> Result<Scored, UpliftError> {
    let b = &file.body;
    let columns = |m: String| UpliftError::Invalid(m);
    let n = table.n_rows();
    // Rows with every value the model needs.
    let mut ok = vec![true; n];
    for input in &b.inputs {
        let Some(col) = table.column(&input.column) else {
            let names: Vec<String> = b.inputs.iter().map(|i| format!("`{}`", i.column)).collect();
            return Err(columns(format!(
                "the file has no column `{}`; the model reads {}",
                input.column,
                names.join(", ")
            )));
        };
        let tolerated = b.encoding.iter().any(|e| {
            matches!(e, Encoding::Missing { column } | Encoding::Imputed { column, .. } if column == &input.column)
        });
        check_input(input, col)?;
        if !tolerated {
            for (r, slot) in ok.iter_mut().enumerate() {
                if col.display(r).is_empty() {
                    *slot = false;
                }
            }
        }
    }
    let rows: Vec<usize> = (0..n).filter(|&r| ok[r]).collect();
    if rows.is_empty() {
        return Err(columns("no row of the file has every value the model reads".into()));
    }
    let x: Vec<Vec<f64>> = b
        .encoding
        .iter()
        .map(|e| {
            // Checked above: every input is in the table.
            let col = table.column(e.column());
            rows.iter().map(|&r| col.map_or(f64::NAN, |c| encoded(e, c, r))).collect()
        })
        .collect();
    let xr: Vec<&[f64]> = x.iter().map(|c| &c[..]).collect();
    let arms = b.arms.as_ref().map_or(1, Vec::len);
    let predictions = b.fitted.predict(&xr, arms);
    let names: Vec<String> = match &b.arms {
        Some(a) => a.iter().map(|a| format!("uplift:{a}")).collect(),
        None => vec!["uplift".into()],
    };
    let list_columns: Vec<(String, &[f64])> =
        names.into_iter().zip(&predictions).map(|(n, p)| (n, &p[..])).collect();
    let share = options.share.unwrap_or(b.decision.share);
    if !(0.0..=1.0).contains(&share) {
        return Err(columns("the share to treat must be between 0 and 1".into()));
    }
    let treat = (share * rows.len() as f64).round() as usize;
    let key = match (&options.key, &b.decision.key) {
        (Some(k), _) => Some(k.as_str()),
        (None, Some(k)) if table.column(k).is_some() => Some(k.as_str()),
        _ => None,
    };
    let no_arms: &[String] = &[];
    let spec = ListSpec {
        columns: &list_columns,
        rank_by: b.decision.rank_by,
        treat,
        treat_label: &b.decision.label,
        key,
        pricing: b.decision.pricing.as_ref().map(|p| (p, b.arms.as_deref().unwrap_or(no_arms))),
    };
    let csv = write_list(table, &rows, &spec)?;
    Ok(Scored { csv, rows: n, scored: rows.len(), treated: treat.min(rows.len()) })
}

/// Whether `col` holds what `input` says: numbers for a numeric input, known levels for a
/// categorical one.
fn check_input(input: &Input, col: &cf_data::Column) -> Result<(), UpliftError> {
    let name = &input.column;
    let fail = |m: String| Err(UpliftError::Invalid(m));
    match (&input.kind, col.data()) {
        (
            InputKind::Number | InputKind::Categories { .. },
            ColumnData::Categorical { codes, .. },
        ) => {
            // The first entry that is not a number.
            let r = (0..codes.len())
                .find(|&r| codes[r].is_some() && col.display(r).trim().parse::<f64>().is_err())
                .unwrap_or(0);
            fail(format!(
                "the column `{name}` must hold numbers, as it did in the fit; row {} holds `{}`",
                r + 1,
                col.display(r)
            ))
        }
        (InputKind::Categories { values }, ColumnData::Numeric(v)) => {
            match v.iter().position(|x| !x.is_nan() && !values.contains(x)) {
                Some(r) => fail(format!(
                    "the column `{name}`, row {}: {} is not a value the model knows ({})",
                    r + 1,
                    v[r],
                    values.iter().map(|v| format!("{v}")).collect::<Vec<_>>().join(", ")
                )),
                None => Ok(()),
            }
        }
        (InputKind::Text { levels }, _) => {
            let unknown = (0..col.len()).find(|&r| {
                let v = col.display(r);
                !v.is_empty() && !levels.contains(&v)
            });
            match unknown {
                Some(r) => fail(format!(
                    "the column `{name}`, row {}: `{}` is not a level the model knows ({})",
                    r + 1,
                    col.display(r),
                    levels.join(", ")
                )),
                None => Ok(()),
            }
        }
        (InputKind::Number, ColumnData::Numeric(_)) => Ok(()),
    }
}

/// Row `r`'s value of the covariate `e` from its column `col`.
fn encoded(e: &Encoding, col: &cf_data::Column, r: usize) -> f64 {
    let text = || col.display(r);
    let number = || match col.data() {
        ColumnData::Numeric(v) => v.get(r).copied().unwrap_or(f64::NAN),
        ColumnData::Categorical { .. } => f64::NAN,
    };
    let flag = |b: bool| f64::from(u8::from(b));
    match e {
        Encoding::Numeric { .. } => number(),
        Encoding::Imputed { fill, .. } => {
            let v = number();
            if v.is_nan() { *fill } else { v }
        }
        Encoding::Missing { .. } => flag(text().is_empty()),
        Encoding::Level { level, .. } => flag(&text() == level),
        Encoding::Value { value, .. } => flag(number() == *value),
    }
}
