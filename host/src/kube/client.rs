//! Connecting to the cluster as Helm does: the kubeconfig (`--kubeconfig`, else `$KUBECONFIG`,
//! a `:`-separated list merged in order, else `~/.kube/config`, else the in-cluster service
//! account), the context from `--kube-context`, then the global flag overrides (`--kube-apiserver`,
//! `--kube-token`, `--kube-as-user/-group`, `--kube-ca-file`, `--kube-insecure-skip-tls-verify`,
//! `--kube-tls-server-name`). The namespace is `-n`, else the context's, else `default`.
//!
//! Requests go through [`Cluster::call`], which speaks raw JSON: whelm applies whatever kinds a
//! chart holds, so it needs no typed resources, and every request it makes is visible in one place
//! (the HTTP-level tests assert them).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ::kube::config::{KubeConfigOptions, Kubeconfig};
use http::{Method, Request};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::settings::KubeSettings;

/// An error answered by the apiserver, or a failure to reach it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The apiserver answered with a `Status` (`code` is the HTTP status).
    #[error("{message}")]
    Status {
        code: u16,
        reason: String,
        message: String,
    },
    /// No answer: connection refused, TLS failure, a timeout.
    #[error("Kubernetes cluster unreachable: {0}")]
    Unreachable(String),
    /// An answer that is not what the API promises.
    #[error("unexpected answer from the Kubernetes API for {what}: {detail}")]
    Decode { what: String, detail: String },
}

impl ApiError {
    pub fn code(&self) -> Option<u16> {
        match self {
            ApiError::Status { code, .. } => Some(*code),
            _ => None,
        }
    }
    pub fn is_not_found(&self) -> bool {
        self.code() == Some(404)
    }
    pub fn is_conflict(&self) -> bool {
        self.code() == Some(409)
    }
    pub fn is_already_exists(&self) -> bool {
        matches!(self, ApiError::Status { code: 409, reason, .. } if reason == "AlreadyExists")
    }
}

/// `Accept` for an answer that carries only the object's metadata (`PartialObjectMetadata`):
/// the apiserver neither encodes nor sends `data`, `spec` or `status`. Servers that cannot
/// transform (some aggregated APIs) answer with the whole object as JSON.
pub const META_ACCEPT: &str =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
/// As [`META_ACCEPT`], for lists.
pub const META_LIST_ACCEPT: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/// `Accept` for the apiserver's server-side table of an object or list (`meta.k8s.io` Table,
/// v1 then v1beta1), as `kubectl get` and `helm status` ask; a server that cannot print one
/// answers with the object as JSON.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,\
                                application/json;as=Table;v=v1beta1;g=meta.k8s.io,\
                                application/json";

