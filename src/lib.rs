//! Counterfact's page: a Yew single-page app whose heavy work runs in a Web Worker.
//!
//! * [`App`] is the root component (`app.rs`); leaf components live in `components/`.
//! * [`state`] holds the page state and its pure reducer (tested natively).
//! * [`bridge`] is the page side of the worker, [`worker`] the worker side; [`protocol`] is what
//!   travels between them.
//!
//! **Invariant:** nothing on the page's thread parses or estimates; the table lives in the worker.

mod app;
pub mod bridge;
pub mod components;
pub mod examples;
pub mod gallery;
pub mod graph_state;
pub mod protocol;
pub mod services;
pub mod state;
pub mod worker;

pub use app::App;
