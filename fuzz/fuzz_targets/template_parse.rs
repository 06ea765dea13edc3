#![no_main]
//! Go text/template parser, then execution of what parses: must never panic.

use libfuzzer_sys::fuzz_target;
use whelm_template::{Engine, Value};

/// Functions whose cost is legitimately huge (key generation, scrypt, bcrypt);
/// executing them only produces timeouts Helm shares, not bugs.
const SLOW: &[&str] = &[
    "genPrivateKey",
    "genCA",
    "genSelfSigned",
    "genSigned",
    "derivePassword",
    "bcrypt",
    "htpasswd",
];

/// Whether executing `text` could ask for huge sizes or counts (`repeat`,
/// `until`, `range 100000000`, `printf "%099999999d"`): a run of 5+ digits or
/// an exponent-looking literal. Those are out-of-memory/timeouts by design.
fn big_numbers(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_hexdigit() || c == '_' {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

fuzz_target!(|text: &str| {
    // libfuzzer-sys's panic hook aborts even on panics the library catches
    // (the YAML loader contains libyaml-safer's); restore the default hook —
    // an uncaught panic still aborts through libfuzzer-sys's catch_unwind.
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| drop(std::panic::take_hook()));
    // The bare parser, with every identifier a function and none.
    let _ = whelm_template::parse::parse("t", text, &|_| true);
    let _ = whelm_template::parse::parse("t", text, &|_| false);

    // Through the engine with Helm's function table, executed on empty data.
    let mut e = Engine::new();
    if e.add_template("t", text).is_ok()
        && !big_numbers(text)
        && !SLOW.iter().any(|s| text.contains(s))
    {
        let _ = e.render("t", &Value::map(Default::default()));
    }
});
