//! An organisation's page: breadcrumbs, facts, and its children, paged (the tree, one level at
//! a time, so no request ever loads a whole subtree).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_domain::org_info::is_independent_school;
use tuanjian_domain::{Action, ActorRole, OrgKind, OrgLevel, authorize};
use tuanjian_store::orgs::{ChildOrg, Org, Page, PageRequest};

use crate::auth::role::{self, Authority};
use crate::auth::user::PageUser;
use crate::error::Fault;
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
    /// For the own organisation's admin: stored records in scope that break an entry rule.
    faulty_members: Option<i64>,
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
    // Nothing is created under a 团支部, and the provincial committees under 团中央 come from `init`.
    if may(Action::CreateChild) && !org.kind.is_branch() && org.level != OrgLevel::Central {
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
    // Members and cadres (issue 4) and their Excel import (issue 5).
    if may(Action::ViewMembers) {
        out.push((format!("/orgs/{id}/members"), "团员列表"));
        out.push((format!("/orgs/{id}/cadres"), "团干部列表"));
        out.push((format!("/orgs/{id}/aged-out"), "超龄团员（满28周岁离团）"));
    }
    if relation == tuanjian_domain::Relation::Itself && !org.kind.is_branch() {
        out.push(("/leaving".to_string(), "团籍变动审批与备案"));
    }
    if may(Action::EnterMember) {
        if org.kind.is_branch() {
            out.push((format!("/orgs/{id}/members/new"), "录入团员"));
        }
        out.push((format!("/orgs/{id}/cadres/new"), "录入团干部"));
    }
    if may(Action::ViewMembers) && org.level >= OrgLevel::Provincial {
        out.push((format!("/orgs/{id}/dev-ranges"), "发展团员编号号段"));
    }
    // 毕业 (issue 12): a school's organisations mark their branches; a branch shows its
    // members (on a 毕业生团组织, those to transfer).
    if may(Action::ViewMembers) && (is_school || org.level == OrgLevel::Grassroots) {
        let label = match org.kind {
            OrgKind::GraduatingBranch => "毕业生团员",
            OrgKind::Branch => "毕业标注",
            _ => "毕业班管理",
        };
        out.push((format!("/orgs/{id}/graduation"), label));
    }
    if may(Action::DecideApplication) {
        out.push((format!("/orgs/{id}/applications"), "入团、注册与报到申请"));
    }
    // 组织关系转接 (issue 12): out of this organisation's members; into it.
    if may(Action::StartTransferOut) && org.level > OrgLevel::Provincial {
        out.push((format!("/orgs/{id}/transfers/out/new"), "办理转出"));
    }
    if may(Action::StartTransferIn) && org.level > OrgLevel::Provincial {
        out.push((format!("/orgs/{id}/transfers/in/new"), "办理转入"));
    }
    if relation == tuanjian_domain::Relation::Itself {
        out.push(("/transfers?side=out".into(), "组织关系转接办理"));
    }
    if relation == tuanjian_domain::Relation::Itself {
        out.push((format!("/orgs/{id}/import/cadres"), "导入本级团干部"));
        if !org.kind.is_branch() {
            out.push((
                format!("/orgs/{id}/import/members"),
                "导入下级团支部团员团干部",
            ));
        }
    }
    // 入团年龄特殊情况 (seed, question 4): filed on a branch, gathered by the province,
    // entered by 团中央.
    if may(Action::FileAgeCase) && org.kind.is_branch() {
        out.push((format!("/orgs/{id}/age-cases/new"), "报送入团年龄特殊情况"));
    }
    if relation == tuanjian_domain::Relation::Itself && org.level <= OrgLevel::Provincial {
        out.push(("/age-cases".into(), "入团年龄特殊情况汇总"));
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
    let crumbs = lineage
        .iter()
        .map(|a| &a.org)
        .chain(std::iter::once(&org))
        .map(|o| {
            let linkable = match &authority {
                Authority::Admin(s) => s.covers(&o.path),
                _ => o.id == org.id,
            };
            (o.id, o.short_name.clone(), linkable)
        })
        .collect();
    let actions = actions_for(&authority, &org, is_school);
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
    let page = OrgPage {
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
