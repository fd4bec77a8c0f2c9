//! The root component: owns the state and the worker, lays out the page.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;
use yew::prelude::*;

use crate::bridge::Bridge;
use crate::components::context::{AppHandle, use_app};
use crate::components::message::message;
use crate::components::{
    DataPreview, DropZone, GraphPanel, Results, RolesPanel, SharePanel, WhoResponds,
};
use crate::examples::Example;
use crate::gallery::{ExampleGallery, ExampleStory};
use crate::protocol::FromWorker;
use crate::services::storage;
use crate::state::{self, Action, AppState, Busy, SuggestedRoles};

fn to_action(msg: FromWorker) -> Option<Action> {
    Some(match msg {
        FromWorker::Ready => return None,
        FromWorker::Progress { job, loaded, total } => Action::Progress { job, loaded, total },
        FromWorker::RunProgress { job, fraction } => Action::RunProgress { job, fraction },
        FromWorker::Loaded { job, summary, millis, hash, text } => {
            let columns: Vec<String> = summary.columns.iter().map(|c| c.name.clone()).collect();
            let saved_graph = storage::load(&columns);
            Action::Loaded { job, summary, millis, saved_graph, hash, text }
        }
        FromWorker::Tested { job, tests } => Action::Tested { job, tests },
        FromWorker::Discovered { job, report, millis } => {
            Action::Discovered { job, report, millis }
        }
        FromWorker::Refuted { job, report, millis } => Action::Refuted { job, report, millis },
        FromWorker::Benchmarked { job, name, benchmark } => {
            Action::Benchmarked { job, name, benchmark }
        }
        FromWorker::Report { job, report, millis } => Action::Reported { job, report, millis },
        FromWorker::Uplift { job, report, millis } => {
            Action::UpliftReported { job, report, millis }
        }
        FromWorker::TargetingList { job, csv } => {
            downloaded(job, "targeting-list.csv", &csv, LIST, Action::TargetingListDone(job))
        }
        FromWorker::ModelFile { job, json } => downloaded(
            job,
            "uplift-model.json",
            &json,
            "the model file",
            Action::ModelFileDone(job),
        ),
        FromWorker::Scored { job, name, csv, rows, scored, treated } => {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem);
            let download = format!("targeting-list-{stem}.csv");
            let file = state::uplift::ScoredFile { name, rows, scored, treated };
            downloaded(job, &download, &csv, LIST, Action::ScoreDone(job, file))
        }
        FromWorker::ScoredLoaded {
            job,
            csv,
            rows,
            scored,
            treated,
            model,
            fitted_for,
            n_train,
            share,
        } => {
            let counts = (rows, scored, treated);
            let saved = state::uplift::SavedScored { model, fitted_for, n_train, share, counts };
            downloaded(job, "targeting-list.csv", &csv, LIST, Action::SavedScoreDone(job, saved))
        }
        FromWorker::Failed { job, message } => Action::Failed { job, message },
    })
}

/// What the CSV downloads are, in messages.
const LIST: &str = "the targeting list";

/// `done` once `text` (`what`, in words) is offered as the download `name`; request `job` failed
/// if the browser refused it.
fn downloaded(job: u32, name: &str, text: &str, what: &str, done: Action) -> Action {
    let mime = if name.ends_with(".json") { "application/json" } else { "text/csv" };
    if crate::services::download::download(name, mime, text).is_some() {
        return done;
    }
    Action::Failed { job, message: format!("the browser refused the download of {what}") }
}

/// Fetches a bundled example as a `File`.
async fn fetch_example(path: &str, name: &str) -> Result<File, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| "the example could not be fetched".to_string())?
        .dyn_into()
        .map_err(|_| "unexpected fetch result".to_string())?;
    if !resp.ok() {
        return Err(format!("the example could not be fetched (HTTP {})", resp.status()));
    }
    let blob = JsFuture::from(resp.blob().map_err(|_| "no body".to_string())?)
        .await
        .map_err(|_| "the example could not be read".to_string())?;
    let parts = js_sys::Array::of1(&blob);
    let opts = web_sys::FilePropertyBag::new();
    opts.set_type("text/csv");
    File::new_with_blob_sequence_and_options(&parts, name, &opts)
        .map_err(|_| "the example could not be opened".to_string())
}

