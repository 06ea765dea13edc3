//! Gives the renderer a larger shadow stack (linear memory) than Rust's 1 MiB
//! default: Helm allows 1000 nested `include`s of one template, and each
//! level of the executor keeps some state on the shadow stack.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg=-zstack-size=16777216");
    }
}
