//! Name search inside a scope (issue 14) through `member_name_chars` (migration 0019): every
//! member is listed under each distinct character of their name with their branch's path, so
//! the members of a scope whose names hold one character are one index range, in the list's
//! order. A search picks the pattern's rarest character in the scope (each counted up to
//! `PROBE_CAP`), reads that character's entries in the scope and checks the whole pattern on
//! the name beside them: the cost follows the matches of one character in the scope, never the
//! scope's size. The statements reading the entries are in `member_pages.rs`.

use crate::members::MemberQuery;
use crate::{Backend, Store, StoreError, Tx};

/// How many entries of one character a probe counts: enough to tell a rare character from a
/// common one, cheap for the few characters of a name.
const PROBE_CAP: i64 = 5_000;

/// The first characters of a pattern that are probed (names have at most a few).
const PROBED: usize = 8;

/// A name as `member_name_chars` keeps its characters: ASCII letters in lower case.
fn folded(c: char) -> String {
    c.to_ascii_lowercase().to_string()
}

/// What a name search reads: the chosen character, or nothing when some character of the
/// pattern is in no name of the scope (no member can match).
#[derive(Debug, Clone)]
pub(crate) enum Chosen {
    Char(String),
    NoMatch,
}

impl Store {
    /// The character a name search reads; see the module comment.
    pub(crate) async fn search_char(
        &self,
        q: &MemberQuery<'_>,
        pattern: &str,
    ) -> Result<Chosen, StoreError> {
        if let Some(chosen) = q.chosen.get() {
            return Ok(chosen.clone());
        }
        let chosen = self.probe_chars(q, pattern).await?;
        // Two reads racing to set it chose alike: either answer stands.
        let _ = q.chosen.set(chosen.clone());
        Ok(chosen)
    }

    async fn probe_chars(&self, q: &MemberQuery<'_>, pattern: &str) -> Result<Chosen, StoreError> {
        let (lo, hi) = q.range();
        let mut seen: Vec<String> = Vec::new();
        for c in pattern.chars() {
            let ch = folded(c);
            if !seen.contains(&ch) {
                seen.push(ch);
            }
        }
        let mut best: Option<(i64, String)> = None;
        for ch in seen.into_iter().take(PROBED) {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT 1 FROM member_name_chars \
                 WHERE ch = $1 AND org_path >= $2 AND org_path < $3 LIMIT $4) probe",
            )
            .bind(&ch)
            .bind(lo)
            .bind(hi)
            .bind(PROBE_CAP)
            .fetch_one(self.pool())
            .await?;
            if n == 0 {
                return Ok(Chosen::NoMatch);
            }
            // Ties go to the later character: given names vary more than surnames.
            if best.as_ref().is_none_or(|(m, _)| n <= *m) {
                best = Some((n, ch));
            }
        }
        Ok(best.map_or(Chosen::NoMatch, |(_, ch)| Chosen::Char(ch)))
    }
}

/// The entries the members' rows call for, as the triggers of migration 0019 write them.
macro_rules! derived_chars {
    (sqlite) => {
        "SELECT DISTINCT lower(substr(m.person_name, k.n, 1)) AS ch, m.org_path, m.person_sort, \
         m.person_id, m.person_name, m.status FROM members m \
         JOIN name_char_positions k ON k.n <= length(m.person_name) WHERE m.person_name IS NOT NULL"
    };
    (postgres) => {
        "SELECT c AS ch, m.org_path, m.person_sort, m.person_id, m.person_name, m.status \
         FROM members m CROSS JOIN LATERAL tj_name_chars(m.person_name) AS c \
         WHERE m.person_name IS NOT NULL"
    };
}

