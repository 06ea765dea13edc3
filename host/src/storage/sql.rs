//! `HELM_DRIVER=sql`: releases in PostgreSQL, in Helm's own schema, so Helm and whelm can
//! share one database.
//!
//! Helm's schema (its `sql-migrate` migrations `init` and `custom_labels`, recorded in
//! `gorp_migrations(id text primary key, applied_at timestamptz)`):
//!
//! - `releases_v1(key VARCHAR(90), type VARCHAR(64) NOT NULL, body TEXT NOT NULL,
//!   name VARCHAR(64) NOT NULL, namespace VARCHAR(64) NOT NULL, version INTEGER NOT NULL,
//!   status TEXT NOT NULL, owner TEXT NOT NULL, createdAt INTEGER NOT NULL,
//!   modifiedAt INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(key, namespace))` plus indexes;
//! - `custom_labels_v1(releaseKey VARCHAR(64), releaseNamespace VARCHAR(67),
//!   key VARCHAR(317), value VARCHAR(63))`.
//!
//! The identifiers are unquoted, so PostgreSQL folds them to lower case (`createdat`, …), as it
//! does for Helm. `body` is the codec string; `type` is `helm.sh/release.v1`; `owner` is
//! `helm`. No object size limit applies, so nothing is chunked here.

use std::sync::Mutex;

use async_trait::async_trait;
use tokio_postgres::{Client, NoTls, types::ToSql};

use super::{Driver, Filter, Head, Labels, StorageError, codec, custom_labels, system_labels};
use crate::storage::release::{Release, Status};

const DEFAULT_NAMESPACE: &str = "default";

/// Helm's migrations, in order: (id, statements).
const MIGRATIONS: [(&str, &str); 2] = [
    (
        "init",
        "CREATE TABLE releases_v1 (
            key VARCHAR(90),
            type VARCHAR(64) NOT NULL,
            body TEXT NOT NULL,
            name VARCHAR(64) NOT NULL,
            namespace VARCHAR(64) NOT NULL,
            version INTEGER NOT NULL,
            status TEXT NOT NULL,
            owner TEXT NOT NULL,
            createdAt INTEGER NOT NULL,
            modifiedAt INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(key, namespace)
        );
        CREATE INDEX ON releases_v1 (key, namespace);
        CREATE INDEX ON releases_v1 (version);
        CREATE INDEX ON releases_v1 (status);
        CREATE INDEX ON releases_v1 (owner);
        CREATE INDEX ON releases_v1 (createdAt);
        CREATE INDEX ON releases_v1 (modifiedAt);
        GRANT ALL ON releases_v1 TO PUBLIC;
        ALTER TABLE releases_v1 ENABLE ROW LEVEL SECURITY;",
    ),
    (
        "custom_labels",
        "CREATE TABLE custom_labels_v1 (
            releaseKey VARCHAR(64),
            releaseNamespace VARCHAR(67),
            key VARCHAR(317),
            value VARCHAR(63)
        );
        CREATE INDEX ON custom_labels_v1 (releaseKey, releaseNamespace);
        GRANT ALL ON custom_labels_v1 TO PUBLIC;
        ALTER TABLE custom_labels_v1 ENABLE ROW LEVEL SECURITY;",
    ),
];

/// Labels Helm's SQL driver accepts in a query (they are columns).
const QUERY_COLUMNS: [&str; 6] = [
    "modifiedAt",
    "createdAt",
    "version",
    "status",
    "owner",
    "name",
];

/// The PostgreSQL driver.
pub struct Sql {
    client: tokio::sync::Mutex<Client>,
    /// Scopes reads; `""` reads every namespace. Set by create/update, as in Helm.
    namespace: Mutex<String>,
}

fn err(op: &'static str, e: impl std::fmt::Display) -> StorageError {
    StorageError::Backend {
        driver: "SQL",
        op,
        message: e.to_string(),
    }
}

fn unix_now() -> i32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i32)
        .unwrap_or(0)
}

