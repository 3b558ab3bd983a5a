//! The self-service actions, shared by the pages and the API: checking a submission, submitting
//! it with a new account, and the review (approve, return, advance, withdraw, resubmit).

use std::net::IpAddr;
use tuanjian_domain::ErrorCode;

use axum::http::StatusCode;
use chrono::NaiveDate;
use tuanjian_domain::member_record::MemberInput;
use tuanjian_domain::self_service::{
    ApplicationKind, JoinStage, SelfServiceFault, check_join_applicant_age,
    check_register_join_month,
};
use tuanjian_domain::{
    Action, ActorRole, BoundedText, IdNumber, JoinMonth, MemberFault, NewPassword, PasswordError,
    PoliticalStatus, authorize,
};
use tuanjian_store::applications::{
    self, Admission, Application, NewApplication, Resubmission, ReviewError,
};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::sessions::{SessionKind, create_session};
use tuanjian_store::throttle::{self, Policy};
use tuanjian_store::{StoreError, now};

use crate::auth::role::{self, Authority};
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::state::AppState;

/// "Already registered" answers tell an anonymous visitor that an ID number is in the system
/// (and its province): five within 15 minutes lock the address for 15 minutes.
pub const KNOWN_ID_POLICY: Policy = Policy {
    max_failures: 5,
    window: 15 * 60,
    lock_for: 15 * 60,
};
/// New applications from one address: a class registering together fits, a script does not.
pub const NEW_APPLICATION_POLICY: Policy = Policy {
    max_failures: 30,
    window: 60 * 60,
    lock_for: 60 * 60,
};

fn known_key(addr: IpAddr) -> String {
    format!("apply-known:{addr}")
}

fn new_key(addr: IpAddr) -> String {
    format!("apply-new:{addr}")
}

/// Today in Beijing: the day the age and month rules judge.
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// An organisation offered when the typed name is not an exact full name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub id: i64,
    pub full_name: String,
    pub kind_label: String,
    /// Only 团支部 can be chosen.
    pub is_branch: bool,
}

/// Why a submission or decision did not happen: one fault, or the list of a record's faults
/// (then `fault` sums them up), and organisations to choose from when the name did not match.
#[derive(Debug, Clone)]
pub struct ApplyError {
    pub fault: Fault,
    pub faults: Vec<Fault>,
    pub suggestions: Vec<Suggestion>,
}

impl ApplyError {
    fn many(faults: Vec<Fault>, suggestions: Vec<Suggestion>) -> Self {
        let fault = match faults.as_slice() {
            [one] => one.clone(),
            _ => Fault::bad_request(
                ErrorCode::RecordInvalid,
                format!(
                    "填写的内容有 {} 处需要修改，请按提示逐项修改后重新提交",
                    faults.len()
                ),
            ),
        };
        Self {
            fault,
            faults,
            suggestions,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.fault.status()
    }

    /// The message for a field, when a fault names it.
    pub fn for_field(&self, key: &str) -> Option<&str> {
        self.faults
            .iter()
            .chain(std::iter::once(&self.fault))
            .find(|f| f.field == Some(key))
            .map(|f| f.message.as_str())
    }
}

impl From<Fault> for ApplyError {
    fn from(f: Fault) -> Self {
        Self {
            faults: if f.field.is_some() {
                vec![f.clone()]
            } else {
                vec![]
            },
            fault: f,
            suggestions: vec![],
        }
    }
}

impl From<StoreError> for ApplyError {
    fn from(e: StoreError) -> Self {
        Fault::from(e).into()
    }
}

impl From<anyhow::Error> for ApplyError {
    fn from(e: anyhow::Error) -> Self {
        Fault::from(e).into()
    }
}

pub fn member_fault(f: &MemberFault) -> Fault {
    let fault = Fault::bad_request(f.code(), f.message.clone());
    match f.field {
        Some(field) => fault.field(field.key()),
        None => fault,
    }
}

pub fn rule_fault(f: &SelfServiceFault) -> Fault {
    let status = match f.code {
        ErrorCode::AlreadyRegistered | ErrorCode::StageOutOfOrder => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    let fault = Fault::with_status(status.as_u16(), f.code, f.message.clone());
    match f.field {
        Some(field) => fault.field(field.key()),
        None => fault,
    }
}

impl From<ReviewError> for ApplyError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::Refused(r) => Fault::forbidden(r.message).with_code(r.code).into(),
            ReviewError::Faults(f) => Self::many(f.iter().map(member_fault).collect(), vec![]),
            ReviewError::Rule(f) => rule_fault(&f).into(),
            ReviewError::Store(s) => s.into(),
        }
    }
}

