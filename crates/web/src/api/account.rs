//! Login, logout, password, the signed-in person and role switching.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use tuanjian_app::account::login::login as do_login;
use tuanjian_app::account::logout::logout as end_session;
use tuanjian_app::account::password::{PasswordChange, change_password as do_change_password};
use tuanjian_app::account::switch_role::switch_role as do_switch_role;
use tuanjian_store::roles::Role;
use tuanjian_store::sessions::SessionKind;
use utoipa::ToSchema;

use crate::auth::client::client_addr;
use crate::auth::user::{ApiUser, ApiUserAnyState};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// 18-digit ID number (a 15-digit one is converted).
    pub id_number: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct RoleBody {
    /// admin, cadre or member
    pub kind: &'static str,
    pub org_id: i64,
    pub org_short_name: String,
    pub org_full_name: String,
    pub posts: Vec<String>,
}

impl From<&Role> for RoleBody {
    fn from(r: &Role) -> Self {
        Self {
            kind: r.kind.code(),
            org_id: r.org_id,
            org_short_name: r.org_short_name.clone(),
            org_full_name: r.org_full_name.clone(),
            posts: r.posts.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// True while the account has its initial password: only /password, /me and /logout work until it is changed.
    pub must_change_password: bool,
    pub name: String,
    pub roles: Vec<RoleBody>,
}

#[utoipa::path(post, path = "/api/v1/login", security(()), request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(State(state): State<AppState>, req: Request) -> ApiResult<LoginResponse> {
    let (parts, body): (Parts, _) = req.into_parts();
    let addr = client_addr(&parts, &state.config);
    let ApiJson(body): ApiJson<LoginRequest> =
        <ApiJson<LoginRequest> as axum::extract::FromRequest<AppState>>::from_request(
            Request::from_parts(parts, body),
            &state,
        )
        .await?;
    let done = do_login(
        &state,
        state.metrics.as_ref(),
        &body.id_number,
        &body.password,
        addr,
        SessionKind::Api,
    )
    .await?;
    Ok(Json(LoginResponse {
        token: done.token,
        must_change_password: done.person.in_initial_state(),
        name: done.person.name,
        roles: done.roles.iter().map(RoleBody::from).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Done {
    pub ok: bool,
}

#[utoipa::path(post, path = "/api/v1/logout", responses((status = 200, body = Done), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    ApiUserAnyState(user): ApiUserAnyState,
) -> ApiResult<Done> {
    end_session(&state, &user).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordRequest {
    pub current: String,
    pub new_password: String,
}

/// A wrong current password counts against the account's login lockout (429 `locked_out`).
#[utoipa::path(post, path = "/api/v1/password", request_body = PasswordRequest,
    responses((status = 200, body = Done), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    ApiUserAnyState(user): ApiUserAnyState,
    ApiJson(body): ApiJson<PasswordRequest>,
) -> ApiResult<Done> {
    let input = PasswordChange {
        current: &body.current,
        new: &body.new_password,
        confirm: None,
    };
    do_change_password(&state, state.metrics.as_ref(), &user, &input).await?;
    Ok(Json(Done { ok: true }))
}

#[derive(Serialize, ToSchema)]
pub struct ActiveRole {
    pub kind: &'static str,
    pub org_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub must_change_password: bool,
    pub roles: Vec<RoleBody>,
    pub active_role: Option<ActiveRole>,
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(
    State(state): State<AppState>,
    ApiUserAnyState(user): ApiUserAnyState,
) -> ApiResult<MeResponse> {
    let roles = state.store.roles_of(user.person.id).await?;
    Ok(Json(MeResponse {
        name: user.person.name.clone(),
        id_number: user.person.id_number.masked(),
        must_change_password: user.must_change_password(),
        roles: roles.iter().map(RoleBody::from).collect(),
        active_role: user.session.role.map(|(k, org_id)| ActiveRole {
            kind: k.code(),
            org_id,
        }),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct RoleRequest {
    /// admin, cadre or member
    pub kind: String,
    pub org_id: i64,
}

#[utoipa::path(put, path = "/api/v1/role", request_body = RoleRequest,
    responses((status = 200, body = ActiveRole), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn switch_role(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<RoleRequest>,
) -> Result<Json<ActiveRole>, ApiError> {
    let (kind, org_id) = do_switch_role(&state, &user, &body.kind, body.org_id, false).await?;
    Ok(Json(ActiveRole {
        kind: kind.code(),
        org_id,
    }))
}
