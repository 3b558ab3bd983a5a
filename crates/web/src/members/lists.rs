//! The pages of member and cadre lists (`tuanjian_app::members::lists` reads them): filters
//! as a query string, paging links, ID numbers masked (first 6, last 4).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::members::lists::{
    CadreListInput, Listed, MemberListInput, cadres_of, may_enter, members_of, nonempty,
};
use tuanjian_app::members::narrow::{self, Within};
use tuanjian_app::members::paging::PastEnd;
use tuanjian_domain::enums::Choice;
use tuanjian_domain::leaving::Standing;
use tuanjian_domain::{Action, ActorRole, MembershipStatus, OrgPath, Post, authorize};
use tuanjian_store::cadres::CadreListItem;
use tuanjian_store::members::MemberListItem;
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;
use utoipa::IntoParams;
use utoipa::openapi::{RefOr, Schema};

use super::form::fault_message;
use super::pager::Pager;
use crate::api::query::{int_or_empty, one_of_or_empty, page_schema};
use crate::auth::role::Authority;
use crate::auth::user::{PageUser, Signed};
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// The member list's query string: every filter optional.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberListQuery {
    /// Part of the name.
    pub name: Option<String>,
    /// The ID number or a part of it.
    pub id_number: Option<String>,
    /// Year of joining, four digits.
    pub join_year: Option<String>,
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    /// 1: only records that break an entry rule.
    pub faulty: Option<String>,
    #[param(schema_with = sort_schema)]
    pub sort: Option<String>,
    /// 所在团支部: the id of one 团支部 in the organisation's subtree (and the admin's scope);
    /// any other id answers 404.
    pub branch: Option<String>,
    /// 所在团支部 by its full name (when `branch` is not given).
    pub branch_name: Option<String>,
    #[param(schema_with = page_schema)]
    pub page: Option<String>,
    #[param(schema_with = list_per_page_schema)]
    pub per_page: Option<String>,
    /// 下一页 by key: the page after this member (a previous page's `next_after`). With it,
    /// `page` only numbers the page for the reader.
    pub after: Option<String>,
    /// 上一页 by key: the page before this member (a page's `prev_before`).
    pub before: Option<String>,
}

/// The lists' page size: 1 to 100; out of bounds is brought into bounds with a notice.
fn list_per_page_schema() -> RefOr<Schema> {
    int_or_empty(
        "Items per page, 1 to 100 (default 20; the pages offer 20, 50 and 100); a larger \
         value is read as 100 and a smaller one as 20, each with a notice; empty or absent \
         for the default.",
    )
}

fn status_schema() -> RefOr<Schema> {
    one_of_or_empty(
        "团籍状态: empty or absent for members only (normal or a way out still waiting), \
         left (已离团) for those who left, all (全部) for everyone, or one state's code \
         (normal, aged_out …) or Chinese label.",
        ["members", "团员", "left", "已离团", "all", "全部"]
            .into_iter()
            .chain(MembershipStatus::ALL.iter().flat_map(|s| {
                [s.code(), s.label()]
                    .into_iter()
                    .chain(s.aliases().iter().copied())
            })),
    )
}

fn sort_schema() -> RefOr<Schema> {
    one_of_or_empty(
        "org (the default, also when empty), name, join_desc or join_asc.",
        ["org", "name", "join_desc", "join_asc"],
    )
}

impl MemberListQuery {
    /// The filters as the use case takes them.
    pub fn input(&self) -> MemberListInput {
        MemberListInput {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            join_year: self.join_year.clone(),
            status: self.status.clone(),
            faulty: self.faulty.clone(),
            sort: self.sort.clone(),
            branch: self.branch.clone(),
            branch_name: self.branch_name.clone(),
            page: self.page.clone(),
            per_page: self.per_page.clone(),
            after: self.after.clone(),
            before: self.before.clone(),
        }
    }

    /// Only records that break an entry rule (the template ticks its box).
    pub fn faulty(&self) -> bool {
        self.input().faulty()
    }

