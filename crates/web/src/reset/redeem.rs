//! 忘记密码: the person types their ID number, the reset code and a new password. Wrong,
//! expired, revoked and used codes each get their own message; an unknown ID number answers
//! exactly like a wrong code, so nobody learns whether an ID has an account. Failures are
//! throttled per typed ID number and per client address, as logins are.

use std::net::IpAddr;
use tuanjian_domain::ErrorCode;

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{AppendHeaders, Html, IntoResponse};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tuanjian_domain::{
    CodeState, IdNumber, NewPassword, PasswordError, RESET_CODE_VALIDITY, ResetCode,
};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::people::{self, set_password_hash};
use tuanjian_store::reset_codes::{self, ResetRecord};
use tuanjian_store::sessions::random_token;
use tuanjian_store::throttle::{self, Policy};
use tuanjian_store::{StoreError, Tx, now};
use utoipa::ToSchema;

use crate::api::account::Done;
use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::auth::csrf::{csrf_fault, parse_form, read_body, same_token};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::ApiJson;
use crate::org_setup::beijing;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// The typed ID number's key: only a digest is kept, so the table holds no stranger's ID.
fn account_key(id: &IdNumber) -> String {
    let d = Sha256::digest(id.as_str().as_bytes());
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("reset:acct:{hex}")
}

fn address_key(addr: IpAddr) -> String {
    format!("reset:addr:{addr}")
}

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!(
            "重置码输入错误次数过多，已暂时锁定，请 {minutes} 分钟后再试；请向所在团组织管理员核对重置码"
        ),
    )
}

fn wrong_code() -> Fault {
    Fault::new(
        ErrorCode::ResetCodeWrong,
        format!(
            "身份证号码或重置码不正确。请核对：{}；重置码只对管理员生成时指定的本人有效",
            ResetCode::format_hint()
        ),
    )
    .field("code")
}

/// Why a found code cannot be used, each with its own message.
fn problem(rec: &ResetRecord) -> Option<Fault> {
    let (code, message) = match rec.state() {
        CodeState::Active => return None,
        CodeState::Expired => (
            ErrorCode::ResetCodeExpired,
            format!(
                "重置码已于 {} 过期（有效期{RESET_CODE_VALIDITY}）。请联系所在团组织管理员重新生成重置码",
                beijing(rec.expires_at)
            ),
        ),
        CodeState::Revoked => (
            ErrorCode::ResetCodeRevoked,
            "重置码已作废：管理员之后又为您生成了新的重置码，请使用最新的重置码".to_string(),
        ),
        CodeState::Used => (
            ErrorCode::ResetCodeUsed,
            "重置码已使用过，每个重置码只能使用一次。如仍需重置密码，请联系所在团组织管理员重新生成"
                .to_string(),
        ),
    };
    Some(Fault::with_status(409, code, message).field("code"))
}

/// The person and their active code, or the reason there is none.
async fn lookup(
    tx: &mut Tx,
    id: &IdNumber,
    code: Option<&ResetCode>,
) -> Result<Result<(i64, ResetRecord), Fault>, StoreError> {
    let person_id = people::person_by_id_number_tx(tx, id).await?.map(|p| p.id);
    let (Some(person_id), Some(code)) = (person_id, code) else {
        return Ok(Err(wrong_code()));
    };
    Ok(match reset_codes::find_tx(tx, person_id, code).await? {
        None => Err(wrong_code()),
        Some(rec) => match problem(&rec) {
            Some(f) => Err(f),
            None => Ok((person_id, rec)),
        },
    })
}

/// What the form and the API send.
pub struct Redeem<'a> {
    pub id_number: &'a str,
    pub code: &'a str,
    pub new_password: &'a str,
    pub confirm: Option<&'a str>,
}

