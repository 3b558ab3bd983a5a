//! 管理员注册 pages and API: the anonymous form (new account) and the signed-in form (the
//! account one has), over `tuanjian_app::org_setup::register`.

use std::net::IpAddr;

use askama::Template;
use axum::Json;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use tuanjian_app::org_setup::register::{NewAdmin, register_existing, register_new};
use tuanjian_store::roles::RoleKind;
use tuanjian_store::sessions::{SessionKind, random_token};
use utoipa::ToSchema;

use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::auth::csrf::{CsrfForm, csrf_fault, parse_form, read_body, same_token};
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::{ApiJson, PageQuery};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

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
