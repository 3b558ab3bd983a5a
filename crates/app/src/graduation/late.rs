//! 延期毕业: a member of a student branch marked as graduating in a later month of their own,
//! or not this year; the mark keeps them off the graduates' transfer list until then.

use tuanjian_domain::graduation::LateGraduation;
use tuanjian_store::entry_faults::beijing_today;
use tuanjian_store::graduation;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::transfers::member_for_transfer;

use super::{admin_scope, mark_fault, permit_mark};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// What the admin asked for: a late graduation, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateChoice {
    Set(LateGraduation),
    Clear,
}

/// The kind (`month`, `not_this_year`, `clear`) and the month as typed.
pub fn parse_choice(kind: &str, month: &str) -> Result<LateChoice, Fault> {
    if kind.trim() == "clear" {
        return Ok(LateChoice::Clear);
    }
    LateGraduation::parse(kind, month, beijing_today())
        .map(LateChoice::Set)
        .map_err(mark_fault)
}

/// A member's graduation as an admin sees it.
pub struct MemberGraduation {
    pub person: Person,
    pub branch: Org,
    pub late: Option<LateGraduation>,
    /// Whether the admin may mark this member (an admin above the branch).
    pub may_mark: bool,
}

/// The member's branch, when the admin's scope holds it; otherwise as if there were none.
async fn branch_in_scope(app: &App, scope: &AdminScope, person_id: i64) -> Result<Org, Fault> {
    let mut tx = app.store.begin_read().await?;
    let (branch, _) = member_for_transfer(&mut tx, person_id).await?;
    tx.commit().await?;
    if !scope.covers(&branch.path) {
        return Err(Fault::not_found());
    }
    Ok(branch)
}

pub async fn show(app: &App, user: &Signed, person_id: i64) -> Result<MemberGraduation, Fault> {
    let scope = admin_scope(app, user).await?;
    let branch = branch_in_scope(app, &scope, person_id).await?;
    Ok(MemberGraduation {
        person: app.store.person(person_id).await?,
        late: app.store.late_graduation(person_id).await?,
        may_mark: permit_mark(&scope, &branch).is_ok(),
        branch,
    })
}

/// Sets or clears the member's late graduation, audited, in one transaction.
pub async fn mark(
    app: &App,
    user: &Signed,
    person_id: i64,
    choice: LateChoice,
) -> Result<(), Fault> {
    let scope = admin_scope(app, user).await?;
    let late = match choice {
        LateChoice::Set(l) => Some(l),
        LateChoice::Clear => None,
    };
    let actor = user.actor();
    let mut tx = app.store.begin().await?;
    let (branch, _) = member_for_transfer(&mut tx, person_id).await?;
    if !scope.covers(&branch.path) {
        return Err(Fault::not_found());
    }
    permit_mark(&scope, &branch)?;
    graduation::mark_late(&mut tx, &actor, person_id, late).await?;
    tx.commit().await?;
    Ok(())
}
