//! The columnar table and the per-column type inference.

use std::collections::HashMap;

use crate::{MISSING_MARKERS, Warning};

/// A typed, columnar table: every column has the same number of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    columns: Vec<Column>,
    n_rows: usize,
}

impl Table {
    /// Builds a table; every column must have `n_rows` values.
    pub(crate) fn new(columns: Vec<Column>, n_rows: usize) -> Self {
        debug_assert!(columns.iter().all(|c| c.len() == n_rows));
        Table { columns, n_rows }
    }

    /// Number of data rows (the header is not counted).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The columns in file order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether the two tables are the same bit for bit: names, kinds, levels and every value,
    /// where `==` would call two missing (NaN) values different.
    pub fn identical(&self, other: &Table) -> bool {
        self.n_rows == other.n_rows
            && self.columns.len() == other.columns.len()
            && self.columns.iter().zip(&other.columns).all(|(a, b)| {
                a.name == b.name
                    && a.kind == b.kind
                    && a.n_missing == b.n_missing
                    && match (&a.data, &b.data) {
                        (ColumnData::Numeric(x), ColumnData::Numeric(y)) => {
                            x.len() == y.len()
                                && x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits())
                        }
                        (l, r) => l == r,
                    }
            })
    }

    /// Stacks tables read from consecutive pieces of one file, when every column of every piece
    /// is numeric (or binary) and the names agree; `None` otherwise (a text column's levels and
    /// type inference depend on the whole column, so the caller reads the file in one go).
    pub fn concat_numeric(parts: Vec<Table>) -> Option<Table> {
        let mut parts = parts.into_iter();
        let first = parts.next()?;
        let rest: Vec<Table> = parts.collect();
        let numeric = |t: &Table| {
            t.columns.len() == first.columns.len()
                && t.columns
                    .iter()
                    .zip(&first.columns)
                    .all(|(c, f)| c.name == f.name && c.as_numeric().is_some())
        };
        if !numeric(&first) || !rest.iter().all(numeric) {
            return None;
        }
        let n_rows = first.n_rows + rest.iter().map(|t| t.n_rows).sum::<usize>();
        // Extend the first piece's columns in place (it may have reserved room for the whole file).
        let mut columns: Vec<(String, Vec<f64>)> = first
            .columns
            .into_iter()
            .map(|c| match c.data {
                ColumnData::Numeric(v) => (c.name, v),
                ColumnData::Categorical { .. } => (c.name, Vec::new()),
            })
            .collect();
        for part in rest {
            for ((_, dst), col) in columns.iter_mut().zip(part.columns) {
                if let ColumnData::Numeric(v) = col.data {
                    dst.extend_from_slice(&v);
                }
            }
        }
        let columns = columns.into_iter().map(|(n, v)| Column::numeric(n, v)).collect();
        Some(Table::new(columns, n_rows))
    }
}

/// The inferred type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Numbers.
    Numeric,
    /// Numbers that are all 0 or 1 (or the words true/false).
    Binary,
    /// Text: a finite set of levels.
    Categorical,
}

impl Kind {
    /// Lower-case name, as shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Numeric => "numeric",
            Kind::Binary => "binary",
            Kind::Categorical => "categorical",
        }
    }
}

/// The values of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Numbers; a missing value is NaN.
    Numeric(Vec<f64>),
    /// Level codes into `levels` (sorted); a missing value is `None`.
    Categorical {
        /// Per row, the index of its level.
        codes: Vec<Option<u32>>,
        /// The distinct values, sorted.
        levels: Vec<String>,
    },
}

/// One named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    name: String,
    kind: Kind,
    data: ColumnData,
    n_missing: usize,
}

impl Column {
    /// Builds a numeric column (NaN = missing) and infers numeric or binary.
    pub fn numeric(name: impl Into<String>, values: Vec<f64>) -> Self {
        let n_missing = values.iter().filter(|v| v.is_nan()).count();
        let kind = if values.iter().all(|&v| v.is_nan() || v == 0.0 || v == 1.0) {
            Kind::Binary
        } else {
            Kind::Numeric
        };
        Column { name: name.into(), kind, data: ColumnData::Numeric(values), n_missing }
    }

