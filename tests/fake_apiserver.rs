//! The fake Kubernetes API server (tests/support/fake_apiserver.rs) against
//! a plain hyper HTTP/1.1 client: what it answers is what the cluster tests
//! will assert whelm against, so its wording and semantics are pinned here.

#[path = "support/fake_apiserver.rs"]
mod fake_apiserver;

use std::cell::RefCell;

use fake_apiserver::{Behaviour, FakeApiServer, Options, TOKEN};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use serde_json::{Value, json};

const APPLY: &str = "application/apply-patch+yaml";
const MERGE: &str = "application/merge-patch+json";

/// One kept-alive HTTP/1.1 connection to the fake, as kube-rs keeps one.
struct Client {
    runtime: tokio::runtime::Runtime,
    sender: RefCell<SendRequest<Full<Bytes>>>,
    authorization: Option<String>,
}

impl Client {
    fn new(api: &FakeApiServer) -> Client {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sender = runtime.block_on(async {
            let stream = tokio::net::TcpStream::connect(api.addr()).await.unwrap();
            let (sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .unwrap();
            tokio::spawn(connection);
            sender
        });
        Client {
            runtime,
            sender: RefCell::new(sender),
            authorization: Some(format!("Bearer {TOKEN}")),
        }
    }

    fn anonymous(api: &FakeApiServer) -> Client {
        Client {
            authorization: None,
            ..Client::new(api)
        }
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let payload = body.map(Value::to_string).unwrap_or_default();
        self.send_raw(method, path, content_type, payload.into_bytes())
    }

    fn send_raw(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        payload: Vec<u8>,
    ) -> (u16, Value) {
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1")
            .header("accept", "application/json")
            .header("user-agent", "whelm-test/0.1 (linux/amd64)");
        if let Some(auth) = &self.authorization {
            request = request.header("authorization", auth);
        }
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let request = request.body(Full::new(Bytes::from(payload))).unwrap();
        let mut sender = self.sender.borrow_mut();
        self.runtime.block_on(async {
            sender.ready().await.unwrap();
            let response = sender.send_request(request).await.unwrap();
            let code = response.status().as_u16();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
            (code, value)
        })
    }

    fn get(&self, path: &str) -> (u16, Value) {
        self.send("GET", path, None, None)
    }
    fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("POST", path, Some("application/json"), Some(&body))
    }
    fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send("PUT", path, Some("application/json"), Some(&body))
    }
    fn delete(&self, path: &str) -> (u16, Value) {
        self.send("DELETE", path, None, None)
    }
    fn apply(&self, path: &str, manager: &str, body: Value) -> (u16, Value) {
        let path = format!("{path}?fieldManager={manager}");
        self.send("PATCH", &path, Some(APPLY), Some(&body))
    }
    fn apply_forced(&self, path: &str, manager: &str, body: Value) -> (u16, Value) {
        let path = format!("{path}?fieldManager={manager}&force=true");
        self.send("PATCH", &path, Some(APPLY), Some(&body))
    }
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn cm(name: &str, data: Value) -> Value {
    json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": name }, "data": data })
}

