//! The patches of Helm's client-side apply (`--server-side=false`): a three-way strategic merge
//! patch for the kinds client-go types, a JSON merge patch (two- or three-way) for the rest.
//!
//! The strategic merge patch follows apimachinery's `strategicpatch.CreateThreeWayMergePatch`
//! (with `overwrite` on and no preconditions, as Helm calls it):
//!
//! - *delta*: what the target changes or adds relative to the live object, deletions ignored;
//! - *deletions*: what the target dropped relative to the original (the previous revision's
//!   object), changes and additions ignored;
//! - the patch is the deletions with the delta merged in.
//!
//! So a field someone changed on the live object is left alone unless the target sets it, and
//! a field is removed only if the original had it and the target dropped it. Lists whose field
//! has patch strategy `merge` are diffed element by element — by merge key for lists of maps
//! (`{"<key>": …, "$patch": "delete"}` for a removed element), as sets for lists of scalars
//! (`$deleteFromPrimitiveList/<field>` for removed values) — with `$setElementOrder/<field>`
//! giving the target's order; every other list is replaced whole. A map whose field has
//! `retainKeys` gets `$retainKeys` (the keys the target sets) so the server clears the others;
//! one with strategy `replace` is sent whole whenever the target has it.
//!
//! The algorithm keeps the upstream one's observable quirks, since Helm sends what it yields:
//! diffing a list of scalars compares the target against the *sorted* live list when deciding
//! whether to send `$setElementOrder` (upstream sorts in place), so an unchanged but unsorted
//! `finalizers` list still yields a patch; a `replace` field is sent even when unchanged; a
//! `retainKeys` map is sent (as `$retainKeys`) when the live object has keys the target lacks.
//!
//! Values are compared as Go compares the decoded JSON; lists of scalars and merge keys sort by
//! their `%v` text, as upstream does.
//!
//! [`apply`] is the other side, what the apiserver does with such a patch
//! (`StrategicMergeMapPatch`); whelm never applies patches itself, but the tests use it to check
//! that a patch takes the live object where Helm would leave it.

use serde_json::{Map, Value, json};

use super::openapi::Schema;

const DIRECTIVE: &str = "$patch";
const DELETE: &str = "delete";
const REPLACE: &str = "replace";
const MERGE: &str = "merge";
const RETAIN_KEYS: &str = "retainKeys";
const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

// ---------------------------------------------------------------------------------------------
// Values as Go sees them after decoding JSON into interface{}.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

fn kind(v: &Value) -> Kind {
    match v {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(_) => Kind::Number,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::Array,
        Value::Object(_) => Kind::Object,
    }
}

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// `reflect.DeepEqual` of decoded JSON (numbers compare by value: Go's JSON decoding makes a
/// whole number an int64 whichever way it was written).
pub fn go_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => numbers_equal(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| go_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| go_equal(v, w)))
        }
        _ => a == b,
    }
}

fn lists_equal(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| go_equal(x, y))
}

/// Go's `%v` of a decoded JSON scalar (what upstream sorts scalars and merge keys by).
fn go_format(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return i.to_string();
            }
            if let Some(u) = n.as_u64() {
                return u.to_string();
            }
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                return (f as i64).to_string();
            }
            // %v of a float64 is %g with the shortest digits: exponent form below 1e-4 and
            // from 1e6 (at least two exponent digits).
            let e = format!("{f:e}");
            let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            if !(-4..6).contains(&exp) {
                let sign = if exp < 0 { '-' } else { '+' };
                format!("{mantissa}e{sign}{:02}", exp.abs())
            } else {
                f.to_string()
            }
        }
        Value::Array(_) | Value::Object(_) => v.to_string(),
    }
}

/// Sorts scalars by their `%v` text (stable; upstream's sort is not, which only matters for
/// values that print the same).
fn sort_scalars(v: &mut [Value]) {
    v.sort_by_cached_key(go_format);
}

/// Upstream's `deduplicateScalars`, order of the survivors included (each duplicate is
/// overwritten with the last element).
fn dedupe_scalars(mut s: Vec<Value>) -> Vec<Value> {
    let mut length = s.len() as isize - 1;
    let mut i = 0isize;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if go_equal(&s[i as usize], &s[j as usize]) {
                s[j as usize] = s[length as usize].clone();
                s.truncate(length as usize);
                length -= 1;
                continue;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

/// The element kind shared by lists (`sliceElementType`).
fn element_kind(lists: &[&[Value]]) -> Result<Kind, String> {
    let mut found: Option<Kind> = None;
    for v in lists.iter().flat_map(|l| l.iter()) {
        let k = kind(v);
        match found {
            None if k == Kind::Array => return Err("lists of lists are not supported".into()),
            None => found = Some(k),
            Some(f) if f != k => {
                return Err(format!(
                    "list element types are not identical: {}",
                    Value::Array(lists.iter().flat_map(|l| l.iter().cloned()).collect())
                ));
            }
            Some(_) => {}
        }
    }
    found.ok_or_else(|| "no elements in any of the given slices".to_string())
}

fn no_merge_key(m: &Map<String, Value>, key: &str) -> String {
    format!(
        "map: {} does not contain declared merge key: {key}",
        Value::Object(m.clone())
    )
}

fn not_a_map(v: &Value) -> String {
    format!("expected a map, but received {v}")
}

/// `extractRetainKeysPatchStrategy`: whether `retainKeys` is among the strategies, and the
/// other one.
fn retain_keys_strategy(strategies: &[String]) -> Result<(bool, &str), String> {
    match strategies {
        [] => Ok((false, "")),
        [one] if one == RETAIN_KEYS => Ok((true, "")),
        [one] => Ok((false, one)),
        [a, b] if a == RETAIN_KEYS => Ok((true, b)),
        [a, b] if b == RETAIN_KEYS => Ok((true, a)),
        _ => Err(format!("unexpected patch strategy: {strategies:?}")),
    }
}

// ---------------------------------------------------------------------------------------------
// Diff

#[derive(Debug, Clone, Copy, Default)]
struct DiffOpts {
    set_element_order: bool,
    ignore_changes: bool,
    ignore_deletions: bool,
    retain_keys: bool,
}

fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    schema: Schema,
    o: DiffOpts,
) -> Result<Map<String, Value>, String> {
    let mut patch = Map::new();
    let mut retain = Vec::new();
    for (key, mv) in modified {
        if o.retain_keys && !mv.is_null() {
            retain.push(Value::String(key.clone()));
        }
        let Some(ov) = original.get(key) else {
            if !o.ignore_changes {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        };
        if key == DIRECTIVE {
            match (ov.as_str(), mv.as_str()) {
                (Some(a), Some(b)) => {
                    if a != b {
                        patch.insert(key.clone(), mv.clone());
                    }
                }
                _ => return Err(format!("invalid value for special key: {DIRECTIVE}")),
            }
            continue;
        }
        if kind(ov) != kind(mv) {
            if !o.ignore_changes {
                patch.insert(key.clone(), mv.clone());
            }
            continue;
        }
        match (ov, mv) {
            (Value::Object(a), Value::Object(b)) => {
                diff_map_field(key, a, b, &mut patch, schema, o)?;
            }
            (Value::Array(a), Value::Array(b)) => {
                diff_list_field(key, a, b, &mut patch, schema, o)?;
            }
            _ => {
                if !o.ignore_changes && !go_equal(ov, mv) {
                    patch.insert(key.clone(), mv.clone());
                }
            }
        }
    }
    if !o.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    let more_in_original = original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k));
    if !retain.is_empty() && (!patch.is_empty() || more_in_original) {
        sort_scalars(&mut retain);
        patch.insert(RETAIN_KEYS_DIRECTIVE.into(), Value::Array(retain));
    }
    Ok(patch)
}

