#![no_main]
//! Helm's `--set` parser and values-file loader: must never panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    // libfuzzer-sys's panic hook aborts even on panics the library catches
    // (the YAML loader contains libyaml-safer's); restore the default hook —
    // an uncaught panic still aborts through libfuzzer-sys's catch_unwind.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| drop(std::panic::take_hook()));
    let _ = whelm::values::strvals::parse(text);
    let _ = whelm::values::load_values(text);
});
