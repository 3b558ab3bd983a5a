//! 两制 (issue 15): a branch's yearly 团员教育评议 and the 团籍注册 that follows. The
//! branch's admin records grades on one page or by Excel and submits (`round`, `sheet`); the
//! direct superior certifies or returns (`decide`); superiors follow their branches
//! (`progress`). Rules are the domain's (`tuanjian_domain::review`); each change is one
//! transaction with its audit record (`tuanjian_store::reviews::steps`).

pub mod decide;
pub mod progress;
pub mod round;
pub mod sheet;

use tuanjian_domain::review::ReviewYear;
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::orgs::Org;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// The year asked for (this year when none is given), refused in Chinese when it is neither
/// this year nor last.
pub fn year_of(input: Option<&str>) -> Result<ReviewYear, Fault> {
    let today = beijing_today();
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(ReviewYear::current(today)),
        Some(y) => ReviewYear::parse(y, today)
            .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("year")),
    }
}

/// A branch in the signed-in admin's scope, the action permitted on it. Outside the scope is
/// `NotFound`; an organisation that is not a branch is refused with where to look instead.
pub(crate) async fn branch_for(
    app: &App,
    user: &Signed,
    org_id: i64,
    action: Action,
) -> Result<(Authority, Org), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    if !matches!(authority, Authority::Admin(_)) {
        return Err(Fault::not_found());
    }
    permit(&authority, action, &org)?;
    if !org.kind.is_branch() {
        return Err(Fault::bad_request(
            ErrorCode::NotABranch,
            format!(
                "{}不是团支部：团员教育评议由各团支部录入，请在“评议进度”中查看下级团支部的情况",
                org.full_name
            ),
        ));
    }
    Ok((authority, org))
}
