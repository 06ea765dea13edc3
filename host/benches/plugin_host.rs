//! Plugin-host benchmark: `cargo bench -p whelm --bench plugin_host`.
//!
//! Measures, for the built-in `labels` post-renderer and the hostile test
//! guest's trivial `echo` action:
//! - cold compile (Cranelift) vs a load from the compiled-component cache;
//! - instantiate + call in a fresh Store (what every plugin call costs);
//! - a call moving 1 MiB of manifests in and out;
//! - whole-process start of `whelm version` and `whelm plugin list`, side by
//!   side with `helm version` / `helm plugin list` when `$HELM_BIN` is set,
//!   reported as ratios.
//!
//! Targets (issue 2): cached load < 2 ms, instantiate + call < 100 µs.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use whelm::plugin::builtin;
use whelm::plugin::cache::ComponentCache;
use whelm::plugin::runtime::{CallOptions, Runtime};

/// Runs `f` `n` times after a warm-up and returns the median duration.
fn median(n: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn fmt(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    }
}

fn process(bin: &str, args: &[&str], env: &[(&str, &std::path::Path)]) -> Duration {
    median(21, || {
        let mut c = Command::new(bin);
        c.args(args).stdout(Stdio::null()).stderr(Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        let st = c.status().expect("run process");
        assert!(st.success(), "{bin} {args:?} failed");
    })
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let labels = builtin::all()
        .unwrap()
        .into_iter()
        .find(|p| p.manifest.name == "labels")
        .unwrap();
    let hex = labels.digest.trim_start_matches("sha256:").to_string();
    println!("component: labels ({} KiB)", labels.component.len() / 1024);

    // Cold compile: a fresh cache directory every time.
    let rt = Runtime::new(None).unwrap();
    let engine = rt.engine();
    let mut i = 0;
    let cold = median(5, || {
        i += 1;
        let cache = ComponentCache::new(engine, Some(tmp.path().join(format!("cold{i}"))));
        black_box(cache.load(engine, &hex, &labels.component).unwrap());
    });
    // Cached load: the entry exists.
    let cache = ComponentCache::new(engine, Some(tmp.path().join("warm")));
    cache.load(engine, &hex, &labels.component).unwrap();
    let warm = median(51, || {
        let (c, origin) = cache.load(engine, &hex, &labels.component).unwrap();
        assert_eq!(origin, whelm::plugin::cache::Origin::Cached);
        black_box(c);
    });
    println!("cold compile (Cranelift):        {}", fmt(cold));
    println!(
        "cached load (.cwasm from disk):  {}   target < 2 ms   ({:.0}x faster than cold)",
        fmt(warm),
        cold.as_secs_f64() / warm.as_secs_f64()
    );

    // Instantiate + call in a fresh store.
    let rt = Runtime::new(Some(tmp.path().join("rt"))).unwrap();
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let prepared = rt.prepare(&labels, labels.requested_grants()).unwrap();
    let opts = CallOptions::default();
    let small = "kind: A\n";
    let none: Vec<String> = vec![];
    let call = median(201, || {
        black_box(
            tokio
                .block_on(rt.post_render(&prepared, &opts, small, &none))
                .unwrap(),
        );
    });
    println!(
        "instantiate + call (labels, no args, 1 doc): {}   target < 100 µs",
        fmt(call)
    );

    // Same, moving 1 MiB of manifests through the labels plugin.
    let doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n";
    let big: String =
        std::iter::repeat_n(format!("---\n{doc}"), (1 << 20) / (doc.len() + 4)).collect();
    let args = vec!["team=core".to_string()];
    let bulk = median(11, || {
        black_box(
            tokio
                .block_on(rt.post_render(&prepared, &opts, &big, &args))
                .unwrap(),
        );
    });
    println!(
        "labels on 1 MiB of manifests ({} docs): {}",
        big.matches("---").count(),
        fmt(bulk)
    );

    // Whole-process start, side by side with helm.
    let whelm = env!("CARGO_BIN_EXE_whelm");
    let env = [
        ("WHELM_DATA_HOME", tmp.path()),
        ("WHELM_CACHE_HOME", tmp.path()),
    ];
    let wv = process(whelm, &["version"], &env);
    let wl = process(whelm, &["plugin", "list"], &env);
    println!("process: whelm version      {}", fmt(wv));
    println!("process: whelm plugin list  {}", fmt(wl));
    match std::env::var("HELM_BIN") {
        Ok(helm) => {
            let henv = [
                ("HELM_DATA_HOME", tmp.path()),
                ("HELM_CACHE_HOME", tmp.path()),
                ("HELM_CONFIG_HOME", tmp.path()),
            ];
            let hv = process(&helm, &["version"], &henv);
            let hl = process(&helm, &["plugin", "list"], &henv);
            println!(
                "process: helm version       {}   ratio helm/whelm {:.1}x",
                fmt(hv),
                hv.as_secs_f64() / wv.as_secs_f64()
            );
            println!(
                "process: helm plugin list   {}   ratio helm/whelm {:.1}x",
                fmt(hl),
                hl.as_secs_f64() / wl.as_secs_f64()
            );
        }
        Err(_) => println!("(set HELM_BIN to compare with the real helm in the same run)"),
    }
}
