//! The request's state machine: start, the two approvals (one request or a page at once),
//! return, withdraw, lapse, and the move of the member's record on completion.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::Row;
use tuanjian_domain::transfer::{
    Destination, TransferRequest, TransferStarter, TransferStatus, lapse_after_secs,
};
use tuanjian_domain::{ErrorCode, MembershipStatus};

use super::{StepEvent, Transfer, transfer_tx};
use crate::audit::{self, Actor, AuditEntry};
use crate::entry_faults::{RecheckTarget, beijing_today, province_path, recheck_tx};
use crate::members::membership_status;
use crate::org_moves::org_tx;
use crate::orgs::Org;
use crate::{StoreError, Tx, now};

fn conflict(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        code,
        message: message.into(),
    }
}

/// A request to file.
pub struct NewTransfer<'a> {
    pub person_id: i64,
    pub request: &'a TransferRequest,
    /// The receiving organisation (`None` when leaving for a province with its own system).
    pub to: Option<&'a Org>,
    pub starter: TransferStarter,
    pub started_by: i64,
    /// 办理转入: the receiving side approves as it starts, naming the branch.
    pub approved_in_to: Option<&'a Org>,
    pub lapse_days: i64,
}

/// The member's branch and standing, read in the transaction.
pub async fn member_for_transfer(
    tx: &mut Tx,
    person_id: i64,
) -> Result<(Org, MembershipStatus), StoreError> {
    let row = sqlx::query("SELECT org_id, status FROM members WHERE person_id = $1")
        .bind(person_id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    let status = membership_status(&row.try_get::<String, _>("status")?)?;
    let branch = org_tx(tx, row.try_get("org_id")?).await?;
    Ok((branch, status))
}

async fn step(
    tx: &mut Tx,
    transfer_id: i64,
    actor_id: Option<i64>,
    event: StepEvent,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO transfer_steps (transfer_id, at, actor_id, event, comment) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(transfer_id)
    .bind(now())
    .bind(actor_id)
    .bind(event.code())
    .bind(comment)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Files a request. The member's expired requests lapse first, so they never block a new one.
pub async fn start(tx: &mut Tx, actor: &Actor, new: &NewTransfer<'_>) -> Result<i64, StoreError> {
    lapse_expired(tx, actor, Some(new.person_id)).await?;
    let (branch, status) = member_for_transfer(tx, new.person_id).await?;
    if !status.is_member() {
        return Err(conflict(
            ErrorCode::TransferNotMember,
            format!(
                "此人的团籍状态为「{}」，不能办理组织关系转接",
                status.label()
            ),
        ));
    }
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM transfers WHERE person_id = $1 AND status IN ('pending_out', 'pending_in')",
    )
    .bind(new.person_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(open) = open {
        return Err(conflict(
            ErrorCode::TransferPending,
            format!(
                "该团员已有一个正在办理的组织关系转接（编号 {open}），同一时间只能有一个；请等待审批结果，或由发起人先撤回"
            ),
        ));
    }
    let same = |o: &Org| o.id == branch.id;
    if new.to.is_some_and(same) || new.approved_in_to.is_some_and(same) {
        return Err(conflict(
            ErrorCode::TransferSameOrg,
            format!(
                "团员已经在{}，无需转接；请选择其他接收组织",
                branch.full_name
            ),
        ));
    }
    let (to_name, own_province) = match (&new.request.destination, new.to) {
        (Destination::OwnSystem { province, name }, _) => {
            (name.as_str().to_string(), Some(province.code()))
        }
        (Destination::Org(_), Some(to)) => (to.full_name.clone(), None),
        (Destination::Org(_), None) => return Err(StoreError::NotFound),
    };
    let at = now();
    let initial = TransferStatus::initial(new.starter);
    let (out_by, out_at) = match new.starter {
        TransferStarter::Sender => (Some(new.started_by), Some(at)),
        _ => (None, None),
    };
    let (in_by, in_at) = match new.approved_in_to {
        Some(_) => (Some(new.started_by), Some(at)),
        None => (None, None),
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO transfers (person_id, from_org_id, from_org_name, from_path, to_org_id, to_org_name, \
         to_path, own_system_province, assigned_org_id, assigned_org_name, reason, reason_detail, starter, \
         started_by, started_at, status, updated_at, expires_at, out_decided_by, out_decided_at, \
         in_decided_by, in_decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $17, $18, $19, $20, $21) \
         RETURNING id",
    )
    .bind(new.person_id)
    .bind(branch.id)
    .bind(&branch.full_name)
    .bind(branch.path.as_str())
    .bind(new.to.map(|o| o.id))
    .bind(&to_name)
    .bind(new.to.map(|o| o.path.as_str().to_string()))
    .bind(own_province)
    .bind(new.approved_in_to.map(|o| o.id))
    .bind(new.approved_in_to.map(|o| o.full_name.clone()))
    .bind(new.request.reason.code())
    .bind(new.request.detail.as_str())
    .bind(new.starter.code())
    .bind(new.started_by)
    .bind(at)
    .bind(initial.code())
    .bind(at + lapse_after_secs(new.lapse_days))
    .bind(out_by)
    .bind(out_at)
    .bind(in_by)
    .bind(in_at)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| {
        let e = StoreError::from(e);
        if e.is_unique_violation() {
            conflict(
                ErrorCode::TransferPending,
                "该团员已有一个正在办理的组织关系转接，同一时间只能有一个",
            )
        } else {
            e
        }
    })?;
    step(tx, id, Some(new.started_by), StepEvent::Started, None).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("member.transfer.start")
            .target("transfer", id)
            .org(branch.id)
            .after(serde_json::json!({
                "person_id": new.person_id,
                "from_org_id": branch.id,
                "to_org_id": new.to.map(|o| o.id),
                "to_org_name": to_name,
                "own_system_province": own_province,
                "assigned_org_id": new.approved_in_to.map(|o| o.id),
                "reason": new.request.reason.code(),
                "reason_detail": new.request.detail.as_str(),
                "starter": new.starter.code(),
                "status": initial.code(),
            })),
    )
    .await?;
    Ok(id)
}

