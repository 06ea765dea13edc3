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

use super::{Driver, Filter, Labels, StorageError, codec, custom_labels, system_labels};
use crate::storage::release::Release;

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
const QUERY_COLUMNS: [&str; 6] = ["modifiedAt", "createdAt", "version", "status", "owner", "name"];

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

    async fn custom_labels_of(&self, client: &Client, key: &str, ns: &str) -> Result<Labels, StorageError> {
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
        let ns = self.ns();
        let mut sql = String::from("SELECT key, namespace, body FROM releases_v1");
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
                    return Err(StorageError::NotFound);
                };
                order.push((true, ints.len()));
                ints.push(n);
            } else {
                order.push((false, texts.len()));
                texts.push(v.clone());
            }
        }
        if !ns.is_empty() {
            sql.push_str(if labels.is_empty() { " WHERE " } else { " AND " });
            sql.push_str(&format!("namespace = ${}", labels.len() + 1));
            order.push((false, texts.len()));
            texts.push(ns);
        }
        let params: Vec<&(dyn ToSql + Sync)> = order
            .iter()
            .map(|&(int, i)| -> &(dyn ToSql + Sync) { if int { &ints[i] } else { &texts[i] } })
            .collect();
        let client = self.client.lock().await;
        let rows = client.query(&sql, &params).await.map_err(|e| err("query", e))?;
        let out = self.decode_rows(&client, rows, false, None).await?;
        if out.is_empty() {
            return Err(StorageError::NotFound);
        }
        Ok(out)
    }

    async fn create(&self, key: &str, rel: &Release) -> Result<(), StorageError> {
        let ns = if rel.namespace.is_empty() { DEFAULT_NAMESPACE } else { &rel.namespace };
        *self.namespace.lock().unwrap() = ns.to_string();
        let body = codec::encode(rel)?;
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
        let ns = if rel.namespace.is_empty() { DEFAULT_NAMESPACE } else { &rel.namespace };
        *self.namespace.lock().unwrap() = ns.to_string();
        let body = codec::encode(rel)?;
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
