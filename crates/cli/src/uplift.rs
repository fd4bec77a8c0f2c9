//! `counterfact uplift`: fit effect models on a training split and score their ranking of the
//! held-out rows (AUUC, Qini, curves), or score columns of predictions made elsewhere.

use std::ffi::OsString;
use std::time::Instant;

use cf_engine::uplift::{
    self, ArmCost, ArmPricing, Economics, GbdtOptions, TreeOptions, UpliftModel, UpliftReport,
    UpliftSpec, UpliftSplit,
};
use cf_engine::{AnalysisSpec, MissingPolicy, format};
use lexopt::{Arg, Parser};

use crate::{Failure, list, parse_error, print, read, text, value};

pub(crate) const USAGE: &str =
    "  counterfact uplift FILE --treatment T --outcome Y [--covariates a,b,c] [--categorical a,b]
                     [--model M1,M2] [--score COL1,COL2] [--split-column COL | --test-fraction 0.3]
                     [--seed N] [--bootstrap N] [--alpha 0.05] [--gbdt-trees N] [--gbdt-leaves N]
                     [--gbdt-rate R] [--gbdt-min-leaf N] [--gbdt-depth N] [--gbdt-l2 X]
                     [--gbdt-seed N] [--effect-gbdt-… the same] [--max-depth N] [--min-samples-leaf N]
                     [--min-samples-treatment N] [--n-reg X] [--trees N] [--max-features N]
                     [--honesty | --no-honesty] [--split exact|histogram] [--missing drop|indicator]
                     [--cate-out FILE] [--value V [--cost-per-treated C] [--cost-per-conversion C]
                     [--budget-share S | --budget-customers N] [--arm-cost LEVEL=C[:D],…] [--list-out FILE] [--model-out FILE] [--list-model NAME]
                     [--key COL]] [--true-uplift COL]
                     [--delimiter C] [--json]

uplift fits each --model on the training rows and ranks the test rows by predicted effect:
causal-tree and causal-forest (any numeric outcome: causal_mse splits on 255 bins, honest leaves
unless --no-honesty; 100 trees), uplift-tree-kl|ed|chi|cts and uplift-forest-kl|ed|chi|cts (0/1 outcome; split as causalml's
UpliftTreeClassifier / UpliftRandomForestClassifier, their defaults unless --max-depth,
--min-samples-leaf, --min-samples-treatment, --n-reg, --trees, --max-features, --honesty;
--split exact tries every boundary between distinct values as causalml does, the default for
a tree; --split histogram every boundary between 255 quantile bins, the default for a forest),
s-, t-, x-, r-, dr-learner-gbdt (boosted trees; classifiers for a 0/1 outcome) and
s-, t-, x-, r-, dr-learner-linear (default: uplift-forest-kl, t-learner-gbdt, x-learner-gbdt). --score
evaluates columns of predicted effects made elsewhere on the same split. The split is the 0/1
--split-column (1 = test) or a --test-fraction (default 0.3) stratified on treatment × outcome
and drawn from --seed (default 42). AUUC and Qini are causalml's (normalised: AUUC 0.5 = random
ranking, Qini 0 = random, higher is better; raw: in outcome units), with percentile bootstrap
intervals (--bootstrap, default 200). --cate-out writes the test rows' predicted effects.
Each model also gets its calibration table: the observed uplift per decile of predicted uplift,
and its segments: the leaves of a depth-3 tree fitted to its predictions, as rules.
--value V (worth of one conversion), --cost-per-treated C, --cost-per-conversion C and
--budget-share S (at most this share targeted, default 1; or --budget-customers N, at most N of
the file's customers) add the profit-optimal share to target,
with the profit curve, for all the file's customers. --list-out writes the targeting list: every
row of the file with its predicted uplift, its rank and the decision (the top rows of the
profit-optimal share are treated), by --list-model (a model of the report, `model` or
`model:arm`; default: the highest Qini), with the --key column (a customer id) beside the row.
--model-out saves that model (versioned, checksummed JSON) for `counterfact score`.
--arm-cost LEVEL=C[:D] (a treatment with several arms; one entry per arm, comma-separated or
repeated) prices each arm apart: C per customer treated with it, D per treated conversion. Each
customer targeted then gets the arm with the highest (V − D)·uplift − C, the rows are ranked by
that net value, and `arm_decisions` holds each model's profit-optimal share and customers per
arm; the list and the model file follow it.
--true-uplift COL names a column of each row's true uplift (simulated data): each ranking is
then judged by the true incremental outcomes its top rows hold, against the best list and random.
A treatment with more than two levels needs --control: each other level is evaluated against it
(trees and forests fit all arms in one model; a meta-learner is fitted per arm).
--gbdt-* set the outcome models' boosting (LightGBM's defaults: 100 trees, 31 leaves, rate 0.1,
20 rows per leaf); --effect-gbdt-* the X-, R- and DR-learners' effect models'.
";

