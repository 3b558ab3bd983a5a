//! 毕业 (issue 12): the school's organisations above a branch mark it with its class's
//! graduation month (or as teachers' or mixed), and members who graduate later one by one;
//! the daily run (`daily::run_daily`, `tuanjian daily`) turns student branches whose month has
//! come into 毕业生团组织 and lapses old transfer requests; a graduating branch's members are
//! then listed for the bulk transfer (`crate::transfers::start::out`).

pub mod daily;
pub mod graduates;
pub mod late;
pub mod marks;

use tuanjian_domain::graduation::{GradMonth, MarkFault};
use tuanjian_domain::{Action, ActorRole, ErrorCode, authorize};
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The signed-in admin's scope: marking graduation is admin work.
pub(crate) async fn admin_scope(app: &App, user: &Signed) -> Result<AdminScope, Fault> {
    match authority::required(app, user).await? {
        Authority::Admin(scope) => Ok(scope),
        _ => Err(Fault::new(
            ErrorCode::AdminRequired,
            "只有组织管理员可以标注毕业时间，请在首页切换到管理员身份",
        )),
    }
}

/// Whether the admin may mark `branch` (an admin above it, never the branch's own).
pub(crate) fn permit_mark(scope: &AdminScope, branch: &Org) -> Result<(), Fault> {
    authorize(
        Action::MarkGraduation,
        ActorRole::Admin(scope.relation_to(&branch.path)),
    )
    .map_err(Fault::from)
}

/// The month now, in Beijing, which the marks are judged against.
pub fn this_month() -> GradMonth {
    GradMonth::of_date(beijing_today())
}

pub(crate) fn mark_fault(f: MarkFault) -> Fault {
    Fault::bad_request(f.code, f.message).field(f.field)
}
