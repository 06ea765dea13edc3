//! `whelm show chart|values|readme|crds|all CHART`, printed as helm 4.3.1
//! prints them: `Chart.yaml` re-emitted as YAML with sorted keys, the raw
//! `values.yaml`, the README, and every CRD of the tree; `all` joins them
//! with `---`.

use std::path::Path;

use crate::chart::{self, Chart};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum What {
    Chart,
    Values,
    Readme,
    Crds,
    All,
}

fn chart_yaml(c: &Chart) -> Result<String, String> {
    let raw = c
        .raw
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .ok_or("Chart.yaml file is missing")?;
    let text = String::from_utf8_lossy(&raw.data);
    let v = whelm_template::yaml::load(&text).map_err(|e| format!("Chart.yaml: {e}"))?;
    // Helm marshals its Metadata struct: a dependency's `repository` has no
    // omitempty, so it is printed even when empty.
    if let Some(deps) = v.as_map().and_then(|m| m.get("dependencies")) {
        for d in deps.as_list().unwrap_or_default() {
            if let Some(dm) = d.as_map()
                && !dm.contains_key("repository")
            {
                dm.insert("repository", whelm_template::Value::str(""));
            }
        }
    }
    whelm_template::yaml::to_yaml(&v).map_err(|e| format!("Chart.yaml: {e}"))
}

/// Renders `whelm show <what>` for the chart at `path`.
pub fn run(what: What, path: &Path) -> Result<String, String> {
    let c = chart::load(path)?;
    let all = what == What::All;
    let mut out = String::new();
    if matches!(what, What::Chart | What::All) {
        let y = chart_yaml(&c)?;
        out.push_str(&y);
        if !y.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    if matches!(what, What::Values | What::All) {
        for f in c.raw.iter().filter(|f| f.name == "values.yaml") {
            if all {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&f.data));
            out.push('\n');
        }
    }
    if matches!(what, What::Readme | What::All) {
        let readme = c.files.iter().find(|f| {
            let lower = f.name.to_ascii_lowercase();
            ["readme.md", "readme.txt", "readme"].contains(&lower.as_str())
        });
        if let Some(r) = readme {
            if all {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&r.data));
            out.push('\n');
        }
    }
    if matches!(what, What::Crds | What::All) {
        for crd in c.crd_objects(c.name()) {
            if !crd.file.data.starts_with(b"---") {
                out.push_str("---\n");
            }
            out.push_str(&String::from_utf8_lossy(&crd.file.data));
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus_chart(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/corpus/charts")
            .join(name)
    }

    // Expected bytes printed by `helm show … ../shared/corpus/charts/helm-subchart` (4.3.1).
    #[test]
    fn chart_and_crds_like_helm() {
        let c = corpus_chart("helm-subchart");
        let chart = run(What::Chart, &c).unwrap();
        assert!(
            chart.starts_with(
                "apiVersion: v1\ndependencies:\n- condition: subcharta.enabled\n  import-values:\n"
            ),
            "{chart}"
        );
        assert!(
            chart.ends_with(
                "description: A Helm chart for Kubernetes\nname: subchart\nversion: 0.1.0\n\n"
            ),
            "{chart}"
        );
        assert_eq!(chart.lines().count(), 36);
        let crds = run(What::Crds, &c).unwrap();
        assert!(
            crds.starts_with(
                "---\napiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\n"
            ),
            "{crds}"
        );
        assert_eq!(run(What::Readme, &c).unwrap(), "");
        let all = run(What::All, &c).unwrap();
        assert_eq!(all.lines().count(), 113);
        assert!(all.contains("version: 0.1.0\n\n---\n"), "{all}");
    }

    #[test]
    fn empty_dependency_repository_is_printed() {
        // helm 4.3.1 prints `repository: ""` for kube-prometheus-stack's local `crds` dependency.
        let chart = run(What::Chart, &corpus_chart("kube-prometheus-stack")).unwrap();
        assert!(
            chart.contains("- condition: crds.enabled\n  name: crds\n  repository: \"\"\n"),
            "{chart}"
        );
    }
}
