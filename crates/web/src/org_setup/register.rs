//! 管理员注册: a person becomes the admin of the organisation a registration code names —
//! with a new account (anonymous form), or with the account they have (signed in; former
//! admins of deleted organisations, seed question 3). Failed code entries are throttled per
//! client address so codes cannot be found by trying.

use std::net::IpAddr;
use tuanjian_domain::ErrorCode;

use askama::Template;
use axum::Json;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use tuanjian_domain::org_info::parse_mobile;
use tuanjian_domain::{
    BoundedText, CodeState, IdNumber, NewPassword, PasswordError, REGISTRATION_CODE_VALIDITY,
    RegCode,
};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::people::insert_person;
use tuanjian_store::reg_codes::{self, CodeRecord};
use tuanjian_store::roles::{RoleKind, insert_admin};
use tuanjian_store::sessions::{SessionKind, create_session, random_token};
use tuanjian_store::throttle::{self, Policy};
use tuanjian_store::{StoreError, now};
use utoipa::ToSchema;

use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::auth::csrf::{CsrfForm, csrf_fault, parse_form, read_body, same_token};
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::{ApiJson, PageQuery};
use crate::org_setup::beijing;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// Ten wrong codes within 15 minutes lock the address for 15 minutes: a few hundred guesses a
/// day against 31^12 codes.
pub const CODE_POLICY: Policy = Policy {
    max_failures: 10,
    window: 15 * 60,
    lock_for: 15 * 60,
};

fn throttle_key(addr: IpAddr) -> String {
    format!("code:{addr}")
}

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!(
            "注册码输入错误次数过多，已暂时锁定，请 {minutes} 分钟后再试；请向上级组织管理员核对注册码"
        ),
    )
}

/// Why a code cannot be used, each with its own message and code.
fn code_problem(rec: Option<&CodeRecord>) -> Option<Fault> {
    let Some(rec) = rec else {
        return Some(
            Fault::new(
                ErrorCode::CodeUnknown,
                format!(
                    "注册码不正确，系统中没有这个注册码。请核对后重新输入：{}",
                    RegCode::format_hint()
                ),
            )
            .field("code"),
        );
    };
    let (code, message) = match rec.state() {
        CodeState::Active => return None,
        CodeState::Expired => (
            ErrorCode::CodeExpired,
            format!(
                "注册码已于 {} 过期（有效期{REGISTRATION_CODE_VALIDITY}）。请联系上级组织管理员重新生成注册码",
                beijing(rec.expires_at)
            ),
        ),
        CodeState::Revoked => (
            ErrorCode::CodeRevoked,
            "注册码已被上级组织管理员作废。请联系上级组织管理员获取新的注册码".to_string(),
        ),
        CodeState::Used => (
            ErrorCode::CodeUsed,
            "注册码已被使用过，每个注册码只能注册一次。如需成为该组织的管理员，请联系上级组织管理员重新生成注册码".to_string(),
        ),
    };
    Some(Fault::with_status(409, code, message).field("code"))
}

/// The active code typed, or the reason it is not one. Failures count towards the address's
/// lock; while locked, no code is even looked up.
async fn check_code(state: &AppState, addr: IpAddr, input: &str) -> Result<CodeRecord, Fault> {
    let key = throttle_key(addr);
    if let Some(until) = state.store.locked_until(&key).await? {
        return Err(locked_fault(until));
    }
    if input.trim().is_empty() {
        return Err(Fault::new(ErrorCode::RequiredMissing, "请填写管理员注册码").field("code"));
    }
    let mut tx = state.store.begin().await?;
    let rec = match RegCode::parse(input) {
        Some(code) => reg_codes::find_tx(&mut tx, &code).await?,
        None => None,
    };
    let Some(problem) = code_problem(rec.as_ref()) else {
        tx.rollback().await?;
        return Ok(rec.expect("no problem means found"));
    };
    let lock = throttle::record_failure(&mut tx, &key, CODE_POLICY).await?;
    if let Some(until) = lock {
        tracing::warn!("registration code lockout");
        audit::record(
            &mut tx,
            &Actor {
                client_addr: Some(addr.to_string()),
                ..Actor::default()
            },
            AuditEntry::new("reg_code.lockout").after(serde_json::json!({ "until": until })),
        )
        .await?;
    }
    tx.commit().await?;
    Err(lock.map_or(problem, locked_fault))
}

/// In the registering transaction: the code must still be active (it may have been used or
/// revoked since it was checked).
async fn recheck(tx: &mut tuanjian_store::Tx, rec: &CodeRecord) -> Result<CodeRecord, Fault> {
    let now_rec = reg_codes::find_tx(tx, &rec.code).await?;
    match code_problem(now_rec.as_ref()) {
        Some(f) => Err(f),
        None => Ok(now_rec.expect("found")),
    }
}

/// What the anonymous form and API ask for.
pub struct NewAdmin<'a> {
    pub code: &'a str,
    pub id_number: &'a str,
    pub name: &'a str,
    pub mobile: &'a str,
    pub password: &'a str,
    pub confirm: Option<&'a str>,
}

