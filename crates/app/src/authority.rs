//! The role a session acts in, checked against the database on every request, so a revoked
//! admin loses its authority at once.

use tuanjian_store::roles::RoleKind;
use tuanjian_store::scope::{AdminScope, ViewScope};

use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;
use tuanjian_domain::ErrorCode;

#[derive(Debug, Clone)]
pub enum Authority {
    Admin(AdminScope),
    Cadre { org_id: i64 },
    Member { org_id: i64 },
}

impl Authority {
    pub fn view_scope(&self, person_id: i64) -> ViewScope {
        match self {
            Authority::Admin(s) => ViewScope::Subtree(s.clone()),
            Authority::Cadre { org_id } | Authority::Member { org_id } => ViewScope::Single {
                person_id,
                org_id: *org_id,
            },
        }
    }

    pub fn org_id(&self) -> i64 {
        match self {
            Authority::Admin(s) => s.org().id,
            Authority::Cadre { org_id } | Authority::Member { org_id } => *org_id,
        }
    }
}

/// The authority of the session's active role, if it still holds.
pub async fn current(state: &App, signed: &Signed) -> Result<Option<Authority>, Fault> {
    let Some((kind, org_id)) = signed.session.role else {
        return Ok(None);
    };
    let person_id = signed.person.id;
    Ok(match kind {
        // Checked by the session query itself: the admin row still exists.
        RoleKind::Admin => signed
            .admin_scope
            .clone()
            .filter(|s| s.org().id == org_id)
            .map(Authority::Admin),
        RoleKind::Cadre => state
            .store
            .holds_post(person_id, org_id)
            .await?
            .then_some(Authority::Cadre { org_id }),
        RoleKind::Member => state
            .store
            .is_member_of(person_id, org_id)
            .await?
            .then_some(Authority::Member { org_id }),
    })
}

/// As `current`, but a missing role is a fault telling the person to choose one.
pub async fn required(state: &App, signed: &Signed) -> Result<Authority, Fault> {
    current(state, signed).await?.ok_or_else(|| {
        Fault::forbidden("请先在首页选择一个身份（团员、团干部或管理员），再进行操作")
            .with_code(ErrorCode::RoleRequired)
    })
}

/// The scope of a session acting as an admin; any other role (or none) is refused with
/// `admin_required` and `refusal`, which says what the admin work at hand is.
pub async fn admin_scope(app: &App, signed: &Signed, refusal: &str) -> Result<AdminScope, Fault> {
    match required(app, signed).await? {
        Authority::Admin(scope) => Ok(scope),
        Authority::Cadre { .. } | Authority::Member { .. } => {
            Err(Fault::forbidden(refusal).with_code(ErrorCode::AdminRequired))
        }
    }
}
