//! 入团年龄特殊情况 (seed, question 4): people who cannot be entered because of their joining
//! age are entered 「由团中央统一录入」. The developing branch's admin or one above it (a 县级团委)
//! files the case with its 说明; the province's admin gathers (汇总) its cases and forwards
//! them to 团中央 (报团中央); a 团中央 admin enters the member with the age rule waived and the
//! reason recorded (`members.age_exception`), or returns the case. Each step one transaction
//! with its audit record; a step happens only from the state it was read in.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::{ErrorCode, IdNumber, JoinMonth, OrgPath};

use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::Org;
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeCaseStatus {
    /// 待汇总: filed, with the province.
    Collecting,
    /// 已报团中央: forwarded by the province.
    Forwarded,
    /// 已录入: 团中央 entered the member.
    Entered,
    /// 退回: returned by the province or 团中央, with a comment.
    Returned,
}

impl AgeCaseStatus {
    pub const ALL: [AgeCaseStatus; 4] = [
        AgeCaseStatus::Collecting,
        AgeCaseStatus::Forwarded,
        AgeCaseStatus::Entered,
        AgeCaseStatus::Returned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AgeCaseStatus::Collecting => "collecting",
            AgeCaseStatus::Forwarded => "forwarded",
            AgeCaseStatus::Entered => "entered",
            AgeCaseStatus::Returned => "returned",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AgeCaseStatus::Collecting => "待汇总",
            AgeCaseStatus::Forwarded => "已报团中央",
            AgeCaseStatus::Entered => "已录入",
            AgeCaseStatus::Returned => "退回",
        }
    }

    /// Exactly a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// One case as the lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct AgeCase {
    pub id: i64,
    pub province_id: i64,
    pub province_name: String,
    pub branch_id: i64,
    pub branch_full_name: String,
    #[serde(skip)]
    pub branch_path: OrgPath,
    pub name: String,
    /// In full: the lists are for the province's and 团中央's admins, whose scope covers it.
    pub id_number: String,
    pub phone: String,
    pub join_month: String,
    pub dev_number: Option<String>,
    pub statement: String,
    pub status: AgeCaseStatus,
    pub filed_by_name: String,
    pub filed_at: i64,
    pub forwarded_at: Option<i64>,
    pub decided_at: Option<i64>,
    /// Why it was returned, or the reason recorded on entry.
    pub comment: Option<String>,
    /// The member entered from it.
    pub person_id: Option<i64>,
}

/// A case as filed, every field checked by the caller.
#[derive(Debug, Clone)]
pub struct NewAgeCase<'a> {
    pub branch: &'a Org,
    pub name: &'a str,
    pub id_number: &'a IdNumber,
    pub phone: &'a str,
    pub join_month: JoinMonth,
    pub dev_number: Option<&'a str>,
    pub statement: &'a str,
}

fn conflict(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        code,
        message: message.into(),
    }
}

fn case_from_row(r: &AnyRow) -> Result<AgeCase, StoreError> {
    let status: String = r.try_get("status")?;
    let path: String = r.try_get("branch_path")?;
    Ok(AgeCase {
        id: r.try_get("id")?,
        province_id: r.try_get("province_id")?,
        province_name: r.try_get("province_name")?,
        branch_id: r.try_get("branch_id")?,
        branch_full_name: r.try_get("branch_full_name")?,
        branch_path: OrgPath::parse(&path)
            .map_err(|_| StoreError::Broken("orgs.path holds a malformed path"))?,
        name: r.try_get("name")?,
        id_number: r.try_get("id_number")?,
        phone: r.try_get("phone")?,
        join_month: r.try_get("join_month")?,
        dev_number: r.try_get("dev_number")?,
        statement: r.try_get("statement")?,
        status: AgeCaseStatus::parse(&status).ok_or(StoreError::Broken(
            "age_cases.status holds an unknown value",
        ))?,
        filed_by_name: r.try_get("filed_by_name")?,
        filed_at: r.try_get("filed_at")?,
        forwarded_at: r.try_get("forwarded_at")?,
        decided_at: r.try_get("decided_at")?,
        comment: r.try_get("comment")?,
        person_id: r.try_get("person_id")?,
    })
}

