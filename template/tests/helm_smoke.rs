//! End-to-end engine checks: a small chart rendered through Helm's data
//! model, compared with what `helm template --debug` 4.3.1 printed for it.

use whelm_template::Engine;
use whelm_template::helm::objects::{Files, KubeVersion, capabilities};
use whelm_template::helm::render::{ChartInput, RenderInput, render};
use whelm_template::value::{Map, Value};

fn chart_meta() -> Value {
    let m = Map::new();
    m.insert("Name", Value::str("e"));
    m.insert("Version", Value::str("0.1.0"));
    m.insert("AppVersion", Value::str("1.2"));
    m.insert("APIVersion", Value::str("v2"));
    Value::Map(m)
}

fn release() -> Value {
    let m = Map::new();
    m.insert("Name", Value::str("rel"));
    m.insert("Namespace", Value::str("ns"));
    m.insert("Revision", Value::Int(1));
    m.insert("IsInstall", Value::Bool(true));
    m.insert("IsUpgrade", Value::Bool(false));
    m.insert("Service", Value::str("Helm"));
    Value::Map(m)
}

pub fn render_one(
    templates: &[(&str, &str)],
    values: &str,
) -> Result<Vec<(String, String)>, String> {
    let input = RenderInput {
        charts: vec![ChartInput {
            path: "e".into(),
            metadata: chart_meta(),
            templates: templates
                .iter()
                .map(|(n, t)| (format!("e/templates/{n}"), t.to_string()))
                .collect(),
            files: Files::new(Vec::new()),
            values: whelm_template::yaml::load(values).map_err(|e| e.to_string())?,
        }],
        release: release(),
        capabilities: capabilities(
            KubeVersion::parse("v1.37.0").unwrap(),
            vec!["v1".into(), "apps/v1".into()],
            Value::empty_map(),
        ),
    };
    render(&input, &mut Engine::new()).map_err(|e| e.to_string())
}

const HELPERS: &str = r####"{{- define "e.name" -}}{{ .Chart.Name }}-{{ .Values.name }}{{- end -}}
{{- define "e.labels" }}
app: {{ include "e.name" . }}
ver: {{ .Chart.Version | quote }}
{{- end }}
"####;
const TEMPLATE: &str = r####"a: {{ .Values.name }} {{ .Values.replicas }} {{ .Values.ratio }} {{ .Values.big }} {{ .Values.enabled }}
b: {{ .Values.missing }}|{{ .Values.nul }}|{{ .Values.list }}|{{ .Values.map }}
c: {{ include "e.name" . }}{{ include "e.labels" . | nindent 2 }}
{{- if .Values.enabled }}
d: yes
{{- else if .Values.other }}
d: other
{{- else }}
d: no
{{- end }}
{{- range $i, $v := .Values.list }}
e{{ $i }}: {{ $v }}
{{- end }}
{{- range $k, $v := .Values.map }}
f-{{ $k }}: {{ $v }}
{{- end }}
{{- with .Values.map.m }}
g: {{ .x }} {{ $.Values.name }}
{{- end }}
{{- $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}
h: {{ $x }} {{ printf "%s-%d-%v-%05.2f" "s" 4 .Values.ratio 3.14159 }} {{ len .Values.list }} {{ index .Values.list 1 }} {{ index .Values.map "a" }}
i: {{ and 1 0 }} {{ or 0 "" "x" }} {{ not .Values.empty }} {{ eq .Values.name "web" }} {{ ne 1 2 }} {{ lt 1 2 }} {{ eq .Values.replicas 3.0 }}
j: {{ default "dflt" .Values.empty }} {{ .Values.name | upper | quote }} {{ toYaml .Values.map | nindent 2 }}
k: {{ range .Values.missing }}x{{ else }}empty{{ end }} {{ range 3 }}{{ . }}{{ end }} {{ range $i, $e := .Values.list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 2 }}{{ break }}{{ end }}{{ $e }}{{ end }}
l: {{ tpl "{{ .Values.name }}-{{ .Chart.Name }}" . }} {{ .Template.Name }} {{ .Template.BasePath }} {{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Revision }} {{ .Release.IsInstall }}
m: {{/* comment */}}{{- /* trimmed */ -}} {{ "x" }} {{ 'a' }} {{ 0x10 }} {{ 1e3 }} {{ -2 }} {{ print 1 2 "a" "b" 3 }} {{ println "z" }}
n: {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ semverCompare ">=1.20-0" .Capabilities.KubeVersion.GitVersion }}
o: {{ (list 1 2) }} {{ (dict "a" 1).a }} {{ $m := dict "k" "v" }}{{ $m.k }} {{ typeOf .Values.replicas }} {{ typeOf 3 }} {{ int64 3 | typeOf }}
p: {{ block "e.blk" . }}blockdefault{{ end }} {{ template "e.name" . }}
"####;
const VALUES: &str = r####"name: web
replicas: 3
ratio: 0.5
big: 1000000
enabled: true
list: [a, b, c]
map: {z: 1, a: 2, m: {x: y}}
empty: ""
nul: null
"####;
/// `helm template rel . --namespace ns --debug`, after the `# Source:` line.
const EXPECTED: &str = r####"a: web 3 0.5 1e+06 true
b: ||[a b c]|map[a:2 m:map[x:true] z:1]
c: e-web
  
  app: e-web
  ver: "0.1.0"
