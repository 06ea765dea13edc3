//! Kubernetes-facing logic that needs no cluster connection.

pub mod ready;
