//! Filesystem: exactly the granted directories, each read-only or read-write.

use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

use super::DirGrant;
use crate::plugin::manifest::Access;

pub fn apply(b: &mut WasiCtxBuilder, dirs: &[DirGrant]) -> Result<(), String> {
    for d in dirs {
        let perms = match d.access {
            Access::ReadOnly => FsPerms::ReadOnly,
            Access::ReadWrite => FsPerms::ReadWrite,
        };
        b.preopened_dir(&d.host, &d.guest, perms).map_err(|e| {
            format!(
                "cannot grant directory {} to the plugin: {e}",
                d.host.display()
            )
        })?;
    }
    Ok(())
}