/// Reads an open request for a decision: refused when decided, lapsed or at another stage.
async fn open_at(tx: &mut Tx, id: i64, stage: TransferStatus) -> Result<Transfer, StoreError> {
    let t = transfer_tx(tx, id).await?;
    if !t.status.is_open() {
        return Err(conflict(
            ErrorCode::TransferNotPending,
            format!("该转接已{}，不能再审批、退回或撤回", t.status.label()),
        ));
    }
    if t.expires_at <= now() {
        return Err(conflict(
            ErrorCode::TransferLapsed,
            "该转接等待审批超过期限，已过期；如仍需转接，请重新发起",
        ));
    }
    if t.status != stage {
        return Err(conflict(
            ErrorCode::TransferNotPending,
            format!("该转接现在{}，不在这一步", t.status.label()),
        ));
    }
    Ok(t)
}

/// Moves `from` to `to` unless another decision got there first.
async fn set_status(
    tx: &mut Tx,
    id: i64,
    from: TransferStatus,
    to: TransferStatus,
) -> Result<(), StoreError> {
    let changed = sqlx::query(
        "UPDATE transfers SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.code())
    .bind(now())
    .bind(id)
    .bind(from.code())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 1 {
        Ok(())
    } else {
        Err(conflict(
            ErrorCode::TransferNotPending,
            "该转接刚刚被其他管理员处理过，请刷新后查看",
        ))
    }
}

/// A member's record that moved.
#[derive(Debug, Clone, Serialize)]
pub struct Completed {
    pub transfer_id: i64,
    pub person_id: i64,
    pub from_org_id: Option<i64>,
    pub to_org_id: i64,
    /// Posts held at the sending branch, ended by the move.
    pub ended_posts: Vec<String>,
}

/// Where a decision left a request.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub transfer_id: i64,
    #[serde(serialize_with = "ser_status")]
    pub status: TransferStatus,
}

