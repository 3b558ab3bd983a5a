//! Changes of an organisation's information (seed, question 7). What its own admin changes in
//! a filled field waits here for the direct superior's admin; what fills an empty field, and
//! whatever the direct superior changes, takes effect at once and is recorded here as applied.
//! Every row is part of the organisation's history.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::org_info::industry;
use tuanjian_domain::{IdNumber, OrgClass, OrgInfo, OrgKind};

use crate::audit::{self, Actor, AuditEntry};
use crate::org_columns;
use crate::org_info::{
    SecretaryInput, org_info_tx, refresh_completeness, rename_org, set_secretary, write_info_fields,
};
use crate::orgs::{Org, Page, PageRequest, org_from_row};
use crate::people::person_by_id_number_tx;
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    /// Asked for by the organisation's own admin, waiting for the direct superior.
    Pending,
    Approved,
    Returned,
    /// Took effect at once: made by the direct superior, or filling empty fields.
    Applied,
    Withdrawn,
}

impl ChangeStatus {
    pub const ALL: [ChangeStatus; 5] = [
        ChangeStatus::Pending,
        ChangeStatus::Approved,
        ChangeStatus::Returned,
        ChangeStatus::Applied,
        ChangeStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "pending",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Returned => "returned",
            ChangeStatus::Applied => "applied",
            ChangeStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChangeStatus::Pending => "待上级审批",
            ChangeStatus::Approved => "审批通过",
            ChangeStatus::Returned => "已退回",
            ChangeStatus::Applied => "已直接生效",
            ChangeStatus::Withdrawn => "已撤回",
        }
    }

    /// Exactly a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Every field a change may touch, with its Chinese label, in form order.
pub const FIELDS: &[(&str, &str)] = &[
    ("short_name", "组织简称"),
    ("full_name", "组织全称"),
    ("kind", "组织类别"),
    ("industry", "单位所属行业类别"),
    ("phone", "联系电话"),
    ("email", "电子邮箱"),
    ("admin_staff_quota", "行政编制数"),
    ("admin_staff_actual", "行政编制实际配备数"),
    ("career_staff_quota", "事业编制数"),
    ("career_staff_actual", "事业编制实际配备数"),
    ("secretary_name", "书记姓名"),
    ("secretary_id_number", "书记身份证号码"),
    ("secretary_phone", "书记手机号码"),
];

/// The organisation's identity: its own admin may ask to change these like any other field
/// (seed, question 7: every change of the own admin waits for the superior), but the root,
/// which has nobody to approve, cannot change them itself.
pub const IDENTITY_FIELDS: [&str; 4] = ["short_name", "full_name", "kind", "industry"];

pub fn field_label(key: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, l)| *l)
}

/// Values of the fields a change sets (`None`: not part of it). Also used for a snapshot of the
/// current values. Kind and industry are codes; the 书记 is always three fields together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InfoChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_staff_quota: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_staff_actual: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub career_staff_quota: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub career_staff_actual: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secretary_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secretary_id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secretary_phone: Option<String>,
}

impl InfoChanges {
    /// Every field's current value, from the organisation and its information.
    pub fn current(org: &Org, info: &OrgInfo) -> Self {
        let info = info.clone();
        InfoChanges {
            short_name: Some(org.short_name.clone()),
            full_name: Some(org.full_name.clone()),
            kind: Some(org.kind.code().to_string()),
            industry: info.industry,
            phone: info.phone,
            email: info.email,
            admin_staff_quota: info.admin_staff_quota,
            admin_staff_actual: info.admin_staff_actual,
            career_staff_quota: info.career_staff_quota,
            career_staff_actual: info.career_staff_actual,
            secretary_name: info.secretary_name,
            secretary_id_number: info.secretary_id_number,
            secretary_phone: info.secretary_phone,
        }
    }
}

const SECRETARY_KEYS: [&str; 3] = ["secretary_name", "secretary_id_number", "secretary_phone"];

