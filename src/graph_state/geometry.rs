//! Node boxes and where they may go: the width a name needs, overlap between boxes, the
//! nearest free place for a dropped node, and arrows routed around the other nodes.

use cf_graph::Dag;

use super::NODE_HEIGHT;

/// Extra width each side of a node with a role (its label carries a ▶ or ▮ mark).
pub const ROLE_PAD: f64 = 8.0;
/// Space kept between two node boxes after a drop or a layout.
pub(super) const GAP: f64 = 6.0;
/// Label font size (SVG units).
pub const FONT_SIZE: f64 = 13.0;

/// Advance of a character in em, after DejaVu Sans (the widest of the usual sans-serif faces, so
/// a name measured with it fits in the others too).
fn advance(c: char) -> f64 {
    let units = match c {
        'i' | 'j' | 'l' | '\'' | '|' | '.' | ',' | ':' | ';' | '!' => 600,
        'f' | 't' | 'I' | ' ' | '(' | ')' | '[' | ']' | '-' => 820,
        'r' => 860,
        's' | 'z' | 'c' | 'J' => 1130,
        '_' => 1030,
        'm' => 2000,
        'w' => 1680,
        'M' | 'W' => 2030,
        'a'..='z' => 1310,
        '0'..='9' => 1310,
        'A'..='Z' => 1500,
        _ => 2048,
    };
    f64::from(units) / 2048.0
}

/// Width of a text at the label size.
pub fn text_width(s: &str) -> f64 {
    s.chars().map(advance).sum::<f64>() * FONT_SIZE
}

/// Width of a node's box for its name (the role pad not included).
pub fn node_width(name: &str) -> f64 {
    (text_width(name) + 24.0).max(44.0)
}

/// Half the width of the space a node may take, with the role pad (so a role never makes two
/// boxes touch).
pub fn half_width(name: &str) -> f64 {
    node_width(name) / 2.0 + ROLE_PAD
}

/// An axis-aligned box: centre and half sizes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Centre x.
    pub x: f64,
    /// Centre y.
    pub y: f64,
    /// Half width.
    pub hw: f64,
    /// Half height.
    pub hh: f64,
}

impl Rect {
    /// The box of a node named `name` centred at `(x, y)`.
    pub fn node(name: &str, (x, y): (f64, f64)) -> Rect {
        Rect { x, y, hw: half_width(name), hh: NODE_HEIGHT / 2.0 }
    }

    /// Grown by `d` on every side.
    pub fn grown(self, d: f64) -> Rect {
        Rect { hw: self.hw + d, hh: self.hh + d, ..self }
    }

    /// Whether two boxes overlap, or come closer than `gap`.
    pub fn overlaps(&self, o: &Rect, gap: f64) -> bool {
        (self.x - o.x).abs() < self.hw + o.hw + gap && (self.y - o.y).abs() < self.hh + o.hh + gap
    }

