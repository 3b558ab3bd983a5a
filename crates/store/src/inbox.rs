//! The approval inbox: everything waiting for the admins of one organisation, oldest first.

use serde::Serialize;
use sqlx::Row;

use tuanjian_domain::IdNumber;

use crate::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// A child's own change of its information, waiting for its direct superior.
    InfoChange,
    /// A child applies to move away: the current parent decides first.
    MoveOut,
    /// An organisation applies to move in under this one: the new parent decides last.
    MoveIn,
    /// 团员团干部注册: a member not yet in the system registers with this organisation.
    Registration,
    /// 我要入团: an application to join, moving through its stages.
    JoinApplication,
    /// 流动团员报到: a member away from home reports to this organisation.
    Report,
    /// A name or ID number correction, decided by the provincial committee.
    Correction,
    /// 组织关系转接 of a member of this branch: the sending side decides first.
    TransferOut,
    /// 组织关系转接 into this organisation: the receiving side decides last.
    TransferIn,
}

impl InboxKind {
    pub fn code(self) -> &'static str {
        match self {
            InboxKind::InfoChange => "info_change",
            InboxKind::MoveOut => "move_out",
            InboxKind::MoveIn => "move_in",
            InboxKind::Registration => "registration",
            InboxKind::JoinApplication => "join_application",
            InboxKind::Report => "report",
            InboxKind::Correction => "correction",
            InboxKind::TransferOut => "transfer_out",
            InboxKind::TransferIn => "transfer_in",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InboxKind::InfoChange => "组织信息修改审批",
            InboxKind::MoveOut => "组织迁移审批（原直属上级）",
            InboxKind::MoveIn => "组织迁移审批（迁入组织）",
            InboxKind::Registration => "团员团干部注册审核",
            InboxKind::JoinApplication => "入团申请",
            InboxKind::Report => "流动团员报到审核",
            InboxKind::Correction => "姓名、身份证号码更正审核",
            InboxKind::TransferOut => "组织关系转出审批",
            InboxKind::TransferIn => "组织关系转入审批",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InboxItem {
    pub kind: InboxKind,
    /// The change's, move's, application's or correction's id.
    pub id: i64,
    pub org_id: i64,
    pub org_short_name: String,
    pub org_full_name: String,
    pub requested_at: i64,
    pub requested_by_name: String,
    /// For moves: the new parent's full name; for transfers: the receiving organisation's.
    /// (For transfers `org_short_name` holds the member's name, `org_full_name` the sending
    /// branch's.)
    pub to_parent_full_name: Option<String>,
    /// The person the item is about (the applicant, the person whose name or ID is corrected,
    /// the member transferred); none for an organisation's change or move.
    pub person: Option<InboxPerson>,
}

/// Who an item is about, so the inbox names the person and not only the organisation.
#[derive(Debug, Clone, Serialize)]
pub struct InboxPerson {
    pub person_id: i64,
    pub name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
}

impl InboxItem {
    /// Where the item is decided.
    pub fn link(&self) -> String {
        match self.kind {
            InboxKind::InfoChange => format!("/orgs/{}/info", self.org_id),
            InboxKind::MoveOut | InboxKind::MoveIn => format!("/moves/{}", self.id),
            InboxKind::Registration | InboxKind::JoinApplication | InboxKind::Report => {
                format!("/applications/{}", self.id)
            }
            InboxKind::Correction => format!("/corrections/{}", self.id),
            InboxKind::TransferOut | InboxKind::TransferIn => format!("/transfers/{}", self.id),
        }
    }
}

fn person_of(r: &sqlx::any::AnyRow) -> Result<Option<InboxPerson>, StoreError> {
    let Some(person_id) = r.try_get::<Option<i64>, _>("subject_id")? else {
        return Ok(None);
    };
    let id_number: String = r.try_get("subject_id_number")?;
    Ok(Some(InboxPerson {
        person_id,
        name: r.try_get("subject_name")?,
        id_number: IdNumber::parse(&id_number)
            .map_err(|_| StoreError::Broken("a stored ID number does not parse"))?,
    }))
}

/// At most this many items are listed; the count covers all.
pub const INBOX_LIMIT: i64 = 500;

impl Store {
    /// Items waiting for the admins of `org_id`, oldest first.
    pub async fn inbox(&self, org_id: i64) -> Result<Vec<InboxItem>, StoreError> {
        let rows = sqlx::query(
            "SELECT 0 AS kind, c.id, c.org_id, o.short_name, o.full_name, c.requested_at, p.name AS requester, \
               NULL AS to_parent, CAST(NULL AS BIGINT) AS subject_id, NULL AS subject_name, NULL AS subject_id_number \
               FROM org_changes c JOIN orgs o ON o.id = c.org_id JOIN people p ON p.id = c.requested_by \
               WHERE c.approver_org_id = $1 AND c.status = 'pending' \
             UNION ALL \
             SELECT 1, m.id, m.org_id, o.short_name, o.full_name, m.requested_at, p.name, t.full_name, \
               NULL, NULL, NULL \
               FROM org_moves m JOIN orgs o ON o.id = m.org_id JOIN people p ON p.id = m.requested_by \
               JOIN orgs t ON t.id = m.to_parent_id \
               WHERE m.from_parent_id = $1 AND m.status = 'pending_old' \
             UNION ALL \
             SELECT 2, m.id, m.org_id, o.short_name, o.full_name, m.requested_at, p.name, t.full_name, \
               NULL, NULL, NULL \
               FROM org_moves m JOIN orgs o ON o.id = m.org_id JOIN people p ON p.id = m.requested_by \
               JOIN orgs t ON t.id = m.to_parent_id \
               WHERE m.to_parent_id = $1 AND m.status = 'pending_new' \
             UNION ALL \
             SELECT CASE a.kind WHEN 'register' THEN 3 WHEN 'join' THEN 4 ELSE 5 END, a.id, a.org_id, \
               o.short_name, o.full_name, a.submitted_at, p.name, NULL, p.id, p.name, p.id_number \
               FROM applications a JOIN orgs o ON o.id = a.org_id JOIN people p ON p.id = a.person_id \
               WHERE a.org_id = $1 AND a.status = 'pending' \
             UNION ALL \
             SELECT 6, c.id, c.org_id, o.short_name, o.full_name, c.requested_at, p.name, NULL, \
               q.id, q.name, q.id_number \
               FROM corrections c JOIN orgs o ON o.id = c.org_id JOIN people p ON p.id = c.requested_by \
               JOIN people q ON q.id = c.person_id \
               WHERE c.approver_org_id = $1 AND c.status = 'pending' \
             UNION ALL \
             SELECT 7, t.id, t.from_org_id, p.name, t.from_org_name, t.started_at, s.name, t.to_org_name, \
               p.id, p.name, p.id_number \
               FROM transfers t JOIN people p ON p.id = t.person_id JOIN people s ON s.id = t.started_by \
               WHERE t.from_org_id = $1 AND t.status = 'pending_out' \
             UNION ALL \
             SELECT 8, t.id, t.to_org_id, p.name, t.from_org_name, t.started_at, s.name, t.to_org_name, \
               p.id, p.name, p.id_number \
               FROM transfers t JOIN people p ON p.id = t.person_id JOIN people s ON s.id = t.started_by \
               WHERE t.to_org_id = $1 AND t.status = 'pending_in' \
             ORDER BY 6, 1, 2 LIMIT $2",
        )
        .bind(org_id)
        .bind(INBOX_LIMIT)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InboxItem {
                    kind: match r.try_get::<i64, _>("kind")? {
                        0 => InboxKind::InfoChange,
                        1 => InboxKind::MoveOut,
                        2 => InboxKind::MoveIn,
                        3 => InboxKind::Registration,
                        4 => InboxKind::JoinApplication,
                        5 => InboxKind::Report,
                        6 => InboxKind::Correction,
                        7 => InboxKind::TransferOut,
                        _ => InboxKind::TransferIn,
                    },
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    org_short_name: r.try_get("short_name")?,
                    org_full_name: r.try_get("full_name")?,
                    requested_at: r.try_get("requested_at")?,
                    requested_by_name: r.try_get("requester")?,
                    to_parent_full_name: r.try_get("to_parent")?,
                    person: person_of(r)?,
                })
            })
            .collect()
    }

    /// How many items wait for the admins of `org_id`: one query over five indexed counts,
    /// cheap enough for every page header.
    pub async fn inbox_count(&self, org_id: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM org_changes WHERE approver_org_id = $1 AND status = 'pending') \
             + (SELECT COUNT(*) FROM org_moves WHERE from_parent_id = $1 AND status = 'pending_old') \
             + (SELECT COUNT(*) FROM org_moves WHERE to_parent_id = $1 AND status = 'pending_new') \
             + (SELECT COUNT(*) FROM applications WHERE org_id = $1 AND status = 'pending') \
             + (SELECT COUNT(*) FROM corrections WHERE approver_org_id = $1 AND status = 'pending') \
             + (SELECT COUNT(*) FROM transfers WHERE from_org_id = $1 AND status = 'pending_out') \
             + (SELECT COUNT(*) FROM transfers WHERE to_org_id = $1 AND status = 'pending_in')",
        )
        .bind(org_id)
        .fetch_one(self.pool())
        .await?)
    }
}
