//! What superiors read: the members of a subtree who are 自行脱团 candidates by their dues
//! (`arrears`: one range read of `dues_standing`), and a year's sums of a subtree by month and
//! by branch (`totals`: the subtree's organisations joined to their rows of `dues_totals`).

use sqlx::Row;
use tuanjian_domain::dues::{Fen, LAPSE_AFTER_UNPAID_MONTHS, Month};

use super::month_of;
use crate::reviews::still_member;
use crate::scope::Subtree;
use crate::{Store, StoreError};

/// A member `LAPSE_AFTER_UNPAID_MONTHS` or more months behind.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArrearsRow {
    pub person_id: i64,
    pub name: String,
    #[serde(skip)]
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    /// The first month unpaid in the run that reaches `as_of`.
    pub unpaid_from: String,
    pub months_behind: u32,
}

/// The candidates of a subtree (the first `limit`, in branch and then longest-behind order)
/// and how many there are.
#[derive(Debug, Clone)]
pub struct Arrears {
    pub as_of: Month,
    /// Every candidate, or `COUNT_CAP` when `total_is_lower_bound`.
    pub total: i64,
    /// There are more than `total`.
    pub total_is_lower_bound: bool,
    pub rows: Vec<ArrearsRow>,
}

const ARREARS_SQL: &str = concat!(
    "SELECT s.person_id, s.lapse, m.person_name, m.person_id_number, m.org_id, o.full_name \
     FROM dues_standing s JOIN members m ON m.person_id = s.person_id \
     JOIN orgs o ON o.id = m.org_id \
     WHERE s.org_path >= $1 AND s.org_path < $2 AND s.lapse <= $3 AND ",
    still_member!(),
    " ORDER BY s.org_path, s.lapse, s.person_id LIMIT $4"
);

/// Counted up to a cap + 1 (`members::COUNT_CAP`, as the member list counts): beyond it the
/// page says 超过, so 团中央's list costs what a province's does.
const ARREARS_COUNT_SQL: &str = concat!(
    "SELECT COUNT(*) FROM (SELECT 1 FROM dues_standing s JOIN members m ON m.person_id = s.person_id \
     WHERE s.org_path >= $1 AND s.org_path < $2 AND s.lapse <= $3 AND ",
    still_member!(),
    " LIMIT $4) c"
);

/// A year's sums: a month of the subtree, or the year of one direct child (or the top itself).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Sums {
    /// Member-months recorded.
    pub members: i64,
    pub due: Fen,
    pub paid: Fen,
    /// Member-months not paid in full.
    pub unpaid_members: i64,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.members += o.members;
        self.due.0 += o.due.0;
        self.paid.0 += o.paid.0;
        self.unpaid_members += o.unpaid_members;
    }
}

/// A direct child of the top (or the top itself, for what was paid to it directly) with its
/// year's sums.
#[derive(Debug, Clone)]
pub struct ChildSums {
    pub org_id: i64,
    pub full_name: String,
    pub is_branch: bool,
    pub sums: Sums,
}

#[derive(Debug, Clone)]
pub struct YearTotals {
    pub year: i32,
    /// January to December.
    pub months: Vec<(Month, Sums)>,
    pub year_sums: Sums,
    pub children: Vec<ChildSums>,
}

/// A subtree's year from `dues_totals_scope`: one index range per month (`month IN` the
/// twelve, then the subtree's paths), summed by `$group`.
macro_rules! year_sums {
    ($group:literal) => {
        concat!(
            "SELECT ",
            $group,
            ", CAST(SUM(members) AS BIGINT) AS members, CAST(SUM(due) AS BIGINT) AS due, \
             CAST(SUM(paid) AS BIGINT) AS paid, CAST(SUM(unpaid_members) AS BIGINT) AS unpaid_members \
             FROM dues_totals \
             WHERE month IN ($3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
               AND org_path >= $1 AND org_path < $2 \
             GROUP BY ",
            $group
        )
    };
}

const YEAR_BY_MONTH_SQL: &str = year_sums!("month");
const YEAR_BY_ORG_SQL: &str = year_sums!("org_path");

fn bind_year<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    q: &'q Subtree,
    first: i64,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    let mut query = query.bind(&q.lo).bind(&q.hi);
    for m in first..first + 12 {
        query = query.bind(m);
    }
    query
}

fn sums_of(r: &sqlx::any::AnyRow) -> Result<Sums, StoreError> {
    Ok(Sums {
        members: r.try_get("members")?,
        due: Fen(r.try_get("due")?),
        paid: Fen(r.try_get("paid")?),
        unpaid_members: r.try_get("unpaid_members")?,
    })
}

