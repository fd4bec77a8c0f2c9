//! Zoom and pan of the graph drawing.

use cf_graph::Dag;

use super::{HEIGHT, NODE_HEIGHT, WIDTH, extent, half_width};

/// The visible part of the drawing (the SVG `viewBox`): zoomed and panned by the user. The aspect
/// ratio is the drawing's, so one scale serves both axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Left edge, in drawing units.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width shown (smaller: zoomed in).
    pub w: f64,
}

impl Default for View {
    fn default() -> Self {
        View { x: 0.0, y: 0.0, w: WIDTH }
    }
}

/// Narrowest and widest widths shown.
const MIN_VIEW: f64 = WIDTH / 8.0;
const MAX_VIEW: f64 = WIDTH * 4.0;

impl View {
    /// Height shown.
    pub fn h(&self) -> f64 {
        self.w * HEIGHT / WIDTH
    }

    /// The `viewBox` attribute.
    pub fn view_box(&self) -> String {
        format!("{:.2} {:.2} {:.2} {:.2}", self.x, self.y, self.w, self.h())
    }

    /// Zoomed by `factor` (> 1: closer) keeping the drawing point `(px, py)` where it is.
    pub fn zoom_at(&self, factor: f64, (px, py): (f64, f64)) -> View {
        if !(factor.is_finite() && factor > 0.0 && px.is_finite() && py.is_finite()) {
            return *self;
        }
        let w = (self.w / factor).clamp(MIN_VIEW, MAX_VIEW);
        let k = w / self.w;
        View { x: px - (px - self.x) * k, y: py - (py - self.y) * k, w }
    }

    /// Zoomed about the centre of what is shown.
    pub fn zoom(&self, factor: f64) -> View {
        self.zoom_at(factor, (self.x + self.w / 2.0, self.y + self.h() / 2.0))
    }

    /// Moved by `(dx, dy)` drawing units.
    pub fn pan(&self, dx: f64, dy: f64) -> View {
        if !(dx.is_finite() && dy.is_finite()) {
            return *self;
        }
        View { x: self.x - dx, y: self.y - dy, w: self.w }
    }

    /// Showing every node of `g`, with a margin (the whole drawing area when it has none).
    pub fn fit(g: &Dag) -> View {
        let boxes: Vec<(f64, f64, f64)> = g
            .nodes()
            .iter()
            .filter_map(|n| n.pos.map(|(x, y)| (x, y, half_width(&n.name))))
            .collect();
        if boxes.is_empty() {
            return View::default();
        }
        let pad = 24.0;
        let x0 = boxes.iter().map(|b| b.0 - b.2).fold(f64::INFINITY, f64::min) - pad;
        let x1 = boxes.iter().map(|b| b.0 + b.2).fold(f64::NEG_INFINITY, f64::max) + pad;
        let y0 = boxes.iter().map(|b| b.1).fold(f64::INFINITY, f64::min) - NODE_HEIGHT / 2.0 - pad;
        let y1 =
            boxes.iter().map(|b| b.1).fold(f64::NEG_INFINITY, f64::max) + NODE_HEIGHT / 2.0 + pad;
        let w = (x1 - x0).max((y1 - y0) * WIDTH / HEIGHT).clamp(MIN_VIEW, MAX_VIEW);
        let h = w * HEIGHT / WIDTH;
        View { x: (x0 + x1) / 2.0 - w / 2.0, y: (y0 + y1) / 2.0 - h / 2.0, w }
    }

    /// The view of a graph just laid out: the drawing area, grown (keeping its shape) to take
    /// every node's box with a margin when they reach past it.
    pub fn initial(g: &Dag) -> View {
        let (x0, y0, x1, y1) = extent(g, None);
        if x0 >= 0.0 && y0 >= 0.0 && x1 <= WIDTH && y1 <= HEIGHT {
            return View::default();
        }
        let pad = 28.0;
        let (x0, y0, x1, y1) = (x0 - pad, y0 - pad, x1 + pad, y1 + pad);
        let w = (x1 - x0).max((y1 - y0) * WIDTH / HEIGHT).min(MAX_VIEW);
        let h = w * HEIGHT / WIDTH;
        View { x: (x0 + x1) / 2.0 - w / 2.0, y: (y0 + y1) / 2.0 - h / 2.0, w }
    }

    /// The drawing point under a screen offset `(ox, oy)` inside an element `width` pixels wide.
    pub fn to_drawing(&self, (ox, oy): (f64, f64), width: f64) -> Option<(f64, f64)> {
        (width > 0.0).then(|| {
            let k = self.w / width;
            (self.x + ox * k, self.y + oy * k)
        })
    }
}