    /// The filters (and sort) as query pairs, without the branch (`narrowed_to` adds it).
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = Vec::new();
        for (k, v) in [
            ("name", &self.name),
            ("id_number", &self.id_number),
            ("join_year", &self.join_year),
            ("status", &self.status),
            ("sort", &self.sort),
        ] {
            if let Some(v) = nonempty(v) {
                pairs.push((k, v));
            }
        }
        if self.faulty() {
            pairs.push(("faulty", "1".into()));
        }
        pairs
    }

    /// The filters (and sort) as a query string, for the export link.
    pub fn filters_query(&self) -> String {
        serde_urlencoded::to_string(self.filter_pairs()).unwrap_or_default()
    }
}

/// `pairs` and, when the list is narrowed, the organisation by id under `key` (a full name
/// typed is turned into the id, so paging links are short).
fn narrowed_to(
    mut pairs: Vec<(&'static str, String)>,
    key: &'static str,
    narrowed: Option<&Org>,
) -> Vec<(&'static str, String)> {
    if let Some(o) = narrowed {
        pairs.push((key, o.id.to_string()));
    }
    pairs
}

/// The cadre list's query string.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CadreListQuery {
    pub name: Option<String>,
    pub id_number: Option<String>,
    /// A post label (书记, 副书记 …).
    pub post: Option<String>,
    /// 所在组织: the id of the organisation itself or one in its subtree (and the admin's
    /// scope); only that organisation's own posts are listed. Any other id answers 404.
    pub unit: Option<String>,
    /// 所在组织 by its full name (when `unit` is not given).
    pub unit_name: Option<String>,
    #[param(schema_with = page_schema)]
    pub page: Option<String>,
    #[param(schema_with = list_per_page_schema)]
    pub per_page: Option<String>,
    /// 下一页 by key: the page after this post (a previous page's `next_after`). With it,
    /// `page` only numbers the page for the reader.
    pub after: Option<String>,
    /// 上一页 by key: the page before this post (a page's `prev_before`).
    pub before: Option<String>,
}

impl CadreListQuery {
    /// The filters as the use case takes them.
    pub fn input(&self) -> CadreListInput {
        CadreListInput {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            post: self.post.clone(),
            unit: self.unit.clone(),
            unit_name: self.unit_name.clone(),
            page: self.page.clone(),
            per_page: self.per_page.clone(),
            after: self.after.clone(),
            before: self.before.clone(),
        }
    }

    /// The filters as query pairs, without the organisation (`narrowed_to` adds it).
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("name", &self.name),
            ("id_number", &self.id_number),
            ("post", &self.post),
        ]
        .into_iter()
        .filter_map(|(k, v)| nonempty(v).map(|v| (k, v)))
        .collect()
    }
}

/// A row's action (操作) the admin may take.
pub struct RowAction {
    pub label: &'static str,
    pub href: String,
    /// Element id suffix: view, edit, transfer, reset.
    pub key: &'static str,
}

fn allowed(scope: &AdminScope, path: &OrgPath, action: Action) -> bool {
    authorize(action, ActorRole::Admin(scope.relation_to(path))).is_ok()
}

/// 查看 always; 修改, 办理转出 and 重置密码 when the permission rules let this admin.
fn member_actions(scope: &AdminScope, m: &MemberListItem) -> Vec<RowAction> {
    let id = m.person_id;
    let mut out = vec![RowAction {
        label: "查看",
        href: format!("/members/{id}"),
        key: "view",
    }];
    if allowed(scope, &m.org_path, Action::EditMember) {
        out.push(RowAction {
            label: "修改",
            href: format!("/members/{id}/edit"),
            key: "edit",
        });
    }
    if m.status.is_member() && allowed(scope, &m.org_path, Action::StartTransferOut) {
        out.push(RowAction {
            label: "办理转出",
            href: format!("/orgs/{}/transfers/out/new?person_ids={id}", m.org_id),
            key: "transfer",
        });
    }
    if allowed(scope, &m.org_path, Action::IssueResetCode) {
        out.push(RowAction {
            label: "重置密码",
            href: format!("/members/{id}/reset-code"),
            key: "reset",
        });
    }
    out
}

pub struct MemberRow {
    pub person_id: i64,
    pub name: String,
    pub id_masked: String,
    pub org_name: String,
    pub join_month: String,
    pub dev_number: String,
    pub status: String,
    pub fault: Option<String>,
    pub actions: Vec<RowAction>,
}

