//! Go's builtin functions (and/or/not/len/index/slice/comparisons/print*/
//! html/js/urlquery) and fmt verbs, checked against the real helm.

#[path = "cases/builtins.rs"]
mod builtins_cases;
mod common;

#[test]
fn builtins_match_helm() {
    common::check(builtins_cases::CASES);
}