fn account_exists(id: &IdNumber) -> Fault {
    Fault::new(ErrorCode::AccountExists,
        format!(
            "身份证号码 {} 已有账号，不能重复注册。请用该账号登录后打开“管理员注册”页面（/admin-register）填写注册码，即可成为该组织的管理员",
            id.masked()
        ),
    )
    .field("id_number")
}

/// Creates the account, makes it admin of the code's organisation, uses up the code and opens
/// a session acting as that admin: one transaction. Returns the session token and the org id.
pub async fn register_new(
    state: &AppState,
    addr: IpAddr,
    input: &NewAdmin<'_>,
    kind: SessionKind,
) -> Result<(String, i64), Fault> {
    let rec = check_code(state, addr, input.code).await?;
    let id = IdNumber::parse(input.id_number).map_err(|e| {
        Fault::bad_request(e.code(), format!("{e}（账号是本人的18位身份证号码）"))
            .field("id_number")
    })?;
    let name = BoundedText::<50>::parse(input.name, "姓名")
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("name"))?;
    let mobile = parse_mobile(input.mobile)
        .map_err(|m| Fault::new(ErrorCode::MobileInvalid, m).field("mobile"))?;
    if input.confirm.is_some_and(|c| c != input.password) {
        let e = PasswordError::Mismatch;
        return Err(Fault::bad_request(e.code(), e.to_string()).field("confirm"));
    }
    let password = NewPassword::parse(input.password, &id)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("password"))?;
    // Only someone holding an active code learns that an ID number has an account.
    if state.store.person_by_id_number(&id).await?.is_some() {
        return Err(account_exists(&id));
    }
    let hash = state.hasher.hash(password.expose().to_string()).await?;
    let mut tx = state.store.begin().await?;
    let rec = recheck(&mut tx, &rec).await?;
    let anonymous = Actor {
        client_addr: Some(addr.to_string()),
        ..Actor::default()
    };
    let person = insert_person(
        &mut tx,
        &anonymous,
        &id,
        name.as_str(),
        Some(&mobile),
        Some(&hash),
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict { .. } => account_exists(&id),
        other => other.into(),
    })?;
    let actor = Actor {
        person_id: Some(person.id),
        ..anonymous
    };
    insert_admin(&mut tx, &actor, rec.org_id, person.id).await?;
    reg_codes::mark_used(&mut tx, &actor, &rec, person.id).await?;
    let token = create_session(
        &mut tx,
        &actor,
        person.id,
        kind,
        Some((RoleKind::Admin, rec.org_id)),
    )
    .await?;
    tx.commit().await?;
    Ok((token, rec.org_id))
}

/// The signed-in person becomes admin of the code's organisation and acts in that role.
pub async fn register_existing(state: &AppState, user: &Signed, code: &str) -> Result<i64, Fault> {
    let rec = check_code(state, user.addr, code).await?;
    let mut tx = state.store.begin().await?;
    let rec = recheck(&mut tx, &rec).await?;
    let actor = user.actor();
    insert_admin(&mut tx, &actor, rec.org_id, user.person.id)
        .await
        .map_err(|e| match e {
            StoreError::Conflict { code, .. } => Fault::with_status(
                409,
                code,
                "您已经是该组织的管理员，无需再次注册；注册码没有被使用",
            )
            .field("code"),
            other => other.into(),
        })?;
    reg_codes::mark_used(&mut tx, &actor, &rec, user.person.id).await?;
    tx.commit().await?;
    state
        .store
        .set_session_role(&actor, &user.session, (RoleKind::Admin, rec.org_id))
        .await?;
    Ok(rec.org_id)
}

/// Where a new admin goes first: 完善组织信息.
fn info_url(org_id: i64) -> String {
    format!("/orgs/{org_id}/info")
}

#[derive(Template)]
#[template(path = "setup_register.html")]
struct RegisterPage {
    nav: Option<Nav>,
    csrf: String,
    form: RegisterForm,
    error: Option<String>,
    error_field: &'static str,
}

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

