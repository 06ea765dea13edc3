//! The cluster: connection ([`client`]), discovery, the release store's objects, applying and
//! deleting manifests (client-side apply's patches in [`patch`], their metadata from
//! [`openapi`]), readiness.

pub mod client;
pub mod discovery;
pub mod live;
pub mod lookup;
pub mod objects;
pub mod openapi;
pub mod patch;
pub mod proto;
pub mod ready;
pub mod resource;
pub mod table;
pub mod wait;
