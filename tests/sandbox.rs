//! The sandbox, proved with a hostile guest: every boundary holds, every
//! limit ends the call with an error naming the plugin and the limit, the
//! host lives on and the next call works, and granted capabilities work.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::*;
use whelm::plugin::PluginError;
use whelm::plugin::runtime::{CallOptions, Prepared, Runtime};

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn call(rt: &Runtime, p: &Prepared, args: &[&str]) -> Result<String, PluginError> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    block(rt.post_render(p, &CallOptions::default(), "kind: A\n", &args))
}

/// Prepares the hostile guest with `extra` manifest YAML (plugin dir = `dir`).
fn prepare(rt: &Runtime, dir: &std::path::Path, extra: &str) -> Prepared {
    let plugin = hostile_plugin(dir, extra);
    rt.prepare(&plugin, plugin.requested_grants())
        .expect("prepare hostile guest")
}

/// A runtime and the hostile guest prepared with `extra` manifest YAML; the
/// directory is the plugin's (relative grants resolve against it).
fn setup(extra: &str) -> (Runtime, tempfile::TempDir, Prepared) {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let p = prepare(&rt, tmp.path(), extra);
    (rt, tmp, p)
}

/// After any failure the same runtime still runs the plugin normally.
fn assert_host_survives(rt: &Runtime, p: &Prepared) {
    assert_eq!(
        call(rt, p, &["echo"]).expect("the next call works"),
        "kind: A\n"
    );
}

fn guest_error(r: Result<String, PluginError>) -> String {
    match r {
        Err(PluginError::Guest { message, .. }) => message,
        other => panic!("expected the guest to report a denial, got {other:?}"),
    }
}

#[test]
fn cannot_read_etc_passwd() {
    let (rt, _tmp, p) = setup("");
    let msg = guest_error(call(&rt, &p, &["read-file", "/etc/passwd"]));
    assert!(msg.starts_with("read denied"), "{msg}");
    assert!(!msg.contains("root:"), "{msg}");
    assert_host_survives(&rt, &p);
}

#[test]
fn cannot_read_outside_its_preopen() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("granted")).unwrap();
    std::fs::write(tmp.path().join("granted/ok.txt"), "visible").unwrap();
    std::fs::write(tmp.path().join("secret.txt"), "top secret").unwrap();
    let extra =
        "capabilities:\n  filesystem: [{path: granted, guestPath: /data, access: read-only}]\n";
    let p = prepare(&rt, tmp.path(), extra);
    // Positive: the granted file is readable.
    assert_eq!(
        call(&rt, &p, &["read-file", "/data/ok.txt"]).unwrap(),
        "visible"
    );
    // Escapes through `..`, and the host path itself, are denied.
    for path in [
        "/data/../secret.txt",
        &tmp.path().join("secret.txt").display().to_string(),
    ] {
        let msg = guest_error(call(&rt, &p, &["read-file", path]));
        assert!(
            msg.starts_with("read denied") && !msg.contains("top secret"),
            "{path}: {msg}"
        );
    }
    assert_host_survives(&rt, &p);
}

#[test]
fn cannot_write_into_a_read_only_preopen_but_can_into_a_read_write_one() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("ro")).unwrap();
    std::fs::create_dir_all(tmp.path().join("rw")).unwrap();
    let extra = "capabilities:\n  filesystem:\n    - {path: ro, guestPath: /ro, access: read-only}\n    - {path: rw, guestPath: /rw, access: read-write}\n";
    let p = prepare(&rt, tmp.path(), extra);
    let msg = guest_error(call(&rt, &p, &["write-file", "/ro/x.txt"]));
    assert!(msg.starts_with("write denied"), "{msg}");
    assert!(!tmp.path().join("ro/x.txt").exists());
    assert_eq!(
        call(&rt, &p, &["write-file", "/rw/x.txt"]).unwrap(),
        "wrote"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("rw/x.txt")).unwrap(),
        "written by a plugin"
    );
    assert_host_survives(&rt, &p);
}

