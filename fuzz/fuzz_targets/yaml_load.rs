#![no_main]
//! YAML and JSON decoding: must never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    // libfuzzer-sys's panic hook aborts even on panics the library catches
    // (the YAML loader contains libyaml-safer's); restore the default hook —
    // an uncaught panic still aborts through libfuzzer-sys's catch_unwind.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| drop(std::panic::take_hook()));
    let _ = whelm_template::yaml::load(text);
    let _ = whelm_template::json::unmarshal(text);
});
