//! Switching the session's active role to another the person holds.

use tuanjian_domain::ErrorCode;
use tuanjian_store::roles::RoleKind;

use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// Makes one of the person's own roles (`kind` as typed: admin, cadre or member) the active
/// one. Returns the role's organisation. A choice made in the browser (`remember`) is also
/// where the person's next browser login starts; an API client's choice is its own business.
pub async fn switch_role(
    app: &App,
    user: &Signed,
    kind: &str,
    org_id: i64,
    remember: bool,
) -> Result<(RoleKind, i64), Fault> {
    let kind = RoleKind::parse(kind).ok_or_else(|| {
        Fault::new(
            ErrorCode::RoleInvalid,
            "身份类型只能是 admin、cadre 或 member",
        )
        .field("kind")
    })?;
    let roles = app.store.roles_of(user.person.id).await?;
    if !roles.iter().any(|r| r.kind == kind && r.org_id == org_id) {
        return Err(
            Fault::forbidden("您在该组织没有这个身份，无法切换").with_code(ErrorCode::RoleNotHeld)
        );
    }
    app.store
        .set_session_role(&user.actor(), &user.session, (kind, org_id), remember)
        .await?;
    Ok((kind, org_id))
}
