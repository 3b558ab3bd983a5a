//! The steps that change a member's 团籍: the branch's decision (`decide_tx`), the superior's
//! approval or return (`review_tx`), the branch's request to restore (`request_restore_tx`).
//! Each writes its history row and audit record in the caller's transaction.

use chrono::NaiveDate;
use sqlx::Row;
use tuanjian_domain::leaving::{Step, Way};
use tuanjian_domain::{ErrorCode, MembershipStatus};

use super::{ChangeKind, Standing, standing_tx};
use crate::audit::{self, Actor, AuditEntry};
use crate::members::membership_status;
use crate::orgs::Org;
use crate::{StoreError, Tx, now};

/// A history row to write.
pub(crate) struct NewStep<'a> {
    pub person_id: i64,
    pub branch: &'a Org,
    pub kind: ChangeKind,
    pub step: Step,
    pub before: MembershipStatus,
    pub after: MembershipStatus,
    pub reason: Option<&'a str>,
    pub date: Option<NaiveDate>,
    pub comment: Option<&'a str>,
    pub pending: bool,
}

/// Writes the history row and its audit record.
pub(crate) async fn record_step(
    tx: &mut Tx,
    actor: &Actor,
    s: NewStep<'_>,
) -> Result<(), StoreError> {
    let date = s.date.map(|d| d.to_string());
    sqlx::query(
        "INSERT INTO membership_changes (person_id, org_id, org_name, kind, step, status_before, \
         status_after, reason, effective_date, comment, actor_id, at, pending) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(s.person_id)
    .bind(s.branch.id)
    .bind(&s.branch.full_name)
    .bind(s.kind.code())
    .bind(s.step.code())
    .bind(s.before.code())
    .bind(s.after.code())
    .bind(s.reason)
    .bind(date.as_deref())
    .bind(s.comment)
    .bind(actor.person_id)
    .bind(now())
    .bind(i64::from(s.pending))
    .execute(&mut **tx)
    .await?;
    let action = format!("membership.{}.{}", s.kind.code(), s.step.code());
    audit::record(
        tx,
        actor,
        AuditEntry::new(&action)
            .target("person", s.person_id)
            .org(s.branch.id)
            .before(serde_json::json!({ "status": s.before.code() }))
            .after(serde_json::json!({
                "status": s.after.code(),
                "reason": s.reason,
                "date": date,
                "comment": s.comment,
                "pending": s.pending,
            })),
    )
    .await
}

/// Moves the member from `from` to `to`; refused when another request changed the state since
/// it was read.
pub(crate) async fn set_status(
    tx: &mut Tx,
    person_id: i64,
    from: MembershipStatus,
    to: MembershipStatus,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE members SET status = $1, updated_at = $2 WHERE person_id = $3 AND status = $4",
    )
    .bind(to.code())
    .bind(now())
    .bind(person_id)
    .bind(from.code())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            code: ErrorCode::LeavingPending,
            message: "该团员的团籍状态刚刚被另一位管理员修改，请刷新页面查看后再办理".into(),
        });
    }
    Ok(())
}

/// Refuses a way out for a member who is not simply a member now.
fn must_be_normal(m: &Standing) -> Result<(), StoreError> {
    if m.status == MembershipStatus::WithdrawnPending {
        return Err(StoreError::Conflict {
            code: ErrorCode::LeavingPending,
            message: format!(
                "{}本人提交的退团申请正在等待团支部处理，请先同意或不同意该申请",
                m.name
            ),
        });
    }
    if m.status.is_pending() {
        return Err(StoreError::Conflict {
            code: ErrorCode::LeavingPending,
            message: format!(
                "{}已有一项待上级审批的团籍变动（{}），请等待审批结果",
                m.name,
                m.status.label()
            ),
        });
    }
    if !m.status.is_member() {
        return Err(StoreError::Conflict {
            code: ErrorCode::MemberHasLeft,
            message: format!(
                "{}已经离团（{}），不能再办理；如需恢复团籍，请申请恢复团籍",
                m.name,
                m.status.label()
            ),
        });
    }
    Ok(())
}

