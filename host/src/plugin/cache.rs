//! The compiled-component cache.
//!
//! Compiling a component with Cranelift takes 0.1–1 s; loading a precompiled
//! one takes well under a millisecond. Entries live under
//! `<cache dir>/components/<sha256 of the component>-<engine hash>.cwasm`, so a
//! new wasmtime, other engine settings or another component never collide.
//!
//! Each file is exactly what `Engine::precompile_component` produced, and is
//! loaded with `Component::deserialize_file`, which maps it instead of
//! reading and copying it (a built-in renderer compiles to ~9 MB; mapping
//! keeps a cached start-up near a millisecond). Writers write a private
//! temporary file and rename it into place, so a crash or a concurrent
//! writer can never leave a partial entry under the final name. An entry
//! that wasmtime refuses (truncated, damaged header, another engine) is
//! deleted and recompiled. Entries are trusted once wasmtime's checks pass:
//! the cache directory belongs to the user, like the binary itself.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

/// How a component was obtained (for benchmarks and `--debug`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Deserialised from a valid cache entry.
    Cached,
    /// Compiled now (and written to the cache when it has a directory).
    Compiled,
}

pub struct ComponentCache {
    dir: Option<PathBuf>,
    engine_key: String,
}

/// A stable hex key for the engine's compilation settings and version.
fn engine_key(engine: &Engine) -> String {
    // FNV-1a: a fixed algorithm, so the key is stable across runs of the same binary.
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for b in bytes {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100000001b3);
            }
        }
    }
    let mut h = Fnv(0xcbf29ce484222325);
    engine.precompile_compatibility_hash().hash(&mut h);
    format!("{:016x}", h.finish())
}

impl ComponentCache {
    /// `dir` is `None` to disable caching (compile every time).
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        ComponentCache {
            dir: dir.map(|d| d.join("components")),
            engine_key: engine_key(engine),
        }
    }

    pub fn entry_path(&self, digest_hex: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{digest_hex}-{}.cwasm", self.engine_key)))
    }

    /// Loads the component with content digest `digest_hex` (sha256 hex of
    /// `wasm`), from the cache when possible.
    pub fn load(
        &self,
        engine: &Engine,
        digest_hex: &str,
        wasm: &[u8],
    ) -> wasmtime::Result<(Component, Origin)> {
        if let Some(path) = self.entry_path(digest_hex) {
            if let Some(c) = read_entry(engine, &path) {
                return Ok((c, Origin::Cached));
            }
            let compiled = engine.precompile_component(wasm)?;
            // A cache that cannot be written only costs time; never fail the command for it.
            let _ = write_entry(&path, &compiled);
            // SAFETY: `compiled` was produced just now by this engine's `precompile_component`.
            let c = unsafe { Component::deserialize(engine, &compiled)? };
            return Ok((c, Origin::Compiled));
        }
        Ok((Component::new(engine, wasm)?, Origin::Compiled))
    }
}

fn read_entry(engine: &Engine, path: &Path) -> Option<Component> {
    if !path.exists() {
        return None;
    }
    // SAFETY: the file was written by `write_entry` from this engine's
    // `precompile_component` output (the engine's compatibility key is in
    // its name) and renamed into place whole; wasmtime checks its header,
    // version and layout and refuses anything else.
    match unsafe { Component::deserialize_file(engine, path) } {
        Ok(c) => Some(c),
        Err(_) => {
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

fn write_entry(path: &Path, payload: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("cache entries live in a directory");
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    let result = std::fs::write(&tmp, payload).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_entries_are_refused_and_removed() {
        let engine = Engine::default();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.cwasm");
        for junk in [&b""[..], b"\x7fELF not really", &[0x5a; 4096][..]] {
            write_entry(&p, junk).unwrap();
            assert!(read_entry(&engine, &p).is_none());
            assert!(!p.exists(), "a refused entry is deleted");
        }
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