#[test]
fn cannot_open_a_socket_or_resolve_names_without_a_grant() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let p = prepare(&rt, tmp.path(), "");
    let msg = guest_error(call(&rt, &p, &["tcp", &addr]));
    assert!(msg.starts_with("connect denied"), "{msg}");
    assert!(
        listener.accept().is_err(),
        "no connection may reach the host"
    );
    let msg = guest_error(call(&rt, &p, &["resolve", "localhost"]));
    assert!(msg.starts_with("resolve denied"), "{msg}");
    assert_host_survives(&rt, &p);
}

#[test]
fn granted_host_port_is_reachable_and_nothing_else() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let granted = TcpListener::bind("127.0.0.1:0").unwrap();
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    other.set_nonblocking(true).unwrap();
    let addr = granted.local_addr().unwrap().to_string();
    let extra = format!("capabilities:\n  network: ['{addr}']\n");
    let p = prepare(&rt, tmp.path(), &extra);
    let server = std::thread::spawn(move || {
        let (mut s, _) = granted.accept().unwrap();
        let mut got = String::new();
        s.read_to_string(&mut got).unwrap();
        got
    });
    assert_eq!(call(&rt, &p, &["tcp", &addr]).unwrap(), "connected");
    assert_eq!(server.join().unwrap(), "hello from the plugin");
    let msg = guest_error(call(
        &rt,
        &p,
        &["tcp", &other.local_addr().unwrap().to_string()],
    ));
    assert!(msg.starts_with("connect denied"), "{msg}");
    assert!(other.accept().is_err());
}

#[test]
fn environment_is_empty_unless_granted() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    assert!(
        std::env::var("PATH").is_ok(),
        "the test needs PATH set on the host"
    );
    let p = prepare(&rt, tmp.path(), "");
    let msg = guest_error(call(&rt, &p, &["env", "PATH"]));
    assert!(msg.starts_with("env denied"), "{msg}");
    assert_eq!(call(&rt, &p, &["env-count"]).unwrap(), "0");
    let granted = prepare(&rt, tmp.path(), "capabilities:\n  env: [PATH]\n");
    assert_eq!(
        call(&rt, &granted, &["env", "PATH"]).unwrap(),
        std::env::var("PATH").unwrap()
    );
    assert_eq!(call(&rt, &granted, &["env-count"]).unwrap(), "1");
}

#[test]
fn clocks_are_frozen_unless_granted() {
    let (rt, tmp, p) = setup("");
    assert_eq!(call(&rt, &p, &["clock"]).unwrap(), "0");
    let granted = prepare(&rt, tmp.path(), "capabilities:\n  clocks: true\n");
    let secs: u64 = call(&rt, &granted, &["clock"]).unwrap().parse().unwrap();
    assert!(secs > 1_700_000_000, "{secs}");
}

