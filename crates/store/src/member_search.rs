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
/// the insert trigger skipped), in the index's order (on PostgreSQL 1.6 s for 300,000 entries,
/// 4.4 s unsorted); then the list is emptied. PostgreSQL reads each run of ids by the members'
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

/// Entries missing, extra or doubled, and people left listed as deferred (the insert trigger
/// would skip them for good). One aggregate over the entries derived from the members (+1
/// each) and the stored ones (-1 each): a row whose weights do not cancel differs by that many
/// entries (missing: +1, extra: -1, stored n times: 1 - n). Two EXCEPTs and a DISTINCT read the
/// entries five times; this reads each set once.
macro_rules! chars_faults {
    ($db:ident) => {
        concat!(
            "SELECT CAST(COALESCE((SELECT SUM(ABS(d)) FROM (SELECT SUM(w) AS d FROM (SELECT ch, \
             org_path, person_sort, person_id, person_name, status, 1 AS w FROM (",
            derived_chars!($db),
            ") derived UNION ALL SELECT ch, org_path, person_sort, person_id, person_name, \
             status, -1 AS w FROM member_name_chars) u \
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
