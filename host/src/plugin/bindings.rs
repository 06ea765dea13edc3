//! Host-side bindings, one module per supported WIT version (as Zed keeps
//! `since_vX.Y.Z`): a plugin declaring `whelm:plugin/<world>@0.1.0` is run
//! through `v0_1_0`. A future `v0_2_0` module sits beside this one.

pub mod v0_1_0 {
    //! `whelm:plugin@0.1.0`. The renderer world owns the shared interfaces
    //! (`types`, `log`, `cluster`, `chart-files`); the other worlds reuse them.

    pub mod renderer {
        wasmtime::component::bindgen!({
            path: "../wit/v0.1.0",
            world: "renderer",
            exports: { default: async },
        });
    }

    pub mod post_renderer {
        wasmtime::component::bindgen!({
            path: "../wit/v0.1.0",
            world: "post-renderer",
            exports: { default: async },
            with: {
                "whelm:plugin/types": super::renderer::whelm::plugin::types,
                "whelm:plugin/log": super::renderer::whelm::plugin::log,
            },
        });
    }

    pub mod value_source {
        wasmtime::component::bindgen!({
            path: "../wit/v0.1.0",
            world: "value-source",
            exports: { default: async },
            with: {
                "whelm:plugin/types": super::renderer::whelm::plugin::types,
                "whelm:plugin/log": super::renderer::whelm::plugin::log,
            },
        });
    }

    pub mod differ {
        wasmtime::component::bindgen!({
            path: "../wit/v0.1.0",
            world: "differ",
            exports: { default: async },
            with: {
                "whelm:plugin/types": super::renderer::whelm::plugin::types,
                "whelm:plugin/log": super::renderer::whelm::plugin::log,
            },
        });
    }

    pub use renderer::whelm::plugin::{chart_files, cluster, log, types};
}
