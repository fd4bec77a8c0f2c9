//! The DAGitty / DOT reader on arbitrary text (a shared link carries a graph): never a panic; a
//! graph it accepts must survive being written and read again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(g) = cf_graph::text::parse(&text) {
        let again = cf_graph::text::parse(&cf_graph::text::to_dagitty(&g)).expect("our own output reads");
        assert_eq!(again.edges().len(), g.edges().len());
    }
});