/// Files a case of a member of `c.branch` (the caller checked the filer's scope, the fields
/// and that the age rule refuses the record). Refused while the person is a member already or
/// has an open case.
pub async fn file_tx(tx: &mut Tx, actor: &Actor, c: &NewAgeCase<'_>) -> Result<i64, StoreError> {
    let province_id = c.branch.province_id.ok_or(StoreError::Broken(
        "a branch below a province has a province_id",
    ))?;
    let member: Option<i64> = sqlx::query_scalar(
        "SELECT m.person_id FROM members m JOIN people p ON p.id = m.person_id \
         WHERE p.id_number = $1",
    )
    .bind(c.id_number.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    if member.is_some() {
        return Err(conflict(
            ErrorCode::AlreadyRegistered,
            "该身份证号码已作为团员录入系统，不需要报送入团年龄特殊情况；如需调整，请办理组织关系转接或联系其所在团组织",
        ));
    }
    let open = || {
        conflict(
            ErrorCode::AgeCaseOpen,
            "该身份证号码已有一份待汇总或已报团中央的入团年龄特殊情况，不能重复报送；请在汇总名单中查看",
        )
    };
    let open_id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM age_cases WHERE id_number = $1 AND status IN ('collecting', 'forwarded')",
    )
    .bind(c.id_number.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    if open_id.is_some() {
        return Err(open());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO age_cases (province_id, branch_id, name, id_number, phone, join_month, \
         dev_number, statement, status, filed_by, filed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'collecting', $9, $10) RETURNING id",
    )
    .bind(province_id)
    .bind(c.branch.id)
    .bind(c.name)
    .bind(c.id_number.as_str())
    .bind(c.phone)
    .bind(c.join_month.to_string())
    .bind(c.dev_number)
    .bind(c.statement)
    .bind(actor.person_id)
    .bind(now())
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        let e = StoreError::from(e);
        // A concurrent filing for the same person won the race.
        if e.is_unique_violation() { open() } else { e }
    })?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("age_case.file")
            .target("age_case", id)
            .org(c.branch.id)
            .after(serde_json::json!({
                "id_number": c.id_number.masked(),
                "name": c.name,
                "join_month": c.join_month.to_string(),
                "statement": c.statement,
            })),
    )
    .await?;
    Ok(id)
}

/// One case, read inside `tx`.
pub async fn case_tx(tx: &mut Tx, id: i64) -> Result<AgeCase, StoreError> {
    let row = sqlx::query(CASE_BY_ID)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    case_from_row(&row)
}

const CASE_BY_ID: &str = "SELECT c.id, c.province_id, pv.full_name AS province_name, c.branch_id, \
     o.full_name AS branch_full_name, o.path AS branch_path, c.name, c.id_number, c.phone, \
     c.join_month, c.dev_number, c.statement, c.status, f.name AS filed_by_name, c.filed_at, \
     c.forwarded_at, c.decided_at, c.comment, c.person_id \
     FROM age_cases c JOIN orgs o ON o.id = c.branch_id JOIN orgs pv ON pv.id = c.province_id \
     JOIN people f ON f.id = c.filed_by WHERE c.id = $1";

fn not_open(id: i64, now_status: Option<AgeCaseStatus>) -> StoreError {
    let now = now_status.map_or(String::new(), |s| format!("（现在的状态：{}）", s.label()));
    conflict(
        ErrorCode::AgeCaseNotOpen,
        format!("编号 {id} 的入团年龄特殊情况已经处理过或不在这一环节{now}，请刷新页面查看"),
    )
}

