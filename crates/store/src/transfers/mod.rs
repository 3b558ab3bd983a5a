//! 团组织关系转接: requests to move a member's record to another branch, their two approvals
//! and the move itself (`write`), and the lists an admin or member reads (`lists`).
//!
//! Who may start or decide is the caller's business (`tuanjian_domain::authorize` and the
//! scopes); this module keeps the request's state machine, re-reads the member and the
//! organisations at every step (either may have changed since), and writes each step with its
//! audit record in the caller's transaction.

mod lists;
mod write;

pub use lists::{Side, TransferFilter, TransferPage};
pub(crate) use write::settle_for_deleted_org;
pub use write::{
    Completed, NewTransfer, Outcome, approve_in, approve_out, lapse_expired, member_for_transfer,
    return_transfer, start, withdraw,
};

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::transfer::{
    OwnSystemProvince, TransferReason, TransferStarter, TransferStatus,
};
use tuanjian_domain::{IdNumber, OrgPath};

use crate::{Store, StoreError, Tx};

/// A request as read, with the names a reader needs.
#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
    pub from_org_id: Option<i64>,
    pub from_org_name: String,
    #[serde(skip)]
    pub from_path: OrgPath,
    pub to_org_id: Option<i64>,
    pub to_org_name: String,
    #[serde(skip)]
    pub to_path: Option<OrgPath>,
    #[serde(skip)]
    pub own_system_province: Option<OwnSystemProvince>,
    pub assigned_org_id: Option<i64>,
    pub assigned_org_name: Option<String>,
    #[serde(skip)]
    pub reason: TransferReason,
    pub reason_detail: String,
    #[serde(skip)]
    pub starter: TransferStarter,
    pub started_by: i64,
    pub started_by_name: String,
    pub started_at: i64,
    #[serde(skip)]
    pub status: TransferStatus,
    pub updated_at: i64,
    pub expires_at: i64,
    pub out_decided_at: Option<i64>,
    pub in_decided_at: Option<i64>,
    pub comment: Option<String>,
}

/// A member a 办理转出 form lists.
#[derive(Debug, Clone, Serialize)]
pub struct Transferable {
    pub person_id: i64,
    pub name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
    pub org_id: i64,
    pub org_name: String,
    pub join_month: Option<String>,
    /// An open request exists: it cannot be started again.
    pub open_transfer: Option<i64>,
}

/// One step of a request, for the history.
#[derive(Debug, Clone, Serialize)]
pub struct TransferStep {
    pub at: i64,
    pub actor_name: Option<String>,
    pub event: StepEvent,
    pub comment: Option<String>,
}

/// What happened at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepEvent {
    Started,
    ApprovedOut,
    ApprovedIn,
    Completed,
    LeftSystem,
    Returned,
    Withdrawn,
    Lapsed,
}

impl StepEvent {
    pub const ALL: [StepEvent; 8] = [
        StepEvent::Started,
        StepEvent::ApprovedOut,
        StepEvent::ApprovedIn,
        StepEvent::Completed,
        StepEvent::LeftSystem,
        StepEvent::Returned,
        StepEvent::Withdrawn,
        StepEvent::Lapsed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StepEvent::Started => "started",
            StepEvent::ApprovedOut => "approved_out",
            StepEvent::ApprovedIn => "approved_in",
            StepEvent::Completed => "completed",
            StepEvent::LeftSystem => "left_system",
            StepEvent::Returned => "returned",
            StepEvent::Withdrawn => "withdrawn",
            StepEvent::Lapsed => "lapsed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepEvent::Started => "发起转接",
            StepEvent::ApprovedOut => "转出组织审批通过",
            StepEvent::ApprovedIn => "接收组织审批通过",
            StepEvent::Completed => "转接完成",
            StepEvent::LeftSystem => "已转出本系统",
            StepEvent::Returned => "退回",
            StepEvent::Withdrawn => "撤回",
            StepEvent::Lapsed => "超过期限未审批，已过期",
        }
    }

    pub fn parse(s: &str) -> Option<StepEvent> {
        Self::ALL.into_iter().find(|e| e.code() == s)
    }
}

