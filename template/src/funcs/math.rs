//! Template functions: math.

use crate::func::FuncSpec;

pub fn funcs() -> Vec<FuncSpec> {
    vec![]
}
