//! Helm's side of rendering (Helm's `pkg/engine`): the data a template sees
//! (`.Values`, `.Chart`, `.Release`, `.Capabilities`, `.Files`, `.Template`)
//! and the host objects behind it.

pub mod glob;
pub mod objects;
pub mod render;
