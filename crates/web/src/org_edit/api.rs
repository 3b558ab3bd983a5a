//! The JSON API of organisation information: read it, change it (at once for the direct
//! superior; fills at once and a pending request for the organisation's own admin), decide
//! requests, and read the history.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_app::org_edit::input::InfoInput;
use tuanjian_app::org_edit::{access, decide, save};
use tuanjian_store::org_changes::{Decision, field_label};
use utoipa::ToSchema;

use crate::auth::role;
use crate::auth::user::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::org_edit::history::{self, HistoryQuery, HistoryView};
use crate::org_edit::view::{self, ChangeView, InfoView};
use crate::state::AppState;

#[utoipa::path(get, path = "/api/v1/orgs/{id}/info",
    params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = InfoView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_info(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<InfoView> {
    let id = parse_id(&raw)?;
    let authority = role::required(&state, &user).await?;
    let org = access::viewable(&state, &user, &authority, id).await?;
    Ok(Json(view::build(&state, &authority, &org).await?.0))
}

/// Fields to set; absent or empty fields stay as they are. Only the direct superior's admin
/// may set short_name, full_name, kind and industry.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct InfoRequest {
    pub short_name: Option<String>,
    pub full_name: Option<String>,
    /// 组织类别: code (03TW) or label (团委).
    pub kind: Option<String>,
    /// 单位所属行业类别: code (05PTGZ) or label (普通高中).
    pub industry: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub admin_staff_quota: Option<i64>,
    pub admin_staff_actual: Option<i64>,
    pub career_staff_quota: Option<i64>,
    pub career_staff_actual: Option<i64>,
    /// The 书记: name, ID number and mobile go together.
    pub secretary_name: Option<String>,
    pub secretary_id_number: Option<String>,
    pub secretary_phone: Option<String>,
}

impl From<InfoRequest> for InfoInput {
    fn from(r: InfoRequest) -> Self {
        let n = |v: Option<i64>| v.map(|n| n.to_string());
        InfoInput {
            short_name: r.short_name,
            full_name: r.full_name,
            kind: r.kind,
            industry: r.industry,
            phone: r.phone,
            email: r.email,
            admin_staff_quota: n(r.admin_staff_quota),
            admin_staff_actual: n(r.admin_staff_actual),
            career_staff_quota: n(r.career_staff_quota),
            career_staff_actual: n(r.career_staff_actual),
            secretary_name: r.secretary_name,
            secretary_id_number: r.secretary_id_number,
            secretary_phone: r.secretary_phone,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SaveResponse {
    /// Fields that took effect at once.
    pub applied: Vec<&'static str>,
    pub applied_labels: Vec<&'static str>,
    /// The history entry of what took effect at once.
    pub applied_change_id: Option<i64>,
    /// Fields waiting for the direct superior's approval.
    pub pending: Vec<&'static str>,
    pub pending_labels: Vec<&'static str>,
    pub pending_change_id: Option<i64>,
    pub info: InfoView,
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}/info", request_body = InfoRequest,
    params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = SaveResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn put_info(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<InfoRequest>,
) -> ApiResult<SaveResponse> {
    let id = parse_id(&raw)?;
    let authority = role::required(&state, &user).await?;
    let org = access::target(&state, &user, &authority, id).await?;
    let done = save::save(&state, &user, &authority, &org, &body.into())
        .await
        .map_err(|e| e.into_fault())?;
    let org = state.store.org(org.id).await?;
    let labels = |keys: &[&'static str]| keys.iter().map(|k| field_label(k)).collect();
    Ok(Json(SaveResponse {
        applied_labels: labels(&done.applied),
        pending_labels: labels(&done.pending),
        applied: done.applied,
        applied_change_id: done.applied_change_id,
        pending: done.pending,
        pending_change_id: done.pending_change_id,
        info: view::build(&state, &authority, &org).await?.0,
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct DecisionRequest {
    /// Required to return a request; optional otherwise.
    pub comment: Option<String>,
}

async fn decide(
    state: AppState,
    user: crate::auth::user::Signed,
    (raw_id, raw_change): (String, String),
    body: DecisionRequest,
    decision: Decision,
) -> ApiResult<ChangeView> {
    let id = parse_id(&raw_id)?;
    let change_id = parse_id(&raw_change)?;
    let authority = role::required(&state, &user).await?;
    let org = access::target(&state, &user, &authority, id).await?;
    decide::decide(
        &state,
        &user,
        &authority,
        &org,
        change_id,
        decision,
        body.comment.as_deref(),
    )
    .await?;
    let change = state.store.org_change(org.id, change_id).await?;
    Ok(Json(ChangeView::of(&change)))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/changes/{change_id}/approve", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "organisation id"), ("change_id" = i64, Path, description = "change request id")),
    responses((status = 200, body = ChangeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(ids): Path<(String, String)>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> ApiResult<ChangeView> {
    decide(state, user, ids, body, Decision::Approve).await
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/changes/{change_id}/return", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "organisation id"), ("change_id" = i64, Path, description = "change request id")),
    responses((status = 200, body = ChangeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn return_change(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(ids): Path<(String, String)>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> ApiResult<ChangeView> {
    decide(state, user, ids, body, Decision::Return).await
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/changes/{change_id}/withdraw", request_body = DecisionRequest,
    params(("id" = i64, Path, description = "organisation id"), ("change_id" = i64, Path, description = "change request id")),
    responses((status = 200, body = ChangeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(ids): Path<(String, String)>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> ApiResult<ChangeView> {
    decide(state, user, ids, body, Decision::Withdraw).await
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/history",
    params(("id" = i64, Path, description = "organisation id"), HistoryQuery),
    responses((status = 200, body = HistoryView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> ApiResult<HistoryView> {
    let id = parse_id(&raw)?;
    let authority = role::required(&state, &user).await?;
    let read = history::read(&state, &user, &authority, id, &q).await?;
    Ok(Json(history::build(&read)))
}
