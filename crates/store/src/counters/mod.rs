//! Statistics counters (issue 14, migration 0015): `org_counts` holds, for every organisation,
//! the counts of its whole subtree by dimension and value. Triggers log each change of a
//! counted row; `fold` adds the log to every organisation on the row's path before the
//! transaction commits (`Tx::commit`), so the counters are never seen out of step with the
//! rows. `recount` derives the same numbers from the rows (with the same SQL, `sql.rs`) for
//! `tuanjian verify-counters`, which also repairs them (`rebuild`).

mod fingerprint;
mod fold;
mod rebuild;
mod recount;
pub(crate) mod sql;
mod verify;

use std::collections::BTreeMap;

use sqlx::Row;

pub(crate) use fold::{clear as clear_logs, fold, member_counts};
pub(crate) use rebuild::build_once;
pub use verify::{CounterDifference, CounterReport};

use crate::direct_read::{Cols, Param};
use crate::{Store, StoreError, Tx};

/// Replaces every counter, and the columns they derive from, with the count of the rows,
/// inside the caller's transaction: for a bulk load that bypassed the row triggers (the
/// demo on PostgreSQL), which commits rows and counters together.
pub async fn rebuild_in(tx: &mut Tx) -> Result<(), StoreError> {
    rebuild::rebuild(tx).await
}

/// A dimension counted per organisation subtree. Values are codes (the domain's enum codes,
/// years `YYYY`, months `YYYY-MM`, flags `0`/`1`); an empty value is "not filled in".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dim {
    /// Members of the league (normal, or a way out not yet approved).
    Members,
    /// `m` / `f`, from the ID number.
    Sex,
    /// From the ID number.
    BirthYear,
    Ethnicity,
    /// 最高学历.
    Education,
    Occupation,
    Political,
    /// 入团年份.
    JoinYear,
    /// `1` with a 发展团员编号, `0` without.
    DevNumber,
    /// `1` for a record breaking an entry rule.
    Faulty,
    /// Every record by its 团籍 state.
    Status,
    /// Every record by its 入团年月: new members by month.
    JoinMonth,
    /// Leavers by the month they left.
    LeftMonth,
    /// Organisations (itself included).
    Orgs,
    OrgKind,
    OrgLevel,
    /// `1` complete information, `0` not.
    OrgComplete,
    /// Organisations without an admin, by kind.
    NoAdmin,
    /// Branches by members: `lt3`, `mid`, `gt50`.
    BranchSize,
    /// Cadre posts.
    Cadres,
    CadrePost,
    CadreNature,
    /// Finished transfers out, by month.
    MovedOut,
    /// Finished transfers in, by month.
    MovedIn,
}

impl Dim {
    pub const ALL: [Dim; 24] = [
        Dim::Members,
        Dim::Sex,
        Dim::BirthYear,
        Dim::Ethnicity,
        Dim::Education,
        Dim::Occupation,
        Dim::Political,
        Dim::JoinYear,
        Dim::DevNumber,
        Dim::Faulty,
        Dim::Status,
        Dim::JoinMonth,
        Dim::LeftMonth,
        Dim::Orgs,
        Dim::OrgKind,
        Dim::OrgLevel,
        Dim::OrgComplete,
        Dim::NoAdmin,
        Dim::BranchSize,
        Dim::Cadres,
        Dim::CadrePost,
        Dim::CadreNature,
        Dim::MovedOut,
        Dim::MovedIn,
    ];

