//! Share links: a whole analysis — roles, methods and settings, the causal graph, a fingerprint of
//! the data and, when the user asks, the data itself — as text for a URL fragment (never sent to a
//! server).
//!
//! Format: `v<version>.<payload>`, where the payload is the analysis as JSON, compressed with raw
//! DEFLATE and written in unpadded base64url. Reading ignores fields it does not know (a link
//! from a newer release still opens), migrates older versions, and refuses what is malformed,
//! truncated, too large or hostile with a message, never a panic: the decoder has bounds on the
//! text length and the inflated size and is fuzzed (`fuzz/`).

#![warn(missing_docs)]

use std::borrow::Cow;
use std::fmt;

use base64::engine::general_purpose::{self, GeneralPurpose};
use base64::{Engine as _, alphabet};
use cf_engine::AnalysisSpec;
use serde::{Deserialize, Serialize};

/// The format written.
pub const VERSION: u32 = 2;
/// Longest link text read (characters after `#`).
pub const MAX_TEXT: usize = 2 << 20;
/// Largest inflated payload read.
pub const MAX_JSON: usize = 8 << 20;
/// Largest compressed payload [`encode`] embeds data into (about what browsers keep in a URL
/// comfortably).
pub const MAX_EMBEDDED: usize = 32 << 10;

/// What identifies a data file without containing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Column names, in file order.
    pub columns: Vec<String>,
    /// Data rows.
    pub n_rows: usize,
    /// FNV-1a 64-bit hash of the file's bytes, in hex.
    pub hash: String,
}

impl Fingerprint {
    /// The fingerprint of a file.
    pub fn of(columns: Vec<String>, n_rows: usize, bytes: &[u8]) -> Self {
        Fingerprint { columns, n_rows, hash: hash_hex(fnv1a(bytes)) }
    }

    /// How `other` (a file the user dropped) differs from this one, for a message; `None` when it
    /// is the same file.
    pub fn mismatch(&self, other: &Fingerprint) -> Option<String> {
        if self == other {
            return None;
        }
        let missing: Vec<&String> =
            self.columns.iter().filter(|c| !other.columns.contains(c)).collect();
        Some(if !missing.is_empty() {
            let list: Vec<String> = missing.iter().take(5).map(|c| format!("`{c}`")).collect();
            format!(
                "this file lacks the {} {} that the link's analysis uses",
                if missing.len() == 1 { "column" } else { "columns" },
                list.join(", ")
            )
        } else if self.n_rows != other.n_rows {
            format!(
                "this file has {}; the link was made from one with {}: the numbers will differ",
                cf_engine::format::plural(other.n_rows, "row", "rows"),
                cf_engine::format::count(self.n_rows)
            )
        } else {
            "this file's content differs from the one the link was made from: the numbers may differ"
                .to_string()
        })
    }
}

/// FNV-1a's starting state.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits, continued from state `h` over `bytes`: a file read in chunks is hashed as
/// `chunks.fold(FNV_START, fnv1a_update)`.
pub fn fnv1a_update(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// FNV-1a, 64 bits, of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_update(FNV_START, bytes)
}

/// A hash as a [`Fingerprint`] writes it (16 hex digits).
pub fn hash_hex(h: u64) -> String {
    format!("{h:016x}")
}

/// A shared analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    /// Format version.
    pub v: u32,
    /// The analysis settings.
    #[serde(default)]
    pub spec: Option<AnalysisSpec>,
    /// The causal graph, as DAGitty model code.
    #[serde(default)]
    pub graph: Option<String>,
    /// The data the analysis was made on.
    #[serde(default)]
    pub fingerprint: Option<Fingerprint>,
    /// The data itself (CSV text), when the user chose to embed it.
    #[serde(default)]
    pub data: Option<String>,
    /// The bundled example the data is (the page fetches it from its own site), by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// "Who responds" and "Whom to target": the models, the split, the costs and values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uplift: Option<SharedUplift>,
    /// "Can it be trusted?": the refuters' settings and the sensitivity benchmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<SharedTrust>,
}

/// The settings of "Can it be trusted?" in a link (a field a link does not have takes the
/// page's default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedTrust {
    /// The method the refuters refit (`None`: the page's pick, OLS when it ran).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refute_method: Option<cf_engine::Method>,
    /// Replications of each refuter.
    pub replications: usize,
    /// The covariate a confounder is compared with (`None`: the page's pick).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity_benchmark: Option<String>,
}

