//! 组织迁移: requests to move an organisation (with its whole subtree) under a new parent, their
//! two approvals, and the move itself: one transaction, one UPDATE for the subtree.
//!
//! Who may apply or decide is the caller's business (`tuanjian_domain::authorize`); this module
//! keeps the request's state machine and re-checks the tree at every step, since it may have
//! changed between the request and the decision.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{OrgLevel, OrgPath};

use crate::audit::{self, Actor, AuditEntry};
use crate::orgs::{Org, org_from_row};
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveStatus {
    /// Waiting for the admin of the current (old) parent.
    PendingOld,
    /// Waiting for the admin of the new parent.
    PendingNew,
    /// Both approved: the organisation has moved.
    Approved,
    /// Returned with a comment by either parent.
    Returned,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Moved directly by a 团中央 admin.
    Moved,
}

impl MoveStatus {
    pub const ALL: [MoveStatus; 6] = [
        MoveStatus::PendingOld,
        MoveStatus::PendingNew,
        MoveStatus::Approved,
        MoveStatus::Returned,
        MoveStatus::Withdrawn,
        MoveStatus::Moved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MoveStatus::PendingOld => "pending_old",
            MoveStatus::PendingNew => "pending_new",
            MoveStatus::Approved => "approved",
            MoveStatus::Returned => "returned",
            MoveStatus::Withdrawn => "withdrawn",
            MoveStatus::Moved => "moved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MoveStatus::PendingOld => "待原直属上级审批",
            MoveStatus::PendingNew => "待迁入组织审批",
            MoveStatus::Approved => "审批通过，已迁移",
            MoveStatus::Returned => "已退回",
            MoveStatus::Withdrawn => "已撤回",
            MoveStatus::Moved => "团中央已直接迁移",
        }
    }

    /// Exactly a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == s)
    }

    /// Still waiting for a decision: the applicant may withdraw it.
    pub fn is_open(self) -> bool {
        matches!(self, MoveStatus::PendingOld | MoveStatus::PendingNew)
    }
}

/// A migration request with the names a reader needs.
#[derive(Debug, Clone, Serialize)]
pub struct OrgMove {
    pub id: i64,
    pub org_id: i64,
    pub org_short_name: String,
    pub org_full_name: String,
    pub from_parent_id: i64,
    pub from_parent_full_name: String,
    pub to_parent_id: i64,
    pub to_parent_full_name: String,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub requested_at: i64,
    pub status: MoveStatus,
    pub old_decided_at: Option<i64>,
    pub new_decided_at: Option<i64>,
    pub comment: Option<String>,
}

/// The select with its joins followed by a condition, as one static text.
macro_rules! move_query {
    ($tail:literal) => {
        concat!(
            "SELECT m.id, m.org_id, o.short_name AS org_short_name, o.full_name AS org_full_name, \
             m.from_parent_id, f.full_name AS from_parent_full_name, m.to_parent_id, t.full_name AS to_parent_full_name, \
             m.requested_by, p.name AS requested_by_name, m.requested_at, m.status, m.old_decided_at, m.new_decided_at, \
             m.comment FROM org_moves m JOIN orgs o ON o.id = m.org_id JOIN orgs f ON f.id = m.from_parent_id \
             JOIN orgs t ON t.id = m.to_parent_id JOIN people p ON p.id = m.requested_by ",
            $tail
        )
    };
}

fn move_from_row(r: &AnyRow) -> Result<OrgMove, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(OrgMove {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        org_short_name: r.try_get("org_short_name")?,
        org_full_name: r.try_get("org_full_name")?,
        from_parent_id: r.try_get("from_parent_id")?,
        from_parent_full_name: r.try_get("from_parent_full_name")?,
        to_parent_id: r.try_get("to_parent_id")?,
        to_parent_full_name: r.try_get("to_parent_full_name")?,
        requested_by: r.try_get("requested_by")?,
        requested_by_name: r.try_get("requested_by_name")?,
        requested_at: r.try_get("requested_at")?,
        status: MoveStatus::parse(&status).ok_or_else(|| {
            StoreError::Db(sqlx::Error::Decode(
                format!("unknown move status {status}").into(),
            ))
        })?,
        old_decided_at: r.try_get("old_decided_at")?,
        new_decided_at: r.try_get("new_decided_at")?,
        comment: r.try_get("comment")?,
    })
}

