//! Stored records that break an entry rule (issue 4, part 4): `members.entry_fault` holds the
//! code of the first fault the domain's rules find in the stored ID number, 入团年月 and
//! development number, or NULL. Recomputed for the members concerned whenever a 号段 changes
//! (inside that change's transaction), and for everyone by `tuanjian recheck-members`.
//!
//! Every organisation's ranges are read once into a `RangeIndex`, so judging a member costs no
//! query: members are read in (org_path, person_id) order, the index order, in batches.

use std::collections::HashMap;

use chrono::{FixedOffset, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use tuanjian_domain::dev_number::accepted_years;
use tuanjian_domain::{AgeRule, DevRange, JoinMonth, MemberEntry, OrgPath};

use crate::orgs::Org;
use crate::range_book::{RangeBook, range_from_row};
use crate::{Store, StoreError, Tx};

/// Today in Beijing, the date every age and 入团年月 is judged on.
pub fn beijing_today() -> NaiveDate {
    let offset = FixedOffset::east_opt(8 * 3600).expect("valid offset");
    Utc::now().with_timezone(&offset).date_naive()
}

/// Counts of one recheck.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RecheckStats {
    /// Records judged.
    pub checked: u64,
    /// Records whose stored fault changed (newly faulty, fixed, or another fault).
    pub changed: u64,
    /// Records judged that break a rule.
    pub faulty: u64,
}

impl RecheckStats {
    fn add(&mut self, other: RecheckStats) {
        self.checked += other.checked;
        self.changed += other.changed;
        self.faulty += other.faulty;
    }
}

/// Every range held by the organisations of one subtree (or of the whole tree), by holder,
/// and the years in which each province allocated anything.
#[derive(Debug, Default)]
pub struct RangeIndex {
    held: HashMap<i64, Vec<DevRange>>,
    province_years: HashMap<i64, Vec<i32>>,
}

impl RangeIndex {
    /// The ranges held by organisations whose path lies in [lo, hi).
    pub async fn load(conn: &mut AnyConnection, lo: &str, hi: &str) -> Result<Self, StoreError> {
        let rows = sqlx::query(
            "SELECT r.org_id, o.parent_id, p.level AS parent_level, r.start_value, r.end_value \
             FROM dev_ranges r JOIN orgs o ON o.id = r.org_id LEFT JOIN orgs p ON p.id = o.parent_id \
             WHERE o.path >= $1 AND o.path < $2",
        )
        .bind(lo)
        .bind(hi)
        .fetch_all(conn)
        .await?;
        let mut index = RangeIndex::default();
        for r in &rows {
            let range = range_from_row(r)?;
            let org_id: i64 = r.try_get("org_id")?;
            let parent_id: Option<i64> = r.try_get("parent_id")?;
            let parent_level: Option<String> = r.try_get("parent_level")?;
            index.held.entry(org_id).or_default().push(range);
            // What a provincial-level committee hands down is what its province allocated.
            if let (Some(p), Some("provincial")) = (parent_id, parent_level.as_deref()) {
                let years = index.province_years.entry(p).or_default();
                if !years.contains(&range.year()) {
                    years.push(range.year());
                }
            }
        }
        for v in index.held.values_mut() {
            v.sort_unstable();
        }
        Ok(index)
    }

    /// The same book `range_book::range_book` reads from the database, from memory.
    pub fn book(&self, branch_path: &OrgPath, province_id: Option<i64>) -> RangeBook {
        let Some(province_id) = province_id else {
            return RangeBook::default();
        };
        let Some(years) = self.province_years.get(&province_id) else {
            return RangeBook::default();
        };
        let ids = branch_path.ids();
        let from = ids.iter().position(|&id| id == province_id).unwrap_or(0);
        RangeBook {
            province_years: years.clone(),
            lineage: ids[from..]
                .iter()
                .map(|id| self.held.get(id).cloned().unwrap_or_default())
                .collect(),
        }
    }
}

/// The code of the first entry rule a stored record breaks, `None` when it keeps them all.
pub fn stored_fault(
    id_number: &str,
    join_month: Option<&str>,
    dev_number: Option<&str>,
    is_xinjiang: bool,
    book: &RangeBook,
    today: NaiveDate,
) -> Option<&'static str> {
    stored_fault_with(
        id_number,
        join_month,
        dev_number,
        is_xinjiang,
        book,
        today,
        AgeRule::Applies,
    )
}

/// `stored_fault` with the joining age applied or waived: waived for a member 团中央 entered
/// with a recorded reason (`members.age_exception`), whom no recheck may call too young.
pub fn stored_fault_with(
    id_number: &str,
    join_month: Option<&str>,
    dev_number: Option<&str>,
    is_xinjiang: bool,
    book: &RangeBook,
    today: NaiveDate,
    age_rule: AgeRule,
) -> Option<&'static str> {
    let join_month = join_month.unwrap_or("");
    let ranges = JoinMonth::parse_on(join_month, today)
        .ok()
        .and_then(|j| book.applicable(j.year()));
    MemberEntry {
        id_number,
        join_month,
        dev_number: dev_number.unwrap_or(""),
        is_xinjiang,
        ranges: ranges.as_deref(),
        today,
    }
    .check_with(age_rule)
    .err()
    .and_then(|faults| faults.first().map(|f| f.code().as_str()))
}