/// Client-side throttling as client-go's token bucket (`--qps`, `--burst-limit`); a `qps` of 0
/// means no throttling (Helm 4's default).
struct Throttle {
    qps: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Throttle {
    async fn wait(&self) {
        if self.qps <= 0.0 {
            return;
        }
        let delay = {
            let mut state = self.state.lock().await;
            let now = Instant::now();
            let (tokens, last) = *state;
            let tokens =
                (tokens + now.duration_since(last).as_secs_f64() * self.qps).min(self.burst);
            let tokens = tokens - 1.0;
            *state = (tokens, now);
            if tokens >= 0.0 {
                Duration::ZERO
            } else {
                Duration::from_secs_f64(-tokens / self.qps)
            }
        };
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
}

/// A connection to one cluster.
pub struct Cluster {
    client: ::kube::Client,
    /// The namespace commands act in.
    pub namespace: String,
    /// The server's URL (for messages).
    pub server: String,
    throttle: Arc<Throttle>,
    /// OpenAPI v3 documents read this run (client-side apply's patch metadata).
    pub(super) openapi: super::openapi::Documents,
}

/// Where the kubeconfig comes from: the flag, else every file in `$KUBECONFIG`, else the default.
fn kubeconfig_paths(settings: &KubeSettings) -> Vec<PathBuf> {
    if let Some(p) = &settings.kubeconfig {
        // `--kubeconfig` and `$KUBECONFIG` share one clap argument; a list is `:`-separated.
        let s = p.to_string_lossy();
        return s
            .split(':')
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .collect();
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    home.map(|h| vec![h.join(".kube").join("config")])
        .unwrap_or_default()
}

fn load_kubeconfig(paths: &[PathBuf]) -> Result<Option<Kubeconfig>, String> {
    let mut merged: Option<Kubeconfig> = None;
    for p in paths {
        if !p.exists() {
            continue;
        }
        let kc = Kubeconfig::read_from(p).map_err(|e| format!("{}: {e}", p.display()))?;
        merged = Some(match merged {
            None => kc,
            Some(m) => m.merge(kc).map_err(|e| format!("{}: {e}", p.display()))?,
        });
    }
    Ok(merged)
}

fn read_pem_certs(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("reading --kube-ca-file {}: {e}", path.display()))?;
    let mut certs = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN CERTIFICATE") {
            current = Some(String::new());
        } else if line.starts_with("-----END CERTIFICATE") {
            if let Some(b64) = current.take() {
                use base64::Engine as _;
                let der = base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|e| format!("{}: bad certificate: {e}", path.display()))?;
                certs.push(der);
            }
        } else if let Some(c) = current.as_mut() {
            c.push_str(line);
        }
    }
    if certs.is_empty() {
        return Err(format!(
            "{}: no PEM certificate found (--kube-ca-file wants a PEM file)",
            path.display()
        ));
    }
    Ok(certs)
}

/// Builds kube's config from the settings, as Helm's genericclioptions would.
pub async fn config(settings: &KubeSettings) -> Result<::kube::Config, String> {
    let options = KubeConfigOptions {
        context: settings.context.clone(),
        cluster: None,
        user: None,
    };
    let paths = kubeconfig_paths(settings);
    let mut config = match load_kubeconfig(&paths)? {
        Some(kc) => ::kube::Config::from_custom_kubeconfig(kc, &options)
            .await
            .map_err(|e| format!("kubeconfig: {e}"))?,
        None => match &settings.apiserver {
            Some(url) => ::kube::Config::new(
                url.parse()
                    .map_err(|e| format!("--kube-apiserver {url:?}: {e}"))?,
            ),
            None => ::kube::Config::incluster().map_err(|_| {
                let shown = paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(":");
                format!(
                    "Kubernetes cluster unreachable: no kubeconfig found (looked at {shown:?}) and \
                     not running inside a cluster; pass --kubeconfig or set KUBECONFIG"
                )
            })?,
        },
    };
    if let Some(url) = &settings.apiserver {
        config.cluster_url = url
            .parse()
            .map_err(|e| format!("--kube-apiserver {url:?}: {e}"))?;
    }
    if let Some(token) = &settings.token {
        config.auth_info.token = Some(token.clone().into());
        config.auth_info.token_file = None;
        config.auth_info.exec = None;
        config.auth_info.auth_provider = None;
    }
    if let Some(user) = &settings.as_user {
        config.auth_info.impersonate = Some(user.clone());
    }
    if !settings.as_groups.is_empty() {
        config.auth_info.impersonate_groups = Some(settings.as_groups.clone());
    }
    if let Some(ca) = &settings.ca_file {
        config.root_cert = Some(read_pem_certs(ca)?);
    }
    if settings.insecure_skip_tls_verify {
        config.accept_invalid_certs = true;
        config.root_cert = None;
    }
    if let Some(name) = &settings.tls_server_name {
        config.tls_server_name = Some(name.clone());
    }
    if let Some(ns) = &settings.namespace {
        config.default_namespace = ns.clone();
    }
    config.connect_timeout = Some(Duration::from_secs(30));
    Ok(config)
}