impl Sql {
    /// Connects (no TLS: use `sslmode=disable` or a local socket) and applies Helm's
    /// migrations that the database lacks.
    pub async fn connect(connection: &str, namespace: &str) -> Result<Sql, StorageError> {
        if connection.trim().is_empty() {
            return Err(StorageError::Sql("no connection string".into()));
        }
        let config: tokio_postgres::Config = connection
            .parse()
            .map_err(|e| StorageError::Sql(format!("invalid connection string: {e}")))?;
        let (client, conn) = config.connect(NoTls).await.map_err(|e| {
            StorageError::Sql(format!(
                "{e} (whelm connects without TLS; for a server that requires it, use a local TLS proxy)"
            ))
        })?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let sql = Sql {
            client: tokio::sync::Mutex::new(client),
            namespace: Mutex::new(namespace.to_string()),
        };
        sql.migrate().await?;
        Ok(sql)
    }

    async fn migrate(&self) -> Result<(), StorageError> {
        let mut client = self.client.lock().await;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS gorp_migrations (id text NOT NULL PRIMARY KEY, applied_at timestamp with time zone)",
            )
            .await
            .map_err(|e| StorageError::Sql(format!("cannot create the migrations table: {e}")))?;
        let done: Vec<String> = client
            .query("SELECT id FROM gorp_migrations", &[])
            .await
            .map_err(|e| StorageError::Sql(format!("cannot read migrations: {e}")))?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for (id, ddl) in MIGRATIONS {
            if done.iter().any(|d| d == id) {
                continue;
            }
            let tx = client
                .transaction()
                .await
                .map_err(|e| StorageError::Sql(e.to_string()))?;
            tx.batch_execute(ddl)
                .await
                .map_err(|e| StorageError::Sql(format!("migration {id:?} failed: {e}")))?;
            tx.execute(
                "INSERT INTO gorp_migrations (id, applied_at) VALUES ($1, now())",
                &[&id],
            )
            .await
            .map_err(|e| StorageError::Sql(format!("migration {id:?} failed: {e}")))?;
            tx.commit()
                .await
                .map_err(|e| StorageError::Sql(format!("migration {id:?} failed: {e}")))?;
        }
        Ok(())
    }

    fn ns(&self) -> String {
        self.namespace.lock().unwrap().clone()
    }

    /// `SELECT <columns>` of the rows (of the driver's namespace) whose columns equal
    /// `labels`, as Helm's SQL driver queries: only [`QUERY_COLUMNS`] may be asked for; a
    /// number column asked for with text matches nothing.
    async fn select_matching(
        &self,
        client: &Client,
        columns: &str,
        labels: &Labels,
    ) -> Result<Vec<tokio_postgres::Row>, StorageError> {
        let ns = self.ns();
        let mut sql = format!("SELECT {columns} FROM releases_v1");
        let mut ints: Vec<i32> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut order: Vec<(bool, usize)> = Vec::new();
        for (i, (k, v)) in labels.iter().enumerate() {
            if !QUERY_COLUMNS.contains(&k.as_str()) {
                return Err(StorageError::UnknownLabel(k.clone()));
            }
            sql.push_str(if i == 0 { " WHERE " } else { " AND " });
            sql.push_str(&format!("{k} = ${}", i + 1));
            if matches!(k.as_str(), "version" | "createdAt" | "modifiedAt") {
                let Ok(n) = v.parse::<i32>() else {
                    return Ok(Vec::new());
                };
                order.push((true, ints.len()));
                ints.push(n);
            } else {
                order.push((false, texts.len()));
                texts.push(v.clone());
            }
        }
        if !ns.is_empty() {
            sql.push_str(if labels.is_empty() {
                " WHERE "
            } else {
                " AND "
            });
            sql.push_str(&format!("namespace = ${}", labels.len() + 1));
            order.push((false, texts.len()));
            texts.push(ns);
        }
        let params: Vec<&(dyn ToSql + Sync)> = order
            .iter()
            .map(|&(int, i)| -> &(dyn ToSql + Sync) {
                if int { &ints[i] } else { &texts[i] }
            })
            .collect();
        client
            .query(&sql, &params)
            .await
            .map_err(|e| err("query", e))
    }

    async fn custom_labels_of(
        &self,
        client: &Client,
        key: &str,
        ns: &str,
    ) -> Result<Labels, StorageError> {
        let rows = client
            .query(
                "SELECT key, value FROM custom_labels_v1 WHERE releaseKey = $1 AND releaseNamespace = $2",
                &[&key, &ns],
            )
            .await
            .map_err(|e| err("get labels", e))?;
        let labels: Labels = rows
            .iter()
            .map(|r| {
                let k: Option<String> = r.get(0);
                let v: Option<String> = r.get(1);
                (k.unwrap_or_default(), v.unwrap_or_default())
            })
            .collect();
        Ok(custom_labels(&labels))
    }

    async fn decode_rows(
        &self,
        client: &Client,
        rows: Vec<tokio_postgres::Row>,
        with_system: bool,
        filter: Option<&Filter>,
    ) -> Result<Vec<Release>, StorageError> {
        let mut out = Vec::new();
        for row in rows {
            let key: String = row.get(0);
            let ns: String = row.get(1);
            let body: String = row.get(2);
            // As Helm: a row that does not decode is skipped.
            let Ok(mut rel) = codec::decode(&body, &key) else {
                continue;
            };
            rel.labels = self.custom_labels_of(client, &key, &ns).await?;
            if with_system {
                rel.labels.extend(system_labels(&rel));
            }
            if filter.is_none_or(|f| f(&rel)) {
                out.push(rel);
            }
        }
        Ok(out)
    }
}