fn ser_status<S: serde::Serializer>(s: &TransferStatus, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.code())
}

/// Ends the member's posts at `org_id`; returns them for the audit record.
async fn end_posts(tx: &mut Tx, person_id: i64, org_id: i64) -> Result<Vec<String>, StoreError> {
    let posts: Vec<String> =
        sqlx::query_scalar("SELECT post FROM cadre_posts WHERE person_id = $1 AND org_id = $2")
            .bind(person_id)
            .bind(org_id)
            .fetch_all(&mut **tx)
            .await?;
    sqlx::query("DELETE FROM cadre_posts WHERE person_id = $1 AND org_id = $2")
        .bind(person_id)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(posts)
}

/// The member must still be where the request found them.
async fn still_at_sender(tx: &mut Tx, t: &Transfer) -> Result<(), StoreError> {
    let (branch, status) = member_for_transfer(tx, t.person_id).await?;
    if Some(branch.id) != t.from_org_id || !status.is_member() {
        return Err(conflict(
            ErrorCode::TransferNotPending,
            "申请提交后，该团员的所在组织或团籍状态已经变化，此转接不能再通过；请退回后重新发起",
        ));
    }
    Ok(())
}

/// Moves the member's record to `branch` and closes the request as completed. Entry faults
/// are judged again by the caller, once per receiving branch.
async fn complete(
    tx: &mut Tx,
    actor: &Actor,
    t: &Transfer,
    by: i64,
    branch: &Org,
) -> Result<Completed, StoreError> {
    still_at_sender(tx, t).await?;
    sqlx::query(
        "UPDATE members SET org_id = $1, org_path = $2, updated_at = $3 WHERE person_id = $4",
    )
    .bind(branch.id)
    .bind(branch.path.as_str())
    .bind(now())
    .bind(t.person_id)
    .execute(&mut **tx)
    .await?;
    let ended_posts = match t.from_org_id {
        Some(from) => end_posts(tx, t.person_id, from).await?,
        None => vec![],
    };
    sqlx::query(
        "UPDATE transfers SET assigned_org_id = $1, assigned_org_name = $2, in_decided_by = COALESCE(in_decided_by, $3), \
         in_decided_at = COALESCE(in_decided_at, $4) WHERE id = $5",
    )
    .bind(branch.id)
    .bind(&branch.full_name)
    .bind(by)
    .bind(now())
    .bind(t.id)
    .execute(&mut **tx)
    .await?;
    set_status(tx, t.id, t.status, TransferStatus::Completed).await?;
    step(tx, t.id, Some(by), StepEvent::Completed, None).await?;
    let done = Completed {
        transfer_id: t.id,
        person_id: t.person_id,
        from_org_id: t.from_org_id,
        to_org_id: branch.id,
        ended_posts,
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("member.transfer.complete")
            .target("transfer", t.id)
            .org(branch.id)
            .before(
                serde_json::json!({ "org_id": t.from_org_id, "org_path": t.from_path.as_str() }),
            )
            .after(&done),
    )
    .await?;
    Ok(done)
}

/// Judges the stored records of every receiving branch once, under its 号段.
async fn recheck_branches(tx: &mut Tx, branches: &BTreeMap<i64, Org>) -> Result<(), StoreError> {
    for branch in branches.values() {
        recheck_tx(
            tx,
            &province_path(branch),
            &RecheckTarget::subtree(&branch.path),
            beijing_today(),
        )
        .await?;
    }
    Ok(())
}