impl MemberRow {
    fn new(scope: &AdminScope, m: &MemberListItem) -> Self {
        Self {
            person_id: m.person_id,
            name: m.name.clone(),
            id_masked: m.id_number.masked(),
            org_name: m.org_name.clone(),
            join_month: m.join_month.clone().unwrap_or_default(),
            dev_number: m.dev_number.clone().unwrap_or_default(),
            status: m.status.label().to_string(),
            fault: m.entry_fault.as_deref().map(fault_message),
            actions: member_actions(scope, m),
        }
    }
}

/// The 所在团支部 / 所在组织 filter as the page offers it: a select of the choices, or a text
/// box for the full name when there are too many.
pub struct NarrowField {
    /// (id, full name), `None` for the text box.
    pub choices: Option<Vec<(i64, String)>>,
    pub chosen: Option<i64>,
    /// The full name in the text box.
    pub typed: String,
}

impl NarrowField {
    /// Whether `id` is the one chosen (the select marks it).
    pub fn is(&self, id: &i64) -> bool {
        self.chosen == Some(*id)
    }

    async fn new(
        state: &AppState,
        listed: &Org,
        within: Within,
        narrowed: Option<&Org>,
        branches: Option<i64>,
    ) -> Result<Self, crate::pages::error::PageError> {
        let choices = narrow::choices(state, listed, within, branches)
            .await?
            .map(|v| v.into_iter().map(|o| (o.id, o.full_name)).collect());
        Ok(Self {
            choices,
            chosen: narrowed.map(|o| o.id),
            typed: narrowed.map(|o| o.full_name.clone()).unwrap_or_default(),
        })
    }
}

#[derive(Template)]
#[template(path = "members_list.html")]
struct MembersPage {
    nav: Option<Nav>,
    csrf: String,
    crumbs: OrgCrumbs,
    org: Org,
    q: MemberListQuery,
    rows: Vec<MemberRow>,
    pager: Pager,
    export_href: String,
    statuses: Vec<&'static str>,
    status_value: String,
    sort_value: &'static str,
    can_enter: bool,
    branch: NarrowField,
    /// The list is one branch's: no 所在团支部 column.
    one_branch: bool,
    /// Where the ticked rows go (the branch's, when narrowed).
    bulk_action: String,
}

async fn nav(state: &AppState, user: &Signed, scope: &AdminScope) -> Result<Nav, PageError> {
    Ok(Nav::for_authority(state, user, &Authority::Admin(scope.clone())).await?)
}

pub async fn members_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<MemberListQuery>,
) -> PageResult {
    let input = q.input();
    let listed = members_of(&state, &user, parse_id(&raw)?, &input, PastEnd::ShowLast).await?;
    let (_, sort, _) = input.parse()?;
    let one_branch = listed.one_branch();
    let Listed {
        org,
        narrowed,
        page: members,
        notices,
        scope,
        branches,
    } = listed;
    // The branch's own export when narrowed: the export reads the same filters below it.
    let target = narrowed.as_ref().unwrap_or(&org).id;
    let filters = q.filters_query();
    let export_href = if filters.is_empty() {
        format!("/orgs/{target}/members/export.xlsx")
    } else {
        format!("/orgs/{target}/members/export.xlsx?{filters}")
    };
    let page = MembersPage {
        crumbs: OrgCrumbs::read(&state, &Authority::Admin(scope.clone()), org.id, "团员列表")
            .await?,
        nav: Some(nav(&state, &user, &scope).await?),
        csrf: user.session.csrf_token.clone(),
        pager: Pager::new(
            &format!("/orgs/{}/members", org.id),
            narrowed_to(q.filter_pairs(), "branch", narrowed.as_ref()),
            members.page,
            members.per_page,
            members.total,
            notices,
        )
        .lower_bound(members.total_is_lower_bound)
        .keyed(members.prev_before, members.next_after),
        rows: members
            .items
            .iter()
            .map(|m| MemberRow::new(&scope, m))
            .collect(),
        export_href,
        statuses: [Standing::Left.label(), Standing::All.label()]
            .into_iter()
            .chain(MembershipStatus::labels())
            .collect(),
        status_value: match Standing::parse(q.status.as_deref().unwrap_or("")) {
            Ok(Standing::Members) | Err(_) => String::new(),
            Ok(s) => s.label().to_string(),
        },
        sort_value: sort.code(),
        can_enter: org.kind.is_branch() && may_enter(&scope, &org),
        branch: NarrowField::new(&state, &org, Within::Branches, narrowed.as_ref(), branches)
            .await?,
        one_branch,
        bulk_action: format!("/orgs/{target}/members/bulk"),
        org,
        q,
    };
    Ok(Html(page.render()?).into_response())
}

