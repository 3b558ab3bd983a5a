//! The downloads of the member list (with its filters) and of an organisation's cadres in the
//! columns of the import templates; the export itself is `tuanjian_app::member_import::export`.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use tuanjian_app::member_import::columns::Kind;
use tuanjian_app::member_import::export::{ListFilter, cadres_xlsx, members_xlsx};
use tuanjian_store::orgs::Org;
use utoipa::IntoParams;

use super::view::xlsx_response;
use crate::auth::user::{ApiUser, PageUser};
use crate::error::ApiError;
use crate::extract::{ApiQuery, PageQuery, parse_id};
use crate::pages::error::PageResult;
use crate::state::AppState;

/// The member list's query parameters (the list links its export with them).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Part of the name.
    pub name: Option<String>,
    /// The ID number or a part of it.
    pub id_number: Option<String>,
    /// Year joined, e.g. 2019.
    pub join_year: Option<String>,
    /// A 团籍状态 code such as `normal`.
    pub status: Option<String>,
    /// `1` for records that break an entry rule only.
    pub faulty: Option<String>,
    /// org (default), name, join_desc, join_asc.
    pub sort: Option<String>,
}

impl From<ExportQuery> for ListFilter {
    fn from(q: ExportQuery) -> Self {
        Self {
            name: q.name,
            id_number: q.id_number,
            join_year: q.join_year,
            status: q.status,
            faulty: q.faulty,
            sort: q.sort,
        }
    }
}

fn download(kind: Kind, org: &Org, bytes: Vec<u8>) -> Response {
    let (ascii, what) = match kind {
        Kind::Members => ("members.xlsx", "团员名单"),
        Kind::Cadres => ("cadres.xlsx", "团干部名单"),
    };
    xlsx_response(ascii, &format!("{what}-{}.xlsx", org.short_name), bytes)
}

pub async fn members_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ExportQuery>,
) -> PageResult {
    let (org, bytes) = members_xlsx(&state, &user, parse_id(&raw)?, &q.into()).await?;
    Ok(download(Kind::Members, &org, bytes))
}

pub async fn cadres_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let (org, bytes) = cadres_xlsx(&state, &user, parse_id(&raw)?).await?;
    Ok(download(Kind::Cadres, &org, bytes))
}

/// Members of the organisation's subtree, filtered like the member list, as the members
/// import template (.xlsx).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/members/export",
    params(("id" = i64, Path, description = "organisation id"), ExportQuery),
    responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn members_api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let (org, bytes) = members_xlsx(&state, &user, parse_id(&raw)?, &q.into()).await?;
    Ok(download(Kind::Members, &org, bytes))
}

/// The organisation's own cadres as the cadres import template (.xlsx).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/cadres/export",
    params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn cadres_api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let (org, bytes) = cadres_xlsx(&state, &user, parse_id(&raw)?).await?;
    Ok(download(Kind::Cadres, &org, bytes))
}
