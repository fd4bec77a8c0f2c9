//! Leaf components: data and callbacks in, markup out. Only `App` owns state.

mod benchmark;
pub mod context;
mod diagnostics;
mod dropzone;
mod experiment;
pub(crate) mod export;
mod graph;
pub(crate) mod message;
mod plot;
pub mod preview;
mod refuters;
pub(crate) mod results;
mod roles;
mod share;
pub(crate) mod targeting;
mod trust;
mod uplift;

pub use diagnostics::{BalanceTable, Diagnostics, LovePlot, OverlapPlot};
pub use dropzone::DropZone;
pub use graph::GraphPanel;
pub use preview::DataPreview;
pub use results::{ForestPlot, Results};
pub use roles::RolesPanel;
pub use share::SharePanel;
pub use uplift::WhoResponds;
