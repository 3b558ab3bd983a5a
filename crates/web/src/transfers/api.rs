//! JSON API of transfers: each handler calls the same use case as its page.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tuanjian_app::transfers::start::NamedMember;
use tuanjian_app::transfers::{decide, lists as list_uc, start, view};
use tuanjian_domain::transfer::TransferInput;
use tuanjian_store::transfers::{Side, Transfer, TransferFilter};
use utoipa::{IntoParams, ToSchema};

use super::shown_status;
use crate::api::account::Done;
use crate::auth::user::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;

/// A request as typed: the reason, its detail, and where to.
#[derive(Deserialize, ToSchema, Default)]
pub struct TransferRequestBody {
    /// further_study 升学, employment 就业, military 参军, abroad 出国(境), unemployed 未就业,
    /// other 其他 (the Chinese label is accepted too).
    #[serde(default)]
    pub reason: String,
    /// The reason's detail: the school, the employer, the country …
    #[serde(default)]
    pub detail: String,
    /// The receiving organisation (found with /api/v1/orgs/search).
    pub to_org_id: Option<i64>,
    /// beijing, guangdong or fujian: the destination runs its own system; the member leaves
    /// this one once the sending side approves.
    pub own_system_province: Option<String>,
    /// The receiving organisation's full name there.
    pub own_system_name: Option<String>,
}

