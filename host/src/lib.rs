//! whelm: a Helm-4-compatible release engine whose extension points are
//! sandboxed WebAssembly components.
//!
//! - [`cli`]: flags → actions (thin).
//! - [`action`]: one module per verb.
//! - [`plugin`]: the plugin host (manifests, policy, sandbox, cache, runtime).
//! - [`chart`]: loading charts (directories, archives, `.helmignore`).
//! - [`kube`]: the cluster: connection, discovery, server-side apply, lookup, readiness, waiting.
//! - [`values`]: the values pipeline (`-f`, `--set…`, coalescing, `values.schema.json`).
//! - [`lint`]: Helm's chart linter rules (`whelm lint`).
//! - [`render`]: the host side of rendering (request, manifest assembly).
//! - [`settings`]: environment and global flags.
//! - [`storage`]: Helm-compatible release storage (drivers, codec, lock, recovery).

pub mod action;
pub mod chart;
pub mod cli;
pub mod kube;
pub mod lint;
pub mod plugin;
pub mod render;
pub mod settings;
pub mod storage;
pub mod values;
