//! Leaf components: data and callbacks in, markup out. Only `App` owns state.

mod diagnostics;
mod dropzone;
pub mod preview;
pub(crate) mod results;
mod roles;

pub use diagnostics::{BalanceTable, Diagnostics, LovePlot, OverlapPlot};
pub use dropzone::DropZone;
pub use preview::DataPreview;
pub use results::{ForestPlot, Results};
pub use roles::RolesPanel;