fn rv(object: &Value) -> String {
    object["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string()
}

fn names(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn version_and_legacy_discovery() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);

    let (code, version) = c.get("/version");
    assert_eq!(code, 200);
    assert_eq!(version["major"], "1");
    assert_eq!(version["minor"], "33");
    assert_eq!(version["gitVersion"], "v1.33.0");

    let (_, apis) = c.get("/api");
    assert_eq!(apis["kind"], "APIVersions");
    assert_eq!(apis["versions"], json!(["v1"]));

    let (_, groups) = c.get("/apis");
    assert_eq!(groups["kind"], "APIGroupList");
    let group_names: Vec<&str> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    for g in [
        "apps",
        "batch",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "policy",
        "apiextensions.k8s.io",
    ] {
        assert!(group_names.contains(&g), "{g} in {group_names:?}");
    }
    let apps = &groups["groups"].as_array().unwrap()
        [group_names.iter().position(|g| *g == "apps").unwrap()];
    assert_eq!(
        apps["preferredVersion"],
        json!({ "groupVersion": "apps/v1", "version": "v1" })
    );

    let (_, core) = c.get("/api/v1");
    assert_eq!(core["kind"], "APIResourceList");
    assert_eq!(core["groupVersion"], "v1");
    let secrets = core["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "secrets")
        .unwrap();
    assert_eq!(secrets["kind"], "Secret");
    assert_eq!(secrets["singularName"], "secret");
    assert_eq!(secrets["namespaced"], true);
    assert!(
        secrets["verbs"]
            .as_array()
            .unwrap()
            .contains(&json!("patch"))
    );
    let ns = core["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "namespaces")
        .unwrap();
    assert_eq!(ns["namespaced"], false);

    let (_, apps_v1) = c.get("/apis/apps/v1");
    let kinds: Vec<&str> = apps_v1["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"deployments") && kinds.contains(&"deployments/status"));

    let (code, missing) = c.get("/apis/example.com/v1");
    assert_eq!(code, 404);
    assert_eq!(missing["reason"], "NotFound");
}

#[test]
fn create_get_list_update_delete() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);

    let (code, created) = c.post(CMS, cm("a", json!({ "k": "1" })));
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["metadata"]["namespace"], "default");
    assert!(created["metadata"]["uid"].is_string());
    assert!(created["metadata"]["creationTimestamp"].is_string());
    let rv1 = rv(&created);

    let (code, again) = c.post(CMS, cm("a", json!({})));
    assert_eq!(code, 409);
    assert_eq!(again["reason"], "AlreadyExists");
    assert_eq!(again["message"], "configmaps \"a\" already exists");

    let (code, got) = c.get(&format!("{CMS}/a"));
    assert_eq!(code, 200);
    assert_eq!(got["data"], json!({ "k": "1" }));
    assert_eq!(got["kind"], "ConfigMap");

    // Labels and selectors.
    let mut labelled = cm("b", json!({}));
    labelled["metadata"]["labels"] = json!({ "app": "web", "tier": "front" });
    assert_eq!(c.post(CMS, labelled).0, 201);
    let mut other = cm("c", json!({}));
    other["metadata"]["labels"] = json!({ "app": "db" });
    assert_eq!(c.post(CMS, other).0, 201);
    let (code, list) = c.get(&format!("{CMS}?labelSelector=app%3Dweb%2Ctier%3Dfront"));
    assert_eq!(code, 200);
    assert_eq!(list["kind"], "ConfigMapList");
    assert_eq!(list["apiVersion"], "v1");
    assert!(list["metadata"]["resourceVersion"].is_string());
    assert_eq!(names(&list), ["b"]);
    // Built-in list items carry no apiVersion/kind, as from the apiserver.
    assert!(list["items"][0].get("kind").is_none());
    assert_eq!(
        names(&c.get(&format!("{CMS}?labelSelector=app%21%3Dweb")).1),
        ["a", "c"]
    );
    assert_eq!(
        names(&c.get(&format!("{CMS}?labelSelector=app")).1),
        ["b", "c"]
    );
    assert_eq!(
        names(&c.get(&format!("{CMS}?labelSelector=%21app")).1),
        ["a"]
    );
    assert_eq!(
        names(
            &c.get(&format!("{CMS}?labelSelector=app+in+%28db%2Cweb%29"))
                .1
        ),
        ["b", "c"]
    );
    assert_eq!(
        names(&c.get(&format!("{CMS}?fieldSelector=metadata.name%3Dc")).1),
        ["c"]
    );

    // Cross-namespace list.
    let secret = |ns: &str, name: &str| {
        json!({ "apiVersion": "v1", "kind": "Secret", "metadata": { "name": name, "namespace": ns },
                "type": "Opaque", "data": { "p": "cGFzcw==" } })
    };
    assert_eq!(
        c.post(
            "/api/v1/namespaces/default/secrets",
            secret("default", "s1")
        )
        .0,
        201
    );
    assert_eq!(
        c.post(
            "/api/v1/namespaces/kube-system/secrets",
            secret("kube-system", "s2")
        )
        .0,
        201
    );
    let (_, all) = c.get("/api/v1/secrets");
    assert_eq!(names(&all), ["s1", "s2"]);
    // Secret data is stored as sent (base64).
    assert_eq!(all["items"][0]["data"]["p"], "cGFzcw==");
    // A namespaced kind has no name route outside a namespace.
    assert_eq!(c.get("/api/v1/secrets/s1").0, 404);
    // A namespace in the body that disagrees with the URL is refused.
    let (code, mismatch) = c.post(
        "/api/v1/namespaces/default/secrets",
        secret("kube-system", "s3"),
    );
    assert_eq!(
        (code, mismatch["reason"].as_str()),
        (400, Some("BadRequest"))
    );

    // Update: stale resourceVersion conflicts, a current one bumps it.
    let mut stale = got.clone();
    stale["data"] = json!({ "k": "2" });
    stale["metadata"]["resourceVersion"] = json!("1");
    let (code, conflict) = c.put(&format!("{CMS}/a"), stale.clone());
    assert_eq!(code, 409);
    assert_eq!(conflict["reason"], "Conflict");
    assert_eq!(
        conflict["message"],
        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; \
         please apply your changes to the latest version and try again"
    );
    stale["metadata"]["resourceVersion"] = json!(rv1);
    let (code, updated) = c.put(&format!("{CMS}/a"), stale);
    assert_eq!(code, 200);
    assert_eq!(updated["data"]["k"], "2");
    assert!(rv(&updated).parse::<u64>().unwrap() > rv1.parse::<u64>().unwrap());
    assert_eq!(c.put(&format!("{CMS}/zzz"), cm("zzz", json!({}))).0, 404);

    // Delete, then the exact NotFound Status.
    let (code, deleted) = c.send(
        "DELETE",
        &format!("{CMS}/a"),
        Some("application/json"),
        Some(&json!({ "kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background" })),
    );
    assert_eq!(code, 200);
    assert_eq!(deleted["kind"], "Status");
    assert_eq!(deleted["status"], "Success");
    assert_eq!(deleted["details"]["name"], "a");
    let (code, gone) = c.get(&format!("{CMS}/a"));
    assert_eq!(code, 404);
    assert_eq!(
        gone,
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "configmaps \"a\" not found",
            "reason": "NotFound",
            "details": { "name": "a", "kind": "configmaps" },
            "code": 404,
        })
    );
    assert_eq!(c.delete(&format!("{CMS}/a")).0, 404);
    let (_, deploy_gone) = c.get("/apis/apps/v1/namespaces/default/deployments/x");
    assert_eq!(deploy_gone["message"], "deployments.apps \"x\" not found");
    assert_eq!(deploy_gone["details"]["group"], "apps");
    let delete_request = api
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(
        delete_request.body.unwrap()["propagationPolicy"],
        "Background"
    );
}