fn diff_map_field(
    key: &str,
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Schema,
    mut o: DiffOpts,
) -> Result<(), String> {
    let (sub, meta) = match schema.field(key) {
        Ok(x) => x,
        // No metadata for the field: no matter if nothing changed.
        Err(_)
            if go_equal(
                &Value::Object(original.clone()),
                &Value::Object(modified.clone()),
            ) =>
        {
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let (retain, strategy) = retain_keys_strategy(&meta.strategies)?;
    o.retain_keys = retain;
    if strategy == REPLACE {
        if !o.ignore_changes {
            patch.insert(key.to_string(), Value::Object(modified.clone()));
        }
        return Ok(());
    }
    let sub_patch = diff_maps(original, modified, sub, o)?;
    if !sub_patch.is_empty() {
        patch.insert(key.to_string(), Value::Object(sub_patch));
    }
    Ok(())
}

fn diff_list_field(
    key: &str,
    original: &[Value],
    modified: &[Value],
    patch: &mut Map<String, Value>,
    schema: Schema,
    mut o: DiffOpts,
) -> Result<(), String> {
    let (sub, meta) = match schema.items(key) {
        Ok(x) => x,
        Err(_) if lists_equal(original, modified) => return Ok(()),
        Err(e) => return Err(e),
    };
    let (retain, strategy) = retain_keys_strategy(&meta.strategies)?;
    if strategy != MERGE {
        if !o.ignore_changes && !lists_equal(original, modified) {
            patch.insert(key.to_string(), Value::Array(modified.to_vec()));
        }
        return Ok(());
    }
    o.retain_keys = retain;
    let (add, delete, order) = diff_lists(original, modified, sub, &meta.merge_key, o)?;
    if !add.is_empty() {
        patch.insert(key.to_string(), Value::Array(add));
    }
    if !delete.is_empty() {
        patch.insert(
            format!("{DELETE_FROM_PRIMITIVE_LIST}/{key}"),
            Value::Array(delete),
        );
    }
    if !order.is_empty() {
        patch.insert(format!("{SET_ELEMENT_ORDER}/{key}"), Value::Array(order));
    }
    Ok(())
}

type Lists = (Vec<Value>, Vec<Value>, Vec<Value>);

/// A merge list's patch: the changed and added elements (and, for maps, delete directives),
/// the scalars to delete, and the `$setElementOrder` list.
fn diff_lists(
    original: &[Value],
    modified: &[Value],
    schema: Schema,
    merge_key: &str,
    o: DiffOpts,
) -> Result<Lists, String> {
    if original.is_empty() {
        if modified.is_empty() || o.ignore_changes {
            return Ok(Default::default());
        }
        return Ok((modified.to_vec(), Vec::new(), Vec::new()));
    }
    let k = element_kind(&[original, modified])?;
    match k {
        Kind::Object => {
            let (changes, deletions) =
                diff_lists_of_maps(original, modified, schema, merge_key, o)?;
            let mut list = normalize_slice_order(changes, modified, merge_key, k)?;
            let same_order = is_order_same(original, modified, merge_key)?;
            list.extend(deletions);
            let mut order = Vec::new();
            if o.set_element_order
                && ((!o.ignore_changes && (!list.is_empty() || !same_order))
                    || (!o.ignore_deletions && !list.is_empty()))
            {
                order = modified
                    .iter()
                    .map(|v| {
                        let mut m = Map::new();
                        m.insert(
                            merge_key.to_string(),
                            v.get(merge_key).cloned().unwrap_or(Value::Null),
                        );
                        Value::Object(m)
                    })
                    .collect();
            }
            Ok((list, Vec::new(), order))
        }
        Kind::Array => Err("lists of lists are not supported".into()),
        _ => {
            // Upstream sorts the original list in place while diffing, and then compares it
            // with the target to decide on `$setElementOrder`.
            let mut sorted = original.to_vec();
            sort_scalars(&mut sorted);
            let (add, delete) = diff_lists_of_scalars(&sorted, modified, o);
            let add = normalize_slice_order(add, modified, merge_key, k)?;
            let order = if o.set_element_order
                && ((!o.ignore_deletions && !delete.is_empty())
                    || (!o.ignore_changes && !lists_equal(&sorted, modified)))
            {
                modified.to_vec()
            } else {
                Vec::new()
            };
            Ok((add, delete, order))
        }
    }
}

fn is_order_same(original: &[Value], modified: &[Value], merge_key: &str) -> Result<bool, String> {
    if original.len() != modified.len() {
        return Ok(false);
    }
    for (a, b) in original.iter().zip(modified) {
        if !merge_key_value_equal(a, b, merge_key)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Added and removed scalars, from `original` (sorted) to `modified`.
fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    o: DiffOpts,
) -> (Vec<Value>, Vec<Value>) {
    let mut modified = modified.to_vec();
    sort_scalars(&mut modified);
    let (mut i, mut j) = (0, 0);
    let (mut add, mut delete) = (Vec::new(), Vec::new());
    loop {
        let (oi, mi) = (i < original.len(), j < modified.len());
        if !oi && !mi {
            break;
        }
        let os = if oi {
            go_format(&original[i])
        } else {
            String::new()
        };
        let ms = if mi {
            go_format(&modified[j])
        } else {
            String::new()
        };
        if oi && mi && os == ms {
            i += 1;
            j += 1;
        } else if !oi || (mi && os > ms) {
            if !o.ignore_changes {
                add.push(modified[j].clone());
            }
            j += 1;
        } else {
            if !o.ignore_deletions {
                delete.push(original[i].clone());
            }
            i += 1;
        }
    }
    (add, dedupe_scalars(delete))
}

fn map_and_key<'v>(
    v: &'v Value,
    merge_key: &str,
) -> Result<(&'v Map<String, Value>, &'v Value), String> {
    let m = v.as_object().ok_or_else(|| not_a_map(v))?;
    let k = m.get(merge_key).ok_or_else(|| no_merge_key(m, merge_key))?;
    Ok((m, k))
}

fn sorted_by_merge_key(list: &[Value], merge_key: &str) -> Vec<Value> {
    let mut out = list.to_vec();
    out.sort_by_cached_key(|v| go_format(v.get(merge_key).unwrap_or(&Value::Null)));
    out
}

/// Changed and added elements, and delete directives for removed ones.
fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    schema: Schema,
    merge_key: &str,
    o: DiffOpts,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let original = sorted_by_merge_key(original, merge_key);
    let modified = sorted_by_merge_key(modified, merge_key);
    let (mut i, mut j) = (0, 0);
    let (mut patch, mut deletions) = (Vec::new(), Vec::new());
    loop {
        let (oi, mi) = (i < original.len(), j < modified.len());
        if !oi && !mi {
            break;
        }
        let ov = if oi {
            Some(map_and_key(&original[i], merge_key)?)
        } else {
            None
        };
        let mv = if mi {
            Some(map_and_key(&modified[j], merge_key)?)
        } else {
            None
        };
        let os = ov.map(|(_, k)| go_format(k)).unwrap_or_default();
        let ms = mv.map(|(_, k)| go_format(k)).unwrap_or_default();
        match (ov, mv) {
            (Some((om, _)), Some((mm, mk))) if os == ms => {
                let mut sub = diff_maps(om, mm, schema, o)?;
                if !sub.is_empty() {
                    sub.insert(merge_key.to_string(), mk.clone());
                    patch.push(Value::Object(sub));
                }
                i += 1;
                j += 1;
            }
            (None, Some((mm, _))) => {
                if !o.ignore_changes {
                    patch.push(Value::Object(mm.clone()));
                }
                j += 1;
            }
            (Some(_), Some((mm, _))) if os > ms => {
                if !o.ignore_changes {
                    patch.push(Value::Object(mm.clone()));
                }
                j += 1;
            }
            (Some((_, ok)), _) => {
                if !o.ignore_deletions {
                    let mut d = Map::new();
                    d.insert(merge_key.to_string(), ok.clone());
                    d.insert(DIRECTIVE.into(), json!(DELETE));
                    deletions.push(Value::Object(d));
                }
                i += 1;
            }
            (None, None) => unreachable!("one list is in bounds"),
        }
    }
    Ok((patch, deletions))
}

/// Where `item` is in `list`: by merge key for maps, by value for scalars.
fn index_of(list: &[Value], item: &Value, merge_key: &str, k: Kind) -> Option<usize> {
    if k == Kind::Object {
        let want = item.get(merge_key);
        list.iter().position(|v| match (v.get(merge_key), want) {
            (Some(a), Some(b)) => go_equal(a, b),
            (None, None) => true,
            _ => false,
        })
    } else {
        list.iter().position(|v| go_equal(v, item))
    }
}

fn validate_merge_key(merge_key: &str, lists: &[&[Value]]) -> Result<(), String> {
    for v in lists.iter().flat_map(|l| l.iter()) {
        map_and_key(v, merge_key)?;
    }
    Ok(())
}

/// Splits off the elements that are `$patch: delete` directives.
fn split_deletes(list: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>), String> {
    let (mut keep, mut delete) = (Vec::new(), Vec::new());
    for v in list {
        let m = v.as_object().ok_or_else(|| not_a_map(&v))?;
        if m.get(DIRECTIVE).and_then(Value::as_str) == Some(DELETE) {
            delete.push(v);
        } else {
            keep.push(v);
        }
    }
    Ok((keep, delete))
}

/// `normalizeSliceOrder`: `list` in the order of `order` (delete directives last).
fn normalize_slice_order(
    list: Vec<Value>,
    order: &[Value],
    merge_key: &str,
    k: Kind,
) -> Result<Vec<Value>, String> {
    let (mut list, deletes) = if k == Kind::Object {
        validate_merge_key(merge_key, &[&list, order])?;
        split_deletes(list)?
    } else {
        (list, Vec::new())
    };
    let at: Vec<Option<usize>> = list
        .iter()
        .map(|v| index_of(order, v, merge_key, k))
        .collect();
    if at.iter().all(Option::is_some) {
        let mut pairs: Vec<(Option<usize>, Value)> = at.into_iter().zip(list).collect();
        pairs.sort_by_key(|(i, _)| *i);
        list = pairs.into_iter().map(|(_, v)| v).collect();
    } else {
        // Upstream's comparator calls an element missing from `order` smaller than anything;
        // a stable insertion sort with it is what Go's sort.SliceStable does for short lists.
        let mut pairs: Vec<(Option<usize>, Value)> = at.into_iter().zip(list).collect();
        for i in 1..pairs.len() {
            let mut j = i;
            while j > 0 {
                let less = match (pairs[j].0, pairs[j - 1].0) {
                    (Some(a), Some(b)) => a < b,
                    _ => true,
                };
                if !less {
                    break;
                }
                pairs.swap(j, j - 1);
                j -= 1;
            }
        }
        list = pairs.into_iter().map(|(_, v)| v).collect();
    }
    list.extend(deletes);
    Ok(list)
}

fn merge_key_value_equal(a: &Value, b: &Value, merge_key: &str) -> Result<bool, String> {
    if merge_key.is_empty() {
        return Ok(go_equal(a, b));
    }
    let (_, x) = map_and_key(a, merge_key)?;
    let (_, y) = map_and_key(b, merge_key)?;
    Ok(go_equal(x, y))
}

// ---------------------------------------------------------------------------------------------
// Merge

#[derive(Debug, Clone, Copy)]
struct MergeOpts {
    /// Apply `$deleteFromPrimitiveList`, `$setElementOrder` and `$retainKeys` (the server);
    /// off, they are carried over into the merged patch (building the three-way patch).
    merge_parallel_list: bool,
    ignore_unmatched_nulls: bool,
}

/// A key's name behind a directive prefix (`$setElementOrder/containers` → `containers`).
fn directive_key<'k>(key: &'k str, prefix: &str) -> Result<&'k str, String> {
    match key.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest),
        _ if prefix == DELETE_FROM_PRIMITIVE_LIST => {
            Err("invalid patch format of primitive list".into())
        }
        _ => Err("invalid patch format of setElementOrder list".into()),
    }
}