impl Store {
    pub async fn org_move(&self, id: i64) -> Result<OrgMove, StoreError> {
        let row = sqlx::query(move_query!("WHERE m.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        move_from_row(&row)
    }

    /// The organisation's requests and moves, newest first.
    pub async fn moves_of_org(&self, org_id: i64, limit: i64) -> Result<Vec<OrgMove>, StoreError> {
        let rows = sqlx::query(move_query!(
            "WHERE m.org_id = $1 ORDER BY m.requested_at DESC, m.id DESC LIMIT $2"
        ))
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(move_from_row).collect()
    }

    /// The request still waiting for a decision, if any (at most one per organisation).
    pub async fn open_move_of(&self, org_id: i64) -> Result<Option<OrgMove>, StoreError> {
        let row = sqlx::query(move_query!(
            "WHERE m.org_id = $1 AND m.status IN ('pending_old', 'pending_new') ORDER BY m.id DESC LIMIT 1"
        ))
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(move_from_row).transpose()
    }
}

fn conflict(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        code,
        message: message.into(),
    }
}

/// The message for a move across provinces asked by anyone but 团中央 (seed, question 2).
pub const ACROSS_PROVINCES: &str = "跨省组织迁移请省级团委管理员线下联系团中央，由团中央管理员办理";

/// Whether `org` may stand under `new_parent`: never under itself or a descendant, never at or
/// above provincial level, only where the kinds fit, and (unless `across_provinces`) only within
/// the same province or 系统团委.
pub fn check_move(org: &Org, new_parent: &Org, across_provinces: bool) -> Result<(), StoreError> {
    if org.level <= OrgLevel::Provincial {
        return Err(conflict(
            ErrorCode::OrgNotMovable,
            format!(
                "{}是{}，不能迁移；只有省级团委以下的组织可以迁移",
                org.full_name,
                org.level.label()
            ),
        ));
    }
    if new_parent.id == org.id {
        return Err(conflict(
            ErrorCode::MoveUnderItself,
            "不能把组织迁移到它自己下面，请选择其他组织作为新的直属上级",
        ));
    }
    if org.path.contains(&new_parent.path) {
        return Err(conflict(
            ErrorCode::MoveUnderDescendant,
            format!(
                "{}是本组织的下级组织，不能把组织迁移到自己的下级组织下面，请选择其他组织",
                new_parent.full_name
            ),
        ));
    }
    if org.parent_id == Some(new_parent.id) {
        return Err(conflict(
            ErrorCode::MoveSameParent,
            format!(
                "{}已经是本组织的直属上级，无需迁移；请选择新的直属上级",
                new_parent.full_name
            ),
        ));
    }
    if !across_provinces && new_parent.province_id != org.province_id {
        return Err(conflict(ErrorCode::MoveAcrossProvinces, ACROSS_PROVINCES));
    }
    new_parent
        .class()
        .may_hold(org.class())
        .map_err(|e| conflict(e.code(), format!("{e}。请选择其他组织作为新的直属上级")))
}

/// Moves that touch the tree run one at a time: taking a row lock on the root makes concurrent
/// moves queue on PostgreSQL (SQLite's BEGIN IMMEDIATE already does), so two moves can never
/// each pass the "not under a descendant" check against a tree the other is changing.
async fn serialize_moves(tx: &mut Tx) -> Result<(), StoreError> {
    sqlx::query("UPDATE orgs SET depth = depth WHERE parent_id IS NULL")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) async fn org_tx(tx: &mut Tx, id: i64) -> Result<Org, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        crate::org_columns!(),
        " FROM orgs WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    org_from_row(&row)
}

