//! JSON API for 推优入党. Each handler calls the same use case as its page.

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tuanjian_app::recommendations::lists::list as list_uc;
use tuanjian_app::recommendations::steps::{decide, joined as joined_uc, record as record_uc};
use tuanjian_app::recommendations::{form_file, view};
use tuanjian_store::recommendations::lists::RecListItem;
use utoipa::{IntoParams, ToSchema};

use super::receive::{file_of, receive};
use super::stage_of;
use crate::auth::user::{ApiUser, Signed};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct RecommendationBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    /// recommend_pending, recommend_returned, recommended, confirm_pending, confirm_returned,
    /// confirmed, joined; null before any recommendation.
    pub status: Option<&'static str>,
    pub status_label: &'static str,
    /// 入党申请年月 (YYYY-MM).
    pub applied_month: Option<String>,
    /// 推荐时间 (YYYY-MM-DD).
    pub recommended_on: Option<String>,
    /// 确定时间 (YYYY-MM-DD).
    pub confirmed_on: Option<String>,
    /// 入党年月 (YYYY-MM).
    pub joined_month: Option<String>,
    /// The superior's comment of the last decision.
    pub comment: Option<String>,
    /// The viewer is the branch's admin (records the steps).
    pub may_record: bool,
    /// The viewer is the branch's direct superior (approves or returns).
    pub may_decide: bool,
}

async fn body(state: &AppState, user: &Signed, person_id: i64) -> ApiResult<RecommendationBody> {
    let v = view(state, user, person_id).await?;
    let r = v.rec.as_ref();
    Ok(Json(RecommendationBody {
        person_id,
        name: v.member.name.clone(),
        id_number: v.member.id_number.masked(),
        org_id: v.member.branch.id,
        org_name: v.member.branch.full_name.clone(),
        status: r.map(|r| r.status.code()),
        status_label: r.map_or("未推荐", |r| r.status.label()),
        applied_month: r.map(|r| r.applied_month.clone()),
        recommended_on: r.map(|r| r.recommended_on.clone()),
        confirmed_on: r.and_then(|r| r.confirmed_on.clone()),
        joined_month: r.and_then(|r| r.joined_month.clone()),
        comment: r.and_then(|r| r.comment.clone()),
        may_record: v.may_record,
        may_decide: v.may_decide,
    }))
}

#[utoipa::path(get, path = "/api/v1/members/{id}/recommendation",
    params(("id" = i64, Path, description = "the member's person id")),
    responses((status = 200, body = RecommendationBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<RecommendationBody> {
    body(&state, &user, parse_id(&raw)?).await
}

#[utoipa::path(post, path = "/api/v1/members/{id}/recommendation/{stage}",
    params(("id" = i64, Path, description = "the member's person id"),
        ("stage" = String, Path, description = "recommend (推荐为入党积极分子) or confirm (确定为发展对象)")),
    request_body(content_type = "multipart/form-data",
        description = "`date` (YYYY-MM-DD), for recommend `applied_month` (入党申请年月, YYYY-MM), `file`: the scanned form (PDF, at most 20 MB)"),
    responses((status = 200, body = RecommendationBody),
        (status = 409, body = ErrorBody, description = "recommend_not_allowed (nothing changed)"),
        (status = 422, body = ErrorBody, description = "not a PDF")))]
pub async fn record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, stage)): Path<(String, String)>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<RecommendationBody> {
    let person_id = parse_id(&raw)?;
    let stage = stage_of(&stage)?;
    let up = receive(multipart).await?;
    let file = file_of(&up)?;
    record_uc(
        &state,
        &user,
        person_id,
        stage,
        &up.date,
        &up.applied_month,
        file,
    )
    .await?;
    body(&state, &user, person_id).await
}

#[derive(Deserialize, ToSchema)]
pub struct DecideRequest {
    /// Required to return; optional to approve.
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/recommendation/approve",
    params(("id" = i64, Path, description = "the member's person id")), request_body = DecideRequest,
    responses((status = 200, body = RecommendationBody),
        (status = 409, body = ErrorBody, description = "recommend_not_allowed: nothing waits")))]
