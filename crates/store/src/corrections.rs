//! Corrections of a member's 姓名 or 身份证号码: organisation admins may not change them, so the
//! member's admin files a request that goes to the provincial committee of the member's branch,
//! whose admin approves it (the person is changed in the same transaction) or returns it with a
//! comment. The requester may withdraw it while it waits.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{Action, BoundedText, IdNumber, OrgPath, Refusal};

use crate::audit::{self, Actor, AuditEntry};
use crate::member_detail::membership;
use crate::members::{EntryError, org_for};
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionStatus {
    Pending,
    Approved,
    Returned,
    Withdrawn,
}

impl CorrectionStatus {
    pub const ALL: [CorrectionStatus; 4] = [
        CorrectionStatus::Pending,
        CorrectionStatus::Approved,
        CorrectionStatus::Returned,
        CorrectionStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CorrectionStatus::Pending => "pending",
            CorrectionStatus::Approved => "approved",
            CorrectionStatus::Returned => "returned",
            CorrectionStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CorrectionStatus::Pending => "待省级团委审核",
            CorrectionStatus::Approved => "审核通过，已更正",
            CorrectionStatus::Returned => "已退回",
            CorrectionStatus::Withdrawn => "已撤回",
        }
    }

    /// Exactly a stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

/// Name and ID number: the values before, or the ones asked for (absent = unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionValues {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub id: i64,
    pub person_id: i64,
    /// The person's name now.
    pub person_name: String,
    pub org_id: i64,
    pub org_full_name: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    pub approver_org_id: i64,
    pub approver_full_name: String,
    pub requested_by: i64,
    pub requested_by_name: String,
    pub requested_at: i64,
    pub before: CorrectionValues,
    pub changes: CorrectionValues,
    pub reason: String,
    pub status: CorrectionStatus,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub comment: Option<String>,
}

/// A fault in one field of a request or decision: `{code, field, message}`, as member faults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldFault {
    pub code: ErrorCode,
    pub field: &'static str,
    pub message: String,
}

impl FieldFault {
    fn new(code: ErrorCode, field: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            field,
            message: message.into(),
        }
    }
}

#[derive(Debug)]
pub enum CorrectionError {
    Refused(Refusal),
    Faults(Vec<FieldFault>),
    Store(StoreError),
}

impl From<StoreError> for CorrectionError {
    fn from(e: StoreError) -> Self {
        CorrectionError::Store(e)
    }
}

impl From<sqlx::Error> for CorrectionError {
    fn from(e: sqlx::Error) -> Self {
        CorrectionError::Store(e.into())
    }
}

impl From<EntryError> for CorrectionError {
    fn from(e: EntryError) -> Self {
        match e {
            EntryError::Refused(r) => CorrectionError::Refused(r),
            EntryError::Store(s) => CorrectionError::Store(s),
            EntryError::Faults(f) => CorrectionError::Faults(
                f.into_iter()
                    .map(|f| FieldFault {
                        code: f.code(),
                        field: f.field.map_or("", |x| x.key()),
                        message: f.message,
                    })
                    .collect(),
            ),
        }
    }
}

/// What the member's admin asks for, as typed. Empty means "unchanged".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CorrectionInput {
    pub new_name: String,
    pub new_id_number: String,
    pub reason: String,
}

const NOT_APPROVER: Refusal = Refusal {
    code: ErrorCode::NotApprover,
    message: "姓名、身份证号码更正申请由团员所在团支部的省级团委管理员审核",
};
const NOT_REQUESTER: Refusal = Refusal {
    code: ErrorCode::NotRequester,
    message: "只有提交该更正申请的管理员可以撤回",
};

fn already_registered(field: &'static str) -> FieldFault {
    FieldFault::new(
        ErrorCode::AlreadyRegistered,
        field,
        "更正后的身份证号码已在系统中登记（属于另一人），同一身份证号码不能有两条记录。\
         请核对号码；确属同一人重复登记的，请联系省级团委处理",
    )
}

