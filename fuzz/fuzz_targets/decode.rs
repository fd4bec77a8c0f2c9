//! The share-link decoder on arbitrary text: it must return, never panic, hang or allocate
//! without bound; what it accepts must encode again and decode to the same analysis.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(shared) = cf_share::decode(&text) {
        if let Ok(again) = cf_share::encode(&shared) {
            let back = cf_share::decode(&again).expect("a link we wrote must read back");
            assert_eq!(back, shared);
        }
    }
});
