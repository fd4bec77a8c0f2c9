//! Writes a few valid share links as seeds for the fuzzer's corpus:
//! `cargo run -p cf-share --example seed_corpus -- fuzz/corpus/decode`.
use cf_engine::{AnalysisSpec, Method};
use cf_share::{Fingerprint, Shared, encode};

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus/decode".into());
    let mut spec = AnalysisSpec::new("treat", "re78", vec![Method::Ols, Method::Ipw, Method::Psm]);
    spec.covariates = Some(vec!["age".into(), "educ".into(), "re75".into()]);
    let full = Shared {
        spec: Some(spec.clone()),
        graph: Some("dag {\ntreat [exposure]\nre78 [outcome]\nage -> treat\nage -> re78\ntreat -> re78\n}\n".into()),
        fingerprint: Some(Fingerprint::of(vec!["treat".into(), "re78".into(), "age".into()], 445, b"x")),
        data: Some("treat,re78,age\n1,100,30\n0,90,31\n".into()),
        ..Shared::default()
    };
    let bare = Shared { spec: Some(spec), ..Shared::default() };
    for (i, s) in [full, bare, Shared::default()].iter().enumerate() {
        match encode(s) {
            Ok(link) => {
                if let Err(e) = std::fs::write(format!("{dir}/seed{i}"), link) {
                    eprintln!("{dir}: {e}");
                }
            }
            Err(e) => eprintln!("{e}"),
        }
    }
}
