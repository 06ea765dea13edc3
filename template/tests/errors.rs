//! Parse and execution errors, worded as `helm template` prints them.

mod common;
#[path = "cases/errors.rs"]
mod errors_cases;

#[test]
fn errors_match_helm() {
    common::check(errors_cases::CASES);
}
