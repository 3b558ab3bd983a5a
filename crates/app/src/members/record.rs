//! A member's (or cadre's) record as the admin may see it, who may do what with it, and the
//! edit of every field but 姓名 and 身份证号码 (those go through a correction).

use tuanjian_domain::member_record::MemberInput;
use tuanjian_domain::{Action, ActorRole, authorize};
use tuanjian_store::corrections::Correction;
use tuanjian_store::member_detail::MemberDetail;
use tuanjian_store::scope::AdminScope;

use super::{Failure, admin_scope};
use crate::beijing::today;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The record as the admin may see it, with the scope.
pub async fn detail(
    app: &App,
    user: &Signed,
    person_id: i64,
) -> Result<(AdminScope, MemberDetail), Fault> {
    let scope = admin_scope(app, user).await?;
    let d = app.store.member_detail(&scope, person_id).await?;
    Ok((scope, d))
}

/// Whether the admin may take `action` on the member's record (its branch's own admin or the
/// direct superior's, for the member actions).
pub fn may(scope: &AdminScope, d: &MemberDetail, action: Action) -> bool {
    d.membership.as_ref().is_some_and(|m| {
        authorize(action, ActorRole::Admin(scope.relation_to(&m.org_path))).is_ok()
    })
}

/// Refuses `action` with the permission rules' message; a record without a membership in scope
/// is not found.
pub fn require(scope: &AdminScope, d: &MemberDetail, action: Action) -> Result<(), Fault> {
    let m = d.membership.as_ref().ok_or_else(Fault::not_found)?;
    Ok(authorize(
        action,
        ActorRole::Admin(scope.relation_to(&m.org_path)),
    )?)
}

/// Saves every field but name and ID number, checked again under the entry rules; returns the
/// warnings.
pub async fn edit(
    app: &App,
    user: &Signed,
    person_id: i64,
    input: &MemberInput,
) -> Result<Vec<String>, Failure> {
    let scope = admin_scope(app, user).await?;
    Ok(app
        .store
        .edit_member(&user.actor(), &scope, person_id, input, today())
        .await?)
}

/// The corrections of a member's record that the admin may see (none for a person who only
/// holds posts).
pub async fn corrections(
    app: &App,
    scope: &AdminScope,
    d: &MemberDetail,
) -> Result<Vec<Correction>, Fault> {
    if d.membership.is_none() {
        return Ok(Vec::new());
    }
    Ok(app
        .store
        .corrections_of(d.person.person_id)
        .await?
        .into_iter()
        .filter(|c| c.visible_to(scope))
        .collect())
}
