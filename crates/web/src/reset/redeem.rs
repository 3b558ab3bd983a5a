//! 忘记密码, the page and the API: the person types their ID number, the reset code and a new
//! password; `tuanjian_app::reset::redeem` checks and throttles it. The page never echoes the
//! code or the passwords.

use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{AppendHeaders, Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::reset::redeem::{Redeem, redeem};
use tuanjian_store::sessions::random_token;
use utoipa::ToSchema;

use crate::api::account::Done;
use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::auth::csrf::{csrf_fault, parse_form, read_body, same_token};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::ApiJson;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

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