#[test]
fn server_side_apply_creates_and_records_the_manager() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let path = format!("{CMS}/app");

    let (code, created) = c.apply(&path, "whelm", cm("app", json!({ "a": "1" })));
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["data"], json!({ "a": "1" }));
    let managed = &created["metadata"]["managedFields"];
    assert_eq!(managed.as_array().unwrap().len(), 1);
    assert_eq!(managed[0]["manager"], "whelm");
    assert_eq!(managed[0]["operation"], "Apply");
    assert_eq!(managed[0]["apiVersion"], "v1");
    assert_eq!(managed[0]["fieldsV1"], json!({ "f:data": { "f:a": {} } }));

    // The same apply again changes nothing, not even the resourceVersion.
    let (code, same) = c.apply(&path, "whelm", cm("app", json!({ "a": "1" })));
    assert_eq!(code, 200);
    assert_eq!(rv(&same), rv(&created));
    assert_eq!(api.object(&path).unwrap()["data"], json!({ "a": "1" }));

    // fieldManager is required; force is apply-only.
    let (code, missing) = c.send("PATCH", &path, Some(APPLY), Some(&cm("app", json!({}))));
    assert_eq!(code, 422);
    assert_eq!(missing["reason"], "Invalid");
    assert_eq!(
        missing["message"],
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
    );
    let (code, forced) = c.send(
        "PATCH",
        &format!("{path}?force=true"),
        Some(MERGE),
        Some(&json!({ "data": { "b": "2" } })),
    );
    assert_eq!(code, 422);
    assert_eq!(
        forced["message"],
        "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch"
    );
    // Wrong kind in an apply body.
    let mut wrong = cm("app", json!({}));
    wrong["kind"] = json!("Secret");
    assert_eq!(c.apply(&path, "whelm", wrong).0, 400);
}

#[test]
fn server_side_apply_conflicts_and_force() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let path = format!("{CMS}/shared");

    assert_eq!(
        c.apply(
            &path,
            "alpha",
            cm("shared", json!({ "key": "1", "x": "1" }))
        )
        .0,
        201
    );
    // Another manager sending the same value shares ownership: no conflict.
    assert_eq!(
        c.apply(&path, "beta", cm("shared", json!({ "x": "1" }))).0,
        200
    );

    let (code, err) = c.apply(&path, "beta", cm("shared", json!({ "key": "2" })));
    assert_eq!(code, 409);
    assert_eq!(err["reason"], "Conflict");
    assert_eq!(
        err["message"],
        "Apply failed with 1 conflict: conflict with \"alpha\": .data.key"
    );
    assert_eq!(
        err["details"]["causes"],
        json!([{ "reason": "FieldManagerConflict", "message": "conflict with \"alpha\"", "field": ".data.key" }])
    );
    assert_eq!(api.object(&path).unwrap()["data"]["key"], "1");

    let (code, err) = c.apply(&path, "beta", cm("shared", json!({ "key": "2", "x": "2" })));
    assert_eq!(code, 409);
    assert_eq!(
        err["message"],
        "Apply failed with 2 conflicts: conflicts with \"alpha\":\n- .data.key\n- .data.x"
    );

    // force=true moves ownership of the conflicting fields.
    let (code, forced) = c.apply_forced(&path, "beta", cm("shared", json!({ "key": "2" })));
    assert_eq!(code, 200, "{forced}");
    assert_eq!(forced["data"], json!({ "key": "2", "x": "1" }));
    let managers: Vec<(String, Value)> = forced["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["manager"].as_str().unwrap().to_string(),
                m["fieldsV1"].clone(),
            )
        })
        .collect();
    assert_eq!(
        managers,
        [
            ("alpha".to_string(), json!({ "f:data": { "f:x": {} } })),
            ("beta".to_string(), json!({ "f:data": { "f:key": {} } })),
        ]
    );
    // Now alpha is the one in conflict.
    let (code, err) = c.apply(
        &path,
        "alpha",
        cm("shared", json!({ "key": "1", "x": "1" })),
    );
    assert_eq!(code, 409);
    assert_eq!(
        err["message"],
        "Apply failed with 1 conflict: conflict with \"beta\": .data.key"
    );
}

