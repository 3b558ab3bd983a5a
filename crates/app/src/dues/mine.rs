//! A member's 团费 as the member sees it in 个人中心, and as admins in scope see it.

use tuanjian_domain::Action;
use tuanjian_store::dues::{DuesMember, MemberDues};
use tuanjian_store::orgs::Org;

use super::as_of;
use crate::context::App;
use crate::fault::Fault;
use crate::leaving::member_for;
use crate::signed::Signed;

pub struct DuesHistory {
    pub name: String,
    pub dues: MemberDues,
    /// Months behind through the last complete month.
    pub behind: u32,
    pub as_of: tuanjian_domain::dues::Month,
}

fn history(name: String, dues: MemberDues) -> DuesHistory {
    let as_of = as_of();
    DuesHistory {
        name,
        behind: dues.standing.map_or(0, |s| s.behind(as_of)),
        dues,
        as_of,
    }
}

/// The signed-in person's own dues (any role: it is their own record).
pub async fn mine(app: &App, user: &Signed) -> Result<DuesHistory, Fault> {
    let dues = app.store.member_dues(user.person.id).await?;
    Ok(history(user.person.name.clone(), dues))
}

/// A member's dues as an admin whose scope holds the member's branch sees them.
pub struct MemberDuesView {
    pub history: DuesHistory,
    pub person_id: i64,
    pub branch: Org,
    /// The member in the branch now: 职业, declared income, what is due a month.
    pub now: Option<DuesMember>,
    /// The viewer is the branch's own admin: declares the income, corrects its records.
    pub may_record: bool,
}

pub async fn of_member(app: &App, user: &Signed, person_id: i64) -> Result<MemberDuesView, Fault> {
    let (authority, member) = member_for(app, user, person_id, Action::ViewMembers).await?;
    let dues = app.store.member_dues(person_id).await?;
    let now = app
        .store
        .dues_branch_month(
            member.branch.id,
            member.branch.province_id,
            super::current_month(),
        )
        .await?
        .members
        .into_iter()
        .find(|m| m.person_id == person_id);
    Ok(MemberDuesView {
        now,
        history: history(member.name.clone(), dues),
        person_id,
        may_record: crate::org_admin::permit(&authority, Action::RecordDues, &member.branch)
            .is_ok(),
        branch: member.branch,
    })
}
