//! The worker's entry point (Trunk builds it as `worker_loader.js` + `worker.js`).

fn main() {
    counterfact_web::worker::start();
}