/// The select with its joins followed by a condition, as one static text.
macro_rules! transfer_query {
    ($($tail:expr),+) => {
        concat!(
            "SELECT t.id, t.person_id, p.name AS person_name, p.id_number, t.from_org_id, t.from_org_name, \
             t.from_path, t.to_org_id, t.to_org_name, t.to_path, t.own_system_province, t.assigned_org_id, \
             t.assigned_org_name, t.reason, t.reason_detail, t.starter, t.started_by, s.name AS started_by_name, \
             t.started_at, t.status, t.updated_at, t.expires_at, t.out_decided_at, t.in_decided_at, t.comment \
             FROM transfers t JOIN people p ON p.id = t.person_id JOIN people s ON s.id = t.started_by ",
            $($tail),+
        )
    };
}
pub(crate) use transfer_query;

fn broken(what: &'static str) -> StoreError {
    StoreError::Broken(what)
}

pub(crate) fn transfer_from_row(r: &AnyRow) -> Result<Transfer, StoreError> {
    let path = |s: String| OrgPath::parse(&s).map_err(|_| broken("transfers holds a bad path"));
    let id_number: String = r.try_get("id_number")?;
    Ok(Transfer {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        id_number: IdNumber::parse(&id_number)
            .map_err(|_| broken("people.id_number holds a bad number"))?,
        from_org_id: r.try_get("from_org_id")?,
        from_org_name: r.try_get("from_org_name")?,
        from_path: path(r.try_get("from_path")?)?,
        to_org_id: r.try_get("to_org_id")?,
        to_org_name: r.try_get("to_org_name")?,
        to_path: r
            .try_get::<Option<String>, _>("to_path")?
            .map(path)
            .transpose()?,
        own_system_province: r
            .try_get::<Option<String>, _>("own_system_province")?
            .map(|p| {
                OwnSystemProvince::parse(&p).ok_or(broken(
                    "transfers.own_system_province holds an unknown value",
                ))
            })
            .transpose()?,
        assigned_org_id: r.try_get("assigned_org_id")?,
        assigned_org_name: r.try_get("assigned_org_name")?,
        reason: TransferReason::parse(&r.try_get::<String, _>("reason")?)
            .ok_or(broken("transfers.reason holds an unknown value"))?,
        reason_detail: r.try_get("reason_detail")?,
        starter: TransferStarter::parse(&r.try_get::<String, _>("starter")?)
            .ok_or(broken("transfers.starter holds an unknown value"))?,
        started_by: r.try_get("started_by")?,
        started_by_name: r.try_get("started_by_name")?,
        started_at: r.try_get("started_at")?,
        status: TransferStatus::parse(&r.try_get::<String, _>("status")?)
            .ok_or(broken("transfers.status holds an unknown value"))?,
        updated_at: r.try_get("updated_at")?,
        expires_at: r.try_get("expires_at")?,
        out_decided_at: r.try_get("out_decided_at")?,
        in_decided_at: r.try_get("in_decided_at")?,
        comment: r.try_get("comment")?,
    })
}

/// An organisation read in the transaction (the receiving side, a branch to assign).
pub async fn org_tx(tx: &mut Tx, id: i64) -> Result<crate::orgs::Org, StoreError> {
    crate::org_moves::org_tx(tx, id).await
}

/// A request read in the transaction of a decision.
pub async fn transfer_in_tx(tx: &mut Tx, id: i64) -> Result<Transfer, StoreError> {
    transfer_tx(tx, id).await
}

