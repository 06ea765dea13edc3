//! The release store's writes in Kubernetes' protobuf encoding
//! (`application/vnd.kubernetes.protobuf`).
//!
//! A release Secret is ~0.5 MB of base64. As JSON it travels base64 once more, and the
//! apiserver decodes that JSON string character by character before it stores the same bytes
//! as protobuf in etcd; as protobuf the payload is copied as it is. On a kube-apiserver 1.36
//! (2 cores), a 560 KB Secret took ~26 ms to create as JSON and ~13 ms as protobuf. Only
//! Secrets and ConfigMaps made of the fields listed below are encoded: [`encode`] answers
//! `None` for anything else, and the caller sends JSON.
//!
//! The wire format: the magic `k8s\0`, then a `runtime.Unknown` message whose `typeMeta`
//! names the kind and whose `raw` holds the object's message (`k8s.io/api/core/v1`'s
//! `generated.proto`). Field numbers used here:
//!
//! | message | fields |
//! |---|---|
//! | `Unknown` | 1 typeMeta, 2 raw |
//! | `TypeMeta` | 1 apiVersion, 2 kind |
//! | `Secret` | 1 metadata, 2 data (`map<string, bytes>`), 3 type |
//! | `ConfigMap` | 1 metadata, 2 data (`map<string, string>`), 3 binaryData (`map<string, bytes>`) |
//! | `ObjectMeta` | 1 name, 3 namespace, 6 resourceVersion, 11 labels, 12 annotations |
//!
//! A map is a repeated entry message with the key as field 1 and the value as field 2.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};

use crate::storage::kube::Kind;

/// The content type of a protobuf request body.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The four bytes every protobuf-encoded Kubernetes object starts with.
pub const MAGIC: &[u8; 4] = b"k8s\0";

/// `object` (a Secret or ConfigMap in its JSON form) in the protobuf encoding, or `None` if it
/// holds anything this encoder does not know: the caller then sends it as JSON.
pub fn encode(kind: Kind, object: &Value) -> Option<Vec<u8>> {
    let o = object.as_object()?;
    let kind_name = match kind {
        Kind::Secret => "Secret",
        Kind::ConfigMap => "ConfigMap",
    };
    if o.get("apiVersion")?.as_str()? != "v1" || o.get("kind")?.as_str()? != kind_name {
        return None;
    }
    let mut body = Vec::new();
    for (key, value) in o {
        match (kind, key.as_str()) {
            (_, "apiVersion" | "kind") => {}
            (_, "metadata") => bytes_field(&mut body, 1, &object_meta(value)?),
            (Kind::Secret, "data") => bytes_map(&mut body, 2, value)?,
            (Kind::Secret, "type") => bytes_field(&mut body, 3, value.as_str()?.as_bytes()),
            (Kind::ConfigMap, "data") => string_map(&mut body, 2, value)?,
            (Kind::ConfigMap, "binaryData") => bytes_map(&mut body, 3, value)?,
            _ => return None,
        }
    }
    let mut type_meta = Vec::new();
    bytes_field(&mut type_meta, 1, b"v1");
    bytes_field(&mut type_meta, 2, kind_name.as_bytes());
    let mut out = Vec::with_capacity(body.len() + 32);
    out.extend_from_slice(MAGIC);
    bytes_field(&mut out, 1, &type_meta);
    bytes_field(&mut out, 2, &body);
    Some(out)
}

/// The `ObjectMeta` fields a store object carries.
fn object_meta(meta: &Value) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for (key, value) in meta.as_object()? {
        match key.as_str() {
            "name" => bytes_field(&mut out, 1, value.as_str()?.as_bytes()),
            "namespace" => bytes_field(&mut out, 3, value.as_str()?.as_bytes()),
            "resourceVersion" => bytes_field(&mut out, 6, value.as_str()?.as_bytes()),
            "labels" => string_map(&mut out, 11, value)?,
            "annotations" => string_map(&mut out, 12, value)?,
            _ => return None,
        }
    }
    Some(out)
}

/// A `map<string, string>` field; `null` is an empty map, as in JSON.
fn string_map(out: &mut Vec<u8>, field: u32, value: &Value) -> Option<()> {
    let empty = Map::new();
    let map = match value {
        Value::Null => &empty,
        v => v.as_object()?,
    };
    for (k, v) in map {
        bytes_field(out, field, &entry(k.as_bytes(), v.as_str()?.as_bytes()));
    }
    Some(())
}

