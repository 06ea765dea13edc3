//! The sandbox a plugin runs in: one module per capability, each with the same
//! shape — `apply` what was granted to the WASI context, and nothing else.
//! Adding a capability means adding a module here and a field to
//! [`Grants`]; the policy check lives in `policy.rs`.
//!
//! By default a plugin gets: no preopened directories, no environment, no
//! arguments, no sockets or name lookups, a wall clock and monotonic clock
//! frozen at zero, a fixed-seed random source, empty stdin, and stdout/stderr
//! captured into bounded buffers.

mod clocks;
mod env;
mod fs;
mod net;

use std::path::PathBuf;

use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder};

use super::manifest::{Access, HostImport};

/// A directory granted to a plugin, with its host path resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirGrant {
    pub host: PathBuf,
    pub guest: String,
    pub access: Access,
}

/// Everything a plugin invocation is granted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    pub dirs: Vec<DirGrant>,
    pub env: Vec<String>,
    pub network: Vec<String>,
    pub clocks: bool,
    pub random: bool,
    pub host: Vec<HostImport>,
}

/// The plugin's captured output streams.
pub struct Io {
    pub stdout: MemoryOutputPipe,
    pub stderr: MemoryOutputPipe,
}

/// Builds the WASI context for one invocation. `output_limit` caps each of
/// stdout and stderr; writing past it traps the plugin.
pub fn build(grants: &Grants, output_limit: u64) -> Result<(WasiCtx, Io), String> {
    let mut b = WasiCtxBuilder::new();
    fs::apply(&mut b, &grants.dirs)?;
    env::apply(&mut b, &grants.env);
    net::apply(&mut b, &grants.network)?;
    clocks::apply(&mut b, grants.clocks, grants.random);
    let cap = usize::try_from(output_limit).unwrap_or(usize::MAX);
    let io = Io {
        stdout: MemoryOutputPipe::new(cap),
        stderr: MemoryOutputPipe::new(cap),
    };
    b.stdout(io.stdout.clone()).stderr(io.stderr.clone());
    Ok((b.build(), io))
}