    /// Whether the segment `p`–`q` meets the box (Liang–Barsky clipping).
    pub fn meets_segment(&self, p: (f64, f64), q: (f64, f64)) -> bool {
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        let checks = [
            (-dx, p.0 - (self.x - self.hw)),
            (dx, (self.x + self.hw) - p.0),
            (-dy, p.1 - (self.y - self.hh)),
            (dy, (self.y + self.hh) - p.1),
        ];
        for (pk, qk) in checks {
            if pk.abs() < 1e-12 {
                if qk < 0.0 {
                    return false;
                }
            } else {
                let t = qk / pk;
                if pk < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// The boxes of every placed node (`None` for a node without a position).
pub(super) fn boxes(g: &Dag) -> Vec<Option<Rect>> {
    g.nodes().iter().map(|n| n.pos.map(|p| Rect::node(&n.name, p))).collect()
}

/// The nearest place to `want` where node `v`'s box keeps a gap (`GAP`) from every other box (`want`
/// itself when it is free). Searched on rings of growing radius.
pub fn free_spot(g: &Dag, v: usize, want: (f64, f64)) -> (f64, f64) {
    let others: Vec<Rect> = g
        .nodes()
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != v)
        .filter_map(|(_, n)| n.pos.map(|p| Rect::node(&n.name, p)))
        .collect();
    let name = g.name(v);
    let free = |p: (f64, f64)| {
        let r = Rect::node(name, p);
        others.iter().all(|o| !r.overlaps(o, GAP))
    };
    if free(want) {
        return want;
    }
    let step = 4.0;
    for ring in 1..400 {
        let radius = f64::from(ring) * step;
        let k = ((std::f64::consts::TAU * radius / step).ceil() as usize).max(8);
        // The box is wider than tall: a ring is searched as an ellipse, so sideways moves
        // (short for the box) are tried at the same rank as up and down ones.
        let best = (0..k)
            .map(|j| {
                let a = std::f64::consts::TAU * j as f64 / k as f64;
                (want.0 + radius * a.cos() * 1.6, want.1 + radius * a.sin())
            })
            .filter(|&p| free(p))
            .min_by(|a, b| {
                let d = |p: &(f64, f64)| (p.0 - want.0).hypot(p.1 - want.1);
                d(a).total_cmp(&d(b))
            });
        if let Some(p) = best {
            return p;
        }
    }
    want
}

/// Pushes overlapping boxes apart (along the axis where they overlap least) until none overlap,
/// or gives up after a bounded number of rounds.
pub(super) fn separate(g: &mut Dag) {
    let n = g.len();
    for _ in 0..400 {
        let mut moved = false;
        for a in 0..n {
            for b in a + 1..n {
                let (Some(pa), Some(pb)) = (g.nodes()[a].pos, g.nodes()[b].pos) else { continue };
                let (ra, rb) = (Rect::node(g.name(a), pa), Rect::node(g.name(b), pb));
                if !ra.overlaps(&rb, GAP) {
                    continue;
                }
                let ox = ra.hw + rb.hw + GAP - (pa.0 - pb.0).abs();
                let oy = ra.hh + rb.hh + GAP - (pa.1 - pb.1).abs();
                // Ties (the same spot) are broken by the order of the nodes.
                let sx = if pa.0 < pb.0 || (pa.0 == pb.0 && a < b) { -1.0 } else { 1.0 };
                let sy = if pa.1 < pb.1 || (pa.1 == pb.1 && a < b) { -1.0 } else { 1.0 };
                let (da, db) = if ox <= oy {
                    let d = ox / 2.0 + 0.5;
                    ((sx * d, 0.0), (-sx * d, 0.0))
                } else {
                    let d = oy / 2.0 + 0.5;
                    ((0.0, sy * d), (0.0, -sy * d))
                };
                g.node_mut(a).pos = Some((pa.0 + da.0, pa.1 + da.1));
                g.node_mut(b).pos = Some((pb.0 + db.0, pb.1 + db.1));
                moved = true;
            }
        }
        if !moved {
            return;
        }
    }
}

/// Whether any two placed nodes overlap.
pub fn any_overlap(g: &Dag) -> Option<(String, String)> {
    let b = boxes(g);
    for i in 0..b.len() {
        for j in i + 1..b.len() {
            if let (Some(x), Some(y)) = (b[i], b[j])
                && x.overlaps(&y, 0.0)
            {
                return Some((g.name(i).to_string(), g.name(j).to_string()));
            }
        }
    }
    None
}

/// An arrow's course: from its start on the source's box to its end on the target's, straight,
/// bent through a quadratic Bézier control point, or (around a crowd of nodes) along corners
/// with rounded turns.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Where the arrow leaves the source's box.
    pub start: (f64, f64),
    /// The control point of a bent arrow.
    pub ctrl: Option<(f64, f64)>,
    /// The corners of an arrow led around other nodes.
    pub via: Vec<(f64, f64)>,
    /// Where it meets the target's box.
    pub end: (f64, f64),
}

/// A piece of a course from where the last one ended: a line to a point, or a quadratic curve
/// (its start, control point and end).
enum Piece {
    Line((f64, f64)),
    Quad((f64, f64), (f64, f64), (f64, f64)),
}

fn quad_at(a: (f64, f64), c: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    let u = 1.0 - t;
    (u * u * a.0 + 2.0 * u * t * c.0 + t * t * b.0, u * u * a.1 + 2.0 * u * t * c.1 + t * t * b.1)
}

/// Corner rounding radius of a led arrow.
const ROUND: f64 = 9.0;

impl Route {
    fn pieces(&self) -> Vec<Piece> {
        let (s, e) = (self.start, self.end);
        if let Some(c) = self.ctrl {
            return vec![Piece::Quad(s, c, e)];
        }
        let mut pts = vec![s];
        pts.extend(&self.via);
        pts.push(e);
        let mut out = Vec::new();
        for i in 1..pts.len() - 1 {
            let (p, c, n) = (pts[i - 1], pts[i], pts[i + 1]);
            let (l1, l2) = ((c.0 - p.0).hypot(c.1 - p.1), (n.0 - c.0).hypot(n.1 - c.1));
            let r = ROUND.min(l1 / 2.0).min(l2 / 2.0);
            if r < 1e-6 {
                continue;
            }
            let a = (c.0 - (c.0 - p.0) / l1 * r, c.1 - (c.1 - p.1) / l1 * r);
            let b = (c.0 + (n.0 - c.0) / l2 * r, c.1 + (n.1 - c.1) / l2 * r);
            out.push(Piece::Line(a));
            out.push(Piece::Quad(a, c, b));
        }
        out.push(Piece::Line(e));
        out
    }

    /// The SVG path data.
    pub fn path(&self) -> String {
        let mut d = format!("M {:.1} {:.1}", self.start.0, self.start.1);
        for piece in self.pieces() {
            match piece {
                Piece::Line(b) => d += &format!(" L {:.1} {:.1}", b.0, b.1),
                Piece::Quad(_, c, b) => {
                    d += &format!(" Q {:.1} {:.1} {:.1} {:.1}", c.0, c.1, b.0, b.1);
                }
            }
        }
        d
    }

    /// Points along the course (the ends included).
    pub fn samples(&self, k: usize) -> Vec<(f64, f64)> {
        let mut out = vec![self.start];
        for piece in self.pieces() {
            match piece {
                Piece::Line(b) => out.push(b),
                Piece::Quad(a, c, b) => {
                    out.extend((1..=k).map(|i| quad_at(a, c, b, i as f64 / k as f64)));
                }
            }
        }
        out
    }

    /// How many of `boxes` the course passes through.
    pub fn hits(&self, boxes: &[Rect]) -> usize {
        let pts = self.samples(40);
        boxes.iter().filter(|b| pts.windows(2).any(|w| b.meets_segment(w[0], w[1]))).count()
    }
}

/// The shortest way from `a` to `b` past `obstacles`, turning only at their corners (grown by
/// `clear`): the corners, or `None` when there is none.
fn led_around(
    a: (f64, f64),
    b: (f64, f64),
    obstacles: &[Rect],
    clear: f64,
) -> Option<Vec<(f64, f64)>> {
    let mut pts = vec![a, b];
    for o in obstacles {
        let g = o.grown(clear);
        for (sx, sy) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)] {
            let c = (g.x + sx * g.hw, g.y + sy * g.hh);
            if obstacles.iter().all(|o| !o.meets_segment(c, c)) {
                pts.push(c);
            }
        }
    }
    let n = pts.len();
    let free = |i: usize, j: usize| obstacles.iter().all(|o| !o.meets_segment(pts[i], pts[j]));
    let mut dist = vec![f64::INFINITY; n];
    let mut prev = vec![usize::MAX; n];
    let mut done = vec![false; n];
    dist[0] = 0.0;
    loop {
        let u = (0..n).filter(|&i| !done[i]).min_by(|&i, &j| dist[i].total_cmp(&dist[j]))?;
        if dist[u].is_infinite() {
            return None;
        }
        if u == 1 {
            break;
        }
        done[u] = true;
        for v in 0..n {
            if done[v] || v == u {
                continue;
            }
            let d = dist[u] + (pts[v].0 - pts[u].0).hypot(pts[v].1 - pts[u].1);
            if d < dist[v] && free(u, v) {
                dist[v] = d;
                prev[v] = u;
            }
        }
    }
    let mut via = Vec::new();
    let mut at = prev[1];
    while at != 0 && at != usize::MAX {
        via.push(pts[at]);
        at = prev[at];
    }
    via.reverse();
    Some(via)
}