    /// The column name from the header.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The inferred type.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The values.
    pub fn data(&self) -> &ColumnData {
        &self.data
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.data {
            ColumnData::Numeric(v) => v.len(),
            ColumnData::Categorical { codes, .. } => codes.len(),
        }
    }

    /// True when the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of missing values.
    pub fn n_missing(&self) -> usize {
        self.n_missing
    }

    /// The numbers of a numeric or binary column (NaN = missing); `None` for categorical.
    pub fn as_numeric(&self) -> Option<&[f64]> {
        match &self.data {
            ColumnData::Numeric(v) => Some(v),
            ColumnData::Categorical { .. } => None,
        }
    }

    /// The value at `row` as text for display (`""` when missing or out of range).
    pub fn display(&self, row: usize) -> String {
        match &self.data {
            ColumnData::Numeric(v) => match v.get(row) {
                Some(x) if !x.is_nan() => format!("{x}"),
                _ => String::new(),
            },
            ColumnData::Categorical { codes, levels } => codes
                .get(row)
                .copied()
                .flatten()
                .and_then(|c| levels.get(c as usize))
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// Builds a column while streaming: numeric until the first text value, then categorical.
pub(crate) struct ColumnBuilder {
    name: String,
    state: BuilderState,
    n_missing: usize,
    /// `1,5` reads as 1.5 (files separated by `;` use the decimal comma).
    decimal_comma: bool,
}

enum BuilderState {
    Numeric(Vec<f64>),
    Text {
        codes: Vec<Option<u32>>,
        levels: Vec<String>,
        index: HashMap<String, u32>,
        n_numeric: usize,
        first_text: Option<String>,
    },
}

/// Strips ASCII spaces and tabs at both ends (cheap when there are none).
fn trim_ascii(b: &[u8]) -> &[u8] {
    match (b.first(), b.last()) {
        (Some(f), Some(l)) if !f.is_ascii_whitespace() && !l.is_ascii_whitespace() => b,
        _ => b.trim_ascii(),
    }
}

fn is_missing_marker(s: &str) -> bool {
    s.is_empty() || MISSING_MARKERS.contains(&s)
}

/// Parses a finite number; `None` for anything else (including `inf` and `NaN`).
fn parse_number(s: &str, decimal_comma: bool) -> Option<f64> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        Ok(_) => None,
        Err(_)
            if decimal_comma
                && s.bytes().filter(|&b| b == b',').count() == 1
                && !s.contains('.') =>
        {
            parse_number(&s.replace(',', "."), false)
        }
        Err(_) => None,
    }
}

impl ColumnBuilder {
    pub(crate) fn new(name: String, decimal_comma: bool) -> Self {
        ColumnBuilder {
            name,
            state: BuilderState::Numeric(Vec::new()),
            n_missing: 0,
            decimal_comma,
        }
    }

    /// The distinct text values held so far (0 while the column is numeric).
    pub(crate) fn n_levels(&self) -> usize {
        match &self.state {
            BuilderState::Numeric(_) => 0,
            BuilderState::Text { levels, .. } => levels.len(),
        }
    }

    /// The column's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// True once a text value has been seen (the column will be categorical or boolean).
    pub(crate) fn has_text(&self) -> bool {
        matches!(self.state, BuilderState::Text { .. })
    }

    /// Makes room for `additional` more values.
    pub(crate) fn reserve(&mut self, additional: usize) {
        match &mut self.state {
            BuilderState::Numeric(v) => v.reserve(additional),
            BuilderState::Text { codes, .. } => codes.reserve(additional),
        }
    }

    /// Adds one field. `Err(())` when the bytes are not UTF-8.
    pub(crate) fn push(&mut self, raw: &[u8]) -> Result<(), ()> {
        let bytes = trim_ascii(raw);
        if let BuilderState::Numeric(values) = &mut self.state {
            // Fast path: a plain number needs no UTF-8 check (it is ASCII) and no allocation.
            if bytes.is_empty() {
                values.push(f64::NAN);
                self.n_missing += 1;
                return Ok(());
            }
            if let Ok(v) = fast_float2::parse::<f64, _>(bytes)
                && v.is_finite()
            {
                values.push(v);
                return Ok(());
            }
        }
        let s = std::str::from_utf8(bytes).map_err(|_| ())?.trim();
        self.push_str(s);
        Ok(())
    }

