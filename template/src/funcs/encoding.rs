//! Template functions: encoding.

use crate::func::FuncSpec;

pub fn funcs() -> Vec<FuncSpec> {
    vec![]
}