impl CorrectionInput {
    /// The changes asked for, checked against the current values; every fault at once.
    fn parse(
        &self,
        current_name: &str,
        current_id: &IdNumber,
        today: NaiveDate,
    ) -> Result<(CorrectionValues, String), Vec<FieldFault>> {
        let mut faults = Vec::new();
        let mut changes = CorrectionValues::default();
        if !self.new_name.trim().is_empty() {
            match BoundedText::<30>::parse(&self.new_name, "更正后的姓名") {
                Ok(n) if n.as_str() != current_name => changes.name = Some(n.into_string()),
                Ok(_) => {}
                Err(e) => faults.push(FieldFault::new(e.code(), "new_name", e.to_string())),
            }
        }
        if !self.new_id_number.trim().is_empty() {
            match IdNumber::parse_on(&self.new_id_number, today) {
                Ok(id) if id != *current_id => changes.id_number = Some(id.to_string()),
                Ok(_) => {}
                Err(e) => faults.push(FieldFault::new(
                    ErrorCode::IdNumberInvalid,
                    "new_id_number",
                    format!("更正后的身份证号码有误：{e}"),
                )),
            }
        }
        let reason = match BoundedText::<200>::parse(&self.reason, "更正原因") {
            Ok(r) => Some(r.into_string()),
            Err(e) => {
                faults.push(FieldFault::new(e.code(), "reason", e.to_string()));
                None
            }
        };
        if faults.is_empty() && changes == CorrectionValues::default() {
            faults.push(FieldFault::new(
                ErrorCode::NothingToCorrect,
                "new_name",
                "请填写更正后的姓名或身份证号码（至少一项），且应与现有的不同",
            ));
        }
        match reason {
            Some(r) if faults.is_empty() => Ok((changes, r)),
            _ => Err(faults),
        }
    }
}

macro_rules! correction_query {
    ($tail:literal) => {
        concat!(
            "SELECT c.id, c.person_id, pe.name AS person_name, c.org_id, o.full_name AS org_full_name, \
             o.path AS org_path, c.approver_org_id, a.full_name AS approver_full_name, c.requested_by, \
             r.name AS requested_by_name, c.requested_at, c.before_json, c.changes_json, c.reason, \
             c.status, d.name AS decided_by_name, c.decided_at, c.comment \
             FROM corrections c JOIN people pe ON pe.id = c.person_id JOIN orgs o ON o.id = c.org_id \
             JOIN orgs a ON a.id = c.approver_org_id JOIN people r ON r.id = c.requested_by \
             LEFT JOIN people d ON d.id = c.decided_by ",
            $tail
        )
    };
}

fn decode(e: impl std::fmt::Display) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(e.to_string().into()))
}

fn from_row(r: &AnyRow) -> Result<Correction, StoreError> {
    let status: String = r.try_get("status")?;
    let path: String = r.try_get("org_path")?;
    let before: String = r.try_get("before_json")?;
    let changes: String = r.try_get("changes_json")?;
    Ok(Correction {
        id: r.try_get("id")?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        org_id: r.try_get("org_id")?,
        org_full_name: r.try_get("org_full_name")?,
        org_path: OrgPath::parse(&path).map_err(decode)?,
        approver_org_id: r.try_get("approver_org_id")?,
        approver_full_name: r.try_get("approver_full_name")?,
        requested_by: r.try_get("requested_by")?,
        requested_by_name: r.try_get("requested_by_name")?,
        requested_at: r.try_get("requested_at")?,
        before: serde_json::from_str(&before).map_err(decode)?,
        changes: serde_json::from_str(&changes).map_err(decode)?,
        reason: r.try_get("reason")?,
        status: CorrectionStatus::parse(&status)
            .ok_or_else(|| decode(format!("unknown correction status {status}")))?,
        decided_by_name: r.try_get("decided_by_name")?,
        decided_at: r.try_get("decided_at")?,
        comment: r.try_get("comment")?,
    })
}

