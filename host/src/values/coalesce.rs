//! Values against the chart tree, as Helm's `chartutil` does it:
//! [`process_dependencies`] (conditions, tags, aliases, import-values) and
//! [`coalesce_values`] (chart defaults under the user's values, `null`
//! deleting keys, globals flowing down). Go's maps are references, and the
//! algorithm relies on that aliasing; [`Map`] has the same semantics, so the
//! code follows Helm step by step, including which maps are copied.

use whelm_template::Value;
use whelm_template::value::Map;

use crate::chart::semver::is_compatible_range;
use crate::chart::{Chart, Dependency};

const GLOBAL: &str = "global";

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// Helm's `CoalesceValues`: the user's values (copied) over the chart's
/// defaults and its subcharts', with `null` deleting defaults.
pub fn coalesce_values(c: &Chart, vals: &Map) -> Result<Map, String> {
    let dest = vals.deep_clone();
    coalesce(c, &dest, "", false)?;
    Ok(dest)
}

/// Helm's `MergeValues`: as [`coalesce_values`] but `null`s are kept.
pub fn merge_values(c: &Chart, vals: &Map) -> Result<Map, String> {
    let dest = vals.deep_clone();
    coalesce(c, &dest, "", true)?;
    Ok(dest)
}

fn coalesce(c: &Chart, dest: &Map, prefix: &str, merge: bool) -> Result<(), String> {
    coalesce_chart_values(c, dest, prefix, merge);
    coalesce_deps(c, dest, prefix, merge)
}

/// Go's `%t` verb applied to a non-bool value.
fn bad_verb_t(v: &Value) -> String {
    match v {
        Value::Nil => "%!t(<nil>)".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => format!("%!t(string={s})"),
        Value::Int64(i) => format!("%!t(int64={i})"),
        Value::Int(i) => format!("%!t(int={i})"),
        Value::Float(f) => format!(
            "%!t(float64={})",
            whelm_template::num::format_float(*f, 'g', -1)
        ),
        v => format!("%!t({}=…)", v.type_name()),
    }
}

fn coalesce_deps(c: &Chart, dest: &Map, prefix: &str, merge: bool) -> Result<(), String> {
    for sub in &c.dependencies {
        let name = sub.name();
        let dv = match dest.get(name) {
            None => {
                let m = Map::new();
                dest.insert(name, Value::Map(m.clone()));
                m
            }
            Some(Value::Map(m)) => m,
            Some(v) => {
                return Err(format!("type mismatch on {name}: {}", bad_verb_t(&v)));
            }
        };
        let sub_prefix = concat_prefix(prefix, c.name());
        coalesce_globals(&dv, dest);
        coalesce(sub, &dv, &sub_prefix, merge)?;
    }
    Ok(())
}

