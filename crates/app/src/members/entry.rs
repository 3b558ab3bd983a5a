//! 组织管理员添加: the branch's admin or its direct superior's enters a member (into a 团支部)
//! or a cadre post (in any organisation). The account exists at once with the initial
//! password; every fault comes back with its field.

use tuanjian_domain::member_record::{CadreInput, MemberInput};
use tuanjian_domain::{Action, MemberFault};
use tuanjian_store::members::Added;
use tuanjian_store::orgs::Org;

use super::lists::org_in_scope;
use super::{Failure, admin_scope};
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The organisation records are entered into, checked: in scope, the admin may enter there,
/// and (for members) it is a 团支部.
pub async fn entry_target(
    app: &App,
    user: &Signed,
    org_id: i64,
    member: bool,
) -> Result<Org, Fault> {
    let (_, org) = org_in_scope(app, user, org_id, Action::EnterMember).await?;
    if member && !org.kind.is_branch() {
        let f = MemberFault::not_a_branch(&org.full_name);
        return Err(Fault::with_status(409, f.code(), f.message));
    }
    Ok(org)
}

/// Enters a member into the 团支部 `org_id` under every entry rule.
pub async fn add_member(
    app: &App,
    user: &Signed,
    org_id: i64,
    input: &MemberInput,
) -> Result<Added, Failure> {
    let scope = admin_scope(app, user).await?;
    Ok(app
        .store
        .add_member(&user.actor(), &scope, org_id, input, today())
        .await?)
}

/// Enters a cadre post in `org_id`; a person already in the system keeps their account.
pub async fn add_cadre(
    app: &App,
    user: &Signed,
    org_id: i64,
    input: &CadreInput,
) -> Result<Added, Failure> {
    let scope = admin_scope(app, user).await?;
    Ok(app
        .store
        .add_cadre(&user.actor(), &scope, org_id, input, today())
        .await?)
}