/// The entries of the members whose people `name_chars_deferred` lists (a bulk write's, which
/// the insert trigger skipped) of fewer than `member_bulk::PENDING_FROM` members, written at
/// once in the index's order (on PostgreSQL 1.6 s for 300,000 entries, 4.4 s unsorted); then
/// the list is emptied. PostgreSQL reads each run of ids by the members'
/// key (`OFFSET 0` keeps the planner from turning that into a scan of every member: it cannot
/// know the list holds a few runs).
pub(crate) async fn write_deferred_name_chars(tx: &mut Tx) -> Result<(), StoreError> {
    let sql = match tx.backend() {
        Backend::Sqlite => {
            "INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, \
             status) \
             SELECT lower(substr(m.person_name, k.n, 1)), m.org_path, m.person_sort, \
             m.person_id, m.person_name, m.status \
             FROM name_chars_deferred d JOIN members m ON m.person_id BETWEEN d.lo AND d.hi \
             JOIN name_char_positions k ON k.n <= length(m.person_name) \
             WHERE m.person_name IS NOT NULL AND instr(lower(substr(m.person_name, 1, k.n - 1)), \
             lower(substr(m.person_name, k.n, 1))) = 0 \
             ORDER BY 1, 2, 3, 4"
        }
        Backend::Postgres => {
            "INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, \
             status) \
             SELECT c, m.org_path, m.person_sort, m.person_id, m.person_name, m.status \
             FROM name_chars_deferred d CROSS JOIN LATERAL (SELECT * FROM members \
               WHERE person_id BETWEEN d.lo AND d.hi OFFSET 0) m \
             CROSS JOIN LATERAL tj_name_chars(m.person_name) AS c \
             WHERE m.person_name IS NOT NULL ORDER BY 1, 2, 3, 4"
        }
    };
    sqlx::query(sql).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM name_chars_deferred")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves the runs of people `name_chars_deferred` lists (a bulk write's, which the insert
/// trigger skipped) to `name_chars_pending`, with the range of their branches' paths: their
/// entries are written after the commit (`Store::merge_pending_name_chars`).
pub(crate) async fn pend_deferred_name_chars(
    tx: &mut Tx,
    path_lo: &str,
    path_hi: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO name_chars_pending (lo, hi, path_lo, path_hi) \
         SELECT lo, hi, $1, $2 FROM name_chars_deferred",
    )
    .bind(path_lo)
    .bind(path_hi)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM name_chars_deferred")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Runs merged in one transaction (an import of 100,000 rows leaves a few: 6 here).
const MERGED_AT_ONCE: i64 = 64;

/// The entries of one pending run's members that are not there yet (the triggers wrote those
/// of members edited, moved or entered again since), in the index's order (on PostgreSQL
/// 1.6 s for 300,000 entries, 4.4 s unsorted). Each is looked up by the index's whole key: by
/// the character and path alone, a branch of 10,000 members was read 10,000 times over.
const MERGE_SQLITE: &str = "INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, \
     person_name, status) \
     SELECT e.ch, e.org_path, e.person_sort, e.person_id, e.person_name, e.status FROM ( \
       SELECT lower(substr(m.person_name, k.n, 1)) AS ch, m.org_path, m.person_sort, \
       m.person_id, m.person_name, m.status \
       FROM members m JOIN name_char_positions k ON k.n <= length(m.person_name) \
       WHERE m.person_id BETWEEN $1 AND $2 AND m.person_name IS NOT NULL \
       AND instr(lower(substr(m.person_name, 1, k.n - 1)), lower(substr(m.person_name, k.n, 1))) = 0 \
     ) e WHERE NOT EXISTS (SELECT 1 FROM member_name_chars g WHERE g.ch = e.ch \
       AND g.org_path = e.org_path AND g.person_sort IS e.person_sort \
       AND g.person_id = e.person_id) \
     ORDER BY 1, 2, 3, 4";

const MERGE_POSTGRES: &str = "INSERT INTO member_name_chars (ch, org_path, person_sort, \
     person_id, person_name, status) \
     SELECT c, m.org_path, m.person_sort, m.person_id, m.person_name, m.status \
     FROM members m CROSS JOIN LATERAL tj_name_chars(m.person_name) AS c \
     WHERE m.person_id BETWEEN $1 AND $2 AND m.person_name IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM member_name_chars g WHERE g.ch = c \
       AND g.org_path = m.org_path AND g.person_sort = m.person_sort \
       AND g.person_id = m.person_id) \
     AND NOT (m.person_sort IS NULL AND EXISTS (SELECT 1 FROM member_name_chars g \
       WHERE g.ch = c AND g.org_path = m.org_path AND g.person_sort IS NULL \
       AND g.person_id = m.person_id)) \
     ORDER BY 1, 2, 3, 4";

impl Store {
    /// Whether a bulk write's members whose name search entries are not written yet may lie in
    /// the paths `lo..hi` (a scope's range): a name search there reads the members instead.
    pub(crate) async fn name_chars_pending_in(
        &self,
        lo: &str,
        hi: &str,
    ) -> Result<bool, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM name_chars_pending \
             WHERE path_lo < $2 AND path_hi >= $1 LIMIT 1) p",
        )
        .bind(lo)
        .bind(hi)
        .fetch_one(self.pool())
        .await?;
        Ok(n > 0)
    }

    /// Writes the name search entries of every pending run (see migration 0030) and returns
    /// how many runs it merged: up to `MERGED_AT_ONCE` runs per transaction (an import's runs
    /// in one commit: a commit per run cost SQLite a checkpoint each). Several servers may
    /// merge at once: each run is taken by one. On PostgreSQL a run's members are locked first
    /// (`FOR SHARE`), so an edit of one of them waits for the merge, or the merge for the edit,
    /// and the entries written are those of the members as the edit left them.
    pub async fn merge_pending_name_chars(&self) -> Result<u64, StoreError> {
        let postgres = self.backend() == Backend::Postgres;
        let mut merged = 0;
        loop {
            let mut tx = self.begin().await?;
            let runs: Vec<(i64, i64, i64)> = sqlx::query_as(if postgres {
                "SELECT id, lo, hi FROM name_chars_pending ORDER BY id LIMIT $1 \
                 FOR UPDATE SKIP LOCKED"
            } else {
                "SELECT id, lo, hi FROM name_chars_pending ORDER BY id LIMIT $1"
            })
            .bind(MERGED_AT_ONCE)
            .fetch_all(&mut *tx)
            .await?;
            if runs.is_empty() {
                tx.rollback().await?;
                return Ok(merged);
            }
            // As the import's own transaction: no JIT for statements of 60,000 entries.
            tx.bulk_write().await?;
            if postgres {
                // The planner takes a name for 200 characters (the inlined `tj_name_chars`
                // loses its ROWS 4) and answered "not written yet" by hashing all 30 million
                // entries (70 s at 10 M members); each entry is one probe of the index. The
                // sort of 60,000 entries stays in memory. Both end with the transaction.
                for sql in [
                    "SET LOCAL enable_hashjoin = off",
                    "SET LOCAL enable_mergejoin = off",
                    "SET LOCAL work_mem = '64MB'",
                ] {
                    sqlx::query(sql).execute(&mut *tx).await?;
                }
            }
            for (id, lo, hi) in &runs {
                if postgres {
                    sqlx::query(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM members \
                         WHERE person_id BETWEEN $1 AND $2 FOR SHARE) locked",
                    )
                    .bind(lo)
                    .bind(hi)
                    .fetch_one(&mut *tx)
                    .await?;
                }
                sqlx::query(if postgres {
                    MERGE_POSTGRES
                } else {
                    MERGE_SQLITE
                })
                .bind(lo)
                .bind(hi)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM name_chars_pending WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            merged += runs.len() as u64;
        }
    }
}