impl Default for SharedTrust {
    fn default() -> Self {
        SharedTrust { refute_method: None, replications: 100, sensitivity_benchmark: None }
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            v: VERSION,
            spec: None,
            graph: None,
            fingerprint: None,
            data: None,
            example: None,
            uplift: None,
            trust: None,
        }
    }
}

/// The uplift section's settings in a link (a field a link does not have takes the page's
/// default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedUplift {
    /// The models ticked (`None`: the page's defaults for the outcome).
    pub models: Option<Vec<cf_engine::uplift::UpliftModel>>,
    /// Share of rows held out, without a split column.
    pub test_fraction: f64,
    /// The 0/1 column marking held-out rows.
    pub split_column: Option<String>,
    /// The trees' and forests' settings.
    pub tree: cf_engine::uplift::TreeOptions,
    /// Value of a conversion and the costs of treating.
    pub economics: cf_engine::uplift::Economics,
    /// The largest share of customers targeted.
    pub budget_share: f64,
    /// A budget in customers instead, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_customers: Option<usize>,
    /// The targeting list's key column.
    pub key: Option<String>,
    /// For a treatment with several arms: each arm's costs, in the arms' order (the value is
    /// `economics.value`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub arm_costs: Vec<cf_engine::uplift::ArmCost>,
    /// A column of each row's true uplift (simulated data), to judge the rankings by.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truth_column: Option<String>,
}

impl Default for SharedUplift {
    fn default() -> Self {
        SharedUplift {
            models: None,
            test_fraction: 0.3,
            split_column: None,
            tree: Default::default(),
            economics: cf_engine::uplift::Economics {
                value: 1.0,
                cost_per_treated: 0.0,
                cost_per_conversion: 0.0,
            },
            budget_share: 1.0,
            budget_customers: None,
            key: None,
            arm_costs: Vec::new(),
            truth_column: None,
        }
    }
}

/// Why a link cannot be read (or written).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShareError {
    /// Not of the form `v<n>.<payload>`.
    NotALink,
    /// Longer than [`MAX_TEXT`] or inflating beyond [`MAX_JSON`].
    TooLarge,
    /// A character outside base64url, at this position.
    BadCharacter(usize),
    /// The compressed payload is cut short or corrupt.
    Corrupt,
    /// The payload is not an analysis.
    BadContent(String),
    /// The link's checksum does not match its payload: it was changed after it was made.
    Modified,
    /// Made by a newer version of the format.
    Newer(u32),
    /// Data too large to embed.
    DataTooLarge {
        /// Its compressed size in bytes.
        compressed: usize,
    },
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::NotALink => write!(f, "this is not a Counterfact share link"),
            ShareError::TooLarge => write!(f, "the share link is too large to open"),
            ShareError::BadCharacter(at) => {
                write!(f, "the share link is damaged (an unexpected character at position {at})")
            }
            ShareError::Corrupt => {
                write!(f, "the share link is damaged or cut short (was it copied completely?)")
            }
            ShareError::BadContent(why) => {
                write!(f, "the share link does not hold an analysis: {why}")
            }
            ShareError::Modified => write!(
                f,
                "the share link has been changed since it was made (a character differs or is missing): ask for the link again, or copy it whole"
            ),
            ShareError::Newer(v) => write!(
                f,
                "the share link was made by a newer version of Counterfact (format {v}); reload the page to update it"
            ),
            ShareError::DataTooLarge { compressed } => write!(
                f,
                "the data is too large to put in a link ({} KB compressed, at most {} KB): share the link without data and send the file separately",
                compressed / 1024,
                MAX_EMBEDDED / 1024
            ),
        }
    }
}

impl std::error::Error for ShareError {}

/// Writes `shared` as link text (without the `#`).
///
/// # Errors
/// [`ShareError::DataTooLarge`] when embedded data makes the link too long.
pub fn encode(shared: &Shared) -> Result<String, ShareError> {
    let mut s = shared.clone();
    s.v = VERSION;
    let json = serde_json::to_vec(&s).map_err(|_| unreadable())?;
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    if s.data.is_some() && packed.len() > MAX_EMBEDDED {
        return Err(ShareError::DataTooLarge { compressed: packed.len() });
    }
    let body = format!("v{VERSION}.{}", WRITE.encode(&packed));
    let check = checksum(&body);
    Ok(format!("{body}.{check}"))
}

/// The checksum of a link's text before it: FNV-1a of the text, as 11 base64url characters. A
/// changed character always changes it (each FNV-1a step is a bijection of the state).
fn checksum(body: &str) -> String {
    WRITE.encode(fnv1a(body.as_bytes()).to_be_bytes())
}

