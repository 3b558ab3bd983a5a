//! A member's 团籍 and its history: as their admins see it, as the member sees their own, and
//! the list of what waits (the branch: its members' 退团 requests; the superior: what it
//! approves) and what the branches below did (备案).

use tuanjian_domain::Action;
use tuanjian_store::leaving::{HistoryEntry, Standing};
use tuanjian_store::reviews::registrations::RegistrationEntry;

use super::member_for;
use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// A member's standing and history, with what the viewer may do.
pub struct MemberHistory {
    pub authority: Authority,
    pub member: Standing,
    pub history: Vec<HistoryEntry>,
    /// 团籍注册, one per certified year, newest first.
    pub registrations: Vec<RegistrationEntry>,
    /// The step waiting for the superior, if any.
    pub waiting: Option<HistoryEntry>,
    /// The member's own 退团 request waiting for the branch, if any.
    pub request: Option<HistoryEntry>,
    /// The viewer is the branch's admin (decides, asks to restore).
    pub may_decide: bool,
    /// The viewer is the branch's direct superior (approves, returns).
    pub may_review: bool,
}

/// The history of a member whose branch is in the admin's scope.
pub async fn of_member(app: &App, user: &Signed, person_id: i64) -> Result<MemberHistory, Fault> {
    let (authority, member) = member_for(app, user, person_id, Action::ViewMembers).await?;
    let history = app.store.membership_history(person_id).await?;
    let registrations = app.store.registrations_of(person_id).await?;
    let waiting = history.iter().find(|h| h.pending).cloned();
    let request = super::request::waiting_in(member.status, &history);
    let may_decide = permit(&authority, Action::DecideLeaving, &member.branch).is_ok();
    let may_review = permit(&authority, Action::ApproveLeaving, &member.branch).is_ok();
    Ok(MemberHistory {
        authority,
        member,
        history,
        registrations,
        waiting,
        request,
        may_decide,
        may_review,
    })
}

/// The signed-in person's own membership, history and 团籍注册 (also after leaving).
pub struct Mine {
    pub member: Standing,
    pub history: Vec<HistoryEntry>,
    pub registrations: Vec<RegistrationEntry>,
}

/// `None` for one who was never a member.
pub async fn mine(app: &App, user: &Signed) -> Result<Option<Mine>, Fault> {
    let Some(member) = app.store.standing(user.person.id).await? else {
        return Ok(None);
    };
    let history = app.store.membership_history(user.person.id).await?;
    let registrations = app.store.registrations_of(user.person.id).await?;
    Ok(Some(Mine {
        member,
        history,
        registrations,
    }))
}

/// What the admin's organisation, as direct superior of branches, has to approve and the latest
/// changes in those branches.
pub struct LeavingInbox {
    pub authority: Authority,
    /// For a branch's admin: its members' 退团 requests waiting for the branch.
    pub requests: Vec<HistoryEntry>,
    pub to_approve: Vec<HistoryEntry>,
    pub recent: Vec<HistoryEntry>,
}

/// How many recent changes the superior's list shows.
pub const RECENT: i64 = 50;

pub async fn inbox(app: &App, user: &Signed) -> Result<LeavingInbox, Fault> {
    let authority = authority::required(app, user).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(Fault::forbidden(
            "只有组织管理员可以查看团籍变动审批，请在首页切换到管理员身份",
        )
        .with_code(tuanjian_domain::ErrorCode::AdminRequired));
    };
    let org_id = scope.org().id;
    let requests = if scope.org().kind.is_branch() {
        app.store.withdrawal_requests(org_id).await?
    } else {
        Vec::new()
    };
    let to_approve = app.store.leaving_to_approve(org_id).await?;
    let recent = app.store.leaving_under(org_id, RECENT).await?;
    Ok(LeavingInbox {
        authority,
        requests,
        to_approve,
        recent,
    })
}