/// Sets the new password: code checked (failures counted), password hashed, then one
/// transaction that stores it, uses up the code, ends every session and records it.
pub async fn redeem(state: &AppState, addr: IpAddr, input: &Redeem<'_>) -> Result<(), Fault> {
    let store = &state.store;
    let addr_key = address_key(addr);
    if let Some(until) = store.locked_until(&addr_key).await? {
        return Err(locked_fault(until));
    }
    let id = IdNumber::parse(input.id_number).map_err(|e| {
        Fault::bad_request(e.code(), format!("{e}（请填写本人的18位身份证号码）"))
            .field("id_number")
    })?;
    let acct_key = account_key(&id);
    if let Some(until) = store.locked_until(&acct_key).await? {
        return Err(locked_fault(until));
    }
    if input.code.trim().is_empty() {
        return Err(
            Fault::new(ErrorCode::RequiredMissing, "请填写管理员给您的重置码").field("code"),
        );
    }
    // The password's own rules first: they tell nothing about the account.
    if input.confirm.is_some_and(|c| c != input.new_password) {
        let e = PasswordError::Mismatch;
        return Err(Fault::bad_request(e.code(), e.to_string()).field("confirm"));
    }
    let password = NewPassword::parse(input.new_password, &id)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("new_password"))?;
    let code = ResetCode::parse(input.code);
    let anonymous = Actor {
        client_addr: Some(addr.to_string()),
        ..Actor::default()
    };

    let mut tx = store.begin().await?;
    let found = lookup(&mut tx, &id, code.as_ref()).await?;
    let (person_id, rec) = match found {
        Ok(v) => {
            tx.rollback().await?;
            v
        }
        Err(fault) => {
            let acct =
                throttle::record_failure(&mut tx, &acct_key, state.config.account_lockout).await?;
            let addr_lock =
                throttle::record_failure(&mut tx, &addr_key, address_policy(state)).await?;
            let lock = acct.or(addr_lock);
            if let Some(until) = lock {
                tracing::warn!("reset code lockout");
                audit::record(
                    &mut tx,
                    &anonymous,
                    AuditEntry::new("reset_code.lockout")
                        .after(serde_json::json!({ "until": until })),
                )
                .await?;
            }
            tx.commit().await?;
            return Err(lock.map_or(fault, locked_fault));
        }
    };

    let hash = state.hasher.hash(password.expose().to_string()).await?;
    let actor = Actor {
        person_id: Some(person_id),
        ..anonymous
    };
    let mut tx = store.begin().await?;
    // Used, revoked or expired since the check: the conditional update in `mark_used` decides.
    reset_codes::mark_used(&mut tx, &actor, &rec).await?;
    set_password_hash(&mut tx, &actor, person_id, &hash).await?;
    let ended = reset_codes::end_all_sessions(&mut tx, person_id).await?;
    throttle::clear(&mut tx, &acct_key).await?;
    // A new password ends a login lockout of the account too: its owner proved who they are.
    throttle::clear(&mut tx, &crate::auth::login::account_key(id.as_str())).await?;
    audit::record(
        &mut tx,
        &actor,
        AuditEntry::new("account.password_reset")
            .target("person", person_id)
            .after(serde_json::json!({ "code_id": rec.id, "sessions_ended": ended })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn address_policy(state: &AppState) -> Policy {
    state.config.address_lockout
}

#[derive(Template)]
#[template(path = "reset_redeem.html")]
struct RedeemPage {
    nav: Option<Nav>,
    csrf: String,
    form: RedeemForm,
    error: Option<String>,
    error_field: &'static str,
    done: bool,
}

#[derive(Deserialize, Default)]
pub struct RedeemForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

fn render(
    state: &AppState,
    csrf: String,
    mut form: RedeemForm,
    error: Option<&Fault>,
    done: bool,
) -> PageResult {
    // Never echo passwords or the code back.
    form.new_password.clear();
    form.confirm.clear();
    form.code.clear();
    form.id_number = form.id_number.trim().chars().take(20).collect();
    let page = RedeemPage {
        nav: None,
        csrf: csrf.clone(),
        form,
        error: error.map(|f| f.message.clone()),
        error_field: error.and_then(|f| f.field).unwrap_or(""),
        done,
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

pub async fn page(State(state): State<AppState>, req: Request) -> PageResult {
    let csrf =
        cookies::get(req.headers(), cookies::LOGIN_CSRF).map_or_else(random_token, str::to_string);
    render(&state, csrf, RedeemForm::default(), None, false)
}

pub async fn submit(State(state): State<AppState>, req: Request) -> PageResult {
    let (parts, body): (Parts, _) = req.into_parts();
    let addr = client_addr(&parts, &state.config);
    let cookie_csrf = cookies::get(&parts.headers, cookies::LOGIN_CSRF).map(str::to_string);
    let (headers, bytes) = read_body(Request::from_parts(parts, body)).await?;
    let form: RedeemForm = parse_form(&headers, &bytes)?;
    // Double submit, as on the login page: there is no session.
    let Some(csrf) = cookie_csrf.filter(|c| same_token(c, &form.csrf)) else {
        return Err(PageError(csrf_fault()));
    };
    let input = Redeem {
        id_number: &form.id_number,
        code: &form.code,
        new_password: &form.new_password,
        confirm: Some(&form.confirm),
    };
    match redeem(&state, addr, &input).await {
        Ok(()) => render(&state, csrf, RedeemForm::default(), None, true),
        Err(f) if f.status().is_client_error() => render(&state, csrf, form, Some(&f), false),
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RedeemRequest {
    /// The person's 18-digit ID number.
    pub id_number: String,
    /// The reset code the admin handed over (10 characters, dashes and case ignored).
    pub code: String,
    pub new_password: String,
}

#[utoipa::path(post, path = "/api/v1/reset-password", security(()), request_body = RedeemRequest,
    responses((status = 200, body = Done), (status = 400, body = ErrorBody, description = "reset_code_wrong, id_number_invalid, password rules"),
        (status = 409, body = ErrorBody, description = "reset_code_expired, reset_code_revoked, reset_code_used"),
        (status = 429, body = ErrorBody, description = "locked_out")))]
pub async fn api_redeem(State(state): State<AppState>, req: Request) -> ApiResult<Done> {
    let (parts, body): (Parts, _) = req.into_parts();
    let addr = client_addr(&parts, &state.config);
    let ApiJson(body): ApiJson<RedeemRequest> =
        <ApiJson<RedeemRequest> as axum::extract::FromRequest<AppState>>::from_request(
            Request::from_parts(parts, body),
            &state,
        )
        .await?;
    let input = Redeem {
        id_number: &body.id_number,
        code: &body.code,
        new_password: &body.new_password,
        confirm: None,
    };
    redeem(&state, addr, &input).await?;
    Ok(Json(Done { ok: true }))
}