pub async fn approve(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<DecideRequest>,
) -> ApiResult<RecommendationBody> {
    let id = parse_id(&raw)?;
    decide(&state, &user, id, true, b.comment.as_deref()).await?;
    body(&state, &user, id).await
}

#[utoipa::path(post, path = "/api/v1/members/{id}/recommendation/return",
    params(("id" = i64, Path, description = "the member's person id")), request_body = DecideRequest,
    responses((status = 200, body = RecommendationBody),
        (status = 409, body = ErrorBody, description = "recommend_not_allowed: nothing waits")))]
pub async fn return_step(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<DecideRequest>,
) -> ApiResult<RecommendationBody> {
    let id = parse_id(&raw)?;
    decide(&state, &user, id, false, b.comment.as_deref()).await?;
    body(&state, &user, id).await
}

#[derive(Deserialize, ToSchema)]
pub struct JoinedRequest {
    /// 入党年月 (YYYY-MM), not before the month of the confirmation.
    pub month: String,
}

#[utoipa::path(post, path = "/api/v1/members/{id}/recommendation/joined",
    params(("id" = i64, Path, description = "the member's person id")), request_body = JoinedRequest,
    responses((status = 200, body = RecommendationBody),
        (status = 409, body = ErrorBody, description = "recommend_not_allowed: not confirmed")))]
pub async fn joined(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(b): ApiJson<JoinedRequest>,
) -> ApiResult<RecommendationBody> {
    let id = parse_id(&raw)?;
    joined_uc(&state, &user, id, &b.month).await?;
    body(&state, &user, id).await
}

#[utoipa::path(get, path = "/api/v1/members/{id}/recommendation/{stage}/form",
    params(("id" = i64, Path, description = "the member's person id"),
        ("stage" = String, Path, description = "recommend or confirm")),
    responses((status = 200, description = "the step's form (a PDF, as an attachment)", content_type = "application/pdf")))]
pub async fn form(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((raw, stage)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let person_id = parse_id(&raw)?;
    let stage = stage_of(&stage)?;
    let file = form_file(&state, &user, person_id, stage).await?;
    Ok(crate::pdf_download::pdf_attachment(
        state.clone(),
        file,
        &format!("recommendation-{}-{person_id}.pdf", stage.code()),
        &format!("推优入党-{}-{person_id}.pdf", stage.label()),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct RecItemBody {
    pub person_id: i64,
    pub name: String,
    /// Masked.
    pub id_number: String,
    pub org_id: i64,
    pub org_name: String,
    pub status: &'static str,
    pub applied_month: String,
    pub recommended_on: String,
    pub confirmed_on: Option<String>,
    pub joined_month: Option<String>,
}

impl From<&RecListItem> for RecItemBody {
    fn from(i: &RecListItem) -> Self {
        Self {
            person_id: i.person_id,
            name: i.name.clone(),
            id_number: tuanjian_domain::IdNumber::parse(&i.id_number)
                .map(|x| x.masked())
                .unwrap_or_default(),
            org_id: i.branch_id,
            org_name: i.branch_name.clone(),
            status: i.status.code(),
            applied_month: i.applied_month.clone(),
            recommended_on: i.recommended_on.clone(),
            confirmed_on: i.confirmed_on.clone(),
            joined_month: i.joined_month.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RecListBody {
    pub org_id: i64,
    pub total: i64,
    pub page: i64,
    pub items: Vec<RecItemBody>,
    /// Steps of the branches directly below waiting for this organisation's approval.
    pub to_approve: Vec<RecItemBody>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A stage (recommend_pending … joined); absent or empty for all.
    pub status: Option<String>,
    #[param(schema_with = crate::api::query::page_schema)]
    pub page: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/recommendations",
    params(("id" = i64, Path, description = "organisation id"), ListParams),
    responses((status = 200, body = RecListBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<ListParams>,
) -> ApiResult<RecListBody> {
    let l = list_uc(
        &state,
        &user,
        parse_id(&raw)?,
        q.status.as_deref(),
        q.page.as_deref(),
    )
    .await?;
    Ok(Json(RecListBody {
        org_id: l.org.id,
        total: l.total,
        page: l.page,
        items: l.items.iter().map(RecItemBody::from).collect(),
        to_approve: l.to_approve.iter().map(RecItemBody::from).collect(),
    }))
}
