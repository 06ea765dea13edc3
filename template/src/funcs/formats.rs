//! Template functions: formats.

use crate::func::FuncSpec;

pub fn funcs() -> Vec<FuncSpec> {
    vec![]
}