async fn load(c: &mut AnyConnection, id: i64) -> Result<Correction, StoreError> {
    let row = sqlx::query(correction_query!("WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&mut *c)
        .await?
        .ok_or(StoreError::NotFound)?;
    from_row(&row)
}

impl Correction {
    /// The province that decides it.
    pub fn decided_by(&self, scope: &AdminScope) -> bool {
        scope.org().id == self.approver_org_id
    }

    /// The deciding province's admins and the admins over the member's branch may read it.
    pub fn visible_to(&self, scope: &AdminScope) -> bool {
        self.decided_by(scope) || scope.covers(&self.org_path)
    }

    pub fn is_pending(&self) -> bool {
        self.status == CorrectionStatus::Pending
    }
}

/// Read through the scope: `NotFound` for anyone who may not read it.
async fn visible(
    c: &mut AnyConnection,
    scope: &AdminScope,
    id: i64,
) -> Result<Correction, StoreError> {
    let corr = load(c, id).await?;
    if corr.visible_to(scope) {
        Ok(corr)
    } else {
        Err(StoreError::NotFound)
    }
}

fn not_pending(c: &Correction) -> StoreError {
    StoreError::Conflict {
        code: ErrorCode::CorrectionNotPending,
        message: format!(
            "该更正申请当前状态为“{}”，不能再审核或撤回",
            c.status.label()
        ),
    }
}

/// Sets the status if it is still pending; a concurrent decision makes this a conflict.
async fn decide(
    tx: &mut Tx,
    c: &Correction,
    status: CorrectionStatus,
    decided_by: Option<i64>,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    let n = sqlx::query(
        "UPDATE corrections SET status = $1, decided_by = $2, decided_at = $3, comment = $4 \
         WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.code())
    .bind(decided_by)
    .bind(now())
    .bind(comment)
    .bind(c.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 1 { Ok(()) } else { Err(not_pending(c)) }
}

impl Store {
    /// Files a correction of `person_id`'s name and/or ID number, for the province of the
    /// member's branch to decide. The member's own admin or its direct superior's may.
    pub async fn request_correction(
        &self,
        actor: &Actor,
        scope: &AdminScope,
        person_id: i64,
        input: &CorrectionInput,
        today: NaiveDate,
    ) -> Result<i64, CorrectionError> {
        let mut tx = self.begin().await?;
        let m = membership(&mut tx, person_id)
            .await?
            .filter(|m| scope.covers(&m.org_path))
            .ok_or(StoreError::NotFound)?;
        let branch = org_for(&mut tx, scope, m.org_id, Action::RequestCorrection).await?;
        let id = file(
            &mut tx,
            actor,
            person_id,
            &branch,
            scope.person_id(),
            input,
            today,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The member files a correction of their own name and/or ID number (个人中心), for the
    /// province of their branch to decide; `NotFound` when they have no membership (a cadre
    /// without one asks the admin of the organisation of the post).
    pub async fn request_own_correction(
        &self,
        actor: &Actor,
        person_id: i64,
        input: &CorrectionInput,
        today: NaiveDate,
    ) -> Result<i64, CorrectionError> {
        let mut tx = self.begin().await?;
        let m = membership(&mut tx, person_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let branch = crate::org_moves::org_tx(&mut tx, m.org_id).await?;
        let id = file(&mut tx, actor, person_id, &branch, person_id, input, today).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// One request, if the admin of `scope` may read it.
    pub async fn correction(&self, scope: &AdminScope, id: i64) -> Result<Correction, StoreError> {
        let mut c = self.pool().acquire().await?;
        visible(&mut c, scope, id).await
    }

    /// The requests filed for a person, newest first (the caller has checked the record is
    /// visible).
    pub async fn corrections_of(&self, person_id: i64) -> Result<Vec<Correction>, StoreError> {
        let rows = sqlx::query(correction_query!(
            "WHERE c.person_id = $1 ORDER BY c.id DESC LIMIT 50"
        ))
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// The province's admin approves: the name and/or ID number change at once.
    pub async fn approve_correction(
        &self,
        actor: &Actor,
        scope: &AdminScope,
        id: i64,
    ) -> Result<Correction, CorrectionError> {
        let mut tx = self.begin().await?;
        let c = visible(&mut tx, scope, id).await?;
        if !c.decided_by(scope) {
            return Err(CorrectionError::Refused(NOT_APPROVER));
        }
        if !c.is_pending() {
            return Err(not_pending(&c).into());
        }
        if let Some(new_id) = &c.changes.id_number
            && id_taken(&mut tx, new_id, c.person_id).await?
        {
            return Err(StoreError::Conflict {
                code: ErrorCode::AlreadyRegistered,
                message: already_registered("new_id_number").message,
            }
            .into());
        }
        decide(
            &mut tx,
            &c,
            CorrectionStatus::Approved,
            Some(scope.person_id()),
            None,
        )
        .await?;
        let (name, id_number): (String, String) =
            sqlx::query_as("SELECT name, id_number FROM people WHERE id = $1")
                .bind(c.person_id)
                .fetch_one(&mut *tx)
                .await?;
        let new_name = c.changes.name.as_deref().unwrap_or(&name);
        sqlx::query("UPDATE people SET name = $1, id_number = $2, name_sort = $4 WHERE id = $3")
            .bind(new_name)
            .bind(c.changes.id_number.as_deref().unwrap_or(&id_number))
            .bind(c.person_id)
            .bind(tuanjian_domain::name_order::person_sort_key(new_name))
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                let e = StoreError::from(e);
                if e.is_unique_violation() {
                    StoreError::Conflict {
                        code: ErrorCode::AlreadyRegistered,
                        message: already_registered("new_id_number").message,
                    }
                } else {
                    e
                }
            })?;
        let mask = |s: &str| IdNumber::parse(s).map(|i| i.masked()).unwrap_or_default();
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("correction.approve")
                .target("person", c.person_id)
                .org(c.org_id)
                .before(serde_json::json!({ "correction": c.id, "name": name, "id_number": mask(&id_number) }))
                .after(serde_json::json!({
                    "name": c.changes.name.as_deref().unwrap_or(&name),
                    "id_number": mask(c.changes.id_number.as_deref().unwrap_or(&id_number)),
                })),
        )
        .await?;
        let done = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The province's admin returns it with a comment saying what is wrong.
    pub async fn return_correction(
        &self,
        actor: &Actor,
        scope: &AdminScope,
        id: i64,
        comment: &str,
    ) -> Result<Correction, CorrectionError> {
        let mut tx = self.begin().await?;
        let c = visible(&mut tx, scope, id).await?;
        if !c.decided_by(scope) {
            return Err(CorrectionError::Refused(NOT_APPROVER));
        }
        if !c.is_pending() {
            return Err(not_pending(&c).into());
        }
        let comment = BoundedText::<200>::parse(comment, "退回意见").map_err(|e| {
            CorrectionError::Faults(vec![FieldFault::new(
                e.code(),
                "comment",
                format!("{e}（请写明退回的原因，便于申请人修改）"),
            )])
        })?;
        decide(
            &mut tx,
            &c,
            CorrectionStatus::Returned,
            Some(scope.person_id()),
            Some(comment.as_str()),
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("correction.return")
                .target("correction", c.id)
                .org(c.org_id)
                .after(serde_json::json!({ "status": "returned", "comment": comment.as_str() })),
        )
        .await?;
        let done = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The member takes back a request they filed for themself while it waits; any other
    /// request is `NotFound` to them.
    pub async fn withdraw_own_correction(
        &self,
        actor: &Actor,
        person_id: i64,
        id: i64,
    ) -> Result<Correction, StoreError> {
        let mut tx = self.begin().await?;
        let c = load(&mut tx, id).await?;
        if c.person_id != person_id || c.requested_by != person_id {
            return Err(StoreError::NotFound);
        }
        if !c.is_pending() {
            return Err(not_pending(&c));
        }
        decide(&mut tx, &c, CorrectionStatus::Withdrawn, None, None).await?;
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("correction.withdraw")
                .target("correction", c.id)
                .org(c.org_id)
                .after(serde_json::json!({ "status": "withdrawn" })),
        )
        .await?;
        let done = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The requester takes it back while it waits.
    pub async fn withdraw_correction(
        &self,
        actor: &Actor,
        scope: &AdminScope,
        id: i64,
    ) -> Result<Correction, CorrectionError> {
        let mut tx = self.begin().await?;
        let c = visible(&mut tx, scope, id).await?;
        if c.requested_by != scope.person_id() || !scope.covers(&c.org_path) {
            return Err(CorrectionError::Refused(NOT_REQUESTER));
        }
        if !c.is_pending() {
            return Err(not_pending(&c).into());
        }
        decide(&mut tx, &c, CorrectionStatus::Withdrawn, None, None).await?;
        audit::record(
            &mut tx,
            actor,
            AuditEntry::new("correction.withdraw")
                .target("correction", c.id)
                .org(c.org_id)
                .after(serde_json::json!({ "status": "withdrawn" })),
        )
        .await?;
        let done = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(done)
    }
}

/// Files the request for `person_id`, a member of `branch`, asked by `requested_by` (the
/// member's admin, or the member themself): checked, one pending per person, audited in `tx`.
async fn file(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    branch: &crate::orgs::Org,
    requested_by: i64,
    input: &CorrectionInput,
    today: NaiveDate,
) -> Result<i64, CorrectionError> {
    let (name, id): (String, String) =
        sqlx::query_as("SELECT name, id_number FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_one(&mut **tx)
            .await?;
    let current_id = IdNumber::parse(&id).map_err(decode)?;
    let (changes, reason) = input
        .parse(&name, &current_id, today)
        .map_err(CorrectionError::Faults)?;
    if let Some(new_id) = &changes.id_number
        && id_taken(tx, new_id, person_id).await?
    {
        return Err(CorrectionError::Faults(vec![already_registered(
            "new_id_number",
        )]));
    }
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM corrections WHERE person_id = $1 AND status = 'pending'",
    )
    .bind(person_id)
    .fetch_optional(&mut **tx)
    .await?;
    if open.is_some() {
        let message = if requested_by == person_id {
            "您已有一份待审核的更正申请，同一时间只能有一份；请等待省级团委审核，或在个人中心“我的申请和转接”中撤回后重新提交"
        } else {
            "该团员已有一份待审核的更正申请，请等待省级团委审核，或先撤回该申请再重新提交"
        };
        return Err(StoreError::Conflict {
            code: ErrorCode::CorrectionPending,
            message: message.into(),
        }
        .into());
    }
    // The provincial committee; an organisation with none above it (directly under 团中央)
    // goes to the root.
    let approver = branch
        .province_id
        .unwrap_or_else(|| branch.path.ids().first().copied().unwrap_or(branch.id));
    let before = CorrectionValues {
        name: Some(name),
        id_number: Some(current_id.to_string()),
    };
    let before_json = serde_json::to_string(&before).map_err(decode)?;
    let changes_json = serde_json::to_string(&changes).map_err(decode)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO corrections (person_id, org_id, approver_org_id, requested_by, requested_at, \
         before_json, changes_json, reason, status) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending') RETURNING id",
    )
    .bind(person_id)
    .bind(branch.id)
    .bind(approver)
    .bind(requested_by)
    .bind(now())
    .bind(&before_json)
    .bind(&changes_json)
    .bind(&reason)
    .fetch_one(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("correction.request")
            .target("correction", id)
            .org(branch.id)
            .after(serde_json::json!({
                "person_id": person_id,
                "name": changes.name,
                "id_number": changes.id_number.as_deref().and_then(|s| IdNumber::parse(s).ok()).map(|i| i.masked()),
                "reason": reason,
            })),
    )
    .await?;
    Ok(id)
}

/// Whether someone other than `person_id` holds this ID number.
async fn id_taken(tx: &mut Tx, id_number: &str, person_id: i64) -> Result<bool, StoreError> {
    let other: Option<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE id_number = $1 AND id <> $2")
            .bind(id_number)
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(other.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_status_round_trips() {
        for s in CorrectionStatus::ALL {
            assert_eq!(CorrectionStatus::parse(s.code()), Some(s));
        }
        let literals = crate::test_support::sql_literals(include_str!("corrections.rs"), "status");
        assert!(!literals.is_empty());
        for v in literals {
            assert!(CorrectionStatus::parse(v).is_some(), "{v}");
        }
    }
}
