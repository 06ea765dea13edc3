//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use whelm::plugin::manifest::{HostImport, Manifest};
use whelm::plugin::runtime::Runtime;
use whelm::plugin::{Plugin, Source, digest_of};

/// The hostile guest component, built by host/build.rs.
pub fn hostile_wasm() -> &'static [u8] {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| {
        std::fs::read(env!("WHELM_TEST_GUEST_HOSTILE")).expect("hostile guest was built")
    })
}

/// A compiled-component cache shared by the tests of one build, so the
/// hostile guest is compiled once rather than once per test.
pub fn shared_cache() -> PathBuf {
    std::env::temp_dir().join(format!(
        "whelm-test-cache-{}",
        &digest_of(hostile_wasm())[7..19]
    ))
}

pub fn runtime() -> Runtime {
    Runtime::new(Some(shared_cache())).expect("runtime")
}

/// A post-renderer manifest for the hostile guest with extra YAML appended
/// (e.g. `capabilities:` and `limits:` blocks).
pub fn hostile_manifest(extra: &str) -> String {
    format!(
        "name: hostile\nversion: 0.0.1\nroles: [post-renderer]\nworld: whelm:plugin/post-renderer@0.1.0\ncomponent: hostile.wasm\n{extra}"
    )
}

/// The hostile guest as a plugin installed in `dir`, with `extra` manifest
/// YAML. The guest imports the host `log` interface, so the grant for it is
/// added (see [`hostile_plugin_without_log`]).
pub fn hostile_plugin(dir: &Path, extra: &str) -> Plugin {
    let mut p = hostile_plugin_without_log(dir, extra);
    if !p.manifest.capabilities.host.contains(&HostImport::Log) {
        p.manifest.capabilities.host.push(HostImport::Log);
    }
    p
}

/// The hostile guest exactly as `extra` describes it.
pub fn hostile_plugin_without_log(dir: &Path, extra: &str) -> Plugin {
    Plugin {
        manifest: Manifest::parse(&hostile_manifest(extra), "test plugin.yaml")
            .expect("test manifest"),
        source: Source::Installed(dir.to_path_buf()),
        component: Cow::Borrowed(hostile_wasm()),
        digest: digest_of(hostile_wasm()),
    }
}

/// Writes an installable plugin directory for the hostile guest.
pub fn write_hostile_package(dir: &Path, extra: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("plugin.yaml"), hostile_manifest(extra)).unwrap();
    std::fs::write(dir.join("hostile.wasm"), hostile_wasm()).unwrap();
}

/// Decodes a release Secret as Helm stores it: base64 (the wire's `data`) of base64 of gzip of
/// the release JSON. All gzip members are read, as Go's `gzip.Reader` (Helm's) does.
pub fn decode_release(secret: &serde_json::Value) -> serde_json::Value {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let outer = b64
        .decode(secret["data"]["release"].as_str().expect("data.release"))
        .expect("base64 on the wire");
    let gz = b64.decode(outer).expect("base64 of the release");
    let mut json = String::new();
    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&gz[..]), &mut json)
        .expect("gzip");
    serde_json::from_str(&json).expect("release JSON")
}

/// The inverse of [`decode_release`]: `secret` with `data.release` set to `release`.
pub fn encode_release(secret: &mut serde_json::Value, release: &serde_json::Value) {
    use base64::Engine as _;
    use std::io::Write as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(release.to_string().as_bytes()).expect("gzip");
    let inner = b64.encode(gz.finish().expect("gzip"));
    secret["data"]["release"] = serde_json::json!(b64.encode(inner));
}

/// Splits a corpus `cmd.txt` / `lint_cmd.txt` line like a shell would (the corpus uses only
/// simple quoting).
pub fn shell_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in s.trim().chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The stdout of `c`, which must succeed (else the test fails with both outputs).
pub fn succeeded(mut c: std::process::Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{c:?} failed:\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