#[test]
fn allocating_4_gib_hits_the_memory_limit() {
    let (rt, _tmp, p) = setup("limits: {memory: 64Mi}\n");
    let err = call(&rt, &p, &["alloc-mib", "4096"]).unwrap_err();
    assert!(matches!(err, PluginError::Memory { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("\"hostile\"") && text.contains("memory limit of 64Mi"),
        "{text}"
    );
    // A large allocation inside the limit is fine.
    assert_eq!(
        call(&rt, &p, &["alloc-mib", "16"]).unwrap(),
        "allocated 16 MiB"
    );
    assert_host_survives(&rt, &p);
}

#[test]
fn an_endless_loop_runs_out_of_fuel() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let p = prepare(
        &rt,
        tmp.path(),
        "limits: {fuel: 200000000, wallTime: 60s}\n",
    );
    let err = call(&rt, &p, &["loop"]).unwrap_err();
    assert!(
        matches!(
            err,
            PluginError::Cpu {
                fuel: 200000000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("CPU limit of 200000000 fuel units"),
        "{err}"
    );
    assert_host_survives(&rt, &p);
}

#[test]
fn an_endless_loop_is_stopped_at_its_wall_time() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let p = prepare(
        &rt,
        tmp.path(),
        "limits: {fuel: 1000000000000000, wallTime: 500ms}\n",
    );
    let started = Instant::now();
    let err = call(&rt, &p, &["loop"]).unwrap_err();
    assert!(matches!(err, PluginError::WallTime { .. }), "{err:?}");
    assert!(
        err.to_string().contains("wall-time limit of 500ms"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_host_survives(&rt, &p);
}

#[test]
fn sleeping_past_the_wall_time_is_stopped() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    for extra in [
        "limits: {wallTime: 1s}\n",
        "capabilities: {clocks: true}\nlimits: {wallTime: 1s}\n",
    ] {
        let p = prepare(&rt, tmp.path(), extra);
        let started = Instant::now();
        let err = call(&rt, &p, &["sleep", "30"]).unwrap_err();
        assert!(
            matches!(err, PluginError::WallTime { .. }),
            "{extra}: {err:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_host_survives(&rt, &p);
    }
}

#[test]
fn unbounded_recursion_overflows_the_stack() {
    let (rt, _tmp, p) = setup("");
    let err = call(&rt, &p, &["recurse"]).unwrap_err();
    assert!(matches!(err, PluginError::StackOverflow { .. }), "{err:?}");
    assert!(err.to_string().contains("overflowed its stack"), "{err}");
    assert_host_survives(&rt, &p);
}

#[test]
fn writing_1_gib_to_stdout_hits_the_output_limit() {
    let (rt, _tmp, p) = setup("");
    let err = call(&rt, &p, &["stdout", &(1usize << 30).to_string()]).unwrap_err();
    assert!(
        matches!(
            err,
            PluginError::Output {
                stream: "stdout",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("output limit of 1Mi"), "{err}");
    assert_host_survives(&rt, &p);
}

#[test]
fn returning_1_gib_is_stopped_by_the_memory_limit() {
    let (rt, _tmp, p) = setup("");
    let err = call(&rt, &p, &["result", &(1usize << 30).to_string()]).unwrap_err();
    assert!(matches!(err, PluginError::Memory { .. }), "{err:?}");
    assert_host_survives(&rt, &p);
}

#[test]
fn a_result_above_the_result_limit_is_refused() {
    let (rt, _tmp, p) = setup("limits: {result: 1Mi}\n");
    let err = call(&rt, &p, &["result", &(8usize << 20).to_string()]).unwrap_err();
    assert!(matches!(err, PluginError::Result { .. }), "{err:?}");
    assert!(
        err.to_string().contains("above its result limit of 1Mi"),
        "{err}"
    );
    assert_eq!(call(&rt, &p, &["result", "10"]).unwrap(), "rrrrrrrrrr");
}

#[test]
fn host_log_needs_a_grant() {
    let rt = runtime();
    let tmp = tempfile::tempdir().unwrap();
    let plugin = hostile_plugin_without_log(tmp.path(), "");
    let err = rt
        .prepare(&plugin, plugin.requested_grants())
        .err()
        .expect("linking must fail");
    assert!(matches!(err, PluginError::NotGranted { .. }), "{err:?}");
    assert!(
        err.to_string().contains("whelm:plugin/log") && err.to_string().contains("host: [log]"),
        "{err}"
    );
}

#[test]
fn a_panic_is_reported_with_its_message() {
    let (rt, _tmp, p) = setup("");
    let err = call(&rt, &p, &["panic"]).unwrap_err();
    assert!(matches!(err, PluginError::Trap { .. }), "{err:?}");
    assert!(err.to_string().contains("panicked on purpose"), "{err}");
    assert_host_survives(&rt, &p);
}

#[test]
fn structured_guest_errors_keep_their_location() {
    let (rt, _tmp, p) = setup("");
    let err = call(&rt, &p, &["error"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plugin \"hostile\" failed: in.yaml:3:7: bad input"
    );
    // Logging through the granted host interface works, and a flood of it is capped, not fatal.
    assert_eq!(call(&rt, &p, &["log", "100000"]).unwrap(), "logged");
}
