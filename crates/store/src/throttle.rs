//! Temporary lockout after repeated failures, by key (an account or a client address).
//! Never permanent: a permanent lock would let anyone lock a user out.

use sqlx::Row;

use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures within `window` seconds that trigger a lock.
    pub max_failures: i64,
    pub window: i64,
    /// How long the lock lasts, in seconds.
    pub lock_for: i64,
}

impl Store {
    /// The time until which `key` is locked, if it is locked now.
    pub async fn locked_until(&self, key: &str) -> Result<Option<i64>, StoreError> {
        let until: Option<Option<i64>> =
            sqlx::query_scalar("SELECT locked_until FROM login_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
        Ok(until.flatten().filter(|&u| u > now()))
    }
}

/// Counts a failure; returns the lock end when this failure locks the key.
pub async fn record_failure(
    tx: &mut Tx,
    key: &str,
    policy: Policy,
) -> Result<Option<i64>, StoreError> {
    let t = now();
    let row = sqlx::query("SELECT failures, window_start FROM login_throttle WHERE key = $1")
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    let (failures, window_start) = match row {
        Some(r) if t - r.try_get::<i64, _>("window_start")? < policy.window => (
            r.try_get::<i64, _>("failures")? + 1,
            r.try_get::<i64, _>("window_start")?,
        ),
        _ => (1, t),
    };
    let locked_until = (failures >= policy.max_failures).then_some(t + policy.lock_for);
    // A lock starts a fresh count: once it expires the full allowance is back, no more.
    let (failures, window_start) = if locked_until.is_some() {
        (0, t)
    } else {
        (failures, window_start)
    };
    sqlx::query(
        "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, \
         locked_until = excluded.locked_until",
    )
    .bind(key)
    .bind(failures)
    .bind(window_start)
    .bind(locked_until)
    .execute(&mut **tx)
    .await?;
    Ok(locked_until)
}

pub async fn clear(tx: &mut Tx, key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