pub struct CadreRow {
    pub post_id: i64,
    pub person_id: i64,
    pub name: String,
    pub id_masked: String,
    pub org_name: String,
    pub post: String,
    pub post_since: String,
    pub nature: String,
    pub party_committee: bool,
    pub actions: Vec<RowAction>,
}

impl CadreRow {
    fn new(scope: &AdminScope, c: &CadreListItem) -> Self {
        let mut actions = vec![RowAction {
            label: "查看",
            href: format!("/members/{}", c.person_id),
            key: "view",
        }];
        if allowed(scope, &c.org_path, Action::IssueResetCode) {
            actions.push(RowAction {
                label: "重置密码",
                href: format!("/members/{}/reset-code", c.person_id),
                key: "reset",
            });
        }
        Self {
            post_id: c.post_id,
            person_id: c.person_id,
            name: c.name.clone(),
            id_masked: c.id_number.masked(),
            org_name: c.org_name.clone(),
            post: c.post.clone(),
            post_since: c.post_since.clone().unwrap_or_default(),
            nature: nature_label(c.nature.as_deref()),
            party_committee: c.party_committee,
            actions,
        }
    }
}

#[derive(Template)]
#[template(path = "members_cadres.html")]
struct CadresPage {
    nav: Option<Nav>,
    csrf: String,
    crumbs: OrgCrumbs,
    org: Org,
    q: CadreListQuery,
    rows: Vec<CadreRow>,
    pager: Pager,
    posts: Vec<&'static str>,
    can_enter: bool,
    unit: NarrowField,
    /// Every row is of one organisation: no 所在组织 column.
    one_org: bool,
}

pub fn nature_label(code: Option<&str>) -> String {
    code.and_then(|c| tuanjian_domain::CadreNature::parse(c).ok())
        .map(|n| n.label().to_string())
        .unwrap_or_default()
}

/// Every post any organisation has, in list order, for the filter.
fn all_posts() -> Vec<&'static str> {
    let mut posts: Vec<&'static str> = Vec::new();
    for p in Post::for_kind(tuanjian_domain::OrgKind::Branch)
        .iter()
        .chain(Post::for_kind(tuanjian_domain::OrgKind::Committee))
    {
        if !posts.contains(&p.label()) {
            posts.push(p.label());
        }
    }
    posts
}

pub async fn cadres_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<CadreListQuery>,
) -> PageResult {
    let input = q.input();
    let Listed {
        org,
        narrowed,
        page: cadres,
        notices,
        scope,
        ..
    } = cadres_of(&state, &user, parse_id(&raw)?, &input, PastEnd::ShowLast).await?;
    let page = CadresPage {
        crumbs: OrgCrumbs::read(
            &state,
            &Authority::Admin(scope.clone()),
            org.id,
            "团干部列表",
        )
        .await?,
        nav: Some(nav(&state, &user, &scope).await?),
        csrf: user.session.csrf_token.clone(),
        pager: Pager::new(
            &format!("/orgs/{}/cadres", org.id),
            narrowed_to(q.filter_pairs(), "unit", narrowed.as_ref()),
            cadres.page,
            cadres.per_page,
            cadres.total,
            notices,
        )
        .lower_bound(cadres.total_is_lower_bound)
        .keyed(cadres.prev_before, cadres.next_after),
        rows: cadres
            .items
            .iter()
            .map(|c| CadreRow::new(&scope, c))
            .collect(),
        posts: all_posts(),
        can_enter: may_enter(&scope, &org),
        unit: NarrowField::new(&state, &org, Within::Any, narrowed.as_ref(), None).await?,
        one_org: narrowed.is_some() || org.kind.is_branch(),
        org,
        q,
    };
    Ok(Html(page.render()?).into_response())
}
