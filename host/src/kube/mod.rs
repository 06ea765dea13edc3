//! The cluster: connection ([`client`]), discovery, the release store's objects, applying and
//! deleting manifests, readiness.

pub mod client;
pub mod discovery;
pub mod live;
pub mod lookup;
pub mod objects;
pub mod ready;
pub mod resource;
pub mod table;
pub mod wait;