async fn move_tx(tx: &mut Tx, id: i64) -> Result<OrgMove, StoreError> {
    let row = sqlx::query(move_query!("WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    move_from_row(&row)
}

async fn open_move_id_tx(tx: &mut Tx, org_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM org_moves WHERE org_id = $1 AND status IN ('pending_old', 'pending_new') LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Where a subtree was and where it went.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    pub org_id: i64,
    pub before_path: String,
    pub after_path: String,
    pub before_parent_id: Option<i64>,
    pub after_parent_id: i64,
    pub before_province_id: Option<i64>,
    pub after_province_id: Option<i64>,
    /// Organisations moved: the organisation and all below it.
    pub subtree_size: u64,
}

/// Moves `org` and everything below it under `new_parent`. The caller has checked the move
/// (`check_move`) inside the same transaction.
async fn execute_move(
    tx: &mut Tx,
    actor: &Actor,
    move_id: i64,
    org: &Org,
    new_parent: &Org,
) -> Result<Moved, StoreError> {
    let new_path: OrgPath = new_parent.path.child(org.id);
    let (lo, hi) = org.path.subtree_range();
    let delta = new_path.depth() as i64 - org.path.depth() as i64;
    let old_len = org.path.as_str().chars().count() as i64;
    // Every path in the subtree starts with the old prefix: swap it for the new one.
    let subtree_size = sqlx::query(
        "UPDATE orgs SET path = CAST($1 AS TEXT) || substr(path, CAST($2 AS INTEGER)), depth = depth + $3 \
         WHERE path >= $4 AND path < $5",
    )
    .bind(new_path.as_str())
    .bind(old_len + 1)
    .bind(delta)
    .bind(&lo)
    .bind(&hi)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    // Members carry their branch's path (one index range per scope): they move with it.
    sqlx::query(
        "UPDATE members SET org_path = CAST($1 AS TEXT) || substr(org_path, CAST($2 AS INTEGER)) \
         WHERE org_path >= $3 AND org_path < $4",
    )
    .bind(new_path.as_str())
    .bind(old_len + 1)
    .bind(&lo)
    .bind(&hi)
    .execute(&mut **tx)
    .await?;
    // Transfers carry both sides' paths (the 办理转出/转入 lists are index ranges), and cadre
    // posts their organisation's (the statistics counters): they move too.
    for sql in [
        "UPDATE cadre_posts SET org_path = CAST($1 AS TEXT) || substr(org_path, CAST($2 AS INTEGER)) \
         WHERE org_path >= $3 AND org_path < $4",
        "UPDATE transfers SET from_path = CAST($1 AS TEXT) || substr(from_path, CAST($2 AS INTEGER)) \
         WHERE from_path >= $3 AND from_path < $4",
        "UPDATE transfers SET to_path = CAST($1 AS TEXT) || substr(to_path, CAST($2 AS INTEGER)) \
         WHERE to_path >= $3 AND to_path < $4",
    ] {
        sqlx::query(sql)
            .bind(new_path.as_str())
            .bind(old_len + 1)
            .bind(&lo)
            .bind(&hi)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE orgs SET parent_id = $1 WHERE id = $2")
        .bind(new_parent.id)
        .bind(org.id)
        .execute(&mut **tx)
        .await?;
    if new_parent.province_id != org.province_id || new_parent.xinjiang != org.xinjiang {
        // Across provinces (团中央 only): the subtree now belongs to the new province.
        let (lo, hi) = new_path.subtree_range();
        sqlx::query(
            "UPDATE orgs SET province_id = $1, xinjiang = $2 WHERE path >= $3 AND path < $4",
        )
        .bind(new_parent.province_id)
        .bind(i64::from(new_parent.xinjiang))
        .bind(&lo)
        .bind(&hi)
        .execute(&mut **tx)
        .await?;
    }
    // Other 号段 (and, across provinces, another 新疆 status) now bear on the moved members:
    // judge their stored records again, inside the move.
    crate::entry_faults::recheck_tx(
        tx,
        &crate::entry_faults::province_path(new_parent),
        &crate::entry_faults::RecheckTarget::subtree(&new_path),
        crate::entry_faults::beijing_today(),
    )
    .await?;
    // Info changes still waiting go to the new direct superior, who now decides them.
    sqlx::query(
        "UPDATE org_changes SET approver_org_id = $1 WHERE org_id = $2 AND status = 'pending'",
    )
    .bind(new_parent.id)
    .bind(org.id)
    .execute(&mut **tx)
    .await?;
    let moved = Moved {
        org_id: org.id,
        before_path: org.path.to_string(),
        after_path: new_path.to_string(),
        before_parent_id: org.parent_id,
        after_parent_id: new_parent.id,
        before_province_id: org.province_id,
        after_province_id: new_parent.province_id,
        subtree_size,
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.move")
            .target("org_move", move_id)
            .org(org.id)
            .before(serde_json::json!({
                "path": moved.before_path,
                "parent_id": moved.before_parent_id,
                "province_id": moved.before_province_id,
            }))
            .after(&moved),
    )
    .await?;
    Ok(moved)
}

/// Files a request by the organisation's own admin: status `pending_old`.
pub async fn apply_for_move(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    org_id: i64,
    to_parent_id: i64,
) -> Result<i64, StoreError> {
    serialize_moves(tx).await?;
    let org = org_tx(tx, org_id).await?;
    let new_parent = org_tx(tx, to_parent_id).await?;
    check_move(&org, &new_parent, false)?;
    if let Some(open) = open_move_id_tx(tx, org.id).await? {
        return Err(conflict(
            ErrorCode::MoveAlreadyOpen,
            format!(
                "本组织已有一个正在审批的迁移申请（编号 {open}），同一时间只能有一个；请等待审批结果，或先撤回该申请"
            ),
        ));
    }
    let from_parent_id = org
        .parent_id
        .ok_or_else(|| conflict(ErrorCode::OrgNotMovable, "团中央不能迁移"))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO org_moves (org_id, from_parent_id, to_parent_id, requested_by, requested_at, status) \
         VALUES ($1, $2, $3, $4, $5, 'pending_old') RETURNING id",
    )
    .bind(org.id)
    .bind(from_parent_id)
    .bind(new_parent.id)
    .bind(person_id)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.move.apply")
            .target("org_move", id)
            .org(org.id)
            .after(serde_json::json!({
                "from_parent_id": from_parent_id,
                "to_parent_id": new_parent.id,
                "status": MoveStatus::PendingOld.code(),
            })),
    )
    .await?;
    Ok(id)
}

/// Which approval a decision is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The current parent decides (`pending_old`).
    OldParent,
    /// The new parent decides (`pending_new`).
    NewParent,
}

