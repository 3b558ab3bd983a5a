//! Completion of organisation information below an organisation, for admins in scope: the
//! rate over the direct children and over the whole subtree, and which children are
//! incomplete with what each still lacks.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::{Deserialize, Serialize};
use tuanjian_app::org_setup::completion::{Completion, Counts, completion};
use tuanjian_app::org_setup::rate;
use tuanjian_store::orgs::{Org, PageRequest};
use utoipa::{IntoParams, ToSchema};

use crate::api::query::{optional_int, page_schema, per_page_schema};
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
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
    fn new(Counts { complete, total }: Counts) -> Self {
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

/// The API body of the use case's answer.
fn body_of(c: Completion) -> (Org, CompletionBody, i64) {
    let pages = c.incomplete.pages();
    let body = CompletionBody {
        org_id: c.org.id,
        children: Rate::new(c.children),
        subtree: Rate::new(c.subtree),
        incomplete: IncompletePage {
            items: c
                .incomplete
                .items
                .into_iter()
                .map(|i| IncompleteOrg {
                    kind_label: i.org.kind_label(),
                    id: i.org.id,
                    short_name: i.org.short_name,
                    full_name: i.org.full_name,
                    missing: i.missing,
                })
                .collect(),
            total: c.incomplete.total,
            page: c.incomplete.page,
            per_page: c.incomplete.per_page,
        },
    };
    (c.org, body, pages)
}

#[derive(Template)]
#[template(path = "setup_completion.html")]
struct CompletionPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
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
    let (org, c, pages) =
        body_of(completion(&state, &user, id, PageRequest::new(q.page, Some(20))).await?);
    let authority = role::required(&state, &user).await?;
    let p = CompletionPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        crumbs: OrgCrumbs::read(&state, &authority, org.id, "组织信息完整度").await?,
        org,
        c,
        pages,
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
    let (_, body, _) =
        body_of(completion(&state, &user, id, PageRequest::new(q.page, q.per_page)).await?);
    Ok(Json(body))
}