/// Which members to judge: a subtree, optionally only those who joined in some years.
#[derive(Debug, Clone)]
pub struct RecheckTarget {
    lo: String,
    hi: String,
    /// 入团年月 bounds as text: `join_month >= from AND join_month < until`.
    joined: Option<(String, String)>,
}

impl RecheckTarget {
    pub fn everyone() -> Self {
        // Every path starts with '/', and '0' sorts right after it.
        Self {
            lo: "/".into(),
            hi: "0".into(),
            joined: None,
        }
    }

    pub fn subtree(path: &OrgPath) -> Self {
        let (lo, hi) = path.subtree_range();
        Self {
            lo,
            hi,
            joined: None,
        }
    }

    /// Only members whose number a range of `range_year` can bear on: that join year, and
    /// 2017 with 2018 (numbers of either year fit both).
    pub fn joined_for_range_year(mut self, range_year: i32) -> Self {
        let years: Vec<i32> = (range_year - 1..=range_year + 1)
            .filter(|j| accepted_years(*j).contains(&range_year))
            .collect();
        let first = *years.iter().min().unwrap_or(&range_year);
        let last = *years.iter().max().unwrap_or(&range_year);
        self.joined = Some((format!("{first:04}"), format!("{:04}", last + 1)));
        self
    }
}

/// One row as read for judging.
struct Stored {
    person_id: i64,
    org_path: String,
    join_month: Option<String>,
    dev_number: Option<String>,
    entry_fault: Option<String>,
    id_number: String,
    xinjiang: bool,
    province_id: Option<i64>,
    /// Entered by 团中央 under the joining age, with this reason.
    age_exception: bool,
}