#[test]
fn conflicts_with_update_managers_name_their_api_version() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let path = "/apis/apps/v1/namespaces/default/deployments/web";
    let deployment = |replicas: i64| {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "web" },
            "spec": { "replicas": replicas, "selector": { "matchLabels": { "app": "web" } } },
        })
    };
    // Created by a client-side tool (Helm 3's POST), then edited with kubectl's merge patch.
    let (code, _) = c.post(
        "/apis/apps/v1/namespaces/default/deployments?fieldManager=helm",
        deployment(1),
    );
    assert_eq!(code, 201);
    let (code, patched) = c.send(
        "PATCH",
        &format!("{path}?fieldManager=kubectl-edit"),
        Some("application/strategic-merge-patch+json"),
        Some(&json!({ "spec": { "replicas": 3 } })),
    );
    assert_eq!(code, 200);
    assert_eq!(patched["spec"]["replicas"], 3);
    let managed = patched["metadata"]["managedFields"].as_array().unwrap();
    assert_eq!(managed[1]["manager"], "kubectl-edit");
    assert_eq!(managed[1]["operation"], "Update");
    assert_eq!(
        managed[1]["fieldsV1"],
        json!({ "f:spec": { "f:replicas": {} } })
    );

    let (code, err) = c.apply(path, "whelm", deployment(2));
    assert_eq!(code, 409);
    assert_eq!(
        err["message"],
        "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas"
    );
    // The same value as the live one is no conflict: helm's selector is shared.
    let (code, ok) = c.apply(path, "whelm", deployment(3));
    assert_eq!(code, 200, "{ok}");

    // Without fieldManager, an update's manager is the User-Agent's product.
    let (code, _) = c.send(
        "PATCH",
        path,
        Some(MERGE),
        Some(&json!({ "metadata": { "labels": { "x": "y" } } })),
    );
    assert_eq!(code, 200);
    let live = api.object(path).unwrap();
    assert!(
        live["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["manager"] == "whelm-test" && m["operation"] == "Update")
    );
}

#[test]
fn fields_a_manager_stops_sending_are_removed_unless_shared() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let path = format!("{CMS}/prune");
    let with_labels = |data: Value, labels: Value| {
        let mut v = cm("prune", data);
        v["metadata"]["labels"] = labels;
        v
    };

    assert_eq!(
        c.apply(
            &path,
            "whelm",
            with_labels(json!({ "x": "1", "y": "1", "z": "1" }), json!({ "a": "b" }))
        )
        .0,
        201
    );
    // Someone else also claims z (same value).
    assert_eq!(
        c.apply(&path, "other", cm("prune", json!({ "z": "1" }))).0,
        200
    );
    // A field set by an update, not by the applier, is left alone.
    assert_eq!(
        c.send(
            "PATCH",
            &format!("{path}?fieldManager=kubectl"),
            Some(MERGE),
            Some(&json!({ "data": { "w": "1" } }))
        )
        .0,
        200
    );

    let (code, after) = c.apply(&path, "whelm", cm("prune", json!({ "x": "1" })));
    assert_eq!(code, 200, "{after}");
    assert_eq!(after["data"], json!({ "x": "1", "z": "1", "w": "1" }));
    // The emptied labels map goes too.
    assert!(after["metadata"].get("labels").is_none(), "{after}");
}

#[test]
fn dry_run_stores_nothing() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let path = format!("{CMS}/dry");

    let (code, answer) = c.send(
        "PATCH",
        &format!("{path}?fieldManager=whelm&dryRun=All"),
        Some(APPLY),
        Some(&cm("dry", json!({ "a": "1" }))),
    );
    assert_eq!(code, 201);
    assert_eq!(answer["data"]["a"], "1");
    assert!(api.object(&path).is_none());
    assert_eq!(c.get(&path).0, 404);

    assert_eq!(
        c.apply(&path, "whelm", cm("dry", json!({ "a": "1" }))).0,
        201
    );
    let before = api.object(&path).unwrap();
    let (code, answer) = c.send(
        "PATCH",
        &format!("{path}?fieldManager=whelm&dryRun=All"),
        Some(APPLY),
        Some(&cm("dry", json!({ "a": "2" }))),
    );
    assert_eq!(code, 200);
    assert_eq!(answer["data"]["a"], "2");
    assert_eq!(api.object(&path).unwrap(), before);

    let (code, _) = c.send(
        "POST",
        &format!("{CMS}?dryRun=All"),
        Some("application/json"),
        Some(&cm("dry2", json!({}))),
    );
    assert_eq!(code, 201);
    assert!(api.object(&format!("{CMS}/dry2")).is_none());
    assert_eq!(
        c.send("DELETE", &format!("{path}?dryRun=All"), None, None)
            .0,
        200
    );
    assert!(api.object(&path).is_some());
}

#[test]
fn a_crd_makes_its_kind_discoverable() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": { "name": "widgets.example.com" },
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": { "kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList" },
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": { "openAPIV3Schema": { "type": "object", "x-kubernetes-preserve-unknown-fields": true } },
                "subresources": { "status": {} },
            }],
        },
    });
    assert_eq!(c.get("/apis/example.com/v1").0, 404);
    let (code, applied) = c.apply(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
        "whelm",
        crd,
    );
    assert_eq!(code, 201, "{applied}");
    let conditions = applied["status"]["conditions"].as_array().unwrap();
    for ty in ["Established", "NamesAccepted"] {
        assert!(
            conditions
                .iter()
                .any(|c| c["type"] == ty && c["status"] == "True"),
            "{ty} in {conditions:?}"
        );
    }
    assert_eq!(applied["status"]["acceptedNames"]["kind"], "Widget");

    let (_, groups) = c.get("/apis");
    assert!(
        groups["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["name"] == "example.com")
    );
    let (code, resources) = c.get("/apis/example.com/v1");
    assert_eq!(code, 200);
    assert_eq!(resources["resources"][0]["name"], "widgets");
    assert_eq!(resources["resources"][0]["kind"], "Widget");
    assert_eq!(resources["resources"][0]["namespaced"], true);

    let widgets = "/apis/example.com/v1/namespaces/default/widgets";
    let widget = json!({ "apiVersion": "example.com/v1", "kind": "Widget", "metadata": { "name": "w" }, "spec": { "size": 1 } });
    assert_eq!(c.apply(&format!("{widgets}/w"), "whelm", widget).0, 201);
    let (_, list) = c.get(widgets);
    assert_eq!(list["kind"], "WidgetList");
    assert_eq!(list["items"][0]["kind"], "Widget");
    assert_eq!(list["items"][0]["metadata"]["generation"], 1);

    // Deleting the CRD takes its kind and its objects with it.
    assert_eq!(
        c.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
            .0,
        200
    );
    assert_eq!(c.get("/apis/example.com/v1").0, 404);
    assert!(api.objects_of("widgets").is_empty());
}