/// The value without `$patch` directives (`None` if it is one).
fn remove_directives(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE) {
                return None;
            }
            Some(Value::Object(
                m.into_iter()
                    .filter_map(|(k, v)| remove_directives(v).map(|v| (k, v)))
                    .collect(),
            ))
        }
        Value::Array(a) => Some(Value::Array(
            a.into_iter().filter_map(remove_directives).collect(),
        )),
        v => Some(v),
    }
}

fn discard_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(discard_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

fn set_from_patch(original: &mut Map<String, Value>, key: String, mut v: Value, mo: MergeOpts) {
    if mo.ignore_unmatched_nulls {
        discard_nulls(&mut v);
    }
    match remove_directives(v) {
        Some(v) => {
            original.insert(key, v);
        }
        None => {
            original.remove(&key);
        }
    }
}

fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Schema,
    mo: MergeOpts,
) -> Result<Map<String, Value>, String> {
    if let Some(d) = patch.get(DIRECTIVE) {
        return match d.as_str() {
            Some(REPLACE) => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some(DELETE) => Ok(Map::new()),
            _ => Err(format!(
                "Unknown patch type: {} in map: {}",
                go_format(d),
                Value::Object(patch.clone())
            )),
        };
    }
    apply_retain_keys(&mut original, &mut patch, mo)?;
    merge_set_element_order(&mut original, &mut patch, schema, mo)?;
    for (key, pv) in patch {
        let (key, delete_list) = if key.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            if !mo.merge_parallel_list {
                original.insert(key, pv);
                continue;
            }
            (
                directive_key(&key, DELETE_FROM_PRIMITIVE_LIST)?.to_string(),
                true,
            )
        } else {
            (key, false)
        };
        if pv.is_null() {
            original.remove(&key);
            if mo.ignore_unmatched_nulls {
                continue;
            }
        }
        let same_kind = original.get(&key).map(|ov| kind(ov) == kind(&pv));
        if same_kind != Some(true) {
            // Absent from the original, or of another type: the patch's value.
            if !delete_list {
                set_from_patch(&mut original, key, pv, mo);
            }
            continue;
        }
        let ov = original.remove(&key).unwrap_or_default();
        match (ov, pv) {
            (Value::Object(om), Value::Object(pm)) => {
                let (sub, meta) = schema.field(&key)?;
                let (_, strategy) = retain_keys_strategy(&meta.strategies)?;
                let merged = if strategy == REPLACE {
                    pm
                } else {
                    merge_map(om, pm, sub, mo)?
                };
                original.insert(key, Value::Object(merged));
            }
            (Value::Array(oa), Value::Array(pa)) => {
                let (sub, meta) = schema.items(&key)?;
                let (_, strategy) = retain_keys_strategy(&meta.strategies)?;
                let (merged, _) =
                    merge_list_field(oa, pa, sub, strategy, &meta.merge_key, delete_list, mo)?;
                original.insert(key, Value::Array(merged));
            }
            (_, pv) => set_from_patch(&mut original, key, pv, mo),
        }
    }
    Ok(original)
}

