//! Logging in, shared by the login page and the API: lockouts, constant-time answers,
//! the same message for an unknown account and a wrong password.

use std::net::IpAddr;

use sha2::{Digest, Sha256};
use tuanjian_domain::{ErrorCode, IdNumber};
use tuanjian_store::audit::{self, Actor, AuditEntry};
use tuanjian_store::people::Person;
use tuanjian_store::roles::{Role, RoleKind};
use tuanjian_store::sessions::{SessionKind, create_session};
use tuanjian_store::{now, throttle};

use super::{Tally, same_token};
use crate::context::App;
use crate::fault::Fault;

pub struct LoggedIn {
    pub token: String,
    pub person: Person,
    pub roles: Vec<Role>,
    /// The role the session starts in, if any (`starting_role`).
    pub role: Option<(RoleKind, i64)>,
}

/// The role a new session starts in: the one remembered from the person's last choice while
/// they still hold it (a role taken away since is not applied), else the only role when there
/// is exactly one (nothing to choose), else none (the person chooses on 我的身份).
pub fn starting_role(
    roles: &[Role],
    remembered: Option<(RoleKind, i64)>,
) -> Option<(RoleKind, i64)> {
    let held = |r: &(RoleKind, i64)| roles.iter().any(|x| x.kind == r.0 && x.org_id == r.1);
    remembered.filter(held).or(match roles {
        [only] => Some((only.kind, only.org_id)),
        _ => None,
    })
}

/// The throttle key of a typed account: also cleared when a reset code sets a new password.
pub fn account_key(id: &str) -> String {
    // Only a digest of what was typed is kept, so the table holds no ID numbers of strangers.
    let digest = Sha256::digest(id.as_bytes());
    format!(
        "acct:{}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn address_key(addr: IpAddr) -> String {
    format!("addr:{addr}")
}

pub fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!(
            "登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试；如忘记密码，请在“忘记密码”中找回或联系所在团组织管理员"
        ),
    )
}

fn failed_fault() -> Fault {
    Fault::new(ErrorCode::LoginFailed, "身份证号码或密码错误，请重新输入")
}

/// Does the typed password open this account? Initial-state accounts compare with the last
/// 8 characters; a dummy Argon2 check keeps their timing like everyone else's.
async fn password_matches(
    app: &App,
    person: Option<&Person>,
    password: &str,
) -> anyhow::Result<bool> {
    match person {
        Some(p) if p.in_initial_state() => {
            let _ = app.hasher.verify(password.to_string(), None).await?;
            Ok(same_token(
                &password.to_ascii_uppercase(),
                p.id_number.initial_password(),
            ))
        }
        Some(p) => {
            app.hasher
                .verify(password.to_string(), p.password_hash.clone())
                .await
        }
        None => {
            let _ = app.hasher.verify(password.to_string(), None).await?;
            Ok(false)
        }
    }
}

/// Checks the typed account and password and opens a session of `kind`: failures count
/// against the account and the client address, and lock them out past the configured limits.
pub async fn login(
    app: &App,
    tally: &dyn Tally,
    id_input: &str,
    password: &str,
    addr: IpAddr,
    kind: SessionKind,
) -> Result<LoggedIn, Fault> {
    let store = &app.store;
    let addr_key = address_key(addr);
    if let Some(until) = store.locked_until(&addr_key).await? {
        return Err(locked_fault(until));
    }
    let id = IdNumber::parse(id_input).map_err(|e| {
        Fault::bad_request(e.code(), format!("{e}。账号是本人的18位身份证号码")).field("id_number")
    })?;
    if password.is_empty() || password.chars().count() > 64 {
        return Err(
            Fault::new(ErrorCode::PasswordInvalid, "请输入密码（不超过64位）").field("password"),
        );
    }
    let acct_key = account_key(id.as_str());
    if let Some(until) = store.locked_until(&acct_key).await? {
        return Err(locked_fault(until));
    }
    let person = store.person_by_id_number(&id).await?;
    let ok = password_matches(app, person.as_ref(), password).await?;
    let actor = Actor {
        person_id: person.as_ref().map(|p| p.id),
        role: None,
        client_addr: Some(addr.to_string()),
    };

    if !ok {
        tally.login(false);
        let mut tx = store.begin().await?;
        let acct_lock =
            throttle::record_failure(&mut tx, &acct_key, app.config.account_lockout).await?;
        let addr_lock =
            throttle::record_failure(&mut tx, &addr_key, app.config.address_lockout).await?;
        for (what, until) in [("account", acct_lock), ("address", addr_lock)] {
            if let Some(until) = until {
                tally.lockout();
                tracing::warn!(what, "login lockout");
                audit::record(
                    &mut tx,
                    &actor,
                    AuditEntry::new("login.lockout")
                        .after(serde_json::json!({ "scope": what, "until": until, "account": person.as_ref().map(|p| p.id) })),
                )
                .await?;
            }
        }
        tx.commit().await?;
        return Err(match acct_lock.or(addr_lock) {
            Some(until) => locked_fault(until),
            None => failed_fault(),
        });
    }

    let person = person.expect("matched implies found");
    let roles = store.roles_of(person.id).await?;
    // Only a browser login starts in the remembered role: an API client chooses its own.
    let remembered = match kind {
        SessionKind::Web => store.remembered_role(person.id).await?,
        SessionKind::Api => None,
    };
    let role = starting_role(&roles, remembered);
    let mut tx = store.begin().await?;
    throttle::clear(&mut tx, &acct_key).await?;
    let token = create_session(&mut tx, &actor, person.id, kind, role).await?;
    tx.commit().await?;
    tally.login(true);
    Ok(LoggedIn {
        token,
        person,
        roles,
        role,
    })
}

#[cfg(test)]
mod tests {
    use tuanjian_store::roles::{Role, RoleKind};

    fn role(kind: RoleKind, org_id: i64) -> Role {
        Role {
            kind,
            org_id,
            org_short_name: String::new(),
            org_full_name: String::new(),
            posts: vec![],
        }
    }

    #[test]
    fn starting_role_prefers_a_remembered_role_still_held() {
        use super::starting_role;
        let two = [role(RoleKind::Admin, 5), role(RoleKind::Member, 9)];
        let member = Some((RoleKind::Member, 9));
        assert_eq!(starting_role(&two, member), member);
        // Taken away since (or never held): not applied; two roles leave the choice open.
        assert_eq!(starting_role(&two, Some((RoleKind::Admin, 6))), None);
        assert_eq!(starting_role(&two, None), None);
        // One role: start in it, whatever was remembered.
        let one = [role(RoleKind::Admin, 5)];
        assert_eq!(
            starting_role(&one, Some((RoleKind::Member, 9))),
            Some((RoleKind::Admin, 5))
        );
        assert_eq!(starting_role(&[], Some((RoleKind::Member, 9))), None);
    }

    #[test]
    fn account_key_hides_the_id() {
        let k = super::account_key("11010519491231002X");
        assert!(k.starts_with("acct:"));
        assert!(!k.contains("110105"));
    }
}