/// The sending side approves each of `ids`: a request then waits for the receiving side, is
/// done at once when the receiving side approved at the start, or leaves the system.
pub async fn approve_out(
    tx: &mut Tx,
    actor: &Actor,
    by: i64,
    ids: &[i64],
) -> Result<Vec<Outcome>, StoreError> {
    let mut outcomes = Vec::with_capacity(ids.len());
    let mut branches = BTreeMap::new();
    for &id in ids {
        let t = open_at(tx, id, TransferStatus::PendingOut).await?;
        still_at_sender(tx, &t).await?;
        sqlx::query("UPDATE transfers SET out_decided_by = $1, out_decided_at = $2 WHERE id = $3")
            .bind(by)
            .bind(now())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        step(tx, id, Some(by), StepEvent::ApprovedOut, None).await?;
        audit::record(
            tx,
            actor,
            AuditEntry::new("member.transfer.approve_out")
                .target("transfer", id)
                .org(t.from_org_id.unwrap_or_default()),
        )
        .await?;
        let status = if t.own_system_province.is_some() {
            leave_system(tx, actor, &t, by).await?;
            TransferStatus::LeftSystem
        } else if let (Some(_), Some(assigned)) = (t.in_decided_at, t.assigned_org_id) {
            let branch = org_tx(tx, assigned).await?;
            complete(tx, actor, &t, by, &branch).await?;
            branches.insert(branch.id, branch);
            TransferStatus::Completed
        } else {
            set_status(
                tx,
                id,
                TransferStatus::PendingOut,
                TransferStatus::PendingIn,
            )
            .await?;
            TransferStatus::PendingIn
        };
        outcomes.push(Outcome {
            transfer_id: id,
            status,
        });
    }
    recheck_branches(tx, &branches).await?;
    Ok(outcomes)
}

/// 北京/广东/福建: the member leaves this system; the record stays with the destination noted.
async fn leave_system(tx: &mut Tx, actor: &Actor, t: &Transfer, by: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE members SET status = $1, updated_at = $2 WHERE person_id = $3")
        .bind(MembershipStatus::TransferredOut.code())
        .bind(now())
        .bind(t.person_id)
        .execute(&mut **tx)
        .await?;
    let ended_posts = match t.from_org_id {
        Some(from) => end_posts(tx, t.person_id, from).await?,
        None => vec![],
    };
    set_status(
        tx,
        t.id,
        TransferStatus::PendingOut,
        TransferStatus::LeftSystem,
    )
    .await?;
    step(tx, t.id, Some(by), StepEvent::LeftSystem, None).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("member.transfer.left_system")
            .target("transfer", t.id)
            .org(t.from_org_id.unwrap_or_default())
            .before(serde_json::json!({ "status": "normal" }))
            .after(serde_json::json!({
                "status": MembershipStatus::TransferredOut.code(),
                "destination": t.to_org_name,
                "province": t.own_system_province.map(|p| p.code()),
                "ended_posts": ended_posts,
            })),
    )
    .await
}

/// The receiving side approves each request, naming the branch the member goes to.
pub async fn approve_in(
    tx: &mut Tx,
    actor: &Actor,
    by: i64,
    items: &[(i64, Org)],
) -> Result<Vec<Completed>, StoreError> {
    let mut done = Vec::with_capacity(items.len());
    let mut branches = BTreeMap::new();
    for (id, branch) in items {
        let t = open_at(tx, *id, TransferStatus::PendingIn).await?;
        let inside = t.to_path.as_ref().is_some_and(|p| p.contains(&branch.path));
        if !inside || !branch.kind.is_branch() {
            return Err(conflict(
                ErrorCode::TransferBranchInvalid,
                format!(
                    "{}不是{}之下的团支部，请在接收组织之下选择团员转入的团支部",
                    branch.full_name, t.to_org_name
                ),
            ));
        }
        step(tx, *id, Some(by), StepEvent::ApprovedIn, None).await?;
        done.push(complete(tx, actor, &t, by, branch).await?);
        branches.insert(branch.id, branch.clone());
    }
    recheck_branches(tx, &branches).await?;
    Ok(done)
}

