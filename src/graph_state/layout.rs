//! Automatic layouts of the graph: a grid for a new graph, layers from the treatment to the
//! outcome on demand, and fitting imported positions into the drawing. Every layout spaces the
//! nodes by their names' widths, so no two boxes overlap; the drawing grows past
//! [`WIDTH`] × [`HEIGHT`] when the names need it (the view fits it, see [`super::View::fit`]).

use cf_graph::Dag;

use super::geometry::{half_width, separate};
use super::{HEIGHT, MARGIN, NODE_HEIGHT, WIDTH};

/// Space between two columns of boxes.
const COL_GAP: f64 = 56.0;
/// Distance between the centres of two rows (room for an arrow to pass between them).
const ROW_STEP: f64 = NODE_HEIGHT + 44.0;

/// Column centres for nodes in `cols` columns (each as wide as its widest name), and the width.
fn columns(widths: &[f64], cols: usize) -> (Vec<f64>, f64) {
    let mut col_w = vec![0.0f64; cols];
    for (i, w) in widths.iter().enumerate() {
        col_w[i % cols] = col_w[i % cols].max(*w);
    }
    let mut xs = Vec::with_capacity(cols);
    let mut x = 0.0;
    for w in &col_w {
        xs.push(x + w);
        x += 2.0 * w + COL_GAP;
    }
    (xs, x - COL_GAP)
}

/// Lays every node out in a grid, its columns as wide as their names, with as many columns as
/// make the grid closest to the drawing's shape (the least shrinking to show it whole).
pub(super) fn grid(g: &mut Dag) {
    let n = g.len();
    if n == 0 {
        return;
    }
    let widths: Vec<f64> = (0..n).map(|i| half_width(g.name(i))).collect();
    let (avail_w, avail_h) = (WIDTH - 2.0 * MARGIN, HEIGHT - 2.0 * MARGIN);
    let shrink = |cols: usize| {
        let (_, w) = columns(&widths, cols);
        let h = (n.div_ceil(cols) - 1) as f64 * ROW_STEP + NODE_HEIGHT;
        (w / avail_w).max(h / avail_h).max(1.0)
    };
    // Ties (everything fits) go to the shape closest to the drawing's.
    let mismatch = |cols: usize| {
        let (_, w) = columns(&widths, cols);
        let h = (n.div_ceil(cols) - 1) as f64 * ROW_STEP + NODE_HEIGHT;
        ((w / h) / (avail_w / avail_h)).ln().abs()
    };
    let cols = (1..=n)
        .min_by(|&a, &b| {
            let (sa, sb) = (shrink(a), shrink(b));
            if (sa - sb).abs() > 1e-9 {
                sa.total_cmp(&sb)
            } else {
                mismatch(a).total_cmp(&mismatch(b))
            }
        })
        .unwrap_or(1);
    let (xs, total_w) = columns(&widths, cols);
    let rows = n.div_ceil(cols);
    let total_h = (rows - 1) as f64 * ROW_STEP;
    // Centred in the drawing when it fits, from the margin when it does not.
    let left = ((WIDTH - total_w) / 2.0).max(MARGIN);
    let top = ((HEIGHT - total_h) / 2.0).max(MARGIN);
    // Odd rows shift by half a column gap, so an arrow down a column does not graze the box
    // between its ends.
    for i in 0..n {
        let (r, c) = (i / cols, i % cols);
        let shift = if r % 2 == 1 && cols > 1 { COL_GAP / 2.0 } else { 0.0 };
        g.node_mut(i).pos = Some((left + xs[c] + shift, top + r as f64 * ROW_STEP));
    }
}

