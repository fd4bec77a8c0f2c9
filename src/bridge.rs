//! The page side of the worker: spawns it, sends requests, forwards replies, and restarts it on
//! cancel or crash without losing the user's data.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use cf_engine::{AnalysisSpec, Independence};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};
use yew::Callback;

use crate::protocol::{Chosen, FromWorker, ToWorker};

/// Script Trunk emits for the worker binary (`data-loader-shim`).
const WORKER_URL: &str = "./worker_loader.js";
/// Job id the worker's panic hook uses: "whatever was running".
const CRASH_JOB: u32 = u32::MAX;
/// Consecutive crashes (without the worker ever becoming ready) after which it stays down.
const MAX_RESTARTS: u32 = 3;

/// A handle on the worker; cheap to clone.
#[derive(Clone)]
pub struct Bridge(Rc<RefCell<Inner>>);

struct Inner {
    worker: Option<Worker>,
    /// The worker has said it is listening.
    ready: bool,
    /// Messages waiting for `ready`.
    queue: Vec<js_sys::Object>,
    on_message: Callback<FromWorker>,
    next_job: u32,
    /// The request in flight, if any.
    current: Option<u32>,
    /// Requests beside it (a targeting list, a model file, a file to score): a crash ends each
    /// with a message, so that no button stays busy.
    side: Vec<u32>,
    /// A load in flight and its file.
    pending_file: Option<(u32, File)>,
    /// The file whose table the worker holds (re-sent after a restart).
    loaded_file: Option<File>,
    /// Reloads after a restart: their replies are not the user's business.
    silent: Vec<u32>,
    /// Counts spawned workers; a crash report from an older one is stale.
    generation: u32,
    /// Crashes since the worker last said `Ready`; past `MAX_RESTARTS` it is not restarted.
    crashes: u32,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl PartialEq for Bridge {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Bridge {
    /// Spawns the worker; replies for the user go to `on_message`.
    pub fn new(on_message: Callback<FromWorker>) -> Self {
        let bridge = Bridge(Rc::new(RefCell::new(Inner {
            worker: None,
            ready: false,
            queue: Vec::new(),
            on_message,
            next_job: 1,
            current: None,
            side: Vec::new(),
            pending_file: None,
            loaded_file: None,
            silent: Vec::new(),
            generation: 0,
            crashes: 0,
            _handlers: Vec::new(),
        })));
        bridge.spawn();
        bridge
    }

    fn spawn(&self) {
        let worker = match Worker::new(WORKER_URL) {
            Ok(w) => w,
            Err(_) => {
                let msg = "the background worker could not start; reload the page".to_string();
                let cb = self.0.borrow().on_message.clone();
                cb.emit(FromWorker::Failed {
                    job: self.0.borrow().current.unwrap_or(0),
                    message: msg,
                });
                return;
            }
        };
        let generation = {
            let mut inner = self.0.borrow_mut();
            inner.generation = inner.generation.wrapping_add(1);
            inner.generation
        };
        let weak = Rc::downgrade(&self.0);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let data = e.unchecked_into::<MessageEvent>().data();
            let msg =
                data.as_string().and_then(|text| serde_json::from_str::<FromWorker>(&text).ok());
            match msg {
                Some(msg) => receive(&weak, generation, msg),
                // A reply the page cannot read must not leave it waiting forever.
                None => unreadable(&weak),
            }
        });
        let weak = Rc::downgrade(&self.0);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let detail = e.dyn_ref::<ErrorEvent>().map(ErrorEvent::message).unwrap_or_default();
            crashed(&weak, generation, &detail);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut inner = self.0.borrow_mut();
        inner.worker = Some(worker);
        inner.ready = false;
        inner._handlers = vec![on_message, on_error];
    }