/// What a submission (or a resubmission) carries besides the account.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub kind: Option<ApplicationKind>,
    /// As chosen; `None` when nothing was chosen.
    pub province_id: Option<i64>,
    /// The branch's full name, as typed.
    pub org_name: String,
    /// 流动团员报到: the home organisation.
    pub home_org: String,
    pub member: MemberInput,
}

/// A submission that keeps every rule a submission is judged by.
pub struct Checked {
    pub kind: ApplicationKind,
    pub branch: Org,
    pub id_number: Option<IdNumber>,
    pub name: String,
    pub phone: Option<String>,
    /// Normalised for storage: a 我要入团 application keeps only its profile.
    pub member: MemberInput,
    pub home_org: String,
}

async fn suggestions(
    state: &AppState,
    province_id: i64,
    name: &str,
) -> Result<Vec<Suggestion>, Fault> {
    let text: String = name.trim().chars().take(60).collect();
    if text.is_empty() {
        return Ok(vec![]);
    }
    let page = state
        .store
        .search_orgs(Some(province_id), &text, 1, 8)
        .await?;
    Ok(page
        .items
        .iter()
        .map(|h| Suggestion {
            id: h.id,
            full_name: h.full_name.clone(),
            kind_label: h.kind_label(),
            is_branch: h.kind.is_branch(),
        })
        .collect())
}

/// Checks a submission: the province and branch (by full name, with suggestions), the record
/// under the branch's entry rules for the kind, and the kind's own rules. Every fault at once.
pub async fn check(
    state: &AppState,
    fields: &Fields,
    today: NaiveDate,
) -> Result<Checked, ApplyError> {
    let kind = fields
        .kind
        .ok_or_else(|| Fault::new(ErrorCode::KindInvalid, "申请类型不正确"))?;
    let mut faults: Vec<Fault> = Vec::new();
    let (branch, suggested) = find_branch(state, fields, &mut faults).await?;
    let mut member = fields.member.clone();
    if member.profile.phone.trim().is_empty() {
        faults.push(
            Fault::new(
                ErrorCode::RequiredMissing,
                "请填写手机号码，便于团组织与您联系",
            )
            .field("phone"),
        );
    }
    let mut home_org = String::new();
    match kind {
        ApplicationKind::Join => member = check_join(member, today, &mut faults),
        ApplicationKind::Register | ApplicationKind::Report => {
            home_org = check_membership(
                state,
                kind,
                fields,
                branch.as_ref(),
                &member,
                today,
                &mut faults,
            )
            .await?;
        }
    }
    if !faults.is_empty() {
        return Err(ApplyError::many(faults, suggested));
    }
    let id_number = IdNumber::parse_on(&member.profile.id_number, today).ok();
    Ok(Checked {
        kind,
        branch: branch.expect("no faults means a branch"),
        id_number,
        name: member.profile.name.trim().to_string(),
        phone: tuanjian_domain::org_info::parse_mobile(&member.profile.phone).ok(),
        member,
        home_org,
    })
}

/// The branch: a province first, then the exact full name within it (seed, question 8); when
/// the name finds no branch, organisations with similar names to choose from.
async fn find_branch(
    state: &AppState,
    fields: &Fields,
    faults: &mut Vec<Fault>,
) -> Result<(Option<Org>, Vec<Suggestion>), Fault> {
    let provinces = state.store.province_choices().await?;
    let province = fields
        .province_id
        .filter(|id| provinces.iter().any(|p| p.id == *id));
    let mut branch = None;
    let mut suggested = Vec::new();
    match province {
        None => faults.push(
            Fault::new(
                ErrorCode::ProvinceInvalid,
                "请先选择团组织所在的省份（或系统团委），再填写团支部全称",
            )
            .field("province_id"),
        ),
        Some(_) if fields.org_name.trim().is_empty() => faults.push(
            Fault::new(
                ErrorCode::RequiredMissing,
                "请填写团支部的组织全称，例如“共青团某某市某某中学高一1班支部”",
            )
            .field("org_name"),
        ),
        Some(p) => match state
            .store
            .org_in_province_by_full_name(p, &fields.org_name)
            .await?
        {
            Some(org) if org.kind.is_branch() => branch = Some(org),
            Some(org) => {
                faults.push(
                    member_fault(&MemberFault::not_a_branch(&org.full_name)).field("org_name"),
                );
                suggested = suggestions(state, p, &fields.org_name).await?;
            }
            None => {
                let mut f =
                    member_fault(&MemberFault::org_not_found(&fields.org_name)).field("org_name");
                suggested = suggestions(state, p, &fields.org_name).await?;
                f.message = format!(
                    "所选省份中没有全称为“{}”的组织。请使用团支部的组织全称（不是简称）{}",
                    fields.org_name.trim().chars().take(30).collect::<String>(),
                    if suggested.is_empty() {
                        "，并确认所选省份正确"
                    } else {
                        "；下面列出了名称相近的组织，可点选其中的团支部"
                    }
                );
                faults.push(f);
            }
        },
    }

    Ok((branch, suggested))
}

