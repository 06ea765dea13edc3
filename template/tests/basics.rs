//! Literals, printing, trim markers, comments, pipelines and variables,
//! checked against the real helm.

#[path = "cases/basics.rs"]
mod basics_cases;
mod common;

#[test]
fn basics_match_helm() {
    common::check(basics_cases::CASES);
}