/// Scales positions into the drawing when they do not fit it (DAGitty's own code uses small
/// numbers) or are bunched up, then pushes overlapping boxes apart.
pub(super) fn fit(g: &mut Dag) {
    let pts: Vec<(f64, f64)> = g.nodes().iter().filter_map(|n| n.pos).collect();
    if pts.is_empty() {
        return;
    }
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let inside = x0 >= 20.0 && x1 <= WIDTH - 20.0 && y0 >= 14.0 && y1 <= HEIGHT - 14.0;
    let spread = (x1 - x0).max(y1 - y0) >= 60.0 || pts.len() == 1;
    if !(inside && spread) {
        let sx = if x1 > x0 { (WIDTH - 2.0 * MARGIN) / (x1 - x0) } else { 0.0 };
        let sy = if y1 > y0 { (HEIGHT - 2.0 * MARGIN) / (y1 - y0) } else { 0.0 };
        for i in 0..g.len() {
            if let Some((x, y)) = g.nodes()[i].pos {
                let nx = if sx > 0.0 { MARGIN + (x - x0) * sx } else { WIDTH / 2.0 };
                let ny = if sy > 0.0 { MARGIN + (y - y0) * sy } else { HEIGHT / 2.0 };
                g.node_mut(i).pos = Some((nx, ny));
            }
        }
    }
    separate(g);
}

/// Longest-path layering (see [`super::GraphEditor::auto_layout`]).
pub(super) fn layered(g: &mut Dag, treatment: Option<&str>, outcome: Option<&str>) {
    // Undecided edges are laid out as a DAG of their class orients them (or, when none does,
    // each from the node listed first).
    if !g.undirected_edges().is_empty() {
        let mut shape = g.consistent_extension().unwrap_or_else(|| {
            let mut d = g.clone();
            for &(a, b) in g.undirected_edges() {
                d.remove_undirected_edge(a, b);
                let _ = d.add_edge(a, b);
            }
            d
        });
        layered_dag(&mut shape, treatment, outcome);
        for i in 0..g.len() {
            g.node_mut(i).pos = shape.nodes()[i].pos;
        }
        return;
    }
    layered_dag(g, treatment, outcome);
}