impl InfoChanges {
    /// The stored value of a field as text (codes for kind and industry, the full ID number).
    pub fn get(&self, key: &str) -> Option<String> {
        let count = |v: Option<i64>| v.map(|n| n.to_string());
        match key {
            "short_name" => self.short_name.clone(),
            "full_name" => self.full_name.clone(),
            "kind" => self.kind.clone(),
            "industry" => self.industry.clone(),
            "phone" => self.phone.clone(),
            "email" => self.email.clone(),
            "admin_staff_quota" => count(self.admin_staff_quota),
            "admin_staff_actual" => count(self.admin_staff_actual),
            "career_staff_quota" => count(self.career_staff_quota),
            "career_staff_actual" => count(self.career_staff_actual),
            "secretary_name" => self.secretary_name.clone(),
            "secretary_id_number" => self.secretary_id_number.clone(),
            "secretary_phone" => self.secretary_phone.clone(),
            _ => None,
        }
        .filter(|s| !s.trim().is_empty())
    }

    /// The value as people read it: labels for kind and industry, a masked ID number.
    pub fn display(&self, key: &str) -> Option<String> {
        let raw = self.get(key)?;
        Some(match key {
            "kind" => {
                OrgKind::parse(&raw).map_or(raw, |k| format!("{}（{}）", k.label(), k.code()))
            }
            "industry" => industry(&raw).map_or(raw, |i| i.label.to_string()),
            "secretary_id_number" => {
                IdNumber::parse(&raw).map_or_else(|_| "******".to_string(), |n| n.masked())
            }
            _ => raw,
        })
    }

    /// Keys of the fields set, in form order.
    pub fn keys(&self) -> Vec<&'static str> {
        FIELDS
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| self.get(k).is_some())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.keys().is_empty()
    }

    fn has_secretary(&self) -> bool {
        SECRETARY_KEYS.iter().any(|k| self.get(k).is_some())
    }

    fn take_field(&mut self, from: &InfoChanges, key: &str) {
        match key {
            "short_name" => self.short_name = from.short_name.clone(),
            "full_name" => self.full_name = from.full_name.clone(),
            "kind" => self.kind = from.kind.clone(),
            "industry" => self.industry = from.industry.clone(),
            "phone" => self.phone = from.phone.clone(),
            "email" => self.email = from.email.clone(),
            "admin_staff_quota" => self.admin_staff_quota = from.admin_staff_quota,
            "admin_staff_actual" => self.admin_staff_actual = from.admin_staff_actual,
            "career_staff_quota" => self.career_staff_quota = from.career_staff_quota,
            "career_staff_actual" => self.career_staff_actual = from.career_staff_actual,
            "secretary_name" => self.secretary_name = from.secretary_name.clone(),
            "secretary_id_number" => self.secretary_id_number = from.secretary_id_number.clone(),
            "secretary_phone" => self.secretary_phone = from.secretary_phone.clone(),
            _ => {}
        }
    }

    fn take_secretary(&mut self, from: &InfoChanges) {
        for k in SECRETARY_KEYS {
            self.take_field(from, k);
        }
    }

    /// Adds every field `other` sets.
    pub fn merge(&mut self, other: &InfoChanges) {
        for k in other.keys() {
            self.take_field(other, k);
        }
    }
}

/// Splits what the organisation's own admin entered into what fills an empty field (effective
/// at once) and what changes a filled one (waits for approval). Unchanged values drop out.
/// The 书记 counts as one field: a new 书记 where there was none fills; so does a mobile number
/// added to the same 书记; any other change of the 书记 waits.
pub fn split_fills(current: &InfoChanges, desired: &InfoChanges) -> (InfoChanges, InfoChanges) {
    let mut fills = InfoChanges::default();
    let mut changes = InfoChanges::default();
    for key in desired.keys() {
        if SECRETARY_KEYS.contains(&key) {
            continue;
        }
        match current.get(key) {
            Some(now) if Some(&now) == desired.get(key).as_ref() => {}
            Some(_) => changes.take_field(desired, key),
            None => fills.take_field(desired, key),
        }
    }
    if desired.has_secretary() && secretary_differs(current, desired) {
        let same_person = current.get("secretary_id_number") == desired.get("secretary_id_number")
            && current.get("secretary_name") == desired.get("secretary_name");
        if current.get("secretary_id_number").is_none()
            || (same_person && current.get("secretary_phone").is_none())
        {
            fills.take_secretary(desired);
        } else {
            changes.take_secretary(desired);
        }
    }
    (fills, changes)
}

