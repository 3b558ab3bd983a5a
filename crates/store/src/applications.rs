//! Self-service applications (团员团干部注册, 我要入团, 流动团员报到): submitting one with a new
//! account, reading them, and their review. Approval (and the last 我要入团 stage) enters the
//! member through `members::insert_member_tx` in the same transaction, so every entry rule is
//! checked again at that moment.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::member_record::MemberInput;
use tuanjian_domain::self_service::{
    ApplicationKind, ApplicationStatus, CadrePost, JoinStage, SelfServiceFault,
    check_cadre_registrant, check_register_join_month,
};
use tuanjian_domain::{
    Action, IdNumber, JoinMonth, MemberFault, MemberField, OrgPath, PoliticalStatus, Refusal,
};

use crate::audit::{self, Actor, AuditEntry};
use crate::members::{EntryError, insert_cadre_tx, insert_member_tx, org_for, parse_member_for};
use crate::orgs::{Org, org_from_row};
use crate::people::insert_person;
use crate::scope::AdminScope;
use crate::{Store, StoreError, Tx, now};

/// What the applicant typed, kept with the application until it is decided: the people row
/// holds only name, ID number, phone and password until then.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Details {
    /// Profile and membership fields as typed (a 我要入团 application has the profile only,
    /// until its last stage adds 入团年月 and 发展团员编号).
    pub member: MemberInput,
    /// 流动团员报到: the home organisation's name, free text.
    pub home_org: String,
    /// 团员团干部注册 as a cadre who is not a member: the post in the organisation applied to
    /// (approved into a post, not a member record). `None` for members.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cadre: Option<CadrePost>,
    /// Every step, oldest first, for the applicant and the admin to read.
    pub history: Vec<Step>,
}

/// What a step of an application's history did; kept in `details_json` by its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepEvent {
    Submitted,
    Resubmitted,
    Activist,
    Candidate,
    Member,
    Approved,
    Returned,
    Withdrawn,
}

impl StepEvent {
    pub const ALL: [StepEvent; 8] = [
        StepEvent::Submitted,
        StepEvent::Resubmitted,
        StepEvent::Activist,
        StepEvent::Candidate,
        StepEvent::Member,
        StepEvent::Approved,
        StepEvent::Returned,
        StepEvent::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            StepEvent::Submitted => "submitted",
            StepEvent::Resubmitted => "resubmitted",
            StepEvent::Activist => "activist",
            StepEvent::Candidate => "candidate",
            StepEvent::Member => "member",
            StepEvent::Approved => "approved",
            StepEvent::Returned => "returned",
            StepEvent::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StepEvent::Submitted => "提交申请",
            StepEvent::Resubmitted => "修改后重新提交",
            StepEvent::Activist => "确定为入团积极分子",
            StepEvent::Candidate => "确定为发展对象",
            StepEvent::Member => "发展为团员",
            StepEvent::Approved => "审核通过",
            StepEvent::Returned => "退回",
            StepEvent::Withdrawn => "申请人撤回",
        }
    }

    /// The step that brings a 我要入团 application to `stage`.
    pub fn reaching(stage: JoinStage) -> Self {
        match stage {
            JoinStage::Applied => StepEvent::Submitted,
            JoinStage::Activist => StepEvent::Activist,
            JoinStage::Candidate => StepEvent::Candidate,
            JoinStage::Member => StepEvent::Member,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    pub event: StepEvent,
    pub at: i64,
    /// The admin who took the step; `None` for the applicant's own steps.
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Step {
    pub fn label(&self) -> &'static str {
        self.event.label()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Application {
    pub id: i64,
    pub kind: ApplicationKind,
    pub status: ApplicationStatus,
    /// 我要入团 only.
    pub stage: Option<JoinStage>,
    pub person_id: i64,
    pub person_name: String,
    #[serde(skip)]
    pub id_number: IdNumber,
    pub org_id: i64,
    pub org_full_name: String,
    pub org_short_name: String,
    #[serde(skip)]
    pub org_path: OrgPath,
    /// The provincial committee (or 系统团委) the organisation belongs to.
    pub province_name: String,
    #[serde(skip)]
    pub details: Details,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub decided_at: Option<i64>,
    pub decided_by_name: Option<String>,
    pub comment: Option<String>,
}

macro_rules! application_select {
    () => {
        "SELECT a.id, a.kind, a.status, a.stage, a.person_id, p.name AS person_name, p.id_number, \
         a.org_id, o.full_name AS org_full_name, o.short_name AS org_short_name, o.path AS org_path, \
         COALESCE(pr.full_name, o.full_name) AS province_name, a.details_json, a.submitted_at, \
         a.updated_at, a.decided_at, d.name AS decided_by_name, a.comment \
         FROM applications a JOIN people p ON p.id = a.person_id JOIN orgs o ON o.id = a.org_id \
         LEFT JOIN orgs pr ON pr.id = o.province_id LEFT JOIN people d ON d.id = a.decided_by "
    };
}

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(what.to_string().into()))
}

fn application_from_row(r: &sqlx::any::AnyRow) -> Result<Application, StoreError> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let stage: Option<String> = r.try_get("stage")?;
    let id_number: String = r.try_get("id_number")?;
    let path: String = r.try_get("org_path")?;
    let details: String = r.try_get("details_json")?;
    Ok(Application {
        id: r.try_get("id")?,
        kind: ApplicationKind::parse(&kind).ok_or_else(|| corrupt(kind))?,
        status: ApplicationStatus::parse(&status).ok_or_else(|| corrupt(status))?,
        stage: stage
            .map(|s| JoinStage::parse(&s).ok_or_else(|| corrupt(s)))
            .transpose()?,
        person_id: r.try_get("person_id")?,
        person_name: r.try_get("person_name")?,
        id_number: IdNumber::parse(&id_number).map_err(corrupt)?,
        org_id: r.try_get("org_id")?,
        org_full_name: r.try_get("org_full_name")?,
        org_short_name: r.try_get("org_short_name")?,
        org_path: OrgPath::parse(&path).map_err(corrupt)?,
        province_name: r.try_get("province_name")?,
        details: serde_json::from_str(&details).map_err(corrupt)?,
        submitted_at: r.try_get("submitted_at")?,
        updated_at: r.try_get("updated_at")?,
        decided_at: r.try_get("decided_at")?,
        decided_by_name: r.try_get("decided_by_name")?,
        comment: r.try_get("comment")?,
    })
}

