//! Errors from running a plugin. Each names the plugin, and for a limit, the
//! limit and how to change it.

use thiserror::Error;

use super::units::{Bytes, Dur};

#[derive(Debug, Error)]
pub enum PluginError {
    #[error("plugin {0:?} is not installed (see `whelm plugin list`)")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("plugin {plugin:?} refused by policy: {message}")]
    Policy { plugin: String, message: String },
    #[error("plugin {plugin:?} is a {actual} plugin, not a {wanted}")]
    WrongRole {
        plugin: String,
        wanted: &'static str,
        actual: String,
    },
    #[error("plugin {plugin:?} cannot be loaded: {message}")]
    Load { plugin: String, message: String },
    #[error(
        "plugin {plugin:?} imports {interface}, which it was not granted (add `host: [{grant}]` to its plugin.yaml capabilities)"
    )]
    NotGranted {
        plugin: String,
        interface: String,
        grant: String,
    },
    #[error(
        "plugin {plugin:?} exceeded its memory limit of {limit} (it tried to grow to {wanted}); raise limits.memory in its plugin.yaml if this is expected"
    )]
    Memory {
        plugin: String,
        limit: Bytes,
        wanted: Bytes,
    },
    #[error(
        "plugin {plugin:?} exceeded its CPU limit of {fuel} fuel units; raise limits.fuel in its plugin.yaml if this is expected"
    )]
    Cpu { plugin: String, fuel: u64 },
    #[error(
        "plugin {plugin:?} exceeded its wall-time limit of {limit}; raise limits.wallTime in its plugin.yaml if this is expected"
    )]
    WallTime { plugin: String, limit: Dur },
    #[error("plugin {plugin:?} overflowed its stack (unbounded recursion?)")]
    StackOverflow { plugin: String },
    #[error(
        "plugin {plugin:?} wrote more than its output limit of {limit} to {stream}; raise limits.output in its plugin.yaml if this is expected"
    )]
    Output {
        plugin: String,
        stream: &'static str,
        limit: Bytes,
    },
    #[error(
        "plugin {plugin:?} returned {size}, above its result limit of {limit}; raise limits.result in its plugin.yaml if this is expected"
    )]
    Result {
        plugin: String,
        size: Bytes,
        limit: Bytes,
    },
    #[error("plugin {plugin:?} crashed: {message}")]
    Trap { plugin: String, message: String },
    #[error("plugin {plugin:?} failed: {}{message}", location.as_ref().map(|l| format!("{l}: ")).unwrap_or_default())]
    Guest {
        plugin: String,
        message: String,
        location: Option<String>,
    },
}
