//! 团籍 and leaving (issue 12, part 4): the 超龄 list and bulk 办理离团 (`aging`), the branch's
//! decisions and restore requests (`decide`), the member's own 退团 request and the branch's
//! answer (`request`), the superior's approvals (`review`), and the
//! history a member, their admins and the superior read (`history`). Each use case asks
//! `tuanjian_domain::authorize` with the member's branch as the target.

pub mod aging;
pub mod decide;
pub mod history;
pub mod request;
pub mod review;

use tuanjian_domain::leaving::REASON_MAX;
use tuanjian_domain::{Action, BoundedText};
use tuanjian_store::leaving::Standing;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::org_admin::permit;
use crate::signed::Signed;

/// A member whose branch the signed-in admin sees, the action permitted on it. Outside the
/// scope (or never a member) is `NotFound`, so ids cannot be probed.
pub async fn member_for(
    app: &App,
    user: &Signed,
    person_id: i64,
    action: Action,
) -> Result<(Authority, Standing), Fault> {
    let authority = authority::required(app, user).await?;
    let member = app
        .store
        .standing(person_id)
        .await?
        .ok_or_else(Fault::not_found)?;
    if !authority
        .view_scope(user.person.id)
        .may_view(&member.branch)
    {
        return Err(Fault::not_found());
    }
    permit(&authority, action, &member.branch)?;
    Ok((authority, member))
}

/// A reason or comment as typed: trimmed, bounded, one field named in the message.
pub fn text(input: &str, field: &'static str, name: &'static str) -> Result<String, Fault> {
    BoundedText::<REASON_MAX>::parse(input, name)
        .map(BoundedText::into_string)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field(field))
}