/// What a decision did.
#[derive(Debug, Clone)]
pub struct Decided {
    pub status: MembershipStatus,
    /// The superior still approves.
    pub pending: bool,
}

/// The branch decides a way out for one of its members: 退团 takes effect at once (the
/// superior is informed through its list of changes); 自行脱团 and 开除团籍 wait for the superior.
pub async fn decide_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    way: Way,
    reason: &str,
    date: NaiveDate,
) -> Result<Decided, StoreError> {
    let m = standing_tx(tx, person_id).await?;
    must_be_normal(&m)?;
    let after = way.status_on_decision();
    set_status(tx, person_id, m.status, after).await?;
    record_step(
        tx,
        actor,
        NewStep {
            person_id,
            branch: &m.branch,
            kind: ChangeKind::Leave(way),
            step: Step::Decided,
            before: m.status,
            after,
            reason: Some(reason),
            date: Some(date),
            comment: None,
            pending: way.needs_approval(),
        },
    )
    .await?;
    Ok(Decided {
        status: after,
        pending: way.needs_approval(),
    })
}

/// The branch asks for a member who left to be restored; the superior approves.
pub async fn request_restore_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    let m = standing_tx(tx, person_id).await?;
    if m.status.is_member() {
        return Err(StoreError::Conflict {
            code: if m.status.is_pending() {
                ErrorCode::LeavingPending
            } else {
                ErrorCode::NotLeft
            },
            message: format!(
                "{}现在的团籍状态是“{}”，没有离团，无需恢复团籍",
                m.name,
                m.status.label()
            ),
        });
    }
    if open_step(tx, person_id).await?.is_some() {
        return Err(StoreError::Conflict {
            code: ErrorCode::LeavingPending,
            message: format!("{}已有一份待上级审批的恢复团籍申请", m.name),
        });
    }
    record_step(
        tx,
        actor,
        NewStep {
            person_id,
            branch: &m.branch,
            kind: ChangeKind::Restore,
            step: Step::RestoreRequested,
            before: m.status,
            after: m.status,
            reason: Some(reason),
            date: None,
            comment: None,
            pending: true,
        },
    )
    .await
}

/// The step waiting for the superior: its id, kind and the state it leaves on a return.
async fn open_step(
    tx: &mut Tx,
    person_id: i64,
) -> Result<Option<(i64, ChangeKind, MembershipStatus)>, StoreError> {
    let row = sqlx::query(
        "SELECT id, kind, status_before FROM membership_changes WHERE person_id = $1 AND pending = 1",
    )
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some((
        r.try_get("id")?,
        ChangeKind::from_code(&r.try_get::<String, _>("kind")?)?,
        membership_status(&r.try_get::<String, _>("status_before")?)?,
    )))
}

/// The member as the superior decides them: their state and what waits.
pub async fn review_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    approve: bool,
    comment: Option<&str>,
) -> Result<MembershipStatus, StoreError> {
    let m = standing_tx(tx, person_id).await?;
    let Some((step_id, kind, before_request)) = open_step(tx, person_id).await? else {
        return Err(StoreError::Conflict {
            code: ErrorCode::NothingPending,
            message: format!("{}没有待审批的团籍变动，可能已经处理过", m.name),
        });
    };
    let after = match (kind, approve) {
        (ChangeKind::Leave(_), true) => m.status.approved(),
        (ChangeKind::Leave(_), false) => before_request,
        (ChangeKind::Restore, true) => MembershipStatus::Normal,
        (ChangeKind::Restore, false) => m.status,
    };
    if after != m.status {
        set_status(tx, person_id, m.status, after).await?;
    }
    sqlx::query("UPDATE membership_changes SET pending = 0 WHERE id = $1")
        .bind(step_id)
        .execute(&mut **tx)
        .await?;
    record_step(
        tx,
        actor,
        NewStep {
            person_id,
            branch: &m.branch,
            kind,
            step: if approve {
                Step::Approved
            } else {
                Step::Returned
            },
            before: m.status,
            after,
            reason: None,
            date: None,
            comment,
            pending: false,
        },
    )
    .await?;
    Ok(after)
}
