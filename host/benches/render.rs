//! Where rendering time goes: `cargo bench -p whelm --bench render [chart-dir]`.
//!
//! For one chart (default: the corpus' kube-prometheus-stack) it times the
//! host phases (load + coalesce + request, output assembly) and the renderer
//! both natively (the gotemplate plugin's code linked into this binary) and
//! inside the sandbox, so the cost of the sandbox is visible as a ratio.

use std::hint::black_box;
use std::time::{Duration, Instant};

use whelm::action::template::{self, TemplateOptions};
use whelm::plugin::bindings::v0_1_0::renderer::exports::whelm::plugin::render as host_wit;
use whelm::plugin::manifest::Role;
use whelm::plugin::policy::Policy;
use whelm::plugin::{PluginHost, runtime::CallOptions};
use whelm::values::LocalFiles;
use whelm_plugin_sdk::renderer as guest_wit;

fn median(n: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut t: Vec<Duration> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .collect();
    t.sort();
    t[n / 2]
}

/// The chart's files as the host's `chart-files` import serves them, for the native renderer.
fn native_files(p: &template::Prepared) -> whelm_plugin_gotemplate::ReadFile {
    let serve = whelm::render::chart_files(&p.chart);
    std::rc::Rc::new(move |chart, path| serve(chart, path))
}

fn to_guest(r: &host_wit::RenderRequest) -> guest_wit::RenderRequest {
    let file = |f: &whelm::plugin::bindings::v0_1_0::types::File| guest_wit::File {
        path: f.path.clone(),
        data: f.data.clone(),
    };
    guest_wit::RenderRequest {
        charts: r
            .charts
            .iter()
            .map(|c| guest_wit::Chart {
                path: c.path.clone(),
                metadata: c.metadata.clone(),
                templates: c.templates.iter().map(file).collect(),
                files: c.files.clone(),
                values: c.values.clone(),
            })
            .collect(),
        release: r.release.clone(),
        capabilities: guest_wit::Capabilities {
            kube_version: r.capabilities.kube_version.clone(),
            api_versions: r.capabilities.api_versions.clone(),
            helm_version: r.capabilities.helm_version.clone(),
        },
        strict: r.strict,
        lint: r.lint,
    }
}

fn main() {
    let chart = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/corpus/charts/kube-prometheus-stack"
            )
            .to_string()
        });
    let opts = TemplateOptions {
        args: vec!["rel".into(), chart.clone()],
        namespace: Some("ns".into()),
        ..Default::default()
    };
    println!("chart: {chart}");
    let prep = median(11, || {
        black_box(template::prepare(&opts, &LocalFiles).unwrap());
    });
    let p = template::prepare(&opts, &LocalFiles).unwrap();
    let guest_req = to_guest(&p.request);
    let read = native_files(&p);
    let native = median(11, || {
        black_box(
            whelm_plugin_gotemplate::render_request(guest_req.clone(), read.clone()).unwrap(),
        );
    });
    let tmp = tempfile::tempdir().unwrap();
    let host = PluginHost::new(
        Policy::default(),
        tmp.path().join("p"),
        Some(tmp.path().join("c")),
    )
    .unwrap();
    let renderer = host.prepare("gotemplate", Role::Renderer).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let call = CallOptions {
        chart_files: Some(whelm::render::chart_files(&p.chart)),
        ..Default::default()
    };
    let sandboxed = median(11, || {
        black_box(
            rt.block_on(host.runtime().render(&renderer, &call, &p.request))
                .unwrap(),
        );
    });
    let mut files: std::collections::BTreeMap<String, String> = rt
        .block_on(host.runtime().render(&renderer, &call, &p.request))
        .unwrap()
        .into_iter()
        .map(|r| (r.path, r.content))
        .collect();
    whelm::render::assemble::drop_notes(&mut files);
    let assemble = median(11, || {
        black_box(template::output(&p, &files).unwrap());
    });
    println!(
        "host: load + values + request   {:8.2} ms",
        prep.as_secs_f64() * 1e3
    );
    println!(
        "render natively                 {:8.2} ms",
        native.as_secs_f64() * 1e3
    );
    println!(
        "render in the sandbox           {:8.2} ms   ({:.2}x native)",
        sandboxed.as_secs_f64() * 1e3,
        sandboxed.as_secs_f64() / native.as_secs_f64()
    );
    println!(
        "host: output assembly           {:8.2} ms",
        assemble.as_secs_f64() * 1e3
    );
    if std::env::args().any(|a| a == "--native-loop") {
        for _ in 0..20 {
            black_box(
                whelm_plugin_gotemplate::render_request(guest_req.clone(), read.clone()).unwrap(),
            );
        }
    }
}
