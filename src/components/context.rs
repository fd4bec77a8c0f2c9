//! The page state, shared with the panels through a context: [`App`](crate::App) provides its
//! reducer's handle, and a panel reads the state and dispatches actions with [`use_app`].

use yew::prelude::*;

use crate::state::{Action, AppState};

/// The reducer's handle: the page state (through `Deref`) and its dispatcher.
pub type AppHandle = UseReducerHandle<AppState>;

/// The page state and a callback that dispatches actions on it.
#[hook]
pub fn use_app() -> (AppHandle, Callback<Action>) {
    #[allow(clippy::expect_used)]
    let handle = use_context::<AppHandle>().expect("the App component provides the page state");
    let dispatcher = handle.dispatcher();
    (handle, Callback::from(move |a: Action| dispatcher.dispatch(a)))
}

/// As [`use_app`], or `None` when no `App` provides the state (a component mounted on its own,
/// as the browser tests mount the results card): the parts that need the state then stay out.
#[hook]
pub fn use_app_opt() -> Option<(AppHandle, Callback<Action>)> {
    let handle = use_context::<AppHandle>()?;
    let dispatcher = handle.dispatcher();
    Some((handle, Callback::from(move |a: Action| dispatcher.dispatch(a))))
}