/// kube's client stack (base URI, credentials, extra headers over rustls) with HTTP/2 offered
/// by ALPN. kube's `Client::try_from` speaks HTTP/1.1 only, so 32 requests in flight opened
/// 32 TLS connections, each a handshake the apiserver pays for; client-go multiplexes one.
fn http2_client(config: ::kube::Config) -> Result<::kube::Client, ::kube::Error> {
    use ::kube::client::ConfigExt;
    use hyper_util::client::legacy::connect::HttpConnector;
    use hyper_util::rt::TokioExecutor;
    use tower::ServiceBuilder;
    let tls = config.rustls_client_config()?;
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    // HTTP/2 writes a request's HEADERS and DATA frames separately: with Nagle on, the second
    // waits for the delayed ACK of the first (~40 ms a request).
    http.set_nodelay(true);
    http.set_connect_timeout(config.connect_timeout);
    let mut https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http();
    if let Some(name) = &config.tls_server_name {
        let name = name
            .clone()
            .try_into()
            .map_err(|e| ::kube::Error::Service(format!("tls-server-name {name:?}: {e}").into()))?;
        https = https.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name));
    }
    let https = https.enable_http1().enable_http2().wrap_connector(http);
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build::<_, ::kube::client::Body>(https);
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(|e: hyper_util::client::legacy::Error| Box::new(e) as tower::BoxError)
        .service(client);
    Ok(::kube::Client::new(service, config.default_namespace))
}

impl Cluster {
    /// Connects lazily (no request is made until the first call).
    pub async fn connect(settings: &KubeSettings) -> Result<Cluster, String> {
        let config = config(settings).await?;
        let server = config.cluster_url.to_string();
        let namespace = config.default_namespace.clone();
        let client = http2_client(config).map_err(|e| format!("Kubernetes client: {e}"))?;
        Ok(Cluster::from_client(client, namespace, server, settings))
    }

    /// Wraps an existing client (tests hand in one over a mock service).
    pub fn from_client(
        client: ::kube::Client,
        namespace: String,
        server: String,
        settings: &KubeSettings,
    ) -> Cluster {
        let burst = f64::from(settings.burst_limit.max(1));
        Cluster {
            client,
            namespace,
            server,
            throttle: Arc::new(Throttle {
                qps: f64::from(settings.qps),
                burst,
                state: Mutex::new((burst, Instant::now())),
            }),
            openapi: Default::default(),
        }
    }

    /// One request: `path` includes the query string; `body` is sent with `content_type`.
    /// Returns the decoded JSON answer (`Value::Null` for an empty body).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Result<Value, ApiError> {
        self.call_accept(method, path, content_type, body, None)
            .await
    }

    /// As [`Cluster::call`], with an `Accept` header.
    pub async fn call_accept(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Option<Vec<u8>>,
        accept: Option<&str>,
    ) -> Result<Value, ApiError> {
        self.throttle.wait().await;
        let mut req = Request::builder().method(method.clone()).uri(path);
        if let Some(ct) = content_type {
            req = req.header(http::header::CONTENT_TYPE, ct);
        }
        if let Some(a) = accept {
            req = req.header(http::header::ACCEPT, a);
        }
        let req = req
            .body(body.unwrap_or_default())
            .map_err(|e| ApiError::Unreachable(format!("building {method} {path}: {e}")))?;
        match self.client.request_text(req).await {
            Ok(text) if text.trim().is_empty() => Ok(Value::Null),
            Ok(text) => serde_json::from_str(&text).map_err(|e| ApiError::Decode {
                what: format!("{method} {path}"),
                detail: e.to_string(),
            }),
            Err(::kube::Error::Api(status)) => Err(ApiError::Status {
                code: status.code,
                reason: status.reason.clone(),
                message: status.message.clone(),
            }),
            Err(e) => Err(ApiError::Unreachable(format!(
                "{method} \"{}{}\": {}",
                self.server.trim_end_matches('/'),
                path,
                error_chain(&e)
            ))),
        }
    }

    pub async fn get(&self, path: &str) -> Result<Value, ApiError> {
        self.call(Method::GET, path, None, None).await
    }

    /// GET of an object's metadata only (see [`META_ACCEPT`]).
    pub async fn get_meta(&self, path: &str) -> Result<Value, ApiError> {
        self.call_accept(Method::GET, path, None, None, Some(META_ACCEPT))
            .await
    }
}