/// 我要入团: the applicant is not yet a member, so only the profile and the age count.
fn check_join(member: MemberInput, today: NaiveDate, faults: &mut Vec<Fault>) -> MemberInput {
    let mut member = member;
    // Not yet a member: no membership fields, and not a league member.
    member = MemberInput {
        profile: member.profile,
        ..MemberInput::default()
    };
    member.profile.political_status = PoliticalStatus::Masses.label().into();
    if let Err(fs) = member.profile.parse(today) {
        faults.extend(fs.iter().map(member_fault));
    }
    if let Ok(id) = IdNumber::parse_on(&member.profile.id_number, today)
        && let Err(f) = check_join_applicant_age(&id, today)
    {
        faults.push(rule_fault(&f));
    }
    member
}

/// 团员团干部注册 and 流动团员报到: the membership as the branch would enter it; for a report,
/// the home organisation, which it returns.
async fn check_membership(
    state: &AppState,
    kind: ApplicationKind,
    fields: &Fields,
    branch: Option<&Org>,
    member: &MemberInput,
    today: NaiveDate,
    faults: &mut Vec<Fault>,
) -> Result<String, ApplyError> {
    let mut home_org = String::new();
    // Since 2020 later members are entered by their branch: say so before anything else.
    if kind == ApplicationKind::Register
        && let Ok(j) = JoinMonth::parse_on(&member.join_month, today)
        && let Err(f) = check_register_join_month(j)
    {
        return Err(rule_fault(&f).into());
    }
    if kind == ApplicationKind::Report {
        match BoundedText::<100>::parse(&fields.home_org, "团籍所在地团组织名称") {
            Ok(t) => home_org = t.into_string(),
            Err(e) => faults.push(
                Fault::bad_request(
                    e.code(),
                    format!("{e}（请填写您原来所在团组织的名称，即团籍所在地）"),
                )
                .field("home_org"),
            ),
        }
    }
    let parsed = match &branch {
        Some(b) => {
            let mut tx = state.store.begin_read().await?;
            let r = tuanjian_store::members::parse_member_for(&mut tx, b, member, today).await;
            tx.rollback().await?;
            r.err()
        }
        // Without a branch the record is still checked (no 号段 known yet).
        None => member
            .parse(tuanjian_domain::BranchContext {
                is_xinjiang: false,
                ranges: None,
                today,
            })
            .err()
            .map(tuanjian_store::members::EntryError::Faults),
    };
    match parsed {
        None => {}
        Some(tuanjian_store::members::EntryError::Faults(fs)) => {
            faults.extend(fs.iter().map(member_fault))
        }
        Some(tuanjian_store::members::EntryError::Refused(r)) => {
            return Err(Fault::forbidden(r.message).with_code(r.code).into());
        }
        Some(tuanjian_store::members::EntryError::Store(e)) => return Err(e.into()),
    }
    Ok(home_org)
}

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!("提交过于频繁，已暂时限制，请 {minutes} 分钟后再试"),
    )
}

