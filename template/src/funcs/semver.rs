//! Template functions: semver.

use crate::func::FuncSpec;

pub fn funcs() -> Vec<FuncSpec> {
    vec![]
}
