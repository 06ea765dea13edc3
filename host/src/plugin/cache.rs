//! The compiled-component cache.
//!
//! Compiling a component with Cranelift takes 0.1–1 s; loading a precompiled
//! one takes well under a millisecond. Entries live under
//! `<cache dir>/components/<sha256 of the component>-<engine hash>.cwasm`, so a
//! new wasmtime, other engine settings or another component never collide.
//!
//! Each file is `MAGIC | payload length (u64 LE) | crc32 of payload (u32 LE) |
//! payload`. Writers write a private temporary file and rename it into place,
//! so readers only ever see whole entries and concurrent writers race
//! harmlessly (both write the same bytes). A reader that finds a truncated or
//! corrupt entry (bad magic, length or checksum, or wasmtime refusing it)
//! deletes it and recompiles.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use wasmtime::Engine;
use wasmtime::component::Component;

const MAGIC: &[u8; 8] = b"WHELMCW1";
const HEADER: usize = 8 + 8 + 4;

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
    let data = std::fs::read(path).ok()?;
    let payload = match check_entry(&data) {
        Some(p) => p,
        None => {
            let _ = std::fs::remove_file(path);
            return None;
        }
    };
    // SAFETY: the payload was written by `write_entry` from `precompile_component`
    // output of an engine with the same compatibility key (it is in the file
    // name), and its checksum matches, so it is not truncated or damaged;
    // wasmtime additionally checks its own header and version.
    match unsafe { Component::deserialize(engine, payload) } {
        Ok(c) => Some(c),
        Err(_) => {
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

/// Returns the payload when the framing and checksum are intact.
fn check_entry(data: &[u8]) -> Option<&[u8]> {
    if data.len() < HEADER || &data[..8] != MAGIC {
        return None;
    }
    let len = u64::from_le_bytes(data[8..16].try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(data[16..20].try_into().ok()?);
    let payload = &data[HEADER..];
    (payload.len() == len && crc32fast::hash(payload) == crc).then_some(payload)
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
    let mut data = Vec::with_capacity(HEADER + payload.len());
    data.extend_from_slice(MAGIC);
    data.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    data.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    data.extend_from_slice(payload);
    let result = std::fs::write(&tmp, &data).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_detects_truncation_and_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("e.cwasm");
        write_entry(&p, b"payload bytes").unwrap();
        let data = std::fs::read(&p).unwrap();
        assert_eq!(check_entry(&data), Some(&b"payload bytes"[..]));
        assert_eq!(check_entry(&data[..data.len() - 1]), None);
        let mut bad = data.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(check_entry(&bad), None);
        assert_eq!(check_entry(b"short"), None);
        // No temporary files are left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
