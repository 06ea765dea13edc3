//! Charts as Helm's `pkg/chart/v2` loader reads them: from a directory
//! (honouring `.helmignore`) or a `.tgz` archive, with subcharts under
//! `charts/` as directories or archives.
//!
//! - [`load`]: a chart from a path (directory or archive).
//! - [`Chart`], [`Metadata`], [`Dependency`]: the loaded tree.
//! - [`semver`]: versions and ranges (`IsCompatibleRange`).
//! - [`ignore`]: `.helmignore` rules; [`glob`]: Go's `path.Match`.

pub mod glob;
pub mod ignore;
mod load;
mod metadata;
pub mod semver;

pub use load::{
    MAX_CHART_SIZE, MAX_FILE_SIZE, archive_files, load, load_archive, load_dir, load_files,
};
pub use metadata::{Dependency, Maintainer, Metadata};

use whelm_template::Value;
use whelm_template::value::Map;

/// A file of a chart: its path relative to the chart root, `/`-separated.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub name: String,
    pub data: std::sync::Arc<[u8]>,
}

/// A loaded chart (Helm's `chart.Chart`).
#[derive(Clone, Debug)]
pub struct Chart {
    pub metadata: Metadata,
    /// Files under `templates/`.
    pub templates: Vec<File>,
    /// `values.yaml`, documents merged (empty when absent).
    pub values: Map,
    /// `values.schema.json`, when present.
    pub schema: Option<Vec<u8>>,
    /// Everything else of the chart: what `.Files` sees, and `crds/`.
    pub files: Vec<File>,
    /// Every file as loaded (for `helm show`).
    pub raw: Vec<File>,
    /// Subcharts, in loading order (after dependency processing: Helm's order).
    pub dependencies: Vec<Chart>,
}

/// A CRD file of the tree, with its path as `helm template` prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct Crd<'a> {
    /// e.g. `mychart/charts/sub/crds/crd.yaml`.
    pub filename: String,
    pub file: &'a File,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }

    /// Files under `crds/` with a manifest extension, this chart's first,
    /// then each subchart's (Helm's `CRDObjects`); `full_path` is this
    /// chart's `ChartFullPath`.
    pub fn crd_objects(&self, full_path: &str) -> Vec<Crd<'_>> {
        let mut out = Vec::new();
        for f in &self.files {
            if f.name.starts_with("crds/") && has_manifest_extension(&f.name) {
                out.push(Crd {
                    filename: format!("{full_path}/{}", f.name),
                    file: f,
                });
            }
        }
        for d in &self.dependencies {
            out.extend(d.crd_objects(&format!("{full_path}/charts/{}", d.name())));
        }
        out
    }

    /// `.Chart` as templates see it (Helm's `MetadataAsMap` plus `IsRoot`).
    pub fn metadata_value(&self, is_root: bool) -> Value {
        let m = self.metadata.as_go_map();
        if let Value::Map(map) = &m {
            map.insert("IsRoot", Value::Bool(is_root));
        }
        m
    }
}

fn has_manifest_extension(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rfind('.') {
        Some(i) => {
            let ext = &base[i..];
            ext.eq_ignore_ascii_case(".yaml")
                || ext.eq_ignore_ascii_case(".yml")
                || ext.eq_ignore_ascii_case(".json")
        }
        None => false,
    }
}