    fn push_str(&mut self, s: &str) {
        match &mut self.state {
            BuilderState::Numeric(values) => {
                if let Some(v) = parse_number(s, self.decimal_comma) {
                    values.push(v);
                } else if is_missing_marker(s) {
                    values.push(f64::NAN);
                    self.n_missing += 1;
                } else {
                    self.switch_to_text(s);
                }
            }
            BuilderState::Text { codes, levels, index, n_numeric, first_text } => {
                if is_missing_marker(s) {
                    codes.push(None);
                    self.n_missing += 1;
                    return;
                }
                if parse_number(s, self.decimal_comma).is_some() {
                    *n_numeric += 1;
                } else if first_text.is_none() {
                    *first_text = Some(s.to_string());
                }
                let code = match index.get(s) {
                    Some(&c) => c,
                    None => {
                        let c = levels.len() as u32;
                        levels.push(s.to_string());
                        index.insert(s.to_string(), c);
                        c
                    }
                };
                codes.push(Some(code));
            }
        }
    }

    /// Switches a numeric column to text on its first non-number `s`, keeping what came before.
    fn switch_to_text(&mut self, s: &str) {
        let BuilderState::Numeric(values) = &self.state else { return };
        let mut codes = Vec::with_capacity(values.len() + 1);
        let mut levels = Vec::new();
        let mut index = HashMap::new();
        let mut n_numeric = 0;
        for &v in values {
            if v.is_nan() {
                codes.push(None);
                continue;
            }
            n_numeric += 1;
            let text = format!("{v}");
            let code = *index.entry(text.clone()).or_insert_with(|| {
                levels.push(text);
                (levels.len() - 1) as u32
            });
            codes.push(Some(code));
        }
        self.state =
            BuilderState::Text { codes, levels, index, n_numeric, first_text: Some(s.to_string()) };
        self.push_str(s);
    }

    pub(crate) fn finish(self, warnings: &mut Vec<Warning>) -> Column {
        match self.state {
            BuilderState::Numeric(values) => {
                let mut col = Column::numeric(self.name, values);
                col.n_missing = self.n_missing;
                col
            }
            BuilderState::Text { codes, levels, n_numeric, first_text, .. } => {
                // true/false columns are binary.
                let as_bool = |l: &str| match l.to_ascii_lowercase().as_str() {
                    "true" => Some(1.0),
                    "false" => Some(0.0),
                    _ => None,
                };
                if levels.iter().all(|l| as_bool(l).is_some()) {
                    let values = codes
                        .iter()
                        .map(|c| {
                            c.and_then(|c| levels.get(c as usize))
                                .and_then(|l| as_bool(l))
                                .unwrap_or(f64::NAN)
                        })
                        .collect();
                    let mut col = Column::numeric(self.name, values);
                    col.n_missing = self.n_missing;
                    return col;
                }
                if n_numeric > 0 {
                    warnings.push(Warning::MixedColumn {
                        column: self.name.clone(),
                        numeric: n_numeric,
                        example: first_text.unwrap_or_default(),
                    });
                }
                // Sort the levels so codes do not depend on row order.
                let mut order: Vec<usize> = (0..levels.len()).collect();
                order.sort_by(|&a, &b| levels[a].cmp(&levels[b]));
                let mut remap = vec![0u32; levels.len()];
                for (new, &old) in order.iter().enumerate() {
                    remap[old] = new as u32;
                }
                let codes = codes.into_iter().map(|c| c.map(|c| remap[c as usize])).collect();
                let levels = order.into_iter().map(|i| levels[i].clone()).collect();
                Column {
                    name: self.name,
                    kind: Kind::Categorical,
                    data: ColumnData::Categorical { codes, levels },
                    n_missing: self.n_missing,
                }
            }
        }
    }
}
