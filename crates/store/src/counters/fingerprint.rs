//! Which organisations' counters may differ from their rows, found without counting every
//! (organisation, dimension, value) of the country: each counter's value is weighed by a random
//! weight of its (dimension, value) and summed per organisation, modulo the prime `P`. The
//! check's rule is linear (an organisation's counters equal its own rows' counts plus its
//! children's counters), so it holds for the weighted sums too: an organisation whose sums
//! differ has a wrong counter, and only those (`verify_suspects`) are then counted value by
//! value. The aggregates are per organisation (a million groups at 10 M members) where the exact
//! comparison grouped tens of millions of (organisation, dimension, value) rows, several times.
//!
//! A single wrong counter always changes the sums (its error is smaller than `P`, which is
//! prime, and its weight is not zero). Several wrong counters of one organisation could cancel
//! in one sum only for about one draw of the weights in `P` (2^31); two independent sums are
//! kept, so about one in 2^62, drawn afresh on every run. A (dimension, value) with no weight
//! (weights are drawn for the values the roots' counters hold, and every counted value is
//! counted at its root) makes its organisation, and the parent its counter adds to, a suspect.

use rand::Rng;

use super::sql::{member_rows, member_values, pg_month, sqlite_month};
use crate::{Backend, StoreError, Tx};

/// 2^31 − 1, prime: a weighed term fits in 32 bits, their sums in 64.
const P: i64 = 2_147_483_647;

macro_rules! prime {
    () => {
        "2147483647"
    };
}

/// The weights of each (dimension, value) for this run.
const WEIGHTS: &str = "CREATE TEMPORARY TABLE verify_weights (dim TEXT NOT NULL, val TEXT NOT NULL, \
     a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (dim, val))";

/// The values the roots' counters hold: every value counted anywhere is counted at its root.
const ROOT_VALUES: &str = "SELECT DISTINCT c.dim, c.val FROM org_counts c \
     JOIN orgs o ON o.id = c.org_id WHERE o.parent_id IS NULL";

/// One term of a sum: `n` counted rows of a weighed value, reduced modulo `P` (32 bits, so the
/// sums stay exact integers on both databases).
macro_rules! weighed {
    ($n:literal, $w:literal) => {
        concat!(
            "CAST(CAST(",
            $n,
            " AS BIGINT) % ",
            prime!(),
            " * ",
            $w,
            " % ",
            prime!(),
            " AS INTEGER)"
        )
    };
}

/// The sums of rows `($src)` holding `org_id, dim, val` and a count `$n`.
macro_rules! sums_of {
    ($src:expr, $n:literal) => {
        concat!(
            "SELECT t.org_id AS org_id, SUM(",
            weighed!($n, "w.a"),
            ") AS a, SUM(",
            weighed!($n, "w.b"),
            ") AS b, SUM(CASE WHEN w.dim IS NULL THEN 1 ELSE 0 END) AS u FROM ",
            $src,
            " t LEFT JOIN verify_weights w ON w.dim = t.dim AND w.val = t.val GROUP BY t.org_id"
        )
    };
}

/// The counters' sums per organisation (zero counters weigh nothing).
const STORED: &str = concat!(
    "CREATE TEMPORARY TABLE verify_stored AS ",
    sums_of!(
        "(SELECT org_id, dim, val, n FROM org_counts WHERE n <> 0)",
        "t.n"
    )
);

/// Organisations whose own rows (members counted here, the rest already in `verify_own`) and
/// children's counters do not sum to their counters.
macro_rules! suspects {
    ($month:ident) => {
        concat!(
            "INSERT INTO verify_suspects (org_id) SELECT s.org_id FROM (",
            sums_of!(
                concat!(
                    "(SELECT path AS org_id, dim, val, delta FROM (",
                    member_values!(member_rows!("m.org_id"), $month!("s.status_since")),
                    ") v)"
                ),
                "t.delta"
            ),
            " UNION ALL ",
            sums_of!("verify_own", "t.n"),
            " UNION ALL SELECT o.parent_id, k.a, k.b, k.u FROM verify_stored k \
               JOIN orgs o ON o.id = k.org_id WHERE o.parent_id IS NOT NULL \
             UNION ALL SELECT org_id, -a, -b, u FROM verify_stored) s \
             GROUP BY s.org_id HAVING SUM(s.a) % ",
            prime!(),
            " <> 0 OR SUM(s.b) % ",
            prime!(),
            " <> 0 OR SUM(s.u) <> 0"
        )
    };
}

/// Fills `verify_suspects` (created by the caller) with the organisations whose counters may
/// differ from their rows; `verify_own` must hold the own counts of everything but members.
/// Returns how many.
pub(super) async fn find_suspects(tx: &mut Tx) -> Result<i64, StoreError> {
    sqlx::query(WEIGHTS).execute(&mut **tx).await?;
    let values: Vec<(String, String)> = sqlx::query_as(ROOT_VALUES).fetch_all(&mut **tx).await?;
    for (dim, val) in values {
        let (a, b) = {
            let mut rng = rand::rng();
            (rng.random_range(1..P), rng.random_range(1..P))
        };
        sqlx::query("INSERT INTO verify_weights (dim, val, a, b) VALUES ($1, $2, $3, $4)")
            .bind(dim)
            .bind(val)
            .bind(a)
            .bind(b)
            .execute(&mut **tx)
            .await?;
    }
    if tx.backend() == Backend::Postgres {
        // Temporary tables have no statistics until analysed.
        sqlx::query("ANALYZE verify_weights")
            .execute(&mut **tx)
            .await?;
    }
    super::rebuild::timed(tx, "counters weighed", STORED, None).await?;
    let suspects = match tx.backend() {
        Backend::Sqlite => suspects!(sqlite_month),
        Backend::Postgres => suspects!(pg_month),
    };
    super::rebuild::timed(tx, "rows weighed", suspects, None).await?;
    for sql in ["DROP TABLE verify_stored", "DROP TABLE verify_weights"] {
        sqlx::query(sql).execute(&mut **tx).await?;
    }
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM verify_suspects")
        .fetch_one(&mut **tx)
        .await?)
}
