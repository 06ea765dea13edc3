//! Template functions: data formats. Helm 4.3.1's own `toYaml`, `mustToYaml`,
//! `toYamlPretty`, `fromYaml`, `fromYamlArray`, `toJson`, `mustToJson`,
//! `fromJson`, `fromJsonArray`, `toToml`, `mustToToml`, `fromToml`, and
//! Sprig's `toPrettyJson`, `mustToPrettyJson`, `toRawJson`, `mustToRawJson`,
//! `mustFromJson`. The non-`must` forms swallow errors the way Helm does
//! (empty string, or an `Error` entry in the returned map/list).

use crate::func::{FuncError, FuncSpec, Param};
use crate::value::{MapInner, Value};
use crate::{json, toml, yaml};

fn arg(a: &[Value]) -> Value {
    a.first().map(Value::to_data).unwrap_or_default()
}

fn str_arg(a: &[Value]) -> String {
    match a.first() {
        Some(Value::String(s)) => s.to_string(),
        _ => String::new(),
    }
}

fn error_map(msg: String) -> Value {
    let mut m = MapInner::new();
    m.insert("Error".into(), Value::from(msg));
    Value::map(m)
}

fn to_yaml(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(yaml::to_yaml(&arg(a)).unwrap_or_default()))
}

fn must_to_yaml(a: &[Value]) -> Result<Value, FuncError> {
    yaml::to_yaml(&arg(a)).map(Value::from).map_err(FuncError)
}

fn to_yaml_pretty(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(
        yaml::to_yaml_pretty(&arg(a)).unwrap_or_default(),
    ))
}

fn from_yaml(a: &[Value]) -> Result<Value, FuncError> {
    Ok(match yaml::load_map(&str_arg(a)) {
        Ok(m) => Value::Map(m),
        Err(e) => error_map(e.message),
    })
}

fn from_yaml_array(a: &[Value]) -> Result<Value, FuncError> {
    Ok(match yaml::load_list(&str_arg(a)) {
        Ok(l) => Value::list(l),
        Err(e) => Value::list(vec![Value::from(e.message)]),
    })
}

fn to_json(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(json::marshal(&arg(a)).unwrap_or_default()))
}

fn must_to_json(a: &[Value]) -> Result<Value, FuncError> {
    json::marshal(&arg(a)).map(Value::from).map_err(FuncError)
}

fn to_pretty_json(a: &[Value]) -> Result<Value, FuncError> {
    Ok(Value::from(
        json::marshal_indent(&arg(a)).unwrap_or_default(),
    ))
}

fn must_to_pretty_json(a: &[Value]) -> Result<Value, FuncError> {
    json::marshal_indent(&arg(a))
        .map(Value::from)
        .map_err(FuncError)
}

/// Sprig's `toRawJson` panics on error, so it fails like `mustToRawJson`.
fn to_raw_json(a: &[Value]) -> Result<Value, FuncError> {
    json::marshal_raw(&arg(a))
        .map(Value::from)
        .map_err(FuncError)
}

fn from_json(a: &[Value]) -> Result<Value, FuncError> {
    Ok(match json::unmarshal_map(&str_arg(a)) {
        Ok(m) => Value::map(m),
        Err(e) => error_map(e),
    })
}

fn from_json_array(a: &[Value]) -> Result<Value, FuncError> {
    Ok(match json::unmarshal_list(&str_arg(a)) {
        Ok(l) => Value::list(l),
        Err(e) => Value::list(vec![Value::from(e)]),
    })
}

fn must_from_json(a: &[Value]) -> Result<Value, FuncError> {
    json::unmarshal(&str_arg(a)).map_err(FuncError)
}

fn to_toml(a: &[Value]) -> Result<Value, FuncError> {
    let v = arg(a);
    if v.is_nil() {
        // BurntSushi/toml panics on an untyped nil; the template sees it.
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    Ok(Value::from(toml::encode(&v).unwrap_or_else(|e| e)))
}

fn must_to_toml(a: &[Value]) -> Result<Value, FuncError> {
    toml::encode(&arg(a)).map(Value::from).map_err(FuncError)
}

fn from_toml(a: &[Value]) -> Result<Value, FuncError> {
    Ok(match toml::decode(&str_arg(a)) {
        Ok(m) => Value::map(m),
        Err(e) => error_map(e),
    })
}

pub fn funcs() -> Vec<FuncSpec> {
    use Param::{Any, String as Str};
    vec![
        FuncSpec::new("toYaml", &[Any], to_yaml),
        FuncSpec::new("mustToYaml", &[Any], must_to_yaml),
        FuncSpec::new("toYamlPretty", &[Any], to_yaml_pretty),
        FuncSpec::new("fromYaml", &[Str], from_yaml),
        FuncSpec::new("fromYamlArray", &[Str], from_yaml_array),
        FuncSpec::new("toJson", &[Any], to_json),
        FuncSpec::new("mustToJson", &[Any], must_to_json),
        FuncSpec::new("toPrettyJson", &[Any], to_pretty_json),
        FuncSpec::new("mustToPrettyJson", &[Any], must_to_pretty_json),
        FuncSpec::new("toRawJson", &[Any], to_raw_json),
        FuncSpec::new("mustToRawJson", &[Any], to_raw_json),
        FuncSpec::new("fromJson", &[Str], from_json),
        FuncSpec::new("fromJsonArray", &[Str], from_json_array),
        FuncSpec::new("mustFromJson", &[Str], must_from_json),
        FuncSpec::new("toToml", &[Any], to_toml),
        FuncSpec::new("mustToToml", &[Any], must_to_toml),
        FuncSpec::new("fromToml", &[Str], from_toml),
    ]
}

#[cfg(test)]
mod tests;
