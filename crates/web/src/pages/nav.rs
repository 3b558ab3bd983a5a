use crate::auth::role::Authority;
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::pages::menu::Menu;
use crate::state::AppState;
use tuanjian_store::roles::{Role, RoleKind};

tokio::task_local! {
    /// The path of the page being answered, set by `frame::page_frame` around every page
    /// request, so the menu marks the page shown without each of the many handlers passing it.
    static PAGE_PATH: String;
}

/// Runs `f` (a page request's handling) with `path` as the page being answered.
pub async fn with_page_path<F: Future>(path: String, f: F) -> F::Output {
    PAGE_PATH.scope(path, f).await
}

fn page_path() -> Option<String> {
    PAGE_PATH.try_with(Clone::clone).ok()
}

/// The header's and menu's view of the signed-in person.
pub struct Nav {
    pub person_name: String,
    pub role_label: Option<String>,
    pub csrf: String,
    /// Items waiting in the approval inbox, for an admin role (shown as 待办 (N)).
    pub inbox_count: Option<i64>,
    /// 管理中心 for an admin role, the personal menu otherwise.
    pub menu: Menu,
}

impl Nav {
    /// Something waits in the inbox: the header's 待办 stands out.
    pub fn inbox_waiting(&self) -> bool {
        self.inbox_count.is_some_and(|n| n > 0)
    }

    pub fn new(signed: &Signed, roles: &[Role]) -> Self {
        let role_label = signed
            .session
            .role
            .and_then(|(kind, org)| roles.iter().find(|r| r.kind == kind && r.org_id == org))
            .map(Role::label);
        Self {
            role_label,
            ..Self::plain(signed)
        }
    }

    /// Before a role is chosen, or where the roles were not loaded.
    pub fn plain(signed: &Signed) -> Self {
        Self {
            person_name: signed.person.name.clone(),
            role_label: None,
            csrf: signed.session.csrf_token.clone(),
            // Read with the session: present only while an admin role holds.
            inbox_count: signed.inbox_count,
            menu: session_menu(signed),
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
        let menu = match authority {
            Authority::Admin(s) => Menu::admin(s, inbox_count, page_path().as_deref()),
            Authority::Cadre { org_id } | Authority::Member { org_id } => {
                Menu::personal(Some(*org_id), page_path().as_deref())
            }
        };
        Ok(Self {
            role_label: Some(format!("{org_name} {label}")),
            inbox_count,
            menu,
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

/// The menu of the session's role as read with the session: the admin's scope comes with it
/// (only while the role holds); a member's or cadre's organisation is the session's.
fn session_menu(signed: &Signed) -> Menu {
    let path = page_path();
    match (&signed.admin_scope, signed.session.role) {
        (Some(scope), _) => Menu::admin(scope, signed.inbox_count, path.as_deref()),
        (None, Some((RoleKind::Cadre | RoleKind::Member, org_id))) => {
            Menu::personal(Some(org_id), path.as_deref())
        }
        (None, _) => Menu::personal(None, path.as_deref()),
    }
}
