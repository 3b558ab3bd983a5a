//! Organisation management, part three: admins (管理员变更), migration (组织迁移), deletion,
//! search and the approval inbox. Each use case asks `tuanjian_domain::authorize` and then the
//! store; the page and the API call the same function.

pub mod admins;
pub mod delete;
pub mod inbox;
pub mod moves;
pub mod search;

use tuanjian_domain::{Action, ActorRole, Relation, authorize};
use tuanjian_store::orgs::Org;

use crate::authority::Authority;
use crate::fault::Fault;

/// How `target` stands to the authority's organisation, as the permission rules see it.
pub fn actor_role(authority: &Authority, target: &Org) -> ActorRole {
    let own = |org_id: i64| {
        if org_id == target.id {
            Relation::Itself
        } else {
            Relation::Unrelated
        }
    };
    match authority {
        Authority::Admin(s) => ActorRole::Admin(s.relation_to(&target.path)),
        Authority::Cadre { org_id } => ActorRole::Cadre(own(*org_id)),
        Authority::Member { org_id } => ActorRole::Member(own(*org_id)),
    }
}

/// The permission rules' answer for `action` on `target`, as a fault when refused.
pub fn permit(authority: &Authority, action: Action, target: &Org) -> Result<(), Fault> {
    authorize(action, actor_role(authority, target)).map_err(Fault::from)
}