/// What the direct superior entered that differs from the current values.
pub fn diff(current: &InfoChanges, desired: &InfoChanges) -> InfoChanges {
    let mut out = InfoChanges::default();
    for key in desired.keys() {
        if !SECRETARY_KEYS.contains(&key) && current.get(key) != desired.get(key) {
            out.take_field(desired, key);
        }
    }
    if desired.has_secretary() && secretary_differs(current, desired) {
        out.take_secretary(desired);
    }
    out
}

fn secretary_differs(current: &InfoChanges, desired: &InfoChanges) -> bool {
    SECRETARY_KEYS
        .iter()
        .any(|k| current.get(k) != desired.get(k))
}

/// One line of a change as shown: field, value before, value after.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeRow {
    pub field: &'static str,
    pub label: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrgChange {
    pub id: i64,
    pub org_id: i64,
    pub approver_org_id: Option<i64>,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub requested_at: i64,
    pub before: InfoChanges,
    pub changes: InfoChanges,
    pub status: ChangeStatus,
    pub decided_by: Option<i64>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub comment: Option<String>,
}

impl OrgChange {
    /// The fields this change sets whose value differs from before (the 书记's unchanged parts
    /// are left out), as people read them.
    pub fn rows(&self) -> Vec<ChangeRow> {
        self.changes
            .keys()
            .into_iter()
            .filter_map(|k| {
                let before = self.before.display(k);
                let after = self.changes.display(k);
                (before != after).then_some(ChangeRow {
                    field: k,
                    label: field_label(k),
                    before,
                    after,
                })
            })
            .collect()
    }
}

macro_rules! change_select {
    () => {
        "SELECT c.id, c.org_id, c.approver_org_id, c.requested_by, r.name AS requested_by_name, \
         c.requested_at, c.before_json, c.changes_json, c.status, c.decided_by, \
         d.name AS decided_by_name, c.decided_at, c.comment FROM org_changes c \
         JOIN people r ON r.id = c.requested_by LEFT JOIN people d ON d.id = c.decided_by "
    };
}

fn change_from_row(row: &AnyRow) -> Result<OrgChange, StoreError> {
    let corrupt = |what: String| StoreError::Db(sqlx::Error::Decode(what.into()));
    let json = |col: &str| -> Result<InfoChanges, StoreError> {
        let text: String = row.try_get(col)?;
        serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))
    };
    let status: String = row.try_get("status")?;
    Ok(OrgChange {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        approver_org_id: row.try_get("approver_org_id")?,
        requested_by: row.try_get("requested_by")?,
        requested_by_name: row.try_get("requested_by_name")?,
        requested_at: row.try_get("requested_at")?,
        before: json("before_json")?,
        changes: json("changes_json")?,
        status: ChangeStatus::parse(&status)
            .ok_or_else(|| corrupt(format!("unknown change status {status}")))?,
        decided_by: row.try_get("decided_by")?,
        decided_by_name: row.try_get("decided_by_name")?,
        decided_at: row.try_get("decided_at")?,
        comment: row.try_get("comment")?,
    })
}

pub use crate::org_audit::OrgAuditEntry;

impl Store {
    /// The organisation's pending change request, if any (there is at most one).
    pub async fn pending_change(&self, org_id: i64) -> Result<Option<OrgChange>, StoreError> {
        let row = sqlx::query(concat!(
            change_select!(),
            "WHERE c.org_id = $1 AND c.status = 'pending' ORDER BY c.id DESC LIMIT 1"
        ))
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(change_from_row).transpose()
    }