impl TransferRequestBody {
    pub(crate) fn input(&self) -> TransferInput<'_> {
        TransferInput {
            reason: &self.reason,
            detail: &self.detail,
            to_org_id: self.to_org_id,
            own_system_province: self.own_system_province.as_deref(),
            own_system_name: self.own_system_name.as_deref(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct OutRequest {
    /// The members to transfer, each one request with the same reason and destination.
    #[serde(default)]
    pub person_ids: Vec<i64>,
    #[serde(flatten)]
    pub request: TransferRequestBody,
}

#[derive(Deserialize, ToSchema)]
pub struct InRequest {
    /// The member's name and ID number as registered.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    /// The branch the member joins, when the receiving organisation is not a branch.
    pub branch_id: Option<i64>,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub detail: String,
}

#[derive(Serialize, ToSchema)]
pub struct TransferBody {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    pub from_org_id: Option<i64>,
    pub from_org_name: String,
    pub to_org_id: Option<i64>,
    pub to_org_name: String,
    /// beijing, guangdong or fujian when leaving this system.
    pub own_system_province: Option<&'static str>,
    pub assigned_org_id: Option<i64>,
    pub assigned_org_name: Option<String>,
    pub reason: &'static str,
    pub reason_label: &'static str,
    pub reason_detail: String,
    /// member, sender or receiver
    pub starter: &'static str,
    pub started_by_name: String,
    /// Unix seconds.
    pub started_at: i64,
    /// pending_out, pending_in, completed, left_system, returned, withdrawn or lapsed
    pub status: &'static str,
    pub status_label: &'static str,
    /// When an open request lapses (Unix seconds).
    pub expires_at: i64,
    pub comment: Option<String>,
}

impl From<&Transfer> for TransferBody {
    fn from(t: &Transfer) -> Self {
        let status = shown_status(t);
        Self {
            id: t.id,
            person_id: t.person_id,
            person_name: t.person_name.clone(),
            id_number: t.id_number.masked(),
            from_org_id: t.from_org_id,
            from_org_name: t.from_org_name.clone(),
            to_org_id: t.to_org_id,
            to_org_name: t.to_org_name.clone(),
            own_system_province: t.own_system_province.map(|p| p.code()),
            assigned_org_id: t.assigned_org_id,
            assigned_org_name: t.assigned_org_name.clone(),
            reason: t.reason.code(),
            reason_label: t.reason.label(),
            reason_detail: t.reason_detail.clone(),
            starter: t.starter.code(),
            started_by_name: t.started_by_name.clone(),
            started_at: t.started_at,
            status: status.code(),
            status_label: status.label(),
            expires_at: t.expires_at,
            comment: t.comment.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StartedBody {
    /// The requests started, one per member.
    pub ids: Vec<i64>,
}

type Created<T> = Result<(StatusCode, Json<T>), ApiError>;

#[utoipa::path(post, path = "/api/v1/me/transfers", request_body = TransferRequestBody,
    responses((status = 201, body = StartedBody), (status = 400, body = ErrorBody, description = "transfer_reason_invalid, transfer_detail_invalid, transfer_destination_invalid"),
        (status = 409, body = ErrorBody, description = "transfer_pending, transfer_same_org, transfer_not_member")))]
pub async fn start_mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<TransferRequestBody>,
) -> Created<StartedBody> {
    let id = start::by_member(&state, &user, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(StartedBody { ids: vec![id] })))
}

#[derive(Serialize, ToSchema)]
pub struct TransferListBody {
    pub items: Vec<TransferBody>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/me/transfers", responses((status = 200, body = TransferListBody)))]
pub async fn list_mine(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<TransferListBody> {
    let items = list_uc::mine(&state, &user).await?;
    let total = items.len() as i64;
    Ok(Json(TransferListBody {
        items: items.iter().map(TransferBody::from).collect(),
        total,
        page: 1,
        per_page: total,
    }))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/transfers/out", params(("id" = i64, Path, description = "the organisation the members belong to (a branch or above)")),
    request_body = OutRequest,
    responses((status = 201, body = StartedBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "transfer_pending, transfer_same_org, transfer_not_member")))]
pub async fn start_out(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<OutRequest>,
) -> Created<StartedBody> {
    let org_id = parse_id(&raw)?;
    let ids = start::out(
        &state,
        &user,
        org_id,
        &body.person_ids,
        &body.request.input(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(StartedBody { ids })))
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/transfers/in", params(("id" = i64, Path, description = "the receiving organisation")),
    request_body = InRequest,
    responses((status = 201, body = StartedBody), (status = 400, body = ErrorBody, description = "transfer_branch_required, transfer_branch_invalid …"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "not_found, transfer_member_unknown"),
        (status = 409, body = ErrorBody, description = "transfer_pending, transfer_same_org")))]
pub async fn start_in(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<InRequest>,
) -> Created<StartedBody> {
    let org_id = parse_id(&raw)?;
    let input = TransferInput {
        reason: &body.reason,
        detail: &body.detail,
        ..TransferInput::default()
    };
    let member = NamedMember {
        name: &body.name,
        id_number: &body.id_number,
    };
    let id = start::into(&state, &user, org_id, &member, body.branch_id, &input).await?;
    Ok((StatusCode::CREATED, Json(StartedBody { ids: vec![id] })))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// out (办理转出, the default) or in (办理转入)
    pub side: Option<String>,
    /// pending (the default) or done
    pub state: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

pub(crate) fn side_of(raw: Option<&str>) -> Result<Side, tuanjian_app::Fault> {
    match raw.unwrap_or("out") {
        "out" => Ok(Side::Out),
        "in" => Ok(Side::In),
        _ => Err(tuanjian_app::Fault::bad_request(
            tuanjian_domain::ErrorCode::QueryInvalid,
            "side 只能是 out（办理转出）或 in（办理转入）",
        )
        .field("side")),
    }
}

pub(crate) fn filter_of(raw: Option<&str>) -> Result<TransferFilter, tuanjian_app::Fault> {
    match raw.unwrap_or("pending") {
        "pending" => Ok(TransferFilter::Pending),
        "done" => Ok(TransferFilter::Done),
        _ => Err(tuanjian_app::Fault::bad_request(
            tuanjian_domain::ErrorCode::QueryInvalid,
            "state 只能是 pending（待审批）或 done（已办结）",
        )
        .field("state")),
    }
}

#[utoipa::path(get, path = "/api/v1/transfers", params(ListQuery),
    responses((status = 200, body = TransferListBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<TransferListBody> {
    let side = side_of(q.side.as_deref())?;
    let filter = filter_of(q.state.as_deref())?;
    let page = list_uc::list(
        &state,
        &user,
        side,
        filter,
        q.page.unwrap_or(1),
        q.per_page.unwrap_or(list_uc::PER_PAGE),
    )
    .await?;
    Ok(Json(TransferListBody {
        items: page.items.iter().map(TransferBody::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct StepBody {
    /// Unix seconds.
    pub at: i64,
    pub actor_name: Option<String>,
    pub event: &'static str,
    pub event_label: &'static str,
    pub comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TransferDetailBody {
    pub transfer: TransferBody,
    pub steps: Vec<StepBody>,
    pub may_approve_out: bool,
    pub may_approve_in: bool,
    pub may_return: bool,
    pub may_withdraw: bool,
    /// The branches the receiving side may assign (when it is not a branch): [id, full name].
    pub branches: Vec<(i64, String)>,
}

#[utoipa::path(get, path = "/api/v1/transfers/{id}", params(("id" = i64, Path, description = "transfer id")),
    responses((status = 200, body = TransferDetailBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<TransferDetailBody> {
    let id = parse_id(&raw)?;
    let v = view::show(&state, &user, id).await?;
    Ok(Json(TransferDetailBody {
        transfer: TransferBody::from(&v.transfer),
        steps: v
            .steps
            .iter()
            .map(|s| StepBody {
                at: s.at,
                actor_name: s.actor_name.clone(),
                event: s.event.code(),
                event_label: s.event.label(),
                comment: s.comment.clone(),
            })
            .collect(),
        may_approve_out: v.may.approve_out,
        may_approve_in: v.may.approve_in,
        may_return: v.may.return_it,
        may_withdraw: v.may.withdraw,
        branches: v
            .may
            .branches
            .iter()
            .map(|b| (b.id, b.full_name.clone()))
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct IdsRequest {
    #[serde(default)]
    pub ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct OutcomeBody {
    pub id: i64,
    /// pending_in, completed or left_system
    pub status: &'static str,
}

#[utoipa::path(post, path = "/api/v1/transfers/approve-out", request_body = IdsRequest,
    responses((status = 200, body = [OutcomeBody]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "transfer_not_pending, transfer_lapsed")))]
pub async fn approve_out(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<IdsRequest>,
) -> ApiResult<Vec<OutcomeBody>> {
    let outcomes = decide::approve_out(&state, &user, &body.ids).await?;
    Ok(Json(
        outcomes
            .iter()
            .map(|o| OutcomeBody {
                id: o.transfer_id,
                status: o.status.code(),
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ApproveInItem {
    pub id: i64,
    /// The branch the member joins; omit when the receiving organisation is a branch.
    pub branch_id: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
pub struct ApproveInRequest {
    #[serde(default)]
    pub items: Vec<ApproveInItem>,
}

#[utoipa::path(post, path = "/api/v1/transfers/approve-in", request_body = ApproveInRequest,
    responses((status = 200, body = [OutcomeBody]), (status = 400, body = ErrorBody, description = "transfer_branch_required, transfer_branch_invalid"),
        (status = 403, body = ErrorBody, description = "out_of_scope, transfer_province_review"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "transfer_not_pending, transfer_lapsed")))]
pub async fn approve_in(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<ApproveInRequest>,
) -> ApiResult<Vec<OutcomeBody>> {
    let items: Vec<(i64, Option<i64>)> = body.items.iter().map(|i| (i.id, i.branch_id)).collect();
    let done = decide::approve_in(&state, &user, &items).await?;
    Ok(Json(
        done.iter()
            .map(|d| OutcomeBody {
                id: d.transfer_id,
                status: "completed",
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ReturnRequest {
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/return", params(("id" = i64, Path, description = "transfer id")),
    request_body = ReturnRequest,
    responses((status = 200, body = Done), (status = 400, body = ErrorBody, description = "comment_required"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "transfer_not_pending, transfer_lapsed")))]
pub async fn return_transfer(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> ApiResult<Done> {
    let id = parse_id(&raw)?;
    decide::return_transfer(&state, &user, id, &body.comment).await?;
    Ok(Json(Done { ok: true }))
}

#[utoipa::path(post, path = "/api/v1/transfers/{id}/withdraw", params(("id" = i64, Path, description = "transfer id")),
    responses((status = 200, body = Done), (status = 403, body = ErrorBody, description = "transfer_not_starter"), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "transfer_not_pending")))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<Done> {
    let id = parse_id(&raw)?;
    decide::withdraw(&state, &user, id).await?;
    Ok(Json(Done { ok: true }))
}
