//! A post-renderer that does whatever its first argument says, so the tests
//! can prove each sandbox boundary and limit. Every action reports what
//! happened as its result (or error) so the test can tell "denied" from
//! "never tried".

#![cfg(target_arch = "wasm32")]

use std::hint::black_box;
use std::io::Write;
use whelm_plugin_sdk::post_renderer::{Guest, Level, PluginError, export, log};

struct Hostile;

fn arg(args: &[String], i: usize) -> &str {
    args.get(i).map(String::as_str).unwrap_or("")
}

fn num(args: &[String], i: usize) -> usize {
    arg(args, i).parse().unwrap_or(0)
}

/// Recursion that lives on the wasm stack only: scalar locals and no
/// address-taken values, so nothing goes to the shadow stack in linear
/// memory, and a subtraction after the call so it cannot become a loop.
#[inline(never)]
fn recurse(depth: u64) -> u64 {
    if depth == u64::MAX {
        return 0;
    }
    depth.wrapping_sub(recurse(depth + 1))
}

impl Guest for Hostile {
    fn post_render(manifests: String, args: Vec<String>) -> Result<String, PluginError> {
        let fail =
            |what: &str, e: &dyn std::fmt::Display| Err(PluginError::msg(format!("{what}: {e}")));
        match arg(&args, 0) {
            "echo" => Ok(manifests),
            "read-file" => match std::fs::read_to_string(arg(&args, 1)) {
                Ok(s) => Ok(s),
                Err(e) => fail("read denied", &e),
            },
            "write-file" => match std::fs::write(arg(&args, 1), "written by a plugin") {
                Ok(()) => Ok("wrote".into()),
                Err(e) => fail("write denied", &e),
            },
            "tcp" => match std::net::TcpStream::connect(arg(&args, 1)) {
                Ok(mut s) => {
                    let _ = s.write_all(b"hello from the plugin");
                    Ok("connected".into())
                }
                Err(e) => fail("connect denied", &e),
            },
            "resolve" => match std::net::ToSocketAddrs::to_socket_addrs(&(arg(&args, 1), 80)) {
                Ok(mut a) => Ok(format!("resolved {:?}", a.next())),
                Err(e) => fail("resolve denied", &e),
            },
            "env" => match std::env::var(arg(&args, 1)) {
                Ok(v) => Ok(v),
                Err(e) => fail("env denied", &e),
            },
            "env-count" => Ok(std::env::vars().count().to_string()),
            "clock" => {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                Ok(t.as_secs().to_string())
            }
            "alloc-mib" => {
                // Grow one MiB at a time, keeping (and touching) every chunk.
                let mut kept: Vec<Vec<u8>> = Vec::new();
                for _ in 0..num(&args, 1) {
                    kept.push(black_box(vec![7u8; 1 << 20]));
                }
                Ok(format!("allocated {} MiB", kept.len()))
            }
            "loop" => {
                let mut i: u64 = 0;
                loop {
                    i = black_box(i.wrapping_add(1));
                }
            }
            "recurse" => Ok(recurse(black_box(0)).to_string()),
            "stdout" => {
                let chunk = vec![b'x'; 1 << 16];
                let mut out = std::io::stdout();
                let mut left = num(&args, 1);
                while left > 0 {
                    let n = left.min(chunk.len());
                    if let Err(e) = out.write_all(&chunk[..n]) {
                        return fail("stdout refused", &e);
                    }
                    left -= n;
                }
                Ok("printed".into())
            }
            "result" => Ok("r".repeat(num(&args, 1))),
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_secs(num(&args, 1) as u64));
                Ok("slept".into())
            }
            "log" => {
                for i in 0..num(&args, 1) {
                    log(Level::Warn, &format!("message {i}"));
                }
                Ok("logged".into())
            }
            "panic" => panic!("the hostile plugin panicked on purpose"),
            "error" => Err(PluginError::at("bad input", "in.yaml", 3, 7)),
            other => Err(PluginError::msg(format!("unknown action {other:?}"))),
        }
    }
}

export!(Hostile);
