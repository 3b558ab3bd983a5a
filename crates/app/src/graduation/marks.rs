//! Marking branches: the list of a school organisation's branches with their marks, and one
//! mark (a month for a class, teachers', mixed, or none) set on many branches at once.

use tuanjian_domain::Action;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::graduation::GraduationMark;
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::graduation::{self, BranchMarkPage};
use tuanjian_store::orgs::Org;
use tuanjian_store::transfers::org_tx;

use super::{mark_fault, permit_mark};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Branches shown per page.
pub const PAGE_SIZE: i64 = 200;
/// Most branches one request marks.
pub const MARK_LIMIT: usize = 1_000;

/// What the admin asked for: a mark, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkChoice {
    Set(GraduationMark),
    Clear,
}

/// The form's or the API's kind (`students`, `teachers`, `mixed`, `clear`) and month.
pub fn parse_choice(kind: &str, month: &str) -> Result<MarkChoice, Fault> {
    if kind.trim() == "clear" {
        return Ok(MarkChoice::Clear);
    }
    GraduationMark::parse(kind, month, beijing_today())
        .map(MarkChoice::Set)
        .map_err(mark_fault)
}

/// An organisation's branches with their marks.
pub struct BranchMarks {
    pub org: Org,
    pub branches: BranchMarkPage,
    /// Whether the admin may mark the branches shown (an organisation above them).
    pub may_mark: bool,
    pub page: i64,
}

impl BranchMarks {
    pub fn pages(&self) -> i64 {
        ((self.branches.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
    }
}

/// The branches below `org_id` (itself when it is one), a page at a time.
pub async fn overview(
    app: &App,
    user: &Signed,
    org_id: i64,
    page: Option<i64>,
) -> Result<BranchMarks, Fault> {
    let (_, org) = crate::org_setup::admin_target(app, user, org_id, Action::ViewMembers).await?;
    let page = page.unwrap_or(1).max(1);
    let branches = app
        .store
        .branch_marks(&org.path, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        .await?;
    Ok(BranchMarks {
        // Every branch below an organisation the admin reaches is a descendant of the admin's.
        may_mark: !org.kind.is_branch(),
        org,
        branches,
        page,
    })
}

/// Sets one mark on the branches `branch_ids` below `org_id`, all or none, each audited.
pub async fn mark(
    app: &App,
    user: &Signed,
    org_id: i64,
    branch_ids: &[i64],
    choice: MarkChoice,
) -> Result<usize, Fault> {
    let (scope, org) =
        crate::org_setup::admin_target(app, user, org_id, Action::ViewMembers).await?;
    if branch_ids.is_empty() {
        return Err(Fault::bad_request(
            ErrorCode::RequiredMissing,
            "请至少勾选一个团支部，再标注毕业时间",
        )
        .field("branch_ids"));
    }
    if branch_ids.len() > MARK_LIMIT {
        return Err(Fault::bad_request(
            ErrorCode::BadRequest,
            format!("一次最多标注{MARK_LIMIT}个团支部，请分批标注"),
        )
        .field("branch_ids"));
    }
    let mark = match choice {
        MarkChoice::Set(m) => Some(m),
        MarkChoice::Clear => None,
    };
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    for &id in branch_ids {
        let branch = org_tx(&mut tx, id).await?;
        // Outside the page's organisation or the admin's reach: as if it did not exist.
        if !org.path.contains(&branch.path) || !scope.covers(&branch.path) {
            return Err(Fault::not_found());
        }
        permit_mark(&scope, &branch)?;
        // The store's refusals name the branch (kind, already converted).
        graduation::mark_branch(&mut tx, &actor, id, mark).await?;
    }
    tx.commit().await?;
    Ok(branch_ids.len())
}