pub(crate) async fn transfer_tx(tx: &mut Tx, id: i64) -> Result<Transfer, StoreError> {
    let row = sqlx::query(transfer_query!("WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    transfer_from_row(&row)
}

impl Store {
    pub async fn transfer(&self, id: i64) -> Result<Transfer, StoreError> {
        let row = sqlx::query(transfer_query!("WHERE t.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        transfer_from_row(&row)
    }

    /// A person's requests, newest first (个人中心 and the member's record).
    pub async fn transfers_of_person(&self, person_id: i64) -> Result<Vec<Transfer>, StoreError> {
        let rows = sqlx::query(transfer_query!(
            "WHERE t.person_id = $1 ORDER BY t.started_at DESC, t.id DESC LIMIT 100"
        ))
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(transfer_from_row).collect()
    }

    /// The branches below `path` (the receiving side assigns one), by name.
    pub async fn branches_under(
        &self,
        path: &OrgPath,
        limit: i64,
    ) -> Result<Vec<crate::orgs::Org>, StoreError> {
        let (lo, hi) = path.subtree_range();
        let rows = sqlx::query(concat!(
            "SELECT ",
            crate::org_columns!(),
            " FROM orgs WHERE path >= $1 AND path < $2 AND kind = $3 ORDER BY sort_key, id LIMIT $4"
        ))
        .bind(&lo)
        .bind(&hi)
        .bind(tuanjian_domain::OrgKind::Branch.code())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(crate::orgs::org_from_row).collect()
    }

    /// The members below `path` (members only, not those who left), by branch and name, with
    /// their open request if any.
    pub async fn transferable_members(
        &self,
        path: &OrgPath,
        limit: i64,
    ) -> Result<Vec<Transferable>, StoreError> {
        let (lo, hi) = path.subtree_range();
        let rows = sqlx::query(
            "SELECT m.person_id, m.person_name, m.person_id_number, m.org_id, o.full_name, m.join_month, \
             (SELECT t.id FROM transfers t WHERE t.person_id = m.person_id \
                AND t.status IN ('pending_out', 'pending_in')) AS open_transfer \
             FROM members m JOIN orgs o ON o.id = m.org_id \
             WHERE m.org_path >= $1 AND m.org_path < $2 \
             AND m.status IN ('normal', 'aged_out_pending', 'lapsed_pending', 'withdrawn_pending', 'expelled_pending') \
             ORDER BY m.org_path, m.person_sort, m.person_id LIMIT $3",
        )
        .bind(&lo)
        .bind(&hi)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let id_number: String = r.try_get("person_id_number")?;
                Ok(Transferable {
                    person_id: r.try_get("person_id")?,
                    name: r.try_get("person_name")?,
                    id_number: IdNumber::parse(&id_number)
                        .map_err(|_| broken("members.person_id_number holds a bad number"))?,
                    org_id: r.try_get("org_id")?,
                    org_name: r.try_get("full_name")?,
                    join_month: r.try_get("join_month")?,
                    open_transfer: r.try_get("open_transfer")?,
                })
            })
            .collect()
    }

    /// A request's steps, oldest first.
    pub async fn transfer_steps(&self, transfer_id: i64) -> Result<Vec<TransferStep>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.at, p.name AS actor_name, s.event, s.comment FROM transfer_steps s \
             LEFT JOIN people p ON p.id = s.actor_id WHERE s.transfer_id = $1 ORDER BY s.id",
        )
        .bind(transfer_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TransferStep {
                    at: r.try_get("at")?,
                    actor_name: r.try_get("actor_name")?,
                    event: StepEvent::parse(&r.try_get::<String, _>("event")?)
                        .ok_or(broken("transfer_steps.event holds an unknown value"))?,
                    comment: r.try_get("comment")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_codes_are_known() {
        for e in StepEvent::ALL {
            assert_eq!(StepEvent::parse(e.code()), Some(e));
        }
        let source = concat!(include_str!("write.rs"), include_str!("lists.rs"));
        for literal in crate::test_support::sql_literals(source, "status") {
            assert!(
                TransferStatus::parse(literal).is_some()
                    || tuanjian_domain::MembershipStatus::from_code(literal).is_some(),
                "{literal}"
            );
        }
    }
}
