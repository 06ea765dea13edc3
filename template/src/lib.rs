//! A Go `text/template` engine with the Sprig and Helm function sets, written to
//! reproduce `helm template` 4.3.1 byte for byte.
//!
//! Layout (mirrors Go's `text/template`):
//! - [`value`]: Go's value model as Helm templates see it (int, int64, float64,
//!   string, bool, nil, slices, `map[string]interface{}` with reference
//!   semantics, and host objects with methods such as `.Files.Get`).
//! - [`num`]: Go's float formatting (`strconv.FormatFloat`).
//! - [`func`]: how a native function declares its Go signature, so the executor
//!   can apply Go's argument conversion rules and error messages.
//! - `parse`: lexer and parser producing a tree with positions.
//! - `exec`: the executor walking the tree with a variable stack.
//! - [`funcs`]: Go builtins, Sprig, Helm extras.
//! - [`yaml`]: YAML 1.1 loading (as Helm's sigs.k8s.io/yaml does) and the
//!   yaml.v2 emitter behind `toYaml`; JSON and TOML live beside it.

pub mod engine;
pub mod func;
pub mod funcs;
pub mod gofmt;
pub mod helm;
pub mod json;
pub mod num;
pub mod parse;
pub mod toml;
pub mod value;
pub mod yaml;

pub use engine::{Engine, Error};
pub use func::{FuncError, FuncSpec, Param};
pub use value::{Object, Value};
