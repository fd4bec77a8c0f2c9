//! The roles of the columns: what is suggested on loading, covariate ticking, and whether the
//! chosen roles can be estimated.

use cf_engine::{ColumnKind, Method};
use cf_graph::{Dag, Role};

use super::AppState;

/// Names that usually mark a treatment column.
/// Fewest rows an arm of the treatment needs before Run is enabled: with one row there is no
/// spread within the arm, so no standard error.
pub(super) const MIN_ARM_ROWS: usize = 2;

pub(super) const TREATMENT_NAMES: [&str; 6] = ["treat", "treatment", "treated", "w", "t", "d"];

impl AppState {
    /// The values of the chosen treatment when it needs a control level: a text column, or a
    /// numeric one that is not 0/1 but has few distinct values. `None` for a 0/1 treatment (or a
    /// numeric one with too many values to be a treatment).
    pub fn treatment_levels(&self) -> Option<&[String]> {
        let col = self.column(self.treatment.as_deref()?)?;
        if col.kind == ColumnKind::Binary {
            return None;
        }
        col.levels.as_deref().filter(|l| l.len() >= 2)
    }

    /// Whether a numeric non-0/1 treatment is taken as a dose: 2SLS alone (years of schooling
    /// instrumented by college proximity), no control level chosen.
    pub fn treatment_is_dose(&self) -> bool {
        let numeric = self
            .treatment
            .as_deref()
            .and_then(|t| self.column(t))
            .is_some_and(|c| c.kind == ColumnKind::Numeric);
        numeric
            && !self.methods.is_empty()
            && self.methods.iter().all(|m| *m == Method::TwoSls)
            && self.control.is_none()
    }

    /// A message about the chosen roles, if they cannot be estimated.
    pub fn role_problem(&self) -> Option<String> {
        let t = self.treatment.as_deref()?;
        let col = self.column(t)?;
        match col.levels.as_deref() {
            Some([]) => return Some(format!("`{t}` has no values: every row is missing it.")),
            Some([only]) => {
                return Some(format!(
                    "`{t}` is {only} in every row: with no other value there is nothing to compare, so it cannot be the treatment."
                ));
            }
            _ => {}
        }
        if col.kind != ColumnKind::Binary && !self.treatment_is_dose() {
            match self.treatment_levels() {
                None => {
                    return Some(format!(
                        "`{t}` is {}, not binary: the treatment must hold only 0 (control) and 1 (treated) (or, for instrumental variables alone, a numeric dose).",
                        col.kind.as_str()
                    ));
                }
                Some(levels) => match self.control.as_deref() {
                    None => {
                        let dose_hint = if col.kind == ColumnKind::Numeric {
                            " (Instrumental variables alone take it as a numeric dose.)"
                        } else {
                            ""
                        };
                        return Some(format!(
                            "`{t}` has {} values: choose the control level; each other level is compared with it.{dose_hint}",
                            levels.len()
                        ));
                    }
                    Some(c) if !levels.iter().any(|l| l == c) => {
                        return Some(format!(
                            "\"{c}\" is not a value of `{t}`: choose the control level."
                        ));
                    }
                    Some(_) => {}
                },
            }
        }
        if let Some(p) = self.small_arm() {
            return Some(p);
        }
        let y = self.outcome.as_deref()?;
        if y == t {
            return Some(format!("`{y}` cannot be both the treatment and the outcome."));
        }
        let ycol = self.column(y)?;
        if ycol.kind == ColumnKind::Categorical {
            return Some(format!("`{y}` holds text; the outcome must be numeric or 0/1."));
        }
        match ycol.levels.as_deref() {
            Some([]) => return Some(format!("`{y}` has no values: every row is missing it.")),
            Some([only]) => {
                return Some(format!(
                    "`{y}` is {only} in every row: an outcome that never varies has no effect to estimate."
                ));
            }
            _ => {}
        }
        if self.instruments.iter().any(|z| z == t || z == y) {
            return Some(
                "The instrument must be another column than the treatment and the outcome.".into(),
            );
        }
        None
    }

