//! The statistics as JSON, and the workbook.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::user::ApiUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, parse_id};
use crate::member_import::view::xlsx_response;
use crate::state::AppState;

/// An organisation's statistics: `summary` (members, orgs, branches, cadres, no_admin,
/// completion, faulty), `tables` (each with key, title, note, chart, total and rows of label,
/// count and share) and `months` (the last twelve: joined, moved_in, moved_out, left).
#[derive(Serialize, ToSchema)]
pub struct StatisticsBody {
    pub org_id: i64,
    pub org_name: String,
    pub summary: serde_json::Value,
    pub tables: Vec<serde_json::Value>,
    pub months: Vec<serde_json::Value>,
}

/// The direct children with their subtrees' main numbers, in the order asked.
#[derive(Serialize, ToSchema)]
pub struct ChildrenBody {
    pub org_id: i64,
    pub org_name: String,
    pub sort: String,
    pub order: String,
    /// Each: org_id, name, members, orgs, branches, cadres, no_admin, completion, faulty.
    pub rows: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ChildrenQuery {
    /// name, members (default), orgs, branches, cadres, no_admin, completion, faulty
    pub sort: Option<String>,
    /// asc or desc (default: desc for numbers, asc for names)
    pub order: Option<String>,
}

fn json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/statistics",
    params(("id" = i64, Path, description = "the organisation; its whole subtree is counted")),
    responses((status = 200, body = StatisticsBody),
        (status = 404, body = ErrorBody, description = "not in the admin's scope")))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<StatisticsBody> {
    let s = tuanjian_app::statistics::statistics(&state, &user, parse_id(&raw)?).await?;
    Ok(Json(StatisticsBody {
        org_id: s.org_id,
        org_name: s.org_name,
        summary: json(&s.summary),
        tables: s.tables.iter().map(json).collect(),
        months: s.months.iter().map(json).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/statistics/children",
    params(("id" = i64, Path, description = "the organisation"), ChildrenQuery),
    responses((status = 200, body = ChildrenBody),
        (status = 400, body = ErrorBody, description = "sort_invalid"),
        (status = 404, body = ErrorBody, description = "not in the admin's scope")))]
pub async fn children(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<ChildrenQuery>,
) -> ApiResult<ChildrenBody> {
    let c = tuanjian_app::statistics::children(
        &state,
        &user,
        parse_id(&raw)?,
        q.sort.as_deref(),
        q.order.as_deref(),
    )
    .await?;
    Ok(Json(ChildrenBody {
        org_id: c.org_id,
        org_name: c.org_name,
        sort: c.sort.code().into(),
        order: if c.descending { "desc" } else { "asc" }.into(),
        rows: c.rows.iter().map(json).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/statistics/export",
    params(("id" = i64, Path, description = "the organisation")),
    responses((status = 200, description = "the .xlsx workbook, one sheet per table", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody, description = "not in the admin's scope")))]
pub async fn export(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let (name, bytes) =
        tuanjian_app::statistics::export::export(&state, &user, parse_id(&raw)?).await?;
    Ok(xlsx_response("statistics.xlsx", &name, bytes))
}
