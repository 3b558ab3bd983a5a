//! The member's own 退团 request: asked online (the state becomes `withdrawn_pending`), taken
//! back while it waits, and decided by the branch — accepted (退团 takes effect on the date; the
//! superior sees it among its branches' changes, 备案) or declined with a comment. Each step
//! changes the state only from the state read and writes its history row and audit record in
//! the caller's transaction.

use chrono::NaiveDate;
use sqlx::Row;
use tuanjian_domain::leaving::{Step, Way};
use tuanjian_domain::{ErrorCode, MembershipStatus};

use super::steps::{NewStep, record_step, set_status};
use super::{ChangeKind, HistoryEntry, Standing, history_from_row, standing_tx};
use crate::audit::Actor;
use crate::{Store, StoreError, Tx};

const WAITING: MembershipStatus = MembershipStatus::WithdrawnPending;
const WAY: ChangeKind = ChangeKind::Leave(Way::Withdrawn);

/// The member asks for 退团 with `reason`; refused while another change waits or after leaving.
pub async fn request_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    reason: &str,
) -> Result<(), StoreError> {
    let m = standing_tx(tx, person_id).await?;
    if m.status == WAITING {
        return Err(StoreError::Conflict {
            code: ErrorCode::LeavingPending,
            message: "您已提交过退团申请，正在等待团支部处理；如需修改理由，请先撤回原申请".into(),
        });
    }
    if m.status.is_pending() {
        return Err(StoreError::Conflict {
            code: ErrorCode::LeavingPending,
            message: format!(
                "您的团籍有一项正在办理的变动（{}），办理完成前不能申请退团",
                m.status.label()
            ),
        });
    }
    if !m.status.is_member() {
        return Err(StoreError::Conflict {
            code: ErrorCode::MemberHasLeft,
            message: format!("您已经离团（{}），不能再申请退团", m.status.label()),
        });
    }
    set_status(tx, person_id, m.status, WAITING).await?;
    record_step(
        tx,
        actor,
        step(&m, Step::Requested, WAITING, Some(reason), None, None),
    )
    .await
}

/// The member takes their waiting request back: the state is normal again.
pub async fn cancel_tx(tx: &mut Tx, actor: &Actor, person_id: i64) -> Result<(), StoreError> {
    let m = waiting(
        tx,
        person_id,
        "您没有等待团支部处理的退团申请，可能已经处理过",
    )
    .await?;
    set_status(tx, person_id, WAITING, MembershipStatus::Normal).await?;
    record_step(
        tx,
        actor,
        step(
            &m,
            Step::RequestCancelled,
            MembershipStatus::Normal,
            None,
            None,
            None,
        ),
    )
    .await
}

/// The branch decides the member's waiting request: `Ok(date)` accepts it (退团 on that day),
/// `Err(comment)` declines it. The state after it.
pub async fn decide_request_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    decision: Result<NaiveDate, &str>,
) -> Result<MembershipStatus, StoreError> {
    let m = waiting(tx, person_id, "").await?;
    let (step_kind, after, date, comment) = match decision {
        Ok(date) => (Step::Decided, MembershipStatus::Withdrawn, Some(date), None),
        Err(comment) => (
            Step::Declined,
            MembershipStatus::Normal,
            None,
            Some(comment),
        ),
    };
    // The member's own reason goes with the decision, so the superior's 备案 list shows it.
    let reason = open_reason(tx, person_id).await?;
    set_status(tx, person_id, WAITING, after).await?;
    record_step(
        tx,
        actor,
        step(&m, step_kind, after, reason.as_deref(), date, comment),
    )
    .await?;
    Ok(after)
}

fn step<'a>(
    m: &'a Standing,
    step: Step,
    after: MembershipStatus,
    reason: Option<&'a str>,
    date: Option<NaiveDate>,
    comment: Option<&'a str>,
) -> NewStep<'a> {
    NewStep {
        person_id: m.person_id,
        branch: &m.branch,
        kind: WAY,
        step,
        before: m.status,
        after,
        reason,
        date,
        comment,
        // Waits for the branch, not for the superior: the member's state says it waits.
        pending: false,
    }
}

/// The member, whose request must be waiting; `said` is the message otherwise (the member's),
/// or empty for the branch's.
async fn waiting(tx: &mut Tx, person_id: i64, said: &str) -> Result<Standing, StoreError> {
    let m = standing_tx(tx, person_id).await?;
    if m.status != WAITING {
        let message = if said.is_empty() {
            format!(
                "{}没有等待团支部处理的退团申请（现在的团籍状态是“{}”），可能已经处理过或已被本人撤回",
                m.name,
                m.status.label()
            )
        } else {
            said.to_string()
        };
        return Err(StoreError::Conflict {
            code: ErrorCode::NothingPending,
            message,
        });
    }
    Ok(m)
}

/// The reason of the member's latest request.
async fn open_reason(tx: &mut Tx, person_id: i64) -> Result<Option<String>, StoreError> {
    let row = sqlx::query(
        "SELECT reason FROM membership_changes WHERE person_id = $1 AND kind = 'withdrawn' \
         AND step = 'requested' ORDER BY id DESC LIMIT 1",
    )
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match row {
        Some(r) => r.try_get("reason")?,
        None => None,
    })
}

impl Store {
    /// The waiting 退团 requests of the members of branch `org_id`, oldest first: each
    /// member's latest request step.
    pub async fn withdrawal_requests(&self, org_id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows = sqlx::query(concat!(
            history_select!(),
            "JOIN members m ON m.person_id = c.person_id \
             WHERE m.org_id = $1 AND m.status = 'withdrawn_pending' AND c.kind = 'withdrawn' \
             AND c.step = 'requested' AND c.id = (SELECT MAX(r.id) FROM membership_changes r \
             WHERE r.person_id = c.person_id AND r.kind = 'withdrawn' AND r.step = 'requested') \
             ORDER BY c.id"
        ))
        .bind(org_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(history_from_row).collect()
    }
}