    /// The stored code (`org_counts.dim`), as the SQL in `sql.rs` writes it.
    pub fn code(self) -> &'static str {
        match self {
            Dim::Members => "members",
            Dim::Sex => "sex",
            Dim::BirthYear => "birth_year",
            Dim::Ethnicity => "ethnicity",
            Dim::Education => "education",
            Dim::Occupation => "occupation",
            Dim::Political => "political",
            Dim::JoinYear => "join_year",
            Dim::DevNumber => "dev_number",
            Dim::Faulty => "faulty",
            Dim::Status => "status",
            Dim::JoinMonth => "join_month",
            Dim::LeftMonth => "left_month",
            Dim::Orgs => "orgs",
            Dim::OrgKind => "org_kind",
            Dim::OrgLevel => "org_level",
            Dim::OrgComplete => "org_complete",
            Dim::NoAdmin => "no_admin",
            Dim::BranchSize => "branch_size",
            Dim::Cadres => "cadres",
            Dim::CadrePost => "cadre_post",
            Dim::CadreNature => "cadre_nature",
            Dim::MovedOut => "moved_out",
            Dim::MovedIn => "moved_in",
        }
    }

    pub fn parse(code: &str) -> Result<Dim, StoreError> {
        Dim::ALL
            .into_iter()
            .find(|d| d.code() == code)
            .ok_or(StoreError::Broken("unknown counter dimension"))
    }
}

/// The counts of one subtree: value → count for each dimension (zero counts left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubtreeCounts {
    by_dim: BTreeMap<Dim, BTreeMap<String, i64>>,
}

impl SubtreeCounts {
    pub(crate) fn add(&mut self, dim: Dim, val: String, n: i64) {
        if n != 0 {
            *self.by_dim.entry(dim).or_default().entry(val).or_default() += n;
        }
    }

    /// A count as a test states it.
    pub fn add_for_test(&mut self, dim: Dim, val: &str, n: i64) {
        self.add(dim, val.to_string(), n);
    }

    /// The count of one value.
    pub fn get(&self, dim: Dim, val: &str) -> i64 {
        self.by_dim
            .get(&dim)
            .and_then(|m| m.get(val))
            .copied()
            .unwrap_or(0)
    }

    /// A dimension's values and counts, in value order.
    pub fn values(&self, dim: Dim) -> impl Iterator<Item = (&str, i64)> {
        self.by_dim
            .get(&dim)
            .into_iter()
            .flat_map(|m| m.iter().map(|(v, n)| (v.as_str(), *n)))
    }

    /// The sum over a dimension's values (for `Members`, `Orgs`, `Cadres`: the total).
    pub fn total(&self, dim: Dim) -> i64 {
        self.values(dim).map(|(_, n)| n).sum()
    }
}

/// A direct child organisation and the counters of its subtree.
#[derive(Debug, Clone)]
pub struct ChildCounts {
    pub org_id: i64,
    pub full_name: String,
    pub counts: SubtreeCounts,
}

impl SubtreeCounts {
    /// From rows of (dimension, value, count).
    pub(crate) fn from_rows(rows: &[sqlx::any::AnyRow]) -> Result<Self, StoreError> {
        rows.iter()
            .map(|r| counted(r))
            .collect::<Result<Vec<_>, _>>()
            .map(Self::from_counted)
    }

    fn from_counted(rows: Vec<(Dim, String, i64)>) -> Self {
        let mut counts = SubtreeCounts::default();
        for (dim, val, n) in rows {
            counts.add(dim, val, n);
        }
        counts
    }
}

/// One row of (dimension, value, count), whichever driver read it.
fn counted(r: &dyn Cols) -> Result<(Dim, String, i64), StoreError> {
    Ok((Dim::parse(&r.text(0)?)?, r.text(1)?, r.int(2)?))
}

impl Store {
    /// The counters of an organisation's subtree: one indexed read, whatever its size. The
    /// caller has checked the organisation is in the reader's scope.
    pub async fn subtree_counts(&self, org_id: i64) -> Result<SubtreeCounts, StoreError> {
        let rows = sqlx::query("SELECT dim, val, n FROM org_counts WHERE org_id = $1 AND n <> 0")
            .bind(org_id)
            .fetch_all(self.pool())
            .await?;
        SubtreeCounts::from_rows(&rows)
    }