/// `$retainKeys`: carried over (building) or applied — keys of `original` not listed are
/// cleared, and the patch may set only listed keys.
fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    mo: MergeOpts,
) -> Result<(), String> {
    let Some(keys) = patch.remove(RETAIN_KEYS_DIRECTIVE) else {
        return Ok(());
    };
    if !mo.merge_parallel_list {
        match original.get(RETAIN_KEYS_DIRECTIVE) {
            Some(have) if !go_equal(have, &keys) => Err(format!(
                "{have} and {keys} are not deep equal: this may happen when calculating the 3-way diff patch"
            )),
            Some(_) => Ok(()),
            None => {
                original.insert(RETAIN_KEYS_DIRECTIVE.into(), keys);
                Ok(())
            }
        }
    } else {
        let bad = || "invalid patch format of retainKeys".to_string();
        let keys = keys.as_array().ok_or_else(bad)?;
        let listed = |k: &str| keys.iter().any(|v| v.as_str() == Some(k));
        for (k, v) in patch.iter() {
            if v.is_null()
                || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
                || k.starts_with(SET_ELEMENT_ORDER)
            {
                continue;
            }
            if !listed(k) {
                return Err(bad());
            }
        }
        original.retain(|k, _| listed(k));
        Ok(())
    }
}

/// `mergePatchIntoOriginal`: each `$setElementOrder/<field>` with its list, merged and put in
/// that order (and, when building, the directive carried over).
fn merge_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Schema,
    mo: MergeOpts,
) -> Result<(), String> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order) = patch.remove(&key) else {
            continue;
        };
        if !mo.merge_parallel_list {
            match original.get(&key) {
                Some(have) if !go_equal(have, &order) => {
                    return Err("invalid patch format of setElementOrder list".into());
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order.clone());
                }
            }
        }
        let order = order
            .as_array()
            .ok_or_else(|| format!("expected a list, but received {order}"))?
            .clone();
        let field = directive_key(&key, SET_ELEMENT_ORDER)?.to_string();
        let list = |v: Option<&Value>| -> Result<Option<Vec<Value>>, String> {
            match v {
                None => Ok(None),
                Some(Value::Array(a)) => Ok(Some(a.clone())),
                Some(other) => Err(format!("expected a list, but received {other}")),
            }
        };
        let original_list = list(original.get(&field))?;
        let found_original = original_list.is_some();
        let patch_list = list(patch.get(&field))?;
        let (sub, meta) = schema.items(&field)?;
        let (_, strategy) = retain_keys_strategy(&meta.strategies)?;
        let merge_key = meta.merge_key.as_str();
        validate_against_order(patch_list.as_deref().unwrap_or(&[]), &order, merge_key)?;
        let original_list = original_list.unwrap_or_default();
        let (merged, server_order) = match (found_original, patch_list.clone()) {
            (true, None) => (original_list.clone(), original_list.clone()),
            (false, Some(p)) => match remove_directives(Value::Array(p)) {
                Some(Value::Array(a)) => (a, original_list.clone()),
                _ => continue,
            },
            (true, Some(p)) => merge_list_field(
                original_list.clone(),
                p,
                sub,
                strategy,
                merge_key,
                false,
                mo,
            )?,
            (false, None) => continue,
        };
        let (in_order, server_only) = if merge_key.is_empty() {
            partition_scalars(&merged, &order)
        } else {
            partition_maps(&merged, &order, merge_key)?
        };
        let k = element_kind(&[&original_list, patch_list.as_deref().unwrap_or(&[])])?;
        let both =
            normalize_element_order(in_order, server_only, &order, &server_order, merge_key, k)?;
        original.insert(field.clone(), Value::Array(both));
        patch.remove(&field);
    }
    Ok(())
}

/// The patch list's elements (other than directives) must come in `$setElementOrder`'s order.
fn validate_against_order(list: &[Value], order: &[Value], merge_key: &str) -> Result<(), String> {
    if list.is_empty() || order.is_empty() {
        return Ok(());
    }
    let list = if merge_key.is_empty() {
        list.to_vec()
    } else {
        split_deletes(list.to_vec())?.0
    };
    let (mut i, mut j) = (0, 0);
    while i < list.len() && j < order.len() {
        if list[i].get(DIRECTIVE).is_some() {
            i += 1;
            continue;
        }
        if merge_key_value_equal(&list[i], &order[j], merge_key)? {
            i += 1;
        }
        j += 1;
    }
    if i < list.len() && j >= order.len() {
        return Err(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            Value::Array(list),
            Value::Array(order.to_vec())
        ));
    }
    Ok(())
}

fn partition_scalars(list: &[Value], by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    list.iter()
        .cloned()
        .partition(|v| by.iter().any(|b| go_equal(b, v)))
}