/// The message for a payload that is not an analysis this page can read (no parser's wording:
/// it would only confuse).
fn unreadable() -> ShareError {
    ShareError::BadContent("it holds settings this version of the page does not know".into())
}

/// Reads link text (with or without a leading `#`).
///
/// # Errors
/// See [`ShareError`]; never panics, whatever the text.
pub fn decode(text: &str) -> Result<Shared, ShareError> {
    let text = text.strip_prefix('#').unwrap_or(text).trim();
    if text.len() > MAX_TEXT {
        return Err(ShareError::TooLarge);
    }
    let (version, payload) =
        text.strip_prefix('v').and_then(|rest| rest.split_once('.')).ok_or(ShareError::NotALink)?;
    let version: u32 = version.parse().map_err(|_| ShareError::NotALink)?;
    if version == 0 {
        return Err(ShareError::NotALink);
    }
    if version > VERSION {
        return Err(ShareError::Newer(version));
    }
    // From version 2 on, a checksum follows the payload (version 1 links have none).
    let payload = if version >= 2 {
        let (payload, check) = payload.rsplit_once('.').ok_or(ShareError::Modified)?;
        let body_len = text.len() - check.len() - 1;
        if checksum(&text[..body_len]) != check {
            return Err(ShareError::Modified);
        }
        payload
    } else {
        payload
    };
    let packed = decode_payload(payload)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON).map_err(
        |e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
            _ => ShareError::Corrupt,
        },
    )?;
    let value: serde_json::Value = serde_json::from_slice(&json).map_err(|_| unreadable())?;
    let value = migrate(value)?;
    let shared: Shared = serde_json::from_value(value).map_err(|_| unreadable())?;
    validate(&shared)?;
    Ok(shared)
}

/// Brings an older payload to the current format. (Version 1 is the first; version 2 has the same
/// payload and adds the link's checksum. A later version adds its step here, from the oldest up.)
fn migrate(value: serde_json::Value) -> Result<serde_json::Value, ShareError> {
    let v = value.get("v").and_then(serde_json::Value::as_u64).unwrap_or(0);
    match v {
        1 | 2 => {
            let mut value = value;
            value["v"] = serde_json::Value::from(VERSION);
            Ok(value)
        }
        0 => Err(ShareError::BadContent("no format version".into())),
        n => Err(ShareError::Newer(u32::try_from(n).unwrap_or(u32::MAX))),
    }
}

/// Sanity limits on what a link may ask of the page.
fn validate(s: &Shared) -> Result<(), ShareError> {
    let bad = |why: &str| Err(ShareError::BadContent(why.to_string()));
    if let Some(spec) = &s.spec {
        let names = [&spec.treatment, &spec.outcome]
            .into_iter()
            .chain(spec.covariates.iter().flatten())
            .chain(&spec.instruments);
        if names.clone().any(|n| n.len() > 1000)
            || spec.covariates.as_ref().is_some_and(|c| c.len() > 10_000)
        {
            return bad("a column name or list is implausibly long");
        }
        if let Err(e) = spec.options.validate() {
            return Err(ShareError::BadContent(e.to_string()));
        }
        if let Some(why) = not_from_the_page(spec) {
            return bad(&why);
        }
    }
    if s.example.as_ref().is_some_and(|e| {
        e.is_empty() || e.len() > 64 || !e.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    }) {
        return bad("the example name is not one of this page's");
    }
    if s.graph.as_ref().is_some_and(|g| g.len() > 1 << 20) {
        return bad("the graph is too large");
    }
    if let Some(t) = &s.trust {
        if !(2..=cf_engine::refutation::MAX_REPLICATIONS).contains(&t.replications) {
            return bad("its number of refutation replications is out of range");
        }
        if t.sensitivity_benchmark.as_ref().is_some_and(|b| b.len() > 1000) {
            return bad("its sensitivity benchmark's name is implausibly long");
        }
    }
    if let Some(u) = &s.uplift {
        let e = &u.economics;
        if [e.value, e.cost_per_treated, e.cost_per_conversion]
            .iter()
            .chain(u.arm_costs.iter().flat_map(|c| [&c.cost_per_treated, &c.cost_per_conversion]))
            .any(|x| !x.is_finite() || *x < 0.0)
            || u.arm_costs.len() > 256
        {
            return bad("its value or costs are not numbers of at least 0");
        }
        let within = |x: f64, hi_in: bool| x > 0.0 && (x < 1.0 || (hi_in && x == 1.0));
        if !within(u.budget_share, true) || !within(u.test_fraction, false) {
            return bad("its budget or held-out share is not between 0 and 1");
        }
        if u.models.as_ref().is_some_and(|m| m.len() > 64)
            || [&u.split_column, &u.key, &u.truth_column]
                .iter()
                .any(|c| c.as_ref().is_some_and(|c| c.len() > 1000))
        {
            return bad("its uplift models or column names are implausibly long");
        }
    }
    Ok(())
}