/// Copies the parent's `global` into the child's (the parent wins).
fn coalesce_globals(dest: &Map, src: &Map) {
    let dg = match dest.get(GLOBAL) {
        None => Map::new(),
        Some(Value::Map(m)) => m,
        Some(_) => return,
    };
    let sg = match src.get(GLOBAL) {
        None => Map::new(),
        Some(Value::Map(m)) => m,
        Some(_) => return,
    };
    for (key, val) in sg.entries() {
        if let Value::Map(vm) = &val {
            let vv = vm.shallow_clone();
            match dg.get(&key) {
                None => dg.insert(key, Value::Map(vv)),
                Some(Value::Map(destv)) => {
                    coalesce_tables(&vv, &destv, true);
                    dg.insert(key, Value::Map(vv));
                }
                Some(_) => {}
            }
        } else if matches!(dg.get(&key), Some(Value::Map(_))) {
            // A table in the child is not replaced by a scalar.
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert(GLOBAL, Value::Map(dg));
}

fn child_chart_merge_true(c: &Chart, key: &str, merge: bool) -> bool {
    merge || c.dependencies.iter().any(|d| d.name() == key)
}

fn coalesce_chart_values(c: &Chart, v: &Map, _prefix: &str, merge: bool) {
    let vc = c.values.deep_clone();
    for (key, val) in vc.entries() {
        match v.get(&key) {
            Some(value) => {
                if value.is_nil() && !merge {
                    v.remove(&key);
                } else if let Value::Map(dest) = value
                    && let Value::Map(src) = &val
                {
                    let merge = child_chart_merge_true(c, &key, merge);
                    if !merge {
                        clean_nil_values(src);
                    }
                    coalesce_tables(&dest, src, merge);
                }
            }
            None => {
                if !merge {
                    if val.is_nil() {
                        continue;
                    }
                    if let Value::Map(sub) = &val {
                        clean_nil_values(sub);
                    }
                }
                v.insert(key, val);
            }
        }
    }
}

/// Helm's `CoalesceTables`: `src` under `dst` (which wins).
pub fn coalesce_tables_into(dst: &Map, src: &Map) {
    coalesce_tables(dst, src, false);
}

/// Helm's `MergeTables`: as [`coalesce_tables_into`] but keeping `null`s.
pub fn merge_tables(dst: &Map, src: &Map) {
    coalesce_tables(dst, src, true);
}

/// Helm's `coalesceTablesFullKey` (which also writes into `src`).
fn coalesce_tables(dst: &Map, src: &Map, merge: bool) {
    let src_non_nil: Vec<String> = src
        .entries()
        .into_iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, _)| k)
        .collect();
    for (key, val) in dst.entries() {
        if val.is_nil() {
            src.insert(key, Value::Nil);
        }
    }
    for (key, val) in src.entries() {
        let dv = dst.get(&key);
        match dv {
            Some(Value::Nil) if !merge && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => dst.insert(key, val),
            Some(dv) => {
                if let (Value::Map(sv), Value::Map(dm)) = (&val, &dv) {
                    coalesce_tables(dm, sv, merge);
                }
            }
        }
    }
}

fn clean_nil_values(m: &Map) {
    for (key, val) in m.entries() {
        match val {
            Value::Nil => {
                m.remove(&key);
            }
            Value::Map(sub) => clean_nil_values(&sub),
            _ => {}
        }
    }
}

/// `Values.Table(path)`: the map at a dotted path, if every step is a map.
pub fn table(v: &Map, path: &str) -> Option<Map> {
    let mut cur = v.clone();
    for part in path.split('.') {
        match cur.get(part) {
            Some(Value::Map(m)) => cur = m,
            _ => return None,
        }
    }
    Some(cur)
}

/// `Values.PathValue(path)`: a non-table value at a dotted path.
fn path_value(v: &Map, path: &str) -> Option<Value> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(v, p)?, k),
        None => (v.clone(), path),
    };
    match parent.get(key) {
        Some(Value::Map(_)) | None => None,
        Some(x) => Some(x),
    }
}

fn process_tags(reqs: &mut [Dependency], cvals: &Map) {
    let Some(vt) = table(cvals, "tags") else {
        return;
    };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(Value::Bool(b)) = vt.get(k) {
                if b {
                    has_true = true;
                } else {
                    has_false = true;
                }
            }
        }
        // Disabled only when no tag is true and one is false.
        r.enabled = has_true || !has_false;
    }
}

fn process_conditions(reqs: &mut [Dependency], cvals: &Map, cpath: &str) {
    for r in reqs {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(cvals, &format!("{cpath}{c}")) {
                r.enabled = b;
                break;
            }
        }
    }
}

/// Helm's `getAliasDependency`: a copy of the subchart `dep` names (in a
/// compatible version), renamed to its alias.
fn alias_dependency(charts: &[Chart], dep: &Dependency) -> Option<Chart> {
    let c = charts
        .iter()
        .find(|c| c.name() == dep.name && is_compatible_range(&dep.version, &c.metadata.version))?;
    let mut out = c.clone();
    if !dep.alias.is_empty() {
        out.metadata.name = dep.alias.clone();
    }
    Some(out)
}