fn find_map(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>, String> {
    for (i, v) in list.iter().enumerate() {
        let m = v
            .as_object()
            .ok_or_else(|| format!("value for key {i} is not a map"))?;
        if m.get(key).is_some_and(|x| go_equal(x, value)) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn partition_maps(
    list: &[Value],
    by: &[Value],
    merge_key: &str,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for v in list {
        let (_, k) = map_and_key(v, merge_key)?;
        if find_map(by, merge_key, k)?.is_some() {
            inside.push(v.clone());
        } else {
            outside.push(v.clone());
        }
    }
    Ok((inside, outside))
}

/// The patch's elements in `patch_order`, the server's in `server_order`, interleaved so both
/// keep their relative order (upstream's `normalizeElementOrder` and `mergeSortedSlice`).
fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: &str,
    k: Kind,
) -> Result<Vec<Value>, String> {
    let right = normalize_slice_order(patch, patch_order, merge_key, k)?;
    let left = normalize_slice_order(server_only, server_order, merge_key, k)?;
    let total = left.len() + right.len();
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(total);
    while out.len() < total {
        if i >= left.len() {
            out.push(right[j].clone());
            j += 1;
        } else if j >= right.len() {
            out.push(left[i].clone());
            i += 1;
        } else {
            let li = index_of(server_order, &left[i], merge_key, k);
            let ri = index_of(server_order, &right[j], merge_key, k);
            if matches!((li, ri), (Some(a), Some(b)) if a < b) {
                out.push(left[i].clone());
                i += 1;
            } else {
                out.push(right[j].clone());
                j += 1;
            }
        }
    }
    Ok(out)
}

/// A merged list, and the original list as the caller's slice sees it afterwards (see
/// [`AliasedList`]).
type Merged = (Vec<Value>, Vec<Value>);

fn merge_list_field(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    strategy: &str,
    merge_key: &str,
    delete_list: bool,
    mo: MergeOpts,
) -> Result<Merged, String> {
    if strategy == MERGE || delete_list {
        merge_lists(original, patch, schema, merge_key, mo, delete_list)
    } else {
        Ok((patch, original))
    }
}

/// The list being merged, with what the caller's view of it becomes.
///
/// Upstream merges a list of maps in place: a `$patch: delete` shifts the later elements down
/// inside the caller's array, and an appended element lands in the slot that frees, until the
/// array is full. The caller then orders the result by `$setElementOrder` against that view
/// (the server's `StrategicMergeMapPatch` sees it: its lists come from converting a typed
/// object, so they start full). Building the three-way patch never deletes from a list, so
/// there the view stays the original.
struct AliasedList {
    /// The list as the merge sees it.
    local: Vec<Value>,
    /// The caller's view: as long as the original array.
    view: Vec<Value>,
    /// Whether `local` still lives in the caller's array.
    aliased: bool,
}

impl AliasedList {
    fn new(original: Vec<Value>) -> AliasedList {
        AliasedList {
            view: original.clone(),
            local: original,
            aliased: true,
        }
    }

    fn remove(&mut self, i: usize) {
        self.local.remove(i);
        if self.aliased {
            let end = self.local.len();
            for p in i..end {
                self.view[p] = self.local[p].clone();
            }
        }
    }

    fn set(&mut self, i: usize, v: Value) {
        if self.aliased {
            self.view[i] = v.clone();
        }
        self.local[i] = v;
    }

    fn push(&mut self, v: Value) {
        let at = self.local.len();
        if self.aliased && at < self.view.len() {
            self.view[at] = v.clone();
        } else {
            self.aliased = false;
        }
        self.local.push(v);
    }
}

fn merge_lists(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    merge_key: &str,
    mo: MergeOpts,
    delete_list: bool,
) -> Result<Merged, String> {
    if original.is_empty() && patch.is_empty() {
        return Ok((original.clone(), original));
    }
    let k = element_kind(&[&original, &patch])?;
    if k != Kind::Object {
        if mo.merge_parallel_list && delete_list {
            let kept = original
                .iter()
                .filter(|v| !patch.iter().any(|d| go_equal(d, v)))
                .cloned()
                .collect();
            return Ok((kept, original));
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        let merged = dedupe_scalars(both);
        let (in_patch, server_only) = partition_scalars(&merged, &patch);
        let out = normalize_element_order(in_patch, server_only, &patch, &original, merge_key, k)?;
        return Ok((out, original));
    }
    if merge_key.is_empty() {
        return Err(format!(
            "cannot merge lists without merge key for {}",
            schema.type_name()
        ));
    }
    let mut list = AliasedList::new(original);
    let patch = apply_list_directives(&mut list, patch, merge_key)?;
    let server_order = list.local.clone();
    merge_list_elements(&mut list, &patch, merge_key, schema, mo)?;
    let (in_patch, server_only) = partition_maps(&list.local, &patch, merge_key)?;
    let out = normalize_element_order(in_patch, server_only, &patch, &server_order, merge_key, k)?;
    Ok((out, list.view))
}

/// The `$patch` elements of a patch list: `delete` removes the original's matching elements,
/// `replace` makes the patch's other elements the whole list. Returns the other elements.
fn apply_list_directives(
    list: &mut AliasedList,
    patch: Vec<Value>,
    merge_key: &str,
) -> Result<Vec<Value>, String> {
    let mut rest = Vec::new();
    let mut replace = false;
    for v in patch {
        let m = v.as_object().ok_or_else(|| not_a_map(&v))?;
        let Some(d) = m.get(DIRECTIVE) else {
            rest.push(v);
            continue;
        };
        match d.as_str() {
            Some(DELETE) => {
                let key = m.get(merge_key).ok_or_else(|| no_merge_key(m, merge_key))?;
                while let Some(i) = find_map(&list.local, merge_key, key)? {
                    list.remove(i);
                }
            }
            Some(REPLACE) => replace = true,
            Some(MERGE) => return Err("merging lists cannot yet be specified in the patch".into()),
            _ => {
                return Err(format!("Unknown patch type: {} in map: {v}", go_format(d)));
            }
        }
    }
    if replace {
        list.local = rest;
        list.aliased = false;
        return Ok(Vec::new());
    }
    Ok(rest)
}

fn merge_list_elements(
    list: &mut AliasedList,
    patch: &[Value],
    merge_key: &str,
    schema: Schema,
    mo: MergeOpts,
) -> Result<(), String> {
    for v in patch {
        let (m, key) = map_and_key(v, merge_key)?;
        match find_map(&list.local, merge_key, key)? {
            Some(i) => {
                let Value::Object(om) = list.local[i].take() else {
                    unreachable!("find_map returns maps")
                };
                let merged = Value::Object(merge_map(om, m.clone(), schema, mo)?);
                list.set(i, merged);
            }
            None => list.push(v.clone()),
        }
    }
    Ok(())
}

fn as_map(v: &Value) -> Result<Map<String, Value>, String> {
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Null => Ok(Map::new()),
        _ => Err("invalid JSON document: not an object".into()),
    }
}

/// Helm's client-side patch of a typed object: `CreateThreeWayMergePatch(original, modified,
/// current, schema, overwrite=true)`. `{}` means there is nothing to change.
pub fn three_way(
    original: &Value,
    modified: &Value,
    current: &Value,
    schema: Schema,
) -> Result<Value, String> {
    let (original, modified, current) = (as_map(original)?, as_map(modified)?, as_map(current)?);
    let delta = diff_maps(
        &current,
        &modified,
        schema,
        DiffOpts {
            set_element_order: true,
            ignore_deletions: true,
            ..Default::default()
        },
    )?;
    let deletions = diff_maps(
        &original,
        &modified,
        schema,
        DiffOpts {
            set_element_order: true,
            ignore_changes: true,
            ..Default::default()
        },
    )?;
    let patch = merge_map(
        deletions,
        delta,
        schema,
        MergeOpts {
            merge_parallel_list: false,
            ignore_unmatched_nulls: false,
        },
    )?;
    Ok(Value::Object(patch))
}

/// What the apiserver does with a strategic merge patch (`StrategicMergeMapPatch`).
pub fn apply(original: &Value, patch: &Value, schema: Schema) -> Result<Value, String> {
    let merged = merge_map(
        as_map(original)?,
        as_map(patch)?,
        schema,
        MergeOpts {
            merge_parallel_list: true,
            ignore_unmatched_nulls: true,
        },
    )?;
    Ok(Value::Object(merged))
}

// ---------------------------------------------------------------------------------------------
// JSON merge patch (RFC 7386), for what client-go does not type.

/// evanphx/json-patch's `CreateMergePatch`: changed and added fields as in `to`, fields `from`
/// had and `to` dropped set to null; lists are replaced whole.
pub fn merge_patch(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(a), Value::Object(b)) => Value::Object(merge_diff(a, b)),
        _ => to.clone(),
    }
}