fn to_json(d: &Details) -> Result<String, StoreError> {
    serde_json::to_string(d).map_err(corrupt)
}

pub async fn application_tx(tx: &mut Tx, id: i64) -> Result<Application, StoreError> {
    let row = sqlx::query(concat!(application_select!(), "WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
    application_from_row(&row)
}

#[derive(Debug, Clone, Serialize)]
pub struct ApplicationPage {
    pub items: Vec<Application>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl Store {
    pub async fn application(&self, id: i64) -> Result<Application, StoreError> {
        let row = sqlx::query(concat!(application_select!(), "WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
        application_from_row(&row)
    }

    /// The applicant's own applications, newest first.
    pub async fn applications_of(&self, person_id: i64) -> Result<Vec<Application>, StoreError> {
        let rows = sqlx::query(concat!(
            application_select!(),
            "WHERE a.person_id = $1 ORDER BY a.id DESC LIMIT 50"
        ))
        .bind(person_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(application_from_row).collect()
    }

    /// One organisation's applications: pending first (oldest first, as in the inbox), then
    /// the rest, most recently changed first. `status` narrows to one state.
    pub async fn applications_for_org(
        &self,
        org_id: i64,
        status: Option<ApplicationStatus>,
        page: i64,
        per_page: i64,
    ) -> Result<ApplicationPage, StoreError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let status = status.map(|s| s.code());
        let rows = sqlx::query(concat!(
            application_select!(),
            "WHERE a.org_id = $1 AND ($2 IS NULL OR a.status = $2) \
             ORDER BY CASE WHEN a.status = 'pending' THEN 0 ELSE 1 END, \
             CASE WHEN a.status = 'pending' THEN a.submitted_at ELSE -a.updated_at END, a.id \
             LIMIT $3 OFFSET $4"
        ))
        .bind(org_id)
        .bind(status)
        .bind(per_page)
        .bind((page - 1).saturating_mul(per_page))
        .fetch_all(self.pool())
        .await?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM applications WHERE org_id = $1 AND ($2 IS NULL OR status = $2)",
        )
        .bind(org_id)
        .bind(status)
        .fetch_one(self.pool())
        .await?;
        Ok(ApplicationPage {
            items: rows
                .iter()
                .map(application_from_row)
                .collect::<Result<_, _>>()?,
            total,
            page,
            per_page,
        })
    }

    /// The organisation of `province_id` whose full name is exactly `full_name`.
    pub async fn org_in_province_by_full_name(
        &self,
        province_id: i64,
        full_name: &str,
    ) -> Result<Option<Org>, StoreError> {
        let row = sqlx::query(concat!(
            "SELECT ",
            crate::org_columns!(),
            " FROM orgs WHERE province_id = $1 AND (full_name = $2 OR name_key = $3) \
             ORDER BY CASE WHEN full_name = $2 THEN 0 ELSE 1 END LIMIT 1"
        ))
        .bind(province_id)
        .bind(full_name.trim())
        // Typed with other brackets or full-width letters, the name is still found.
        .bind(tuanjian_domain::text::comparison_key(full_name))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(org_from_row).transpose()
    }
}

// ---------------------------------------------------------------------------------------------
// Who already holds an ID number, as far as an anonymous visitor may be told.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolderState {
    /// A member of some branch: the fix is a transfer (组织关系转接), not a new record.
    Member,
    /// Has applied: log in and follow the application.
    Applicant,
    /// An account without membership (a cadre, an admin).
    Account,
}

#[derive(Debug, Clone)]
pub struct Holder {
    pub person_id: i64,
    pub state: HolderState,
    /// The province of the membership, application or post; `None` for a bare account.
    pub province: Option<String>,
}

impl Holder {
    /// `already_registered`, naming the province and what to do — never more than the
    /// province, since anyone may ask.
    pub fn fault(&self) -> SelfServiceFault {
        let place = self
            .province
            .as_deref()
            .map(|p| format!("（{p}）"))
            .unwrap_or_default();
        let message = match self.state {
            HolderState::Member => format!(
                "该身份证号码已在系统中登记为团员{place}，同一人不能重复注册。如您已到新的单位或地区，\
                 请办理团组织关系转接（转接不是重新注册），由您登录后或由团组织管理员发起；\
                 忘记密码请联系所在团支部管理员重置"
            ),
            HolderState::Applicant => format!(
                "该身份证号码已提交过注册、入团或报到申请{place}，不能重复提交。请用身份证号码和申请时\
                 设置的密码登录，在“我的申请”中查看办理进度，或修改、撤回申请"
            ),
            HolderState::Account => format!(
                "该身份证号码已有账号{place}，不能重复注册。请直接用该账号登录；需要编入团支部的，\
                 请联系团支部管理员录入，或办理团组织关系转接"
            ),
        };
        SelfServiceFault::new(
            ErrorCode::AlreadyRegistered,
            Some(MemberField::IdNumber),
            message,
        )
    }
}

/// The account holding `id`, if any, with its state and province.
pub async fn holder_tx(tx: &mut Tx, id: &IdNumber) -> Result<Option<Holder>, StoreError> {
    let row = sqlx::query(
        "SELECT p.id, \
         (SELECT m.org_id FROM members m WHERE m.person_id = p.id LIMIT 1) AS member_org, \
         (SELECT a.org_id FROM applications a WHERE a.person_id = p.id ORDER BY a.id DESC LIMIT 1) AS app_org, \
         (SELECT c.org_id FROM cadre_posts c WHERE c.person_id = p.id ORDER BY c.id LIMIT 1) AS cadre_org, \
         (SELECT x.org_id FROM org_admins x WHERE x.person_id = p.id ORDER BY x.org_id LIMIT 1) AS admin_org \
         FROM people p WHERE p.id_number = $1",
    )
    .bind(id.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let member_org: Option<i64> = r.try_get("member_org")?;
    let app_org: Option<i64> = r.try_get("app_org")?;
    let other_org: Option<i64> = r
        .try_get::<Option<i64>, _>("cadre_org")?
        .or(r.try_get("admin_org")?);
    let (state, org) = match (member_org, app_org) {
        (Some(o), _) => (HolderState::Member, Some(o)),
        (None, Some(o)) => (HolderState::Applicant, Some(o)),
        (None, None) => (HolderState::Account, other_org),
    };
    let province = match org {
        Some(org_id) => Some(
            sqlx::query_scalar(
                "SELECT COALESCE(pr.full_name, o.full_name) FROM orgs o \
                 LEFT JOIN orgs pr ON pr.id = o.province_id WHERE o.id = $1",
            )
            .bind(org_id)
            .fetch_one(&mut **tx)
            .await?,
        ),
        None => None,
    };
    Ok(Some(Holder {
        person_id: r.try_get("id")?,
        state,
        province,
    }))
}

// ---------------------------------------------------------------------------------------------
// Submitting.

pub struct NewApplication<'a> {
    pub kind: ApplicationKind,
    /// Checked by the caller: a 团支部.
    pub branch: &'a Org,
    pub id_number: &'a IdNumber,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    /// The password the applicant chose (so the account is not in its initial state).
    pub password_hash: &'a str,
    pub member: MemberInput,
    pub home_org: String,
    /// A cadre who is not a member: the post (团员团干部注册 only).
    pub cadre: Option<CadrePost>,
}

/// Why a submission or a decision did not happen.
#[derive(Debug)]
pub enum ReviewError {
    /// The actor may not (wrong role or relation).
    Refused(Refusal),
    /// The record breaks entry rules: all of them.
    Faults(Vec<MemberFault>),
    /// A self-service rule (stages in order, the 2020 cutoff, already registered …).
    Rule(SelfServiceFault),
    Store(StoreError),
}

impl From<StoreError> for ReviewError {
    fn from(e: StoreError) -> Self {
        ReviewError::Store(e)
    }
}

impl From<sqlx::Error> for ReviewError {
    fn from(e: sqlx::Error) -> Self {
        ReviewError::Store(e.into())
    }
}

impl From<EntryError> for ReviewError {
    fn from(e: EntryError) -> Self {
        match e {
            EntryError::Refused(r) => ReviewError::Refused(r),
            EntryError::Faults(f) => ReviewError::Faults(f),
            EntryError::Store(s) => ReviewError::Store(s),
        }
    }
}

impl From<SelfServiceFault> for ReviewError {
    fn from(f: SelfServiceFault) -> Self {
        ReviewError::Rule(f)
    }
}

fn conflict(code: ErrorCode, message: impl Into<String>) -> ReviewError {
    ReviewError::Store(StoreError::Conflict {
        code,
        message: message.into(),
    })
}

/// Creates the applicant's account (with the password they chose) and the pending application,
/// with their audit records. An ID already in the system is `already_registered` with its
/// province. Returns (person id, application id).
pub async fn submit_tx(
    tx: &mut Tx,
    actor: &Actor,
    new: NewApplication<'_>,
) -> Result<(i64, i64), ReviewError> {
    if let Some(h) = holder_tx(tx, new.id_number).await? {
        return Err(h.fault().into());
    }
    let person = insert_person(
        tx,
        actor,
        new.id_number,
        new.name,
        new.phone,
        Some(new.password_hash),
    )
    .await?;
    let t = now();
    let details = Details {
        member: new.member,
        home_org: new.home_org,
        cadre: new.cadre,
        history: vec![Step {
            event: StepEvent::Submitted,
            at: t,
            by: None,
            comment: None,
        }],
    };
    let stage = (new.kind == ApplicationKind::Join).then_some(JoinStage::Applied.code());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO applications (kind, person_id, org_id, stage, status, details_json, submitted_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $6) RETURNING id",
    )
    .bind(new.kind.code())
    .bind(person.id)
    .bind(new.branch.id)
    .bind(stage)
    .bind(to_json(&details)?)
    .bind(t)
    .fetch_one(&mut **tx)
    .await?;
    let actor = Actor {
        person_id: Some(person.id),
        ..actor.clone()
    };
    audit::record(
        tx,
        &actor,
        AuditEntry::new("application.submit")
            .target("application", id)
            .org(new.branch.id)
            .after(serde_json::json!({
                "kind": new.kind.code(),
                "id_number": new.id_number.masked(),
                "name": new.name,
            })),
    )
    .await?;
    Ok((person.id, id))
}

/// A correction of a returned (or withdrawn) application by its applicant.
pub struct Resubmission<'a> {
    pub branch: &'a Org,
    pub name: &'a str,
    pub phone: Option<&'a str>,
    pub member: MemberInput,
    pub home_org: String,
    pub cadre: Option<CadrePost>,
}

/// The applicant's application, or `NotFound` (someone else's cannot be probed).
async fn own_tx(tx: &mut Tx, person_id: i64, id: i64) -> Result<Application, StoreError> {
    let app = application_tx(tx, id).await?;
    if app.person_id != person_id {
        return Err(StoreError::NotFound);
    }
    Ok(app)
}

fn not_open(app: &Application, what: &str) -> ReviewError {
    conflict(
        ErrorCode::ApplicationClosed,
        format!(
            "该申请目前为“{}”，不能{what}",
            status_text(app.status, app.stage)
        ),
    )
}

/// The state as people say it: a pending 我要入团 application is at a stage.
pub fn status_text(status: ApplicationStatus, stage: Option<JoinStage>) -> String {
    match (status, stage) {
        (ApplicationStatus::Pending, Some(s)) => format!("待审核（{}）", s.label()),
        (s, _) => s.label().to_string(),
    }
}

/// Puts a returned or withdrawn application back into review with the corrected fields (a
/// 我要入团 application starts again at 申请).
pub async fn resubmit_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    id: i64,
    r: Resubmission<'_>,
) -> Result<(), ReviewError> {
    let app = own_tx(tx, person_id, id).await?;
    if !app.status.may_resubmit() {
        return Err(not_open(&app, "修改后重新提交"));
    }
    let is_member: Option<i64> =
        sqlx::query_scalar("SELECT person_id FROM members WHERE person_id = $1 LIMIT 1")
            .bind(person_id)
            .fetch_optional(&mut **tx)
            .await?;
    if is_member.is_some() {
        return Err(conflict(
            ErrorCode::AlreadyRegistered,
            "您已经是团员（已由团组织录入系统），不需要再提交申请",
        ));
    }
    let t = now();
    let mut details = app.details.clone();
    details.member = r.member;
    details.home_org = r.home_org;
    details.cadre = r.cadre;
    details.history.push(Step {
        event: StepEvent::Resubmitted,
        at: t,
        by: None,
        comment: None,
    });
    let stage = (app.kind == ApplicationKind::Join).then_some(JoinStage::Applied.code());
    let changed = sqlx::query(
        "UPDATE applications SET org_id = $1, status = 'pending', stage = $2, details_json = $3, \
         submitted_at = $4, updated_at = $4, decided_by = NULL, decided_at = NULL, comment = NULL \
         WHERE id = $5 AND status = $6",
    )
    .bind(r.branch.id)
    .bind(stage)
    .bind(to_json(&details)?)
    .bind(t)
    .bind(id)
    .bind(app.status.code())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(not_open(&app, "修改后重新提交"));
    }
    sqlx::query(
        "UPDATE people SET name = $1, phone = COALESCE($2, phone), name_sort = $4 WHERE id = $3",
    )
    .bind(r.name)
    .bind(r.phone)
    .bind(person_id)
    .bind(tuanjian_domain::name_order::person_sort_key(r.name))
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("application.resubmit")
            .target("application", id)
            .org(r.branch.id)
            .before(serde_json::json!({ "org_id": app.org_id, "status": app.status.code(), "name": app.person_name }))
            .after(serde_json::json!({ "org_id": r.branch.id, "status": "pending", "name": r.name })),
    )
    .await?;
    Ok(())
}