/// An error with its causes, as Go prints wrapped errors.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Percent-encodes a query value.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: 'https://a.example:6443'}
- name: b
  cluster: {server: 'https://b.example:6443'}
users:
- name: u
  user: {token: from-file}
contexts:
- name: ca
  context: {cluster: a, user: u, namespace: team-a}
- name: cb
  context: {cluster: b, user: u}
current-context: ca
";

    fn settings(dir: &Path) -> KubeSettings {
        let path = dir.join("config");
        std::fs::write(&path, KUBECONFIG).unwrap();
        KubeSettings {
            kubeconfig: Some(path),
            burst_limit: 100,
            ..Default::default()
        }
    }

    fn block<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn kubeconfig_context_and_namespace() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        let c = block(config(&s)).unwrap();
        assert_eq!(c.cluster_url.to_string(), "https://a.example:6443/");
        assert_eq!(c.default_namespace, "team-a", "the context's namespace");
        let s = KubeSettings {
            context: Some("cb".into()),
            namespace: Some("ns".into()),
            ..s
        };
        let c = block(config(&s)).unwrap();
        assert_eq!(c.cluster_url.to_string(), "https://b.example:6443/");
        assert_eq!(c.default_namespace, "ns", "-n wins");
        let s = KubeSettings {
            context: Some("nope".into()),
            ..s
        };
        assert!(block(config(&s)).unwrap_err().contains("nope"));
    }

    #[test]
    fn global_flags_override_the_kubeconfig() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(
            &ca,
            "-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let s = KubeSettings {
            apiserver: Some("https://override:8443".into()),
            token: Some("flag-token".into()),
            as_user: Some("alice".into()),
            as_groups: vec!["dev".into(), "ops".into()],
            ca_file: Some(ca.clone()),
            tls_server_name: Some("kubernetes".into()),
            ..settings(dir.path())
        };
        let c = block(config(&s)).unwrap();
        assert_eq!(c.cluster_url.to_string(), "https://override:8443/");
        use secrecy::ExposeSecret;
        assert_eq!(
            c.auth_info
                .token
                .as_ref()
                .map(|t| t.expose_secret().to_string()),
            Some("flag-token".into())
        );
        assert_eq!(c.auth_info.impersonate.as_deref(), Some("alice"));
        assert_eq!(
            c.auth_info.impersonate_groups,
            Some(vec!["dev".to_string(), "ops".to_string()])
        );
        assert_eq!(c.root_cert, Some(vec![vec![0u8, 1, 2]]));
        assert_eq!(c.tls_server_name.as_deref(), Some("kubernetes"));
        assert!(!c.accept_invalid_certs);
        let s = KubeSettings {
            insecure_skip_tls_verify: true,
            ..s
        };
        let c = block(config(&s)).unwrap();
        assert!(c.accept_invalid_certs);
        assert_eq!(c.root_cert, None);
        std::fs::write(&ca, "not pem").unwrap();
        let s = KubeSettings {
            insecure_skip_tls_verify: false,
            ..s
        };
        assert!(
            block(config(&s))
                .unwrap_err()
                .contains("no PEM certificate")
        );
    }

    #[test]
    fn no_kubeconfig_is_a_clear_error() {
        let s = KubeSettings {
            kubeconfig: Some("/nonexistent/kubeconfig".into()),
            ..Default::default()
        };
        let e = block(config(&s)).unwrap_err();
        assert!(e.contains("no kubeconfig found"), "{e}");
        assert!(e.contains("/nonexistent/kubeconfig"), "{e}");
    }

    #[test]
    fn throttle_spaces_requests_beyond_the_burst() {
        let t = Throttle {
            qps: 50.0,
            burst: 2.0,
            state: Mutex::new((2.0, Instant::now())),
        };
        let start = Instant::now();
        block(async {
            for _ in 0..4 {
                t.wait().await;
            }
        });
        // Two from the burst, then two at 50/s: at least ~40 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(35),
            "{:?}",
            start.elapsed()
        );
    }
}
