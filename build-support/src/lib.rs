//! Builds the workspace's WebAssembly components from a `build.rs`.
//!
//! The built-in plugins (and the hostile test guests) are ordinary workspace
//! crates compiled for `wasm32-wasip2`, whose `cdylib` output is already a
//! component. A build script calls [`build_components`], which runs a nested
//! `cargo build --release --target wasm32-wasip2` into its own target directory
//! (so it never waits on the outer build's lock) and returns the paths of the
//! `.wasm` files for `include_bytes!` or for tests to load.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A crate to build: its package name and its directory (for change tracking).
pub struct Guest<'a> {
    pub package: &'a str,
    pub dir: &'a Path,
}

/// Environment that must not leak from the outer build into the nested one:
/// flags for the host target, wrappers such as clippy-driver, and the outer
/// target directory.
const SCRUB_ENV: &[&str] = &[
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_TARGET",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_PRIMARY_PACKAGE",
    "CLIPPY_ARGS",
    "CLIPPY_CONF_DIR",
    "__CARGO_FIX_PLZ",
    "RUSTDOCFLAGS",
];

/// The directory the nested builds share: `<outer target dir>/wasm-components`.
fn nested_target_dir() -> PathBuf {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set for build scripts"));
    // OUT_DIR = <target>[/<triple>]/<profile>/build/<pkg>-<hash>/out
    let profile_dir = out
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "build"))
        .and_then(Path::parent)
        .unwrap_or(&out);
    profile_dir
        .parent()
        .unwrap_or(profile_dir)
        .join("wasm-components")
}

/// Makes sure the toolchain has the wasm32-wasip2 standard library. rustup installs the
/// targets of `rust-toolchain.toml` only when it installs the toolchain itself, so a machine
/// whose `stable` came first lacks it: add it through rustup (once), as a fresh clone's first
/// `cargo build` must work.
fn ensure_wasm_target() {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let libdir = Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", "wasm32-wasip2"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if libdir.as_deref().is_some_and(Path::exists) {
        return;
    }
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", "wasm32-wasip2"]);
    if let Some(t) = std::env::var_os("RUSTUP_TOOLCHAIN") {
        cmd.arg("--toolchain").arg(t);
    }
    println!(
        "cargo:warning=installing the wasm32-wasip2 target with `rustup target add wasm32-wasip2`"
    );
    match cmd.status() {
        Ok(s) if s.success() => {}
        r => println!(
            "cargo:warning=`rustup target add wasm32-wasip2` did not succeed ({r:?}); the component build will say what is missing"
        ),
    }
}

/// Builds `guests` for wasm32-wasip2 in release mode and returns each
/// component's path, in the same order. `watch` lists extra paths whose change
/// must rebuild (e.g. `wit/`, the SDK).
pub fn build_components(guests: &[Guest<'_>], watch: &[&Path]) -> Vec<PathBuf> {
    for g in guests {
        println!("cargo:rerun-if-changed={}", g.dir.display());
    }
    for w in watch {
        println!("cargo:rerun-if-changed={}", w.display());
    }
    ensure_wasm_target();
    let target_dir = nested_target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--release")
        .arg("--target")
        .arg("wasm32-wasip2")
        .arg("--target-dir")
        .arg(&target_dir);
    for g in guests {
        cmd.arg("-p").arg(g.package);
    }
    // Run from the workspace so the nested build uses the same Cargo.lock.
    if let Some(first) = guests.first() {
        cmd.current_dir(first.dir);
    }
    for k in SCRUB_ENV {
        cmd.env_remove(k);
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not run cargo to build the WebAssembly components: {e}"));
    if !status.success() {
        panic!(
            "building the WebAssembly components failed ({status}). If the error above says the \
             wasm32-wasip2 target is missing, run `rustup target add wasm32-wasip2` \
             (rust-toolchain.toml normally installs it)."
        );
    }
    guests
        .iter()
        .map(|g| {
            let file = format!("{}.wasm", g.package.replace('-', "_"));
            let p = target_dir.join("wasm32-wasip2").join("release").join(file);
            assert!(
                p.exists(),
                "expected component {} after the build",
                p.display()
            );
            p
        })
        .collect()
}