#[test]
fn objects_need_their_namespace() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let (code, err) = c.post("/api/v1/namespaces/nope/configmaps", cm("a", json!({})));
    assert_eq!(code, 404);
    assert_eq!(err["message"], "namespaces \"nope\" not found");
    assert_eq!(
        err["details"],
        json!({ "name": "nope", "kind": "namespaces" })
    );
    let (code, _) = c.apply(
        "/api/v1/namespaces/nope/configmaps/a",
        "whelm",
        cm("a", json!({})),
    );
    assert_eq!(code, 404);

    // --create-namespace: create it, then the object goes in.
    let (code, ns) = c.apply(
        "/api/v1/namespaces/nope",
        "whelm",
        json!({ "apiVersion": "v1", "kind": "Namespace", "metadata": { "name": "nope" } }),
    );
    assert_eq!(code, 201, "{ns}");
    assert_eq!(ns["status"]["phase"], "Active");
    assert_eq!(
        ns["metadata"]["labels"]["kubernetes.io/metadata.name"],
        "nope"
    );
    assert_eq!(
        c.post("/api/v1/namespaces/nope/configmaps", cm("a", json!({})))
            .0,
        201
    );

    // Deleting the namespace takes its objects with it.
    assert_eq!(c.delete("/api/v1/namespaces/nope").0, 200);
    assert!(api.object("/api/v1/namespaces/nope/configmaps/a").is_none());

    let lenient = FakeApiServer::start_with(Options {
        auto_namespaces: true,
        ..Options::default()
    });
    let c = Client::new(&lenient);
    assert_eq!(
        c.post("/api/v1/namespaces/anywhere/configmaps", cm("a", json!({})))
            .0,
        201
    );
}

#[test]
fn fail_next_injects_one_error() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    api.fail_next(
        "GET",
        "/api/v1/namespaces/default/configmaps",
        500,
        "InternalError",
        "etcd is down",
    );
    let (code, err) = c.get(&format!("{CMS}/a"));
    assert_eq!(code, 500);
    assert_eq!(err["reason"], "InternalError");
    assert_eq!(err["message"], "etcd is down");
    assert_eq!(err["code"], 500);
    assert_eq!(c.get(&format!("{CMS}/a")).0, 404);
    // Other methods and paths are not consumed by it.
    api.fail_next("PATCH", "/apis/apps/", 429, "TooManyRequests", "slow down");
    assert_eq!(c.get("/apis/apps/v1").0, 200);
    assert_eq!(c.apply(&format!("{CMS}/b"), "w", cm("b", json!({}))).0, 201);
    assert_eq!(
        c.apply(
            "/apis/apps/v1/namespaces/default/deployments/d",
            "w",
            json!({})
        )
        .0,
        429
    );
}

#[test]
fn requests_are_recorded_as_sent() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    c.get("/version");
    api.clear_requests();
    c.get(&format!(
        "{CMS}?labelSelector=owner%3Dhelm%2Cname%3Dmy+app&limit=10"
    ));
    c.send(
        "PATCH",
        &format!("{CMS}/r?fieldManager=helm&force=true&fieldValidation=Strict"),
        Some(APPLY),
        Some(&cm("r", json!({ "a": "1" }))),
    );
    let requests = api.requests();
    assert_eq!(requests.len(), 2);

    let list = &requests[0];
    assert_eq!(list.method, "GET");
    assert_eq!(list.path, CMS);
    assert_eq!(list.query["labelSelector"], "owner=helm,name=my app");
    assert_eq!(list.query["limit"], "10");
    assert_eq!(list.accept.as_deref(), Some("application/json"));
    assert_eq!(list.authorization.as_deref(), Some("Bearer fake-token"));
    assert_eq!(list.body, None);

    let apply = &requests[1];
    assert_eq!(apply.method, "PATCH");
    assert_eq!(apply.path, format!("{CMS}/r"));
    assert_eq!(apply.query["fieldManager"], "helm");
    assert_eq!(apply.query["force"], "true");
    assert_eq!(apply.query["fieldValidation"], "Strict");
    assert_eq!(apply.content_type.as_deref(), Some(APPLY));
    assert_eq!(apply.body.as_ref().unwrap()["data"]["a"], "1");
    assert_eq!(apply.raw_body, cm("r", json!({ "a": "1" })).to_string());

    // A YAML body is parsed too.
    api.clear_requests();
    let yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: \"1\"\n";
    let (code, answer) = c.send_raw(
        "PATCH",
        &format!("{CMS}/y?fieldManager=helm&dryRun=All"),
        Some(APPLY),
        yaml.as_bytes().to_vec(),
    );
    assert_eq!(code, 201, "{answer}");
    assert_eq!(api.requests()[0].raw_body, yaml);
    assert_eq!(api.requests()[0].body.as_ref().unwrap()["data"]["a"], "1");
}

