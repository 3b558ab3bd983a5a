//! Lists of members and cadres of an organisation's subtree (inside the admin's scope), with
//! filters, paging and sorting, read from the filters as typed.

use tuanjian_domain::leaving::Standing;
use tuanjian_domain::{Action, ActorRole, ErrorCode, Post, authorize};
use tuanjian_store::cadre_pages::CadrePage;
use tuanjian_store::cadres::{CadreFilter, CadreQuery};
use tuanjian_store::members::{MemberFilter, MemberPage, MemberQuery, MemberSort};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::{AdminScope, ViewScope};

use super::admin_scope;
use super::narrow::{Within, narrow};
use super::paging::{Paging, PastEnd};
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

/// The member list's filters as typed: every one optional.
#[derive(Debug, Clone, Default)]
pub struct MemberListInput {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub join_year: Option<String>,
    pub status: Option<String>,
    pub faulty: Option<String>,
    pub sort: Option<String>,
    /// 所在团支部 by id.
    pub branch: Option<String>,
    /// 所在团支部 by full name (the text box of a large subtree).
    pub branch_name: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    /// 下一页: the page after this member (their id, from the previous page's `next_after`).
    pub after: Option<String>,
    /// 上一页: the page before this member (`prev_before`).
    pub before: Option<String>,
}

impl MemberListInput {
    pub fn parse(&self) -> Result<(MemberFilter, MemberSort, Paging), Fault> {
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
            Paging::read_keyed(&self.page, &self.per_page, &self.after, &self.before)?,
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

/// A page of a list with what it was narrowed to and what the reader is told.
#[derive(Debug, Clone)]
pub struct Listed<P> {
    /// The organisation whose subtree is listed.
    pub org: Org,
    /// The organisation the list is narrowed to (所在团支部 / 所在组织), if any.
    pub narrowed: Option<Org>,
    pub page: P,
    /// A page size or number brought into bounds.
    pub notices: Vec<String>,
    /// The admin's scope (the pages decide each row's actions with it).
    pub scope: AdminScope,
    /// The number of 团支部 below `org`, when the total's read gave it (for `narrow::choices`).
    pub branches: Option<i64>,
}

impl<P> Listed<P> {
    /// Every row of the list stands in one 团支部 (the org is one, or the list is narrowed to
    /// one), so a column naming it would repeat itself.
    pub fn one_branch(&self) -> bool {
        self.org.kind.is_branch() || self.narrowed.as_ref().is_some_and(|o| o.kind.is_branch())
    }
}

/// One page of the subtree's members (or of the branch it is narrowed to).
pub async fn members_of(
    app: &App,
    user: &Signed,
    org_id: i64,
    q: &MemberListInput,
    past_end: PastEnd,
) -> Result<Listed<MemberPage>, Fault> {
    let (scope, org) = org_in_scope(app, user, org_id, Action::ViewMembers).await?;
    let (filter, sort, mut paging) = q.parse()?;
    let narrowed = narrow(
        app,
        &scope,
        &org,
        Within::Branches,
        &q.branch,
        &q.branch_name,
    )
    .await?;
    let within = narrowed.as_ref().unwrap_or(&org);
    let query = MemberQuery::within(&scope, within, &filter).ok_or_else(Fault::not_found)?;
    // A list may lag the primary by a moment, except after the admin's own change (replica).
    let reads = app.store.replica_read().await?;
    let (total, branches) = reads.member_total_and_branches(&query).await?;
    // Counted below the branch the list is narrowed to: not the listed organisation's.
    let branches = branches.filter(|_| narrowed.is_none());
    paging.settle(total, past_end);
    let per_page = paging.request.per_page;
    let members = match reads
        .member_page(
            &query,
            sort,
            paging.position,
            per_page,
            paging.request.page,
            total,
        )
        .await?
    {
        Some(page) => page,
        None => {
            paging.key_gone();
            reads
                .member_page(&query, sort, paging.position, per_page, 1, total)
                .await?
                .ok_or_else(|| {
                    Fault::from(tuanjian_store::StoreError::Broken("page 1 has no key"))
                })?
        }
    };
    Ok(Listed {
        org,
        narrowed,
        page: members,
        notices: paging.notices,
        scope,
        branches,
    })
}

/// The cadre list's filters as typed.
#[derive(Debug, Clone, Default)]
pub struct CadreListInput {
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub post: Option<String>,
    /// 所在组织 by id: posts of that organisation itself.
    pub unit: Option<String>,
    /// 所在组织 by full name.
    pub unit_name: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    /// 下一页 by key: the page after this post (a page's `next_after`).
    pub after: Option<String>,
    /// 上一页 by key: the page before this post (a page's `prev_before`).
    pub before: Option<String>,
}

impl CadreListInput {
    pub fn parse(&self) -> Result<(CadreFilter, Paging), Fault> {
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
                org_id: None,
            },
            Paging::read_keyed(&self.page, &self.per_page, &self.after, &self.before)?,
        ))
    }
}

/// One page of the posts held in the subtree (or in the one organisation it is narrowed to).
pub async fn cadres_of(
    app: &App,
    user: &Signed,
    org_id: i64,
    q: &CadreListInput,
    past_end: PastEnd,
) -> Result<Listed<CadrePage>, Fault> {
    let (scope, org) = org_in_scope(app, user, org_id, Action::ViewMembers).await?;
    let (mut filter, mut paging) = q.parse()?;
    let narrowed = narrow(app, &scope, &org, Within::Any, &q.unit, &q.unit_name).await?;
    filter.org_id = narrowed.as_ref().map(|o| o.id);
    let query = CadreQuery::within(&scope, &org, &filter).ok_or_else(Fault::not_found)?;
    let reads = app.store.replica_read().await?;
    let total = reads.cadre_total(&query).await?;
    paging.settle(total, past_end);
    let per_page = paging.request.per_page;
    let cadres = match reads
        .cadre_page(
            &query,
            paging.position,
            per_page,
            paging.request.page,
            total,
        )
        .await?
    {
        Some(page) => page,
        None => {
            paging.key_gone();
            reads
                .cadre_page(&query, paging.position, per_page, 1, total)
                .await?
                .ok_or_else(|| {
                    Fault::from(tuanjian_store::StoreError::Broken("page 1 has no key"))
                })?
        }
    };
    Ok(Listed {
        org,
        narrowed,
        page: cadres,
        notices: paging.notices,
        scope,
        branches: None,
    })
}

/// Whether the admin may enter records into `org` (its own admin or the direct superior's).
pub fn may_enter(scope: &AdminScope, org: &Org) -> bool {
    authorize(
        Action::EnterMember,
        ActorRole::Admin(scope.relation_to(&org.path)),
    )
    .is_ok()
}
