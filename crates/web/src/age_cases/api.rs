//! JSON API of 入团年龄特殊情况: the same use cases as the pages (`tuanjian_app::age_cases`).

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tuanjian_app::age_cases::case_view;
use tuanjian_app::age_cases::enter::{EnterInput, enter};
use tuanjian_app::age_cases::file::{CaseInput, file};
use tuanjian_app::age_cases::lists::{export, forward, list, return_case};
use tuanjian_store::age_cases::AgeCase;
use utoipa::{IntoParams, ToSchema};

use crate::auth::user::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::members::{FaultsBody, failure_response};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct AgeCaseBody {
    pub id: i64,
    pub province_id: i64,
    pub province_name: String,
    /// The member's current 团支部.
    pub branch_id: i64,
    pub branch_full_name: String,
    pub name: String,
    /// In full (the lists are the province's and 团中央's).
    pub id_number: String,
    /// 联系方式.
    pub phone: String,
    /// `YYYY-MM`.
    pub join_month: String,
    pub dev_number: Option<String>,
    /// 说明.
    pub statement: String,
    /// `collecting` (待汇总), `forwarded` (已报团中央), `entered` (已录入), `returned` (退回).
    pub status: String,
    pub status_label: String,
    pub filed_by_name: String,
    /// Unix seconds.
    pub filed_at: i64,
    pub forwarded_at: Option<i64>,
    pub decided_at: Option<i64>,
    /// The return comment, or the reason recorded on entry.
    pub comment: Option<String>,
    /// The member entered from it.
    pub person_id: Option<i64>,
}

impl From<&AgeCase> for AgeCaseBody {
    fn from(c: &AgeCase) -> Self {
        Self {
            id: c.id,
            province_id: c.province_id,
            province_name: c.province_name.clone(),
            branch_id: c.branch_id,
            branch_full_name: c.branch_full_name.clone(),
            name: c.name.clone(),
            id_number: c.id_number.clone(),
            phone: c.phone.clone(),
            join_month: c.join_month.clone(),
            dev_number: c.dev_number.clone(),
            statement: c.statement.clone(),
            status: c.status.code().into(),
            status_label: c.status.label().into(),
            filed_by_name: c.filed_by_name.clone(),
            filed_at: c.filed_at,
            forwarded_at: c.forwarded_at,
            decided_at: c.decided_at,
            comment: c.comment.clone(),
            person_id: c.person_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgeCaseListBody {
    /// `central` (团中央), `province` (省级团委) or `filer` (any other admin: read only).
    pub role: String,
    /// 总数.
    pub total: usize,
    pub cases: Vec<AgeCaseBody>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AgeCaseQuery {
    /// `collecting`, `forwarded`, `entered`, `returned` or `all`; empty: 团中央 sees the
    /// forwarded cases, everyone else all.
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
}

fn status_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::api::query::one_of_or_empty(
        "Only cases in this state (or `all`); empty or absent: 团中央 the forwarded ones, everyone else all.",
        ["all", "collecting", "forwarded", "entered", "returned"],
    )
}

#[utoipa::path(get, path = "/api/v1/age-cases",
    params(AgeCaseQuery),
    responses((status = 200, body = AgeCaseListBody)))]
pub async fn list_cases(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<AgeCaseQuery>,
) -> ApiResult<AgeCaseListBody> {
    use tuanjian_app::age_cases::lists::Role;
    let l = list(&state, &user, q.status.as_deref()).await?;
    Ok(Json(AgeCaseListBody {
        role: match l.role {
            Role::Central => "central",
            Role::Province => "province",
            Role::Filer => "filer",
        }
        .into(),
        total: l.total(),
        cases: l.cases.iter().map(AgeCaseBody::from).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/age-cases/export",
    params(AgeCaseQuery),
    responses((status = 200, description = "the .xlsx file (总数 = its rows)", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = ErrorBody, description = "province_only: only the province and 团中央 export")))]
pub async fn export_cases(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiQuery(q): ApiQuery<AgeCaseQuery>,
) -> Result<Response, ApiError> {
    let (name, bytes) = export(&state, &user, q.status.as_deref()).await?;
    Ok(xlsx_response("age-cases.xlsx", &name, bytes))
}

/// A case as filed; only the joining age may be at fault.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct FileRequest {
    pub name: String,
    pub id_number: String,
    /// 联系方式: a mobile number.
    pub phone: String,
    /// 入团年月, e.g. `2023-05`.
    pub join_month: String,
    /// 发展团员编号 (required from 2017, as for any entry).
    pub dev_number: String,
    /// 说明 by the developing organisation or the 县级团委.
    pub statement: String,
}

#[derive(Serialize, ToSchema)]
pub struct FiledBody {
    pub id: i64,
}

#[utoipa::path(post, path = "/api/v1/orgs/{id}/age-cases",
    params(("id" = i64, Path, description = "the member's current 团支部")),
    request_body = FileRequest,
    responses((status = 201, body = FiledBody),
        (status = 409, body = ErrorBody, description = "not_age_exception, age_case_open, already_registered, not_a_branch"),
        (status = 422, body = FaultsBody, description = "record_invalid: every fault with its field")))]