#[test]
fn protobuf_bodies_from_whelm_decode_to_the_objects_they_encode() {
    use whelm::kube::proto;
    use whelm::storage::kube::Kind;
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    // Lengths around the varint boundaries (127/128 and 16383/16384 bytes).
    let long = |n: usize| "a".repeat(n);
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
        "metadata": {"name": "s", "namespace": "default",
                     "labels": {"owner": "helm", "status": "deployed", "long": long(128)},
                     "annotations": {"a": ""}},
        "data": {"release": base64_of(&long(16384)), "short": base64_of("x"), "empty": ""},
    });
    let config_map = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"owner": "helm"}},
        "data": {"release": long(127), "unicode": "é ✓"},
        "binaryData": {"raw": base64_of(&long(16383))},
    });
    for (kind, object, collection) in [
        (Kind::Secret, &secret, "/api/v1/namespaces/default/secrets"),
        (Kind::ConfigMap, &config_map, CMS),
    ] {
        let bytes = proto::encode(kind, object).expect("encodable");
        assert_eq!(fake_apiserver::decode_protobuf(&bytes).unwrap(), *object);
        let (code, created) = c.send_raw("POST", collection, Some(proto::CONTENT_TYPE), bytes);
        assert_eq!(code, 201, "{created}");
        let name = object["metadata"]["name"].as_str().unwrap();
        let (_, got) = c.get(&format!("{collection}/{name}"));
        assert_eq!(got["data"], object["data"]);
        assert_eq!(got["metadata"]["labels"], object["metadata"]["labels"]);
    }
    // Garbage in the protobuf content type is refused, not taken as an empty object.
    let (code, answer) = c.send_raw(
        "POST",
        CMS,
        Some(proto::CONTENT_TYPE),
        b"k8s\0\x0a\xff".to_vec(),
    );
    assert_eq!(code, 400, "{answer}");
}

fn base64_of(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn the_token_is_required_except_for_public_paths() {
    let api = FakeApiServer::start();
    let anonymous = Client::anonymous(&api);
    assert_eq!(anonymous.get("/version").0, 200);
    let (code, err) = anonymous.get("/api/v1/namespaces");
    assert_eq!(code, 401);
    assert_eq!(err["reason"], "Unauthorized");
    assert_eq!(Client::new(&api).get("/api/v1/namespaces").0, 200);
}

#[test]
fn workloads_become_ready_unless_told_otherwise() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let deployment = |name: &str| {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": name },
            "spec": { "replicas": 2, "selector": { "matchLabels": { "app": name } } },
            "status": { "replicas": 99 },
        })
    };
    let deploys = "/apis/apps/v1/namespaces/default/deployments";
    let (_, ready) = c.apply(&format!("{deploys}/web"), "whelm", deployment("web"));
    let status = &ready["status"];
    assert_eq!(ready["metadata"]["generation"], 1);
    assert_eq!(status["observedGeneration"], 1);
    for field in [
        "replicas",
        "readyReplicas",
        "availableReplicas",
        "updatedReplicas",
    ] {
        assert_eq!(status[field], 2, "{field}");
    }
    assert!(
        status["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Available" && c["status"] == "True")
    );
    // A spec change bumps the generation, and the status follows it.
    let mut scaled = deployment("web");
    scaled["spec"]["replicas"] = json!(3);
    let (_, scaled) = c.apply(&format!("{deploys}/web"), "whelm", scaled);
    assert_eq!(scaled["metadata"]["generation"], 2);
    assert_eq!(scaled["status"]["observedGeneration"], 2);
    assert_eq!(scaled["status"]["readyReplicas"], 3);

    api.set_behaviour_for("Deployment", "slow", Behaviour::Unready);
    let (_, slow) = c.apply(&format!("{deploys}/slow"), "whelm", deployment("slow"));
    assert_eq!(slow["status"]["readyReplicas"], 0);
    assert!(
        slow["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Available" && c["status"] == "False")
    );

    api.set_behaviour(
        "ConfigMap",
        Behaviour::Custom(std::sync::Arc::new(|o: &mut Value| {
            o["data"]["touched"] = json!("yes");
        })),
    );
    let (_, touched) = c.post(CMS, cm("t", json!({})));
    assert_eq!(touched["data"]["touched"], "yes");
}