/// An anonymous submission: the account (with the chosen password), the pending application
/// and a session, in one transaction. Returns (session token, application id).
pub async fn submit(
    state: &AppState,
    addr: IpAddr,
    fields: &Fields,
    password: &str,
    confirm: Option<&str>,
    session_kind: SessionKind,
) -> Result<(String, i64), ApplyError> {
    for key in [known_key(addr), new_key(addr)] {
        if let Some(until) = state.store.locked_until(&key).await? {
            return Err(locked_fault(until).into());
        }
    }
    let today = today();
    let checked = check(state, fields, today).await;
    // The password is judged with the rest, so one answer lists every fault.
    let mut password_fault = None;
    if let Ok(id) = IdNumber::parse_on(&fields.member.profile.id_number, today) {
        if password.is_empty() {
            password_fault =
                Some(Fault::new(ErrorCode::RequiredMissing, "请设置登录密码").field("password"));
        } else if let Err(e) = NewPassword::parse(password, &id) {
            password_fault = Some(Fault::bad_request(e.code(), e.to_string()).field("password"));
        } else if confirm.is_some_and(|c| c != password) {
            let e = PasswordError::Mismatch;
            password_fault = Some(Fault::bad_request(e.code(), e.to_string()).field("confirm"));
        }
    }
    let checked = match (checked, password_fault) {
        (Ok(c), None) => c,
        (Ok(_), Some(f)) => return Err(f.into()),
        (Err(mut e), Some(f)) if e.fault.status() == StatusCode::BAD_REQUEST => {
            e.faults.push(f);
            return Err(ApplyError::many(e.faults, e.suggestions));
        }
        (Err(e), _) => return Err(e),
    };
    let id = checked.id_number.clone().expect("checked");
    let anonymous = Actor {
        client_addr: Some(addr.to_string()),
        ..Actor::default()
    };

    // Registering twice is impossible: tell where, counting the answer against the address.
    let mut tx = state.store.begin_read().await?;
    let holder = applications::holder_tx(&mut tx, &id).await?;
    tx.rollback().await?;
    if let Some(h) = holder {
        let mut tx = state.store.begin().await?;
        let lock = throttle::record_failure(&mut tx, &known_key(addr), KNOWN_ID_POLICY).await?;
        if let Some(until) = lock {
            audit::record(
                &mut tx,
                &anonymous,
                AuditEntry::new("application.lockout").after(serde_json::json!({ "until": until })),
            )
            .await?;
        }
        tx.commit().await?;
        return Err(match lock {
            Some(until) => locked_fault(until).into(),
            None => rule_fault(&h.fault()).into(),
        });
    }

    let hash = state.hasher.hash(password.to_string()).await?;
    let mut tx = state.store.begin().await?;
    let (person_id, app_id) = applications::submit_tx(
        &mut tx,
        &anonymous,
        NewApplication {
            kind: checked.kind,
            branch: &checked.branch,
            id_number: &id,
            name: &checked.name,
            phone: checked.phone.as_deref(),
            password_hash: &hash,
            member: checked.member,
            home_org: checked.home_org,
        },
    )
    .await
    .map_err(|e| match e {
        // A concurrent submission with the same ID won the race.
        ReviewError::Store(StoreError::Conflict { code: ErrorCode::AlreadyRegistered, .. }) => {
            ApplyError::from(Fault::new(ErrorCode::AlreadyRegistered,
                "该身份证号码刚刚已提交过申请，不能重复提交。请用身份证号码和申请时设置的密码登录查看",
            ).field("id_number"))
        }
        other => other.into(),
    })?;
    throttle::record_failure(&mut tx, &new_key(addr), NEW_APPLICATION_POLICY).await?;
    let actor = Actor {
        person_id: Some(person_id),
        ..anonymous
    };
    let token = create_session(&mut tx, &actor, person_id, session_kind, None).await?;
    tx.commit().await?;
    Ok((token, app_id))
}

/// How the signed-in person sees an application.
#[derive(Debug, Clone)]
pub enum Viewer {
    Applicant,
    /// An admin whose scope covers the organisation; `may_decide` for its own admin.
    Admin {
        scope: AdminScope,
        may_decide: bool,
    },
}

/// The application, if the signed-in person is its applicant or an admin over its
/// organisation; otherwise "not found", so ids cannot be probed.
pub async fn visible(
    state: &AppState,
    user: &Signed,
    id: i64,
) -> Result<(Application, Viewer), Fault> {
    let app = state.store.application(id).await?;
    if app.person_id == user.person.id {
        return Ok((app, Viewer::Applicant));
    }
    if let Some(Authority::Admin(scope)) = role::current(state, user).await?
        && scope.covers(&app.org_path)
    {
        let may_decide = authorize(
            Action::DecideApplication,
            ActorRole::Admin(scope.relation_to(&app.org_path)),
        )
        .is_ok();
        return Ok((app, Viewer::Admin { scope, may_decide }));
    }
    Err(Fault::not_found())
}

