//! The host objects Helm puts in a template's data: `.Files` and
//! `.Capabilities` (its `APIVersions` and `KubeVersion` have methods).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::value::{Map, MapInner, Object, Value};

use super::glob::Glob;

/// Reads a file's bytes the first time a template asks for it.
pub type FileLoader = Rc<dyn Fn(&str) -> Option<Vec<u8>>>;

/// One file: its bytes once read (shared by the `Files` a `Glob` makes).
type Entry = Rc<std::cell::OnceCell<Rc<[u8]>>>;

/// `.Files`: the chart's non-template files (Go `map[string][]byte`). Their bytes are loaded
/// on first use when a loader is given (the renderer reads them from the host on demand).
#[derive(Clone, Default)]
pub struct Files {
    entries: Rc<BTreeMap<String, Entry>>,
    loader: Option<FileLoader>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.entries.keys()).finish()
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn arg_str<'a>(args: &'a [Value], method: &str) -> Result<&'a str, String> {
    match args {
        [Value::String(s)] => Ok(s),
        [v] => Err(format!(
            "wrong type for value; expected string; got {}",
            v.type_name()
        )),
        _ => Err(format!(
            "wrong number of args for {method}: want 1 got {}",
            args.len()
        )),
    }
}

impl Files {
    /// Files whose bytes are at hand.
    pub fn new(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Files {
        Files {
            entries: Rc::new(
                files
                    .into_iter()
                    .map(|(k, v)| (k, Rc::new(std::cell::OnceCell::from(Rc::from(v)))))
                    .collect(),
            ),
            loader: None,
        }
    }

    /// Files known by name, read through `loader` when first used (a file it cannot read is
    /// empty).
    pub fn lazy(names: impl IntoIterator<Item = String>, loader: FileLoader) -> Files {
        Files {
            entries: Rc::new(names.into_iter().map(|k| (k, Entry::default())).collect()),
            loader: Some(loader),
        }
    }

    fn bytes_of(&self, name: &str, entry: &Entry) -> Rc<[u8]> {
        entry
            .get_or_init(|| {
                let data = self.loader.as_ref().and_then(|l| l(name));
                Rc::from(data.unwrap_or_default())
            })
            .clone()
    }

    fn bytes(&self, name: &str) -> Option<Rc<[u8]>> {
        self.entries.get(name).map(|e| self.bytes_of(name, e))
    }

    /// Every file with its bytes, in name order.
    fn all(&self) -> impl Iterator<Item = (&String, Rc<[u8]>)> {
        self.entries.iter().map(|(k, e)| (k, self.bytes_of(k, e)))
    }

    fn get(&self, name: &str) -> String {
        self.bytes(name).map(|b| text(&b)).unwrap_or_default()
    }

    fn glob(&self, pattern: &str) -> Result<Files, String> {
        let g = Glob::new(pattern)?;
        Ok(Files {
            entries: Rc::new(
                self.entries
                    .iter()
                    .filter(|(k, _)| g.is_match(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            loader: self.loader.clone(),
        })
    }

    fn lines(&self, name: &str) -> Value {
        let Some(b) = self.bytes(name) else {
            return Value::list(vec![]);
        };
        let mut s = text(&b);
        if s.ends_with('\n') {
            s.pop();
        }
        Value::list(s.split('\n').map(Value::str).collect())
    }

    fn base_name_map(&self, encode: fn(&[u8]) -> String) -> Result<Value, String> {
        let m: MapInner = self
            .all()
            .map(|(k, v)| {
                let base = k.rsplit('/').next().unwrap_or(k).to_string();
                (base, Value::from(encode(&v)))
            })
            .collect();
        crate::yaml::to_yaml(&Value::map(m))
            .map(|y| Value::from(y.trim_end_matches('\n').to_string()))
    }
}

fn b64(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "common.Files"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        match name {
            "AsConfig" => Some(self.base_name_map(text_of)),
            "AsSecrets" => Some(self.base_name_map(b64)),
            "Get" | "GetBytes" | "Glob" | "Lines" => Some(Err(format!(
                "wrong number of args for {name}: want 1 got 0"
            ))),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let r = match name {
            "Get" | "GetBytes" => arg_str(args, name).map(|p| Value::from(self.get(p))),
            "Glob" => arg_str(args, name)
                .and_then(|p| self.glob(p))
                .map(|f| Value::Object(Rc::new(f))),
            "Lines" => arg_str(args, name).map(|p| self.lines(p)),
            "AsConfig" | "AsSecrets" if !args.is_empty() => Err(format!(
                "wrong number of args for {name}: want 0 got {}",
                args.len()
            )),
            "AsConfig" | "AsSecrets" => return self.field(name),
            _ => return None,
        };
        Some(r)
    }
    fn display(&self) -> String {
        let inner: Vec<String> = self
            .all()
            .map(|(k, v)| {
                let bytes: Vec<String> = v.iter().map(|b| b.to_string()).collect();
                format!("{k}:[{}]", bytes.join(" "))
            })
            .collect();
        format!("map[{}]", inner.join(" "))
    }
    fn as_data(&self) -> Option<Value> {
        Some(Value::map(
            self.all()
                .map(|(k, v)| (k.clone(), Value::from(text(&v))))
                .collect(),
        ))
    }
}

fn text_of(b: &[u8]) -> String {
    text(b)
}

/// `.Capabilities.APIVersions` (Go `VersionSet`, a `[]string` with `Has`).
#[derive(Debug, Clone)]
pub struct ApiVersions(pub Rc<Vec<String>>);

impl Object for ApiVersions {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        match name {
            "Has" => Some(Err("wrong number of args for Has: want 1 got 0".into())),
            _ => None,
        }
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "Has" => Some(arg_str(args, name).map(|v| Value::Bool(self.0.iter().any(|x| x == v)))),
            _ => None,
        }
    }
    fn display(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn as_data(&self) -> Option<Value> {
        Some(Value::list(self.0.iter().map(Value::str).collect()))
    }
}

/// `.Capabilities.KubeVersion`: `Version`, `Major`, `Minor`, and the
/// methods `String` and (deprecated) `GitVersion`.
#[derive(Debug, Clone)]
pub struct KubeVersion {
    pub version: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// From `v1.37.0` (or `1.37.0`).
    pub fn parse(v: &str) -> Option<KubeVersion> {
        let trimmed = v.strip_prefix('v').unwrap_or(v);
        let mut parts = trimmed.split(['.', '-', '+']);
        let major = parts.next()?.to_string();
        let minor = parts.next().unwrap_or("0").to_string();
        if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(KubeVersion {
            version: format!("v{trimmed}"),
            major,
            minor,
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "*common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        Some(Ok(Value::str(match name {
            "Version" | "GitVersion" | "String" => &self.version,
            "Major" => &self.major,
            "Minor" => &self.minor,
            _ => return None,
        })))
    }
    fn display(&self) -> String {
        self.version.clone()
    }
    fn as_data(&self) -> Option<Value> {
        let mut m = MapInner::new();
        m.insert("Version".into(), Value::str(&self.version));
        m.insert("Major".into(), Value::str(&self.major));
        m.insert("Minor".into(), Value::str(&self.minor));
        Some(Value::map(m))
    }
}

/// `.Capabilities.HelmVersion`: a Go struct whose fields (`.Version`, …)
/// templates read, and whose JSON form (`toJson`) uses its lower-case tags.
#[derive(Debug, Clone)]
pub struct HelmVersion(pub Map);

const HELM_VERSION_FIELDS: &[(&str, &str)] = &[
    ("Version", "version"),
    ("GitCommit", "git_commit"),
    ("GitTreeState", "git_tree_state"),
    ("GoVersion", "go_version"),
    ("KubeClientVersion", "kube_client_version"),
];

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "common.VersionInfo"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        let (_, tag) = HELM_VERSION_FIELDS.iter().find(|(f, _)| *f == name)?;
        Some(Ok(self.0.get(tag).unwrap_or_else(|| Value::str(""))))
    }
    fn display(&self) -> String {
        let parts: Vec<String> = HELM_VERSION_FIELDS
            .iter()
            .map(|(_, tag)| {
                self.0
                    .get(tag)
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect();
        format!("{{{}}}", parts.join(" "))
    }
    fn as_data(&self) -> Option<Value> {
        Some(Value::Map(self.0.clone()))
    }
}

/// `.Capabilities` as a Go struct: a map with Go field names.
pub fn capabilities(kube: KubeVersion, api_versions: Vec<String>, helm_version: Value) -> Value {
    let m = Map::new();
    m.insert("KubeVersion", Value::Object(Rc::new(kube)));
    m.insert(
        "APIVersions",
        Value::Object(Rc::new(ApiVersions(Rc::new(api_versions)))),
    );
    let hv = match helm_version {
        Value::Map(m) => Value::Object(Rc::new(HelmVersion(m))),
        other => other,
    };
    m.insert("HelmVersion", hv);
    Value::Map(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        Files::new([
            ("config/a.conf".to_string(), b"alpha\n".to_vec()),
            ("config/b.conf".to_string(), b"beta".to_vec()),
            ("README.md".to_string(), b"x\ny\n".to_vec()),
        ])
    }

    fn s(v: Result<Value, String>) -> String {
        v.unwrap().as_str().unwrap().to_string()
    }

    #[test]
    fn get_lines_glob_and_configs() {
        let f = files();
        assert_eq!(
            s(f.call("Get", &[Value::str("config/b.conf")]).unwrap()),
            "beta"
        );
        assert_eq!(s(f.call("Get", &[Value::str("missing")]).unwrap()), "");
        assert_eq!(
            f.call("Lines", &[Value::str("README.md")])
                .unwrap()
                .unwrap(),
            Value::list(vec![Value::str("x"), Value::str("y")])
        );
        let g = f.glob("config/*").unwrap();
        assert_eq!(g.entries.len(), 2);
        // Expected values printed by helm 4.3.1 for the same files.
        assert_eq!(
            s(g.field("AsConfig").unwrap()),
            "a.conf: |\n  alpha\nb.conf: beta"
        );
        assert_eq!(
            s(g.field("AsSecrets").unwrap()),
            "a.conf: YWxwaGEK\nb.conf: YmV0YQ=="
        );
        assert_eq!(
            s(f.glob("nothing/*").unwrap().field("AsConfig").unwrap()),
            "{}"
        );
        // {{ .Files }} prints Go's map[string][]byte.
        assert_eq!(
            files().display(),
            "map[README.md:[120 10 121 10] config/a.conf:[97 108 112 104 97 10] config/b.conf:[98 101 116 97]]"
        );
        let err = f.call("Get", &[Value::Int(1)]).unwrap().unwrap_err();
        assert!(err.contains("expected string"), "{err}");
    }

    #[test]
    fn capabilities_objects() {
        let k = KubeVersion::parse("v1.37.0").unwrap();
        assert_eq!((k.major.as_str(), k.minor.as_str()), ("1", "37"));
        assert_eq!(k.display(), "v1.37.0");
        assert_eq!(KubeVersion::parse("1.16.0").unwrap().version, "v1.16.0");
        assert!(KubeVersion::parse("banana").is_none());
        let a = ApiVersions(Rc::new(vec!["v1".into(), "apps/v1".into()]));
        assert_eq!(
            a.call("Has", &[Value::str("apps/v1")]).unwrap().unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            a.call("Has", &[Value::str("x/v1")]).unwrap().unwrap(),
            Value::Bool(false)
        );
    }

    #[test]
    fn lazy_files_load_once_when_first_read() {
        let reads = Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
        let log = reads.clone();
        let f = Files::lazy(
            ["config/a.conf".to_string(), "config/b.conf".to_string()],
            Rc::new(move |name: &str| {
                log.borrow_mut().push(name.to_string());
                (name == "config/a.conf").then(|| b"alpha\n".to_vec())
            }),
        );
        assert!(reads.borrow().is_empty(), "nothing read up front");
        assert_eq!(s(f.call("Get", &[Value::str("missing")]).unwrap()), "");
        assert_eq!(
            s(f.call("Get", &[Value::str("config/a.conf")]).unwrap()),
            "alpha\n"
        );
        let g = f.glob("config/*").unwrap();
        // The glob shares what was read; b.conf (which the loader cannot find) reads as empty.
        assert_eq!(
            s(g.field("AsConfig").unwrap()),
            "a.conf: |\n  alpha\nb.conf: \"\""
        );
        assert_eq!(
            s(f.call("Get", &[Value::str("config/a.conf")]).unwrap()),
            "alpha\n"
        );
        assert_eq!(*reads.borrow(), ["config/a.conf", "config/b.conf"]);
    }
}
