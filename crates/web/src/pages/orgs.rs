//! An organisation's page: breadcrumbs, facts, and its children, paged (the tree, one level at
//! a time, so no request ever loads a whole subtree).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_store::orgs::{ChildOrg, Org, Page, PageRequest};

use crate::auth::role::{self, Authority};
use crate::auth::user::PageUser;
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    nav: Option<Nav>,
    org: Org,
    kind_label: String,
    /// (id, short name, linkable: within the viewer's scope)
    crumbs: Vec<(i64, String, bool)>,
    children: Page<ChildOrg>,
    can_browse: bool,
    member_count: Option<i64>,
}

#[derive(Deserialize)]
pub struct OrgQuery {
    page: Option<i64>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw_id): Path<String>,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult {
    let id = parse_id(&raw_id)?;
    let authority = role::required(&state, &user).await?;
    let scope = authority.view_scope(user.person.id);
    let org = state.store.org_in_scope(&scope, id).await?;
    let can_browse = matches!(authority, Authority::Admin(_));
    let crumbs = state
        .store
        .breadcrumbs(&org)
        .await?
        .into_iter()
        .map(|(cid, name, path)| {
            let linkable = match &authority {
                Authority::Admin(s) => s.covers(&path),
                _ => cid == org.id,
            };
            (cid, name, linkable)
        })
        .collect();
    let children = if can_browse {
        state
            .store
            .children(org.id, PageRequest::new(q.page, Some(20)))
            .await?
    } else {
        Page {
            items: vec![],
            total: state.store.child_count(org.id).await?,
            page: 1,
            per_page: 20,
        }
    };
    let page = OrgPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        kind_label: org.kind_label(),
        org,
        crumbs,
        children,
        can_browse,
        member_count: None,
    };
    Ok(Html(page.render()?).into_response())
}
