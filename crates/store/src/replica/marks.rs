//! Read-your-writes across stateless servers: who a request acts for (a task-local slot the
//! web layer opens per request and `Store::session` fills), and where in the primary's WAL
//! that person's latest write ended (`read_marks`, on the primary, so every server sees it).

use std::cell::Cell;
use std::future::Future;

use crate::{Store, StoreError, now};

tokio::task_local! {
    /// The person the current request acts for, once its session is read.
    static ACTING_FOR: Cell<Option<i64>>;
}

/// Runs `request` with a slot for the person it acts for: commits made inside it mark that
/// person's writes, and replica reads inside it follow them (`Store::replica_read`).
pub async fn reads_follow_writes<F: Future>(request: F) -> F::Output {
    ACTING_FOR.scope(Cell::new(None), request).await
}

/// Runs `work` (a background job a request started) as acting for the request's person
/// (`acting_person()` when it started), so its commits mark that person's writes too.
pub async fn acting_for<F: Future>(person_id: Option<i64>, work: F) -> F::Output {
    ACTING_FOR.scope(Cell::new(person_id), work).await
}

/// The session of the current request belongs to `person_id` (outside a request: nothing).
pub(crate) fn note_person(person_id: i64) {
    let _ = ACTING_FOR.try_with(|slot| slot.set(Some(person_id)));
}

/// The person the current request or job acts for, if any.
pub fn acting_person() -> Option<i64> {
    ACTING_FOR.try_with(Cell::get).ok().flatten()
}

/// After the commit: the WAL insert position is past the commit record once the commit has
/// returned, whatever `synchronous_commit` says (the write position may not be, when it is
/// off), so a replica that has replayed up to it shows the write. Never lowered: two requests
/// of one person may finish in either order.
const MARK: &str = "INSERT INTO read_marks (person_id, lsn, marked_at) \
     VALUES ($1, (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint, $2) \
     ON CONFLICT (person_id) DO UPDATE \
     SET lsn = GREATEST(read_marks.lsn, excluded.lsn), marked_at = excluded.marked_at";

/// Records that `person_id` just committed a write. The mark's own commit does not wait for
/// the disk (`synchronous_commit = off`): it is visible to every server at once, and one lost
/// in a crash costs at most a read of the replica's past. That took a mark from 3.7 ms (one
/// more flush per write) to 1.5 ms here (docs/benchmarks.md, "Issue 14: read replicas").
pub(crate) async fn mark(primary: &Store, person_id: i64) -> Result<(), StoreError> {
    let mut tx = primary.begin_retried(|| primary.pool.begin()).await?;
    sqlx::query("SET LOCAL synchronous_commit = off")
        .execute(&mut *tx)
        .await?;
    sqlx::query(MARK)
        .bind(person_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Where `person_id`'s latest write ended, if they wrote since a replica was in use.
pub(crate) async fn marked(primary: &Store, person_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT lsn FROM read_marks WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(primary.pool())
            .await?,
    )
}