    /// One change of `org_id`; `NotFound` when the id belongs to another organisation.
    pub async fn org_change(&self, org_id: i64, change_id: i64) -> Result<OrgChange, StoreError> {
        let row = sqlx::query(concat!(
            change_select!(),
            "WHERE c.id = $1 AND c.org_id = $2"
        ))
        .bind(change_id)
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
        change_from_row(&row)
    }

    /// Every change of the organisation, newest first, paged.
    pub async fn org_changes(
        &self,
        org_id: i64,
        req: PageRequest,
    ) -> Result<Page<OrgChange>, StoreError> {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM org_changes WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(self.pool())
            .await?;
        let rows = sqlx::query(concat!(
            change_select!(),
            "WHERE c.org_id = $1 ORDER BY c.requested_at DESC, c.id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(org_id)
        .bind(req.per_page)
        .bind(req.offset())
        .fetch_all(self.pool())
        .await?;
        Ok(Page {
            items: rows.iter().map(change_from_row).collect::<Result<_, _>>()?,
            total,
            page: req.page,
            per_page: req.per_page,
        })
    }
}

/// Reads the organisation inside the transaction, after taking its row lock, so two changes of
/// one organisation queue (SQLite's BEGIN IMMEDIATE already serialises writers).
async fn lock_org(tx: &mut Tx, org_id: i64) -> Result<Org, StoreError> {
    let locked = sqlx::query("UPDATE orgs SET info_complete = info_complete WHERE id = $1")
        .bind(org_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if locked == 0 {
        return Err(StoreError::NotFound);
    }
    org_tx(tx, org_id).await
}

pub(crate) async fn org_tx(tx: &mut Tx, org_id: i64) -> Result<Org, StoreError> {
    let row = sqlx::query(concat!(
        "SELECT ",
        org_columns!(),
        " FROM orgs WHERE id = $1"
    ))
    .bind(org_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    org_from_row(&row)
}

/// The current values of every field a change may touch, read inside the transaction.
pub async fn snapshot(tx: &mut Tx, org: &Org) -> Result<InfoChanges, StoreError> {
    let info = org_info_tx(tx, org.id).await?;
    Ok(InfoChanges::current(org, &info))
}

fn conflict(code: ErrorCode, message: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        code,
        message: message.into(),
    }
}

/// Changes the 组织类别 (the direct superior's power; checked by the caller). The new kind must
/// fit under the parent and hold every child, and a branch with members stays a branch.
pub async fn change_kind(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    kind: OrgKind,
) -> Result<Org, StoreError> {
    if kind == org.kind {
        return Ok(org.clone());
    }
    check_kind_change(tx, org, kind).await?;
    sqlx::query("UPDATE orgs SET kind = $1 WHERE id = $2")
        .bind(kind.code())
        .bind(org.id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("org.kind")
            .target("org", org.id)
            .org(org.id)
            .before(serde_json::json!({ "kind": org.kind.code() }))
            .after(serde_json::json!({ "kind": kind.code() })),
    )
    .await?;
    Ok(Org {
        kind,
        ..org.clone()
    })
}

/// Whether `org` may become `kind` now: under its parent, over its children, and with its
/// members (a branch with members stays a branch). Nothing is written.
async fn check_kind_change(tx: &mut Tx, org: &Org, kind: OrgKind) -> Result<(), StoreError> {
    let new = OrgClass {
        level: org.level,
        kind,
    };
    let rule = |e: tuanjian_domain::OrgRuleError| conflict(e.code(), e.to_string());
    if let Some(parent_id) = org.parent_id {
        let parent = org_tx(tx, parent_id).await?;
        parent.class().may_hold(new).map_err(rule)?;
    }
    let child_classes = sqlx::query("SELECT DISTINCT level, kind FROM orgs WHERE parent_id = $1")
        .bind(org.id)
        .fetch_all(&mut **tx)
        .await?;
    for r in &child_classes {
        let level: String = r.try_get("level")?;
        let child_kind: String = r.try_get("kind")?;
        let (Ok(level), Ok(child_kind)) = (
            tuanjian_domain::OrgLevel::parse(&level),
            OrgKind::parse(&child_kind),
        ) else {
            continue;
        };
        new.may_hold(OrgClass {
            level,
            kind: child_kind,
        })
        .map_err(|e| {
            conflict(
                ErrorCode::OrgKindChildren,
                format!("现有下级组织不符合新的组织类别：{e}。请先迁移或删除这些下级组织"),
            )
        })?;
    }
    if org.kind.is_branch() && !kind.is_branch() {
        let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE org_id = $1")
            .bind(org.id)
            .fetch_one(&mut **tx)
            .await?;
        if members > 0 {
            return Err(conflict(
                ErrorCode::BranchHasMembers,
                format!(
                    "该团支部有 {members} 名团员，团员只能属于团支部，不能改为{}；请先将团员转出",
                    kind.label()
                ),
            ));
        }
    }
    Ok(())
}

/// The identity fields of a request as they would apply now: the new kind fits, the new full
/// name is free. Checked when the own admin asks (so an impossible request is refused at
/// once) and again by `apply_changes` when the superior approves.
async fn check_identity(tx: &mut Tx, org: &Org, ch: &InfoChanges) -> Result<(), StoreError> {
    if let Some(code) = ch.get("kind") {
        let kind = OrgKind::parse(&code).map_err(|e| conflict(e.code(), e.to_string()))?;
        if kind != org.kind {
            check_kind_change(tx, org, kind).await?;
        }
    }
    if let Some(full) = ch.get("full_name") {
        let key = tuanjian_domain::text::comparison_key(&full);
        if let Some(holder) = crate::orgs::name_holder(tx, &full, &key, Some(org.id)).await? {
            return Err(crate::orgs::name_taken(&full, &holder));
        }
    }
    Ok(())
}

/// Refuses a 书记 whose ID number is in the system under another name: checked when the
/// request is made, not only when it is approved.
async fn check_secretary_name(tx: &mut Tx, ch: &InfoChanges) -> Result<(), StoreError> {
    let (Some(name), Some(id)) = (ch.get("secretary_name"), ch.get("secretary_id_number")) else {
        return Ok(());
    };
    let id = IdNumber::parse(&id).map_err(|e| conflict(e.code(), e.to_string()))?;
    match person_by_id_number_tx(tx, &id).await? {
        Some(p) if p.name != name => Err(conflict(
            ErrorCode::SecretaryNameMismatch,
            crate::org_info::secretary_mismatch_message(&id, &name),
        )),
        _ => Ok(()),
    }
}

/// Applies validated values to the organisation inside `tx`, with the audit records of each
/// part, and refreshes completeness. Who may change what is the caller's decision.
pub async fn apply_changes(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    ch: &InfoChanges,
) -> Result<Org, StoreError> {
    let mut org = org.clone();
    if let Some(code) = ch.get("kind") {
        let kind = OrgKind::parse(&code).map_err(|e| conflict(e.code(), e.to_string()))?;
        org = change_kind(tx, actor, &org, kind).await?;
    }
    let short = ch.get("short_name");
    let full = ch.get("full_name");
    if short.is_some() || full.is_some() {
        let short = short.unwrap_or_else(|| org.short_name.clone());
        let full = full.unwrap_or_else(|| org.full_name.clone());
        rename_org(tx, actor, &org, &short, &full).await?;
        org.short_name = short;
        org.full_name = full;
    }
    let mut info = org_info_tx(tx, org.id).await?;
    let school_before = info.industry_is_school();
    let own_fields = [
        "industry",
        "phone",
        "email",
        "admin_staff_quota",
        "admin_staff_actual",
        "career_staff_quota",
        "career_staff_actual",
    ];
    if own_fields.iter().any(|k| ch.get(k).is_some()) {
        if ch.industry.is_some() {
            info.industry = ch.industry.clone();
        }
        if ch.phone.is_some() {
            info.phone = ch.phone.clone();
        }
        if ch.email.is_some() {
            info.email = ch.email.clone();
        }
        info.admin_staff_quota = ch.admin_staff_quota.or(info.admin_staff_quota);
        info.admin_staff_actual = ch.admin_staff_actual.or(info.admin_staff_actual);
        info.career_staff_quota = ch.career_staff_quota.or(info.career_staff_quota);
        info.career_staff_actual = ch.career_staff_actual.or(info.career_staff_actual);
        write_info_fields(tx, actor, &org, &info).await?;
    }
    if let (Some(name), Some(id), Some(mobile)) = (
        ch.get("secretary_name"),
        ch.get("secretary_id_number"),
        ch.get("secretary_phone"),
    ) {
        let id_number = IdNumber::parse(&id).map_err(|e| conflict(e.code(), e.to_string()))?;
        set_secretary(
            tx,
            actor,
            &org,
            &SecretaryInput {
                name,
                id_number,
                mobile,
            },
        )
        .await?;
    }
    refresh_completeness(tx, &org).await?;
    // Whether a child is an independent school depends on its parent's industry.
    if info.industry_is_school() != school_before {
        let children = sqlx::query(concat!(
            "SELECT ",
            org_columns!(),
            " FROM orgs WHERE parent_id = $1"
        ))
        .bind(org.id)
        .fetch_all(&mut **tx)
        .await?;
        for row in &children {
            refresh_completeness(tx, &org_from_row(row)?).await?;
        }
    }
    Ok(org)
}

async fn insert_change(
    tx: &mut Tx,
    actor: &Actor,
    org: &Org,
    before: &InfoChanges,
    changes: &InfoChanges,
    status: ChangeStatus,
) -> Result<i64, StoreError> {
    let person = actor.person_id.ok_or(StoreError::Unsupported(
        "组织信息修改必须由登录的管理员办理",
    ))?;
    let at = now();
    let decided = status != ChangeStatus::Pending;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO org_changes (org_id, approver_org_id, requested_by, requested_at, before_json, \
         changes_json, status, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(org.id)
    .bind(org.parent_id)
    .bind(person)
    .bind(at)
    .bind(serde_json::to_string(before).unwrap_or_default())
    .bind(serde_json::to_string(changes).unwrap_or_default())
    .bind(status.code())
    .bind(decided.then_some(person))
    .bind(decided.then_some(at))
    .fetch_one(&mut **tx)
    .await?;
    let action = if decided {
        "org_change.apply"
    } else {
        "org_change.request"
    };
    audit::record(
        tx,
        actor,
        AuditEntry::new(action)
            .target("org_change", id)
            .org(org.id)
            .after(changes),
    )
    .await?;
    Ok(id)
}

/// What a submission did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Submitted {
    /// Keys of the fields that took effect at once.
    pub applied: Vec<&'static str>,
    /// The history row of what took effect at once.
    pub applied_change_id: Option<i64>,
    /// Keys of the fields waiting for approval.
    pub pending: Vec<&'static str>,
    pub pending_change_id: Option<i64>,
}

/// The organisation's own admin submits values: those filling an empty field take effect at
/// once, those changing a filled field become one pending request for the direct superior.
/// An organisation without a superior (the root) has nobody to wait for: all takes effect.
pub async fn submit_own(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    desired: &InfoChanges,
) -> Result<Submitted, StoreError> {
    let org = lock_org(tx, org_id).await?;
    let current = snapshot(tx, &org).await?;
    let (mut fills, mut changes) = split_fills(&current, desired);
    if org.parent_id.is_none()
        && let Some(key) = IDENTITY_FIELDS
            .into_iter()
            .find(|k| fills.get(k).is_some() || changes.get(k).is_some())
    {
        return Err(conflict(
            ErrorCode::FieldNotEditable,
            format!(
                "{}不能由本组织修改：本组织没有上级组织，无人审批这类修改",
                field_label(key)
            ),
        ));
    }
    check_identity(tx, &org, &fills).await?;
    check_identity(tx, &org, &changes).await?;
    if org.parent_id.is_none() {
        fills.merge(&changes);
        changes = InfoChanges::default();
    }
    let mut out = Submitted::default();
    if !changes.is_empty() {
        if let Some(id) = pending_id_tx(tx, org.id).await? {
            return Err(conflict(
                ErrorCode::ChangePending,
                format!(
                    "本组织已有一份待上级审批的信息修改申请（编号 {id}），一次只能有一份；请等待直属上级组织审批，或撤回该申请后重新提交"
                ),
            ));
        }
        check_secretary_name(tx, &changes).await?;
    }
    if !fills.is_empty() {
        apply_changes(tx, actor, &org, &fills).await?;
        out.applied = fills.keys();
        out.applied_change_id =
            Some(insert_change(tx, actor, &org, &current, &fills, ChangeStatus::Applied).await?);
    }
    if !changes.is_empty() {
        out.pending = changes.keys();
        out.pending_change_id =
            Some(insert_change(tx, actor, &org, &current, &changes, ChangeStatus::Pending).await?);
    }
    Ok(out)
}

/// The direct superior's admin changes values: everything takes effect at once.
pub async fn apply_by_superior(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    desired: &InfoChanges,
) -> Result<Submitted, StoreError> {
    let org = lock_org(tx, org_id).await?;
    let current = snapshot(tx, &org).await?;
    let changes = diff(&current, desired);
    if changes.is_empty() {
        return Ok(Submitted::default());
    }
    apply_changes(tx, actor, &org, &changes).await?;
    Ok(Submitted {
        applied: changes.keys(),
        applied_change_id: Some(
            insert_change(tx, actor, &org, &current, &changes, ChangeStatus::Applied).await?,
        ),
        ..Submitted::default()
    })
}

async fn pending_id_tx(tx: &mut Tx, org_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM org_changes WHERE org_id = $1 AND status = 'pending' ORDER BY id LIMIT 1",
    )
    .bind(org_id)
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The direct superior approves: the changes take effect.
    Approve,
    /// The direct superior returns it with a comment: nothing changes.
    Return,
    /// The organisation's own admin takes it back.
    Withdraw,
}

impl Decision {
    fn status(self) -> ChangeStatus {
        match self {
            Decision::Approve => ChangeStatus::Approved,
            Decision::Return => ChangeStatus::Returned,
            Decision::Withdraw => ChangeStatus::Withdrawn,
        }
    }

    fn action(self) -> &'static str {
        match self {
            Decision::Approve => "org_change.approve",
            Decision::Return => "org_change.return",
            Decision::Withdraw => "org_change.withdraw",
        }
    }
}

/// Decides a pending request of `org_id`. Approving applies the changes in the same
/// transaction; if they no longer apply (a 书记's name now conflicts …) the error leaves the
/// request pending once the caller drops the transaction. A decided request stays decided.
pub async fn decide(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    change_id: i64,
    decision: Decision,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    let org = lock_org(tx, org_id).await?;
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT status, changes_json FROM org_changes WHERE id = $1 AND org_id = $2",
    )
    .bind(change_id)
    .bind(org_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (status, changes_json) = row.ok_or(StoreError::NotFound)?;
    let status = ChangeStatus::parse(&status).ok_or(StoreError::Broken(
        "org_changes.status holds an unknown value",
    ))?;
    if status != ChangeStatus::Pending {
        return Err(conflict(
            ErrorCode::ChangeDecided,
            format!(
                "这份信息修改申请的状态是“{}”，已经处理过，不能再次审批或撤回",
                status.label()
            ),
        ));
    }
    if decision == Decision::Approve {
        let changes: InfoChanges = serde_json::from_str(&changes_json)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(e.to_string().into())))?;
        check_secretary_name(tx, &changes).await?;
        apply_changes(tx, actor, &org, &changes).await?;
    }
    let person = actor.person_id;
    let done = sqlx::query(
        "UPDATE org_changes SET status = $1, decided_by = $2, decided_at = $3, comment = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(decision.status().code())
    .bind(person)
    .bind(now())
    .bind(comment)
    .bind(change_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if done == 0 {
        return Err(conflict(
            ErrorCode::ChangeDecided,
            "这份信息修改申请已经处理过，不能再次审批或撤回",
        ));
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new(decision.action())
            .target("org_change", change_id)
            .org(org_id)
            .after(serde_json::json!({ "comment": comment })),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut InfoChanges)) -> InfoChanges {
        let mut c = InfoChanges::default();
        f(&mut c);
        c
    }

    #[test]
    fn every_stored_status_round_trips() {
        for s in ChangeStatus::ALL {
            assert_eq!(ChangeStatus::parse(s.code()), Some(s));
        }
        let literals = crate::test_support::sql_literals(include_str!("org_changes.rs"), "status");
        assert!(!literals.is_empty());
        for v in literals {
            assert!(ChangeStatus::parse(v).is_some(), "{v}");
        }
    }

    #[test]
    fn fills_apply_and_changes_wait() {
        let current = with(|c| {
            c.short_name = Some("一中团委".into());
            c.phone = Some("010-1234567".into());
        });
        let desired = with(|c| {
            c.short_name = Some("一中团委".into());
            c.phone = Some("010-7654321".into());
            c.email = Some("a@b.cn".into());
            c.admin_staff_quota = Some(0);
        });
        let (fills, changes) = split_fills(&current, &desired);
        assert_eq!(fills.keys(), vec!["email", "admin_staff_quota"]);
        assert_eq!(changes.keys(), vec!["phone"]);
    }

    #[test]
    fn secretary_is_one_field() {
        let none = InfoChanges::default();
        let s = with(|c| {
            c.secretary_name = Some("张三".into());
            c.secretary_id_number = Some("11010519491231002X".into());
            c.secretary_phone = Some("13800138000".into());
        });
        let (fills, changes) = split_fills(&none, &s);
        assert_eq!(fills.keys().len(), 3);
        assert!(changes.is_empty());
        // Same 书记 without a mobile: adding it fills.
        let no_mobile = with(|c| {
            c.secretary_name = Some("张三".into());
            c.secretary_id_number = Some("11010519491231002X".into());
        });
        let (fills, changes) = split_fills(&no_mobile, &s);
        assert_eq!(fills.keys().len(), 3);
        assert!(changes.is_empty());
        // A new mobile for a 书记 who has one waits.
        let other_mobile = with(|c| {
            c.merge(&s);
            c.secretary_phone = Some("13900139000".into());
        });
        let (fills, changes) = split_fills(&other_mobile, &s);
        assert!(fills.is_empty());
        assert_eq!(changes.keys().len(), 3);
        // Unchanged: nothing at all.
        let (fills, changes) = split_fills(&s, &s);
        assert!(fills.is_empty() && changes.is_empty());
        assert!(diff(&s, &s).is_empty());
    }

    #[test]
    fn rows_show_only_what_differs_and_mask_ids() {
        let s = with(|c| {
            c.secretary_name = Some("张三".into());
            c.secretary_id_number = Some("11010519491231002X".into());
            c.secretary_phone = Some("13800138000".into());
        });
        let mut after = s.clone();
        after.secretary_phone = Some("13900139000".into());
        after.kind = Some("01TZB".into());
        let change = OrgChange {
            id: 1,
            org_id: 1,
            approver_org_id: None,
            requested_by: 1,
            requested_by_name: String::new(),
            requested_at: 0,
            before: s,
            changes: after,
            status: ChangeStatus::Pending,
            decided_by: None,
            decided_by_name: None,
            decided_at: None,
            comment: None,
        };
        let rows = change.rows();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].label, "组织类别");
        assert_eq!(rows[0].after.as_deref(), Some("团支部（01TZB）"));
        assert_eq!(rows[1].field, "secretary_phone");
        assert_eq!(
            change.changes.display("secretary_id_number").as_deref(),
            Some("110105********002X")
        );
    }
}