    /// One dimension's counters of an organisation's subtree (one range of the primary key: a
    /// list's total reads a few rows, not the hundreds of 团中央's every dimension).
    pub async fn subtree_dim_counts(
        &self,
        org_id: i64,
        dim: Dim,
    ) -> Result<SubtreeCounts, StoreError> {
        let rows =
            sqlx::query("SELECT val, n FROM org_counts WHERE org_id = $1 AND dim = $2 AND n <> 0")
                .bind(org_id)
                .bind(dim.code())
                .fetch_all(self.pool())
                .await?;
        let mut counts = SubtreeCounts::default();
        for row in rows {
            counts.add(dim, row.try_get(0)?, row.try_get(1)?);
        }
        Ok(counts)
    }

    /// Two dimensions' counters of a subtree in one read (a list's total and its number of
    /// branches).
    pub async fn subtree_two_dims(
        &self,
        org_id: i64,
        a: Dim,
        b: Dim,
    ) -> Result<SubtreeCounts, StoreError> {
        let rows = self
            .replicable_rows(
                "SELECT dim, val, n FROM org_counts WHERE org_id = $1 AND dim IN ($2, $3) AND n <> 0",
                &[Param::Int(org_id), Param::Text(a.code()), Param::Text(b.code())],
                &counted,
            )
            .await?;
        Ok(SubtreeCounts::from_counted(rows))
    }

    /// The counters of each direct child of an organisation, in the children's name order,
    /// limited to the dimensions given (the breakdown by child organisation).
    pub async fn children_counts(
        &self,
        parent_id: i64,
        dims: &[Dim],
    ) -> Result<Vec<ChildCounts>, StoreError> {
        let rows = sqlx::query(
            "SELECT o.id, o.full_name, c.dim, c.val, c.n FROM orgs o \
             LEFT JOIN org_counts c ON c.org_id = o.id AND c.n <> 0 \
             WHERE o.parent_id = $1 ORDER BY o.sort_key, o.id",
        )
        .bind(parent_id)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<ChildCounts> = Vec::new();
        for row in rows {
            let id: i64 = row.try_get(0)?;
            if out.last().is_none_or(|last| last.org_id != id) {
                out.push(ChildCounts {
                    org_id: id,
                    full_name: row.try_get(1)?,
                    counts: SubtreeCounts::default(),
                });
            }
            let Some(code) = row.try_get::<Option<&str>, _>(2)? else {
                continue;
            };
            let dim = Dim::parse(code)?;
            if dims.contains(&dim) {
                let counts = &mut out.last_mut().expect("pushed above").counts;
                counts.add(dim, row.try_get(3)?, row.try_get(4)?);
            }
        }
        Ok(out)
    }

    /// The same numbers as `subtree_counts`, counted from the rows (slow at scale: for tests
    /// and checks).
    pub async fn recount_subtree(&self, org_id: i64) -> Result<SubtreeCounts, StoreError> {
        recount::subtree(self, org_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::sql::{pg_month, sqlite_month};
    use super::*;

    #[test]
    fn dimension_codes_round_trip_and_appear_in_the_sql() {
        let sqlite = sql::log_values!(sqlite_month);
        let pg = sql::log_values!(pg_month);
        for dim in Dim::ALL {
            assert_eq!(Dim::parse(dim.code()).unwrap(), dim);
            let quoted = format!("'{}'", dim.code());
            assert!(sqlite.contains(&quoted), "{dim:?} not derived (SQLite)");
            assert!(pg.contains(&quoted), "{dim:?} not derived (PostgreSQL)");
        }
        assert!(Dim::parse("nothing").is_err());
    }

    #[test]
    fn counts_add_up_and_drop_zeros() {
        let mut c = SubtreeCounts::default();
        c.add(Dim::Sex, "m".into(), 3);
        c.add(Dim::Sex, "f".into(), 2);
        c.add(Dim::Sex, "m".into(), -1);
        c.add(Dim::Orgs, String::new(), 0);
        assert_eq!(c.get(Dim::Sex, "m"), 2);
        assert_eq!(c.total(Dim::Sex), 4);
        assert_eq!(c.values(Dim::Orgs).count(), 0);
    }
}