#[async_trait]
impl Driver for Sql {
    fn name(&self) -> &'static str {
        "SQL"
    }

    fn describe(&self, key: &str) -> String {
        format!(
            "the row with key {key:?} in namespace {:?} of the SQL table releases_v1",
            self.ns()
        )
    }

    async fn get(&self, key: &str) -> Result<Release, StorageError> {
        let ns = self.ns();
        let client = self.client.lock().await;
        let row = client
            .query_opt(
                "SELECT body FROM releases_v1 WHERE key = $1 AND namespace = $2",
                &[&key, &ns],
            )
            .await
            .map_err(|e| err("get", e))?
            .ok_or(StorageError::NotFound)?;
        let mut rel = codec::decode(row.get(0), key)?;
        rel.labels = self.custom_labels_of(&client, key, &ns).await?;
        Ok(rel)
    }

    async fn list(&self, filter: &Filter) -> Result<Vec<Release>, StorageError> {
        let ns = self.ns();
        let client = self.client.lock().await;
        let rows = if ns.is_empty() {
            client
                .query(
                    "SELECT key, namespace, body FROM releases_v1 WHERE owner = $1",
                    &[&"helm"],
                )
                .await
        } else {
            client
                .query(
                    "SELECT key, namespace, body FROM releases_v1 WHERE owner = $1 AND namespace = $2",
                    &[&"helm", &ns],
                )
                .await
        }
        .map_err(|e| err("list", e))?;
        self.decode_rows(&client, rows, true, Some(filter)).await
    }

    async fn query(&self, labels: &Labels) -> Result<Vec<Release>, StorageError> {
        let client = self.client.lock().await;
        let rows = self
            .select_matching(&client, "key, namespace, body", labels)
            .await?;
        let out = self.decode_rows(&client, rows, false, None).await?;
        if out.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(out)
    }

    /// From the `version` and `status` columns and the custom labels: a row whose body does
    /// not decode still has a head, so recovery sees it (and says what to do about it).
    async fn heads(&self, labels: &Labels) -> Result<Vec<Head>, StorageError> {
        let client = self.client.lock().await;
        let rows = self
            .select_matching(&client, "key, namespace, version, status", labels)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let key: String = row.get(0);
            let ns: String = row.get(1);
            let version: i32 = row.get(2);
            let status: String = row.get(3);
            out.push(Head {
                version: i64::from(version),
                status: Status::parse(&status),
                labels: self.custom_labels_of(&client, &key, &ns).await?,
            });
        }
        if out.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(out)
    }

    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let ns = if rel.namespace.is_empty() {
            DEFAULT_NAMESPACE
        } else {
            &rel.namespace
        };
        *self.namespace.lock().unwrap() = ns.to_string();
        let body = codec::encode_async(rel).await?;
        let mut client = self.client.lock().await;
        let tx = client.transaction().await.map_err(|e| err("create", e))?;
        let inserted = tx
            .execute(
                "INSERT INTO releases_v1 (key, type, body, name, namespace, version, status, owner, createdAt)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                &[
                    &key,
                    &"helm.sh/release.v1",
                    &body,
                    &rel.name,
                    &ns,
                    &(rel.version as i32),
                    &rel.status().as_str(),
                    &"helm",
                    &unix_now(),
                ],
            )
            .await
            .map_err(|e| err("create", e))?;
        if inserted == 0 {
            return Err(StorageError::Exists);
        }
        for (k, v) in custom_labels(&rel.labels) {
            tx.execute(
                "INSERT INTO custom_labels_v1 (releaseKey, releaseNamespace, key, value) VALUES ($1, $2, $3, $4)",
                &[&key, &ns, &k, &v],
            )
            .await
            .map_err(|e| err("create labels", e))?;
        }
        tx.commit().await.map_err(|e| err("create", e))
    }

    async fn update(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let ns = if rel.namespace.is_empty() {
            DEFAULT_NAMESPACE
        } else {
            &rel.namespace
        };
        *self.namespace.lock().unwrap() = ns.to_string();
        let body = codec::encode_async(rel).await?;
        let mut client = self.client.lock().await;
        let tx = client.transaction().await.map_err(|e| err("update", e))?;
        tx.execute(
            "UPDATE releases_v1 SET body = $1, name = $2, version = $3, status = $4, owner = $5, modifiedAt = $6
             WHERE key = $7 AND namespace = $8",
            &[
                &body,
                &rel.name,
                &(rel.version as i32),
                &rel.status().as_str(),
                &"helm",
                &unix_now(),
                &key,
                &ns,
            ],
        )
        .await
        .map_err(|e| err("update", e))?;
        // Helm's update leaves custom labels alone; whelm keeps them in step with the
        // release (its lock labels come and go), which Helm reads the same way.
        tx.execute(
            "DELETE FROM custom_labels_v1 WHERE releaseKey = $1 AND releaseNamespace = $2",
            &[&key, &ns],
        )
        .await
        .map_err(|e| err("update labels", e))?;
        for (k, v) in custom_labels(&rel.labels) {
            tx.execute(
                "INSERT INTO custom_labels_v1 (releaseKey, releaseNamespace, key, value) VALUES ($1, $2, $3, $4)",
                &[&key, &ns, &k, &v],
            )
            .await
            .map_err(|e| err("update labels", e))?;
        }
        tx.commit().await.map_err(|e| err("update", e))
    }

    async fn delete(&self, key: &str) -> Result<Release, StorageError> {
        let ns = self.ns();
        let mut client = self.client.lock().await;
        let tx = client.transaction().await.map_err(|e| err("delete", e))?;
        let row = tx
            .query_opt(
                "SELECT body FROM releases_v1 WHERE key = $1 AND namespace = $2 FOR UPDATE",
                &[&key, &ns],
            )
            .await
            .map_err(|e| err("delete", e))?
            .ok_or(StorageError::NotFound)?;
        let mut rel = codec::decode(row.get(0), key)?;
        tx.execute(
            "DELETE FROM releases_v1 WHERE key = $1 AND namespace = $2",
            &[&key, &ns],
        )
        .await
        .map_err(|e| err("delete", e))?;
        let rows = tx
            .query(
                "SELECT key, value FROM custom_labels_v1 WHERE releaseKey = $1 AND releaseNamespace = $2",
                &[&key, &ns],
            )
            .await
            .map_err(|e| err("delete", e))?;
        rel.labels = custom_labels(
            &rows
                .iter()
                .map(|r| {
                    let k: Option<String> = r.get(0);
                    let v: Option<String> = r.get(1);
                    (k.unwrap_or_default(), v.unwrap_or_default())
                })
                .collect(),
        );
        tx.execute(
            "DELETE FROM custom_labels_v1 WHERE releaseKey = $1 AND releaseNamespace = $2",
            &[&key, &ns],
        )
        .await
        .map_err(|e| err("delete", e))?;
        tx.commit().await.map_err(|e| err("delete", e))?;
        Ok(rel)
    }
}

