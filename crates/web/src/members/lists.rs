//! The pages of member and cadre lists (`tuanjian_app::members::lists` reads them): filters
//! as a query string, paging links, ID numbers masked (first 6, last 4).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::members::lists::{
    CadreListInput, MemberListInput, cadres_of, may_enter, members_of, nonempty,
};
use tuanjian_domain::enums::Choice;
use tuanjian_domain::leaving::Standing;
use tuanjian_domain::{MembershipStatus, Post};
use tuanjian_store::members::MemberListItem;
use tuanjian_store::orgs::Org;
use utoipa::IntoParams;
use utoipa::openapi::{RefOr, Schema};

use super::admin_scope;
use super::form::fault_message;
use crate::api::query::{one_of_or_empty, page_schema, per_page_schema};
use crate::auth::role::Authority;
use crate::auth::user::PageUser;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::PageResult;
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
    #[param(schema_with = page_schema)]
    pub page: Option<String>,
    #[param(schema_with = per_page_schema)]
    pub per_page: Option<String>,
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
            page: self.page.clone(),
            per_page: self.per_page.clone(),
        }
    }

    /// Only records that break an entry rule (the template ticks its box).
    pub fn faulty(&self) -> bool {
        self.input().faulty()
    }

    /// The filters (and sort) as a query string, for paging and export links.
    pub fn filters_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
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
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

/// The cadre list's query string.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CadreListQuery {
    pub name: Option<String>,
    pub id_number: Option<String>,
    /// A post label (书记, 副书记 …).
    pub post: Option<String>,
    #[param(schema_with = page_schema)]
    pub page: Option<String>,
    #[param(schema_with = per_page_schema)]
    pub per_page: Option<String>,
}

impl CadreListQuery {
    /// The filters as the use case takes them.
    pub fn input(&self) -> CadreListInput {
        CadreListInput {
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            post: self.post.clone(),
            page: self.page.clone(),
            per_page: self.per_page.clone(),
        }
    }

    pub fn filters_query(&self) -> String {
        let pairs: Vec<(&str, String)> = [
            ("name", &self.name),
            ("id_number", &self.id_number),
            ("post", &self.post),
        ]
        .into_iter()
        .filter_map(|(k, v)| nonempty(v).map(|v| (k, v)))
        .collect();
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
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
}

impl From<&MemberListItem> for MemberRow {
    fn from(m: &MemberListItem) -> Self {
        Self {
            person_id: m.person_id,
            name: m.name.clone(),
            id_masked: m.id_number.masked(),
            org_name: m.org_name.clone(),
            join_month: m.join_month.clone().unwrap_or_default(),
            dev_number: m.dev_number.clone().unwrap_or_default(),
            status: m.status.label().to_string(),
            fault: m.entry_fault.as_deref().map(fault_message),
        }
    }
}

/// Paging links: (label, href) for previous and next.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

fn pager(base: &str, filters: &str, page: i64, per_page: i64, total: i64) -> Pager {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let link = |p: i64| {
        let mut q = filters.to_string();
        if !q.is_empty() {
            q.push('&');
        }
        format!("{base}?{q}page={p}&per_page={per_page}")
    };
    Pager {
        page,
        pages,
        total,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    }
}

#[derive(Template)]
#[template(path = "members_list.html")]
struct MembersPage {
    nav: Option<Nav>,
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
}

pub async fn members_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<MemberListQuery>,
) -> PageResult {
    let (org, members) = members_of(&state, &user, parse_id(&raw)?, &q.input()).await?;
    let scope = admin_scope(&state, &user).await?;
    let (_, sort, _) = q.input().parse()?;
    let filters = q.filters_query();
    let export_href = if filters.is_empty() {
        format!("/orgs/{}/members/export.xlsx", org.id)
    } else {
        format!("/orgs/{}/members/export.xlsx?{filters}", org.id)
    };
    let page = MembersPage {
        crumbs: OrgCrumbs::read(&state, &Authority::Admin(scope.clone()), org.id, "团员列表")
            .await?,
        nav: Some(Nav::for_authority(&state, &user, &Authority::Admin(scope.clone())).await?),
        pager: pager(
            &format!("/orgs/{}/members", org.id),
            &filters,
            members.page,
            members.per_page,
            members.total,
        ),
        rows: members.items.iter().map(MemberRow::from).collect(),
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
        org,
        q,
    };
    Ok(Html(page.render()?).into_response())
}

pub struct CadreRow {
    pub person_id: i64,
    pub name: String,
    pub id_masked: String,
    pub org_name: String,
    pub post: String,
    pub post_since: String,
    pub nature: String,
    pub party_committee: bool,
}

#[derive(Template)]
#[template(path = "members_cadres.html")]
struct CadresPage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    org: Org,
    q: CadreListQuery,
    rows: Vec<CadreRow>,
    pager: Pager,
    posts: Vec<&'static str>,
    can_enter: bool,
}

pub fn nature_label(code: Option<&str>) -> String {
    code.and_then(|c| tuanjian_domain::CadreNature::parse(c).ok())
        .map(|n| n.label().to_string())
        .unwrap_or_default()
}

pub async fn cadres_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<CadreListQuery>,
) -> PageResult {
    let (org, cadres) = cadres_of(&state, &user, parse_id(&raw)?, &q.input()).await?;
    let scope = admin_scope(&state, &user).await?;
    let filters = q.filters_query();
    // Every post any organisation has, in list order, for the filter.
    let mut posts: Vec<&'static str> = Vec::new();
    for p in Post::for_kind(tuanjian_domain::OrgKind::Branch)
        .iter()
        .chain(Post::for_kind(tuanjian_domain::OrgKind::Committee))
    {
        if !posts.contains(&p.label()) {
            posts.push(p.label());
        }
    }
    let page = CadresPage {
        crumbs: OrgCrumbs::read(
            &state,
            &Authority::Admin(scope.clone()),
            org.id,
            "团干部列表",
        )
        .await?,
        nav: Some(Nav::for_authority(&state, &user, &Authority::Admin(scope.clone())).await?),
        pager: pager(
            &format!("/orgs/{}/cadres", org.id),
            &filters,
            cadres.page,
            cadres.per_page,
            cadres.total,
        ),
        rows: cadres
            .items
            .iter()
            .map(|c| CadreRow {
                person_id: c.person_id,
                name: c.name.clone(),
                id_masked: c.id_number.masked(),
                org_name: c.org_name.clone(),
                post: c.post.clone(),
                post_since: c.post_since.clone().unwrap_or_default(),
                nature: nature_label(c.nature.as_deref()),
                party_committee: c.party_committee,
            })
            .collect(),
        posts,
        can_enter: may_enter(&scope, &org),
        org,
        q,
    };
    Ok(Html(page.render()?).into_response())
}
