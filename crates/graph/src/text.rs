//! Graphs as text: DAGitty's model syntax and Graphviz DOT, read and written, positions and roles
//! kept. [`parse`] detects the format from the content.
//!
//! DAGitty: `dag { X [exposure,pos="0,1"] Y [outcome] U [latent] X -> Y; {A B} -> C; A <-> B }`.
//! Attributes `exposure`, `outcome`, `adjusted`, `latent`, `pos="x,y"`; edges `->`, `<-`, and
//! `<->` (a latent common cause, added as a latent node `U_A_B`); `{A B}` groups nodes.
//!
//! DOT: `digraph { X -> Y; A [pos="1,2"] }`, with edge chains and `{A B}` groups; node, edge and
//! graph default statements and graph attributes are skipped. Counterfact writes its roles as
//! `role="exposure"` and `latent="true"` attributes, which Graphviz ignores.

use crate::{Dag, GraphError, Role};

/// The two text formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// DAGitty's model code.
    Dagitty,
    /// Graphviz DOT.
    Dot,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Id(String),
    Arrow,
    Back,
    Both,
    Undirected,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Semi,
    Equals,
}

struct Lexer {
    toks: Vec<(Tok, usize, usize)>,
}

fn lex(text: &str) -> Result<Lexer, GraphError> {
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut col) = (0, 1, 1);
    let mut toks = Vec::new();
    let err = |line, column, message: String| GraphError::Parse { line, column, message };
    while i < chars.len() {
        let c = chars[i];
        let (l0, c0) = (line, col);
        let advance = |k: usize, i: &mut usize, col: &mut usize| {
            *i += k;
            *col += k;
        };
        match c {
            '\n' => {
                i += 1;
                line += 1;
                col = 1;
            }
            c if c.is_whitespace() => advance(1, &mut i, &mut col),
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                col += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        line += 1;
                        col = 1;
                    } else {
                        col += 1;
                    }
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(err(l0, c0, "a comment /* is never closed".into()));
                }
                advance(2, &mut i, &mut col);
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                col += 1;
                loop {
                    match chars.get(i) {
                        None | Some('\n') => {
                            return Err(err(l0, c0, "a quoted name is never closed".into()));
                        }
                        Some('"') => break,
                        // An escaped character, except a line break: names are one line.
                        Some('\\') if chars.get(i + 1).is_some_and(|&c| c != '\n') => {
                            s.push(chars[i + 1]);
                            i += 2;
                            col += 2;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                            col += 1;
                        }
                    }
                }
                advance(1, &mut i, &mut col);
                toks.push((Tok::Id(s), l0, c0));
            }
            '<' if chars.get(i + 1) == Some(&'-') && chars.get(i + 2) == Some(&'>') => {
                advance(3, &mut i, &mut col);
                toks.push((Tok::Both, l0, c0));
            }
            '<' if chars.get(i + 1) == Some(&'-') => {
                advance(2, &mut i, &mut col);
                toks.push((Tok::Back, l0, c0));
            }
            '-' if chars.get(i + 1) == Some(&'>') => {
                advance(2, &mut i, &mut col);
                toks.push((Tok::Arrow, l0, c0));
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                advance(2, &mut i, &mut col);
                toks.push((Tok::Undirected, l0, c0));
            }
            '@' if chars.get(i + 1) == Some(&'-') && chars.get(i + 2) == Some(&'>') => {
                return Err(err(l0, c0, "`@->` edges (PAGs) are not causal DAG edges".into()));
            }
            '{' | '}' | '[' | ']' | ',' | ';' | '=' => {
                let t = match c {
                    '{' => Tok::LBrace,
                    '}' => Tok::RBrace,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    ',' => Tok::Comma,
                    ';' => Tok::Semi,
                    _ => Tok::Equals,
                };
                advance(1, &mut i, &mut col);
                toks.push((t, l0, c0));
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' => {
                let mut s = String::new();
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
                    || (i < chars.len() && chars[i] == '-' && s.is_empty())
                {
                    s.push(chars[i]);
                    i += 1;
                    col += 1;
                }
                toks.push((Tok::Id(s), l0, c0));
            }
            other => return Err(err(l0, c0, format!("unexpected character `{other}`"))),
        }
    }
    Ok(Lexer { toks })
}