#[test]
fn jobs_and_pods_finish_after_their_first_read() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let jobs = "/apis/batch/v1/namespaces/default/jobs";
    let job = |name: &str| json!({ "apiVersion": "batch/v1", "kind": "Job", "metadata": { "name": name }, "spec": {} });

    let (code, created) = c.post(jobs, job("hook"));
    assert_eq!(code, 201);
    assert_eq!(created["status"]["active"], 1);
    let (_, first) = c.get(&format!("{jobs}/hook"));
    assert_eq!(first["status"]["active"], 1);
    let (_, second) = c.get(&format!("{jobs}/hook"));
    assert_eq!(second["status"]["succeeded"], 1);
    assert!(
        second["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Complete" && c["status"] == "True")
    );
    assert_ne!(rv(&first), rv(&second));

    c.post(jobs, job("hook-fail"));
    c.get(&format!("{jobs}/hook-fail"));
    let (_, failed) = c.get(&format!("{jobs}/hook-fail"));
    assert!(
        failed["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Failed" && c["status"] == "True")
    );

    api.set_behaviour("Pod", Behaviour::Finish { after_gets: 0 });
    let pods = "/api/v1/namespaces/default/pods";
    let pod = json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "name": "test" }, "spec": { "containers": [] } });
    let (_, running) = c.post(pods, pod);
    assert_eq!(running["status"]["phase"], "Running");
    let (_, done) = c.get(&format!("{pods}/test"));
    assert_eq!(done["status"]["phase"], "Succeeded");
    // A Pod's DELETE answers with the object.
    assert_eq!(c.delete(&format!("{pods}/test")).1["kind"], "Pod");

    api.set_behaviour("Job", Behaviour::Unready);
    c.post(jobs, job("forever"));
    c.get(&format!("{jobs}/forever"));
    assert_eq!(c.get(&format!("{jobs}/forever")).1["status"]["active"], 1);
}

#[test]
fn seeding_and_the_kubeconfig() {
    let api = FakeApiServer::start();
    let stored = api.put_object(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": { "name": "sh.helm.release.v1.app.v1", "namespace": "default", "labels": { "owner": "helm" } },
        "type": "helm.sh/release.v1",
        "data": { "release": "SDRzSQ==" },
    }));
    assert!(stored["metadata"]["uid"].is_string());
    let c = Client::new(&api);
    let (_, list) = c.get("/api/v1/namespaces/default/secrets?labelSelector=owner%3Dhelm");
    assert_eq!(names(&list), ["sh.helm.release.v1.app.v1"]);
    assert_eq!(api.objects_of("secrets").len(), 1);
    assert_eq!(api.objects_of("namespaces").len(), 4);
    assert!(api.remove_object("/api/v1/namespaces/default/secrets/sh.helm.release.v1.app.v1"));
    assert!(api.objects_of("secrets").is_empty());

    let dir = tempfile::tempdir().unwrap();
    let path = api.write_kubeconfig(dir.path());
    let config: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(config["current-context"], "fake");
    assert_eq!(config["clusters"][0]["cluster"]["server"], api.url());
    assert_eq!(config["users"][0]["user"]["token"], TOKEN);
    assert_eq!(config["contexts"][0]["context"]["namespace"], "default");
    assert_eq!(config["contexts"][0]["context"]["user"], "fake");
}

#[test]
fn other_verbs_and_subresources() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);

    // JSON patch, and a failed `test` operation.
    assert_eq!(c.post(CMS, cm("j", json!({ "k": "1" }))).0, 201);
    let json_patch = "application/json-patch+json";
    let (code, patched) = c.send(
        "PATCH",
        &format!("{CMS}/j"),
        Some(json_patch),
        Some(&json!([{ "op": "replace", "path": "/data/k", "value": "2" }, { "op": "add", "path": "/data/n", "value": "3" }])),
    );
    assert_eq!(code, 200, "{patched}");
    assert_eq!(patched["data"], json!({ "k": "2", "n": "3" }));
    let (code, _) = c.send(
        "PATCH",
        &format!("{CMS}/j"),
        Some(json_patch),
        Some(&json!([{ "op": "test", "path": "/data/k", "value": "1" }])),
    );
    assert_eq!(code, 422);
    let (code, unsupported) = c.send(
        "PATCH",
        &format!("{CMS}/j"),
        Some("text/plain"),
        Some(&json!({})),
    );
    assert_eq!(code, 415);
    assert_eq!(unsupported["reason"], "UnsupportedMediaType");
    assert_eq!(
        c.send(
            "PATCH",
            &format!("{CMS}/none"),
            Some(MERGE),
            Some(&json!({}))
        )
        .0,
        404
    );

    // The status subresource writes the status only; the main resource keeps it.
    api.set_behaviour("Deployment", Behaviour::Inert);
    let deploys = "/apis/apps/v1/namespaces/default/deployments";
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "s" },
        "spec": { "replicas": 1 },
    });
    let (_, created) = c.post(deploys, deployment.clone());
    assert!(created.get("status").is_none(), "{created}");
    let mut with_status = created.clone();
    with_status["status"] = json!({ "readyReplicas": 1 });
    with_status["spec"]["replicas"] = json!(5);
    let (code, status_put) = c.put(&format!("{deploys}/s/status"), with_status);
    assert_eq!(code, 200, "{status_put}");
    assert_eq!(status_put["status"]["readyReplicas"], 1);
    assert_eq!(status_put["spec"]["replicas"], 1);
    let (_, merged) = c.send(
        "PATCH",
        &format!("{deploys}/s/status"),
        Some(MERGE),
        Some(&json!({ "status": { "replicas": 1 } })),
    );
    assert_eq!(
        merged["status"],
        json!({ "readyReplicas": 1, "replicas": 1 })
    );
    let (_, main) = c.send(
        "PATCH",
        &format!("{deploys}/s"),
        Some(MERGE),
        Some(&json!({ "status": null, "spec": { "replicas": 2 } })),
    );
    assert_eq!(main["spec"]["replicas"], 2);
    assert_eq!(main["status"]["readyReplicas"], 1);
    assert_eq!(main["metadata"]["generation"], 2);
    assert_eq!(
        c.get("/api/v1/namespaces/default/configmaps/j/status").0,
        404
    );

    // generateName, deletecollection.
    let mut generated = cm("", json!({}));
    generated["metadata"] = json!({ "generateName": "gen-", "labels": { "batch": "1" } });
    let (code, generated) = c.post(CMS, generated);
    assert_eq!(code, 201);
    assert!(
        generated["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("gen-")
    );
    let (code, deleted) = c.delete(&format!("{CMS}?labelSelector=batch%3D1"));
    assert_eq!(code, 200);
    assert_eq!(deleted["kind"], "ConfigMapList");
    assert_eq!(deleted["items"].as_array().unwrap().len(), 1);
    assert_eq!(names(&c.get(CMS).1), ["j"]);

    // No watch: say so rather than hang.
    let (code, watch) = c.get(&format!("{CMS}?watch=true"));
    assert_eq!(code, 405);
    assert_eq!(
        watch["message"],
        "the fake apiserver does not implement watch"
    );
    // Cluster-scoped kinds have no namespaced route.
    assert_eq!(c.get("/api/v1/namespaces/default/namespaces").0, 404);
    assert_eq!(
        c.get("/apis/rbac.authorization.k8s.io/v1/namespaces/default/clusterroles")
            .0,
        404
    );
}