/// Why `spec` is not one the page could have made (a link edited by hand, or by another
/// program): every role a column, no column in two roles, each method once, 2SLS only with an
/// instrument, one instrument at most, categories only among the covariates, and neither a fold
/// column nor a seed, a base learner or boosting settings other than the defaults, which the
/// page never sets.
fn not_from_the_page(spec: &AnalysisSpec) -> Option<String> {
    let quoted = |n: &str| format!("\"{n}\"");
    if spec.treatment.is_empty() || spec.outcome.is_empty() {
        return Some("it names no treatment or no outcome".into());
    }
    if spec.treatment == spec.outcome {
        return Some(format!("{} is both the treatment and the outcome", quoted(&spec.treatment)));
    }
    let covariates = spec.covariates.as_deref().unwrap_or_default();
    for (k, c) in covariates.iter().enumerate() {
        if covariates[..k].contains(c) {
            return Some(format!("the covariate {} is listed twice", quoted(c)));
        }
        if *c == spec.treatment || *c == spec.outcome || spec.instruments.contains(c) {
            return Some(format!("{} is a covariate and has another role", quoted(c)));
        }
    }
    for (k, m) in spec.methods.iter().enumerate() {
        if spec.methods[..k].contains(m) {
            return Some(format!("the method {} is listed twice", quoted(m.as_str())));
        }
    }
    if spec.methods.contains(&cf_engine::Method::TwoSls) && spec.instruments.is_empty() {
        return Some("it asks for instrumental variables without an instrument".into());
    }
    if spec.instruments.len() > 1 {
        return Some("it names more than one instrument, and the page takes one".into());
    }
    if let Some(z) = spec.instruments.iter().find(|z| **z == spec.treatment || **z == spec.outcome)
    {
        return Some(format!("{} is the instrument and has another role", quoted(z)));
    }
    if let Some(c) = spec.categorical.iter().find(|c| !covariates.contains(c)) {
        return Some(format!("{} is taken as categories but not adjusted for", quoted(c)));
    }
    if spec.fold_column.is_some() {
        return Some("it names a fold column, which the page does not set".into());
    }
    let defaults = cf_engine::Options::default();
    if spec.options.seed != defaults.seed {
        return Some("it sets a random seed, which the page does not".into());
    }
    if spec.options.learner != defaults.learner {
        return Some(
            "it asks for boosted-tree meta-learners, which the page does not offer".into(),
        );
    }
    if spec.options.gbdt != defaults.gbdt || spec.options.effect_gbdt != defaults.effect_gbdt {
        return Some("it sets gradient-boosting options, which the page does not".into());
    }
    None
}

/// How payloads are written: unpadded base64url.
const WRITE: GeneralPurpose = general_purpose::URL_SAFE_NO_PAD;

/// How payloads are read: base64url without padding (stripped before), ignoring the unused low
/// bits of the last character as the decoder always has (no encoder sets them, but a link that
/// has them opened before and still does).
const READ: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    general_purpose::NO_PAD.with_decode_allow_trailing_bits(true),
);

/// Whether `b` may appear in a payload: base64url, plus standard base64's `+` and `/` (read as
/// `-` and `_`).
fn in_alphabet(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/')
}