/// The applicant withdraws a pending or returned application.
pub async fn withdraw_tx(
    tx: &mut Tx,
    actor: &Actor,
    person_id: i64,
    id: i64,
) -> Result<(), ReviewError> {
    let app = own_tx(tx, person_id, id).await?;
    if !app.status.may_withdraw() {
        return Err(not_open(&app, "撤回"));
    }
    let t = now();
    let mut details = app.details.clone();
    details.history.push(Step {
        event: StepEvent::Withdrawn,
        at: t,
        by: None,
        comment: None,
    });
    let changed = sqlx::query(
        "UPDATE applications SET status = 'withdrawn', details_json = $1, updated_at = $2 \
         WHERE id = $3 AND status = $4",
    )
    .bind(to_json(&details)?)
    .bind(t)
    .bind(id)
    .bind(app.status.code())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(not_open(&app, "撤回"));
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("application.withdraw")
            .target("application", id)
            .org(app.org_id),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Review by the organisation's own admin.

/// The application, if `scope` may decide it: in scope (else `NotFound`), the admin's own
/// organisation (`Action::DecideApplication`), still pending.
async fn decidable_tx(
    tx: &mut Tx,
    scope: &AdminScope,
    id: i64,
) -> Result<(Application, Org), ReviewError> {
    let app = application_tx(tx, id).await?;
    let org = org_for(tx, scope, app.org_id, Action::DecideApplication).await?;
    if app.status != ApplicationStatus::Pending {
        return Err(not_open(&app, "再审核"));
    }
    Ok((app, org))
}

/// Marks a pending application decided; a concurrent decision makes it a conflict.
async fn close_tx(
    tx: &mut Tx,
    scope: &AdminScope,
    app: &Application,
    status: ApplicationStatus,
    stage: Option<JoinStage>,
    details: &Details,
    comment: Option<&str>,
) -> Result<(), ReviewError> {
    let t = now();
    let changed = sqlx::query(
        "UPDATE applications SET status = $1, stage = $2, details_json = $3, updated_at = $4, \
         decided_by = $5, decided_at = $4, comment = $6 WHERE id = $7 AND status = 'pending'",
    )
    .bind(status.code())
    .bind(stage.map(|s| s.code()))
    .bind(to_json(details)?)
    .bind(t)
    .bind(scope.person_id())
    .bind(comment)
    .bind(app.id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(conflict(
            ErrorCode::ApplicationClosed,
            "该申请刚刚已被处理，请刷新页面查看最新状态",
        ));
    }
    Ok(())
}

async fn admin_name(tx: &mut Tx, scope: &AdminScope) -> Result<String, StoreError> {
    Ok(sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
        .bind(scope.person_id())
        .fetch_one(&mut **tx)
        .await?)
}

fn step(event: StepEvent, by: &str, comment: Option<&str>) -> Step {
    Step {
        event,
        at: now(),
        by: Some(by.into()),
        comment: comment.map(str::to_string),
    }
}

/// Enters the applicant as a member of the application's branch and closes the application as
/// approved: the entry rules of that branch, then `insert_member_tx`, in `tx`.
#[allow(clippy::too_many_arguments)]
async fn enter_member(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    app: &Application,
    branch: &Org,
    input: &MemberInput,
    stage: Option<JoinStage>,
    comment: Option<&str>,
    today: NaiveDate,
) -> Result<i64, ReviewError> {
    if !branch.kind.is_branch() {
        return Err(ReviewError::Faults(vec![MemberFault::not_a_branch(
            &branch.full_name,
        )]));
    }
    if app.kind == ApplicationKind::Register
        && let Ok(j) = JoinMonth::parse_on(&input.join_month, today)
    {
        check_register_join_month(j)?;
    }
    let m = parse_member_for(tx, branch, input, today).await?;
    let by = admin_name(tx, scope).await?;
    let mut details = app.details.clone();
    details.member = input.clone();
    let event = if app.kind == ApplicationKind::Join {
        StepEvent::Member
    } else {
        StepEvent::Approved
    };
    details.history.push(step(event, &by, comment));
    // Closed first: the entry refuses anyone with a pending application.
    close_tx(
        tx,
        scope,
        app,
        ApplicationStatus::Approved,
        stage,
        &details,
        comment,
    )
    .await?;
    let person_id = insert_member_tx(tx, actor, scope, branch, &m).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("application.approve")
            .target("application", app.id)
            .org(branch.id)
            .after(serde_json::json!({
                "kind": app.kind.code(),
                "person_id": person_id,
                "join_month": m.join_month.to_string(),
            })),
    )
    .await?;
    Ok(person_id)
}