/// Judges up to `limit` members after `after` (path, person id) in the target and stores the
/// faults that changed. Returns how many rows were read.
async fn recheck_batch(
    conn: &mut AnyConnection,
    index: &RangeIndex,
    target: &RecheckTarget,
    after: &mut (String, i64),
    limit: i64,
    today: NaiveDate,
    stats: &mut RecheckStats,
) -> Result<usize, StoreError> {
    let (from, until) = match &target.joined {
        Some((f, u)) => (Some(f.as_str()), Some(u.as_str())),
        None => (None, None),
    };
    // `org_path >= $3` keeps the index usable; the OR then skips what the last batch read.
    let rows = sqlx::query(
        "SELECT m.person_id, m.org_path, m.join_month, m.dev_number, m.entry_fault, p.id_number, \
         o.xinjiang, o.province_id, m.age_exception \
         FROM members m JOIN people p ON p.id = m.person_id JOIN orgs o ON o.id = m.org_id \
         WHERE m.org_path >= $1 AND m.org_path < $2 \
         AND m.org_path >= $3 AND (m.org_path > $3 OR m.person_id > $4) \
         AND ($5 IS NULL OR (m.join_month >= $5 AND m.join_month < $6)) \
         ORDER BY m.org_path, m.person_id LIMIT $7",
    )
    .bind(&target.lo)
    .bind(&target.hi)
    .bind(&after.0)
    .bind(after.1)
    .bind(from)
    .bind(until)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let read = rows.len();
    let mut changes: Vec<(Option<&'static str>, i64)> = Vec::new();
    let mut book: Option<(String, RangeBook)> = None;
    for r in &rows {
        let s = Stored {
            person_id: r.try_get("person_id")?,
            org_path: r.try_get("org_path")?,
            join_month: r.try_get("join_month")?,
            dev_number: r.try_get("dev_number")?,
            entry_fault: r.try_get("entry_fault")?,
            id_number: r.try_get("id_number")?,
            xinjiang: r.try_get::<i64, _>("xinjiang")? != 0,
            province_id: r.try_get("province_id")?,
            age_exception: r.try_get::<Option<String>, _>("age_exception")?.is_some(),
        };
        // Rows come by branch: one book per branch.
        if book.as_ref().is_none_or(|(p, _)| *p != s.org_path) {
            let path = OrgPath::parse(&s.org_path)
                .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?;
            book = Some((s.org_path.clone(), index.book(&path, s.province_id)));
        }
        let (_, b) = book.as_ref().expect("set above");
        let age_rule = if s.age_exception {
            AgeRule::WaivedByCentral
        } else {
            AgeRule::Applies
        };
        let fault = stored_fault_with(
            &s.id_number,
            s.join_month.as_deref(),
            s.dev_number.as_deref(),
            s.xinjiang,
            b,
            today,
            age_rule,
        );
        stats.checked += 1;
        if fault.is_some() {
            stats.faulty += 1;
        }
        if fault != s.entry_fault.as_deref() {
            changes.push((fault, s.person_id));
        }
        *after = (s.org_path, s.person_id);
    }
    for (fault, person_id) in &changes {
        sqlx::query("UPDATE members SET entry_fault = $1 WHERE person_id = $2")
            .bind(*fault)
            .bind(*person_id)
            .execute(&mut *conn)
            .await?;
    }
    stats.changed += changes.len() as u64;
    Ok(read)
}

const BATCH: i64 = 5_000;

/// Judges every member of `target` inside `tx` (the transaction of the change that made it
/// necessary). `scope_path` is a subtree holding every organisation from the members'
/// province down (the province, or everything).
pub async fn recheck_tx(
    tx: &mut Tx,
    scope_path: &OrgPath,
    target: &RecheckTarget,
    today: NaiveDate,
) -> Result<RecheckStats, StoreError> {
    let (lo, hi) = scope_path.subtree_range();
    let index = RangeIndex::load(tx, &lo, &hi).await?;
    let mut stats = RecheckStats::default();
    let mut after = (String::new(), i64::MIN);
    while recheck_batch(tx, &index, target, &mut after, BATCH, today, &mut stats).await?
        == BATCH as usize
    {}
    Ok(stats)
}

/// The path of `org`'s province (the subtree a recheck below `org` needs ranges from), or the
/// organisation itself above the provinces.
pub fn province_path(org: &Org) -> OrgPath {
    let ids = org.path.ids();
    match org
        .province_id
        .and_then(|p| ids.iter().position(|&id| id == p))
    {
        Some(at) => {
            let mut path = OrgPath::root(ids[0]);
            for &id in &ids[1..=at] {
                path = path.child(id);
            }
            path
        }
        None => org.path.clone(),
    }
}

impl Store {
    /// Recomputes every member's stored fault, one transaction per batch, so a long run
    /// neither holds a lock for long nor loses its work on interruption. `progress` is told
    /// the running totals after each batch.
    pub async fn recheck_all_members(
        &self,
        today: NaiveDate,
        batch: i64,
        mut progress: impl FnMut(&RecheckStats),
    ) -> Result<RecheckStats, StoreError> {
        let target = RecheckTarget::everyone();
        let index = {
            let mut conn = self.pool().acquire().await?;
            RangeIndex::load(&mut conn, &target.lo, &target.hi).await?
        };
        let mut stats = RecheckStats::default();
        let mut after = (String::new(), i64::MIN);
        loop {
            let mut tx = self.begin().await?;
            let mut part = RecheckStats::default();
            let read = recheck_batch(
                &mut tx,
                &index,
                &target,
                &mut after,
                batch.max(1),
                today,
                &mut part,
            )
            .await?;
            tx.commit().await?;
            stats.add(part);
            progress(&stats);
            if read < batch.max(1) as usize {
                return Ok(stats);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_bounds_for_a_range_year() {
        let t = RecheckTarget::everyone().joined_for_range_year(2019);
        assert_eq!(t.joined, Some(("2019".into(), "2020".into())));
        for y in [2017, 2018] {
            let t = RecheckTarget::everyone().joined_for_range_year(y);
            assert_eq!(t.joined, Some(("2017".into(), "2019".into())));
        }
        // "2019-05" lies inside ["2019", "2020").
        assert!("2019-05" >= "2019" && "2019-05" < "2020");
    }

    #[test]
    fn a_fault_code_or_none() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let id = tuanjian_domain::IdNumber::from_first17("44010620080301001").to_string();
        let none = RangeBook::default();
        assert_eq!(
            stored_fault(
                &id,
                Some("2022-05"),
                Some("202244000001"),
                false,
                &none,
                today
            ),
            None
        );
        assert_eq!(
            stored_fault(
                &id,
                Some("2022-05"),
                Some("202144000001"),
                false,
                &none,
                today
            ),
            Some("dev_number_year_mismatch")
        );
        assert_eq!(
            stored_fault(&id, Some("2022-05"), None, false, &none, today),
            Some("dev_number_required")
        );
        assert_eq!(
            stored_fault(&id, None, None, false, &none, today),
            Some("required_missing")
        );
        let r = DevRange::parse_text("202244000100-202244000199").unwrap();
        let book = RangeBook {
            province_years: vec![2022],
            lineage: vec![vec![], vec![r]],
        };
        assert_eq!(
            stored_fault(
                &id,
                Some("2022-05"),
                Some("202244000001"),
                false,
                &book,
                today
            ),
            Some("dev_number_out_of_range")
        );
        assert_eq!(
            stored_fault(
                &id,
                Some("2022-05"),
                Some("202244000150"),
                false,
                &book,
                today
            ),
            None
        );
    }
}
