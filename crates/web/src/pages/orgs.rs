//! An organisation's page: breadcrumbs, facts, and its children, paged (the tree, one level at
//! a time, so no request ever loads a whole subtree).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_domain::{Action, ActorRole, OrgLevel, authorize};
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
    /// Management links the viewer's role allows here: (href, label).
    actions: Vec<(String, &'static str)>,
    /// 飘窗: a school organisation's own admin is asked for its school code.
    school_code_notice: bool,
    /// Completion of the children, for admins: (complete, total).
    completion: Option<(i64, i64)>,
}

/// Links to the management pages, each shown only when the permission rules allow it.
fn actions_for(authority: &Authority, org: &Org, is_school: bool) -> Vec<(String, &'static str)> {
    let Authority::Admin(scope) = authority else {
        return vec![];
    };
    let relation = scope.relation_to(&org.path);
    let may = |a: Action| authorize(a, ActorRole::Admin(relation)).is_ok();
    let id = org.id;
    let mut out = Vec::new();
    if may(Action::CreateChild) && !org.kind.is_branch() {
        out.push((format!("/orgs/{id}/children/new"), "创建下级组织"));
    }
    if may(Action::ManageRegistrationCode) {
        out.push((format!("/orgs/{id}/code"), "管理员注册码"));
    }
    if may(Action::View) {
        out.push((format!("/orgs/{id}/info"), "组织信息"));
        out.push((format!("/orgs/{id}/history"), "变更记录"));
    }
    if may(Action::SetSchoolCode) && is_school {
        out.push((format!("/orgs/{id}/school-code"), "完善学校机构编号"));
    }
    if may(Action::ManageAdmins) {
        out.push((format!("/orgs/{id}/admins"), "管理员变更"));
    }
    let central = scope.org().level == OrgLevel::Central;
    // Provincial committees and 团中央 never move; below them the own admin applies and
    // 团中央 moves directly.
    if org.level > OrgLevel::Provincial
        && (may(Action::ApplyMigration) || (central && may(Action::MoveDirectly)))
    {
        out.push((format!("/orgs/{id}/move"), "组织迁移"));
    }
    if may(Action::Delete) {
        out.push((format!("/orgs/{id}/delete"), "删除组织"));
    }
    out
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
    let is_school = state.store.is_school_org(&org).await?;
    let actions = actions_for(&authority, &org, is_school);
    let own = matches!(&authority, Authority::Admin(s) if s.org().id == org.id);
    let school_code_notice =
        own && is_school && state.store.org_info(org.id).await?.school_code.is_none();
    let completion = if can_browse && children.total > 0 {
        Some(state.store.children_completion(org.id).await?)
    } else {
        None
    };
    let page = OrgPage {
        actions,
        school_code_notice,
        completion,
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
