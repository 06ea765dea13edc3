//! Running plugins: one wasmtime [`Engine`] per process, compiled components
//! from the on-disk cache, one [`InstancePre`] per plugin and grant set, and a
//! fresh [`Store`] per call carrying that call's limits.
//!
//! Limits and how each is enforced:
//! - memory: a [`ResourceLimiter`] that traps any growth past the limit;
//! - CPU: wasmtime fuel (deterministic, ~one unit per instruction);
//! - wall time: an epoch deadline (a ticker thread advances the epoch every
//!   [`TICK`]) for time spent in wasm, and a Tokio timeout for time spent
//!   blocked in the host (sleeps, I/O);
//! - output: bounded stdout/stderr pipes and a byte budget for `log`;
//! - result: the size of the returned value, checked before it is used;
//! - stack: wasmtime's stack limit turns runaway recursion into a trap.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use wasmtime::component::{HasSelf, InstancePre, Linker, ResourceTable};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::Plugin;
use super::bindings::v0_1_0 as v1;
use super::cache::{ComponentCache, Origin};
use super::error::PluginError;
use super::manifest::{HostImport, Limits, Role};
use super::sandbox::{self, Grants, Io};
use super::units::{Bytes, Dur};

/// How often the epoch advances.
pub const TICK: Duration = Duration::from_millis(10);

/// Answers `lookup` for renderers granted `host: [cluster]`.
pub type LookupFn =
    Arc<dyn Fn(&str, &str, &str, &str) -> Result<Option<String>, String> + Send + Sync>;

/// Per-call state inside the store.
pub struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    limiter: Limiter,
    plugin: Arc<str>,
    log_left: u64,
    verbose: bool,
    lookup: Option<LookupFn>,
    chart_files: Option<ChartFilesFn>,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl v1::types::Host for State {}

impl v1::log::Host for State {
    fn log(&mut self, level: v1::log::Level, message: String) {
        use v1::log::Level;
        let len = message.len() as u64;
        if self.log_left == 0 {
            return;
        }
        let shown = if len > self.log_left {
            let mut cut = self.log_left as usize;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            format!(
                "{}… (log limit reached, further messages dropped)",
                &message[..cut]
            )
        } else {
            message
        };
        self.log_left = self.log_left.saturating_sub(len);
        let tag = match level {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warning",
            Level::Error => "error",
        };
        if self.verbose || matches!(level, Level::Warn | Level::Error) {
            eprintln!("[plugin {}] {tag}: {shown}", self.plugin);
        }
    }
}

impl v1::chart_files::Host for State {
    fn read(&mut self, chart: u32, path: String) -> Option<Vec<u8>> {
        self.chart_files.as_ref().and_then(|f| f(chart, &path))
    }
}

impl v1::cluster::Host for State {
    fn lookup(
        &mut self,
        api_version: String,
        kind: String,
        namespace: String,
        name: String,
    ) -> Result<Option<String>, String> {
        match &self.lookup {
            Some(f) => f(&api_version, &kind, &namespace, &name),
            None => Ok(None),
        }
    }
}

/// The error a limiter raises; it becomes the trap's cause.
#[derive(Debug, thiserror::Error)]
#[error("memory limit of {limit} bytes exceeded (wanted {wanted})")]
struct MemoryLimitHit {
    limit: u64,
    wanted: u64,
}

struct Limiter {
    memory: u64,
    /// The largest memory the plugin grew to (for `--debug`).
    peak: usize,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired as u64 > self.memory {
            return Err(MemoryLimitHit {
                limit: self.memory,
                wanted: desired as u64,
            }
            .into());
        }
        self.peak = self.peak.max(desired);
        Ok(true)
    }
    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // Table elements cost host memory too; a million is far beyond any real plugin.
        Ok(desired <= 1_000_000)
    }
    fn instances(&self) -> usize {
        64
    }
    fn tables(&self) -> usize {
        64
    }
    fn memories(&self) -> usize {
        16
    }
}

/// A plugin ready to be called: compiled, linked for its grants, checked
/// against its world.
#[derive(Clone)]
pub struct Prepared {
    pub name: Arc<str>,
    pub role: Role,
    pub limits: Limits,
    pub grants: Grants,
    pub origin: Origin,
    pre: InstancePre<State>,
}

/// Options for one call.
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Show the plugin's debug/info logs and its stderr.
    pub verbose: bool,
    pub lookup: Option<LookupFn>,
    /// Serves the renderer's `chart-files` reads (none: every read finds nothing).
    pub chart_files: Option<ChartFilesFn>,
}

