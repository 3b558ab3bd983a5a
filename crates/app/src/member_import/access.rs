//! Who may import into, or export from, an organisation.

use tuanjian_domain::{Action, ActorRole, ErrorCode, Relation, authorize};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The admin's scope and the organisation, if this admin may import into it: imports are
/// done by the organisation's own admin (本级团干部, and the members of its own branches).
pub async fn import_target(
    app: &App,
    user: &Signed,
    org_id: i64,
) -> Result<(AdminScope, Org), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    let Authority::Admin(scope) = authority else {
        return Err(Fault::forbidden(
            "只有组织管理员可以导入团员、团干部，请在首页切换到管理员身份",
        )
        .with_code(ErrorCode::AdminRequired));
    };
    let relation = scope.relation_to(&org.path);
    authorize(Action::EnterMember, ActorRole::Admin(relation))
        .map_err(|r| Fault::forbidden(r.message).with_code(r.code))?;
    if relation != Relation::Itself {
        return Err(Fault::forbidden(
            "导入由本组织的管理员在本组织办理：请以该组织管理员的身份登录后导入",
        )
        .with_code(ErrorCode::NotOwnOrg));
    }
    Ok((scope, org))
}

/// The admin's scope and the organisation, if this admin may view (and so export) its members.
pub async fn view_target(
    app: &App,
    user: &Signed,
    org_id: i64,
) -> Result<(AdminScope, Org), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    let Authority::Admin(scope) = authority else {
        return Err(Fault::forbidden(
            "只有组织管理员可以导出团员、团干部名单，请在首页切换到管理员身份",
        )
        .with_code(ErrorCode::AdminRequired));
    };
    authorize(
        Action::ViewMembers,
        ActorRole::Admin(scope.relation_to(&org.path)),
    )
    .map_err(|r| Fault::forbidden(r.message).with_code(r.code))?;
    Ok((scope, org))
}