fn merge_diff(a: &Map<String, Value>, b: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, bv) in b {
        match (a.get(k), bv) {
            (None, _) => {
                out.insert(k.clone(), bv.clone());
            }
            (Some(Value::Object(x)), Value::Object(y)) => {
                let d = merge_diff(x, y);
                if !d.is_empty() {
                    out.insert(k.clone(), Value::Object(d));
                }
            }
            (Some(av), _) if !go_equal(av, bv) => {
                out.insert(k.clone(), bv.clone());
            }
            _ => {}
        }
    }
    for k in a.keys() {
        if !b.contains_key(k) {
            out.insert(k.clone(), Value::Null);
        }
    }
    out
}

/// jsonmergepatch's `keepOrDeleteNullInObj`: only the nulls (deletions), or all but them.
fn keep_nulls(m: &Map<String, Value>, nulls: bool) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in m {
        match v {
            Value::Null if nulls => {
                out.insert(k.clone(), Value::Null);
            }
            Value::Null => {}
            // An explicitly empty map is a value, not an empty patch.
            Value::Object(sub) if sub.is_empty() && !nulls => {
                out.insert(k.clone(), v.clone());
            }
            Value::Object(sub) if sub.is_empty() => {}
            Value::Object(sub) => {
                let sub = keep_nulls(sub, nulls);
                if !sub.is_empty() {
                    out.insert(k.clone(), Value::Object(sub));
                }
            }
            _ if !nulls => {
                out.insert(k.clone(), v.clone());
            }
            _ => {}
        }
    }
    out
}