/// Reads file `path` of chart number `chart` of a render request.
pub type ChartFilesFn = Arc<dyn Fn(u32, &str) -> Option<Vec<u8>> + Send + Sync>;

/// A component (by digest) linked with a set of host interfaces.
type PreparedKey = (String, Vec<HostImport>);

pub struct Runtime {
    engine: Engine,
    cache: ComponentCache,
    prepared: Mutex<HashMap<PreparedKey, InstancePre<State>>>,
}

impl Runtime {
    /// `cache_dir`: where compiled components are kept (`None` disables the cache).
    pub fn new(cache_dir: Option<PathBuf>) -> anyhow::Result<Runtime> {
        let mut cfg = Config::new();
        cfg.wasm_component_model(true)
            .consume_fuel(true)
            .epoch_interruption(true)
            .max_wasm_stack(8 << 20)
            .async_stack_size(16 << 20);
        // A developer's knob: `WHELM_WASM_PROFILER=perfmap` writes /tmp/perf-<pid>.map so that
        // `perf record` names the functions of plugins' compiled code.
        if std::env::var("WHELM_WASM_PROFILER").as_deref() == Ok("perfmap") {
            cfg.profiler(wasmtime::ProfilingStrategy::PerfMap);
        }
        let engine = Engine::new(&cfg)?;
        let weak = engine.weak();
        std::thread::Builder::new()
            .name("whelm-epoch".into())
            .spawn(move || {
                while let Some(e) = weak.upgrade() {
                    drop(e);
                    std::thread::sleep(TICK);
                    match weak.upgrade() {
                        Some(e) => e.increment_epoch(),
                        None => break,
                    }
                }
            })?;
        let cache = ComponentCache::new(&engine, cache_dir);
        Ok(Runtime {
            engine,
            cache,
            prepared: Mutex::new(HashMap::new()),
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Compiles (or loads from cache) and links a plugin with `grants`.
    pub fn prepare(&self, plugin: &Plugin, grants: Grants) -> Result<Prepared, PluginError> {
        let name: Arc<str> = Arc::from(plugin.manifest.name.as_str());
        let role = plugin.role()?;
        let limits = plugin.limits();
        let mut host = grants.host.clone();
        host.sort();
        host.dedup();
        let key = (plugin.digest.clone(), host.clone());
        if let Some(pre) = self.prepared.lock().expect("prepared cache").get(&key) {
            return Ok(Prepared {
                name,
                role,
                limits,
                grants,
                origin: Origin::Cached,
                pre: pre.clone(),
            });
        }
        let hex = plugin.digest.trim_start_matches("sha256:");
        let (component, origin) = self
            .cache
            .load(&self.engine, hex, &plugin.component)
            .map_err(|e| PluginError::Load {
                plugin: name.to_string(),
                message: format!("{e:#}"),
            })?;
        let linker = self.linker(&host).map_err(|e| PluginError::Load {
            plugin: name.to_string(),
            message: format!("{e:#}"),
        })?;
        let pre = linker
            .instantiate_pre(&component)
            .map_err(|e| link_error(&name, &e))?;
        self.prepared
            .lock()
            .expect("prepared cache")
            .insert(key, pre.clone());
        Ok(Prepared {
            name,
            role,
            limits,
            grants,
            origin,
            pre,
        })
    }

    fn linker(&self, host: &[HostImport]) -> wasmtime::Result<Linker<State>> {
        let mut linker = Linker::new(&self.engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        v1::types::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)?;
        // Not a capability: it serves only the files of the request being rendered.
        v1::chart_files::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)?;
        for h in host {
            match h {
                HostImport::Log => {
                    v1::log::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)?
                }
                HostImport::Cluster => {
                    v1::cluster::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s)?
                }
            }
        }
        Ok(linker)
    }