    fn send(&self, msg: &ToWorker, file: Option<&File>) {
        let Ok(json) = serde_json::to_string(msg) else { return };
        let obj = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&obj, &"msg".into(), &json.into());
        if let Some(f) = file {
            let _ = js_sys::Reflect::set(&obj, &"file".into(), f);
        }
        let mut inner = self.0.borrow_mut();
        match &inner.worker {
            Some(w) if inner.ready => {
                let _ = w.post_message(&obj);
            }
            _ => inner.queue.push(obj),
        }
    }

    fn next_job(&self) -> u32 {
        let mut inner = self.0.borrow_mut();
        let job = inner.next_job;
        inner.next_job = inner.next_job.wrapping_add(1).min(CRASH_JOB - 1);
        job
    }

    /// Sends `file` to be read; returns the request id.
    pub fn load(&self, file: File) -> u32 {
        let job = self.next_job();
        {
            let mut inner = self.0.borrow_mut();
            inner.current = Some(job);
            inner.pending_file = Some((job, file.clone()));
        }
        self.send(&ToWorker::Load { job }, Some(&file));
        job
    }

    /// Asks for an estimate on the loaded table; returns the request id.
    pub fn run(&self, spec: AnalysisSpec) -> u32 {
        let job = self.next_job();
        self.0.borrow_mut().current = Some(job);
        self.send(&ToWorker::Run { job, spec: Box::new(spec) }, None);
        job
    }

    /// Asks for an uplift fit on the loaded table; returns the request id.
    pub fn uplift(&self, spec: cf_engine::uplift::UpliftSpec) -> u32 {
        let job = self.next_job();
        self.0.borrow_mut().current = Some(job);
        self.send(&ToWorker::Uplift { job, spec: Box::new(spec) }, None);
        job
    }

    /// Asks for the refutation tests of `spec`'s methods on the loaded table; returns the
    /// request id.
    pub fn refute(
        &self,
        spec: AnalysisSpec,
        refuters: Vec<cf_engine::Refuter>,
        replications: usize,
    ) -> u32 {
        let job = self.next_job();
        self.0.borrow_mut().current = Some(job);
        self.send(&ToWorker::Refute { job, spec: Box::new(spec), refuters, replications }, None);
        job
    }

    /// Asks for a graph proposed from the loaded table (see [`ToWorker::Discover`]); returns the
    /// request id, which becomes the request in flight (cancel stops it).
    pub fn discover(&self, spec: cf_engine::discover::DiscoverSpec) -> u32 {
        let job = self.next_job();
        self.0.borrow_mut().current = Some(job);
        self.send(&ToWorker::Discover { job, spec: Box::new(spec) }, None);
        job
    }

    /// Asks for the targeting list of a fit (see [`ToWorker::TargetingList`]); returns the
    /// request id. It does not become the request in flight.
    pub fn targeting_list(&self, chosen: Chosen) -> u32 {
        self.side(|job| ToWorker::TargetingList { job, chosen: Box::new(chosen) }, None)
    }

    /// Asks for the model file of a fit (see [`ToWorker::ModelFile`]); returns the request id.
    /// It does not become the request in flight.
    pub fn model_file(&self, chosen: Chosen) -> u32 {
        self.side(|job| ToWorker::ModelFile { job, chosen: Box::new(chosen) }, None)
    }

    /// Sends `file` to be scored by a fit's model (see [`ToWorker::ScoreFile`]); returns the
    /// request id. It does not become the request in flight, and the loaded table stays.
    pub fn score_file(&self, chosen: Chosen, file: &File) -> u32 {
        self.side(|job| ToWorker::ScoreFile { job, chosen: Box::new(chosen) }, Some(file))
    }

    /// Sends an experimental `file` whose difference in means the run's estimates are held
    /// against (see [`ToWorker::Benchmark`]); returns the request id. It does not become the
    /// request in flight, and the loaded table stays.
    pub fn benchmark(&self, spec: AnalysisSpec, file: &File) -> u32 {
        self.side(|job| ToWorker::Benchmark { job, spec: Box::new(spec) }, Some(file))
    }

    /// Sends a side request (one that does not become the request in flight: a crash of the
    /// worker still ends it); returns its id.
    fn side(&self, msg: impl FnOnce(u32) -> ToWorker, file: Option<&File>) -> u32 {
        let job = self.next_job();
        self.0.borrow_mut().side.push(job);
        self.send(&msg(job), file);
        job
    }

    /// Sends a saved model file to score the loaded table with (see [`ToWorker::ScoreLoaded`]);
    /// returns the request id. It does not become the request in flight.
    pub fn score_loaded(&self, model: &File) -> u32 {
        self.side(|job| ToWorker::ScoreLoaded { job }, Some(model))
    }

    /// Asks for the independence tests of `list` on the loaded table; returns the request id.
    /// It does not become the request in flight (a run may be going on).
    pub fn test(&self, list: Vec<Independence>) -> u32 {
        let job = self.next_job();
        self.send(&ToWorker::Test { job, list }, None);
        job
    }

    /// Stops whatever the worker is doing: a fresh worker re-reads the file the user had.
    /// Returns a request id newer than anything sent before.
    pub fn cancel(&self) -> u32 {
        self.restart();
        self.next_job()
    }

    fn restart(&self) {
        let loaded = {
            let mut inner = self.0.borrow_mut();
            if let Some(w) = inner.worker.take() {
                w.terminate();
            }
            inner.current = None;
            inner.side.clear();
            inner.pending_file = None;
            inner.queue.clear();
            inner.loaded_file.clone()
        };
        self.spawn();
        if let Some(file) = loaded {
            let job = self.next_job();
            self.0.borrow_mut().silent.push(job);
            self.send(&ToWorker::Load { job }, Some(&file));
        }
    }
}