d: yes
e0: a
e1: b
e2: c
f-a: 2
f-m: map[x:true]
f-z: 1
g: true web
h: 2 s-4-0.5-03.14 3 b 2
i: 0 x true true true true true
j: dflt "WEB" 
  a: 2
  m:
    x: true
  z: 1
k: empty 012 a
l: web-e e/templates/t.yaml e/templates rel ns 1 true
m: x 97 16 1000 -2 1 2ab3 z

n: v1.37.0 37 true true
o: [1 2] 1 v float64 int int64
p: blockdefault e-web
"####;

#[test]
fn constructs_and_common_functions_match_helm() {
    let out = render_one(&[("_h.tpl", HELPERS), ("t.yaml", TEMPLATE)], VALUES).unwrap();
    assert_eq!(out.len(), 1, "partials are not rendered");
    assert_eq!(out[0].0, "e/templates/t.yaml");
    // helm trims each document and prints it followed by a newline.
    assert_eq!(format!("{}\n", out[0].1.trim()), EXPECTED);
}

/// Error texts as `helm template` 4.3.1 prints them after `Error: ` (each
/// expected string was taken from the real helm on the same template).
#[test]
fn errors_read_like_helm_4() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("t.yaml", "x: {{ .Values.a.b.c }}\n")],
            "e/templates/t.yaml:1:13\n  executing \"e/templates/t.yaml\" at <.Values.a.b.c>:\n    nil pointer evaluating interface {}.b",
        ),
        (
            &[("t.yaml", "x: {{ .Values.f.x }}\n")],
            "e/templates/t.yaml:1:13\n  executing \"e/templates/t.yaml\" at <.Values.f.x>:\n    can't evaluate field x in type interface {}",
        ),
        (
            &[("t.yaml", "x: {{ include \"nope\" . }}\n")],
            "e/templates/t.yaml:1:6\n  executing \"e/templates/t.yaml\" at <include \"nope\" .>:\n    error calling include:\ntemplate: no template \"nope\" associated with template \"gotpl\"",
        ),
        (
            &[
                (
                    "_h.tpl",
                    "{{- define \"inner\" -}}{{ .Values.a.b }}{{- end -}}\n{{- define \"mid\" -}}{{ include \"inner\" . }}{{- end -}}\n",
                ),
                ("t.yaml", "x: {{ include \"mid\" . }}\n"),
            ],
            "e/templates/t.yaml:1:6\n  executing \"e/templates/t.yaml\" at <include \"mid\" .>:\n    error calling include:\ne/templates/_h.tpl:2:23\n  executing \"mid\" at <include \"inner\" .>:\n    error calling include:\ne/templates/_h.tpl:1:32\n  executing \"inner\" at <.Values.a.b>:\n    nil pointer evaluating interface {}.b",
        ),
        (
            &[("t.yaml", "y: {{ fail \"boom\" }}\n")],
            "execution error at (e/templates/t.yaml:1:6): boom",
        ),
        (
            &[("t.yaml", "y: {{ required \"need x\" .Values.x }}\n")],
            "execution error at (e/templates/t.yaml:1:6): need x",
        ),
        (
            &[("t.yaml", "y: {{ tpl \"{{ .Values.a.b }}\" . }}\n")],
            "template: e/templates/t.yaml:1:6: executing \"e/templates/t.yaml\" at <tpl \"{{ .Values.a.b }}\" .>: error calling tpl: error during tpl function execution for \"{{ .Values.a.b }}\": template: gotpl:1:10: executing \"gotpl\" at <.Values.a.b>: nil pointer evaluating interface {}.b",
        ),
        (
            &[("t.yaml", "y: {{ .Values.f | trunc 3 }}\n")],
            "e/templates/t.yaml:1:24\n  executing \"e/templates/t.yaml\" at <3>:\n    wrong type for value; expected string; got float64",
        ),
        (
            &[("t.yaml", "y: {{ .Values.f \n")],
            "parse error at (e/templates/t.yaml:2): unclosed action started at e/templates/t.yaml:1",
        ),
    ];
    for (templates, want) in cases {
        let got = render_helm_error(templates, "f: 1.5\n");
        assert_eq!(&got, want);
    }
}

fn render_helm_error(templates: &[(&str, &str)], values: &str) -> String {
    let input = RenderInput {
        charts: vec![ChartInput {
            path: "e".into(),
            metadata: chart_meta(),
            templates: templates
                .iter()
                .map(|(n, t)| (format!("e/templates/{n}"), t.to_string()))
                .collect(),
            files: Files::new(Vec::new()),
            values: whelm_template::yaml::load(values).unwrap(),
        }],
        release: release(),
        capabilities: capabilities(
            KubeVersion::parse("v1.37.0").unwrap(),
            vec![],
            Value::empty_map(),
        ),
    };
    render(&input, &mut Engine::new())
        .expect_err("must fail")
        .helm_message()
}