#[cfg(test)]
mod tests {
    //! Against a real PostgreSQL that the test starts on 127.0.0.1 (Debian's `postgresql`
    //! package; `WHELM_TEST_PG_BIN` may name the directory of `initdb`/`pg_ctl`). Without
    //! PostgreSQL the test fails: it never skips.

    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::sync::Arc;

    use super::*;
    use crate::storage::codec::tests::HELM4_RELEASE_JSON;
    use crate::storage::lock::{self, Operation};
    use crate::storage::release::Status;
    use crate::storage::{Storage, make_key};

    struct Postgres {
        bin: PathBuf,
        dir: PathBuf,
        port: u16,
        user: Option<&'static str>,
    }

    fn find_bin() -> PathBuf {
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Ok(d) = std::env::var("WHELM_TEST_PG_BIN") {
            candidates.push(d.into());
        }
        candidates.push("/usr/local/bin".into());
        candidates.push("/usr/bin".into());
        if let Ok(rd) = std::fs::read_dir("/usr/lib/postgresql") {
            let mut v: Vec<PathBuf> = rd.flatten().map(|e| e.path().join("bin")).collect();
            v.sort();
            candidates.extend(v.into_iter().rev());
        }
        candidates
            .into_iter()
            .find(|d| d.join("initdb").exists() && d.join("pg_ctl").exists())
            .unwrap_or_else(|| {
                panic!(
                    "the SQL driver tests need PostgreSQL: install Debian's `postgresql` package \
                     (initdb, pg_ctl, postgres), or set WHELM_TEST_PG_BIN to their directory"
                )
            })
    }

