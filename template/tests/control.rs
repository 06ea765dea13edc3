//! if / else if / with / else with / range (lists, maps, ints, else,
//! break, continue, variables), checked against the real helm.

mod common;
#[path = "cases/control.rs"]
mod control_cases;

#[test]
fn control_structures_match_helm() {
    common::check(control_cases::CASES);
}