fn receive(weak: &Weak<RefCell<Inner>>, generation: u32, msg: FromWorker) {
    let Some(rc) = weak.upgrade() else { return };
    if msg == FromWorker::Ready {
        let mut inner = rc.borrow_mut();
        inner.ready = true;
        inner.crashes = 0;
        let queue = std::mem::take(&mut inner.queue);
        if let Some(w) = &inner.worker {
            for obj in queue {
                let _ = w.post_message(&obj);
            }
        }
        return;
    }
    let job = msg.job();
    if job == CRASH_JOB {
        // The worker panicked (a bug): it is dead now; `crashed` restarts it.
        if let FromWorker::Failed { message, .. } = msg {
            crashed(weak, generation, &message);
        }
        return;
    }
    let callback = {
        let mut inner = rc.borrow_mut();
        if !matches!(msg, FromWorker::RunProgress { .. } | FromWorker::Progress { .. }) {
            inner.side.retain(|j| *j != job);
        }
        if inner.silent.contains(&job) {
            match &msg {
                FromWorker::Progress { .. } | FromWorker::RunProgress { .. } => return,
                FromWorker::Loaded { .. } => {
                    inner.silent.retain(|j| *j != job);
                    return;
                }
                _ => {
                    inner.silent.retain(|j| *j != job);
                    inner.loaded_file = None;
                }
            }
        }
        if let FromWorker::Loaded { .. } = &msg
            && let Some((pending, file)) = inner.pending_file.take()
        {
            if pending == job {
                inner.loaded_file = Some(file);
            } else {
                inner.pending_file = Some((pending, file));
            }
        }
        if matches!(
            msg,
            FromWorker::Loaded { .. }
                | FromWorker::Report { .. }
                | FromWorker::Uplift { .. }
                | FromWorker::Refuted { .. }
                | FromWorker::Failed { .. }
        ) && inner.current == Some(job)
        {
            inner.current = None;
        }
        inner.on_message.clone()
    };
    callback.emit(msg);
}

/// The worker of `generation` died (its panic hook and `onerror` may both report it: only the
/// first report of a generation restarts).
fn crashed(weak: &Weak<RefCell<Inner>>, generation: u32, detail: &str) {
    let Some(rc) = weak.upgrade() else { return };
    let (job, callback, crashes, side) = {
        let mut inner = rc.borrow_mut();
        if inner.generation != generation {
            return;
        }
        inner.crashes += 1;
        let side = std::mem::take(&mut inner.side);
        (inner.current.unwrap_or(0), inner.on_message.clone(), inner.crashes, side)
    };
    for j in side {
        callback.emit(FromWorker::Failed {
            job: j,
            message: "the computation stopped unexpectedly; your data is kept, please try again"
                .into(),
        });
    }
    if crashes > MAX_RESTARTS {
        // Stop here: a worker that cannot even start would otherwise be respawned forever.
        if let Some(w) = rc.borrow_mut().worker.take() {
            w.terminate();
        }
        callback.emit(FromWorker::Failed {
            job,
            message: "the background worker keeps failing to start; reload the page".into(),
        });
        return;
    }
    Bridge(rc).restart();
    let detail = if detail.is_empty() { "unknown error".to_string() } else { detail.to_string() };
    callback.emit(FromWorker::Failed {
        job,
        message: format!(
            "the computation stopped unexpectedly ({detail}); your data is kept, please try again"
        ),
    });
}

/// The worker sent something the page cannot read: end the request in flight with a message.
fn unreadable(weak: &Weak<RefCell<Inner>>) {
    let Some(rc) = weak.upgrade() else { return };
    let (job, callback) = {
        let mut inner = rc.borrow_mut();
        (inner.current.take(), inner.on_message.clone())
    };
    if let Some(job) = job {
        callback.emit(FromWorker::Failed {
            job,
            message: "the computation returned a result the page could not read; please try again"
                .into(),
        });
    }
}