fn process_enabled(c: &mut Chart, v: &Map, path: &str) -> Result<(), String> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let mut chart_deps: Vec<Chart> = c
        .dependencies
        .iter()
        .filter(|existing| {
            !c.metadata.dependencies.iter().any(|req| {
                existing.name() == req.name
                    && is_compatible_range(&req.version, &existing.metadata.version)
            })
        })
        .cloned()
        .collect();
    for req in &mut c.metadata.dependencies {
        if let Some(d) = alias_dependency(&c.dependencies, req) {
            chart_deps.push(d);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.dependencies = chart_deps;
    for r in &mut c.metadata.dependencies {
        r.enabled = true;
    }
    let cvals = coalesce_values(c, v)?;
    process_tags(&mut c.metadata.dependencies, &cvals);
    process_conditions(&mut c.metadata.dependencies, &cvals, path);
    let rm: Vec<String> = c
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies.retain(|d| !rm.iter().any(|n| n == d.name()));
    c.metadata.dependencies.retain(|r| !rm.contains(&r.name));
    for t in &mut c.dependencies {
        let sub = format!("{path}{}.", t.name());
        process_enabled(t, &cvals, &sub)?;
    }
    Ok(())
}

/// Go's `%v` for the scalars an import-values entry holds.
fn go_v(v: Option<Value>) -> String {
    match v {
        None | Some(Value::Nil) => "<nil>".into(),
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Int(i) | Value::Int64(i)) => i.to_string(),
        Some(Value::Float(f)) => whelm_template::num::format_float(f, 'g', -1),
        Some(v) => format!("{v:?}"),
    }
}

fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let m = Map::new();
        m.insert(part, Value::Map(cur));
        cur = m;
    }
    cur
}

fn non_empty(m: Map) -> Map {
    if m.is_empty() { Map::new() } else { m }
}

fn process_import_values(c: &mut Chart) -> Result<(), String> {
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = merge_values(c, &Map::new())?;
    let b = Map::new();
    for r in &mut c.metadata.dependencies {
        let mut outiv = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Map(iv) => {
                    let child = go_v(iv.get("child"));
                    let parent = go_v(iv.get("parent"));
                    let m = Map::new();
                    m.insert("child", Value::str(&child));
                    m.insert("parent", Value::str(&parent));
                    outiv.push(Value::Map(m));
                    if let Some(vv) = table(&cvals, &format!("{}.{child}", r.name)) {
                        merge_tables(&b, &path_to_map(&parent, non_empty(vv)));
                    }
                }
                Value::String(s) => {
                    let child = format!("exports.{s}");
                    let m = Map::new();
                    m.insert("child", Value::str(&child));
                    m.insert("parent", Value::str("."));
                    outiv.push(Value::Map(m));
                    if let Some(vm) = table(&cvals, &format!("{}.{child}", r.name)) {
                        merge_tables(&b, &non_empty(vm));
                    }
                }
                _ => {}
            }
        }
        r.import_values = outiv;
    }
    let cvals = cvals.deep_clone();
    merge_tables(&cvals, &b);
    c.values = cvals;
    Ok(())
}

fn process_import_values_tree(c: &mut Chart) -> Result<(), String> {
    for d in &mut c.dependencies {
        process_import_values_tree(d)?;
    }
    process_import_values(c)
}

/// Helm's `ProcessDependencies`: applies aliases, drops subcharts disabled
/// by conditions or tags (at every level), then imports child values into
/// parents (`import-values`), bottom-up. The chart tree is changed in place.
pub fn process_dependencies(c: &mut Chart, vals: &Map) -> Result<(), String> {
    process_enabled(c, vals, "")?;
    process_import_values_tree(c)
}