/// A `File` holding `text`.
fn text_file(text: &str, name: &str) -> Option<File> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let opts = web_sys::FilePropertyBag::new();
    opts.set_type("text/csv");
    File::new_with_str_sequence_and_options(&parts, name, &opts).ok()
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let state = use_reducer(AppState::new);
    let bridge = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            Bridge::new(Callback::from(move |m: FromWorker| {
                if let Some(a) = to_action(m) {
                    dispatcher.dispatch(a);
                }
            }))
        })
    };

    let load = {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |(file, roles): (File, SuggestedRoles)| {
            let name = file.name();
            let total = file.size();
            let job = bridge.load(file);
            dispatcher.dispatch(Action::LoadStarted { job, name, total, roles });
        })
    };
    // Counts example fetches and dropped files: a fetch that finishes after a later click or drop
    // is ignored (the last thing the user asked for wins).
    let fetches = use_mut_ref(|| 0u32);
    let on_file = {
        let (load, fetches) = (load.clone(), fetches.clone());
        Callback::from(move |f: File| {
            *fetches.borrow_mut() += 1;
            load.emit((f, SuggestedRoles::default()));
        })
    };
    // A gallery example: its analysis is set up as a share link's, its file fetched from the
    // page's own site, and the analysis runs once the file is loaded.
    let fetch_and_load = {
        let (load, dispatcher) = (load.clone(), state.dispatcher());
        let fetches = fetches.clone();
        Callback::from(move |ex: &'static Example| {
            let (load, dispatcher, fetches) = (load.clone(), dispatcher.clone(), fetches.clone());
            *fetches.borrow_mut() += 1;
            let mine = *fetches.borrow();
            wasm_bindgen_futures::spawn_local(async move {
                let fetched = fetch_example(&ex.path(), ex.file).await;
                if *fetches.borrow() != mine {
                    return;
                }
                match fetched {
                    Ok(file) => {
                        load.emit((file, SuggestedRoles { example: true, ..Default::default() }))
                    }
                    Err(e) => {
                        dispatcher.dispatch(Action::ShowError(e));
                        dispatcher.dispatch(Action::LeaveExample);
                    }
                }
            });
        })
    };
    let on_example = {
        let (fetch_and_load, dispatcher) = (fetch_and_load.clone(), state.dispatcher());
        Callback::from(move |ex: &'static Example| {
            dispatcher.dispatch(Action::OpenExample(ex.id));
            fetch_and_load.emit(ex);
        })
    };
    use_open_link(&state, &load, &fetch_and_load);
    let on_run = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |()| {
            if let Some(spec) = state.spec() {
                let job = bridge.run(spec.clone());
                state.dispatch(Action::RunStarted { job, spec });
            }
        })
    };
    let on_cancel = {
        let bridge = bridge.clone();
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            let job = bridge.cancel();
            dispatcher.dispatch(Action::Cancelled { job });
        })
    };
    let on_uplift = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |()| {
            if let Some(spec) = state.uplift_spec() {
                let job = bridge.uplift(spec.clone());
                state.dispatch(Action::UpliftStarted { job, spec: Box::new(spec) });
            }
        })
    };
    let on_refute = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |()| {
            if let Some(ask) = state.refute_ask() {
                let job = bridge.refute(ask.spec.clone(), ask.refuters.clone(), ask.replications);
                state.dispatch(Action::RefuteStarted { job, ask: Box::new(ask) });
            }
        })
    };
    let on_discover = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |()| {
            if let Ok(spec) = state.discover_spec() {
                let job = bridge.discover(spec.clone());
                state.dispatch(Action::DiscoverStarted { job, spec: Box::new(spec) });
            }
        })
    };
    let on_compare_file = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |file: File| {
            let Some(spec) = state.benchmark_spec() else { return };
            let job = bridge.benchmark(spec.clone(), &file);
            state.dispatch(Action::BenchmarkSent { job, spec });
        })
    };
    let on_compare_example = {
        let (on_file, dispatcher) = (on_compare_file.clone(), state.dispatcher());
        Callback::from(move |ex: &'static Example| {
            let (on_file, dispatcher) = (on_file.clone(), dispatcher.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fetch_example(&ex.path(), ex.file).await {
                    Ok(file) => on_file.emit(file),
                    Err(e) => dispatcher.dispatch(Action::ShowError(e)),
                }
            });
        })
    };
    let on_list = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |()| {
            let Some(chosen) = state.uplift_chosen() else { return };
            state.dispatch(Action::TargetingListSent(bridge.targeting_list(chosen)));
        })
    };
    let on_model = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |()| {
            let Some(chosen) = state.uplift_chosen() else { return };
            state.dispatch(Action::ModelFileSent(bridge.model_file(chosen)));
        })
    };
    let on_score = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |file: File| {
            let Some(chosen) = state.uplift_chosen() else { return };
            state.dispatch(Action::ScoreSent(bridge.score_file(chosen, &file)));
        })
    };
    let on_saved_model = {
        let bridge = bridge.clone();
        let state = state.clone();
        Callback::from(move |file: File| {
            let job = bridge.score_loaded(&file);
            state.dispatch(Action::SavedScoreSent(job));
        })
    };
    let loading = matches!(state.busy, Busy::Loading { .. });
    // An example (or an example's link) runs its analysis as soon as its file is loaded.
    {
        let on_run = on_run.clone();
        let ready = state.autorun
            && state.busy == Busy::Idle
            && state.dataset.is_some()
            && state.spec().is_some();
        let file = state.dataset.as_ref().map(|d| d.fingerprint.hash.clone());
        use_effect_with((ready, file), move |(ready, _)| {
            if *ready {
                on_run.emit(());
            }
        });
    }

    use_test_implications(&bridge, &state);
    use_save_graph(&state);

    html! {
        <ContextProvider<AppHandle> context={state.clone()}>
        <div class="app">
            <header class="topbar">
                <div class="brand"><span class="logo" aria-hidden="true">{"◐"}</span>{"Counterfact"}</div>
                <span class="tagline">{"Causal effects from your data, computed in this browser tab. Nothing is uploaded."}</span>
            </header>
            <main>
                <Banners on_cancel={on_cancel.clone()} />
                if let Some(dataset) = &state.dataset {
                    <DropZone on_file={on_file.clone()} compact=true disabled={loading} />
                    <div class="workspace">
                        <DataPreview dataset={dataset.clone()} />
                        <RolesPanel on_run={on_run} on_cancel={on_cancel.clone()} />
                    </div>
                    <GraphPanel {on_discover} on_cancel={on_cancel.clone()} />
                    <SharePanel />
                    <crate::components::targeting::ScoreWithSavedModel on_model={on_saved_model} />
                    if let (Some(e), None) = (&state.run_error, &state.result) {
                        // A run that failed as a whole, where its results would be (and beside
                        // its button).
                        <section class="card results-card run-failed" data-testid="run-failed">
                            <h2>{"No results"}</h2>
                            <p class="error-inline" role="alert">{message(e)}</p>
                        </section>
                    }
                    if let Some(result) = &state.result {
                        <Results result={result.clone()} stale={state.result_is_stale()} file_name={AttrValue::from(dataset.name.clone())}
                                 graph_dot={result.graph_dot.clone().map(AttrValue::from)}
                                 benchmark={state.benchmark(&result.spec).map(|(v, what)| (v, AttrValue::from(what)))}
                                 {on_refute} on_cancel={on_cancel.clone()}
                                 compare_example={state.compare_example()} {on_compare_example} {on_compare_file} />
                        <WhoResponds on_fit={on_uplift} on_cancel={on_cancel.clone()} {on_list} {on_model} {on_score} />
                    }
                } else {
                    <section class="hero">
                        <h1>{"Did it work, and for whom?"}</h1>
                        <p class="lead">{"Drop a table of customers or experiments, pick the treatment and the outcome, and get the average effect with a confidence interval: the same numbers as causalml and statsmodels, with nothing to install."}</p>
                    </section>
                    <DropZone on_file={on_file} disabled={loading} />
                    <ExampleGallery on_open={on_example} disabled={loading} />
                }
            </main>
            <footer class="foot muted small">
                {"Counterfact runs entirely in your browser (WebAssembly). Your file is read locally and never leaves this device."}
            </footer>
        </div>
        </ContextProvider<AppHandle>>
    }
}

