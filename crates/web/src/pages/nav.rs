use crate::auth::role::Authority;
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::state::AppState;
use tuanjian_store::roles::Role;

/// The header's view of the signed-in person.
pub struct Nav {
    pub person_name: String,
    pub role_label: Option<String>,
    pub csrf: String,
    /// Items waiting in the approval inbox, for an admin role (shown as 待办 (N)).
    pub inbox_count: Option<i64>,
}

impl Nav {
    pub fn new(signed: &Signed, roles: &[Role]) -> Self {
        let role_label = signed
            .session
            .role
            .and_then(|(kind, org)| roles.iter().find(|r| r.kind == kind && r.org_id == org))
            .map(Role::label);
        Self {
            person_name: signed.person.name.clone(),
            role_label,
            csrf: signed.session.csrf_token.clone(),
            inbox_count: None,
        }
    }

    /// Before a role is chosen, or where the roles were not loaded.
    pub fn plain(signed: &Signed) -> Self {
        Self {
            person_name: signed.person.name.clone(),
            role_label: None,
            csrf: signed.session.csrf_token.clone(),
            inbox_count: None,
        }
    }

    /// For pages acting in a role: one cheap lookup instead of loading every role.
    pub async fn for_authority(
        state: &AppState,
        signed: &Signed,
        authority: &Authority,
    ) -> Result<Self, Fault> {
        let inbox_count = match authority {
            Authority::Admin(_) => signed.inbox_count,
            _ => None,
        };
        let (label, org_name) = match authority {
            Authority::Admin(s) => ("管理员", s.org().short_name.clone()),
            Authority::Cadre { org_id } => ("团干部", state.store.org(*org_id).await?.short_name),
            Authority::Member { org_id } => ("团员", state.store.org(*org_id).await?.short_name),
        };
        Ok(Self {
            role_label: Some(format!("{org_name} {label}")),
            inbox_count,
            ..Self::plain(signed)
        })
    }

    /// Adds the 待办 count when the session acts as an admin (for pages built with `new` or
    /// `plain`); the admin role is checked first, as on every request.
    pub async fn with_inbox_count(
        mut self,
        _state: &AppState,
        signed: &Signed,
    ) -> Result<Self, Fault> {
        // Read with the session, only while the admin role still holds.
        self.inbox_count = signed.inbox_count;
        Ok(self)
    }
}
