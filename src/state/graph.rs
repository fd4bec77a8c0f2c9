//! What the reducer does with the causal-graph editor, and what the page reads from the graph.

use cf_engine::{ColumnKind, Independence, Method};
use cf_graph::Dag;

use super::AppState;
use crate::graph_state::{self, Selection};

/// Edits of the causal graph.
#[derive(Debug, Clone, PartialEq)]
pub enum GraphAction {
    /// Add a latent node.
    AddLatent,
    /// Draw `from → to`.
    AddEdge(String, String),
    /// Select a node or edge (or nothing).
    Select(Option<Selection>),
    /// Delete the selection.
    DeleteSelected,
    /// A node was dragged to (x, y).
    Move(String, f64, f64),
    /// A DAGitty key on the selected node: e, o, a, u.
    Key(char),
    /// Rename a node.
    Rename(String, String),
    /// Undo.
    Undo,
    /// Redo.
    Redo,
    /// Layered layout.
    AutoLayout,
    /// Replace the graph by this text (DAGitty or DOT).
    ApplyText(String),
    /// Hide the graph's message.
    DismissError,
}

impl AppState {
    /// The graph with the page's roles stamped on it.
    pub fn graph_with_roles(&self) -> Dag {
        graph_state::with_roles(
            &self.graph.dag,
            self.treatment.as_deref(),
            self.outcome.as_deref(),
            &self.adjusted(),
        )
    }

    /// Whether the graph has an edge, directed or undecided.
    pub fn graph_has_edges(&self) -> bool {
        !self.graph.dag.edges().is_empty() || !self.graph.dag.undirected_edges().is_empty()
    }

    /// The graph's identification of the chosen effect, when both roles are nodes (an error
    /// while some edges are undecided: see [`AppState::cpdag_identification`]).
    pub fn graph_analysis(&self) -> Option<Result<graph_state::Analysis, String>> {
        let (t, y) = (self.treatment.as_deref()?, self.outcome.as_deref()?);
        if !self.graph.dag.undirected_edges().is_empty() {
            return Some(Err("some edges are undecided: the adjustment sets hold for every graph their orientations allow".into()));
        }
        Some(graph_state::analyse(&self.graph.dag, t, y, &self.adjusted()))
    }

    /// With undecided edges: the adjustment sets valid in every DAG the graph stands for, or the
    /// edge the answer depends on. `None` without undecided edges or roles.
    pub fn cpdag_identification(
        &self,
    ) -> Option<Result<cf_graph::cpdag::CpdagIdentification, String>> {
        if self.graph.dag.undirected_edges().is_empty() {
            return None;
        }
        let (t, y) = (self.treatment.as_deref()?, self.outcome.as_deref()?);
        Some(cf_graph::cpdag::identify_cpdag(&self.graph.dag, t, y).map_err(|e| e.to_string()))
    }

    /// A warning for the Run button: the ticked covariates leave a biasing path open in the
    /// drawn graph (or adjust for a descendant of the treatment).
    pub fn adjustment_warning(&self) -> Option<String> {
        if self.graph.dag.edges().is_empty() {
            return None;
        }
        if !self.methods.is_empty() && self.methods.iter().all(|m| *m == Method::TwoSls) {
            return self.instrument_warning();
        }
        let a = self.graph_analysis()?.ok()?;
        if a.adjusted_ok {
            return None;
        }
        if let Some(p) = a.biasing_open.first() {
            let more = match a.biasing_open.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            return Some(format!(
                "By the graph, these covariates leave a biasing path open: {}{more}.",
                graph_state::path_text(&self.graph.dag, p)
            ));
        }
        if !a.descendants_adjusted.is_empty() {
            return Some(format!(
                "By the graph, {} descend from the treatment: adjusting for them biases the effect.",
                a.descendants_adjusted.join(", ")
            ));
        }
        Some("By the graph, these covariates do not block every biasing path.".into())
    }

    /// For instrumental variables alone: whether, by the graph, each chosen instrument is one
    /// given the ticked covariates (the back door need not be closed).
    fn instrument_warning(&self) -> Option<String> {
        let g = self.graph_with_roles();
        let at = |n: &str| g.index(n).filter(|&i| !g.nodes()[i].latent);
        let (x, y) = (at(self.treatment.as_deref()?)?, at(self.outcome.as_deref()?)?);
        let w: Vec<usize> = self.adjusted().iter().filter_map(|c| at(c)).collect();
        let bad: Vec<String> = self
            .instruments
            .iter()
            .filter(|z| at(z).is_some_and(|z| !cf_graph::identify::is_instrument(&g, z, x, y, &w)))
            .map(|z| format!("`{z}`"))
            .collect();
        (!bad.is_empty()).then(|| {
            format!(
                "By the graph, {} is not an instrument given the ticked covariates: it must move the treatment and reach the outcome only through it.",
                bad.join(", ")
            )
        })
    }