/// Removes nulls from maps, also inside lists (evanphx's `pruneNulls`).
fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(prune_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

/// evanphx's `MergePatch` of a null-free patch into `doc`.
fn merge_into(doc: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (k, mut v) in patch {
        match (doc.get_mut(&k), v.is_object()) {
            (Some(Value::Object(cur)), true) => {
                if let Value::Object(p) = v {
                    merge_into(cur, p);
                }
            }
            // A map replaced by a scalar or list is taken as is.
            (Some(Value::Object(_)), false) => {
                doc.insert(k, v);
            }
            _ => {
                prune_nulls(&mut v);
                doc.insert(k, v);
            }
        }
    }
}

/// jsonmergepatch's `CreateThreeWayJSONMergePatch` with the preconditions kubectl (and Helm)
/// give it: additions and changes from `current` to `modified`, deletions from `original` to
/// `modified`; apiVersion, kind and metadata.name must not change.
pub fn three_way_merge_patch(
    original: &Value,
    modified: &Value,
    current: &Value,
) -> Result<Value, String> {
    let (original, modified, current) = (as_map(original)?, as_map(modified)?, as_map(current)?);
    let changes = keep_nulls(&merge_diff(&current, &modified), false);
    let mut patch = keep_nulls(&merge_diff(&original, &modified), true);
    merge_into(&mut patch, changes);
    let changed = |k: &str| patch.contains_key(k);
    let name_changed = patch
        .get("metadata")
        .and_then(Value::as_object)
        .is_some_and(|m| m.contains_key("name"));
    if changed("apiVersion") || changed("kind") || name_changed {
        return Err(format!(
            "precondition failed for: {}: at least one field was changed: apiVersion, kind or name",
            Value::Object(patch)
        ));
    }
    Ok(Value::Object(patch))
}

#[cfg(test)]
mod tests {
    //! Expected patches are worked out by hand from apimachinery's algorithm (see the module
    //! docs); each is also applied to the live object to show where it leaves it.
    use super::*;

    fn apps_doc() -> Value {
        serde_json::from_str(include_str!(
            "../../../tests/fixtures/openapi-v3/apis__apps__v1.json"
        ))
        .unwrap()
    }

    fn core_doc() -> Value {
        serde_json::from_str(include_str!(
            "../../../tests/fixtures/openapi-v3/api__v1.json"
        ))
        .unwrap()
    }

    /// The patch, and the live object after the server applied it.
    fn run(
        doc: &Value,
        gvk: (&str, &str, &str),
        original: Value,
        modified: Value,
        current: Value,
    ) -> (Value, Value) {
        let schema = Schema::for_kind(doc, gvk.0, gvk.1, gvk.2).unwrap();
        let patch = three_way(&original, &modified, &current, schema).unwrap();
        let applied = apply(&current, &patch, schema).unwrap();
        (patch, applied)
    }

    #[test]
    fn configmap_keys_dropped_by_the_chart_go_and_live_only_keys_stay() {
        let meta = json!({"name": "c", "namespace": "default"});
        let mut live_meta = meta.clone();
        live_meta["uid"] = json!("u1");
        live_meta["resourceVersion"] = json!("7");
        let (patch, live) = run(
            &core_doc(),
            ("", "v1", "ConfigMap"),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"a": "1", "b": "2"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"a": "1", "c": "3"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": live_meta,
                   "data": {"a": "1", "b": "2", "x": "added live"}}),
        );
        assert_eq!(patch, json!({"data": {"b": null, "c": "3"}}));
        assert_eq!(live["data"], json!({"a": "1", "c": "3", "x": "added live"}));
        assert_eq!(live["metadata"]["uid"], "u1");
    }

    fn deployment(replicas: i64, image: &str, env: Value) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
               "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
               "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "app", "image": image, "env": env}]}}}})
    }

    #[test]
    fn deployment_env_by_merge_key_with_element_order_and_live_changes() {
        let original = deployment(
            1,
            "nginx:1",
            json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]),
        );
        let modified = deployment(
            1,
            "nginx:2",
            json!([{"name": "A", "value": "1"}, {"name": "C", "value": "3"}]),
        );
        // Live: scaled to 3, annotated, a sidecar injected, defaults filled in.
        let mut current = original.clone();
        current["metadata"]["annotations"] = json!({"note": "by kubectl"});
        current["spec"]["replicas"] = json!(3);
        current["spec"]["strategy"] = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}});
        let containers = &mut current["spec"]["template"]["spec"]["containers"];
        containers[0]["imagePullPolicy"] = json!("IfNotPresent");
        containers
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "sidecar", "image": "envoy"}));
        current["status"] = json!({"replicas": 3});
        let (patch, live) = run(
            &apps_doc(),
            ("apps", "v1", "Deployment"),
            original,
            modified,
            current,
        );
        assert_eq!(
            patch,
            json!({"spec": {
                // The chart sets replicas: the live scale is reverted.
                "replicas": 1,
                "template": {"spec": {
                    "$setElementOrder/containers": [{"name": "app"}],
                    "containers": [{
                        "$setElementOrder/env": [{"name": "A"}, {"name": "C"}],
                        "env": [{"name": "C", "value": "3"}, {"$patch": "delete", "name": "B"}],
                        "image": "nginx:2",
                        "name": "app"
                    }]
                }}
            }})
        );
        let c = &live["spec"]["template"]["spec"]["containers"];
        assert_eq!(
            c,
            &json!([
                {"name": "app", "image": "nginx:2", "imagePullPolicy": "IfNotPresent",
                 "env": [{"name": "A", "value": "1"}, {"name": "C", "value": "3"}]},
                {"name": "sidecar", "image": "envoy"}
            ])
        );
        assert_eq!(live["spec"]["replicas"], 1);
        assert_eq!(live["metadata"]["annotations"]["note"], "by kubectl");
        assert_eq!(live["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    }

    #[test]
    fn primitive_merge_list_deletes_in_a_parallel_list() {
        let cm = |f: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": f}});
        let (patch, live) = run(
            &core_doc(),
            ("", "v1", "ConfigMap"),
            cm(json!(["a", "b"])),
            cm(json!(["a", "c"])),
            cm(json!(["b", "a", "x"])),
        );
        assert_eq!(
            patch,
            json!({"metadata": {
                "$deleteFromPrimitiveList/finalizers": ["b"],
                "$setElementOrder/finalizers": ["a", "c"],
                "finalizers": ["c"]
            }})
        );
        // b dropped by the chart, c added, x (added live) kept.
        assert_eq!(live["metadata"]["finalizers"], json!(["a", "c", "x"]));
    }

    #[test]
    fn an_unsorted_unchanged_primitive_list_still_sends_its_order() {
        // Upstream compares the target with the live list after sorting the latter in place.
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["b", "a"]}});
        let (patch, live) = run(
            &core_doc(),
            ("", "v1", "ConfigMap"),
            cm.clone(),
            cm.clone(),
            cm.clone(),
        );
        assert_eq!(
            patch,
            json!({"metadata": {"$setElementOrder/finalizers": ["b", "a"]}})
        );
        assert_eq!(live, cm);
        let sorted = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["a", "b"]}});
        let (patch, _) = run(
            &core_doc(),
            ("", "v1", "ConfigMap"),
            sorted.clone(),
            sorted.clone(),
            sorted,
        );
        assert_eq!(patch, json!({}));
    }

    #[test]
    fn retain_keys_clears_what_the_chart_does_not_set() {
        let d = |strategy: Value| {
            let mut d = deployment(1, "nginx", json!([]));
            d["spec"]["strategy"] = strategy;
            d
        };
        let recreate = json!({"type": "Recreate"});
        let rolling = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}});
        let (patch, live) = run(
            &apps_doc(),
            ("apps", "v1", "Deployment"),
            d(recreate.clone()),
            d(rolling.clone()),
            d(recreate.clone()),
        );
        assert_eq!(
            patch,
            json!({"spec": {"strategy": {
                "$retainKeys": ["rollingUpdate", "type"],
                "rollingUpdate": {"maxSurge": 1},
                "type": "RollingUpdate"
            }}})
        );
        assert_eq!(live["spec"]["strategy"], rolling);
        // Back: the server had defaulted maxUnavailable; $retainKeys clears rollingUpdate whole.
        let live_rolling = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}});
        let (patch, live) = run(
            &apps_doc(),
            ("apps", "v1", "Deployment"),
            d(rolling),
            d(recreate.clone()),
            d(live_rolling.clone()),
        );
        assert_eq!(
            patch,
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": null, "type": "Recreate"}}})
        );
        assert_eq!(live["spec"]["strategy"], recreate);
        // Unchanged in the chart, but the live map has keys the chart lacks: $retainKeys again.
        let (patch, _) = run(
            &apps_doc(),
            ("apps", "v1", "Deployment"),
            d(json!({"type": "RollingUpdate"})),
            d(json!({"type": "RollingUpdate"})),
            d(live_rolling),
        );
        assert_eq!(
            patch,
            json!({"spec": {"strategy": {"$retainKeys": ["type"]}}})
        );
    }

    #[test]
    fn volumes_merge_by_name_and_retain_keys_per_element() {
        let d = |vol: Value| {
            let mut d = deployment(1, "nginx", json!([]));
            d["spec"]["template"]["spec"]["volumes"] = json!([vol]);
            d
        };
        let (patch, live) = run(
            &apps_doc(),
            ("apps", "v1", "Deployment"),
            d(json!({"name": "data", "emptyDir": {}})),
            d(json!({"name": "data", "configMap": {"name": "cm"}})),
            d(json!({"name": "data", "emptyDir": {}})),
        );
        assert_eq!(
            patch["spec"]["template"]["spec"],
            json!({
                "$setElementOrder/volumes": [{"name": "data"}],
                "volumes": [{"$retainKeys": ["configMap", "name"], "configMap": {"name": "cm"}, "emptyDir": null, "name": "data"}]
            })
        );
        assert_eq!(
            live["spec"]["template"]["spec"]["volumes"],
            json!([{"name": "data", "configMap": {"name": "cm"}}])
        );
    }

    #[test]
    fn service_ports_merge_on_port_only() {
        let svc = |ports: Value| {
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                                        "spec": {"type": "ClusterIP", "ports": ports}})
        };
        let http = json!({"name": "http", "port": 80, "targetPort": 8080});
        let https = json!({"name": "https", "port": 443, "targetPort": 8443});
        let mut current =
            svc(json!([{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]));
        current["spec"]["clusterIP"] = json!("10.0.0.7");
        let (patch, live) = run(
            &core_doc(),
            ("", "v1", "Service"),
            svc(json!([http])),
            svc(json!([http, https])),
            current,
        );
        assert_eq!(
            patch,
            json!({"spec": {
                "$setElementOrder/ports": [{"port": 80}, {"port": 443}],
                "ports": [{"name": "https", "port": 443, "targetPort": 8443}]
            }})
        );
        assert_eq!(live["spec"]["clusterIP"], "10.0.0.7");
        assert_eq!(
            live["spec"]["ports"],
            json!([{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}, https])
        );
    }

    #[test]
    fn nothing_to_change_is_an_empty_patch() {
        let target = deployment(2, "nginx:1", json!([{"name": "A", "value": "1"}]));
        let mut current = target.clone();
        current["metadata"]["uid"] = json!("u");
        current["metadata"]["managedFields"] = json!([{"manager": "helm"}]);
        current["spec"]["template"]["spec"]["containers"][0]["terminationMessagePath"] =
            json!("/dev/termination-log");
        current["status"] = json!({"replicas": 2});
        let (patch, _) = run(
            &apps_doc(),
            ("apps", "v1", "Deployment"),
            target.clone(),
            target,
            current,
        );
        assert_eq!(patch, json!({}));
    }

    #[test]
    fn the_live_object_as_original_removes_what_the_target_lacks() {
        // Helm's baseline for an object new to the release but already on the cluster.
        let live = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "default", "uid": "u", "resourceVersion": "9",
                         "labels": {"team": "x"}},
            "data": {"a": "1", "old": "2"}});
        let target = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "default", "labels": {"app.kubernetes.io/managed-by": "Helm"}},
            "data": {"a": "1"}});
        let (patch, _) = run(
            &core_doc(),
            ("", "v1", "ConfigMap"),
            live.clone(),
            target,
            live,
        );
        assert_eq!(
            patch,
            json!({"data": {"old": null},
                   "metadata": {"labels": {"app.kubernetes.io/managed-by": "Helm", "team": null},
                                "resourceVersion": null, "uid": null}})
        );
    }

    #[test]
    fn replace_strategy_and_missing_metadata() {
        let doc = json!({"components": {"schemas": {
            "PDB": {"type": "object", "properties": {
                "spec": {"allOf": [{"$ref": "#/components/schemas/PDBSpec"}]}},
                "x-kubernetes-group-version-kind": [{"group": "policy", "kind": "PodDisruptionBudget", "version": "v1"}]},
            "PDBSpec": {"type": "object", "properties": {
                "selector": {"type": "object", "x-kubernetes-patch-strategy": "replace",
                             "properties": {"matchLabels": {"type": "object", "additionalProperties": {"type": "string"}}}},
                "minAvailable": {"type": "integer"},
                "keyless": {"type": "array", "items": {"type": "object"}, "x-kubernetes-patch-strategy": "merge"}}}}}});
        let gvk = ("policy", "v1", "PodDisruptionBudget");
        let pdb = json!({"spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}});
        // A `replace` map is sent whole whenever the target has it, changed or not.
        let (patch, _) = run(&doc, gvk, pdb.clone(), pdb.clone(), pdb.clone());
        assert_eq!(
            patch,
            json!({"spec": {"selector": {"matchLabels": {"app": "web"}}}})
        );
        let schema = Schema::for_kind(&doc, gvk.0, gvk.1, gvk.2).unwrap();
        // A field the schema lacks is fine while unchanged, an error once it differs.
        let unknown = |v: i64| json!({"spec": {"minAvailable": 1, "extra": {"x": v}}});
        assert_eq!(
            three_way(&unknown(1), &unknown(1), &unknown(1), schema).unwrap(),
            json!({})
        );
        assert_eq!(
            three_way(&unknown(1), &unknown(2), &unknown(1), schema).unwrap_err(),
            "unable to find api field in struct PDBSpec for the json field \"extra\""
        );
        // A merge list of maps without a merge key cannot be diffed.
        let keyless = |v: Value| json!({"spec": {"keyless": [v]}});
        assert!(
            three_way(
                &keyless(json!({"a": 1})),
                &keyless(json!({"a": 2})),
                &keyless(json!({"a": 1})),
                schema
            )
            .unwrap_err()
            .contains("does not contain declared merge key")
        );
        assert_eq!(
            three_way(&json!({}), &json!([1]), &json!({}), schema).unwrap_err(),
            "invalid JSON document: not an object"
        );
    }

    #[test]
    fn go_formatting_and_dedupe_match_upstream() {
        assert_eq!(go_format(&json!(80)), "80");
        assert_eq!(go_format(&json!(1.5)), "1.5");
        assert_eq!(go_format(&json!(2.0)), "2");
        assert_eq!(go_format(&json!(1234567.5)), "1.2345675e+06");
        assert_eq!(go_format(&json!(0.00001)), "1e-05");
        assert_eq!(go_format(&Value::Null), "<nil>");
        assert!(go_equal(&json!({"a": [1, 2.0]}), &json!({"a": [1.0, 2]})));
        // Each duplicate is overwritten by the last element.
        assert_eq!(
            dedupe_scalars(vec![json!("a"), json!("a"), json!("b"), json!("c")]),
            vec![json!("a"), json!("c"), json!("b")]
        );
    }

    #[test]
    fn json_merge_patches() {
        assert_eq!(
            merge_patch(
                &json!({"a": {"x": 1, "y": 2}, "l": [1, 2], "n": 1}),
                &json!({"a": {"x": 1, "z": 3}, "l": [1, 2], "n": 1.0})
            ),
            json!({"a": {"y": null, "z": 3}})
        );
        assert_eq!(
            merge_patch(&json!({"l": [1]}), &json!({"l": [1, 2]})),
            json!({"l": [1, 2]})
        );
        // Three-way: changes against the live object, deletions against the original; what
        // only the live object has stays.
        let original = json!({"kind": "W", "spec": {"a": 1, "b": 2}});
        let modified = json!({"kind": "W", "spec": {"a": 1, "c": 3, "m": {}}});
        let current = json!({"kind": "W", "spec": {"a": 5, "b": 2, "d": 4}});
        assert_eq!(
            three_way_merge_patch(&original, &modified, &current).unwrap(),
            json!({"spec": {"a": 1, "b": null, "c": 3, "m": {}}})
        );
        assert_eq!(
            three_way_merge_patch(&original, &original, &original).unwrap(),
            json!({})
        );
        let err = three_way_merge_patch(&original, &json!({"kind": "V"}), &current).unwrap_err();
        assert!(
            err.ends_with("at least one field was changed: apiVersion, kind or name"),
            "{err}"
        );
    }
}

#[cfg(test)]
mod kubectl_oracle {
    //! Patches `kubectl apply --server-side=false` sent to a real apiserver, computed again.
    use super::*;

    #[test]
    fn kubectl_apply_patches() {
        let apps: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/openapi-v3/apis__apps__v1.json"
        ))
        .unwrap();
        let core: Value = serde_json::from_str(include_str!(
            "../../../tests/fixtures/openapi-v3/api__v1.json"
        ))
        .unwrap();
        for text in [
            include_str!("../../../tests/fixtures/kubectl-apply/deployment.json"),
            include_str!("../../../tests/fixtures/kubectl-apply/configmap.json"),
            include_str!("../../../tests/fixtures/kubectl-apply/service.json"),
        ] {
            let c: Value = serde_json::from_str(text).unwrap();
            let kind = c["modified"]["kind"].as_str().unwrap();
            let (doc, group) = if kind == "Deployment" {
                (&apps, "apps")
            } else {
                (&core, "")
            };
            let schema = Schema::for_kind(doc, group, "v1", kind).unwrap();
            let patch = three_way(&c["original"], &c["modified"], &c["current"], schema).unwrap();
            assert_eq!(patch, c["patch"], "{kind}");
            assert_eq!(c["content_type"], "application/strategic-merge-patch+json");
        }
    }
}
