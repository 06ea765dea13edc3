//! Builds the built-in plugins for wasm32-wasip2 and embeds them: generates
//! `$OUT_DIR/builtins.rs` with each plugin's manifest, component bytes and
//! sha256 digest. The test guests in tests/guests are built in the same
//! nested build (they share its dependencies, so they cost seconds) and are
//! only referenced by the integration tests, through `WHELM_TEST_GUEST_*`.

use std::path::Path;

use sha2::{Digest, Sha256};
use whelm_build_support::{Guest, build_components};

/// (package, directory under plugins/)
const BUILTINS: &[(&str, &str)] = &[
    ("whelm-plugin-labels", "labels"),
    ("whelm-plugin-gotemplate", "gotemplate"),
];
/// (package, directory under tests/guests/, env var the tests read)
const TEST_GUESTS: &[(&str, &str, &str)] =
    &[("whelm-guest-hostile", "hostile", "WHELM_TEST_GUEST_HOSTILE")];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ is inside the workspace")
        .to_path_buf();
    let dirs: Vec<_> = BUILTINS
        .iter()
        .map(|(_, d)| root.join("plugins").join(d))
        .collect();
    let test_dirs: Vec<_> = TEST_GUESTS
        .iter()
        .map(|(_, d, _)| root.join("tests/guests").join(d))
        .collect();
    let mut guests: Vec<Guest> = BUILTINS
        .iter()
        .zip(&dirs)
        .map(|((pkg, _), dir)| Guest { package: pkg, dir })
        .collect();
    guests.extend(
        TEST_GUESTS
            .iter()
            .zip(&test_dirs)
            .map(|((pkg, _, _), dir)| Guest { package: pkg, dir }),
    );
    let watch = [
        root.join("wit"),
        root.join("plugin-sdk"),
        root.join("template"),
        root.join("Cargo.lock"),
    ];
    let watch: Vec<&Path> = watch.iter().map(|p| p.as_path()).collect();
    let wasm = build_components(&guests, &watch);

    for ((_, _, var), path) in TEST_GUESTS.iter().zip(&wasm[BUILTINS.len()..]) {
        println!("cargo:rustc-env={var}={}", path.display());
    }

    let mut out = String::from("static BUILTINS: &[Embedded] = &[\n");
    for (dir, wasm) in dirs.iter().zip(&wasm) {
        let bytes = std::fs::read(wasm).expect("read built component");
        let digest = format!("sha256:{:x}", Sha256::digest(&bytes));
        out.push_str(&format!(
            "    Embedded {{ manifest: include_str!({:?}), component: include_bytes!({:?}), digest: {:?} }},\n",
            dir.join("plugin.yaml"),
            wasm,
            digest
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtins.rs");
    std::fs::write(dest, out).expect("write builtins.rs");
}
