//! How a native function declares its Go signature.
//!
//! Go's text/template checks every argument against the function's parameter
//! type before the call (`wrong type for value; expected int; got float64`), and
//! an untyped number literal in the template converts to whatever numeric type
//! the parameter wants. The executor applies those rules from [`FuncSpec`], so a
//! native function receives arguments already of the declared kinds.

use crate::value::Value;

/// A Go parameter type, as far as templates can tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// `interface{}`: anything, including nil.
    Any,
    /// `string`.
    String,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `bool`.
    Bool,
    /// `[]interface{}`.
    List,
    /// `[]string`.
    Strings,
    /// `map[string]interface{}`.
    Map,
}

impl Param {
    /// The Go spelling, for error messages.
    pub fn go_name(self) -> &'static str {
        match self {
            Param::Any => "interface {}",
            Param::String => "string",
            Param::Int => "int",
            Param::Int64 => "int64",
            Param::Float64 => "float64",
            Param::Bool => "bool",
            Param::List => "[]interface {}",
            Param::Strings => "[]string",
            Param::Map => "map[string]interface {}",
        }
    }
}

/// A function failure; the executor reports it as
/// `error calling NAME: MESSAGE` at the call's position, as Go does.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncError(pub String);

impl FuncError {
    pub fn new(msg: impl Into<String>) -> Self {
        FuncError(msg.into())
    }
}

impl std::fmt::Display for FuncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type NativeFn = fn(&[Value]) -> Result<Value, FuncError>;

/// One template function and its Go signature.
#[derive(Clone, Copy)]
pub struct FuncSpec {
    pub name: &'static str,
    /// Fixed parameters.
    pub params: &'static [Param],
    /// Type of a trailing `...T` parameter, if any.
    pub variadic: Option<Param>,
    pub call: NativeFn,
}

impl FuncSpec {
    pub const fn new(name: &'static str, params: &'static [Param], call: NativeFn) -> Self {
        FuncSpec {
            name,
            params,
            variadic: None,
            call,
        }
    }
    pub const fn variadic(
        name: &'static str,
        params: &'static [Param],
        rest: Param,
        call: NativeFn,
    ) -> Self {
        FuncSpec {
            name,
            params,
            variadic: Some(rest),
            call,
        }
    }
}

impl std::fmt::Debug for FuncSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FuncSpec")
            .field("name", &self.name)
            .field("params", &self.params)
            .field("variadic", &self.variadic)
            .finish()
    }
}
