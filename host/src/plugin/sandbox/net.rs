//! Network: TCP connections to the granted `host:port` pairs only. Host names
//! are resolved by the host when the sandbox is built, and the plugin may use
//! name lookup only when a granted entry is a name. No listening, no UDP.

use std::collections::HashSet;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi::sockets::SocketAddrUse;

use crate::plugin::manifest::split_host_port;

pub fn apply(b: &mut WasiCtxBuilder, entries: &[String]) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let mut allowed: HashSet<SocketAddr> = HashSet::new();
    let mut names = false;
    for e in entries {
        let (host, port) = split_host_port(e)?;
        if host.parse::<std::net::IpAddr>().is_err() {
            names = true;
        }
        let addrs = (host.as_str(), port)
            .to_socket_addrs()
            .map_err(|err| format!("cannot resolve granted network entry {e}: {err}"))?;
        allowed.extend(addrs);
    }
    let allowed = Arc::new(allowed);
    b.allow_tcp(true)
        .allow_udp(false)
        .allow_ip_name_lookup(names);
    b.socket_addr_check(move |addr, usage| {
        let ok = match usage {
            SocketAddrUse::TcpConnect => allowed.contains(&addr),
            // The implicit bind before a connect uses the wildcard address.
            SocketAddrUse::TcpBind => addr.ip().is_unspecified() && addr.port() == 0,
            _ => false,
        };
        Box::pin(async move { ok })
    });
    Ok(())
}