impl Stage {
    pub fn of(status: MoveStatus) -> Option<Stage> {
        match status {
            MoveStatus::PendingOld => Some(Stage::OldParent),
            MoveStatus::PendingNew => Some(Stage::NewParent),
            _ => None,
        }
    }

    fn status(self) -> MoveStatus {
        match self {
            Stage::OldParent => MoveStatus::PendingOld,
            Stage::NewParent => MoveStatus::PendingNew,
        }
    }
}

fn not_pending(m: &OrgMove) -> StoreError {
    conflict(
        ErrorCode::MoveNotPending,
        format!(
            "该迁移申请当前状态为“{}”，不能再进行此操作；请刷新页面查看最新状态",
            m.status.label()
        ),
    )
}

/// A status update guarded by the expected status changed nothing: someone decided first.
fn changed(rows: u64, m: &OrgMove) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(conflict(
            ErrorCode::MoveNotPending,
            format!("申请编号 {} 刚刚已被他人处理，请刷新页面查看最新状态", m.id),
        ))
    }
}

/// Re-reads the request and checks it still waits at `stage` and that the tree still allows it.
async fn recheck(
    tx: &mut Tx,
    move_id: i64,
    stage: Stage,
) -> Result<(OrgMove, Org, Org), StoreError> {
    let m = move_tx(tx, move_id).await?;
    if m.status != stage.status() {
        return Err(not_pending(&m));
    }
    let org = org_tx(tx, m.org_id).await?;
    let new_parent = org_tx(tx, m.to_parent_id).await?;
    Ok((m, org, new_parent))
}

fn still_valid(m: &OrgMove, org: &Org, new_parent: &Org) -> Result<(), StoreError> {
    if org.parent_id != Some(m.from_parent_id) {
        return Err(conflict(
            ErrorCode::MoveStale,
            "申请提交后，该组织的直属上级已经变化，此申请不能再通过；请退回，由本组织重新申请",
        ));
    }
    check_move(org, new_parent, false).map_err(|e| match e {
        StoreError::Conflict { code, message } => StoreError::Conflict {
            code,
            message: format!(
                "组织结构在申请提交后发生了变化，此申请不能通过：{message}。请退回该申请"
            ),
        },
        other => other,
    })
}