/// Which format a text is in: DOT when it starts with `digraph` / `strict digraph` (or `graph`),
/// DAGitty otherwise.
pub fn detect(text: &str) -> Format {
    let first: Vec<String> = lex(text)
        .map(|l| {
            l.toks
                .into_iter()
                .take(2)
                .filter_map(|(t, _, _)| match t {
                    Tok::Id(s) => Some(s.to_ascii_lowercase()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    match first.first().map(String::as_str) {
        Some("digraph" | "graph") => Format::Dot,
        Some("strict") => Format::Dot,
        _ => Format::Dagitty,
    }
}

/// Reads a graph in either format (detected by [`detect`]).
///
/// # Errors
/// [`GraphError::Parse`] with line and column; [`GraphError::Cycle`] for a cyclic graph.
pub fn parse(text: &str) -> Result<Dag, GraphError> {
    let format = detect(text);
    let lexer = lex(text)?;
    let toks = lexer.toks;
    let end = toks.last().map_or((1, 1), |t| (t.1, t.2 + 1));
    let mut p = Parser { toks, i: 0, end, format, g: Dag::new() };
    p.graph()?;
    Ok(p.g)
}

struct Parser {
    toks: Vec<(Tok, usize, usize)>,
    i: usize,
    end: (usize, usize),
    format: Format,
    g: Dag,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }

    fn here(&self) -> (usize, usize) {
        self.toks.get(self.i).map_or(self.end, |t| (t.1, t.2))
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, GraphError> {
        let (line, column) = self.here();
        Err(GraphError::Parse { line, column, message: message.into() })
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn graph(&mut self) -> Result<(), GraphError> {
        // Header: `dag` / `digraph` / `strict digraph` [name], or a bare body (DAGitty).
        let mut saw_header = false;
        while let Some(Tok::Id(word)) = self.peek() {
            let w = word.to_ascii_lowercase();
            match (self.format, w.as_str()) {
                (Format::Dot, "graph") if !saw_header => {
                    return self.fail("an undirected `graph` is not a causal DAG; use `digraph`");
                }
                (Format::Dot, "strict" | "digraph") | (Format::Dagitty, "dag") => {
                    saw_header = true;
                    self.i += 1;
                }
                (Format::Dagitty, "pdag" | "mag" | "pag" | "graph") => {
                    return self
                        .fail(format!("a `{w}` is not a DAG; Counterfact reads `dag {{ … }}`"));
                }
                _ if saw_header => {
                    // The graph's name, or DAGitty's `bb="…"` before the brace.
                    self.i += 1;
                    if self.eat(&Tok::Equals) {
                        self.id()?;
                    }
                }
                _ => break,
            }
        }
        let braced = self.eat(&Tok::LBrace);
        if saw_header && !braced {
            return self.fail("expected `{` to open the graph");
        }
        loop {
            match self.peek() {
                None if braced => return self.fail("the graph is never closed with `}`"),
                None => return Ok(()),
                Some(Tok::RBrace) if braced => {
                    self.i += 1;
                    if self.peek().is_some() {
                        return self.fail("text after the closing `}`");
                    }
                    return Ok(());
                }
                Some(Tok::Semi | Tok::Comma) => self.i += 1,
                _ => self.statement()?,
            }
        }
    }

    fn id(&mut self) -> Result<String, GraphError> {
        match self.peek().cloned() {
            Some(Tok::Id(s)) => {
                self.i += 1;
                Ok(s)
            }
            _ => self.fail("expected a name"),
        }
    }

    /// A node or a `{…}` group, with attributes.
    fn operand(&mut self) -> Result<Vec<usize>, GraphError> {
        if self.eat(&Tok::LBrace) {
            let mut out = Vec::new();
            while !self.eat(&Tok::RBrace) {
                if self.peek().is_none() {
                    return self.fail("a group `{` is never closed");
                }
                if self.eat(&Tok::Semi) || self.eat(&Tok::Comma) {
                    continue;
                }
                out.extend(self.operand()?);
            }
            return Ok(out);
        }
        let name = self.id()?;
        let v = self.g.add_node(&name);
        if self.peek() == Some(&Tok::LBracket) {
            self.attributes(Some(v))?;
        }
        Ok(vec![v])
    }

    fn attributes(&mut self, node: Option<usize>) -> Result<(), GraphError> {
        self.i += 1; // [
        loop {
            match self.peek().cloned() {
                Some(Tok::RBracket) => {
                    self.i += 1;
                    return Ok(());
                }
                Some(Tok::Comma | Tok::Semi) => self.i += 1,
                Some(Tok::Id(key)) => {
                    self.i += 1;
                    let value = if self.eat(&Tok::Equals) { Some(self.id()?) } else { None };
                    if let Some(v) = node {
                        self.apply(v, &key, value.as_deref())?;
                    }
                }
                _ => return self.fail("expected an attribute or `]`"),
            }
        }
    }

    fn apply(&mut self, v: usize, key: &str, value: Option<&str>) -> Result<(), GraphError> {
        let node = self.g.node_mut(v);
        match (key, value) {
            ("exposure", None) | ("role", Some("exposure")) => node.role = Role::Exposure,
            ("outcome", None) | ("role", Some("outcome")) => node.role = Role::Outcome,
            ("adjusted", None) | ("role", Some("adjusted")) => node.role = Role::Adjusted,
            ("latent", None) | ("latent", Some("true")) => node.latent = true,
            ("pos", Some(p)) => {
                let parts: Vec<f64> = p
                    .trim_end_matches('!')
                    .split(',')
                    .filter_map(|s| s.trim().parse().ok())
                    .collect();
                match parts[..] {
                    [x, y, ..] => node.pos = Some((x, y)),
                    _ => return self.fail(format!("pos must be \"x,y\", got \"{p}\"")),
                }
            }
            _ => {} // other attributes (labels, colours, `selected`) are not used
        }
        Ok(())
    }

    fn statement(&mut self) -> Result<(), GraphError> {
        if self.format == Format::Dot {
            // Defaults (`node [...]`, `edge [...]`, `graph [...]`) and graph attributes `a = b`.
            if let (Some(Tok::Id(w)), Some(next)) =
                (self.peek(), self.toks.get(self.i + 1).map(|t| &t.0))
            {
                let w = w.to_ascii_lowercase();
                if matches!(w.as_str(), "node" | "edge" | "graph") && *next == Tok::LBracket {
                    self.i += 1;
                    return self.attributes(None);
                }
                if *next == Tok::Equals {
                    self.i += 2;
                    self.id()?;
                    return Ok(());
                }
            }
        }
        let mut left = self.operand()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Arrow) => Tok::Arrow,
                Some(Tok::Back) => Tok::Back,
                Some(Tok::Both) => Tok::Both,
                Some(Tok::Undirected) => {
                    return self.fail("an undirected edge `--` has no causal direction; use `->`");
                }
                _ => return Ok(()),
            };
            let (line, column) = self.here();
            self.i += 1;
            let right = self.operand()?;
            if self.peek() == Some(&Tok::LBracket) {
                self.attributes(None)?;
            }
            for &a in &left {
                for &b in &right {
                    let at = |e: GraphError| match e {
                        GraphError::Cycle { cycle } => GraphError::Parse {
                            line,
                            column,
                            message: GraphError::Cycle { cycle }.to_string(),
                        },
                        other => other,
                    };
                    match op {
                        Tok::Arrow => self.g.add_edge(a, b).map_err(at)?,
                        Tok::Back => self.g.add_edge(b, a).map_err(at)?,
                        _ => {
                            let (na, nb) = (self.g.name(a).to_string(), self.g.name(b).to_string());
                            let u = self.g.add_node(&format!("U_{na}_{nb}"));
                            self.g.node_mut(u).latent = true;
                            self.g.add_edge(u, a).map_err(at)?;
                            self.g.add_edge(u, b).map_err(at)?;
                        }
                    }
                }
            }
            left = right;
        }
    }
}

fn quote(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn fmt_num(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Writes DAGitty model code.
pub fn to_dagitty(g: &Dag) -> String {
    let mut out = String::from("dag {\n");
    for n in g.nodes() {
        let mut attrs: Vec<String> = Vec::new();
        match n.role {
            Role::Exposure => attrs.push("exposure".into()),
            Role::Outcome => attrs.push("outcome".into()),
            Role::Adjusted => attrs.push("adjusted".into()),
            Role::None => {}
        }
        if n.latent {
            attrs.push("latent".into());
        }
        if let Some((x, y)) = n.pos {
            attrs.push(format!("pos=\"{},{}\"", fmt_num(x), fmt_num(y)));
        }
        out += &quote(&n.name);
        if !attrs.is_empty() {
            out += &format!(" [{}]", attrs.join(","));
        }
        out.push('\n');
    }
    for (a, b) in g.edges() {
        out += &format!("{} -> {}\n", quote(g.name(a)), quote(g.name(b)));
    }
    out.push('}');
    out.push('\n');
    out
}

/// Writes Graphviz DOT.
pub fn to_dot(g: &Dag) -> String {
    let mut out = String::from("digraph {\n");
    for n in g.nodes() {
        let mut attrs: Vec<String> = Vec::new();
        match n.role {
            Role::Exposure => attrs.push("role=\"exposure\"".into()),
            Role::Outcome => attrs.push("role=\"outcome\"".into()),
            Role::Adjusted => attrs.push("role=\"adjusted\"".into()),
            Role::None => {}
        }
        if n.latent {
            attrs.push("latent=\"true\"".into());
            attrs.push("style=\"dashed\"".into());
        }
        if let Some((x, y)) = n.pos {
            attrs.push(format!("pos=\"{},{}\"", fmt_num(x), fmt_num(y)));
        }
        out += &format!("  {}", quote(&n.name));
        if !attrs.is_empty() {
            out += &format!(" [{}]", attrs.join(", "));
        }
        out += ";\n";
    }
    for (a, b) in g.edges() {
        out += &format!("  {} -> {};\n", quote(g.name(a)), quote(g.name(b)));
    }
    out.push('}');
    out.push('\n');
    out
}
