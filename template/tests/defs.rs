//! define / template / block and Helm's include, tpl, required, lookup,
//! checked against the real helm.

mod common;
#[path = "cases/defs.rs"]
mod defs_cases;

#[test]
fn definitions_match_helm() {
    common::check(defs_cases::CASES);
}
