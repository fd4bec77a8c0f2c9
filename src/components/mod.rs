//! Leaf components: data and callbacks in, markup out. Only `App` owns state.

mod dropzone;
pub mod preview;
mod results;
mod roles;

pub use dropzone::DropZone;
pub use preview::DataPreview;
pub use results::{ForestPlot, Results};
pub use roles::RolesPanel;