struct UpliftArgs {
    file: String,
    spec: UpliftSpec,
    /// Costs and values for a targeting decision, and the budget share.
    economics: Option<(Economics, f64, Option<usize>)>,
    /// `--arm-cost` entries: level, cost per treated, cost per treated conversion.
    arm_costs: Vec<(String, f64, f64)>,
    cate_out: Option<String>,
    /// Targeting list and model file: list file, model file, model name, key column.
    list_out: Option<ListOut>,
    delimiter: Option<u8>,
    json: bool,
}

/// `--list-out`, `--model-out` and what they are made of.
struct ListOut {
    list: Option<String>,
    model: Option<String>,
    list_model: Option<String>,
    key: Option<String>,
}

fn usage(m: String) -> Failure {
    Failure::Usage(m)
}

fn number<T: std::str::FromStr>(parser: &mut Parser, flag: &str) -> Result<T, Failure> {
    let v = value(parser, flag)?;
    v.parse().map_err(|_| usage(format!("{flag} needs a number, got `{v}`")))
}

/// A `--gbdt-…` or `--effect-gbdt-…` flag.
fn gbdt_flag(
    parser: &mut Parser,
    flag: &str,
    rest: &str,
    g: &mut GbdtOptions,
) -> Result<bool, Failure> {
    match rest {
        "trees" => g.trees = number(parser, flag)?,
        "leaves" => g.leaves = number(parser, flag)?,
        "rate" => g.rate = number(parser, flag)?,
        "min-leaf" => g.min_leaf = number(parser, flag)?,
        "depth" => g.max_depth = Some(number(parser, flag)?),
        "l2" => g.l2 = number(parser, flag)?,
        "seed" => g.seed = number(parser, flag)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// One `--arm-cost` entry, `LEVEL=C` or `LEVEL=C:D`.
fn arm_cost(entry: &str) -> Result<(String, f64, f64), Failure> {
    let bad = || usage(format!("--arm-cost takes LEVEL=C or LEVEL=C:D, got `{entry}`"));
    let (level, costs) = entry.rsplit_once('=').ok_or_else(bad)?;
    let (c, d) = costs.split_once(':').unwrap_or((costs, "0"));
    let c: f64 = c.trim().parse().map_err(|_| bad())?;
    let d: f64 = d.trim().parse().map_err(|_| bad())?;
    if !(c.is_finite() && d.is_finite() && c >= 0.0 && d >= 0.0) {
        return Err(usage(format!("--arm-cost `{entry}`: the costs must be numbers ≥ 0")));
    }
    Ok((level.trim().to_string(), c, d))
}

/// The pricing of every arm from `--arm-cost`, in the arms' order: each arm once, no other level.
fn pricing(
    entries: &[(String, f64, f64)],
    value: f64,
    arms: Option<&[String]>,
) -> Result<ArmPricing, Failure> {
    let Some(arms) = arms.filter(|a| a.len() > 1) else {
        return Err(usage("--arm-cost is for a treatment with several arms".into()));
    };
    if let Some((l, ..)) = entries.iter().find(|(l, ..)| !arms.contains(l)) {
        return Err(usage(format!(
            "--arm-cost: `{l}` is not an arm; the arms are {}",
            arms.join(", ")
        )));
    }
    let costs = arms
        .iter()
        .map(|a| match entries.iter().rev().find(|(l, ..)| l == a) {
            Some(&(_, c, d)) => Ok(ArmCost { cost_per_treated: c, cost_per_conversion: d }),
            None => Err(usage(format!("--arm-cost has no entry for the arm `{a}`"))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ArmPricing { value, costs })
}

fn parse(args: impl Iterator<Item = OsString>) -> Result<UpliftArgs, Failure> {
    let mut parser = Parser::from_iter(std::iter::once(OsString::from("uplift")).chain(args));
    let mut file = None;
    let (mut treatment, mut outcome) = (None, None);
    let mut roles = AnalysisSpec::new("", "", Vec::new());
    let mut models: Vec<UpliftModel> = Vec::new();
    let mut scores = Vec::new();
    let (mut split_column, mut fraction, mut seed) = (None, None, 42u64);
    let (mut bootstrap, mut alpha) = (200usize, 0.05f64);
    let (mut gbdt, mut effect_gbdt) = (GbdtOptions::default(), GbdtOptions::default());
    let (mut cate_out, mut delimiter, mut json) = (None, None, false);
    let (mut list_out, mut list_model, mut key) = (None, None, None);
    let mut truth = None;
    let mut model_out = None;
    let mut tree = TreeOptions::default();
    let (mut value_of, mut cost_treated, mut cost_conversion, mut budget) =
        (None::<f64>, 0.0f64, 0.0f64, 1.0f64);
    let mut budget_customers: Option<usize> = None;
    let mut arm_costs: Vec<(String, f64, f64)> = Vec::new();
    while let Some(arg) = parser.next().map_err(parse_error)? {
        match arg {
            Arg::Value(v) if file.is_none() => file = Some(text(v)?),
            Arg::Value(v) => {
                return Err(usage(format!("unexpected argument `{}`", v.to_string_lossy())));
            }
            Arg::Long(flag) => {
                let flag = format!("--{flag}");
                let p = &mut parser;
                match flag.as_str() {
                    "--treatment" => treatment = Some(value(p, &flag)?),
                    "--outcome" => outcome = Some(value(p, &flag)?),
                    "--covariates" => roles.covariates = Some(list(&value(p, &flag)?)),
                    "--categorical" => roles.categorical = list(&value(p, &flag)?),
                    "--control" => roles.control = Some(value(p, &flag)?),
                    "--model" => {
                        for m in list(&value(p, &flag)?) {
                            models.push(m.parse().map_err(usage)?);
                        }
                    }
                    "--score" => scores.extend(list(&value(p, &flag)?)),
                    "--split-column" => split_column = Some(value(p, &flag)?),
                    "--test-fraction" => fraction = Some(number(p, &flag)?),
                    "--seed" => seed = number(p, &flag)?,
                    "--bootstrap" => bootstrap = number(p, &flag)?,
                    "--alpha" => alpha = number(p, &flag)?,
                    "--missing" => {
                        let v = value(p, &flag)?;
                        roles.options.missing = MissingPolicy::parse(&v).ok_or_else(|| {
                            usage(format!("--missing must be drop or indicator, got `{v}`"))
                        })?;
                    }
                    "--cate-out" => cate_out = Some(value(p, &flag)?),
                    "--list-out" => list_out = Some(value(p, &flag)?),
                    "--list-model" => list_model = Some(value(p, &flag)?),
                    "--model-out" => model_out = Some(value(p, &flag)?),
                    "--key" => key = Some(value(p, &flag)?),
                    "--true-uplift" => truth = Some(value(p, &flag)?),
                    "--value" => value_of = Some(number(p, &flag)?),
                    "--cost-per-treated" => cost_treated = number(p, &flag)?,
                    "--cost-per-conversion" => cost_conversion = number(p, &flag)?,
                    "--budget-share" => budget = number(p, &flag)?,
                    "--budget-customers" => budget_customers = Some(number::<usize>(p, &flag)?),
                    "--arm-cost" => {
                        for entry in list(&value(p, &flag)?) {
                            arm_costs.push(arm_cost(&entry)?);
                        }
                    }
                    "--delimiter" => delimiter = Some(crate::delimiter(p, &flag)?),
                    "--json" => json = true,
                    "--max-depth" => tree.max_depth = Some(number(p, &flag)?),
                    "--min-samples-leaf" => tree.min_samples_leaf = Some(number(p, &flag)?),
                    "--min-samples-treatment" => {
                        tree.min_samples_treatment = Some(number(p, &flag)?)
                    }
                    "--n-reg" => tree.n_reg = Some(number(p, &flag)?),
                    "--trees" => tree.trees = Some(number(p, &flag)?),
                    "--max-features" => tree.max_features = Some(number(p, &flag)?),
                    "--honesty" => tree.honesty = Some(true),
                    "--no-honesty" => tree.honesty = Some(false),
                    "--split" => {
                        let v = value(p, &flag)?;
                        tree.histogram = Some(match v.as_str() {
                            "histogram" => true,
                            "exact" => false,
                            _ => {
                                return Err(usage(format!(
                                    "--split must be exact or histogram, got `{v}`"
                                )));
                            }
                        });
                    }
                    f => {
                        let handled =
                            match (f.strip_prefix("--effect-gbdt-"), f.strip_prefix("--gbdt-")) {
                                (Some(rest), _) => gbdt_flag(p, f, rest, &mut effect_gbdt)?,
                                (None, Some(rest)) => gbdt_flag(p, f, rest, &mut gbdt)?,
                                _ => false,
                            };
                        if !handled {
                            return Err(usage(format!("unknown option {f}")));
                        }
                    }
                }
            }
            Arg::Short(c) => return Err(usage(format!("unknown option -{c}"))),
        }
    }
    let file = file.ok_or_else(|| usage("uplift needs a FILE".into()))?;
    roles.treatment = treatment.ok_or_else(|| usage("uplift needs --treatment".into()))?;
    roles.outcome = outcome.ok_or_else(|| usage("uplift needs --outcome".into()))?;
    let split = match (split_column, fraction) {
        (Some(_), Some(_)) => {
            return Err(usage("give --split-column or --test-fraction, not both".into()));
        }
        (Some(c), None) => UpliftSplit::Column(c),
        (None, f) => UpliftSplit::Fraction { test_fraction: f.unwrap_or(0.3), seed },
    };
    if models.is_empty() && scores.is_empty() {
        models = vec![
            "t-learner-gbdt".parse().map_err(usage)?,
            "x-learner-gbdt".parse().map_err(usage)?,
        ];
    }
    let wants = list_out.is_some() || model_out.is_some();
    if !wants && (list_model.is_some() || key.is_some()) {
        return Err(usage("--list-model and --key need --list-out or --model-out".into()));
    }
    if wants && value_of.is_none() {
        return Err(usage(
            "--list-out and --model-out need --value (and the costs): the list's decision is the \
             profit-optimal share"
                .into(),
        ));
    }
    let list_out = wants.then_some(ListOut { list: list_out, model: model_out, list_model, key });
    let economics = match value_of {
        None if cost_treated != 0.0
            || cost_conversion != 0.0
            || !arm_costs.is_empty()
            || budget != 1.0
            || budget_customers.is_some() =>
        {
            return Err(usage(
                "--cost-per-treated, --cost-per-conversion, --arm-cost and the budget need --value"
                    .into(),
            ));
        }
        None => None,
        Some(v) => {
            for (flag, x) in [
                ("--value", v),
                ("--cost-per-treated", cost_treated),
                ("--cost-per-conversion", cost_conversion),
            ] {
                if !x.is_finite() || x < 0.0 {
                    return Err(usage(format!("{flag} must be a number ≥ 0, got {x}")));
                }
            }
            if !(budget > 0.0 && budget <= 1.0) {
                return Err(usage(format!("--budget-share must be in (0, 1], got {budget}")));
            }
            match budget_customers {
                Some(0) => return Err(usage("--budget-customers must be at least 1".into())),
                Some(_) if budget != 1.0 => {
                    return Err(usage(
                        "give --budget-share or --budget-customers, not both".into(),
                    ));
                }
                _ => {}
            }
            let e = Economics {
                value: v,
                cost_per_treated: cost_treated,
                cost_per_conversion: cost_conversion,
            };
            Some((e, budget, budget_customers))
        }
    };
    Ok(UpliftArgs {
        file,
        spec: UpliftSpec {
            roles,
            models,
            scores,
            split,
            bootstrap,
            alpha,
            seed,
            gbdt,
            effect_gbdt,
            tree,
            truth,
        },
        economics,
        arm_costs,
        cate_out,
        list_out,
        delimiter,
        json,
    })
}

/// Runs `counterfact uplift`; `Ok(true)` when every model ran.
pub(crate) fn uplift_cmd(args: impl Iterator<Item = OsString>) -> Result<bool, Failure> {
    let a = parse(args)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let (table, read_warnings) = read::read_table(&a.file, a.delimiter, threads)?;
    let data = uplift::prepare(&table, &a.spec).map_err(|e| Failure::Data(e.to_string()))?;
    let start = Instant::now();
    let mut run = uplift::run(&data, &a.spec, &|| start.elapsed().as_secs_f64(), &mut |_| {});
    let errors = std::mem::take(&mut run.errors);
    for e in &errors {
        eprintln!("error: {e}");
    }
    let ok = errors.is_empty();
    let mut warnings: Vec<String> = read_warnings.iter().map(ToString::to_string).collect();
    warnings.append(&mut run.report.warnings);
    run.report.warnings = warnings;
    if let Some((e, budget, customers)) = a.economics {
        let population = run.report.n_train + run.report.n_test;
        let budget = customers.map_or(budget, |n| uplift::budget_share(n, population));
        for m in &mut run.report.models {
            m.decision = uplift::decide(m, e, population, budget, a.spec.alpha);
        }
    }
    let pricing = match &a.economics {
        Some((e, ..)) if !a.arm_costs.is_empty() => {
            Some(pricing(&a.arm_costs, e.value, data.arms.as_deref())?)
        }
        _ => None,
    };
    if let (Some(p), Some((_, budget, customers))) = (&pricing, &a.economics) {
        let population = run.report.n_train + run.report.n_test;
        let budget = customers.map_or(*budget, |n| uplift::budget_share(n, population));
        if let Some(rows) = uplift::policy_rows(&data, &run) {
            run.report.arm_decisions = (0..rows.models.len())
                .filter_map(|k| uplift::decide_arms(&rows, k, p, population, budget, a.spec.alpha))
                .collect();
        }
    }
    let write = |path: &str, text: String| {
        std::fs::write(path, text).map_err(|e| Failure::Data(format!("cannot write {path}: {e}")))
    };
    if let Some(path) = &a.cate_out {
        let test: Vec<Vec<f64>> =
            run.predictions.iter().map(|(_, s)| uplift::test_part(&data, s)).collect();
        let mut out = String::from("row");
        for (name, _) in &run.predictions {
            out += &format!(",{name}");
        }
        out.push('\n');
        for (k, row) in data.test_rows.iter().enumerate() {
            out += &(row + 1).to_string();
            for s in &test {
                out += &format!(",{}", s[k]);
            }
            out.push('\n');
        }
        write(path, out)?;
    }
    if let Some(ListOut { list, model: model_path, list_model: model, key }) = &a.list_out {
        let models = &run.report.models;
        let focus = match model {
            None => run.report.best_by_qini(),
            // The predictions are named `model` or `model:arm`; a bare model name takes its
            // first arm.
            Some(name) => (0..run.predictions.len())
                .find(|&k| run.predictions[k].0 == *name || models[k].model == *name),
        };
        let Some(focus) = focus else {
            let names: Vec<&str> = run.predictions.iter().map(|(n, _)| n.as_str()).collect();
            return Err(Failure::Usage(format!(
                "--list-model `{}` is not a model that ran; one of: {}",
                model.as_deref().unwrap_or(""),
                names.join(", ")
            )));
        };
        // With arms priced apart, the model's best-arm decision; else the ranking arm's.
        let (customers, share) = match &pricing {
            Some(_) => run
                .report
                .arm_decisions
                .iter()
                .find(|d| d.model == models[focus].model)
                .map_or((0, 0.0), |d| (d.customers, d.share)),
            None => models[focus].decision.as_ref().map_or((0, 0.0), |d| (d.customers, d.share)),
        };
        if let Some(path) = list {
            let csv = uplift::targeting_csv(
                &table,
                &data,
                &run,
                focus,
                customers,
                key.as_deref(),
                pricing.as_ref(),
            )
            .map_err(|e| Failure::Data(e.to_string()))?;
            write(path, csv)?;
        }
        if let Some(path) = model_path {
            let text = cf_engine::model_file::save(
                &data,
                &run,
                focus,
                share,
                key.as_deref(),
                pricing.as_ref(),
            )
            .map_err(|e| Failure::Data(e.to_string()))?;
            write(path, text + "\n")?;
        }
    }
    let report = run.report;
    if a.json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|e| Failure::Data(e.to_string()))?;
        print(&(text + "\n"));
    } else {
        print(&render(&report, a.spec.alpha));
    }
    Ok(ok)
}

fn render(r: &UpliftReport, alpha: f64) -> String {
    let level = format::percent(1.0 - alpha);
    let mut out = format!(
        "Uplift on the test split: {} ({} for training)\n\n",
        format::plural(r.n_test, "row", "rows"),
        format::plural(r.n_train, "row", "rows")
    );
    out += &format!(
        "{:<34} {:>8} {:>19} {:>8} {:>19} {:>8}\n",
        "model",
        "AUUC",
        format!("{level} interval"),
        "Qini",
        format!("{level} interval"),
        "fit s"
    );
    for m in &r.models {
        out += &format!(
            "{:<34} {:>8.4} {:>19} {:>8.4} {:>19} {:>8.2}\n",
            match &m.arm {
                Some(a) => format!("{} · {a}", m.model),
                None => m.model.clone(),
            },
            m.auuc,
            format!("[{:.4}, {:.4}]", m.auuc_ci[0], m.auuc_ci[1]),
            m.qini,
            format!("[{:.4}, {:.4}]", m.qini_ci[0], m.qini_ci[1]),
            m.fit_seconds
        );
    }
    out += "\nAUUC: 0.5 = a random ranking; Qini: 0 = random; higher is better (normalised as causalml).\n";
    for m in &r.models {
        let name = match &m.arm {
            Some(a) => format!("{} · {a}", m.model),
            None => m.model.clone(),
        };
        out += &format!(
            "\n{name}: observed uplift by decile of predicted uplift (test rows)\n{:>6} {:>7} {:>8} {:>8} {:>10} {:>10} {:>21}\n",
            "decile",
            "rows",
            "treated",
            "control",
            "predicted",
            "observed",
            format!("{level} interval")
        );
        for d in &m.deciles {
            out += &format!(
                "{:>6} {:>7} {:>8} {:>8} {:>10.4} {:>10.4} {:>21}\n",
                d.decile,
                d.rows,
                d.treated,
                d.control,
                d.predicted,
                d.observed,
                format!("[{:.4}, {:.4}]", d.observed_ci[0], d.observed_ci[1])
            );
        }
        if let Some(t) = &m.truth {
            out += &format!(
                "against the true uplift, top 30 % of test rows: {:.1} incremental outcomes, {:.1} for the best list, {:.1} at random",
                t.model[30], t.best[30], t.random[30]
            );
            match t.share_of_best(30) {
                Some(q) => out += &format!(" ({} of the best)\n", format::percent(q)),
                None => out += "\n",
            }
        }
        if !m.segments.is_empty() {
            out += "segments (a depth-3 tree on the predicted uplift; observed on test rows):\n";
            for g in &m.segments {
                out += &format!(
                    "  {:>6} of rows  predicted {:>8.4}  observed {:>8.4} [{:.4}, {:.4}]  {}\n",
                    format::percent(g.share),
                    g.predicted,
                    g.observed.uplift,
                    g.observed.ci[0],
                    g.observed.ci[1],
                    g.rule
                );
            }
        }
        if let Some(d) = &m.decision {
            out += &format!(
                "decision: target the top {} ({} of {} customers): expected {:+.2} ({level} interval [{:.2}, {:.2}]) against {:+.2} for targeting everyone\n",
                format::percent(d.share),
                d.customers,
                d.population,
                d.profit,
                d.profit_ci[0],
                d.profit_ci[1],
                d.profit_everyone
            );
        }
    }
    for d in &r.arm_decisions {
        let per_arm: Vec<String> =
            d.arms.iter().zip(&d.customers_per_arm).map(|(a, n)| format!("{n} {a}")).collect();
        out += &format!(
            "\n{}: each customer's best arm net of its cost: target the top {} ({} of {} customers: {}): expected {:+.2} ({level} interval [{:.2}, {:.2}]) against {:+.2} for everyone's best arm\n",
            d.model,
            format::percent(d.share),
            d.customers,
            d.population,
            per_arm.join(", "),
            d.profit,
            d.profit_ci[0],
            d.profit_ci[1],
            d.profit_everyone
        );
    }
    for m in &r.models {
        for w in &m.warnings {
            out += &format!("warning: {w}\n");
        }
    }
    for w in &r.warnings {
        out += &format!("warning: {w}\n");
    }
    out
}
