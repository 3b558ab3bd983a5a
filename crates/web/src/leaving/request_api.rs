//! JSON API for the member's own 退团 request and the branch's answer. Each handler calls the
//! same use case as its page (`request`).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use tuanjian_app::leaving::history::mine;
use tuanjian_app::leaving::request::{accept, ask, decline, take_back};
use utoipa::ToSchema;

use super::api::{MembershipBody, current, membership_body};
use crate::auth::user::{ApiUser, Signed};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, parse_id};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct WithdrawRequest {
    /// Why the member asks to leave the league (required, at most 500 characters).
    pub reason: String,
}

async fn own(state: &AppState, user: &Signed) -> ApiResult<MembershipBody> {
    let m = mine(state, user)
        .await?
        .ok_or_else(tuanjian_app::Fault::not_found)?;
    Ok(Json(membership_body(
        &m.member,
        &m.history,
        &m.registrations,
    )))
}

#[utoipa::path(post, path = "/api/v1/me/membership/withdraw-request", request_body = WithdrawRequest,
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "no_member_record, leaving_pending, member_has_left")))]
pub async fn request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<WithdrawRequest>,
) -> ApiResult<MembershipBody> {
    ask(&state, &user, &body.reason).await?;
    own(&state, &user).await
}

#[utoipa::path(post, path = "/api/v1/me/membership/withdraw-request/cancel",
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "no_member_record, nothing_pending")))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<MembershipBody> {
    take_back(&state, &user).await?;
    own(&state, &user).await
}

#[derive(Deserialize, ToSchema)]
pub struct AcceptRequest {
    /// The day 退团 takes effect (`2026-05-01`), not after today.
    pub date: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/membership/withdraw-request/accept",
    params(("id" = i64, Path, description = "the member's person id")), request_body = AcceptRequest,
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "nothing_pending")))]
pub async fn accept_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> ApiResult<MembershipBody> {
    let id = parse_id(&raw)?;
    accept(&state, &user, id, &body.date).await?;
    current(&state, &user, id).await
}

#[derive(Deserialize, ToSchema)]
pub struct DeclineRequest {
    /// Why the branch declines (required): the member reads it.
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/membership/withdraw-request/decline",
    params(("id" = i64, Path, description = "the member's person id")), request_body = DeclineRequest,
    responses((status = 200, body = MembershipBody),
        (status = 409, body = ErrorBody, description = "nothing_pending")))]
pub async fn decline_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<DeclineRequest>,
) -> ApiResult<MembershipBody> {
    let id = parse_id(&raw)?;
    decline(&state, &user, id, &body.comment).await?;
    current(&state, &user, id).await
}
