//! A person with a live session, as the adapters found them (cookie, bearer token).

use std::net::IpAddr;

use tuanjian_store::audit::Actor;
use tuanjian_store::people::Person;
use tuanjian_store::scope::AdminScope;
use tuanjian_store::sessions::Session;

#[derive(Debug, Clone)]
pub struct Signed {
    pub session: Session,
    pub person: Person,
    pub addr: IpAddr,
    /// When the session acts as an admin who still holds that role: read with the session.
    pub admin_scope: Option<AdminScope>,
    /// The admin's 待办 count, read with the session.
    pub inbox_count: Option<i64>,
}

impl Signed {
    /// Who did it, for the audit record.
    pub fn actor(&self) -> Actor {
        Actor {
            person_id: Some(self.person.id),
            role: self
                .session
                .role
                .map(|(k, org)| format!("{}:{org}", k.code())),
            client_addr: Some(self.addr.to_string()),
        }
    }

    pub fn must_change_password(&self) -> bool {
        self.person.in_initial_state()
    }
}