    fn store(&self, p: &Prepared, opts: &CallOptions) -> Result<(Store<State>, Io), PluginError> {
        let (wasi, io) =
            sandbox::build(&p.grants, p.limits.output).map_err(|m| PluginError::Load {
                plugin: p.name.to_string(),
                message: m,
            })?;
        let state = State {
            wasi,
            table: ResourceTable::new(),
            limiter: Limiter {
                memory: p.limits.memory,
                peak: 0,
            },
            plugin: p.name.clone(),
            log_left: p.limits.output,
            verbose: opts.verbose,
            lookup: opts.lookup.clone(),
            chart_files: opts.chart_files.clone(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        store
            .set_fuel(p.limits.fuel)
            .expect("fuel is enabled on the engine");
        let ticks = p
            .limits
            .wall_time
            .as_millis()
            .div_ceil(TICK.as_millis())
            .max(1) as u64;
        store.set_epoch_deadline(ticks);
        store.epoch_deadline_trap();
        Ok((store, io))
    }

    /// Runs `f` under the plugin's limits and turns traps into [`PluginError`]s.
    async fn run<T>(
        &self,
        p: &Prepared,
        opts: &CallOptions,
        f: impl AsyncFnOnce(&mut Store<State>) -> wasmtime::Result<T>,
    ) -> Result<T, PluginError> {
        let (mut store, io) = self.store(p, opts)?;
        let outcome = tokio::time::timeout(p.limits.wall_time, f(&mut store)).await;
        // A full pipe means the plugin wrote up to the limit and was cut off
        // (WASI then reports a closed stream, which the guest may swallow):
        // the call fails whatever the guest made of it.
        let full = |pipe: &wasmtime_wasi::p2::pipe::MemoryOutputPipe| {
            pipe.contents().len() as u64 >= p.limits.output
        };
        let overflow = if full(&io.stdout) {
            Some("stdout")
        } else if full(&io.stderr) {
            Some("stderr")
        } else {
            None
        };
        let result = match (overflow, outcome) {
            (Some(stream), _) => Err(PluginError::Output {
                plugin: p.name.to_string(),
                stream,
                limit: Bytes(p.limits.output),
            }),
            (None, Err(_)) => Err(PluginError::WallTime {
                plugin: p.name.to_string(),
                limit: Dur(p.limits.wall_time),
            }),
            (None, Ok(Ok(v))) => Ok(v),
            (None, Ok(Err(e))) => Err(classify(p, &io, e)),
        };
        if opts.verbose {
            let fuel = p.limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0));
            eprintln!(
                "[plugin {}] used {fuel} fuel, memory grew to {}",
                p.name,
                Bytes(store.data().limiter.peak as u64)
            );
            let err = io.stderr.contents();
            if !err.is_empty() {
                eprintln!(
                    "[plugin {}] stderr:\n{}",
                    p.name,
                    String::from_utf8_lossy(&err)
                );
            }
        }
        result
    }

    fn check_result(&self, p: &Prepared, size: usize) -> Result<(), PluginError> {
        if size as u64 > p.limits.result {
            return Err(PluginError::Result {
                plugin: p.name.to_string(),
                size: Bytes(size as u64),
                limit: Bytes(p.limits.result),
            });
        }
        Ok(())
    }

    fn expect_role(&self, p: &Prepared, wanted: Role) -> Result<(), PluginError> {
        if p.role != wanted {
            return Err(PluginError::WrongRole {
                plugin: p.name.to_string(),
                wanted: wanted.as_str(),
                actual: p.role.to_string(),
            });
        }
        Ok(())
    }

    /// Calls a post-renderer.
    pub async fn post_render(
        &self,
        p: &Prepared,
        opts: &CallOptions,
        manifests: &str,
        args: &[String],
    ) -> Result<String, PluginError> {
        self.expect_role(p, Role::PostRenderer)?;
        let pre = v1::post_renderer::PostRendererPre::new(p.pre.clone())
            .map_err(|e| export_error(p, &e))?;
        let out = self
            .run(p, opts, async |store| {
                let inst = pre.instantiate_async(&mut *store).await?;
                inst.whelm_plugin_post_render()
                    .call_post_render(&mut *store, manifests, args)
                    .await
            })
            .await?;
        let text = out.map_err(|e| guest_error(p, e))?;
        self.check_result(p, text.len())?;
        Ok(text)
    }

    /// Calls a renderer.
    pub async fn render(
        &self,
        p: &Prepared,
        opts: &CallOptions,
        request: &v1::renderer::exports::whelm::plugin::render::RenderRequest,
    ) -> Result<Vec<v1::renderer::exports::whelm::plugin::render::Rendered>, PluginError> {
        self.expect_role(p, Role::Renderer)?;
        let pre = v1::renderer::RendererPre::new(p.pre.clone()).map_err(|e| export_error(p, &e))?;
        let out = self
            .run(p, opts, async |store| {
                let inst = pre.instantiate_async(&mut *store).await?;
                inst.whelm_plugin_render()
                    .call_render(&mut *store, request)
                    .await
            })
            .await?;
        let files = out.map_err(|e| guest_error(p, e))?;
        self.check_result(
            p,
            files.iter().map(|f| f.path.len() + f.content.len()).sum(),
        )?;
        Ok(files)
    }