    /// An arm of the treatment with fewer than [`MIN_ARM_ROWS`] rows (the file's counts, before
    /// any row is dropped for missing values), as a message.
    fn small_arm(&self) -> Option<String> {
        let t = self.treatment.as_deref()?;
        let col = self.column(t)?;
        let (levels, counts) = (col.levels.as_deref()?, col.level_counts.as_deref()?);
        let compared: Vec<(&String, usize)> = match col.kind {
            ColumnKind::Binary => levels.iter().zip(counts.iter().copied()).collect(),
            _ if self.treatment_is_dose() => return None,
            _ => {
                self.control.as_ref()?;
                levels.iter().zip(counts.iter().copied()).collect()
            }
        };
        let (level, n) = compared.into_iter().find(|&(_, n)| n < MIN_ARM_ROWS)?;
        let arm = match (col.kind, level.as_str()) {
            (ColumnKind::Binary, "1") => "treated".to_string(),
            (ColumnKind::Binary, _) => "control".to_string(),
            _ if self.control.as_ref() == Some(level) => format!("control, \"{level}\""),
            _ => format!("\"{level}\""),
        };
        Some(format!(
            "`{t}` has {} in its {arm} arm ({t} = {level}): each arm needs at least {MIN_ARM_ROWS} rows for an effect with an interval.",
            cf_engine::format::plural(n, "row", "rows")
        ))
    }

    /// The covariates the graph sees as adjusted (the ticked ones the run would use).
    pub fn adjusted(&self) -> Vec<String> {
        self.covariates
            .iter()
            .filter(|c| Some(*c) != self.treatment.as_ref() && Some(*c) != self.outcome.as_ref())
            .filter(|c| !self.instruments.contains(c))
            .cloned()
            .collect()
    }

    pub(super) fn set_covariate(&mut self, c: String, on: bool) {
        let order: Vec<String> = self
            .dataset
            .as_ref()
            .map(|d| d.summary.columns.iter().map(|c| c.name.clone()).collect())
            .unwrap_or_default();
        self.covariates.retain(|x| *x != c);
        self.held_back.retain(|x| *x != c);
        if on && self.is_column(&c) {
            self.covariates.push(c);
            self.covariates.sort_by_key(|x| order.iter().position(|o| o == x));
        }
    }

    pub(super) fn set_treatment(&mut self, t: String) {
        self.covariates.retain(|c| *c != t);
        if self.treatment.as_ref() != Some(&t) {
            self.control = None;
        }
        self.treatment = Some(t);
    }

    /// Takes the roles written in a graph (exposure, outcome, adjusted) for the page.
    pub(super) fn take_roles(&mut self, g: &Dag) {
        let named = |role: Role| {
            g.nodes().iter().filter(move |n| n.role == role && !n.latent).map(|n| n.name.clone())
        };
        if let Some(t) = named(Role::Exposure).find(|t| self.is_column(t)) {
            if self.outcome.as_ref() == Some(&t) {
                self.outcome = None;
            }
            self.set_treatment(t);
        }
        if let Some(y) = named(Role::Outcome).find(|y| self.is_column(y)) {
            if self.treatment.as_ref() == Some(&y) {
                self.treatment = None;
            }
            self.covariates.retain(|c| *c != y);
            self.outcome = Some(y);
        }
        let adjusted: Vec<String> = named(Role::Adjusted).collect();
        self.covariates.clear();
        self.held_back.clear();
        for c in adjusted {
            if Some(&c) != self.treatment.as_ref() && Some(&c) != self.outcome.as_ref() {
                self.set_covariate(c, true);
            }
        }
    }

    /// As [`Self::take_roles`] for model code the user applied: the treatment and the outcome
    /// come from the code, but the ticked covariates stay; when the code marks others as
    /// adjusted, they are offered in [`AppState::code_covariates`].
    pub(super) fn take_code_roles(&mut self, g: &Dag) {
        let ticked = self.covariates.clone();
        self.take_roles(g);
        let code = std::mem::take(&mut self.covariates);
        self.set_covariates(ticked);
        self.code_covariates = (code != self.covariates).then_some(code);
    }

    pub(super) fn set_outcome(&mut self, y: String) {
        // What was held back for the old outcome is ticked again, unless the new one holds it too.
        for c in std::mem::take(&mut self.held_back) {
            if c != y && Some(&c) != self.treatment.as_ref() && !self.instruments.contains(&c) {
                self.set_covariate(c, true);
            }
        }
        self.covariates.retain(|c| *c != y);
        self.outcome = Some(y);
        self.hold_back_derived();
    }

