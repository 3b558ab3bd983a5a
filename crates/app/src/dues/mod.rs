//! 团费 (issue 16, part 1): a branch's month of dues recorded on one page, by API or by Excel
//! (`record`, `sheet`), corrections with their reasons and declared incomes (`record`); the
//! member's own history (`mine`); a subtree's 自行脱团 candidates and yearly totals with their
//! export (`reports`); a province's bands (`bands`). Rules are the domain's
//! (`tuanjian_domain::dues`); each change is one transaction with its audit record
//! (`tuanjian_store::dues::record`).

pub mod bands;
pub mod mine;
pub mod record;
pub mod reports;
pub mod sheet;

use tuanjian_domain::dues::{Month, arrears_as_of};
use tuanjian_domain::{Action, ErrorCode};
use tuanjian_store::dues::BranchMonth;
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::orgs::Org;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// This month, in Beijing.
pub fn current_month() -> Month {
    Month::of(beijing_today())
}

/// The month asked for (this month when none is given), refused in Chinese when it is not a
/// month, in the future or before dues were recorded.
pub fn month_of(input: Option<&str>) -> Result<Month, Fault> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(current_month()),
        Some(m) => Month::parse(m, current_month())
            .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("month")),
    }
}

/// The last complete month: arrears are counted through it.
pub fn as_of() -> Month {
    arrears_as_of(beijing_today())
}

/// An organisation in the signed-in admin's scope with `action` permitted on it; outside the
/// scope (or not an admin) is `NotFound`.
pub(crate) async fn org_for(
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
    Ok((authority, org))
}

/// As `org_for`, and the organisation is a branch (dues are paid to branches).
pub(crate) async fn branch_for(
    app: &App,
    user: &Signed,
    org_id: i64,
    action: Action,
) -> Result<(Authority, Org), Fault> {
    let (authority, org) = org_for(app, user, org_id, action).await?;
    if !org.kind.is_branch() {
        return Err(Fault::bad_request(
            ErrorCode::NotABranch,
            format!(
                "{}不是团支部：团费由各团支部记录，请在“团费汇总”和“欠缴团费名单”中查看下级团支部的情况",
                org.full_name
            ),
        ));
    }
    Ok((authority, org))
}

/// A branch's month as an admin in scope sees it.
pub struct BranchView {
    pub org: Org,
    pub view: BranchMonth,
    /// The viewer is the branch's own admin (records and corrects).
    pub may_record: bool,
    /// Arrears are counted through this month.
    pub as_of: Month,
}

/// The branch's members and their records of `month`.
pub async fn branch_month(
    app: &App,
    user: &Signed,
    org_id: i64,
    month: Option<&str>,
) -> Result<BranchView, Fault> {
    let month = month_of(month)?;
    let (authority, org) = branch_for(app, user, org_id, Action::ViewMembers).await?;
    let view = app
        .store
        .dues_branch_month(org.id, org.province_id, month)
        .await?;
    Ok(BranchView {
        may_record: permit(&authority, Action::RecordDues, &org).is_ok(),
        org,
        view,
        as_of: as_of(),
    })
}