/// Where the ray from a box's centre towards `(dx, dy)` leaves the box grown by `gap`.
fn border(r: &Rect, (dx, dy): (f64, f64), gap: f64) -> (f64, f64) {
    let (hw, hh) = (r.hw + gap, r.hh + gap);
    let t = match (dx.abs() > 1e-9, dy.abs() > 1e-9) {
        (true, true) => (hw / dx.abs()).min(hh / dy.abs()),
        (true, false) => hw / dx.abs(),
        (false, true) => hh / dy.abs(),
        (false, false) => 0.0,
    };
    (r.x + t * dx, r.y + t * dy)
}

/// The box a node's drawing takes (the role pad only when it has a role, as drawn).
fn drawn_box(name: &str, p: (f64, f64), pad: f64) -> Rect {
    Rect { x: p.0, y: p.1, hw: node_width(name) / 2.0 + pad, hh: NODE_HEIGHT / 2.0 }
}

/// The course of the arrow `a → b` with the nodes at `pos`: straight when that passes no other
/// node's box, else the least bent quadratic curve that passes none (or, failing that, the one
/// through the fewest). `pads[i]` is the role pad node `i` is drawn with.
pub fn route(g: &Dag, pos: &[(f64, f64)], pads: &[f64], a: usize, b: usize) -> Route {
    let (pa, pb) = (pos[a], pos[b]);
    let ra = drawn_box(g.name(a), pa, pads.get(a).copied().unwrap_or(0.0));
    let rb = drawn_box(g.name(b), pb, pads.get(b).copied().unwrap_or(0.0));
    let others: Vec<Rect> = (0..g.len())
        .filter(|&i| i != a && i != b && i < pos.len())
        .map(|i| drawn_box(g.name(i), pos[i], pads.get(i).copied().unwrap_or(0.0)).grown(3.0))
        .collect();
    let make = |ctrl: Option<(f64, f64)>| {
        let towards_a = ctrl.unwrap_or(pb);
        let towards_b = ctrl.unwrap_or(pa);
        Route {
            start: border(&ra, (towards_a.0 - pa.0, towards_a.1 - pa.1), 1.0),
            ctrl,
            via: Vec::new(),
            end: border(&rb, (towards_b.0 - pb.0, towards_b.1 - pb.1), 3.0),
        }
    };
    let straight = make(None);
    let blocked = straight.hits(&others);
    if blocked == 0 {
        return straight;
    }
    let (dx, dy) = (pb.0 - pa.0, pb.1 - pa.1);
    let len = dx.hypot(dy).max(1e-9);
    let (nx, ny) = (-dy / len, dx / len);
    let mut best = (blocked, straight.clone());
    const BENDS: [f64; 16] = [
        24.0, 36.0, 48.0, 60.0, 76.0, 92.0, 110.0, 130.0, 155.0, 180.0, 210.0, 245.0, 285.0, 330.0,
        380.0, 440.0,
    ];
    for bend in BENDS {
        for along in [0.5, 0.35, 0.65, 0.2, 0.8] {
            for side in [1.0, -1.0] {
                let c =
                    (pa.0 + dx * along + nx * bend * side, pa.1 + dy * along + ny * bend * side);
                let r = make(Some(c));
                let h = r.hits(&others);
                if h == 0 {
                    return r;
                }
                if h < best.0 {
                    best = (h, r);
                }
            }
        }
    }
    // A crowd in the way: led around it, turning at the corners of the boxes.
    if let Some(via) = led_around(pa, pb, &others, 9.0).filter(|v| !v.is_empty()) {
        let (first, last) = (via[0], via[via.len() - 1]);
        let r = Route {
            start: border(&ra, (first.0 - pa.0, first.1 - pa.1), 1.0),
            ctrl: None,
            via,
            end: border(&rb, (last.0 - pb.0, last.1 - pb.1), 3.0),
        };
        if r.hits(&others) == 0 {
            return r;
        }
    }
    best.1
}

