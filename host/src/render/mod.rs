//! Rendering (host side).
