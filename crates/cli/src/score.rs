//! `counterfact score`: a saved uplift model (`counterfact uplift --model-out`, or the page's
//! download) scores another file with the same covariate columns: the targeting list of next
//! month's customers, with no treatment or outcome column needed.

use std::ffi::OsString;

use cf_engine::format;
use cf_engine::model_file::{self, ScoreOptions};
use lexopt::{Arg, Parser};

use crate::{Failure, print, read, value};

pub(crate) const USAGE: &str =
    "  counterfact score MODEL.json FILE --out LIST.csv [--key COL] [--share S]
                    [--delimiter C] [--json]

score reads a model saved by `uplift --model-out` (or downloaded from the page), builds its
covariates from FILE's columns as the fit did (a column missing, holding text where numbers were,
or a level the model never saw is an error naming it), and writes the targeting list: every row
with its predicted uplift per arm, its rank and the decision. The top --share of the scored rows
(default: the share saved with the model, the profit-optimal one) are treated. --key writes a
column of FILE beside the row number (default: the key saved with the model, if FILE has it).
";

/// Runs `counterfact score`; `Ok(true)` when the list was written.
pub(crate) fn score_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let mut parser = Parser::from_iter(std::iter::once(OsString::from("score")).chain(args));
    let mut files: Vec<String> = Vec::new();
    let (mut out, mut delimiter, mut json) = (None, None, false);
    let mut options = ScoreOptions::default();
    let usage = Failure::Usage;
    while let Some(arg) = parser.next().map_err(|e| usage(e.to_string()))? {
        match arg {
            Arg::Value(v) => files.push(v.to_string_lossy().into_owned()),
            Arg::Long(f) => {
                let flag = format!("--{f}");
                let p = &mut parser;
                match flag.as_str() {
                    "--out" => out = Some(value(p, &flag)?),
                    "--key" => options.key = Some(value(p, &flag)?),
                    "--share" => {
                        let v = value(p, &flag)?;
                        let s: f64 = v
                            .parse()
                            .map_err(|_| usage(format!("--share needs a number, got `{v}`")))?;
                        if !(0.0..=1.0).contains(&s) {
                            return Err(usage(format!("--share must be in [0, 1], got {v}")));
                        }
                        options.share = Some(s);
                    }
                    "--delimiter" => delimiter = Some(crate::delimiter(p, &flag)?),
                    "--json" => json = true,
                    f => return Err(usage(format!("unknown option {f}"))),
                }
            }
            Arg::Short(c) => return Err(usage(format!("unknown option -{c}"))),
        }
    }
    let [model_path, file] = files.as_slice() else {
        return Err(usage("score needs a MODEL file and a data FILE".into()));
    };
    let out = out.ok_or_else(|| usage("score needs --out LIST.csv".into()))?;
    let text = std::fs::read_to_string(model_path)
        .map_err(|e| Failure::Data(format!("cannot read {model_path}: {e}")))?;
    let model = model_file::load(&text).map_err(|e| Failure::Data(format!("{model_path}: {e}")))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let (table, _) = read::read_table(file, delimiter, threads)?;
    let scored = model_file::score(&table, &model, &options)
        .map_err(|e| Failure::Data(format!("{file}: {e}")))?;
    std::fs::write(&out, &scored.csv)
        .map_err(|e| Failure::Data(format!("cannot write {out}: {e}")))?;
    let b = &model.body;
    if json {
        let v = serde_json::json!({
            "model": b.model.as_str(),
            "rows": scored.rows,
            "scored": scored.scored,
            "treated": scored.treated,
            "out": out,
        });
        print(&(v.to_string() + "\n"));
    } else {
        print(&format!(
            "{}: scored {} of {} with {} (fitted on {} for {} → {}); the top {} treated; list in {out}\n",
            file,
            format::count(scored.scored),
            format::plural(scored.rows, "row", "rows"),
            b.model.as_str(),
            format::plural(b.training.n_train, "row", "rows"),
            b.treatment,
            b.outcome,
            format::count(scored.treated),
        ));
    }
    Ok(true)
}