/// Approves a 团员团干部注册 or 流动团员报到: the applicant becomes a member of the branch.
pub async fn approve_tx(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    id: i64,
    comment: Option<&str>,
    today: NaiveDate,
) -> Result<i64, ReviewError> {
    let (app, branch) = decidable_tx(tx, scope, id).await?;
    if app.kind == ApplicationKind::Join {
        return Err(conflict(
            ErrorCode::UseStages,
            "入团申请按阶段办理：请使用“确定为入团积极分子”“确定为发展对象”“发展为团员”逐步办理",
        ));
    }
    if let Some(post) = app.details.cadre.clone() {
        return enter_cadre(tx, actor, scope, &app, &branch, &post, comment, today).await;
    }
    let input = app.details.member.clone();
    enter_member(
        tx, actor, scope, &app, &branch, &input, None, comment, today,
    )
    .await
}

/// Approves a 团员团干部注册 of a cadre who is not a member: the post in the organisation
/// applied to (any level), with `insert_cadre_tx`; no member record. Returns the person.
#[allow(clippy::too_many_arguments)]
async fn enter_cadre(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    app: &Application,
    org: &Org,
    post: &CadrePost,
    comment: Option<&str>,
    today: NaiveDate,
) -> Result<i64, ReviewError> {
    let input = post.with_profile(app.details.member.profile.clone());
    let c = input.parse(org.kind, today).map_err(ReviewError::Faults)?;
    check_cadre_registrant(c.profile.political_status)?;
    let by = admin_name(tx, scope).await?;
    let mut details = app.details.clone();
    details
        .history
        .push(step(StepEvent::Approved, &by, comment));
    close_tx(
        tx,
        scope,
        app,
        ApplicationStatus::Approved,
        None,
        &details,
        comment,
    )
    .await?;
    let post_id = insert_cadre_tx(tx, actor, scope, org, &c).await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("application.approve")
            .target("application", app.id)
            .org(org.id)
            .after(serde_json::json!({
                "kind": app.kind.code(),
                "person_id": app.person_id,
                "post_id": post_id,
                "post": c.post.label(),
            })),
    )
    .await?;
    Ok(app.person_id)
}