/// Approves at `stage`: the old parent passes it on to the new parent; the new parent's approval
/// moves the subtree. Returns the move when it executed.
pub async fn approve_move(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    move_id: i64,
    stage: Stage,
    comment: Option<&str>,
) -> Result<Option<Moved>, StoreError> {
    serialize_moves(tx).await?;
    let (m, org, new_parent) = recheck(tx, move_id, stage).await?;
    still_valid(&m, &org, &new_parent)?;
    let at = now();
    let moved = match stage {
        Stage::OldParent => {
            let updated = sqlx::query(
                "UPDATE org_moves SET status = 'pending_new', old_decided_by = $1, old_decided_at = $2, \
                 comment = COALESCE($3, comment) WHERE id = $4 AND status = 'pending_old'",
            )
            .bind(person_id)
            .bind(at)
            .bind(comment)
            .bind(move_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            changed(updated, &m)?;
            None
        }
        Stage::NewParent => {
            let updated = sqlx::query(
                "UPDATE org_moves SET status = 'approved', new_decided_by = $1, new_decided_at = $2, \
                 comment = COALESCE($3, comment) WHERE id = $4 AND status = 'pending_new'",
            )
            .bind(person_id)
            .bind(at)
            .bind(comment)
            .bind(move_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            changed(updated, &m)?;
            Some(execute_move(tx, actor, move_id, &org, &new_parent).await?)
        }
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new(match stage {
            Stage::OldParent => "org.move.approve_old",
            Stage::NewParent => "org.move.approve_new",
        })
        .target("org_move", move_id)
        .org(m.org_id)
        .before(serde_json::json!({ "status": m.status.code() }))
        .after(serde_json::json!({
            "status": if moved.is_some() { "approved" } else { "pending_new" },
            "comment": comment,
        })),
    )
    .await?;
    Ok(moved)
}

/// Returns the request at `stage` with a comment (the caller requires one).
pub async fn return_move(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    move_id: i64,
    stage: Stage,
    comment: &str,
) -> Result<(), StoreError> {
    let (m, _, _) = recheck(tx, move_id, stage).await?;
    let sql = match stage {
        Stage::OldParent => {
            "UPDATE org_moves SET status = 'returned', old_decided_by = $1, old_decided_at = $2, comment = $3 WHERE id = $4 AND status = 'pending_old'"
        }
        Stage::NewParent => {
            "UPDATE org_moves SET status = 'returned', new_decided_by = $1, new_decided_at = $2, comment = $3 WHERE id = $4 AND status = 'pending_new'"
        }
    };
    let updated = sqlx::query(sql)
        .bind(person_id)
        .bind(now())
        .bind(comment)
        .bind(move_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    changed(updated, &m)?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.move.return")
            .target("org_move", move_id)
            .org(m.org_id)
            .before(serde_json::json!({ "status": m.status.code() }))
            .after(serde_json::json!({ "status": "returned", "comment": comment })),
    )
    .await
}

/// The applicant takes back a request still waiting for a decision.
pub async fn withdraw_move(tx: &mut Tx, actor: &Actor, move_id: i64) -> Result<(), StoreError> {
    let m = move_tx(tx, move_id).await?;
    if !m.status.is_open() {
        return Err(not_pending(&m));
    }
    let updated = sqlx::query(
        "UPDATE org_moves SET status = 'withdrawn' WHERE id = $1 AND status IN ('pending_old', 'pending_new')",
    )
    .bind(move_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    changed(updated, &m)?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.move.withdraw")
            .target("org_move", move_id)
            .org(m.org_id)
            .before(serde_json::json!({ "status": m.status.code() }))
            .after(serde_json::json!({ "status": "withdrawn" })),
    )
    .await
}

/// A 团中央 admin moves the organisation at once, across provinces too. Requests still open for
/// it are returned, since the tree they were made against is gone.
pub async fn move_directly(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    org_id: i64,
    to_parent_id: i64,
) -> Result<(i64, Moved), StoreError> {
    serialize_moves(tx).await?;
    let org = org_tx(tx, org_id).await?;
    let new_parent = org_tx(tx, to_parent_id).await?;
    check_move(&org, &new_parent, true)?;
    let from_parent_id = org
        .parent_id
        .ok_or_else(|| conflict(ErrorCode::OrgNotMovable, "团中央不能迁移"))?;
    let at = now();
    sqlx::query(
        "UPDATE org_moves SET status = 'returned', comment = '团中央管理员已直接办理该组织的迁移，此申请自动退回' \
         WHERE org_id = $1 AND status IN ('pending_old', 'pending_new')",
    )
    .bind(org.id)
    .execute(&mut **tx)
    .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO org_moves (org_id, from_parent_id, to_parent_id, requested_by, requested_at, status, \
         new_decided_by, new_decided_at) VALUES ($1, $2, $3, $4, $5, 'moved', $4, $5) RETURNING id",
    )
    .bind(org.id)
    .bind(from_parent_id)
    .bind(new_parent.id)
    .bind(person_id)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    let moved = execute_move(tx, actor, id, &org, &new_parent).await?;
    Ok((id, moved))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tuanjian_domain::OrgKind;

    #[test]
    fn every_stored_status_round_trips() {
        for s in MoveStatus::ALL {
            assert_eq!(MoveStatus::parse(s.code()), Some(s));
        }
        let literals = crate::test_support::sql_literals(include_str!("org_moves.rs"), "status");
        assert!(!literals.is_empty());
        for v in literals {
            // One statement here updates `org_changes` (its approver follows the move).
            let of_changes = v == crate::org_changes::ChangeStatus::Pending.code();
            assert!(MoveStatus::parse(v).is_some() || of_changes, "{v}");
        }
    }

    fn org(path: &str, level: OrgLevel, kind: OrgKind, province: i64) -> Org {
        let path = OrgPath::parse(path).unwrap();
        Org {
            id: path.id(),
            parent_id: path.parent_id(),
            path,
            level,
            kind,
            short_name: "简称".into(),
            full_name: "全称".into(),
            province_id: Some(province),
            xinjiang: false,
            created_at: 0,
        }
    }

    fn code(r: Result<(), StoreError>) -> &'static str {
        match r {
            Ok(()) => "ok",
            Err(StoreError::Conflict { code, .. }) => code.as_str(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn moves_are_checked() {
        use OrgKind::*;
        use OrgLevel::*;
        let province = org("/1/2/", Provincial, Committee, 2);
        let other_province = org("/1/3/", Provincial, Committee, 3);
        let city = org("/1/2/10/", Municipal, Committee, 2);
        let city2 = org("/1/2/11/", Municipal, Committee, 2);
        let county = org("/1/2/10/20/", County, Committee, 2);
        let school = org("/1/2/10/20/30/", Grassroots, Committee, 2);
        let branch = org("/1/2/11/40/", Grassroots, Branch, 2);
        let other_city = org("/1/3/50/", Municipal, Committee, 3);
        assert_eq!(code(check_move(&county, &city2, false)), "ok");
        assert_eq!(code(check_move(&school, &city2, false)), "ok");
        assert_eq!(code(check_move(&school, &province, false)), "ok");
        assert_eq!(
            code(check_move(&county, &county, false)),
            "move_under_itself"
        );
        assert_eq!(
            code(check_move(&county, &school, false)),
            "move_under_descendant"
        );
        assert_eq!(code(check_move(&county, &city, false)), "move_same_parent");
        assert_eq!(
            code(check_move(&county, &other_city, false)),
            "move_across_provinces"
        );
        assert_eq!(code(check_move(&county, &other_city, true)), "ok");
        assert_eq!(
            code(check_move(&school, &branch, false)),
            "org_kind_not_allowed"
        );
        assert_eq!(
            code(check_move(&county, &province, false)),
            "org_kind_not_allowed"
        );
        assert_eq!(
            code(check_move(&city, &other_province, true)),
            "ok",
            "a city may go under another province (团中央)"
        );
        assert_eq!(
            code(check_move(&province, &other_province, true)),
            "org_not_movable"
        );
    }
}
