//! Organisations: one, and a page of its children.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use tuanjian_domain::ErrorCode;
use tuanjian_store::orgs::{Org, PageRequest};
use utoipa::{IntoParams, ToSchema};

use crate::api::query::{optional_int, page_schema, per_page_schema};
use crate::auth::role::{self, Authority};
use crate::auth::user::ApiUser;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::{ApiQuery, parse_id};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct OrgBody {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// Materialised path of ids from the root, e.g. "/1/5/23/".
    pub path: String,
    /// central, provincial, municipal, county or grassroots
    pub level: &'static str,
    /// 组织类别 code: 01TZB, 02TZZ, 03TW, 04TGW, 06BYBTZB
    pub kind: &'static str,
    pub kind_label: String,
    pub short_name: String,
    pub full_name: String,
    pub province_id: Option<i64>,
    /// Present in listings of children.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_count: Option<i64>,
}

impl OrgBody {
    fn new(o: &Org, child_count: Option<i64>) -> Self {
        Self {
            id: o.id,
            parent_id: o.parent_id,
            path: o.path.to_string(),
            level: o.level.code(),
            kind: o.kind.code(),
            kind_label: o.kind_label(),
            short_name: o.short_name.clone(),
            full_name: o.full_name.clone(),
            province_id: o.province_id,
            child_count,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}", params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = OrgBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
) -> ApiResult<OrgBody> {
    let id = parse_id(&raw)?;
    let authority = role::required(&state, &user).await?;
    let org = state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), id)
        .await?;
    let count = state.store.child_count(org.id).await?;
    Ok(Json(OrgBody::new(&org, Some(count))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChildrenQuery {
    #[serde(default, deserialize_with = "optional_int")]
    #[param(schema_with = page_schema)]
    pub page: Option<i64>,
    #[serde(default, deserialize_with = "optional_int")]
    #[param(schema_with = per_page_schema)]
    pub per_page: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct ChildrenPage {
    pub items: Vec<OrgBody>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/children", params(("id" = i64, Path, description = "organisation id"), ChildrenQuery),
    responses((status = 200, body = ChildrenPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn children(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<ChildrenQuery>,
) -> ApiResult<ChildrenPage> {
    let id = parse_id(&raw)?;
    let authority = role::required(&state, &user).await?;
    let Authority::Admin(_) = &authority else {
        return Err(Fault::forbidden("只有管理员可以浏览下级组织")
            .with_code(ErrorCode::AdminRequired)
            .into());
    };
    let org = state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), id)
        .await?;
    let page = state
        .store
        .children(org.id, PageRequest::new(q.page, q.per_page))
        .await?;
    Ok(Json(ChildrenPage {
        items: page
            .items
            .iter()
            .map(|c| OrgBody::new(&c.org, Some(c.child_count)))
            .collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
