//! Automatic layouts of the graph: a grid for a new graph, layers from the treatment to the
//! outcome on demand, and fitting the nodes into the drawing area.

use cf_graph::Dag;

use super::{HEIGHT, MARGIN, WIDTH, node_width};

/// Lays every node out in a grid.
pub(super) fn grid(g: &mut Dag) {
    let n = g.len().max(1);
    let cols = ((n as f64 * WIDTH / HEIGHT).sqrt().ceil() as usize).clamp(1, n);
    let rows = n.div_ceil(cols);
    let dx = (WIDTH - 2.0 * MARGIN) / (cols.max(2) - 1) as f64;
    let dy = (HEIGHT - 2.0 * MARGIN) / (rows.max(2) - 1) as f64;
    for i in 0..g.len() {
        let (r, c) = (i / cols, i % cols);
        let x = if cols == 1 { WIDTH / 2.0 } else { MARGIN + c as f64 * dx };
        let y = if rows == 1 { HEIGHT / 2.0 } else { MARGIN + r as f64 * dy };
        g.node_mut(i).pos = Some((x, y));
    }
}

/// Scales positions into the drawing when they do not fit it (DAGitty's own code uses small
/// numbers) or are bunched up.
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
    if inside && spread {
        return;
    }
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

/// Longest-path layering (see [`GraphEditor::auto_layout`]).
pub(super) fn layered(g: &mut Dag, treatment: Option<&str>, outcome: Option<&str>) {
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
    let bottom = if isolated.is_empty() { HEIGHT - MARGIN } else { HEIGHT - 2.2 * MARGIN };
    let mut placed: Vec<Option<(f64, f64)>> = vec![None; n];
    for l in 0..=last {
        let mut members: Vec<usize> = (0..n).filter(|&v| connected[v] && layer[v] == l).collect();
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
        let x = if last == 0 {
            WIDTH / 2.0
        } else {
            MARGIN + 30.0 + l as f64 * (WIDTH - 2.0 * MARGIN - 60.0) / last as f64
        };
        let k = members.len();
        for (j, &v) in members.iter().enumerate() {
            let y = if k == 1 {
                (MARGIN + bottom) / 2.0
            } else {
                MARGIN + j as f64 * (bottom - MARGIN) / (k - 1) as f64
            };
            // Odd layers sit a little lower, so an arrow skipping a layer is not hidden behind
            // a node in line with it.
            let y = if l % 2 == 1 { (y + 24.0).min(bottom) } else { y };
            placed[v] = Some((x, y));
        }
    }
    // Unconnected nodes: rows along the bottom, spaced by their widths.
    let gap = 14.0;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0.0;
    for &v in &isolated {
        let w = node_width(g.name(v)) + gap;
        if used + w > WIDTH - MARGIN && rows.last().is_some_and(|r| !r.is_empty()) {
            rows.push(Vec::new());
            used = 0.0;
        }
        used += w;
        if let Some(r) = rows.last_mut() {
            r.push(v);
        }
    }
    for (row, members) in rows.iter().enumerate() {
        let total: f64 = members.iter().map(|&v| node_width(g.name(v)) + gap).sum();
        let mut x = (WIDTH - total) / 2.0;
        let y = (HEIGHT - MARGIN * 0.6 - row as f64 * 36.0).max(MARGIN);
        for &v in members {
            let w = node_width(g.name(v)) + gap;
            placed[v] = Some((x + w / 2.0, y));
            x += w;
        }
    }
    for (v, p) in placed.into_iter().enumerate() {
        g.node_mut(v).pos = p;
    }
}