fn render_anonymous(
    state: &AppState,
    csrf: String,
    mut form: RegisterForm,
    error: Option<&Fault>,
) -> PageResult {
    // Never echo passwords; keep the rest so only the fault needs fixing.
    form.password.clear();
    form.confirm.clear();
    form.code = form.code.chars().take(20).collect();
    form.id_number = form.id_number.chars().take(20).collect();
    let page = RegisterPage {
        nav: None,
        csrf: csrf.clone(),
        form,
        error: error.map(|f| f.message.clone()),
        error_field: error.and_then(|f| f.field).unwrap_or(""),
    };
    let mut res = (
        AppendHeaders([(
            SET_COOKIE,
            cookies::set(cookies::LOGIN_CSRF, &csrf, state.config.secure_cookies),
        )]),
        Html(page.render()?),
    )
        .into_response();
    if let Some(f) = error {
        *res.status_mut() = f.status();
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct RegisterQuery {
    code: Option<String>,
}

pub async fn anonymous_page(
    State(state): State<AppState>,
    PageQuery(q): PageQuery<RegisterQuery>,
    req: Request,
) -> PageResult {
    let csrf =
        cookies::get(req.headers(), cookies::LOGIN_CSRF).map_or_else(random_token, str::to_string);
    let form = RegisterForm {
        code: q.code.unwrap_or_default(),
        ..RegisterForm::default()
    };
    render_anonymous(&state, csrf, form, None)
}

pub async fn anonymous_submit(State(state): State<AppState>, req: Request) -> PageResult {
    let (parts, body) = req.into_parts();
    let addr = client_addr(&parts, &state.config);
    let cookie_csrf = cookies::get(&parts.headers, cookies::LOGIN_CSRF).map(str::to_string);
    let (headers, bytes) = read_body(Request::from_parts(parts, body)).await?;
    let form: RegisterForm = parse_form(&headers, &bytes)?;
    // Double submit, as on the login page: there is no session yet.
    let Some(csrf) = cookie_csrf.filter(|c| same_token(c, &form.csrf)) else {
        return Err(PageError(csrf_fault()));
    };
    let input = NewAdmin {
        code: &form.code,
        id_number: &form.id_number,
        name: &form.name,
        mobile: &form.mobile,
        password: &form.password,
        confirm: Some(&form.confirm),
    };
    match register_new(&state, addr, &input, SessionKind::Web).await {
        Ok((token, org_id)) => Ok((
            AppendHeaders([
                (
                    SET_COOKIE,
                    cookies::set(cookies::SESSION, &token, state.config.secure_cookies),
                ),
                (
                    SET_COOKIE,
                    cookies::clear(cookies::LOGIN_CSRF, state.config.secure_cookies),
                ),
            ]),
            Redirect::to(&info_url(org_id)),
        )
            .into_response()),
        Err(f) if f.status().is_client_error() => render_anonymous(&state, csrf, form, Some(&f)),
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Template)]
#[template(path = "setup_admin_register.html")]
struct SignedInPage {
    nav: Option<Nav>,
    csrf: String,
    code: String,
    error: Option<String>,
}

fn render_signed_in(user: &Signed, code: String, error: Option<&Fault>) -> PageResult {
    let page = SignedInPage {
        nav: Some(Nav::plain(user)),
        csrf: user.session.csrf_token.clone(),
        code: code.chars().take(20).collect(),
        error: error.map(|f| f.message.clone()),
    };
    let mut res = Html(page.render()?).into_response();
    if let Some(f) = error {
        *res.status_mut() = f.status();
    }
    Ok(res)
}

pub async fn signed_in_page(
    PageUser(user): PageUser,
    PageQuery(q): PageQuery<RegisterQuery>,
) -> PageResult {
    render_signed_in(&user, q.code.unwrap_or_default(), None)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn signed_in_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> PageResult {
    match register_existing(&state, &user, &form.code).await {
        Ok(org_id) => Ok(Redirect::to(&info_url(org_id)).into_response()),
        Err(f) if f.status().is_client_error() => render_signed_in(&user, form.code, Some(&f)),
        Err(f) => Err(PageError(f)),
    }
}

/// The client address, for API handlers that have no session yet.
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_addr(parts, &state.config)))
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterRequest {
    /// The 管理员注册码, with or without dashes, any case.
    pub code: String,
    /// 18-digit ID number: the new account's username.
    pub id_number: String,
    pub name: String,
    /// 11-digit mobile number.
    pub mobile: String,
    /// At least 8 characters with letters and digits, not part of the ID number.
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct RegisteredBody {
    /// Bearer token of a session already acting as the new admin.
    pub token: String,
    /// The organisation now administered; next: complete its information.
    pub org_id: i64,
    pub role: &'static str,
}

#[utoipa::path(post, path = "/api/v1/register/admin", security(()), request_body = RegisterRequest,
    responses((status = 200, body = RegisteredBody), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn api_anonymous(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> ApiResult<RegisteredBody> {
    let input = NewAdmin {
        code: &body.code,
        id_number: &body.id_number,
        name: &body.name,
        mobile: &body.mobile,
        password: &body.password,
        confirm: None,
    };
    let (token, org_id) = register_new(&state, addr, &input, SessionKind::Api).await?;
    Ok(Json(RegisteredBody {
        token,
        org_id,
        role: RoleKind::Admin.code(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct AdminRegisterRequest {
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct AdminRegisteredBody {
    /// The organisation now administered; the session acts as its admin.
    pub org_id: i64,
    pub role: &'static str,
}

#[utoipa::path(post, path = "/api/v1/admin-register", request_body = AdminRegisterRequest,
    responses((status = 200, body = AdminRegisteredBody), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn api_signed_in(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<AdminRegisterRequest>,
) -> ApiResult<AdminRegisteredBody> {
    let org_id = register_existing(&state, &user, &body.code).await?;
    Ok(Json(AdminRegisteredBody {
        org_id,
        role: RoleKind::Admin.code(),
    }))
}
