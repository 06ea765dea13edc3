//! Environment: only the granted variable names, with the host's values.
//! A granted variable that is unset on the host is simply absent.

use wasmtime_wasi::WasiCtxBuilder;

pub fn apply(b: &mut WasiCtxBuilder, names: &[String]) {
    for name in names {
        if let Ok(value) = std::env::var(name) {
            b.env(name, value);
        }
    }
}