/// The routes of every edge of `g` as drawn with its positions (nodes without one at the
/// origin), and the role pad each node is drawn with.
pub fn routes(g: &Dag, pads: &[f64]) -> Vec<((usize, usize), Route)> {
    let pos: Vec<(f64, f64)> = g.nodes().iter().map(|n| n.pos.unwrap_or((0.0, 0.0))).collect();
    g.edges().into_iter().map(|(a, b)| ((a, b), route(g, &pos, pads, a, b))).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{GraphEditor, View};
    use super::*;

    /// 26 columns of NHEFS, then more of its names up to 40.
    const NHEFS: [&str; 40] = [
        "seqn",
        "qsmk",
        "death",
        "yrdth",
        "sex",
        "age",
        "race",
        "income",
        "marital",
        "school",
        "education",
        "ht",
        "wt71",
        "wt82",
        "wt82_71",
        "smokeintensity",
        "smkintensity82_71",
        "smokeyrs",
        "asthma",
        "bronch",
        "active",
        "exercise",
        "alcoholfreq",
        "price71",
        "tax71_82",
        "birthplace",
        "chroniccough",
        "hayfever",
        "diabetes",
        "nervousbreak",
        "alcoholhowmuch",
        "headache",
        "otherpain",
        "weakheart",
        "allergies",
        "boweltrouble",
        "birthcontrol",
        "pregnancies",
        "cholesterol",
        "hightax82",
    ];

    fn names(n: usize) -> Vec<String> {
        NHEFS.iter().take(n).map(|s| s.to_string()).collect()
    }

    fn overlap_free(g: &Dag, what: &str) {
        assert_eq!(any_overlap(g), None, "{what}: two boxes overlap");
    }

    /// Every box inside the view shown first, so no name is cut at the drawing's edge.
    fn all_shown(g: &Dag, what: &str) {
        let v = View::initial(g);
        for n in g.nodes() {
            let r = Rect::node(&n.name, n.pos.unwrap());
            assert!(
                r.x - r.hw >= v.x
                    && r.x + r.hw <= v.x + v.w
                    && r.y - r.hh >= v.y
                    && r.y + r.hh <= v.y + v.h(),
                "{what}: {} outside the view {v:?}",
                n.name
            );
        }
    }

    #[test]
    fn names_get_boxes_wide_enough() {
        assert!(text_width("mmmm") > text_width("iiii") * 2.0);
        // "smkintensity82_71" in DejaVu Sans at 13 px is about 123 px.
        let w = text_width("smkintensity82_71");
        assert!((118.0..140.0).contains(&w), "{w}");
        assert!(node_width("x") >= 44.0);
    }

    #[test]
    fn the_grid_of_columns_has_no_overlap_and_fits_its_view_for_5_to_40_nodes() {
        for n in 5..=40 {
            let e = GraphEditor::from_columns(&names(n));
            overlap_free(&e.dag, &format!("{n} columns"));
            all_shown(&e.dag, &format!("{n} columns"));
        }
        // Long names too.
        let long: Vec<String> =
            (0..30).map(|i| format!("a_rather_long_column_name_number_{i}")).collect();
        let e = GraphEditor::from_columns(&long);
        overlap_free(&e.dag, "long names");
        all_shown(&e.dag, "long names");
    }

    /// A DAG on `n` nodes with a few edges per node, from a fixed sequence.
    fn some_edges(e: &mut GraphEditor, n: usize) {
        let mut s = 12345u64;
        for b in 1..n {
            for _ in 0..2 {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let a = (s >> 33) as usize % b;
                let (x, y) = (e.dag.name(a).to_string(), e.dag.name(b).to_string());
                if e.edge(&x, &y).is_none() {
                    e.add_edge(&x, &y);
                }
            }
        }
    }

    #[test]
    fn the_layered_layout_has_no_overlap_for_5_to_40_nodes() {
        for n in 5..=40 {
            let mut e = GraphEditor::from_columns(&names(n));
            some_edges(&mut e, n * 2 / 3);
            e.auto_layout(Some("qsmk"), Some("death"));
            overlap_free(&e.dag, &format!("{n} nodes, layered"));
            all_shown(&e.dag, &format!("{n} nodes, layered"));
        }
    }

    fn pads(g: &Dag) -> Vec<f64> {
        vec![ROLE_PAD; g.len()]
    }

    fn blocked_edges(g: &Dag) -> Vec<String> {
        let others = |a: usize, b: usize| -> Vec<Rect> {
            (0..g.len())
                .filter(|&i| i != a && i != b)
                .map(|i| drawn_box(g.name(i), g.nodes()[i].pos.unwrap(), ROLE_PAD))
                .collect()
        };
        routes(g, &pads(g))
            .into_iter()
            .filter(|((a, b), r)| r.hits(&others(*a, *b)) > 0)
            .map(|((a, b), _)| format!("{} → {}", g.name(a), g.name(b)))
            .collect()
    }

    #[test]
    fn an_edge_past_a_node_bends_around_it() {
        // qsmk, wt82, death in a row: the straight arrow qsmk → death would cross wt82.
        let mut g = Dag::new();
        for (i, n) in ["qsmk", "wt82", "death"].iter().enumerate() {
            let k = g.add_node(n);
            g.node_mut(k).pos = Some((100.0 + 150.0 * i as f64, 200.0));
        }
        g.add_edge(0, 2).unwrap();
        g.add_edge(1, 2).unwrap();
        let r = routes(&g, &pads(&g));
        let qd = &r.iter().find(|(e, _)| *e == (0, 2)).unwrap().1;
        assert!(qd.ctrl.is_some(), "bent");
        assert_eq!(qd.hits(&[drawn_box("wt82", (250.0, 200.0), ROLE_PAD)]), 0);
        let wd = &r.iter().find(|(e, _)| *e == (1, 2)).unwrap().1;
        assert!(wd.ctrl.is_none(), "a clear arrow stays straight");
        assert!(blocked_edges(&g).is_empty());
    }

    #[test]
    fn no_edge_passes_through_a_node_in_the_grid_of_26_columns() {
        let mut e = GraphEditor::from_columns(&names(26));
        let edges = [
            ("qsmk", "wt82_71"),
            ("qsmk", "death"),
            ("qsmk", "wt82"),
            ("wt71", "wt82"),
            ("wt82", "wt82_71"),
            ("wt71", "wt82_71"),
            ("age", "qsmk"),
            ("age", "death"),
            ("sex", "qsmk"),
            ("race", "qsmk"),
            ("education", "qsmk"),
            ("smokeintensity", "qsmk"),
            ("smokeyrs", "qsmk"),
            ("active", "wt82_71"),
            ("exercise", "wt82_71"),
            ("age", "wt82_71"),
            ("seqn", "tax71_82"),
            ("income", "death"),
        ];
        for (a, b) in edges {
            e.add_edge(a, b);
        }
        assert_eq!(e.dag.edges().len(), edges.len());
        assert_eq!(blocked_edges(&e.dag), Vec::<String>::new());
        // And after the layered layout.
        e.auto_layout(Some("qsmk"), Some("wt82_71"));
        assert_eq!(blocked_edges(&e.dag), Vec::<String>::new());
    }

    #[test]
    fn layered_graphs_of_5_to_40_nodes_route_every_edge_clear() {
        for n in 5..=40 {
            let mut e = GraphEditor::from_columns(&names(n));
            some_edges(&mut e, n * 2 / 3);
            e.auto_layout(Some("qsmk"), Some("death"));
            assert_eq!(blocked_edges(&e.dag), Vec::<String>::new(), "{n} nodes");
        }
    }

    #[test]
    fn a_drop_on_another_node_is_nudged_to_the_nearest_free_place() {
        let mut e = GraphEditor::from_columns(&names(12));
        let target = e.dag.nodes()[e.dag.index("death").unwrap()].pos.unwrap();
        e.move_node("qsmk", target.0 + 3.0, target.1 + 2.0);
        overlap_free(&e.dag, "after the drop");
        let p = e.dag.nodes()[e.dag.index("qsmk").unwrap()].pos.unwrap();
        // Beside death, not flung away.
        let (dx, dy) = ((p.0 - target.0).abs(), (p.1 - target.1).abs());
        assert!(dx < 200.0 && dy < 60.0, "{p:?} vs {target:?}");
        // A drop on free ground stays where it was dropped.
        let bottom = super::super::extent(&e.dag, None).3;
        let free = (target.0, bottom + 60.0);
        e.move_node("sex", free.0, free.1);
        assert_eq!(e.dag.nodes()[e.dag.index("sex").unwrap()].pos, Some(free));
    }

    #[test]
    fn bunched_positions_from_text_are_pushed_apart() {
        let mut e = GraphEditor::from_columns(&names(3));
        let mut g = Dag::new();
        for (i, n) in NHEFS.iter().take(10).enumerate() {
            let k = g.add_node(n);
            // Two columns of names 30 units apart: their boxes overlap.
            g.node_mut(k).pos = Some((100.0 + 30.0 * (i % 2) as f64, 40.0 * (i / 2) as f64));
        }
        e.replace(g, None, None);
        overlap_free(&e.dag, "from text");
    }
}
