//! JSON API for 毕业: the same use cases as the pages (`tuanjian_app::graduation`).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_domain::graduation::LateGraduation;
use tuanjian_store::graduation::Graduate;
use utoipa::{IntoParams, ToSchema};

use crate::api::query::{optional_int, page_schema};
use crate::auth::user::ApiUser;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::state::AppState;
use tuanjian_app::graduation::{graduates, late, marks};

#[derive(Serialize, ToSchema)]
pub struct BranchBody {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
    /// `01TZB` (团支部) or `06BYBTZB` (毕业生团组织).
    pub kind: String,
    /// `students`, `teachers`, `mixed`, or null when not marked.
    pub mark: Option<String>,
    /// `YYYY-MM`, students only.
    pub month: Option<String>,
    /// When the branch became a 毕业生团组织 (Unix seconds).
    pub converted_at: Option<i64>,
    /// Members in normal standing.
    pub members: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BranchesBody {
    pub org_id: i64,
    /// Whether the signed-in admin may mark these branches (an organisation above them).
    pub may_mark: bool,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub branches: Vec<BranchBody>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct BranchesQuery {
    /// Page of branches (200 a page), from 1.
    #[serde(deserialize_with = "optional_int")]
    #[param(schema_with = page_schema)]
    pub page: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/graduation/branches",
    params(("id" = i64, Path, description = "organisation id"), BranchesQuery),
    responses((status = 200, body = BranchesBody)))]
pub async fn branches(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<BranchesQuery>,
) -> ApiResult<BranchesBody> {
    let o = marks::overview(&state, &user, parse_id(&raw)?, q.page).await?;
    Ok(Json(BranchesBody {
        org_id: o.org.id,
        may_mark: o.may_mark,
        total: o.branches.total,
        page: o.page,
        pages: o.pages(),
        branches: o
            .branches
            .items
            .iter()
            .map(|b| BranchBody {
                id: b.org.id,
                short_name: b.org.short_name.clone(),
                full_name: b.org.full_name.clone(),
                kind: b.org.kind.code().into(),
                mark: b.mark.map(|m| m.kind().into()),
                month: b.mark.and_then(|m| m.month()).map(|m| m.to_string()),
                converted_at: b.converted_at,
                members: b.members,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct MarkRequest {
    /// Branches below the organisation in the path.
    pub branch_ids: Vec<i64>,
    /// `students` (with `month`), `teachers`, `mixed`, or `clear`.
    pub kind: String,
    /// `YYYY-MM` (also 2027/6, 2027年6月 …), not before this month; students only.
    #[serde(default)]
    pub month: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MarkedBody {
    /// Branches marked.
    pub marked: usize,
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}/graduation/branches",
    params(("id" = i64, Path, description = "organisation id (above the branches)")),
    request_body = MarkRequest,
    responses((status = 200, body = MarkedBody),
        (status = 400, body = ErrorBody, description = "graduation_month_invalid, invalid_choice, required_missing"),
        (status = 403, body = ErrorBody, description = "superior_admin_only"),
        (status = 409, body = ErrorBody, description = "graduation_not_allowed")))]
pub async fn mark(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<MarkRequest>,
) -> ApiResult<MarkedBody> {
    let id = parse_id(&raw)?;
    let choice = marks::parse_choice(&body.kind, body.month.as_deref().unwrap_or(""))?;
    let marked = marks::mark(&state, &user, id, &body.branch_ids, choice).await?;
    Ok(Json(MarkedBody { marked }))
}

#[derive(Serialize, ToSchema)]
pub struct GraduateBody {
    pub person_id: i64,
    pub name: String,
    /// Masked.
    pub id_number: String,
    /// `month` or `not_this_year` for a late graduate.
    pub late: Option<String>,
    /// The first month a late graduate is listed for transfer, `YYYY-MM`.
    pub late_month: Option<String>,
    /// The transfer already under way.
    pub open_transfer: Option<i64>,
}

fn graduate(g: &Graduate) -> GraduateBody {
    GraduateBody {
        person_id: g.person_id,
        name: g.name.clone(),
        id_number: g.id_number.masked(),
        late: g.late.map(|l| l.kind().into()),
        late_month: g.late.map(|l| l.listed_from().to_string()),
        open_transfer: g.open_transfer,
    }
}

#[derive(Serialize, ToSchema)]
pub struct GraduatesBody {
    pub org_id: i64,
    /// `01TZB` or `06BYBTZB` (毕业生团组织: the members below are to transfer).
    pub kind: String,
    /// `students`, `teachers`, `mixed` or null.
    pub mark: Option<String>,
    pub month: Option<String>,
    /// Members to transfer now.
    pub ready: Vec<GraduateBody>,
    /// Late graduates, held back until their month.
    pub late: Vec<GraduateBody>,
    /// Members whose transfer is under way.
    pub in_transfer: Vec<GraduateBody>,
    /// The bulk transfer page with `ready` chosen.
    pub transfer_url: String,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/graduates",
    params(("id" = i64, Path, description = "branch id")),
    responses((status = 200, body = GraduatesBody),
        (status = 409, body = ErrorBody, description = "graduation_not_allowed (not a branch)")))]
pub async fn graduates(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<GraduatesBody> {
    let b = graduates::list(&state, &user, parse_id(&raw)?).await?;
    let g = &b.graduates;
    Ok(Json(GraduatesBody {
        org_id: b.org.id,
        kind: b.org.kind.code().into(),
        mark: b.mark.map(|(m, _)| m.kind().into()),
        month: b.mark.and_then(|(m, _)| m.month()).map(|m| m.to_string()),
        ready: g.ready.iter().map(graduate).collect(),
        late: g.late.iter().map(graduate).collect(),
        in_transfer: g.in_transfer.iter().map(graduate).collect(),
        transfer_url: b.transfer_url(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct LateBody {
    pub person_id: i64,
    pub name: String,
    pub branch_id: i64,
    pub branch_name: String,
    /// `month`, `not_this_year`, or null.
    pub late: Option<String>,
    /// The first month listed for transfer, `YYYY-MM`.
    pub month: Option<String>,
    /// Whether the signed-in admin may mark this member.
    pub may_mark: bool,
}

async fn late_body(
    state: &AppState,
    user: &crate::auth::user::Signed,
    id: i64,
) -> ApiResult<LateBody> {
    let m = late::show(state, user, id).await?;
    let l: Option<LateGraduation> = m.late;
    Ok(Json(LateBody {
        person_id: m.person.id,
        name: m.person.name,
        branch_id: m.branch.id,
        branch_name: m.branch.full_name,
        late: l.map(|l| l.kind().into()),
        month: l.map(|l| l.listed_from().to_string()),
        may_mark: m.may_mark,
    }))
}

#[utoipa::path(get, path = "/api/v1/members/{id}/graduation",
    params(("id" = i64, Path, description = "the member's person id")),
    responses((status = 200, body = LateBody)))]
pub async fn late(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<LateBody> {
    late_body(&state, &user, parse_id(&raw)?).await
}

#[derive(Deserialize, ToSchema)]
pub struct LateRequest {
    /// `month` (with `month`), `not_this_year`, or `clear`.
    pub kind: String,
    #[serde(default)]
    pub month: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/members/{id}/graduation",
    params(("id" = i64, Path, description = "the member's person id")),
    request_body = LateRequest,
    responses((status = 200, body = LateBody),
        (status = 400, body = ErrorBody, description = "graduation_month_invalid, invalid_choice"),
        (status = 403, body = ErrorBody, description = "superior_admin_only"),
        (status = 409, body = ErrorBody, description = "graduation_not_allowed")))]
pub async fn mark_late(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<LateRequest>,
) -> ApiResult<LateBody> {
    let id = parse_id(&raw)?;
    let choice = late::parse_choice(&body.kind, body.month.as_deref().unwrap_or(""))?;
    late::mark(&state, &user, id, choice).await?;
    late_body(&state, &user, id).await
}