/// Entries missing, extra or doubled, and people left listed as deferred (the insert trigger
/// would skip them for good). One aggregate over the entries derived from the members (+1
/// each) and the stored ones (-1 each): a row whose weights do not cancel differs by that many
/// entries (missing: +1, extra: -1, stored n times: 1 - n). Two EXCEPTs and a DISTINCT read the
/// entries five times; this reads each set once. The members of pending runs are left out on
/// both sides: their entries are partly written until the merge.
macro_rules! chars_faults {
    ($db:ident) => {
        concat!(
            "SELECT CAST(COALESCE((SELECT SUM(ABS(d)) FROM (SELECT SUM(w) AS d FROM (SELECT ch, \
             org_path, person_sort, person_id, person_name, status, 1 AS w FROM (",
            derived_chars!($db),
            " AND NOT EXISTS (SELECT 1 FROM name_chars_pending p \
             WHERE m.person_id BETWEEN p.lo AND p.hi)) derived \
             UNION ALL SELECT ch, org_path, person_sort, person_id, person_name, \
             status, -1 AS w FROM member_name_chars g WHERE NOT EXISTS (SELECT 1 \
             FROM name_chars_pending p WHERE g.person_id BETWEEN p.lo AND p.hi)) u \
             GROUP BY ch, org_path, person_sort, person_id, person_name, status \
             HAVING SUM(w) <> 0) differing), 0) AS BIGINT) \
             + (SELECT COUNT(*) FROM name_chars_deferred)"
        )
    };
}

/// How many name search entries differ from the members' rows (part of `verify-counters`).
pub(crate) async fn name_chars_faults(tx: &mut Tx) -> Result<i64, StoreError> {
    let sql = match tx.backend() {
        Backend::Sqlite => chars_faults!(sqlite),
        Backend::Postgres => chars_faults!(postgres),
    };
    Ok(sqlx::query_scalar(sql).fetch_one(&mut **tx).await?)
}

/// Writes every name search entry again from the members' rows (`verify-counters --repair`).
pub(crate) async fn rebuild_name_chars(tx: &mut Tx) -> Result<(), StoreError> {
    for sql in [
        "DELETE FROM member_name_chars",
        "DELETE FROM name_chars_deferred",
        "DELETE FROM name_chars_pending",
    ] {
        sqlx::query(sql).execute(&mut **tx).await?;
    }
    let sql = match tx.backend() {
        Backend::Sqlite => concat!(
            "INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, \
             status) ",
            derived_chars!(sqlite)
        ),
        Backend::Postgres => concat!(
            "INSERT INTO member_name_chars (ch, org_path, person_sort, person_id, person_name, \
             status) ",
            derived_chars!(postgres)
        ),
    };
    sqlx::query(sql).execute(&mut **tx).await?;
    Ok(())
}
