//! Installed plugins: `<plugins dir>/<name>/` holds `plugin.yaml`, the
//! component and `install.json` (the digest recorded at install time, which
//! `verify` and every load check the component against).
//!
//! Installation stages into a temporary sibling directory and renames it into
//! place, so a crash never leaves a half-installed plugin under its name.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest::Manifest;
use super::{Plugin, PluginError, Source, digest_of};

const RECEIPT: &str = "install.json";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Receipt {
    digest: String,
    source: String,
}

pub struct PluginStore {
    dir: PathBuf,
}

/// A package read from a directory or archive, not yet installed.
pub struct Package {
    pub manifest: Manifest,
    pub manifest_text: String,
    pub component: Vec<u8>,
    pub digest: String,
}

fn invalid(msg: String) -> PluginError {
    PluginError::Invalid(msg)
}

impl Package {
    /// Reads a plugin package from a directory or a `.tgz`/`.tar.gz` archive.
    pub fn read(path: &Path) -> Result<Package, PluginError> {
        if path.is_dir() {
            return Package::from_dir(path);
        }
        let name = path.to_string_lossy();
        if !(name.ends_with(".tgz") || name.ends_with(".tar.gz")) {
            return Err(invalid(format!(
                "{}: not a plugin directory or a .tgz archive",
                path.display()
            )));
        }
        let tmp = tempdir_in(&std::env::temp_dir())?;
        let file =
            std::fs::File::open(path).map_err(|e| invalid(format!("{}: {e}", path.display())))?;
        let mut archive = tar::Archive::new(flate2::read::MultiGzDecoder::new(file));
        // `unpack` refuses entries that would land outside the target directory.
        archive
            .unpack(tmp.path())
            .map_err(|e| invalid(format!("{}: cannot unpack: {e}", path.display())))?;
        // Accept the manifest at the top or inside a single top-level directory.
        let root = if tmp.path().join("plugin.yaml").exists() {
            tmp.path().to_path_buf()
        } else {
            let entries: Vec<PathBuf> = std::fs::read_dir(tmp.path())
                .map_err(|e| invalid(e.to_string()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            match entries.as_slice() {
                [only] if only.join("plugin.yaml").exists() => only.clone(),
                _ => {
                    return Err(invalid(format!(
                        "{}: no plugin.yaml at the top of the archive or in its single top-level directory",
                        path.display()
                    )));
                }
            }
        };
        Package::from_dir(&root)
    }

    fn from_dir(dir: &Path) -> Result<Package, PluginError> {
        let mpath = dir.join("plugin.yaml");
        let manifest_text = std::fs::read_to_string(&mpath)
            .map_err(|e| invalid(format!("{}: {e}", mpath.display())))?;
        let manifest =
            Manifest::parse(&manifest_text, &mpath.display().to_string()).map_err(invalid)?;
        let cpath = dir.join(&manifest.component);
        let mut component = Vec::new();
        std::fs::File::open(&cpath)
            .and_then(|mut f| f.read_to_end(&mut component))
            .map_err(|e| {
                invalid(format!(
                    "{}: {e} (named by `component:` in {})",
                    cpath.display(),
                    mpath.display()
                ))
            })?;
        if !component.starts_with(b"\0asm") {
            return Err(invalid(format!(
                "{}: not a WebAssembly file",
                cpath.display()
            )));
        }
        let digest = digest_of(&component);
        Ok(Package {
            manifest,
            manifest_text,
            component,
            digest,
        })
    }
}

struct TempDir(PathBuf);
impl TempDir {
    fn path(&self) -> &Path {
        &self.0
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir_in(parent: &Path) -> Result<TempDir, PluginError> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let p = parent.join(format!(".whelm-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&p)
        .map_err(|e| invalid(format!("cannot create {}: {e}", p.display())))?;
    Ok(TempDir(p))
}

impl PluginStore {
    pub fn new(dir: PathBuf) -> Self {
        PluginStore { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Installs a package. `expected_digest` (`sha256:…`) must match when given.
    pub fn install(
        &self,
        pkg: &Package,
        source: &str,
        expected_digest: Option<&str>,
    ) -> Result<PathBuf, PluginError> {
        if let Some(want) = expected_digest {
            let want = if want.starts_with("sha256:") {
                want.to_string()
            } else {
                format!("sha256:{want}")
            };
            if want != pkg.digest {
                return Err(invalid(format!(
                    "digest mismatch for plugin {:?}: expected {want}, the component is {}; refusing to install",
                    pkg.manifest.name, pkg.digest
                )));
            }
        }
        let target = self.dir.join(&pkg.manifest.name);
        if target.exists() {
            return Err(invalid(format!(
                "plugin {:?} is already installed at {}; run `whelm plugin uninstall {}` first",
                pkg.manifest.name,
                target.display(),
                pkg.manifest.name
            )));
        }
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| invalid(format!("cannot create {}: {e}", self.dir.display())))?;
        let stage = tempdir_in(&self.dir)?;
        let write = |name: &str, data: &[u8]| {
            std::fs::write(stage.path().join(name), data)
                .map_err(|e| invalid(format!("cannot write {name}: {e}")))
        };
        write("plugin.yaml", pkg.manifest_text.as_bytes())?;
        write(&pkg.manifest.component, &pkg.component)?;
        let receipt = Receipt {
            digest: pkg.digest.clone(),
            source: source.to_string(),
        };
        write(
            RECEIPT,
            serde_json::to_string_pretty(&receipt)
                .expect("receipt serialises")
                .as_bytes(),
        )?;
        std::fs::rename(stage.path(), &target).map_err(|e| {
            invalid(format!(
                "cannot move the plugin into {}: {e}",
                target.display()
            ))
        })?;
        Ok(target)
    }

    pub fn uninstall(&self, name: &str) -> Result<(), PluginError> {
        let target = self.dir.join(name);
        if !target.join("plugin.yaml").exists() {
            return Err(PluginError::NotFound(name.to_string()));
        }
        std::fs::remove_dir_all(&target)
            .map_err(|e| invalid(format!("cannot remove {}: {e}", target.display())))
    }

    /// Loads an installed plugin, verifying its component against the digest
    /// recorded at install time.
    pub fn get(&self, name: &str) -> Result<Option<Plugin>, PluginError> {
        let dir = self.dir.join(name);
        if !dir.join("plugin.yaml").exists() {
            return Ok(None);
        }
        let pkg = Package::from_dir(&dir)?;
        let rpath = dir.join(RECEIPT);
        let receipt: Receipt = std::fs::read_to_string(&rpath)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
            .map_err(|e| invalid(format!("{}: {e}; reinstall the plugin", rpath.display())))?;
        if receipt.digest != pkg.digest {
            return Err(invalid(format!(
                "plugin {name:?} was modified after installation: its component is {} but {} was installed; reinstall it",
                pkg.digest, receipt.digest
            )));
        }
        Ok(Some(Plugin {
            manifest: pkg.manifest,
            source: Source::Installed(dir),
            component: Cow::Owned(pkg.component),
            digest: pkg.digest,
        }))
    }

    /// Every installed plugin (a broken one is an error naming it).
    pub fn list(&self) -> Result<Vec<Plugin>, PluginError> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("plugin.yaml").exists())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        names
            .into_iter()
            .filter_map(|n| self.get(&n).transpose())
            .collect()
    }
}