/// Reads a payload: unpadded (or padded) base64url; `+` and `/` are read as `-` and `_`.
///
/// # Errors
/// [`ShareError::BadCharacter`] at the first byte outside the alphabet (an `=` before the
/// trailing padding counts as one); [`ShareError::Corrupt`] for a length no encoder writes.
fn decode_payload(text: &str) -> Result<Vec<u8>, ShareError> {
    let text = text.trim_end_matches('=');
    if let Some(at) = text.bytes().position(|b| !in_alphabet(b)) {
        return Err(ShareError::BadCharacter(at));
    }
    let text: Cow<'_, str> = if text.contains(['+', '/']) {
        Cow::Owned(text.replace('+', "-").replace('/', "_"))
    } else {
        Cow::Borrowed(text)
    };
    READ.decode(text.as_bytes()).map_err(|_| ShareError::Corrupt)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use cf_engine::Method;

    #[test]
    fn uplift_settings_travel_and_out_of_range_ones_are_refused() {
        let mut s = sample();
        s.uplift = Some(SharedUplift {
            models: Some(vec!["x-learner-gbdt".parse().unwrap()]),
            split_column: Some("test".into()),
            budget_share: 0.3,
            arm_costs: vec![cf_engine::uplift::ArmCost {
                cost_per_treated: 0.1,
                cost_per_conversion: 2.0,
            }],
            ..SharedUplift::default()
        });
        assert_eq!(decode(&encode(&s).unwrap()).unwrap(), s);
        let refused = |f: &dyn Fn(&mut SharedUplift)| {
            let mut bad = s.clone();
            f(bad.uplift.as_mut().unwrap());
            decode(&encode(&bad).unwrap()).unwrap_err().to_string()
        };
        assert!(refused(&|u| u.economics.value = -1.0).contains("costs"));
        // (JSON has no NaN: written as null, which is not a number either.)
        assert!(!refused(&|u| u.economics.cost_per_treated = f64::NAN).is_empty());
        assert!(refused(&|u| u.budget_share = 0.0).contains("budget"));
        assert!(refused(&|u| u.arm_costs[0].cost_per_conversion = -2.0).contains("costs"));
        assert!(refused(&|u| u.test_fraction = 1.0).contains("held-out"));
        // An older link (no uplift settings) still opens.
        let old = sample();
        assert_eq!(decode(&encode(&old).unwrap()).unwrap().uplift, None);
    }

    fn sample() -> Shared {
        let mut spec = AnalysisSpec::new("treat", "re78", vec![Method::Ols, Method::Ipw]);
        spec.covariates = Some(vec!["age".into(), "educ".into()]);
        Shared {
            v: VERSION,
            spec: Some(spec),
            graph: Some("dag {\nage -> treat\ntreat -> re78\n}\n".into()),
            fingerprint: Some(Fingerprint::of(
                vec!["treat".into(), "re78".into()],
                445,
                b"treat,re78\n1,2\n",
            )),
            data: None,
            example: None,
            uplift: None,
            trust: None,
        }
    }

    #[test]
    fn a_file_hashed_in_chunks_has_the_whole_files_hash() {
        let bytes = b"treat,re78\n1,9930.05\n0,0\n";
        for size in [1, 5, 64] {
            let chunked = bytes.chunks(size).fold(FNV_START, fnv1a_update);
            assert_eq!(chunked, fnv1a(bytes));
        }
        let fp = Fingerprint::of(vec!["a".into()], 1, bytes);
        assert_eq!(fp.hash, hash_hex(fnv1a(bytes)));
        assert_eq!(hash_hex(fnv1a(b"")), "cbf29ce484222325");
    }

    #[test]
    fn trust_settings_travel_and_are_checked() {
        let mut s = sample();
        s.trust = Some(SharedTrust {
            refute_method: Some(cf_engine::Method::Ipw),
            replications: 200,
            sensitivity_benchmark: Some("re75".into()),
        });
        let link = encode(&s).unwrap();
        assert_eq!(decode(&link).unwrap(), s);
        // An older link has none: the page's defaults.
        assert_eq!(decode(&encode(&sample()).unwrap()).unwrap().trust, None);
        s.trust = Some(SharedTrust { replications: 1, ..SharedTrust::default() });
        assert!(matches!(decode(&encode(&s).unwrap()), Err(ShareError::BadContent(_))));
    }

    #[test]
    fn round_trip() {
        let s = sample();
        let link = encode(&s).unwrap();
        let parts: Vec<&str> = link.split('.').collect();
        assert!(
            parts.len() == 3
                && parts[0] == "v2"
                && parts[2].len() == 11
                && link[3..].bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "{link}"
        );
        assert_eq!(decode(&link).unwrap(), s);
        assert_eq!(decode(&format!("#{link}")).unwrap(), s);
    }

    /// The hand-written decoder that read links before the base64 crate did: the oracle of what
    /// must still be accepted.
    fn old_decoder(text: &str) -> Result<Vec<u8>, ShareError> {
        let text = text.trim_end_matches('=');
        let mut vals = Vec::with_capacity(text.len());
        for (i, c) in text.bytes().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' | b'+' => 62,
                b'_' | b'/' => 63,
                _ => return Err(ShareError::BadCharacter(i)),
            };
            vals.push(v);
        }
        if vals.len() % 4 == 1 {
            return Err(ShareError::Corrupt);
        }
        let mut out = Vec::new();
        for chunk in vals.chunks(4) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &v)| n | (u32::from(v) << (18 - 6 * i)));
            for i in 0..chunk.len() - 1 {
                out.push(((n >> (16 - 8 * i)) & 0xff) as u8);
            }
        }
        Ok(out)
    }

    #[test]
    fn base64url_matches_the_standard_alphabet() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let e = WRITE.encode(&bytes);
            assert_eq!(decode_payload(&e).unwrap(), bytes);
            assert_eq!(old_decoder(&e).unwrap(), bytes);
        }
        assert_eq!(WRITE.encode(b"\xfb\xff"), "-_8");
        assert_eq!(decode_payload("-_8").unwrap(), b"\xfb\xff");
        // What the old decoder also took: padding, `+` and `/`, unused bits set in the last
        // character ("-_9" ends in a 1 bit no encoder writes).
        for text in ["-_8=", "-_8==", "+/8", "-_9", "AAAA====", "QQ", "QR"] {
            assert_eq!(decode_payload(text), old_decoder(text), "{text}");
            assert!(decode_payload(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn the_decoder_accepts_and_refuses_what_the_old_one_did() {
        // Every text of up to 5 characters over an alphabet with the edge cases, plus random
        // longer ones: the same bytes, or the same error at the same position.
        let chars = b"Az09-_+/=*\xc3 ";
        let mut texts: Vec<String> = vec![String::new()];
        let mut level = texts.clone();
        for _ in 0..5 {
            level = level
                .iter()
                .flat_map(|t| chars.iter().map(move |&c| format!("{t}{}", char::from(c))))
                .collect();
            texts.extend(level.iter().cloned());
        }
        let mut x = 7u64;
        for _ in 0..2000 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (x >> 58) as usize;
            let text: String = (0..len)
                .map(|i| {
                    let k = (x.rotate_left(7 * i as u32) >> 40) as usize;
                    if k.is_multiple_of(97) {
                        char::from(chars[k % chars.len()])
                    } else {
                        char::from(
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                [k % 64],
                        )
                    }
                })
                .collect();
            texts.push(text);
        }
        for t in &texts {
            assert_eq!(decode_payload(t), old_decoder(t), "{t:?}");
        }
    }

    /// Links written by the code of commit e911c9f (before the options had their own type and
    /// the base64 crate wrote the payload).
    const OLD_FULL: &str = "v1.bVFBTsMwEPxKtGcXpamANgduHMsHCKoWe5tYctaR7bYqUf_OOqQUpMoH2zO7O-PxCEeolwriQBrqEVIgTD1xghoitdNJgT8k7XsS7GijzYj2RwwWE0Wo3yGQJtZnwTsbkw9n-FDQU-q8mXjvonBoh5NsaeEIA1PIReiGDqEuH8QDxWR7ZCMymLJICrbPXFkpcFU-PWZlTsE7KXrzxetii9ZJqeWYwiHbnQS_8uxAg0MtroUhBXvvzE57d-hZmvNN-iKR6D0r-PQ-yQgcoK7KUmTkbdfO3sZouZUuy8YK4wNcFLRS3QlosC3GhucQisVLMSf3D5uSa3im_iCXhsXIXgQoDMHm6Ef48Tm95fYN1_Dvxs274E_SIFl1GLMvvcLKrDZk1utyTU-b7NlgwtvXqmmimuepeVrDv8mqUq3UUnJveEscr-hSVlWK78s3";
    const OLD_EXAMPLE: &str = "v1.NZBRTgMxDETvMt8BlQoE2qsgVJnE243kxFHiLZWq3h0vZf-cceZ57BsumF4CRuOI6QbrTFa4GqZHjQBdLWphVzq_f7gQ9UI9k_HAVFeRgMK2aPLnJ1Ke56fCVAe-AkjaQpgOz4e3AB6WC9XkJDc7yHouf80AOf4XUat1lZ2c67C-bok2uhM7N6HoaWaSwQGzSjpFlbXU3TOYfcbrMeBb1dxPzeGO3qbuvpLHyPXsWVLXhnvA2f8tO2P2HvfW83aKh5TIaK_5SqXJdpM6fk58beyreEgS3H8B";

    #[test]
    fn links_of_the_previous_release_still_open() {
        use cf_engine::{EstimandChoice, MissingPolicy, Options};
        let data = "segment,visit,recency,history\nNo E-Mail,0,3,10.5\nMens E-Mail,1,1,20\n";
        let mut spec = AnalysisSpec::new(
            "segment",
            "visit",
            vec![Method::Ols, Method::Aipw, Method::TLearner],
        );
        spec.covariates = Some(vec!["recency".into(), "history".into()]);
        spec.control = Some("No E-Mail".into());
        spec.instruments = vec!["z".into()];
        spec.options = Options {
            alpha: 0.1,
            estimand: EstimandChoice::Att,
            trim: 0.02,
            l2: 0.5,
            replace: true,
            seed: 42,
            bootstrap: 200,
            cate: true,
            missing: MissingPolicy::Indicator,
            ..Options::default()
        };
        let expected = Shared {
            v: VERSION,
            spec: Some(spec),
            graph: Some(
                "dag {\nrecency -> segment\nrecency -> visit\nsegment -> visit\n}\n".into(),
            ),
            fingerprint: Some(Fingerprint::of(
                vec!["segment".into(), "visit".into(), "recency".into(), "history".into()],
                2,
                data.as_bytes(),
            )),
            data: Some(data.into()),
            example: None,
            uplift: None,
            trust: None,
        };
        // This one was written with a fold column and a seed, which the page never sets: it is
        // refused now. Without them (as the page wrote its links), the same link opens.
        let refused = decode(OLD_FULL).unwrap_err().to_string();
        assert!(refused.contains("a fold column, which the page does not set"), "{refused}");
        let json = String::from_utf8(
            miniz_oxide::inflate::decompress_to_vec(&READ.decode(&OLD_FULL[3..]).unwrap()).unwrap(),
        )
        .unwrap()
        .replace(r#""fold_column":"fold","#, "")
        .replace(r#""seed":7"#, r#""seed":42"#);
        assert!(!json.contains("fold") && json.contains(r#""seed":42"#), "{json}");
        let page_made = format!(
            "v1.{}",
            WRITE.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
        );
        let full = decode(&page_made).unwrap();
        assert_eq!(full, expected);
        assert_eq!(
            full.fingerprint.as_ref().unwrap().hash,
            format!("{:016x}", fnv1a(data.as_bytes()))
        );
        // Written again, it reads back the same (the bytes may differ: the JSON's field order is
        // the new types').
        assert_eq!(decode(&encode(&full).unwrap()).unwrap(), expected);

        let example = decode(OLD_EXAMPLE).unwrap();
        assert_eq!(
            example,
            Shared {
                spec: Some(AnalysisSpec::new("treat", "re78", vec![Method::DiffMeans])),
                example: Some("nsw_experimental".into()),
                ..Shared::default()
            }
        );
    }

    #[test]
    fn analyses_the_page_would_not_make_are_refused_in_plain_words() {
        type Edit = fn(&mut AnalysisSpec);
        let edits: [(&str, Edit); 13] = [
            ("both the treatment and the outcome", |s| s.outcome = s.treatment.clone()),
            ("names no treatment", |s| s.treatment.clear()),
            ("listed twice", |s| s.covariates.as_mut().unwrap().push("age".into())),
            ("a covariate and has another role", |s| {
                s.covariates.as_mut().unwrap().push("re78".into())
            }),
            ("the method \"ols\" is listed twice", |s| s.methods.push(Method::Ols)),
            ("without an instrument", |s| s.methods.push(Method::TwoSls)),
            ("more than one instrument", |s| s.instruments = vec!["a".into(), "b".into()]),
            ("taken as categories but not adjusted for", |s| s.categorical = vec!["wage".into()]),
            ("a fold column", |s| s.fold_column = Some("fold".into())),
            ("a random seed", |s| s.options.seed = 12),
            ("boosted-tree meta-learners", |s| {
                s.options.learner = cf_engine::LearnerChoice::Gbdt;
            }),
            ("gradient-boosting options", |s| s.options.gbdt.trees = 200),
            ("gradient-boosting options", |s| s.options.effect_gbdt.leaves = 7),
        ];
        for (why, edit) in edits {
            let mut shared = sample();
            edit(shared.spec.as_mut().unwrap());
            let e = decode(&encode(&shared).unwrap()).unwrap_err().to_string();
            assert!(
                e.starts_with("the share link does not hold an analysis: ") && e.contains(why),
                "{why}: {e}"
            );
        }
        // The page's own analysis opens, categories among the covariates included.
        let mut shared = sample();
        shared.spec.as_mut().unwrap().categorical = vec!["age".into()];
        assert_eq!(decode(&encode(&shared).unwrap()).unwrap(), shared);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let json = r#"{"v":1,"graph":"dag { a -> b }","from_the_future":{"x":[1,2]}}"#;
        let link = format!(
            "v1.{}",
            WRITE.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
        );
        let s = decode(&link).unwrap();
        assert_eq!(s.graph.as_deref(), Some("dag { a -> b }"));
        assert_eq!(s.spec, None);
    }

    #[test]
    fn every_one_character_edit_of_a_link_is_refused() {
        let mut s = sample();
        s.data = Some("treat,re78\n1,2\n0,3\n".into());
        let link = encode(&s).unwrap();
        let alphabet: Vec<char> =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=v"
                .chars()
                .collect();
        let mut state = 0x5EED_u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % n
        };
        let chars: Vec<char> = link.chars().collect();
        let (mut refused, mut tried) = (0, 0);
        while tried < 3_000 {
            let at = next(chars.len());
            let c = alphabet[next(alphabet.len())];
            let mut edited = chars.clone();
            match next(3) {
                0 if c != chars[at] => edited[at] = c,
                1 => edited.insert(at, c),
                2 => {
                    edited.remove(at);
                }
                _ => continue,
            }
            let edited: String = edited.into_iter().collect();
            tried += 1;
            match decode(&edited) {
                Err(e) => {
                    refused += 1;
                    // Plain words, no parser's internals.
                    let m = e.to_string();
                    assert!(!m.contains("line 1 column") && !m.contains("variant"), "{m}");
                }
                Ok(other) => panic!("an edited link was accepted: {edited}\n{other:?}"),
            }
        }
        assert_eq!(refused, 3_000);
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let link = encode(&sample()).unwrap();
        assert_eq!(decode("hello").unwrap_err(), ShareError::NotALink);
        assert_eq!(decode("v9.AAAA").unwrap_err(), ShareError::Newer(9));
        assert_eq!(decode(&link[..link.len() / 2]).unwrap_err(), ShareError::Modified);
        let mut tampered = link.clone().into_bytes();
        tampered[10] = b'*';
        assert_eq!(
            decode(std::str::from_utf8(&tampered).unwrap()).unwrap_err(),
            ShareError::Modified
        );
        // A version-1 link (no checksum) still says where it is damaged.
        let old = format!("v1.{}", &link[3..link.rfind('.').unwrap()]);
        assert_eq!(decode(&old).unwrap(), sample());
        let mut tampered = old.clone().into_bytes();
        tampered[10] = b'*';
        assert_eq!(
            decode(std::str::from_utf8(&tampered).unwrap()).unwrap_err(),
            ShareError::BadCharacter(7)
        );
        assert_eq!(decode(&old[..old.len() / 2]).unwrap_err(), ShareError::Corrupt);
        // A bomb: a megabyte of zeros inflates past the limit only if asked to; 9 MB does.
        let zeros = vec![b' '; MAX_JSON + 10];
        let bomb = format!("v1.{}", WRITE.encode(miniz_oxide::deflate::compress_to_vec(&zeros, 9)));
        assert_eq!(decode(&bomb).unwrap_err(), ShareError::TooLarge);
        let not_json =
            format!("v1.{}", WRITE.encode(miniz_oxide::deflate::compress_to_vec(b"<script>", 6)));
        assert!(matches!(decode(&not_json).unwrap_err(), ShareError::BadContent(_)));
        let mut s = sample();
        if let Some(spec) = &mut s.spec {
            spec.options.alpha = 7.0;
        }
        assert!(decode(&encode(&s).unwrap()).unwrap_err().to_string().contains("confidence level"));
    }

    #[test]
    fn embedded_data_is_bounded_and_fingerprints_explain_mismatches() {
        let mut s = sample();
        s.data = Some("treat,re78\n1,2\n".into());
        assert_eq!(decode(&encode(&s).unwrap()).unwrap().data, s.data);
        // Incompressible data beyond the limit is refused with its size.
        let mut x = 1u64;
        let noise: String = (0..60_000)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                char::from(b'a' + (x >> 59) as u8)
            })
            .collect();
        s.data = Some(noise);
        assert!(matches!(encode(&s).unwrap_err(), ShareError::DataTooLarge { .. }));
        let a = Fingerprint::of(vec!["t".into(), "y".into()], 2, b"t,y\n1,2\n0,3\n");
        assert_eq!(a.mismatch(&a.clone()), None);
        let b = Fingerprint::of(vec!["t".into(), "y".into()], 2, b"t,y\n1,2\n0,4\n");
        assert!(a.mismatch(&b).unwrap().contains("content differs"));
        let c = Fingerprint::of(vec!["t".into()], 2, b"t\n1\n0\n");
        assert!(a.mismatch(&c).unwrap().contains("lacks the column `y`"));
    }
}