impl Store {
    /// The subtree's members at least `LAPSE_AFTER_UNPAID_MONTHS` behind through `as_of`: the
    /// first `limit`, and how many, counted up to `count_cap` (`COUNT_CAP` for the pages).
    pub async fn dues_arrears(
        &self,
        q: &Subtree,
        as_of: Month,
        limit: i64,
        count_cap: i64,
    ) -> Result<Arrears, StoreError> {
        let counted: i64 = sqlx::query_scalar(ARREARS_COUNT_SQL)
            .bind(&q.lo)
            .bind(&q.hi)
            .bind(as_of.index())
            .bind(count_cap + 1)
            .fetch_one(self.pool())
            .await?;
        let rows = sqlx::query(ARREARS_SQL)
            .bind(&q.lo)
            .bind(&q.hi)
            .bind(as_of.index())
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        let lapse_after = i64::from(LAPSE_AFTER_UNPAID_MONTHS);
        let rows = rows
            .iter()
            .map(|r| {
                let lapse: i64 = r.try_get("lapse")?;
                let settled = lapse - lapse_after;
                Ok(ArrearsRow {
                    person_id: r.try_get("person_id")?,
                    name: r.try_get("person_name")?,
                    id_number: r.try_get("person_id_number")?,
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("full_name")?,
                    unpaid_from: month_of(settled + 1, "dues_standing.lapse")?.label(),
                    months_behind: (as_of.index() - settled) as u32,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Arrears {
            as_of,
            total: counted.min(count_cap),
            total_is_lower_bound: counted > count_cap,
            rows,
        })
    }

    /// The subtree's sums of `year`: by month, and by direct child (the top's own rows as
    /// itself).
    pub async fn dues_totals(&self, q: &Subtree, year: i32) -> Result<YearTotals, StoreError> {
        let first = Month { year, month: 1 }.index();
        let by_month = bind_year(sqlx::query(YEAR_BY_MONTH_SQL), q, first)
            .fetch_all(self.pool())
            .await?;
        let mut months: Vec<(Month, Sums)> = (0..12)
            .map(|i| Ok((month_of(first + i, "month")?, Sums::default())))
            .collect::<Result<_, StoreError>>()?;
        let mut year_sums = Sums::default();
        for r in &by_month {
            let m: i64 = r.try_get("month")?;
            let s = sums_of(r)?;
            year_sums.add(&s);
            if let Some(slot) = months.get_mut((m - first) as usize) {
                slot.1 = s;
            }
        }
        // Each organisation's year, then folded into the top's direct children by path.
        let by_org = bind_year(sqlx::query(YEAR_BY_ORG_SQL), q, first)
            .fetch_all(self.pool())
            .await?;
        let kids = sqlx::query(
            "SELECT id, path, full_name, kind FROM orgs WHERE parent_id = $1 ORDER BY path",
        )
        .bind(q.org_id)
        .fetch_all(self.pool())
        .await?;
        let mut children: Vec<(String, ChildSums)> = Vec::with_capacity(kids.len() + 1);
        for k in &kids {
            let kind: String = k.try_get("kind")?;
            children.push((
                k.try_get("path")?,
                ChildSums {
                    org_id: k.try_get("id")?,
                    full_name: k.try_get("full_name")?,
                    is_branch: tuanjian_domain::OrgKind::parse(&kind)
                        .map_err(|_| StoreError::Broken("orgs.kind"))?
                        .is_branch(),
                    sums: Sums::default(),
                },
            ));
        }
        let mut own = Sums::default();
        for r in &by_org {
            let path: String = r.try_get("org_path")?;
            let s = sums_of(r)?;
            // Children are in path order: the last one whose path is a prefix holds it.
            let at = children.partition_point(|(p, _)| p.as_str() <= path.as_str());
            match at.checked_sub(1).map(|i| &mut children[i]) {
                Some((p, c)) if path.starts_with(p.as_str()) => c.sums.add(&s),
                _ => own.add(&s),
            }
        }
        let mut children: Vec<ChildSums> = children.into_iter().map(|(_, c)| c).collect();
        if own != Sums::default() {
            children.insert(
                0,
                ChildSums {
                    org_id: q.org_id,
                    full_name: "本级".into(),
                    is_branch: false,
                    sums: own,
                },
            );
        }
        Ok(YearTotals {
            year,
            months,
            year_sums,
            children,
        })
    }
}
