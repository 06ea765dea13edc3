//! Clocks and randomness. WASI always offers both, so "not granted" means
//! virtualised: clocks frozen at zero and a fixed-seed random sequence. A
//! plugin without the grant can neither read the time nor learn anything
//! about the host from its random source.

use std::time::Duration;

use wasmtime_wasi::{Deterministic, HostMonotonicClock, HostWallClock, WasiCtxBuilder};

struct FrozenWall;
impl HostWallClock for FrozenWall {
    fn resolution(&self) -> Duration {
        Duration::from_secs(1)
    }
    fn now(&self) -> Duration {
        Duration::ZERO
    }
}

struct FrozenMonotonic;
impl HostMonotonicClock for FrozenMonotonic {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

pub fn apply(b: &mut WasiCtxBuilder, clocks: bool, random: bool) {
    if !clocks {
        b.wall_clock(FrozenWall).monotonic_clock(FrozenMonotonic);
    }
    if !random {
        let seed: Vec<u8> = (0u8..=255).collect();
        b.secure_random(Deterministic::new(seed.clone()))
            .insecure_random(Deterministic::new(seed))
            .insecure_random_seed(0);
    }
}
