//! The built-in `gotemplate` renderer, called through the plugin host and its
//! sandbox exactly as `whelm template` calls it.

mod common;

use std::sync::{Arc, Mutex};

use whelm::plugin::bindings::v0_1_0::renderer::exports::whelm::plugin::render::{
    Capabilities, Chart, RenderRequest,
};
use whelm::plugin::bindings::v0_1_0::types::File;
use whelm::plugin::manifest::Role;
use whelm::plugin::policy::Policy;
use whelm::plugin::runtime::{CallOptions, ChartFilesFn};
use whelm::plugin::{PluginError, PluginHost};

/// The chart's files as the host serves them, recording which were read.
fn files(reads: Arc<Mutex<Vec<String>>>) -> ChartFilesFn {
    Arc::new(move |chart, path| {
        reads.lock().unwrap().push(format!("{chart}:{path}"));
        match (chart, path) {
            (0, "conf/app.conf") => Some(b"k=v\n".to_vec()),
            (0, "big/unused.bin") => Some(vec![0; 1 << 20]),
            _ => None,
        }
    })
}

fn host() -> (PluginHost, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let host = PluginHost::new(
        Policy::default(),
        tmp.path().join("plugins"),
        Some(common::shared_cache()),
    )
    .unwrap();
    (host, tmp)
}

fn file(path: &str, text: &str) -> File {
    File {
        path: path.into(),
        data: text.as_bytes().to_vec(),
    }
}

fn request(template: &str, values: &str) -> RenderRequest {
    RenderRequest {
        charts: vec![Chart {
            path: "c".into(),
            metadata: r#"{"Name":"c","Version":"0.1.0","APIVersion":"v2"}"#.into(),
            templates: vec![
                file("c/templates/_h.tpl", r#"{{- define "c.name" -}}{{ .Chart.Name }}-{{ .Release.Name }}{{- end -}}"#),
                file("c/templates/t.yaml", template),
            ],
            files: vec!["conf/app.conf".into(), "big/unused.bin".into()],
            values: values.into(),
        }],
        release: r#"{"IsInstall":true,"IsUpgrade":false,"Name":"rel","Namespace":"ns","Revision":1,"Service":"Helm"}"#.into(),
        capabilities: Capabilities {
            kube_version: "v1.37.0".into(),
            api_versions: vec!["v1".into(), "apps/v1".into()],
            helm_version: r#"{"Version":"v4.3.1"}"#.into(),
        },
        strict: false,
        lint: false,
    }
}

fn render(template: &str, values: &str) -> Result<Vec<(String, String)>, PluginError> {
    render_reading(template, values, Arc::default())
}

fn render_reading(
    template: &str,
    values: &str,
    reads: Arc<Mutex<Vec<String>>>,
) -> Result<Vec<(String, String)>, PluginError> {
    let (host, _tmp) = host();
    let p = host.prepare("gotemplate", Role::Renderer)?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let opts = CallOptions {
        chart_files: Some(files(reads)),
        ..Default::default()
    };
    let out = rt.block_on(host.runtime().render(&p, &opts, &request(template, values)))?;
    Ok(out.into_iter().map(|r| (r.path, r.content)).collect())
}

#[test]
fn renders_through_the_sandbox_keeping_int_and_float_apart() {
    // Expected output from helm 4.3.1 for the same chart (`--set n=3` gives an
    // int64; a values file gives float64 1.5), `.Files` and `include`.
    let out = render(
        "a: {{ include \"c.name\" . }} {{ typeOf .Values.n }} {{ typeOf .Values.f }} {{ .Values.f }}\nb: {{ .Files.Get \"conf/app.conf\" | trim }} {{ .Release.Revision }} {{ .Capabilities.APIVersions.Has \"apps/v1\" }}\n",
        r#"{"n":3,"f":1.5}"#,
    )
    .unwrap();
    assert_eq!(
        out,
        vec![(
            "c/templates/t.yaml".to_string(),
            "a: c-rel int64 float64 1.5\nb: k=v 1 true\n".to_string()
        )]
    );
}

#[test]
fn template_errors_come_back_helm_shaped() {
    let err = render("x: {{ .Values.a.b }}\n", "{}").unwrap_err();
    let text = err.to_string();
    assert!(
        text.ends_with("c/templates/t.yaml:1:13\n  executing \"c/templates/t.yaml\" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b"),
        "{text}"
    );
}

#[test]
fn include_recursion_stops_at_helms_limit_not_the_stack() {
    // helm 4.3.1 ends the same chart with this message after 1000 nested includes.
    let (host, _tmp) = host();
    let p = host.prepare("gotemplate", Role::Renderer).unwrap();
    let mut req = request("x: {{ include \"r\" . }}\n", "{}");
    req.charts[0].templates[0] = file(
        "c/templates/_h.tpl",
        "{{- define \"r\" -}}{{ include \"r\" . }}{{- end -}}",
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt
        .block_on(host.runtime().render(&p, &Default::default(), &req))
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("error calling include: rendering template has a nested reference name: r: unable to execute template"),
        "{}",
        &err[err.len().saturating_sub(300)..]
    );
}

#[test]
fn chart_files_are_read_when_a_template_asks_and_once() {
    // helm 4.3.1 prints the same for this chart: Get twice, Glob over a file, a missing one.
    let reads = Arc::new(Mutex::new(Vec::new()));
    let out = render_reading(
        "a: {{ .Files.Get \"conf/app.conf\" | trim }}{{ .Files.Get \"conf/app.conf\" | trim }}\nb: {{ range $p, $_ := .Files.Glob \"conf/*\" }}{{ $p }}{{ end }}\nc: {{ .Files.Get \"nope\" | quote }}\n",
        "{}",
        reads.clone(),
    )
    .unwrap();
    assert_eq!(out[0].1, "a: k=vk=v\nb: conf/app.conf\nc: \"\"\n");
    // The unused megabyte never crossed into the sandbox; the used file crossed once.
    assert_eq!(*reads.lock().unwrap(), ["0:conf/app.conf"]);
}
