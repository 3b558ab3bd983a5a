//! 推优入党 lists: a subtree's members with a record, by stage, a page at a time; and, for an
//! organisation above branches, what waits for its approval.

use tuanjian_domain::recommendation::RecStatus;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::orgs::Org;
use tuanjian_store::recommendations::lists::RecListItem;
use tuanjian_store::scope::Subtree;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// Rows on a page.
pub const PER_PAGE: i64 = 50;
/// The deepest page reachable (the list is a few per branch).
pub const MAX_PAGE: i64 = 200;

pub struct RecList {
    pub authority: Authority,
    pub org: Org,
    pub status: Option<RecStatus>,
    pub items: Vec<RecListItem>,
    pub total: i64,
    pub page: i64,
    /// Steps of the branches directly below waiting for this organisation's approval.
    pub to_approve: Vec<RecListItem>,
}

/// The list of `org_id`'s subtree (`status`: a `RecStatus` code, empty for all).
pub async fn list(
    app: &App,
    user: &Signed,
    org_id: i64,
    status: Option<&str>,
    page: Option<&str>,
) -> Result<RecList, Fault> {
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(RecStatus::from_code(s).ok_or_else(|| {
            Fault::bad_request(
                ErrorCode::QueryInvalid,
                format!(
                    "推优进度“{}”无法识别，可选：{}",
                    s.chars().take(30).collect::<String>(),
                    RecStatus::ALL
                        .iter()
                        .map(|s| s.code())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )
            .field("status")
        })?),
    };
    let page = match page.map(str::trim).filter(|s| !s.is_empty()) {
        None => 1,
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=MAX_PAGE).contains(p))
            .ok_or_else(|| {
                Fault::bad_request(
                    ErrorCode::QueryInvalid,
                    format!("页码应为1到{MAX_PAGE}之间的整数"),
                )
                .field("page")
            })?,
    };
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::ViewMembers, &org)?;
    let Authority::Admin(scope) = &authority else {
        return Err(Fault::not_found());
    };
    let q = Subtree::within(scope, &org).ok_or_else(Fault::not_found)?;
    let (items, total) = app
        .store
        .recommendations_in(&q, status, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let to_approve = if org.kind.is_branch() {
        Vec::new()
    } else {
        app.store.recommendations_to_approve(org.id).await?
    };
    Ok(RecList {
        authority,
        org,
        status,
        items,
        total,
        page,
        to_approve,
    })
}
