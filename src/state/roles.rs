//! The roles of the columns: what is suggested on loading, covariate ticking, and whether the
//! chosen roles can be estimated.

use cf_engine::{ColumnKind, Method};
use cf_graph::{Dag, Role};

use super::AppState;

/// Names that usually mark a treatment column.
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
        let y = self.outcome.as_deref()?;
        if y == t {
            return Some(format!("`{y}` cannot be both the treatment and the outcome."));
        }
        if self.column(y)?.kind == ColumnKind::Categorical {
            return Some(format!("`{y}` holds text; the outcome must be numeric or 0/1."));
        }
        if self.instruments.iter().any(|z| z == t || z == y) {
            return Some(
                "The instrument must be another column than the treatment and the outcome.".into(),
            );
        }
        None
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
        for c in adjusted {
            if Some(&c) != self.treatment.as_ref() && Some(&c) != self.outcome.as_ref() {
                self.set_covariate(c, true);
            }
        }
    }

    pub(super) fn set_outcome(&mut self, y: String) {
        self.covariates.retain(|c| *c != y);
        self.outcome = Some(y);
    }

    /// Ticks exactly these covariates (the treatment and the outcome excepted).
    pub(super) fn set_covariates(&mut self, list: Vec<String>) {
        self.covariates.clear();
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
