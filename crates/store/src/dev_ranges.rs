//! 号段: development-number ranges held by organisations, per year: allocation. What the entry
//! rules need for one branch is read in `range_book`.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::dev_number::accepted_years;
use tuanjian_domain::dev_range::{check_allocation, ranges_outside};
use tuanjian_domain::{Action, ActorRole, DevRange, DevRangeError, OrgLevel, Refusal, authorize};

use crate::audit::{self, Actor, AuditEntry};
use crate::entry_faults::{RecheckStats, RecheckTarget, province_path, recheck_tx};
use crate::org_changes::org_tx;
use crate::orgs::Org;
use crate::range_book::{held_by, range_from_row};
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};

// Where callers found them before the entry-rule reads moved to `range_book`.
pub use crate::range_book::{RangeBook, range_book};

// ---------------------------------------------------------------------------------------------
// Allocation: an admin hands ranges to the direct children of its organisation, and takes
// back what is neither used by members nor handed further down.

/// One allocation as shown: a range held by an organisation, and how many of its numbers the
/// members of that organisation's subtree use.
#[derive(Debug, Clone, Serialize)]
pub struct Allocation {
    pub id: i64,
    pub org_id: i64,
    pub org_short_name: String,
    pub org_full_name: String,
    pub year: i32,
    /// Twelve digits each.
    pub start: String,
    pub end: String,
    /// How many numbers the range holds.
    pub count: u64,
    /// How many of them members below the holder use.
    pub used: i64,
    pub created_at: i64,
}

/// What `/orgs/{id}/dev-ranges` shows.
#[derive(Debug, Clone, Serialize)]
pub struct RangeOverview {
    /// Ranges the organisation itself holds (received from its superior).
    pub own: Vec<Allocation>,
    /// Ranges handed to its direct children.
    pub handed: Vec<Allocation>,
    /// Its direct children, the possible receivers: (id, short name, full name).
    pub children: Vec<(i64, String, String)>,
}

/// Why a 号段 change was not made: not permitted, or refused by the rules or the database.
#[derive(Debug)]
pub enum RangeChangeError {
    Refused(Refusal),
    Store(StoreError),
}

impl From<StoreError> for RangeChangeError {
    fn from(e: StoreError) -> Self {
        RangeChangeError::Store(e)
    }
}

impl From<sqlx::Error> for RangeChangeError {
    fn from(e: sqlx::Error) -> Self {
        RangeChangeError::Store(e.into())
    }
}

const CENTRAL_DOES_NOT_ALLOCATE: Refusal = Refusal {
    code: ErrorCode::CentralDoesNotAllocate,
    message: "团中央不直接分配发展团员编号号段：号段由各省级团委按年度向下级组织分配，下级组织可再向其下级分配",
};

fn conflict(e: &DevRangeError) -> StoreError {
    StoreError::Conflict {
        code: e.code(),
        message: e.to_string(),
    }
}

/// The organisation is the provincial committee its subtree's numbers start from.
fn is_province(org: &Org) -> bool {
    org.province_id == Some(org.id)
}

/// How many members of the subtree at `path` use a number of `range`. Numbers are stored as
/// twelve digits, so text order is number order.
async fn used_in(
    conn: &mut sqlx::AnyConnection,
    range: &DevRange,
    path: &tuanjian_domain::OrgPath,
) -> Result<i64, StoreError> {
    let (lo, hi) = path.subtree_range();
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM members WHERE dev_number >= $1 AND dev_number <= $2 \
         AND LENGTH(dev_number) = 12 AND org_path >= $3 AND org_path < $4",
    )
    .bind(range.start().as_str())
    .bind(range.end().as_str())
    .bind(lo)
    .bind(hi)
    .fetch_one(conn)
    .await?)
}

/// Ranges of `year` held by the direct children of `parent_id`.
async fn handed_by(tx: &mut Tx, parent_id: i64, year: i32) -> Result<Vec<DevRange>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.start_value, r.end_value FROM dev_ranges r JOIN orgs o ON o.id = r.org_id \
         WHERE o.parent_id = $1 AND r.year = $2",
    )
    .bind(parent_id)
    .bind(i64::from(year))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(range_from_row).collect()
}