/// Moves case `id` from `from` to `to`, setting the step's person and time; refused when it is
/// no longer in `from` (decided meanwhile). `province_id` limits it to one province's cases.
async fn step(
    tx: &mut Tx,
    id: i64,
    province_id: Option<i64>,
    from: AgeCaseStatus,
    to: AgeCaseStatus,
    actor: &Actor,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    let at = now();
    let forwarding = to == AgeCaseStatus::Forwarded;
    let done = sqlx::query(
        "UPDATE age_cases SET status = $1, \
         forwarded_by = CASE WHEN $2 = 1 THEN $3 ELSE forwarded_by END, \
         forwarded_at = CASE WHEN $2 = 1 THEN $4 ELSE forwarded_at END, \
         decided_by = CASE WHEN $2 = 1 THEN decided_by ELSE $3 END, \
         decided_at = CASE WHEN $2 = 1 THEN decided_at ELSE $4 END, \
         comment = COALESCE($5, comment) \
         WHERE id = $6 AND status = $7 AND ($8 IS NULL OR province_id = $8)",
    )
    .bind(to.code())
    .bind(i64::from(forwarding))
    .bind(actor.person_id)
    .bind(at)
    .bind(comment)
    .bind(id)
    .bind(from.code())
    .bind(province_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done == 1 {
        return Ok(());
    }
    let status: Option<String> = sqlx::query_scalar(
        "SELECT status FROM age_cases WHERE id = $1 AND ($2 IS NULL OR province_id = $2)",
    )
    .bind(id)
    .bind(province_id)
    .fetch_optional(&mut **tx)
    .await?;
    match status {
        None => Err(StoreError::NotFound),
        Some(s) => Err(not_open(id, AgeCaseStatus::parse(&s))),
    }
}

/// The province forwards its chosen cases to 团中央 (报团中央), all or none, each audited.
pub async fn forward_tx(
    tx: &mut Tx,
    actor: &Actor,
    province_id: i64,
    ids: &[i64],
) -> Result<usize, StoreError> {
    for &id in ids {
        step(
            tx,
            id,
            Some(province_id),
            AgeCaseStatus::Collecting,
            AgeCaseStatus::Forwarded,
            actor,
            None,
        )
        .await?;
        audit::record(
            tx,
            actor,
            AuditEntry::new("age_case.forward")
                .target("age_case", id)
                .org(province_id),
        )
        .await?;
    }
    Ok(ids.len())
}

/// Returns a case with a comment: the province a case it gathers (`from` collecting), 团中央 a
/// forwarded one (`province_id` `None`).
pub async fn return_tx(
    tx: &mut Tx,
    actor: &Actor,
    id: i64,
    province_id: Option<i64>,
    from: AgeCaseStatus,
    comment: &str,
) -> Result<(), StoreError> {
    step(
        tx,
        id,
        province_id,
        from,
        AgeCaseStatus::Returned,
        actor,
        Some(comment),
    )
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("age_case.return")
            .target("age_case", id)
            .after(serde_json::json!({ "comment": comment })),
    )
    .await
}

/// 团中央 entered the member of a forwarded case (with `insert_member_tx` in the same
/// transaction): the case becomes 已录入, the member carries the reason.
pub async fn entered_tx(
    tx: &mut Tx,
    actor: &Actor,
    c: &AgeCase,
    person_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    step(
        tx,
        c.id,
        None,
        AgeCaseStatus::Forwarded,
        AgeCaseStatus::Entered,
        actor,
        Some(reason),
    )
    .await?;
    sqlx::query("UPDATE age_cases SET person_id = $1 WHERE id = $2")
        .bind(person_id)
        .bind(c.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE members SET age_exception = $1 WHERE person_id = $2")
        .bind(reason)
        .bind(person_id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("age_case.enter")
            .target("person", person_id)
            .org(c.branch_id)
            .after(serde_json::json!({
                "age_case": c.id,
                "age_exception": reason,
                "join_month": c.join_month,
            })),
    )
    .await
}

/// Which cases a list shows: those whose branch lies in a subtree, optionally in one state.
#[derive(Debug, Clone)]
pub struct CaseFilter {
    pub lo: String,
    pub hi: String,
    pub status: Option<AgeCaseStatus>,
}

impl CaseFilter {
    pub fn under(path: &OrgPath, status: Option<AgeCaseStatus>) -> Self {
        let (lo, hi) = path.subtree_range();
        Self { lo, hi, status }
    }
}

impl Store {
    /// The cases of a subtree, newest first.
    pub async fn age_cases(&self, f: &CaseFilter) -> Result<Vec<AgeCase>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, c.province_id, pv.full_name AS province_name, c.branch_id, \
             o.full_name AS branch_full_name, o.path AS branch_path, c.name, c.id_number, c.phone, \
             c.join_month, c.dev_number, c.statement, c.status, f.name AS filed_by_name, c.filed_at, \
             c.forwarded_at, c.decided_at, c.comment, c.person_id \
             FROM age_cases c JOIN orgs o ON o.id = c.branch_id JOIN orgs pv ON pv.id = c.province_id \
             JOIN people f ON f.id = c.filed_by \
             WHERE o.path >= $1 AND o.path < $2 AND ($3 IS NULL OR c.status = $3) \
             ORDER BY c.id DESC LIMIT 5000",
        )
        .bind(&f.lo)
        .bind(&f.hi)
        .bind(f.status.map(AgeCaseStatus::code))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(case_from_row).collect()
    }

    /// One case.
    pub async fn age_case(&self, id: i64) -> Result<AgeCase, StoreError> {
        let row = sqlx::query(CASE_BY_ID)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        case_from_row(&row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_status_round_trips() {
        for s in AgeCaseStatus::ALL {
            assert_eq!(AgeCaseStatus::parse(s.code()), Some(s));
        }
        let literals = crate::test_support::sql_literals(include_str!("age_cases.rs"), "status");
        assert!(!literals.is_empty());
        for v in literals {
            assert!(AgeCaseStatus::parse(v).is_some(), "{v}");
        }
    }
}