pub async fn file_case(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<FileRequest>,
) -> Result<Response, ApiError> {
    let input = CaseInput {
        branch_id: Some(parse_id(&raw)?),
        name: body.name,
        id_number: body.id_number,
        phone: body.phone,
        join_month: body.join_month,
        dev_number: body.dev_number,
        statement: body.statement,
    };
    Ok(match file(&state, &user, &input).await {
        Ok(id) => (axum::http::StatusCode::CREATED, Json(FiledBody { id })).into_response(),
        Err(f) => failure_response(f),
    })
}

#[utoipa::path(get, path = "/api/v1/age-cases/{id}",
    params(("id" = i64, Path, description = "case id")),
    responses((status = 200, body = AgeCaseBody)))]
pub async fn show_case(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<AgeCaseBody> {
    let (c, _, _) = case_view(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(AgeCaseBody::from(&c)))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ForwardRequest {
    /// Cases of the province waiting to be gathered (at most 1,000).
    pub case_ids: Vec<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ForwardedBody {
    pub forwarded: usize,
}

#[utoipa::path(post, path = "/api/v1/age-cases/forward",
    request_body = ForwardRequest,
    responses((status = 200, body = ForwardedBody),
        (status = 403, body = ErrorBody, description = "province_only"),
        (status = 409, body = ErrorBody, description = "age_case_not_open: all or none")))]
pub async fn forward_cases(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<ForwardRequest>,
) -> ApiResult<ForwardedBody> {
    let forwarded = forward(&state, &user, &body.case_ids).await?;
    Ok(Json(ForwardedBody { forwarded }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReturnRequest {
    /// Required: why, and what to add.
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/age-cases/{id}/return",
    params(("id" = i64, Path, description = "case id")),
    request_body = ReturnRequest,
    responses((status = 200, body = AgeCaseBody),
        (status = 403, body = ErrorBody, description = "province_only"),
        (status = 409, body = ErrorBody, description = "age_case_not_open")))]
pub async fn return_one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ReturnRequest>,
) -> ApiResult<AgeCaseBody> {
    let id = parse_id(&raw)?;
    return_case(&state, &user, id, Some(&body.comment)).await?;
    let (c, _, _) = case_view(&state, &user, id).await?;
    Ok(Json(AgeCaseBody::from(&c)))
}

/// What 团中央 adds when entering the member.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct EnterRequest {
    /// Why the age rule is waived: recorded on the member and in the audit log.
    pub reason: String,
    /// 民族: code or label.
    pub ethnicity: String,
    /// 政治面貌: code or label (共青团员 …).
    pub political_status: String,
}

#[derive(Serialize, ToSchema)]
pub struct EnteredBody {
    pub person_id: i64,
    pub case: AgeCaseBody,
}

#[utoipa::path(post, path = "/api/v1/age-cases/{id}/enter",
    params(("id" = i64, Path, description = "case id")),
    request_body = EnterRequest,
    responses((status = 200, body = EnteredBody),
        (status = 403, body = ErrorBody, description = "central_only"),
        (status = 409, body = ErrorBody, description = "age_case_not_open, already_registered, dev_number_taken"),
        (status = 422, body = FaultsBody, description = "record_invalid: the other entry rules still apply")))]
pub async fn enter_case(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<EnterRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id(&raw)?;
    let input = EnterInput {
        reason: body.reason,
        ethnicity: body.ethnicity,
        political_status: body.political_status,
    };
    Ok(match enter(&state, &user, id, &input).await {
        Ok(person_id) => {
            let (c, _, _) = case_view(&state, &user, id).await?;
            Json(EnteredBody {
                person_id,
                case: AgeCaseBody::from(&c),
            })
            .into_response()
        }
        Err(f) => failure_response(f),
    })
}