/// The graph's implied independences are tested in the worker whenever they change.
#[hook]
fn use_test_implications(bridge: &Bridge, state: &UseReducerHandle<AppState>) {
    let bridge = bridge.clone();
    let dispatcher = state.dispatcher();
    let list = state.implied_independences();
    let dataset = state.dataset.as_ref().map(|d| d.name.clone());
    use_effect_with((list, dataset), move |(list, dataset)| {
        if dataset.is_some() && !list.is_empty() {
            let job = bridge.test(list.clone());
            dispatcher.dispatch(Action::TestsStarted { job, list: list.clone() });
        } else {
            dispatcher.dispatch(Action::TestsStarted { job: 0, list: Vec::new() });
        }
    });
}

/// The drawn graph and its roles are saved for the next time these columns are loaded (a graph
/// without edges or latent nodes is not worth keeping).
#[hook]
fn use_save_graph(state: &AppState) {
    let columns: Vec<String> = state
        .dataset
        .as_ref()
        .map(|d| d.summary.columns.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let drawn = state.graph_has_edges() || state.graph.dag.nodes().iter().any(|n| n.latent);
    // An example's graph, as long as the user has not changed it, is not kept: the gallery has
    // it, and it must not replace a graph the user drew for the same columns.
    let text = state
        .dataset
        .is_some()
        .then(|| state.graph_text())
        .filter(|t| state.example_graph.as_ref() != Some(t));
    use_effect_with((columns, text, drawn), |(columns, text, drawn)| {
        if let Some(text) = text {
            if *drawn {
                storage::save(columns, text);
            } else {
                storage::forget(columns);
            }
        }
    });
}

/// Props of [`Banners`].
#[derive(Properties, PartialEq)]
struct BannersProps {
    /// Stop reading the file.
    on_cancel: Callback<()>,
}

/// The messages above the workspace: errors, the share link's banner, reading progress, the
/// open example's story.
#[component]
fn Banners(props: &BannersProps) -> Html {
    let (state, dispatch) = use_app();
    let on_cancel = &props.on_cancel;
    html! {
        <>
                if let Some(err) = &state.error {
                    <div class="banner error" role="alert" data-testid="error-message">
                        <span>{message(err)}</span>
                        <button class="ghost" aria-label="Dismiss the message" onclick={dispatch.reform(|_| Action::DismissError)}>{"✕"}</button>
                    </div>
                }
                if let Some(err) = &state.link_error {
                    <div class="banner error" role="alert" data-testid="share-error">
                        <span>{message(&format!("This page's link could not be opened: {err}. The page works as usual without it."))}</span>
                        <button class="ghost" aria-label="Dismiss the message" onclick={dispatch.reform(|_| Action::DismissLink)}>{"✕"}</button>
                    </div>
                }
                if let Some(summary) = state.link_summary() {
                    <div class="banner info" role="status" data-testid="share-banner">
                        <span>{summary}</span>
                        <button class="ghost" aria-label="Forget the link" onclick={dispatch.reform(|_| Action::DismissLink)}>{"✕"}</button>
                    </div>
                }
                if let Some(m) = &state.link_mismatch {
                    <div class="banner warn" role="alert" data-testid="share-mismatch">
                        <span>{message(&format!("Not the link's file: {m}."))}</span>
                    </div>
                }
                if let Busy::Loading { name, loaded, total } = &state.busy {
                    <div class="progress-bar" data-testid="progress" role="status" aria-live="polite">
                        <span>{format!("Reading {name}…")}</span>
                        <progress max="1" value={(if *total > 0.0 { loaded / total } else { 0.0 }).to_string()}></progress>
                        <span class="muted">{format!("{:.0}%", if *total > 0.0 { 100.0 * loaded / total } else { 0.0 })}</span>
                        <button class="ghost" data-testid="cancel-button" onclick={on_cancel.reform(|_| ())}>{"Cancel"}</button>
                    </div>
                }
                if let Some(ex) = state.example {
                    <ExampleStory example={ex} on_close={dispatch.reform(|()| Action::LeaveExample)} />
                }
        </>
    }
}

/// A share link in the URL fragment: its analysis is restored when a file with its columns is
/// loaded; data embedded in it is loaded at once, as if dropped.
#[hook]
fn use_open_link(
    state: &UseReducerHandle<AppState>,
    load: &Callback<(File, SuggestedRoles)>,
    fetch_and_load: &Callback<&'static Example>,
) {
    let (load, dispatcher) = (load.clone(), state.dispatcher());
    let fetch_and_load = fetch_and_load.clone();
    use_effect_with((), move |_| {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        if hash.len() > 1 {
            dispatcher.dispatch(Action::OpenLink(hash.clone()));
            if let Some(ex) = state::link_example(&hash) {
                fetch_and_load.emit(ex);
            } else if let Some(data) = state::link_data(&hash) {
                match text_file(&data, "shared data.csv") {
                    Some(file) => load.emit((file, SuggestedRoles::default())),
                    None => dispatcher.dispatch(Action::ShowError(
                        "the data in the link could not be opened".into(),
                    )),
                }
            }
        }
    });
}
