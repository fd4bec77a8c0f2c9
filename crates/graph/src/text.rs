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
//!
//! Undecided edges (a CPDAG's `a -- b`) are read only by [`parse_pdag`]: in DAGitty as
//! `pdag { a -- b; c -> d }` (or `--` inside `dag { }`), in DOT as `a -> b [dir=none]` in a
//! `digraph` (Graphviz's convention), as `a -- b`, or in an undirected `graph { a -- b }`.
//! [`parse`] refuses them, so what it returns is always a DAG. [`to_dagitty`] writes a graph with
//! undecided edges as `pdag { … }` with `--`, [`to_dot`] with `[dir=none]`; a graph without them
//! is written as a DAG.

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

/// Reads a DAG in either format (detected by [`detect`]); undecided edges are refused.
///
/// # Errors
/// [`GraphError::Parse`] with line and column; [`GraphError::Cycle`] for a cyclic graph.
pub fn parse(text: &str) -> Result<Dag, GraphError> {
    parse_with(text, false)
}

/// Reads a graph that may have undecided edges (a CPDAG, or a DAG), in either format: DAGitty's
/// `pdag { a -- b; c -> d }` or `--` in `dag { }`; DOT's `a -> b [dir=none]` or `a -- b` in a
/// `digraph`, or `a -- b` in an undirected `graph { }`. When an edge between two nodes is given
/// twice, the later one wins.
///
/// # Errors
/// As [`parse`].
pub fn parse_pdag(text: &str) -> Result<Dag, GraphError> {
    parse_with(text, true)
}

fn parse_with(text: &str, partial: bool) -> Result<Dag, GraphError> {
    let format = detect(text);
    let lexer = lex(text)?;
    let toks = lexer.toks;
    let end = toks.last().map_or((1, 1), |t| (t.1, t.2 + 1));
    let mut p = Parser { toks, i: 0, end, format, partial, dot_undirected: false, g: Dag::new() };
    p.graph()?;
    Ok(p.g)
}

struct Parser {
    toks: Vec<(Tok, usize, usize)>,
    i: usize,
    end: (usize, usize),
    format: Format,
    /// Undecided edges allowed ([`parse_pdag`]).
    partial: bool,
    /// Inside DOT's undirected `graph { }`.
    dot_undirected: bool,
    g: Dag,
}

/// A parsed attribute list: `(key, value)` pairs.
type Attributes = Vec<(String, Option<String>)>;

