//! Lists of members and cadres of an organisation's subtree (inside the admin's scope), with
//! filters, paging and sorting, read from the filters as typed.

use tuanjian_domain::leaving::Standing;
use tuanjian_domain::{Action, ActorRole, ErrorCode, Post, authorize};
use tuanjian_store::cadres::{CadreFilter, CadreListItem, CadreQuery};
use tuanjian_store::members::{MemberFilter, MemberPage, MemberQuery, MemberSort};
use tuanjian_store::orgs::{Org, Page, PageRequest};
use tuanjian_store::scope::{AdminScope, ViewScope};

use super::admin_scope;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The organisation `org_id` if it lies in the admin's scope (else `NotFound`) and the admin
/// may take `action` there, with the scope.
pub async fn org_in_scope(
    app: &App,
    user: &Signed,
    org_id: i64,
    action: Action,
) -> Result<(AdminScope, Org), Fault> {
    let scope = admin_scope(app, user).await?;
    let org = app
        .store
        .org_in_scope(&ViewScope::Subtree(scope.clone()), org_id)
        .await?;
    authorize(action, ActorRole::Admin(scope.relation_to(&org.path)))?;
    Ok((scope, org))
}

fn bad(code: ErrorCode, message: &str) -> Fault {
    Fault::bad_request(code, message)
}

/// A value as typed, trimmed; `None` when absent or blank.
pub fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn page_request(page: &Option<String>, per_page: &Option<String>) -> Result<PageRequest, Fault> {
    let num = |v: &Option<String>, what: &str| -> Result<Option<i64>, Fault> {
        match nonempty(v) {
            None => Ok(None),
            Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
                bad(
                    ErrorCode::QueryInvalid,
                    &format!("{what}应为正整数，请检查网址中的参数"),
                )
            }),
        }
    };
    Ok(PageRequest::new(
        num(page, "页码")?,
        num(per_page, "每页条数")?,
    ))
}

/// The member list's filters as typed: every one optional.
#[derive(Debug, Clone, Default)]
pub struct MemberListInput {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub join_year: Option<String>,
    pub status: Option<String>,
    pub faulty: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl MemberListInput {
    pub fn parse(&self) -> Result<(MemberFilter, MemberSort, PageRequest), Fault> {
        let join_year = match nonempty(&self.join_year) {
            None => None,
            Some(y) => Some(
                y.parse::<i32>()
                    .ok()
                    .filter(|y| (1922..=2100).contains(y))
                    .ok_or_else(|| {
                        bad(ErrorCode::JoinYearInvalid, "入团年份应为4位数字，如 2019")
                    })?,
            ),
        };
        let standing = Standing::parse(self.status.as_deref().unwrap_or("")).map_err(|e| {
            bad(
                ErrorCode::StatusInvalid,
                &format!("{e}；也可以选“已离团”（left）或“全部”（all），不选只列出团员"),
            )
        })?;
        let sort = MemberSort::parse(self.sort.as_deref().unwrap_or("").trim()).ok_or_else(|| {
            bad(
                ErrorCode::SortInvalid,
                "排序方式只能是 org（按组织）、name（按姓名）、join_desc（入团年月从新到旧）或 join_asc（从旧到新）",
            )
        })?;
        Ok((
            MemberFilter {
                name: nonempty(&self.name),
                id_number: nonempty(&self.id_number),
                join_year,
                standing,
                faulty: self.faulty(),
            },
            sort,
            page_request(&self.page, &self.per_page)?,
        ))
    }

    /// Only records that break an entry rule.
    pub fn faulty(&self) -> bool {
        matches!(
            self.faulty.as_deref().map(str::trim),
            Some("1" | "true" | "on" | "yes")
        )
    }
}

/// One page of the subtree's members.
pub async fn members_of(
    app: &App,
    user: &Signed,
    org_id: i64,
    q: &MemberListInput,
) -> Result<(Org, MemberPage), Fault> {
    let (scope, org) = org_in_scope(app, user, org_id, Action::ViewMembers).await?;
    let (filter, sort, page) = q.parse()?;
    let query = MemberQuery::within(&scope, &org, &filter).ok_or_else(Fault::not_found)?;
    let members = app.store.members(&query, sort, page).await?;
    Ok((org, members))
}

/// The cadre list's filters as typed.
#[derive(Debug, Clone, Default)]
pub struct CadreListInput {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub post: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

impl CadreListInput {
    pub fn parse(&self) -> Result<(CadreFilter, PageRequest), Fault> {
        let post = match nonempty(&self.post) {
            None => None,
            Some(p) => Some(
                Post::parse(&p)
                    .map_err(|e| bad(ErrorCode::PostInvalid, &e.to_string()))?
                    .label()
                    .to_string(),
            ),
        };
        Ok((
            CadreFilter {
                name: nonempty(&self.name),
                id_number: nonempty(&self.id_number),
                post,
            },
            page_request(&self.page, &self.per_page)?,
        ))
    }
}

/// One page of the posts held in the subtree.
pub async fn cadres_of(
    app: &App,
    user: &Signed,
    org_id: i64,
    q: &CadreListInput,
) -> Result<(Org, Page<CadreListItem>), Fault> {
    let (scope, org) = org_in_scope(app, user, org_id, Action::ViewMembers).await?;
    let (filter, page) = q.parse()?;
    let query = CadreQuery::within(&scope, &org, &filter).ok_or_else(Fault::not_found)?;
    Ok((org, app.store.cadres(&query, page).await?))
}

/// Whether the admin may enter records into `org` (its own admin or the direct superior's).
pub fn may_enter(scope: &AdminScope, org: &Org) -> bool {
    authorize(
        Action::EnterMember,
        ActorRole::Admin(scope.relation_to(&org.path)),
    )
    .is_ok()
}