fn layered_dag(g: &mut Dag, treatment: Option<&str>, outcome: Option<&str>) {
    let n = g.len();
    let connected: Vec<bool> =
        (0..n).map(|v| !g.parents(v).is_empty() || !g.children(v).is_empty()).collect();
    let order = g.topological_order();
    let mut layer = vec![0usize; n];
    for &v in &order {
        for &p in g.parents(v) {
            layer[v] = layer[v].max(layer[p] + 1);
        }
    }
    // The treatment moves left to just after its latest parent.
    let t = treatment.and_then(|t| g.index(t)).filter(|&t| connected[t]);
    if let Some(t) = t {
        layer[t] = g.parents(t).iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
    }
    // The outcome goes right of everything connected.
    let y = outcome.and_then(|y| g.index(y)).filter(|&y| connected[y]);
    let last = (0..n).filter(|&v| connected[v]).map(|v| layer[v]).max().unwrap_or(0);
    if let Some(y) = y {
        let deepest = (0..n).filter(|&v| connected[v] && v != y).map(|v| layer[v]).max();
        layer[y] = last.max(deepest.map_or(0, |d| d + 1));
    }
    // Children must stay right of their parents after these moves.
    for &v in &order {
        for &p in g.parents(v) {
            if layer[v] <= layer[p] {
                layer[v] = layer[p] + 1;
            }
        }
    }
    let last = (0..n).filter(|&v| connected[v]).map(|v| layer[v]).max().unwrap_or(0);
    let isolated: Vec<usize> = (0..n).filter(|&v| !connected[v]).collect();
    let any_connected = connected.iter().any(|&c| c);
    // Layer widths: each as wide as its widest name; at least the drawing's width in all.
    let (connected_ref, layer_ref) = (&connected, &layer);
    let members_of = move |l: usize| (0..n).filter(move |&v| connected_ref[v] && layer_ref[v] == l);
    let layer_hw: Vec<f64> = (0..=last)
        .map(|l| members_of(l).map(|v| half_width(g.name(v))).fold(0.0, f64::max))
        .collect();
    let min_gap = 70.0;
    let natural: f64 = layer_hw.iter().map(|w| 2.0 * w).sum::<f64>() + min_gap * last as f64;
    let gap = if last == 0 {
        min_gap
    } else {
        let spare = WIDTH - 2.0 * MARGIN - (natural - min_gap * last as f64);
        (spare / last as f64).max(min_gap)
    };
    let mut xs = Vec::with_capacity(last + 1);
    let mut x = MARGIN;
    for w in &layer_hw {
        xs.push(x + w);
        x += 2.0 * w + gap;
    }
    let used_w = (x - gap - MARGIN).max(0.0);
    let offset_x = ((WIDTH - 2.0 * MARGIN - used_w) / 2.0).max(0.0);
    let tallest = (0..=last).map(|l| members_of(l).count()).max().unwrap_or(0);
    let step = ROW_STEP
        .max(if tallest > 1 {
            (HEIGHT - 2.2 * MARGIN - NODE_HEIGHT) / (tallest - 1) as f64
        } else {
            0.0
        })
        .min(110.0);
    let column_h = (tallest.max(1) - 1) as f64 * step;
    let mid = MARGIN + column_h / 2.0 + 12.0;
    let mut placed: Vec<Option<(f64, f64)>> = vec![None; n];
    for (l, &lx) in xs.iter().enumerate() {
        let mut members: Vec<usize> = members_of(l).collect();
        // Order each layer by its parents' heights (barycentre), the treatment first.
        let key = |v: usize, placed: &[Option<(f64, f64)>]| {
            let ys: Vec<f64> =
                g.parents(v).iter().filter_map(|&p| placed[p].map(|q| q.1)).collect();
            if ys.is_empty() { f64::MAX } else { ys.iter().sum::<f64>() / ys.len() as f64 }
        };
        members.sort_by(|&a, &b| {
            (Some(a) != t)
                .cmp(&(Some(b) != t))
                .then(key(a, &placed).total_cmp(&key(b, &placed)))
                .then(a.cmp(&b))
        });
        let k = members.len();
        for (j, &v) in members.iter().enumerate() {
            let y = mid + (j as f64 - (k as f64 - 1.0) / 2.0) * step;
            // Odd layers sit a little lower, so an arrow skipping a layer is not hidden behind
            // a node in line with it.
            let y = if l % 2 == 1 { y + 24.0 } else { y };
            placed[v] = Some((offset_x + lx, y));
        }
    }
    // Unconnected nodes: rows below the layers, spaced by their widths.
    let bottom = placed.iter().flatten().map(|p| p.1).fold(f64::MIN, f64::max);
    let first_row =
        if any_connected { (bottom + ROW_STEP).max(HEIGHT - MARGIN * 0.6) } else { MARGIN };
    let row_w = (used_w + 2.0 * offset_x).max(WIDTH - 2.0 * MARGIN);
    let gap = 14.0;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for &v in &isolated {
        let w = 2.0 * half_width(g.name(v)) + gap;
        if used + w > row_w && rows.last().is_some_and(|r| !r.is_empty()) {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += w;
        if let Some(r) = rows.last_mut() {
            r.push(v);
        }
    }
    for (row, members) in rows.iter().enumerate() {
        let total: f64 = members.iter().map(|&v| 2.0 * half_width(g.name(v)) + gap).sum();
        let mut x = MARGIN + ((row_w - total) / 2.0).max(0.0);
        let y = first_row + row as f64 * (NODE_HEIGHT + 14.0);
        for &v in members {
            let w = 2.0 * half_width(g.name(v)) + gap;
            placed[v] = Some((x + w / 2.0, y));
            x += w;
        }
    }
    for (v, p) in placed.into_iter().enumerate() {
        g.node_mut(v).pos = p;
    }
    separate(g);
}
