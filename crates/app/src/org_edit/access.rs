//! Who may do what with an organisation's information, asked of the domain's `authorize`, and
//! reading the organisation through the viewer's scope.

use tuanjian_domain::{Action, ActorRole, Relation, authorize};
use tuanjian_store::orgs::Org;

use crate::authority::Authority;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

pub fn actor_role(authority: &Authority, org: &Org) -> ActorRole {
    let single = |org_id: i64| {
        if org_id == org.id {
            Relation::Itself
        } else {
            Relation::Unrelated
        }
    };
    match authority {
        Authority::Admin(scope) => ActorRole::Admin(scope.relation_to(&org.path)),
        Authority::Cadre { org_id } => ActorRole::Cadre(single(*org_id)),
        Authority::Member { org_id } => ActorRole::Member(single(*org_id)),
    }
}

pub fn require(action: Action, authority: &Authority, org: &Org) -> Result<(), Fault> {
    Ok(authorize(action, actor_role(authority, org))?)
}

pub struct Allowed {
    pub edit_directly: bool,
    pub request_change: bool,
    pub decide: bool,
    pub view_history: bool,
}

pub fn allowed(authority: &Authority, org: &Org) -> Allowed {
    let role = actor_role(authority, org);
    let may = |a| authorize(a, role).is_ok();
    Allowed {
        edit_directly: may(Action::EditInfo),
        request_change: may(Action::RequestInfoChange),
        decide: may(Action::DecideInfoChange),
        view_history: may(Action::ViewHistory),
    }
}

/// Reads the target through the viewer's scope: `NotFound` outside it.
pub async fn target(
    app: &App,
    user: &Signed,
    authority: &Authority,
    id: i64,
) -> Result<Org, Fault> {
    Ok(app
        .store
        .org_in_scope(&authority.view_scope(user.person.id), id)
        .await?)
}

/// The organisation, if the viewer may see its information.
pub async fn viewable(
    app: &App,
    user: &Signed,
    authority: &Authority,
    id: i64,
) -> Result<Org, Fault> {
    let org = target(app, user, authority, id).await?;
    require(Action::View, authority, &org)?;
    Ok(org)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The direct superior's admin: everything at once.
    Superior,
    /// The organisation's own admin: fills at once, changes wait.
    Own,
}

pub fn edit_mode(authority: &Authority, org: &Org) -> Result<Mode, Fault> {
    let role = actor_role(authority, org);
    match authorize(Action::EditInfo, role) {
        Ok(()) => Ok(Mode::Superior),
        Err(refusal) => match authorize(Action::RequestInfoChange, role) {
            Ok(()) => Ok(Mode::Own),
            Err(_) => Err(refusal.into()),
        },
    }
}
