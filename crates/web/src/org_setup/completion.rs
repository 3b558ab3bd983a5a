//! Completion of organisation information below an organisation, for admins in scope: the
//! rate over the direct children and over the whole subtree, and which children are
//! incomplete with what each still lacks.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::{Deserialize, Serialize};
use tuanjian_domain::Action;
use tuanjian_store::orgs::{Org, Page, PageRequest};
use utoipa::{IntoParams, ToSchema};

use crate::api::query::{optional_int, page_schema, per_page_schema};
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::{ApiQuery, PageQuery, parse_id};
use crate::org_setup::{admin_target, rate};
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct Rate {
    pub complete: i64,
    pub total: i64,
    /// "66.7%", or "—" when there is nothing below.
    pub rate: String,
}

impl Rate {
    fn new((complete, total): (i64, i64)) -> Self {
        Self {
            complete,
            total,
            rate: rate(complete, total),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IncompleteOrg {
    pub id: i64,
    pub short_name: String,
    pub full_name: String,
    pub kind_label: String,
    /// Labels of the required fields still empty.
    pub missing: Vec<&'static str>,
}

#[derive(Serialize, ToSchema)]
pub struct IncompletePage {
    pub items: Vec<IncompleteOrg>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Serialize, ToSchema)]
pub struct CompletionBody {
    pub org_id: i64,
    /// The direct children.
    pub children: Rate,
    /// Every organisation below, at any depth.
    pub subtree: Rate,
    /// Direct children whose information is incomplete.
    pub incomplete: IncompletePage,
}

async fn completion(
    state: &AppState,
    user: &Signed,
    id: i64,
    req: PageRequest,
) -> Result<(Org, CompletionBody, Page<Org>), Fault> {
    let (_, org) = admin_target(state, user, id, Action::View).await?;
    let children = state.store.children_completion(org.id).await?;
    let subtree = state.store.subtree_completion(&org.path).await?;
    let page = state.store.incomplete_children(org.id, req).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for o in &page.items {
        let info = state.store.org_info(o.id).await?;
        let school = state.store.is_school_org(o).await?;
        items.push(IncompleteOrg {
            id: o.id,
            short_name: o.short_name.clone(),
            full_name: o.full_name.clone(),
            kind_label: o.kind_label(),
            missing: info.missing(o.class(), school),
        });
    }
    let body = CompletionBody {
        org_id: org.id,
        children: Rate::new(children),
        subtree: Rate::new(subtree),
        incomplete: IncompletePage {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        },
    };
    Ok((org, body, page))
}

#[derive(Template)]
#[template(path = "setup_completion.html")]
struct CompletionPage {
    nav: Option<Nav>,
    org: Org,
    c: CompletionBody,
    pages: i64,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompletionQuery {
    /// Page of the incomplete children, from 1.
    #[serde(default, deserialize_with = "optional_int")]
    #[param(schema_with = page_schema)]
    pub page: Option<i64>,
    #[serde(default, deserialize_with = "optional_int")]
    #[param(schema_with = per_page_schema)]
    pub per_page: Option<i64>,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<CompletionQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (org, c, page) = completion(&state, &user, id, PageRequest::new(q.page, Some(20))).await?;
    let authority = role::required(&state, &user).await?;
    let p = CompletionPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        org,
        c,
        pages: page.pages(),
    };
    Ok(Html(p.render()?).into_response())
}

#[utoipa::path(get, path = "/api/v1/orgs/{id}/completion",
    params(("id" = i64, Path, description = "organisation id"), CompletionQuery),
    responses((status = 200, body = CompletionBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiQuery(q): ApiQuery<CompletionQuery>,
) -> ApiResult<CompletionBody> {
    let id = parse_id(&raw)?;
    let (_, body, _) = completion(&state, &user, id, PageRequest::new(q.page, q.per_page)).await?;
    Ok(Json(body))
}