/// Whether edge attributes ask for no arrowhead (`dir=none`).
fn undirected_attr(attrs: &Attributes) -> bool {
    attrs.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("dir")
            && v.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("none"))
    })
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
        // Header: `dag` / `digraph` / `strict digraph` [name], or a bare body (DAGitty); with
        // undecided edges allowed also `pdag` and DOT's (`strict`) `graph`.
        let mut saw_header = false;
        let mut saw_kind = false;
        while let Some(Tok::Id(word)) = self.peek() {
            let w = word.to_ascii_lowercase();
            match (self.format, w.as_str()) {
                (Format::Dot, "graph") if self.partial && !saw_kind => {
                    saw_header = true;
                    saw_kind = true;
                    self.dot_undirected = true;
                    self.i += 1;
                }
                (Format::Dot, "graph") if !saw_header => {
                    return self.fail("an undirected `graph` is not a causal DAG; use `digraph`");
                }
                (Format::Dot, "strict") => {
                    saw_header = true;
                    self.i += 1;
                }
                (Format::Dot, "digraph") | (Format::Dagitty, "dag") => {
                    saw_header = true;
                    saw_kind = true;
                    self.i += 1;
                }
                (Format::Dagitty, "pdag") if self.partial => {
                    saw_header = true;
                    saw_kind = true;
                    self.i += 1;
                }
                (Format::Dagitty, "mag" | "pag" | "graph") if self.partial => {
                    return self.fail(format!(
                        "a `{w}` is not a DAG or a CPDAG; Counterfact reads `dag {{ … }}` and `pdag {{ … }}`"
                    ));
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

    /// A node or a `{…}` group, with attributes (a node's own unless `node_attrs` is false: in
    /// DOT, attributes after an edge's head belong to the edge).
    fn operand(&mut self, node_attrs: bool) -> Result<Vec<usize>, GraphError> {
        if self.eat(&Tok::LBrace) {
            let mut out = Vec::new();
            while !self.eat(&Tok::RBrace) {
                if self.peek().is_none() {
                    return self.fail("a group `{` is never closed");
                }
                if self.eat(&Tok::Semi) || self.eat(&Tok::Comma) {
                    continue;
                }
                out.extend(self.operand(true)?);
            }
            return Ok(out);
        }
        let name = self.id()?;
        let v = self.g.add_node(&name);
        if node_attrs && self.peek() == Some(&Tok::LBracket) {
            self.attributes(Some(v))?;
        }
        Ok(vec![v])
    }

    /// An attribute list `[…]`, applied to `node` when given, and returned.
    fn attributes(&mut self, node: Option<usize>) -> Result<Attributes, GraphError> {
        self.i += 1; // [
        let mut out = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Tok::RBracket) => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(Tok::Comma | Tok::Semi) => self.i += 1,
                Some(Tok::Id(key)) => {
                    self.i += 1;
                    let value = if self.eat(&Tok::Equals) { Some(self.id()?) } else { None };
                    if let Some(v) = node {
                        self.apply(v, &key, value.as_deref())?;
                    }
                    out.push((key, value));
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
                    return self.attributes(None).map(|_| ());
                }
                if *next == Tok::Equals {
                    self.i += 2;
                    self.id()?;
                    return Ok(());
                }
            }
        }
        let dot = self.format == Format::Dot;
        let mut left = self.operand(true)?;
        // DOT's edge attributes follow the whole chain (`a -> b -> c [dir=none]`), so DOT edges
        // wait for them; DAGitty's are added as they come.
        let mut pending: Vec<Link> = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Tok::Arrow) => Tok::Arrow,
                Some(Tok::Back) => Tok::Back,
                Some(Tok::Both) => Tok::Both,
                Some(Tok::Undirected) if self.partial => Tok::Undirected,
                Some(Tok::Undirected) => {
                    return self.fail("an undirected edge `--` has no causal direction; use `->`");
                }
                _ => break,
            };
            if self.dot_undirected && op != Tok::Undirected {
                return self.fail(
                    "an undirected `graph` has only undecided edges `--`; use `digraph` for arrows",
                );
            }
            let (line, column) = self.here();
            self.i += 1;
            let right = self.operand(!dot)?;
            if !dot && self.peek() == Some(&Tok::LBracket) {
                self.attributes(None)?;
            }
            let link = Link { op, left, right: right.clone(), line, column };
            if dot {
                pending.push(link);
            } else {
                self.link(&link, false)?;
            }
            left = right;
        }
        if pending.is_empty() {
            return Ok(());
        }
        let (line, column) = self.here();
        let undirected =
            self.peek() == Some(&Tok::LBracket) && undirected_attr(&self.attributes(None)?);
        if undirected && !self.partial {
            return Err(GraphError::Parse {
                line,
                column,
                message: "an undirected edge `[dir=none]` has no causal direction; use `->`".into(),
            });
        }
        for link in &pending {
            self.link(link, undirected)?;
        }
        Ok(())
    }

    /// Adds the edges of one link of an edge chain (every left node to every right node);
    /// `undirected` makes arrows undecided edges (DOT's `dir=none`).
    fn link(&mut self, link: &Link, undirected: bool) -> Result<(), GraphError> {
        let (line, column) = (link.line, link.column);
        let at = |e: GraphError| match e {
            GraphError::Cycle { cycle } => {
                GraphError::Parse { line, column, message: GraphError::Cycle { cycle }.to_string() }
            }
            other => other,
        };
        for &a in &link.left {
            for &b in &link.right {
                match link.op {
                    Tok::Undirected => self.g.add_undirected_edge(a, b).map_err(at)?,
                    Tok::Arrow | Tok::Back if undirected => {
                        self.g.add_undirected_edge(a, b).map_err(at)?;
                    }
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
        Ok(())
    }
}

/// One `left op right` link of an edge chain, with the operator's position.
struct Link {
    op: Tok,
    left: Vec<usize>,
    right: Vec<usize>,
    line: usize,
    column: usize,
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

/// Writes DAGitty model code: `dag { … }`, or `pdag { … }` with `a -- b` lines when the graph
/// has undecided edges.
pub fn to_dagitty(g: &Dag) -> String {
    let mut out = String::from(if g.has_undirected() { "pdag {\n" } else { "dag {\n" });
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
    for &(a, b) in g.undirected_edges() {
        out += &format!("{} -- {}\n", quote(g.name(a)), quote(g.name(b)));
    }
    out.push('}');
    out.push('\n');
    out
}

/// Writes Graphviz DOT: a `digraph`, undecided edges as `a -> b [dir=none]`.
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
    for &(a, b) in g.undirected_edges() {
        out += &format!("  {} -> {} [dir=none];\n", quote(g.name(a)), quote(g.name(b)));
    }
    out.push('}');
    out.push('\n');
    out
}