/// What the last 我要入团 stage adds to the record.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Admission {
    pub join_month: String,
    pub dev_number: String,
}

/// Where an advance left the application.
#[derive(Debug, Clone, Copy)]
pub struct Advanced {
    pub stage: JoinStage,
    /// Set when the applicant became a member.
    pub person_id: Option<i64>,
}

/// Moves a 我要入团 application one stage on (`to`, when given, must be the next stage). The
/// last step enters the member with `admission` under the branch's entry rules.
#[allow(clippy::too_many_arguments)]
pub async fn advance_tx(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    id: i64,
    to: Option<JoinStage>,
    admission: &Admission,
    comment: Option<&str>,
    today: NaiveDate,
) -> Result<Advanced, ReviewError> {
    let (app, branch) = decidable_tx(tx, scope, id).await?;
    let current = match (app.kind, app.stage) {
        (ApplicationKind::Join, Some(s)) => s,
        _ => {
            return Err(conflict(
                ErrorCode::NotAJoinApplication,
                "只有入团申请分阶段办理；团员注册和流动团员报到请直接审核通过或退回",
            ));
        }
    };
    let next = current.advance_to(to.unwrap_or(current.next().unwrap_or(current)))?;
    if next == JoinStage::Member {
        let mut input = app.details.member.clone();
        input.profile.political_status = PoliticalStatus::LeagueMember.label().into();
        input.join_month = admission.join_month.clone();
        input.dev_number = admission.dev_number.clone();
        let person_id = enter_member(
            tx,
            actor,
            scope,
            &app,
            &branch,
            &input,
            Some(next),
            comment,
            today,
        )
        .await?;
        return Ok(Advanced {
            stage: next,
            person_id: Some(person_id),
        });
    }
    let by = admin_name(tx, scope).await?;
    let mut details = app.details.clone();
    details
        .history
        .push(step(StepEvent::reaching(next), &by, comment));
    let t = now();
    let changed = sqlx::query(
        "UPDATE applications SET stage = $1, details_json = $2, updated_at = $3 \
         WHERE id = $4 AND status = 'pending' AND stage = $5",
    )
    .bind(next.code())
    .bind(to_json(&details)?)
    .bind(t)
    .bind(app.id)
    .bind(current.code())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(conflict(
            ErrorCode::ApplicationClosed,
            "该申请刚刚已被处理，请刷新页面查看最新状态",
        ));
    }
    audit::record(
        tx,
        actor,
        AuditEntry::new("application.advance")
            .target("application", app.id)
            .org(branch.id)
            .before(serde_json::json!({ "stage": current.code() }))
            .after(serde_json::json!({ "stage": next.code(), "at": t })),
    )
    .await?;
    Ok(Advanced {
        stage: next,
        person_id: None,
    })
}