    impl Postgres {
        fn run(&self, program: &str, args: &[&str]) {
            let exe = self.bin.join(program);
            let mut cmd = match self.user {
                Some(u) => {
                    let mut c = Command::new("runuser");
                    c.args(["-u", u, "--"]).arg(&exe);
                    c
                }
                None => Command::new(&exe),
            };
            let out = cmd
                .args(args)
                .output()
                .unwrap_or_else(|e| panic!("cannot run {exe:?}: {e}"));
            assert!(
                out.status.success(),
                "{program} {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }

        fn start() -> Postgres {
            let bin = find_bin();
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let dir = std::env::temp_dir().join(format!("whelm-pg-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            // initdb refuses root: run the server as the `postgres` user then.
            let root = Command::new("id")
                .arg("-u")
                .output()
                .map(|o| o.stdout == b"0\n")
                .unwrap_or(false);
            let user = root.then_some("postgres");
            if let Some(u) = user {
                let ok = Command::new("chown")
                    .arg(format!("{u}:"))
                    .arg(&dir)
                    .status()
                    .unwrap();
                assert!(
                    ok.success(),
                    "cannot chown {dir:?} to {u} (does the user exist?)"
                );
            }
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let pg = Postgres {
                bin,
                dir,
                port,
                user,
            };
            let data = pg.dir.join("data");
            let data = data.to_str().unwrap();
            pg.run(
                "initdb",
                &[
                    "-D",
                    data,
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
            );
            let opts = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
                pg.dir.display()
            );
            let log = pg.dir.join("log");
            pg.run(
                "pg_ctl",
                &[
                    "-D",
                    data,
                    "-l",
                    log.to_str().unwrap(),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    &opts,
                    "start",
                ],
            );
            pg
        }

        fn url(&self, db: &str) -> String {
            format!(
                "host=127.0.0.1 port={} user=postgres dbname={db} sslmode=disable",
                self.port
            )
        }

        fn data(&self) -> PathBuf {
            self.dir.join("data")
        }
    }

    impl Drop for Postgres {
        fn drop(&mut self) {
            let data = self.data();
            let _ = Path::new(&data).exists().then(|| {
                let exe = self.bin.join("pg_ctl");
                let mut cmd = match self.user {
                    Some(u) => {
                        let mut c = Command::new("runuser");
                        c.args(["-u", u, "--"]).arg(exe);
                        c
                    }
                    None => Command::new(exe),
                };
                cmd.args(["-D", data.to_str().unwrap(), "-m", "immediate", "stop"])
                    .output()
            });
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    async fn admin(pg: &Postgres, db: &str) -> Client {
        let (client, conn) = tokio_postgres::connect(&pg.url(db), NoTls).await.unwrap();
        tokio::spawn(async move {
            let _ = conn.await;
        });
        client
    }

    fn rel(name: &str, version: i64, status: Status) -> Release {
        let mut r: Release = serde_json::from_str(HELM4_RELEASE_JSON).unwrap();
        r.name = name.into();
        r.version = version;
        r.set_status(status, "");
        r
    }

    #[tokio::test]
    async fn sql_driver_against_real_postgres() {
        let pg = Postgres::start();
        let a = admin(&pg, "postgres").await;
        for db in ["schema", "crud", "helmrows", "locks", "crash"] {
            a.batch_execute(&format!("CREATE DATABASE {db}"))
                .await
                .unwrap();
        }
        schema_is_helms(&pg).await;
        crud(&pg).await;
        reads_rows_helm_wrote(&pg).await;
        locks(&pg).await;
        let c = admin(&pg, "crash").await;
        let url = pg.url("crash");
        let c = Arc::new(c);
        lock::tests::crash_at_every_step(
            async || {
                c.batch_execute(
                    "DROP TABLE IF EXISTS releases_v1, custom_labels_v1, gorp_migrations",
                )
                .await
                .unwrap();
                Arc::new(Sql::connect(&url, "prod").await.unwrap()) as Arc<dyn Driver>
            },
            false,
        )
        .await;
    }

    async fn schema_is_helms(pg: &Postgres) {
        let url = pg.url("schema");
        Sql::connect(&url, "default").await.unwrap();
        Sql::connect(&url, "default")
            .await
            .expect("migrations are applied once");
        let c = admin(pg, "schema").await;
        let cols: Vec<(String, String, String)> = c
            .query(
                "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_name IN ('releases_v1', 'custom_labels_v1') ORDER BY table_name, ordinal_position",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        let want = [
            ("custom_labels_v1", "releasekey", "character varying"),
            ("custom_labels_v1", "releasenamespace", "character varying"),
            ("custom_labels_v1", "key", "character varying"),
            ("custom_labels_v1", "value", "character varying"),
            ("releases_v1", "key", "character varying"),
            ("releases_v1", "type", "character varying"),
            ("releases_v1", "body", "text"),
            ("releases_v1", "name", "character varying"),
            ("releases_v1", "namespace", "character varying"),
            ("releases_v1", "version", "integer"),
            ("releases_v1", "status", "text"),
            ("releases_v1", "owner", "text"),
            ("releases_v1", "createdat", "integer"),
            ("releases_v1", "modifiedat", "integer"),
        ];
        let got: Vec<(&str, &str, &str)> = cols
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(got, want);
        let ids: Vec<String> = c
            .query("SELECT id FROM gorp_migrations ORDER BY id", &[])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(ids, ["custom_labels", "init"]);
    }

    async fn crud(pg: &Postgres) {
        let d = Sql::connect(&pg.url("crud"), "prod").await.unwrap();
        let mut r1 = rel("web", 1, Status::Deployed);
        r1.labels.insert("team".into(), "core".into());
        d.create(&make_key("web", 1), &r1).await.unwrap();
        assert!(matches!(
            d.create(&make_key("web", 1), &r1).await,
            Err(StorageError::Exists)
        ));
        d.create(&make_key("web", 2), &rel("web", 2, Status::Failed))
            .await
            .unwrap();
        d.create(&make_key("api", 1), &rel("api", 1, Status::Deployed))
            .await
            .unwrap();

        let got = d.get(&make_key("web", 1)).await.unwrap();
        assert_eq!(got, r1);
        assert!(matches!(
            d.get(&make_key("web", 9)).await,
            Err(StorageError::NotFound)
        ));

        let q = Labels::from([
            ("name".into(), "web".into()),
            ("owner".into(), "helm".into()),
        ]);
        assert_eq!(d.query(&q).await.unwrap().len(), 2);
        let q = Labels::from([
            ("name".into(), "web".into()),
            ("version".into(), "2".into()),
        ]);
        assert_eq!(d.query(&q).await.unwrap()[0].status(), Status::Failed);
        let q = Labels::from([("status".into(), "superseded".into())]);
        assert!(matches!(d.query(&q).await, Err(StorageError::NotFound)));
        let q = Labels::from([("team".into(), "core".into())]);
        assert_eq!(
            d.query(&q).await.unwrap_err().to_string(),
            "unknown label team"
        );

        let all = d.list(&|_| true).await.unwrap();
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|r| r.labels["owner"] == "helm"));

        let mut sup = got.clone();
        sup.set_status(Status::Superseded, "Superseded");
        d.update(&make_key("web", 1), &sup).await.unwrap();
        assert_eq!(d.get(&make_key("web", 1)).await.unwrap(), sup);

        let s = Storage::new(Box::new(d));
        assert_eq!(s.history("web").await.unwrap().len(), 2);
        assert_eq!(s.deployed("api").await.unwrap().version, 1);
        let deleted = s.delete("web", 1).await.unwrap();
        assert_eq!(deleted.labels["team"], "core");
        assert!(matches!(s.get("web", 1).await, Err(StorageError::NotFound)));
        let c = admin(pg, "crud").await;
        let n: i64 = c
            .query_one("SELECT count(*) FROM custom_labels_v1", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0);
    }

    /// Rows as Helm's driver inserts them (columns, type, owner, body, custom labels).
    async fn reads_rows_helm_wrote(pg: &Postgres) {
        Sql::connect(&pg.url("helmrows"), "prod").await.unwrap();
        let c = admin(pg, "helmrows").await;
        let body = codec::encode(&serde_json::from_str(HELM4_RELEASE_JSON).unwrap()).unwrap();
        c.execute(
            "INSERT INTO releases_v1 (key, type, body, name, namespace, version, status, owner, createdAt)
             VALUES ('sh.helm.release.v1.web.v4', 'helm.sh/release.v1', $1, 'web', 'prod', 4, 'deployed', 'helm', 1700000000)",
            &[&body],
        )
        .await
        .unwrap();
        c.execute(
            "INSERT INTO custom_labels_v1 (releaseKey, releaseNamespace, key, value) VALUES ('sh.helm.release.v1.web.v4', 'prod', 'team', 'core')",
            &[],
        )
        .await
        .unwrap();
        let s = Storage::new(Box::new(
            Sql::connect(&pg.url("helmrows"), "prod").await.unwrap(),
        ));
        let d = s.deployed("web").await.unwrap();
        assert_eq!(d.chart_label(), "web-1.2.3");
        assert_eq!(d.labels["team"], "core");
        // whelm upgrades Helm's release; the row it writes is what Helm's driver expects.
        let held = lock::begin(&s, d.clone(), Operation::Upgrade, "w", 60)
            .await
            .unwrap();
        lock::commit(&s, held, "Upgrade complete", |_| {})
            .await
            .unwrap();
        let rows = c
            .query("SELECT key, type, status, owner, version, createdat FROM releases_v1 ORDER BY version", &[])
            .await
            .unwrap();
        let row = &rows[1];
        assert_eq!(row.get::<_, String>(0), "sh.helm.release.v1.web.v5");
        assert_eq!(row.get::<_, String>(1), "helm.sh/release.v1");
        assert_eq!(row.get::<_, String>(2), "deployed");
        assert_eq!(row.get::<_, String>(3), "helm");
        assert_eq!(row.get::<_, i32>(4), 5);
        assert!(row.get::<_, i32>(5) > 1_700_000_000);
        assert_eq!(rows[0].get::<_, String>(2), "superseded");
        helm_reads_rows_whelm_wrote(pg, &s).await;
    }

    /// An HTTP server on 127.0.0.1 that answers every request with a Kubernetes `/version`.
    fn version_server() -> std::net::SocketAddr {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let mut reader = BufReader::new(&conn);
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                    line.clear();
                }
                let body = r#"{"major":"1","minor":"34","gitVersion":"v1.34.0"}"#;
                let _ = (&conn).write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
        });
        addr
    }

    /// The real helm (`HELM_BIN`) reads the revisions whelm wrote: its driver decodes whelm's
    /// multi-member gzip and finds the same release.
    async fn helm_reads_rows_whelm_wrote(pg: &Postgres, s: &Storage) {
        let Some(helm) = std::env::var_os("HELM_BIN") else {
            eprintln!("skipping helm's reading of whelm's rows: set HELM_BIN to helm 4.3.1");
            return;
        };
        let ours = s.get("web", 5).await.unwrap();
        // helm checks that a cluster answers (`GET /version`) before it reads its storage.
        let kubeconfig = pg.dir.join("kubeconfig");
        std::fs::write(
            &kubeconfig,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: 'http://{}'}}\n\
                 contexts:\n- name: c\n  context: {{cluster: c, user: u}}\ncurrent-context: c\n\
                 users:\n- name: u\n  user: {{}}\n",
                version_server()
            ),
        )
        .unwrap();
        let helm = |args: &[&str]| {
            let out = Command::new(&helm)
                .args(args)
                .env("HELM_DRIVER", "sql")
                .env("HELM_DRIVER_SQL_CONNECTION_STRING", pg.url("helmrows"))
                .env("KUBECONFIG", &kubeconfig)
                .env("HELM_CACHE_HOME", pg.dir.join("helm-cache"))
                .env("HELM_CONFIG_HOME", pg.dir.join("helm-config"))
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "helm {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        };
        let manifest = helm(&["get", "manifest", "web", "-n", "prod", "--revision", "5"]);
        assert_eq!(manifest.trim_end(), ours.manifest.trim_end());
        let history: serde_json::Value =
            serde_json::from_str(&helm(&["history", "web", "-n", "prod", "-o", "json"])).unwrap();
        let rows: Vec<(i64, &str, &str)> = history
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let status = r["status"].as_str().unwrap();
                let chart = r["chart"].as_str().unwrap();
                (r["revision"].as_i64().unwrap(), status, chart)
            })
            .collect();
        assert_eq!(
            rows,
            [(4, "superseded", "web-1.2.3"), (5, "deployed", "web-1.2.3")]
        );
    }

    async fn locks(pg: &Postgres) {
        let s = Storage::new(Box::new(
            Sql::connect(&pg.url("locks"), "prod").await.unwrap(),
        ));
        let first = lock::begin(
            &s,
            rel("web", 0, Status::Unset),
            Operation::Install,
            "alice",
            60,
        )
        .await
        .unwrap();
        let e = lock::begin(
            &s,
            rel("web", 0, Status::Unset),
            Operation::Install,
            "bob",
            60,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, StorageError::Locked { .. }), "{e}");
        assert!(e.to_string().contains("alice"), "{e}");
        // The lease lives in custom_labels_v1 while pending, and is gone after commit.
        let c = admin(pg, "locks").await;
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM custom_labels_v1 WHERE key LIKE 'whelm.sh/%'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 2);
        lock::commit(&s, first, "Install complete", |_| {})
            .await
            .unwrap();
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM custom_labels_v1 WHERE key LIKE 'whelm.sh/%'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0);

        // A pending revision whose body does not decode (an upgrade killed, the row damaged
        // since) still has a head from its columns: recovery stops on it and says where it is,
        // rather than not seeing it and then failing to create "the next" revision over it.
        let mut s = s;
        let now = Arc::new(std::sync::atomic::AtomicI64::new(1_750_000_000));
        let clock = now.clone();
        s.clock = Arc::new(move || clock.load(std::sync::atomic::Ordering::SeqCst));
        lock::begin(
            &s,
            rel("web", 0, Status::Unset),
            Operation::Upgrade,
            "crasher",
            60,
        )
        .await
        .unwrap();
        c.execute(
            "UPDATE releases_v1 SET body = 'not a release' WHERE key = $1",
            &[&make_key("web", 2)],
        )
        .await
        .unwrap();
        now.fetch_add(61, std::sync::atomic::Ordering::SeqCst);
        let e = lock::recover(&s, "web").await.unwrap_err();
        assert!(
            e.to_string().starts_with(
                "cannot recover release \"web\": revision 2 is pending-upgrade and must be \
                 marked failed, but its stored record, the row with key \
                 \"sh.helm.release.v1.web.v2\" in namespace \"prod\" of the SQL table \
                 releases_v1, does not decode (not valid base64: "
            ),
            "{e}"
        );
    }
}