/// The values each chart's templates see: `(chart full path, values)` for
/// the root (all of `vals`) and every subchart (its parent's table under
/// its name, or an empty map), depth first.
pub fn scoped_values(c: &Chart, vals: &Map) -> Vec<(String, Map)> {
    let mut out = Vec::new();
    fn walk(c: &Chart, path: String, vals: Map, out: &mut Vec<(String, Map)>) {
        out.push((path.clone(), vals.clone()));
        for d in &c.dependencies {
            let sub = table(&vals, d.name()).unwrap_or_default();
            walk(d, format!("{path}/charts/{}", d.name()), sub, out);
        }
    }
    walk(c, c.name().to_string(), vals.clone(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::load;
    use std::path::Path;

    fn j(m: &Map) -> String {
        whelm_template::json::marshal(&Value::Map(m.clone())).unwrap()
    }

    fn run(chart: &str, user: &str) -> Option<(Chart, Map)> {
        let p = Path::new("/work/shared/corpus/charts").join(chart);
        if !p.exists() {
            return None;
        }
        let mut c = load(&p).unwrap();
        let vals = crate::values::load_values(user).unwrap();
        process_dependencies(&mut c, &vals).unwrap();
        let out = coalesce_values(&c, &vals).unwrap();
        Some((c, out))
    }

    fn scoped(c: &Chart, vals: &Map, path: &str) -> String {
        let all = scoped_values(c, vals);
        let (_, v) = all.iter().find(|(p, _)| p == path).expect(path);
        j(v)
    }

    // Expected values below were recorded with helm 4.3.1, rendering
    // `{{ toJson .Values }}` probes in copies of the corpus charts.

    #[test]
    fn subchart_import_values_and_globals() {
        let Some((c, v)) = run("helm-subchart", "") else {
            return;
        };
        assert_eq!(
            scoped(&c, &v, "subchart/charts/subcharta"),
            r#"{"SCAdata":{"SCAbool":false,"SCAfloat":3.1,"SCAint":55,"SCAnested1":{"SCAnested2":true},"SCAstring":"jabba","SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba"},"global":{},"service":{"externalPort":80,"internalPort":80,"name":"apache","type":"ClusterIP"}}"#
        );
        assert_eq!(
            j(&v),
            r#"{"SC1data":{"SC1bool":true,"SC1extra1":11,"SC1float":3.14,"SC1int":100,"SC1string":"dollywood"},"SCBexported1A":{"SC1extra7":true,"SCBexported1B":1965},"configmap":{"enabled":false,"value":"foo"},"exports":{"SC1exported1":{"global":{"SC1exported2":{"all":{"SC1exported3":"SC1expstr"}}}},"SCBexported2":{"SCBexported2A":"blaster"}},"imported-chartA":{"SC1extra2":1.337,"SCAbool":false,"SCAfloat":3.1,"SCAint":55,"SCAnested1":{"SCAnested2":true},"SCAstring":"jabba","SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba"},"imported-chartA-B":{"SC1extra5":"tiller","SCAbool":false,"SCAfloat":3.1,"SCAint":55,"SCAnested1":{"SCAnested2":true},"SCAstring":"jabba","SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba"},"imported-chartB":{"SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba"},"overridden-chartA":{"SC1extra3":true,"SCAbool":true,"SCAfloat":3.14,"SCAint":100,"SCAnested1":{"SCAnested2":true},"SCAstring":"jabbathehut","SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba"},"overridden-chartA-B":{"SC1extra6":77,"SCAbool":true,"SCAextra1":23,"SCAfloat":3.33,"SCAint":555,"SCAstring":"wormwood","SCBbool":true,"SCBextra1":13,"SCBfloat":0.25,"SCBint":98,"SCBstring":"murkwood"},"service":{"externalPort":80,"internalPort":80,"name":"nginx","type":"ClusterIP"},"subcharta":{"SCAdata":{"SCAbool":false,"SCAfloat":3.1,"SCAint":55,"SCAnested1":{"SCAnested2":true},"SCAstring":"jabba","SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba"},"global":{},"service":{"externalPort":80,"internalPort":80,"name":"apache","type":"ClusterIP"}},"subchartb":{"SCBdata":{"SCBbool":true,"SCBfloat":7.77,"SCBint":33,"SCBstring":"boba"},"exports":{"SCBexported1":{"SCBexported1A":{"SCBexported1B":1965}},"SCBexported2":{"SCBexported2A":"blaster"},"configmap":{"configmap":{"value":"bar"}}},"global":{"kolla":{"nova":{"api":{"all":{"port":8774}},"metadata":{"all":{"port":8775}}}}},"service":{"externalPort":80,"internalPort":80,"name":"nginx","type":"ClusterIP"}}}"#
        );
        let md = whelm_template::json::marshal(&c.metadata_value(true)).unwrap();
        assert_eq!(
            md,
            r#"{"APIVersion":"v1","Annotations":null,"AppVersion":"","Condition":"","Dependencies":[{"Alias":"","Condition":"subcharta.enabled","Enabled":true,"ImportValues":[{"child":"SCAdata","parent":"imported-chartA"},{"child":"SCAdata","parent":"overridden-chartA"},{"child":"SCAdata","parent":"imported-chartA-B"}],"Name":"subcharta","Repository":"http://localhost:10191","Tags":["front-end","subcharta"],"Version":"0.1.0"},{"Alias":"","Condition":"subchartb.enabled","Enabled":true,"ImportValues":[{"child":"SCBdata","parent":"imported-chartB"},{"child":"SCBdata","parent":"imported-chartA-B"},{"child":"exports.SCBexported2","parent":"exports.SCBexported2"},{"child":"exports.configmap","parent":"."},{"child":"exports.SCBexported1","parent":"."}],"Name":"subchartb","Repository":"http://localhost:10191","Tags":["front-end","subchartb"],"Version":"0.1.0"}],"Deprecated":false,"Description":"A Helm chart for Kubernetes","Home":"","Icon":"","IsRoot":true,"Keywords":[],"KubeVersion":"","Maintainers":[],"Name":"subchart","Sources":[],"Tags":"","Type":"","Version":"0.1.0"}"#
        );
    }
}

#[cfg(test)]
mod recorded {
    //! `.Values` of every rendered chart as helm 4.3.1 printed them
    //! (`{{ toJson .Values }}` probes in copies of the corpus charts, with
    //! the `--set` flags stored beside them in `testdata/*.json`).

    use super::*;
    use std::path::Path;

    fn check(fixture: &str, chart: &str) {
        let dir = Path::new("/work/shared/corpus/charts").join(chart);
        if !dir.exists() {
            return;
        }
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/values/testdata")
            .join(fixture);
        let rec = whelm_template::json::unmarshal(&std::fs::read_to_string(path).unwrap()).unwrap();
        let rec = rec.as_map().unwrap();
        let sets: Vec<String> = rec
            .get("set")
            .unwrap()
            .as_list()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .filter(|s| s != "--set")
            .collect();
        let opts = crate::values::Options {
            values: sets,
            ..Default::default()
        };
        let user = opts.merge(&crate::values::LocalFiles).unwrap();
        let mut c = crate::chart::load(&dir).unwrap();
        process_dependencies(&mut c, &user).unwrap();
        let vals = coalesce_values(&c, &user).unwrap();
        let ours: std::collections::BTreeMap<String, Map> = scoped_values(&c, &vals)
            .into_iter()
            .map(|(p, v)| {
                (
                    p.split_once('/').map_or(String::new(), |x| x.1.to_string()),
                    v,
                )
            })
            .collect();
        let want = rec.get("values").unwrap();
        for (p, json) in want.as_map().unwrap().entries() {
            let key = p.split_once('/').map_or(String::new(), |x| x.1.to_string());
            let got = ours
                .get(&key)
                .unwrap_or_else(|| panic!("{fixture}: no chart {p} (have {:?})", ours.keys()));
            let got = whelm_template::json::marshal(&Value::Map(got.clone())).unwrap();
            assert_eq!(got, json.as_str().unwrap(), "{fixture}: {p}");
        }
    }

    #[test]
    fn issue_9027_null_removes_subchart_and_global_keys() {
        check("helm-issue-9027.json", "helm-issue-9027");
    }

    #[test]
    fn subpop_nested_import_values() {
        check("helm-subpop.json", "helm-subpop");
    }

    #[test]
    fn three_level_library_dependencies() {
        check("helm-three-level.json", "helm-three-level");
    }

    #[test]
    fn subchart_set_enables_condition() {
        check("helm-subchart-set.json", "helm-subchart");
    }

    #[test]
    fn subchart_tags_and_conditions() {
        check("helm-subchart-tags.json", "helm-subchart");
    }

    #[test]
    fn bitnami_wordpress_globals_and_conditions() {
        check("bitnami-wordpress.json", "bitnami-wordpress");
    }

    #[test]
    fn kube_prometheus_stack() {
        check("kube-prometheus-stack.json", "kube-prometheus-stack");
    }
}
