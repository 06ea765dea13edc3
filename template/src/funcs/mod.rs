//! The function table: Go's builtins, Sprig v3.3.0 as Helm 4.3.1 exposes it
//! (without `env`/`expandenv`), and Helm's own additions.
//!
//! Each family lives in its own module and returns its [`FuncSpec`]s; functions
//! that need the engine itself (`include`, `tpl`, `lookup`, `and`, `or`, `call`
//! and the other Go builtins that see unevaluated or reflect-level values) are
//! handled by the executor.

use std::collections::HashMap;

use crate::func::FuncSpec;

pub mod conv;
pub mod crypto;
pub mod dates;
pub mod dicts;
pub mod encoding;
pub mod formats;
pub mod go_builtins;
pub mod lists;
pub mod math;
pub mod paths;
pub mod random;
pub mod regex;
pub mod semver;
pub mod strings;
pub(crate) mod text;

/// Every native function by name.
pub fn table() -> HashMap<&'static str, FuncSpec> {
    let families: [fn() -> Vec<FuncSpec>; 14] = [
        go_builtins::funcs,
        conv::funcs,
        strings::funcs,
        lists::funcs,
        dicts::funcs,
        math::funcs,
        regex::funcs,
        semver::funcs,
        encoding::funcs,
        crypto::funcs,
        dates::funcs,
        random::funcs,
        formats::funcs,
        paths::funcs,
    ];
    families
        .iter()
        .flat_map(|f| f())
        .map(|s| (s.name, s))
        .collect()
}
