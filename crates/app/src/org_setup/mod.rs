//! Setting organisations up (issue 3): creating children one at a time or from Excel, their
//! registration codes, 管理员注册 with a code, the 学校机构编号, and completion rates.

pub mod child_rules;
pub mod codes;
pub mod completion;
pub mod create;
pub mod import;
pub mod register;
pub mod school_code;

use tuanjian_domain::{Action, ActorRole, ErrorCode, authorize};
use tuanjian_store::orgs::Org;
use tuanjian_store::scope::AdminScope;

use crate::authority::{self, Authority};
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

/// The signed-in admin's scope and the target organisation, if the permission rules let this
/// admin take `action` on it. Outside the admin's subtree the answer is "not found", so ids
/// cannot be probed; cadres and members are refused.
pub async fn admin_target(
    app: &App,
    user: &Signed,
    org_id: i64,
    action: Action,
) -> Result<(AdminScope, Org), Fault> {
    let authority = authority::required(app, user).await?;
    let org = app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    match authority {
        Authority::Admin(scope) => {
            let relation = scope.relation_to(&org.path);
            authorize(action, ActorRole::Admin(relation))?;
            Ok((scope, org))
        }
        // Everything here is admin work, viewing the completion rates included.
        Authority::Cadre { .. } | Authority::Member { .. } => Err(Fault::forbidden(
            "只有组织管理员可以办理此项业务，请在首页切换到管理员身份",
        )
        .with_code(ErrorCode::AdminRequired)),
    }
}

pub use crate::beijing::beijing;

/// Percent with one decimal, "—" when there is nothing to count.
pub fn rate(done: i64, total: i64) -> String {
    if total == 0 {
        "—".into()
    } else {
        format!("{:.1}%", done as f64 * 100.0 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::beijing(0), "1970-01-01 08:00");
        assert_eq!(super::rate(1, 3), "33.3%");
        assert_eq!(super::rate(0, 0), "—");
    }
}