    /// Columns computed from the outcome, or from which it is computed, with the reason shown
    /// beside each: they are not adjusted for by default. From the load's
    /// [`cf_engine::Identity`] and [`cf_engine::NearCopy`] screens:
    /// * `y = total − other` (a change score): `total` is the later measurement;
    /// * `y = a + b`: together they reproduce the outcome, and one is likely measured after the
    ///   treatment (which one the data cannot say);
    /// * a near copy of `y`.
    pub fn derived_from_outcome(&self) -> Vec<(String, String)> {
        let (Some(y), Some(d)) = (self.outcome.as_deref(), self.dataset.as_ref()) else {
            return Vec::new();
        };
        let mut out: Vec<(String, String)> = Vec::new();
        let mut add = |c: &str, why: String| {
            if !out.iter().any(|(x, _)| x == c) {
                out.push((c.to_string(), why));
            }
        };
        for id in &d.summary.identities {
            let [a, b] = &id.parts;
            if id.total == y {
                for (p, q) in [(a, b), (b, a)] {
                    add(
                        p,
                        format!(
                            "with {q} it adds up to the outcome, so one of the two is likely measured after the treatment (tick the one measured before it)"
                        ),
                    );
                }
            } else if let Some(other) =
                [a, b].iter().find(|p| *p != &y).filter(|_| a == y || b == y)
            {
                add(
                    &id.total,
                    format!(
                        "the outcome is {} − {other}, and {} is likely measured after the treatment",
                        id.total, id.total
                    ),
                );
            }
        }
        for nc in &d.summary.near_copies {
            let [a, b] = &nc.columns;
            let other = if a == y {
                b
            } else if b == y {
                a
            } else {
                continue;
            };
            add(
                other,
                format!(
                    "its correlation with the outcome is {:.4}: nearly a copy, likely measured after the treatment",
                    nc.r
                ),
            );
        }
        out.retain(|(c, _)| Some(c) != self.treatment.as_ref());
        out
    }

    /// The columns not adjusted for by default, each with the reason shown beside it:
    /// [`Self::derived_from_outcome`], and the columns the drawn graph has descend from the
    /// treatment (measured after it).
    pub fn not_by_default(&self) -> Vec<(String, String)> {
        let mut out = self.derived_from_outcome();
        for c in self.graph_descendants() {
            if !out.iter().any(|(x, _)| *x == c) {
                out.push((c, "in the graph it descends from the treatment, so adjusting for it biases the effect".into()));
            }
        }
        out
    }

    /// Data columns that descend from the treatment in the drawn graph (neither the treatment
    /// nor the outcome); none before an arrow is drawn.
    pub fn graph_descendants(&self) -> Vec<String> {
        let g = &self.graph.dag;
        let Some(t) = self.treatment.as_deref().and_then(|t| g.index(t)) else {
            return Vec::new();
        };
        let below = g.descendants(&[t]);
        g.nodes()
            .iter()
            .enumerate()
            .filter(|&(i, n)| below[i] && i != t && !n.latent)
            .map(|(_, n)| n.name.clone())
            .filter(|n| Some(n) != self.outcome.as_ref() && self.is_column(n))
            .collect()
    }

    /// Unticks [`Self::not_by_default`] and remembers them (ticked again when the outcome
    /// changes).
    pub(super) fn hold_back_derived(&mut self) {
        for (c, _) in self.not_by_default() {
            if self.covariates.contains(&c) {
                self.covariates.retain(|x| *x != c);
                self.held_back.push(c);
            }
        }
    }

    /// Ticks exactly these covariates (the treatment and the outcome excepted).
    pub(super) fn set_covariates(&mut self, list: Vec<String>) {
        self.covariates.clear();
        self.held_back.clear();
        for c in list {
            if Some(&c) != self.treatment.as_ref() && Some(&c) != self.outcome.as_ref() {
                self.set_covariate(c, true);
            }
        }
    }

    pub(super) fn set_method(&mut self, m: Method, on: bool) {
        self.methods.retain(|x| *x != m);
        // 2SLS needs an instrument: it stays off until one is chosen.
        if on && (m != Method::TwoSls || !self.instruments.is_empty()) {
            self.methods.push(m);
            self.methods.sort_by_key(|x| Method::ALL.iter().position(|o| o == x));
        }
    }

    pub(super) fn set_instrument(&mut self, z: Option<String>) {
        self.methods.retain(|m| *m != Method::TwoSls);
        match z {
            Some(z) => {
                self.covariates.retain(|c| *c != z);
                self.instruments = vec![z];
                self.methods.push(Method::TwoSls);
            }
            None => self.instruments.clear(),
        }
    }
}