/// Which side returns a request: the stage it must be at.
pub async fn return_transfer(
    tx: &mut Tx,
    actor: &Actor,
    by: i64,
    id: i64,
    stage: TransferStatus,
    comment: &str,
) -> Result<(), StoreError> {
    let t = open_at(tx, id, stage).await?;
    sqlx::query("UPDATE transfers SET comment = $1 WHERE id = $2")
        .bind(comment)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    set_status(tx, id, t.status, TransferStatus::Returned).await?;
    step(tx, id, Some(by), StepEvent::Returned, Some(comment)).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("member.transfer.return")
            .target("transfer", id)
            .after(serde_json::json!({ "stage": stage.code(), "comment": comment })),
    )
    .await
}

/// The starter takes back a request still waiting.
pub async fn withdraw(tx: &mut Tx, actor: &Actor, by: i64, id: i64) -> Result<(), StoreError> {
    let t = transfer_tx(tx, id).await?;
    if t.started_by != by {
        return Err(conflict(
            ErrorCode::TransferNotStarter,
            format!("这份转接由{}发起，只有发起人可以撤回", t.started_by_name),
        ));
    }
    if !t.status.is_open() {
        return Err(conflict(
            ErrorCode::TransferNotPending,
            format!("该转接已{}，不能再撤回", t.status.label()),
        ));
    }
    set_status(tx, id, t.status, TransferStatus::Withdrawn).await?;
    step(tx, id, Some(by), StepEvent::Withdrawn, None).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("member.transfer.withdraw").target("transfer", id),
    )
    .await
}

/// Closes open requests past their time (of one person, or all): each lapses with a step and
/// an audit record. Returns how many.
pub async fn lapse_expired(
    tx: &mut Tx,
    actor: &Actor,
    person_id: Option<i64>,
) -> Result<u64, StoreError> {
    let at = now();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM transfers WHERE status IN ('pending_out', 'pending_in') AND expires_at <= $1 \
         AND ($2 IS NULL OR person_id = $2) ORDER BY id",
    )
    .bind(at)
    .bind(person_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut lapsed = 0;
    for &id in &ids {
        let changed = sqlx::query(
            "UPDATE transfers SET status = 'lapsed', updated_at = $1 WHERE id = $2 \
             AND status IN ('pending_out', 'pending_in')",
        )
        .bind(at)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if changed == 1 {
            lapsed += 1;
            step(tx, id, None, StepEvent::Lapsed, None).await?;
            audit::record(
                tx,
                actor,
                AuditEntry::new("member.transfer.lapse").target("transfer", id),
            )
            .await?;
        }
    }
    Ok(lapsed)
}

/// A deleted organisation: requests still waiting to go there are returned to their starter,
/// and every reference to it is cleared (the names stay in the rows).
pub(crate) async fn settle_for_deleted_org(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
) -> Result<(), StoreError> {
    let open: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM transfers WHERE (to_org_id = $1 OR assigned_org_id = $1) \
         AND status IN ('pending_out', 'pending_in') ORDER BY id",
    )
    .bind(org_id)
    .fetch_all(&mut **tx)
    .await?;
    const COMMENT: &str = "接收组织已被删除，请重新选择接收组织后再发起转接";
    for id in open {
        sqlx::query(
            "UPDATE transfers SET status = 'returned', comment = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(COMMENT)
        .bind(now())
        .bind(id)
        .execute(&mut **tx)
        .await?;
        step(tx, id, actor.person_id, StepEvent::Returned, Some(COMMENT)).await?;
        audit::record(
            tx,
            actor,
            AuditEntry::new("member.transfer.return")
                .target("transfer", id)
                .after(serde_json::json!({ "comment": COMMENT })),
        )
        .await?;
    }
    for sql in [
        "UPDATE transfers SET from_org_id = NULL WHERE from_org_id = $1",
        "UPDATE transfers SET to_org_id = NULL WHERE to_org_id = $1",
        "UPDATE transfers SET assigned_org_id = NULL WHERE assigned_org_id = $1",
    ] {
        sqlx::query(sql).bind(org_id).execute(&mut **tx).await?;
    }
    Ok(())
}