    /// Calls a value source.
    pub async fn resolve(
        &self,
        p: &Prepared,
        opts: &CallOptions,
        reference: &str,
        params: &[(String, String)],
    ) -> Result<v1::value_source::exports::whelm::plugin::resolve::Resolved, PluginError> {
        use v1::value_source::exports::whelm::plugin::resolve::Resolved;
        self.expect_role(p, Role::ValueSource)?;
        let pre = v1::value_source::ValueSourcePre::new(p.pre.clone())
            .map_err(|e| export_error(p, &e))?;
        let out = self
            .run(p, opts, async |store| {
                let inst = pre.instantiate_async(&mut *store).await?;
                inst.whelm_plugin_resolve()
                    .call_resolve(&mut *store, reference, params)
                    .await
            })
            .await?;
        let r = out.map_err(|e| guest_error(p, e))?;
        let size = match &r {
            Resolved::Values(s) => s.len(),
            Resolved::Secret(b) => b.len(),
        };
        self.check_result(p, size)?;
        Ok(r)
    }

    /// Calls a differ.
    pub async fn diff(
        &self,
        p: &Prepared,
        opts: &CallOptions,
        objects: &[v1::differ::exports::whelm::plugin::diff::ObjectVersions],
        context_lines: u32,
    ) -> Result<v1::differ::exports::whelm::plugin::diff::DiffReport, PluginError> {
        self.expect_role(p, Role::Differ)?;
        let pre = v1::differ::DifferPre::new(p.pre.clone()).map_err(|e| export_error(p, &e))?;
        let out = self
            .run(p, opts, async |store| {
                let inst = pre.instantiate_async(&mut *store).await?;
                inst.whelm_plugin_diff()
                    .call_diff(&mut *store, objects, context_lines)
                    .await
            })
            .await?;
        let report = out.map_err(|e| guest_error(p, e))?;
        self.check_result(p, report.text.len())?;
        Ok(report)
    }
}

fn guest_error(p: &Prepared, e: v1::types::PluginError) -> PluginError {
    PluginError::Guest {
        plugin: p.name.to_string(),
        message: e.message,
        location: e
            .location
            .map(|l| format!("{}:{}:{}", l.file, l.line, l.column)),
    }
}

fn export_error(p: &Prepared, e: &wasmtime::Error) -> PluginError {
    PluginError::Load {
        plugin: p.name.to_string(),
        message: format!(
            "it does not implement the {} world of whelm:plugin@0.1.0: {e:#}",
            p.role
        ),
    }
}

/// Explains a failed link: usually an import the plugin was not granted.
fn link_error(name: &str, e: &wasmtime::Error) -> PluginError {
    let text = format!("{e:#}");
    for (iface, grant) in [
        ("whelm:plugin/log", "log"),
        ("whelm:plugin/cluster", "cluster"),
    ] {
        if text.contains(iface) {
            return PluginError::NotGranted {
                plugin: name.to_string(),
                interface: iface.into(),
                grant: grant.into(),
            };
        }
    }
    PluginError::Load {
        plugin: name.to_string(),
        message: text,
    }
}

/// Turns a failed call into the limit or crash it was.
fn classify(p: &Prepared, io: &Io, e: wasmtime::Error) -> PluginError {
    let plugin = p.name.to_string();
    if let Some(hit) = e.chain().find_map(|c| c.downcast_ref::<MemoryLimitHit>()) {
        return PluginError::Memory {
            plugin,
            limit: Bytes(hit.limit),
            wanted: Bytes(hit.wanted),
        };
    }
    let trap = e.chain().find_map(|c| c.downcast_ref::<Trap>());
    match trap {
        Some(Trap::OutOfFuel) => {
            return PluginError::Cpu {
                plugin,
                fuel: p.limits.fuel,
            };
        }
        Some(Trap::Interrupt) => {
            return PluginError::WallTime {
                plugin,
                limit: Dur(p.limits.wall_time),
            };
        }
        Some(Trap::StackOverflow) => return PluginError::StackOverflow { plugin },
        _ => {}
    }
    let text = match trap {
        Some(t) => t.to_string(),
        None => e.root_cause().to_string(),
    };
    // A Rust guest prints its panic message to stderr before trapping.
    let stderr = io.stderr.contents();
    let tail = String::from_utf8_lossy(&stderr[stderr.len().saturating_sub(2048)..])
        .trim()
        .to_string();
    let message = if tail.is_empty() {
        text
    } else {
        format!("{text}; its stderr ends with: {tail}")
    };
    PluginError::Trap { plugin, message }
}