/// A `map<string, bytes>` field from JSON's base64 strings (`None` if one is not base64).
fn bytes_map(out: &mut Vec<u8>, field: u32, value: &Value) -> Option<()> {
    for (k, v) in value.as_object()? {
        let bytes = STANDARD.decode(v.as_str()?).ok()?;
        bytes_field(out, field, &entry(k.as_bytes(), &bytes));
    }
    Some(())
}

/// A map entry: the key as field 1, the value as field 2.
fn entry(key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut e = Vec::with_capacity(key.len() + value.len() + 12);
    bytes_field(&mut e, 1, key);
    bytes_field(&mut e, 2, value);
    e
}

/// A length-delimited field (wire type 2): strings, bytes and messages.
fn bytes_field(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    varint(out, (u64::from(field) << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_release_secret_is_encoded_field_by_field() {
        let secret = json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "s", "labels": {"owner": "helm"}},
            "type": "t",
            "data": {"release": STANDARD.encode("H4s")},
        });
        let got = encode(Kind::Secret, &secret).unwrap();
        let mut want = b"k8s\0".to_vec();
        // typeMeta {apiVersion: "v1", kind: "Secret"}
        want.extend([0x0a, 12, 0x0a, 2, b'v', b'1', 0x12, 6]);
        want.extend(b"Secret");
        // raw: Secret {metadata {labels {owner: helm}, name "s"}, data {release: "H4s"}, type "t"}
        // (serde_json's maps iterate by key: fields go in that order; protobuf allows any).
        let meta = [
            &[0x5a, 13, 0x0a, 5][..],
            b"owner",
            &[0x12, 4],
            b"helm",
            &[0x0a, 1, b's'],
        ]
        .concat();
        let data = [&[0x0a, 7][..], b"release", &[0x12, 3], b"H4s"].concat();
        let mut raw = vec![0x0a, meta.len() as u8];
        raw.extend(&meta);
        // serde_json's map is ordered by key: data, metadata, type.
        let mut ordered = vec![0x12, data.len() as u8];
        ordered.extend(&data);
        ordered.extend(&raw);
        ordered.extend([0x1a, 1, b't']);
        want.extend([0x12, ordered.len() as u8]);
        want.extend(&ordered);
        assert_eq!(got, want);
    }

    #[test]
    fn long_fields_get_multi_byte_lengths() {
        let payload = "x".repeat(300);
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "c"}, "data": {"release": payload}});
        let got = encode(Kind::ConfigMap, &cm).unwrap();
        // The data entry: key (9 bytes) + value (3-byte header + 300) = 312 = 0xb8 0x02.
        let entry_at = got
            .windows(3)
            .position(|w| w == [0x12, 0xb8, 0x02])
            .expect("the entry's length as a two-byte varint");
        assert_eq!(&got[entry_at + 3..entry_at + 5], &[0x0a, 7]);
        assert_eq!(&got[entry_at + 12..entry_at + 15], &[0x12, 0xac, 0x02]);
        assert_eq!(&got[entry_at + 15..entry_at + 315], payload.as_bytes());
    }

    #[test]
    fn anything_unknown_is_left_to_json() {
        let base = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
        assert!(encode(Kind::Secret, &base).is_some());
        let with = |path: &str, v: Value| {
            let mut o = base.clone();
            *o.pointer_mut(path).unwrap() = v;
            o
        };
        let mut extra = base.clone();
        extra["immutable"] = json!(true);
        let mut owner = base.clone();
        owner["metadata"]["ownerReferences"] = json!([]);
        for o in [
            extra,
            owner,
            with("/kind", json!("ConfigMap")),
            with("/apiVersion", json!("v2")),
            with("/metadata", json!({"name": 3})),
        ] {
            assert_eq!(encode(Kind::Secret, &o), None, "{o}");
        }
        let mut bad = base.clone();
        bad["data"] = json!({"release": "not base64!"});
        assert_eq!(encode(Kind::Secret, &bad), None);
        // A Secret's data is bytes; a ConfigMap's is text.
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                        "data": {"release": "not base64!"}});
        assert!(encode(Kind::ConfigMap, &cm).is_some());
        assert_eq!(encode(Kind::Secret, &cm), None);
    }
}
