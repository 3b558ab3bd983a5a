//! Small key/value facts about this installation.

use crate::{Store, StoreError, Tx};

pub async fn get(store: &Store, key: &str) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(store.pool())
            .await?,
    )
}

pub async fn put(tx: &mut Tx, key: &str, value: &str) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An account `tuanjian demo` made, listed on the login page of a demo installation.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct DemoAccount {
    /// What the account is, e.g. "团中央管理员".
    pub label: String,
    pub id_number: String,
    pub password: String,
}

pub const DEMO_ACCOUNTS_KEY: &str = "demo_accounts";

/// The demo accounts, empty unless this database was made by `tuanjian demo`.
pub async fn demo_accounts(store: &Store) -> Result<Vec<DemoAccount>, StoreError> {
    Ok(get(store, DEMO_ACCOUNTS_KEY)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}