/// Ranges of `year` every province has handed down: numbers are unique nationwide, so two
/// provinces may not hand out the same one.
async fn handed_by_provinces(tx: &mut Tx, year: i32) -> Result<Vec<DevRange>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.start_value, r.end_value FROM dev_ranges r JOIN orgs o ON o.id = r.org_id \
         JOIN orgs p ON p.id = o.parent_id WHERE p.level = 'provincial' AND r.year = $1",
    )
    .bind(i64::from(year))
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(range_from_row).collect()
}

/// Whether the province allocated anything a member joining in `range_year` is checked
/// against (2017 and 2018 together).
async fn province_allocates(
    tx: &mut Tx,
    province_id: i64,
    range_year: i32,
) -> Result<bool, StoreError> {
    for y in accepted_years(range_year) {
        if !handed_by(tx, province_id, y).await?.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Serialises changes to one organisation's allocations: on PostgreSQL the row lock holds
/// until commit (SQLite's `BEGIN IMMEDIATE` already lets one writer in at a time).
async fn lock_org(tx: &mut Tx, org_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE orgs SET parent_id = parent_id WHERE id = $1")
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Recomputes the stored faults a change of `holder`'s ranges of `year` can affect: the
/// holder's subtree, or the whole province when the change starts or ends the province's
/// allocation for that year (which turns range checking on or off there).
async fn recheck_after(
    tx: &mut Tx,
    allocator: &Org,
    holder: &Org,
    year: i32,
    province_had: bool,
    today: NaiveDate,
) -> Result<RecheckStats, StoreError> {
    let province = province_path(holder);
    let whole_province = is_province(allocator)
        && province_had != province_allocates(tx, allocator.id, year).await?;
    let at = if whole_province {
        &allocator.path
    } else {
        &holder.path
    };
    let target = RecheckTarget::subtree(at).joined_for_range_year(year);
    recheck_tx(tx, &province, &target, today).await
}

fn audit_range(range: &DevRange) -> serde_json::Value {
    serde_json::json!({ "year": range.year(), "range": range.to_string(), "count": range.count() })
}

/// Hands `range` to the direct child `child_id` of the admin's organisation, inside `tx`, and
/// recomputes the stored faults it affects.
pub async fn allocate(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    child_id: i64,
    range: &DevRange,
    today: NaiveDate,
) -> Result<(i64, RecheckStats), RangeChangeError> {
    let child = org_tx(tx, child_id).await?;
    if !scope.covers(&child.path) {
        return Err(StoreError::NotFound.into());
    }
    authorize(
        Action::AllocateDevRange,
        ActorRole::Admin(scope.relation_to(&child.path)),
    )
    .map_err(RangeChangeError::Refused)?;
    let allocator = org_tx(tx, scope.org().id).await?;
    if allocator.level == OrgLevel::Central || allocator.province_id.is_none() {
        return Err(RangeChangeError::Refused(CENTRAL_DOES_NOT_ALLOCATE));
    }
    lock_org(tx, allocator.id).await?;
    let (parent, siblings) = if is_province(&allocator) {
        (None, handed_by_provinces(tx, range.year()).await?)
    } else {
        (
            Some(held_by(tx, allocator.id).await?),
            handed_by(tx, allocator.id, range.year()).await?,
        )
    };
    check_allocation(range, parent.as_deref(), &siblings).map_err(|e| conflict(&e))?;
    let province_had = match allocator.province_id {
        Some(p) => province_allocates(tx, p, range.year()).await?,
        None => false,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO dev_ranges (org_id, year, start_value, end_value, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(child.id)
    .bind(i64::from(range.year()))
    .bind(range.start().value() as i64)
    .bind(range.end().value() as i64)
    .bind(actor.person_id)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("dev_range.allocate")
            .target("dev_range", id)
            .org(child.id)
            .after(audit_range(range)),
    )
    .await?;
    let stats = recheck_after(tx, &allocator, &child, range.year(), province_had, today).await?;
    Ok((id, stats))
}

/// Takes back allocation `range_id` from a direct child of the admin's organisation, inside
/// `tx`: refused while members below the child use numbers of it, or while the child has
/// handed part of it further down.
pub async fn delete_allocation(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    range_id: i64,
    today: NaiveDate,
) -> Result<(DevRange, RecheckStats), RangeChangeError> {
    let row = sqlx::query("SELECT org_id, start_value, end_value FROM dev_ranges WHERE id = $1")
        .bind(range_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let holder = org_tx(tx, row.try_get("org_id")?).await?;
    if !scope.covers(&holder.path) {
        return Err(StoreError::NotFound.into());
    }
    authorize(
        Action::AllocateDevRange,
        ActorRole::Admin(scope.relation_to(&holder.path)),
    )
    .map_err(RangeChangeError::Refused)?;
    let allocator = org_tx(tx, scope.org().id).await?;
    lock_org(tx, allocator.id).await?;
    lock_org(tx, holder.id).await?;
    let range = range_from_row(&row)?;
    let used = used_in(tx, &range, &holder.path).await?;
    if used > 0 {
        return Err(StoreError::Conflict {
            code: ErrorCode::DevRangeInUse,
            message: format!(
                "号段 {range} 中已有 {used} 个编号被{}及其下级组织的团员使用，不能删除。\
                 如号段分配有误，请先核对并修正这些团员的发展团员编号",
                holder.short_name
            ),
        }
        .into());
    }
    let remaining: Vec<DevRange> = held_by(tx, holder.id)
        .await?
        .into_iter()
        .filter(|r| *r != range)
        .collect();
    let below = handed_by(tx, holder.id, range.year()).await?;
    if let Some(inside) = ranges_outside(&below, &remaining).first() {
        return Err(StoreError::Conflict {
            code: ErrorCode::DevRangeSubAllocated,
            message: format!(
                "{}已从号段 {range} 中向其下级组织分配了号段 {inside}，不能删除。\
                 请先由{}的管理员收回（删除）向下级分配的号段",
                holder.short_name, holder.short_name
            ),
        }
        .into());
    }
    let province_had = match allocator.province_id {
        Some(p) => province_allocates(tx, p, range.year()).await?,
        None => false,
    };
    sqlx::query("DELETE FROM dev_ranges WHERE id = $1")
        .bind(range_id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("dev_range.delete")
            .target("dev_range", range_id)
            .org(holder.id)
            .before(audit_range(&range)),
    )
    .await?;
    let stats = recheck_after(tx, &allocator, &holder, range.year(), province_had, today).await?;
    Ok((range, stats))
}

fn allocation_from_row(r: &sqlx::any::AnyRow) -> Result<Allocation, StoreError> {
    let range = range_from_row(r)?;
    Ok(Allocation {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        org_short_name: r.try_get("short_name")?,
        org_full_name: r.try_get("full_name")?,
        year: range.year(),
        start: range.start().as_str().to_string(),
        end: range.end().as_str().to_string(),
        count: range.count(),
        used: 0,
        created_at: r.try_get("created_at")?,
    })
}

macro_rules! allocation_select {
    ($where:literal) => {
        concat!(
            "SELECT r.id, r.org_id, o.short_name, o.full_name, o.path, r.start_value, r.end_value, \
             r.created_at FROM dev_ranges r JOIN orgs o ON o.id = r.org_id WHERE ",
            $where,
            " ORDER BY r.year DESC, r.start_value"
        )
    };
}

impl Store {
    /// The organisation's own ranges and those handed to its children, with use counts.
    /// The caller has checked that the reader may see `org`.
    pub async fn dev_range_overview(&self, org: &Org) -> Result<RangeOverview, StoreError> {
        let mut conn = self.pool().acquire().await?;
        let mut read = async |sql: &'static str| -> Result<Vec<Allocation>, StoreError> {
            let rows = sqlx::query(sql).bind(org.id).fetch_all(&mut *conn).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                let mut a = allocation_from_row(r)?;
                let path: String = r.try_get("path")?;
                let path = tuanjian_domain::OrgPath::parse(&path)
                    .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?;
                a.used = used_in(&mut conn, &range_from_row(r)?, &path).await?;
                out.push(a);
            }
            Ok(out)
        };
        let own = read(allocation_select!("r.org_id = $1")).await?;
        let handed = read(allocation_select!("o.parent_id = $1")).await?;
        let children = sqlx::query_as(
            "SELECT id, short_name, full_name FROM orgs WHERE parent_id = $1 ORDER BY sort_key, id",
        )
        .bind(org.id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(RangeOverview {
            own,
            handed,
            children,
        })
    }
}
