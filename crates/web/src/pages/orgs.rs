//! An organisation's page: breadcrumbs, facts, and its children, paged (the tree, one level at
//! a time, so no request ever loads a whole subtree).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_domain::org_info::is_independent_school;
use tuanjian_store::orgs::{ChildOrg, Org, Page, PageRequest};

use crate::auth::role::{self, Authority};
use crate::auth::user::PageUser;
use crate::error::Fault;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::PageResult;
use crate::pages::menu::{Menu, MenuGroup, org_actions};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    nav: Option<Nav>,
    org: Org,
    kind_label: String,
    crumbs: OrgCrumbs,
    children: Page<ChildOrg>,
    can_browse: bool,
    member_count: Option<i64>,
    /// Management links the viewer's role allows here, grouped as in the menu.
    actions: Vec<MenuGroup>,
    /// 飘窗: a school organisation's own admin is asked for its school code.
    school_code_notice: bool,
    /// Completion of the children, for admins: (complete, total).
    completion: Option<(i64, i64)>,
    /// For the own organisation's admin: stored records in scope that break an entry rule.
    faulty_members: Option<i64>,
    /// A branch's latest confirmed 对标定级.
    stars: Option<String>,
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
    let can_browse = matches!(authority, Authority::Admin(_));
    // Members and cadres see the number of children, not the list.
    let req = if can_browse {
        PageRequest::new(q.page, Some(20))
    } else {
        PageRequest {
            page: 1,
            per_page: 0,
        }
    };
    // One statement for the organisation, its ancestors (breadcrumbs) and their industries, and
    // the page of children.
    let (mut lineage, children, done) = state.store.lineage_and_children(id, req).await?;
    let this = lineage.pop().expect("lineage ends with the organisation");
    let org = this.org;
    if !scope.may_view(&org) {
        return Err(Fault::not_found().into());
    }
    let parent_industry = lineage.last().and_then(|p| p.industry.as_deref());
    let is_school = is_independent_school(org.class(), this.industry.as_deref(), parent_industry);
    let crumbs = OrgCrumbs::new(
        &authority,
        lineage.iter().map(|a| &a.org).chain(std::iter::once(&org)),
        None,
    );
    let actions = Menu::of_links(org_actions(&authority, &org, Some(is_school)), None).groups;
    let own = matches!(&authority, Authority::Admin(s) if s.org().id == org.id);
    let school_code_notice =
        own && is_school && state.store.org_info(org.id).await?.school_code.is_none();
    let completion = (can_browse && children.total > 0).then_some((done, children.total));
    let faulty_members = match &authority {
        Authority::Admin(s) if own => {
            Some(state.store.faulty_member_count(s).await?).filter(|n| *n > 0)
        }
        _ => None,
    };
    let stars = tuanjian_app::star_ratings::latest_text(&state, &org).await?;
    let page = OrgPage {
        stars,
        actions,
        school_code_notice,
        completion,
        faulty_members,
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