    /// Whether column `coded` is an encoding of column `source`: a dummy of one of its levels
    /// (`active_1` of `active`) or its missing-value indicator (`x_missing`). Testing the two
    /// against each other says nothing about the graph.
    pub fn encodes(&self, source: &str, coded: &str) -> bool {
        let Some(suffix) = coded.strip_prefix(source).and_then(|r| r.strip_prefix(['_', '.', '=']))
        else {
            return false;
        };
        if suffix.is_empty() {
            return false;
        }
        const MISSING: [&str; 8] =
            ["missing", "miss", "na", "nan", "isna", "isnull", "null", "missing_indicator"];
        if MISSING.contains(&suffix.to_ascii_lowercase().as_str()) {
            return true;
        }
        let (Some(src), Some(dummy)) = (self.column(source), self.column(coded)) else {
            return false;
        };
        if dummy.kind != ColumnKind::Binary {
            return false;
        }
        if src.kind == ColumnKind::Categorical {
            return true;
        }
        let same = |level: &String| {
            level == suffix
                || matches!((level.parse::<f64>(), suffix.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
        };
        src.levels.as_ref().is_some_and(|l| l.iter().any(same))
    }

    /// The graph's testable implications (observed nodes that are data columns only, never a
    /// column against its own encoding, see [`AppState::encodes`]); none before the first arrow
    /// is drawn (every pair would be one).
    pub fn implied_independences(&self) -> Vec<Independence> {
        if !self.graph_has_edges() {
            return Vec::new();
        }
        // Every DAG of a pattern implies the same independences: one of them stands for all.
        let dag = if self.graph.dag.undirected_edges().is_empty() {
            self.graph.dag.clone()
        } else {
            match self.graph.dag.consistent_extension() {
                Some(d) => d,
                None => return Vec::new(),
            }
        };
        cf_graph::identify::implications(&dag)
            .into_iter()
            .filter(|i| {
                self.is_column(&i.x)
                    && self.is_column(&i.y)
                    && i.given.iter().all(|g| self.is_column(g))
                    && !self.encodes(&i.x, &i.y)
                    && !self.encodes(&i.y, &i.x)
            })
            .map(|i| Independence { x: i.x, y: i.y, given: i.given })
            .collect()
    }

    /// The graph as DAGitty text with its roles (what is saved and shown in the code panel).
    pub fn graph_text(&self) -> String {
        cf_graph::text::to_dagitty(&self.graph_with_roles())
    }

    pub(super) fn graph_action(&mut self, action: GraphAction) {
        let selected_node = match &self.graph.selected {
            Some(Selection::Node(n)) => Some(n.clone()),
            _ => None,
        };
        match action {
            GraphAction::AddLatent => {
                self.graph.add_latent();
            }
            GraphAction::AddEdge(a, b) => self.graph.add_edge(&a, &b),
            GraphAction::Select(sel) => {
                self.graph.selected = sel;
                self.graph.error = None;
            }
            GraphAction::DeleteSelected => self.graph.delete_selected(),
            GraphAction::Move(n, x, y) => self.graph.move_node(&n, x, y),
            GraphAction::Key(k) => {
                let Some(n) = selected_node else { return };
                let latent =
                    self.graph.dag.index(&n).is_some_and(|i| self.graph.dag.nodes()[i].latent);
                let usable = self.is_column(&n) && !latent;
                let refuse = |what: &str| {
                    Some(format!(
                        "`{n}` is not an observed column of the data: it cannot be {what}"
                    ))
                };
                self.graph.error = None;
                match k {
                    'e' if usable => {
                        if self.outcome.as_ref() == Some(&n) {
                            self.outcome = None;
                        }
                        self.set_treatment(n);
                    }
                    'e' => self.graph.error = refuse("the treatment"),
                    'o' if usable => {
                        if self.treatment.as_ref() == Some(&n) {
                            self.treatment = None;
                        }
                        self.covariates.retain(|c| *c != n);
                        self.outcome = Some(n);
                    }
                    'o' => self.graph.error = refuse("the outcome"),
                    'a' if usable => {
                        if self.treatment.as_ref() == Some(&n) || self.outcome.as_ref() == Some(&n)
                        {
                            self.graph.error = Some(format!(
                                "`{n}` is the treatment or the outcome: it cannot be adjusted for"
                            ));
                        } else {
                            let on = !self.covariates.contains(&n);
                            self.set_covariate(n, on);
                        }
                    }
                    'a' => self.graph.error = refuse("adjusted for"),
                    'u' => {
                        if self.treatment.as_ref() == Some(&n) || self.outcome.as_ref() == Some(&n)
                        {
                            self.graph.error = Some(format!(
                                "`{n}` is the treatment or the outcome: it must stay observed"
                            ));
                        } else {
                            if !latent {
                                self.covariates.retain(|c| *c != n);
                            }
                            self.graph.set_latent(&n, !latent);
                        }
                    }
                    _ => {}
                }
            }
            GraphAction::Rename(old, new) => {
                if self.is_column(&old) {
                    self.graph.error = Some(format!(
                        "`{old}` is a column of the data: only nodes you added can be renamed"
                    ));
                } else if self.is_column(new.trim()) {
                    self.graph.error = Some(format!(
                        "`{}` is a column of the data: a latent node needs another name",
                        new.trim()
                    ));
                } else {
                    self.graph.rename(&old, &new);
                }
            }
            GraphAction::Undo => self.graph.undo(),
            GraphAction::Redo => self.graph.redo(),
            GraphAction::AutoLayout => {
                let (t, y) = (self.treatment.clone(), self.outcome.clone());
                self.graph.auto_layout(t.as_deref(), y.as_deref());
            }
            GraphAction::ApplyText(text) => match graph_state::parse_text(&text) {
                Ok(g) => {
                    self.take_code_roles(&g);
                    let (t, y) = (self.treatment.clone(), self.outcome.clone());
                    self.graph.replace(g, t.as_deref(), y.as_deref());
                    self.graph.error = None;
                }
                Err(e) => self.graph.error = Some(e),
            },
            GraphAction::DismissError => self.graph.error = None,
        }
    }
}