/// The signed-in admin's scope, or why there is none.
pub async fn admin_scope(state: &AppState, user: &Signed) -> Result<AdminScope, Fault> {
    match role::required(state, user).await? {
        Authority::Admin(scope) => Ok(scope),
        _ => Err(Fault::forbidden(
            "申请由所申请团支部的管理员审核；请在首页切换到管理员身份后办理",
        )
        .with_code(ErrorCode::AdminRequired)),
    }
}

/// A decision's comment: optional, required to return.
pub fn comment_of(raw: Option<&str>, required: bool) -> Result<Option<String>, Fault> {
    let raw = raw.unwrap_or("").trim();
    if raw.is_empty() {
        return if required {
            Err(Fault::new(
                ErrorCode::CommentRequired,
                "退回时请填写退回意见，说明原因和需要怎样修改",
            )
            .field("comment"))
        } else {
            Ok(None)
        };
    }
    BoundedText::<500>::parse(raw, "审核意见")
        .map(|t| Some(t.into_string()))
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("comment"))
}

/// Approves a registration or a report: the applicant becomes a member of the branch.
pub async fn approve(
    state: &AppState,
    user: &Signed,
    id: i64,
    comment: Option<&str>,
) -> Result<Application, ApplyError> {
    let scope = admin_scope(state, user).await?;
    let comment = comment_of(comment, false)?;
    let mut tx = state.store.begin().await?;
    applications::approve_tx(
        &mut tx,
        &user.actor(),
        &scope,
        id,
        comment.as_deref(),
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(state.store.application(id).await?)
}

/// Returns (rejects) a pending application with a comment.
pub async fn return_application(
    state: &AppState,
    user: &Signed,
    id: i64,
    comment: Option<&str>,
) -> Result<Application, ApplyError> {
    let scope = admin_scope(state, user).await?;
    let comment = comment_of(comment, true)?.expect("required");
    let mut tx = state.store.begin().await?;
    applications::return_tx(&mut tx, &user.actor(), &scope, id, &comment).await?;
    tx.commit().await?;
    Ok(state.store.application(id).await?)
}

/// Moves a 我要入团 application to its next stage; the last takes 入团年月 and 发展团员编号.
pub async fn advance(
    state: &AppState,
    user: &Signed,
    id: i64,
    to: Option<&str>,
    admission: &Admission,
    comment: Option<&str>,
) -> Result<Application, ApplyError> {
    let scope = admin_scope(state, user).await?;
    let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(JoinStage::parse(s).ok_or_else(|| {
            Fault::new(
                ErrorCode::StageInvalid,
                "阶段只能是 activist（入团积极分子）、candidate（发展对象）或 member（团员）",
            )
            .field("to")
        })?),
    };
    let comment = comment_of(comment, false)?;
    let mut tx = state.store.begin().await?;
    applications::advance_tx(
        &mut tx,
        &user.actor(),
        &scope,
        id,
        to,
        admission,
        comment.as_deref(),
        today(),
    )
    .await?;
    tx.commit().await?;
    Ok(state.store.application(id).await?)
}

pub async fn withdraw(state: &AppState, user: &Signed, id: i64) -> Result<Application, ApplyError> {
    let mut tx = state.store.begin().await?;
    applications::withdraw_tx(&mut tx, &user.actor(), user.person.id, id).await?;
    tx.commit().await?;
    Ok(state.store.application(id).await?)
}

/// The applicant corrects a returned or withdrawn application and submits it again.
pub async fn resubmit(
    state: &AppState,
    user: &Signed,
    id: i64,
    fields: &Fields,
) -> Result<Application, ApplyError> {
    let app = state.store.application(id).await?;
    if app.person_id != user.person.id {
        return Err(Fault::not_found().into());
    }
    // The account's ID number cannot change: the application keeps it.
    let mut fields = fields.clone();
    fields.kind = Some(app.kind);
    fields.member.profile.id_number = app.id_number.as_str().to_string();
    let checked = check(state, &fields, today()).await?;
    let mut tx = state.store.begin().await?;
    applications::resubmit_tx(
        &mut tx,
        &user.actor(),
        user.person.id,
        id,
        Resubmission {
            branch: &checked.branch,
            name: &checked.name,
            phone: checked.phone.as_deref(),
            member: checked.member,
            home_org: checked.home_org,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(state.store.application(id).await?)
}
