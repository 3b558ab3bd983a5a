//! Searching organisations (seed, question 8): choose a province or 系统团委, then search by
//! full name. Public, since registration uses it; only public fields are shown. The page works
//! as a plain form; /static/search.js answers as the user types.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::org_admin::search::{Found, PER_PAGE, SearchInput, provinces, reach, run};
use tuanjian_store::org_search::{MAX_QUERY_CHARS, ProvinceChoice, SearchPage};

use crate::auth::role;
use crate::auth::user::{PageRejection, PageUser};
use crate::error::FaultStatus;
use crate::extract::PageQuery;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

/// Search parameters as they come from a form or the API.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// A provincial-level committee or 系统团委 (a child of the root). Without it only an exact
    /// full name is found.
    pub province_id: Option<String>,
    /// The full name or part of it.
    #[serde(default)]
    pub q: String,
    /// Page number from 1 (20 per page).
    #[serde(default, deserialize_with = "crate::api::query::optional_int")]
    #[param(schema_with = crate::api::query::page_schema)]
    pub page: Option<i64>,
}

impl SearchQuery {
    /// The typed input of the search use case.
    pub fn input(&self) -> SearchInput {
        SearchInput {
            province_id: self.province_id.clone(),
            q: self.q.clone(),
            page: self.page,
        }
    }
}

pub struct HitRow {
    pub id: i64,
    pub full_name: String,
    pub short_name: String,
    pub kind_label: String,
    pub parent_name: String,
    pub exact: bool,
    /// The viewer may open the organisation's page: the name links to it.
    pub open: bool,
    /// Why not, when not.
    pub closed_reason: String,
}

#[derive(Template)]
#[template(path = "admin_search.html")]
struct SearchPageView {
    nav: Option<Nav>,
    provinces: Vec<ProvinceChoice>,
    province_id: i64,
    q: String,
    searched: bool,
    hits: Vec<HitRow>,
    total: i64,
    total_capped: bool,
    page: i64,
    pages: i64,
    error: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: Result<PageUser, PageRejection>,
    PageQuery(q): PageQuery<SearchQuery>,
) -> PageResult {
    let (nav, authority) = match &user {
        Ok(PageUser(u)) => match role::current(&state, u).await? {
            Some(a) => (Some(Nav::for_authority(&state, u, &a).await?), Some(a)),
            None => (Some(Nav::plain(u)), None),
        },
        Err(_) => (None, None),
    };
    let (view, error, status) = match run(&state, &q.input()).await {
        Ok(v) => (Some(v), None, StatusCode::OK),
        Err(f) if f.status().is_client_error() => (None, Some(f.message.clone()), f.status()),
        Err(f) => return Err(f.into()),
    };
    let text: String = q.q.trim().chars().take(MAX_QUERY_CHARS).collect();
    let Found {
        provinces,
        province_id,
        page: result,
    } = match view {
        Some(v) => v,
        None => Found {
            provinces: provinces(&state).await?,
            province_id: None,
            page: SearchPage {
                items: vec![],
                total: 0,
                total_capped: false,
                page: 1,
                per_page: PER_PAGE,
            },
        },
    };
    let page = SearchPageView {
        nav,
        provinces,
        province_id: province_id.unwrap_or(0),
        searched: !text.is_empty() && error.is_none(),
        q: text,
        hits: result
            .items
            .iter()
            .map(|h| {
                let reach = reach(authority.as_ref(), h);
                HitRow {
                    id: h.id,
                    full_name: h.full_name.clone(),
                    short_name: h.short_name.clone(),
                    kind_label: h.kind_label(),
                    parent_name: h.parent_full_name.clone().unwrap_or_default(),
                    exact: h.exact,
                    open: reach.is_open(),
                    closed_reason: reach.reason().unwrap_or_default().to_string(),
                }
            })
            .collect(),
        total: result.total,
        total_capped: result.total_capped,
        page: result.page,
        pages: result.pages(),
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}
