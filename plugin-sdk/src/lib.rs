//! Everything a Rust author needs to write a whelm plugin.
//!
//! A plugin is a WebAssembly component (`cargo build --target wasm32-wasip2`
//! of a `cdylib`) implementing one world of `whelm:plugin@0.1.0` (see `wit/`).
//! Each world has a module here with its generated bindings, an export macro
//! and small helpers. A complete post-renderer:
//!
//! ```ignore
//! use whelm_plugin_sdk::post_renderer::{Guest, PluginError, export};
//!
//! struct Upper;
//! impl Guest for Upper {
//!     fn post_render(manifests: String, _args: Vec<String>) -> Result<String, PluginError> {
//!         Ok(manifests.to_uppercase())
//!     }
//! }
//! export!(Upper);
//! ```
//!
//! Then describe it in a `plugin.yaml` and `whelm plugin install` the directory
//! (see the README's "Writing a plugin").

pub mod manifests;

macro_rules! world_helpers {
    () => {
        pub use self::whelm::plugin::log::Level;
        pub use self::whelm::plugin::types::{Location, PluginError};

        impl PluginError {
            /// An error with a message only.
            pub fn msg(message: impl Into<String>) -> Self {
                PluginError {
                    message: message.into(),
                    location: None,
                }
            }
            /// An error pointing at `file:line:column` of the input.
            pub fn at(
                message: impl Into<String>,
                file: impl Into<String>,
                line: u32,
                column: u32,
            ) -> Self {
                PluginError {
                    message: message.into(),
                    location: Some(Location {
                        file: file.into(),
                        line,
                        column,
                    }),
                }
            }
        }

        /// Log through the host (needs `host: [log]` in `plugin.yaml`).
        pub fn log(level: Level, message: &str) {
            self::whelm::plugin::log::log(level, message)
        }
    };
}

/// The `post-renderer` world: manifests in, manifests out.
pub mod post_renderer {
    wit_bindgen::generate!({
        world: "post-renderer",
        path: "../wit/v0.1.0",
        pub_export_macro: true,
        export_macro_name: "export_post_renderer",
        default_bindings_module: "whelm_plugin_sdk::post_renderer",
    });
    pub use self::exports::whelm::plugin::post_render::Guest;
    pub use export_post_renderer as export;
    world_helpers!();
}

/// The `renderer` world: a chart tree in, rendered templates out.
pub mod renderer {
    wit_bindgen::generate!({
        world: "renderer",
        path: "../wit/v0.1.0",
        pub_export_macro: true,
        export_macro_name: "export_renderer",
        default_bindings_module: "whelm_plugin_sdk::renderer",
    });
    pub use self::exports::whelm::plugin::render::{
        Capabilities, Chart, Guest, RenderRequest, Rendered,
    };
    pub use self::whelm::plugin::types::File;
    pub use export_renderer as export;
    world_helpers!();

    /// Helm's `lookup` through the host (needs `host: [cluster]`).
    pub fn lookup(
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Result<Option<String>, String> {
        self::whelm::plugin::cluster::lookup(api_version, kind, namespace, name)
    }

    /// The bytes of file `path` of chart number `chart` of the request being rendered
    /// (`render-request.charts` order), read from the host on demand.
    pub fn read_chart_file(chart: u32, path: &str) -> Option<Vec<u8>> {
        self::whelm::plugin::chart_files::read(chart, path)
    }
}

/// The `value-source` world: a reference in, values or a secret out.
pub mod value_source {
    wit_bindgen::generate!({
        world: "value-source",
        path: "../wit/v0.1.0",
        pub_export_macro: true,
        export_macro_name: "export_value_source",
        default_bindings_module: "whelm_plugin_sdk::value_source",
    });
    pub use self::exports::whelm::plugin::resolve::{Guest, Resolved};
    pub use export_value_source as export;
    world_helpers!();
}

/// The `differ` world: object versions in, a diff report out.
pub mod differ {
    wit_bindgen::generate!({
        world: "differ",
        path: "../wit/v0.1.0",
        pub_export_macro: true,
        export_macro_name: "export_differ",
        default_bindings_module: "whelm_plugin_sdk::differ",
    });
    pub use self::exports::whelm::plugin::diff::{
        Change, ChangeKind, DiffReport, Guest, ObjectVersions,
    };
    pub use export_differ as export;
    world_helpers!();
}