/// Returns (for 我要入团: rejects) a pending application with the admin's comment.
pub async fn return_tx(
    tx: &mut Tx,
    actor: &Actor,
    scope: &AdminScope,
    id: i64,
    comment: &str,
) -> Result<(), ReviewError> {
    let (app, branch) = decidable_tx(tx, scope, id).await?;
    let by = admin_name(tx, scope).await?;
    let mut details = app.details.clone();
    details
        .history
        .push(step(StepEvent::Returned, &by, Some(comment)));
    close_tx(
        tx,
        scope,
        &app,
        ApplicationStatus::Returned,
        app.stage,
        &details,
        Some(comment),
    )
    .await?;
    audit::record(
        tx,
        actor,
        AuditEntry::new("application.return")
            .target("application", app.id)
            .org(branch.id)
            .after(serde_json::json!({ "comment": comment, "stage": app.stage.map(|s| s.code()) })),
    )
    .await?;
    Ok(())
}

/// Why pending applications to a deleted organisation were returned; the applicant reads it.
pub const ORG_DELETED_COMMENT: &str = "申请的团组织已被删除，请重新选择团组织后再提交";

/// Settles the applications to an organisation being deleted, in the deletion's transaction:
/// pending ones are returned to their applicants with `ORG_DELETED_COMMENT` (each audited), and
/// every one, decided or not, is kept under the parent so the applicant's history stays
/// readable and a resubmission chooses a new organisation. Returns how many were returned.
pub async fn settle_for_deleted_org_tx(
    tx: &mut Tx,
    actor: &Actor,
    org_id: i64,
    parent_id: i64,
) -> Result<u64, StoreError> {
    let pending: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM applications WHERE org_id = $1 AND status = 'pending' ORDER BY id",
    )
    .bind(org_id)
    .fetch_all(&mut **tx)
    .await?;
    let by: Option<String> = match actor.person_id {
        Some(id) => {
            sqlx::query_scalar("SELECT name FROM people WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
        }
        None => None,
    };
    let t = now();
    for &id in &pending {
        let app = application_tx(tx, id).await?;
        let mut details = app.details.clone();
        details.history.push(Step {
            event: StepEvent::Returned,
            at: t,
            by: by.clone(),
            comment: Some(ORG_DELETED_COMMENT.into()),
        });
        sqlx::query(
            "UPDATE applications SET status = 'returned', details_json = $1, updated_at = $2, \
             decided_by = $3, decided_at = $2, comment = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(to_json(&details)?)
        .bind(t)
        .bind(actor.person_id)
        .bind(ORG_DELETED_COMMENT)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        audit::record(
            tx,
            actor,
            AuditEntry::new("application.return")
                .target("application", id)
                .org(org_id)
                .after(serde_json::json!({
                    "comment": ORG_DELETED_COMMENT,
                    "stage": app.stage.map(|s| s.code()),
                    "reason": "org_deleted",
                    "moved_to_org": parent_id,
                })),
        )
        .await?;
    }
    sqlx::query("UPDATE applications SET org_id = $1 WHERE org_id = $2")
        .bind(parent_id)
        .bind(org_id)
        .execute(&mut **tx)
        .await?;
    Ok(pending.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_round_trips() {
        for e in StepEvent::ALL {
            let json = serde_json::to_value(e).unwrap();
            assert_eq!(json, serde_json::Value::from(e.code()));
            assert_eq!(serde_json::from_value::<StepEvent>(json).ok(), Some(e));
        }
        for s in JoinStage::ALL {
            assert_eq!(
                serde_json::to_value(StepEvent::reaching(s)).unwrap(),
                serde_json::Value::from(if s == JoinStage::Applied {
                    "submitted"
                } else {
                    s.code()
                })
            );
        }
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.code()), Some(s));
        }
        let literals = crate::test_support::sql_literals(include_str!("applications.rs"), "status");
        assert!(!literals.is_empty());
        for v in literals {
            assert!(ApplicationStatus::parse(v).is_some(), "{v}");
        }
    }
}