#[test]
fn reapplying_a_ready_workload_changes_nothing() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let path = "/apis/apps/v1/namespaces/default/deployments/web";
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "web" },
        "spec": { "replicas": 1, "selector": { "matchLabels": { "app": "web" } } },
    });
    let (_, first) = c.apply(path, "whelm", deployment.clone());
    // Past a clock second, so new condition timestamps would show.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (_, second) = c.apply(path, "whelm", deployment);
    assert_eq!(rv(&first), rv(&second));
    assert_eq!(first, second);
}

#[test]
fn serves_openapi_v3_and_applies_strategic_merge_patches_by_it() {
    let api = FakeApiServer::start();
    let c = Client::new(&api);
    let (code, index) = c.get("/openapi/v3");
    assert_eq!(code, 200);
    assert_eq!(
        index["paths"]["apis/apps/v1"]["serverRelativeURL"],
        "/openapi/v3/apis/apps/v1?hash=fixture"
    );
    let (code, doc) = c.get("/openapi/v3/apis/apps/v1");
    assert_eq!(code, 200);
    assert_eq!(
        doc.pointer("/components/schemas/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy/x-kubernetes-patch-strategy"),
        Some(&json!("retainKeys"))
    );
    assert_eq!(c.get("/openapi/v3/api/v1").0, 200);
    assert_eq!(c.get("/openapi/v3/apis/batch/v1").0, 404);
    assert_eq!(Client::anonymous(&api).get("/openapi/v3").0, 401);

    // A Deployment: env merges by name (delete directive, element order), the live-only
    // container stays, $retainKeys clears the strategy's other keys.
    let path = "/apis/apps/v1/namespaces/default/deployments/web";
    let (code, _) = c.post(
        "/apis/apps/v1/namespaces/default/deployments",
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"selector": {"matchLabels": {"app": "web"}},
                        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                        "template": {"spec": {"containers": [
                            {"name": "app", "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}]},
                            {"name": "side"}]}}}}),
    );
    assert_eq!(code, 201);
    let (code, patched) = c.send(
        "PATCH",
        &format!("{path}?fieldManager=helm"),
        Some("application/strategic-merge-patch+json"),
        Some(&json!({"spec": {
            "strategy": {"$retainKeys": ["type"], "type": "Recreate"},
            "template": {"spec": {
                "$setElementOrder/containers": [{"name": "app"}],
                "containers": [{"name": "app",
                    "$setElementOrder/env": [{"name": "Z"}, {"name": "X"}],
                    "env": [{"name": "Z", "value": "3"}, {"name": "Y", "$patch": "delete"}]}]}}}})),
    );
    assert_eq!(code, 200, "{patched}");
    assert_eq!(patched["spec"]["strategy"], json!({"type": "Recreate"}));
    assert_eq!(
        patched["spec"]["template"]["spec"]["containers"],
        json!([{"name": "app", "env": [{"name": "Z", "value": "3"}, {"name": "X", "value": "1"}]},
               {"name": "side"}])
    );
    // A directive the patch format does not allow is the apiserver's 400.
    let (code, err) = c.send(
        "PATCH",
        &format!("{path}?fieldManager=helm"),
        Some("application/strategic-merge-patch+json"),
        Some(&json!({"spec": {"template": {"spec": {"containers": [{"name": "app", "$patch": "merge"}]}}}})),
    );
    assert_eq!(code, 400, "{err}");
    // Kinds the fixtures do not describe take it as a merge patch.
    let (code, _) = c.post(
        "/api/v1/namespaces/default/secrets",
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"a": "b"}}),
    );
    assert_eq!(code, 201);
    let (code, s) = c.send(
        "PATCH",
        "/api/v1/namespaces/default/secrets/s?fieldManager=helm",
        Some("application/strategic-merge-patch+json"),
        Some(&json!({"metadata": {"labels": {"x": "y"}}})),
    );
    assert_eq!(code, 200);
    assert_eq!(s["metadata"]["labels"]["x"], "y");
}
