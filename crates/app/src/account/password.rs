//! Changing one's password (forced at first login for accounts with the initial password).

use tuanjian_domain::{ErrorCode, NewPassword, PasswordError};
use tuanjian_store::audit::{self, AuditEntry};
use tuanjian_store::people::set_password_hash;
use tuanjian_store::sessions::end_other_sessions;
use tuanjian_store::{now, throttle};

use super::Tally;
use super::login::account_key;
use crate::context::App;
use crate::fault::Fault;
use crate::signed::Signed;

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!(
            "当前密码输入错误次数过多，已暂时锁定，请 {minutes} 分钟后再试；如忘记密码，请在“忘记密码”中找回或联系所在团组织管理员"
        ),
    )
}

/// What the person typed: the current password, the new one and (forms only) its repetition.
pub struct PasswordChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: Option<&'a str>,
}

/// Counts a wrong current password against the account's login lockout; the fault to answer.
async fn wrong_current(
    app: &App,
    tally: &dyn Tally,
    user: &Signed,
    acct_key: &str,
) -> Result<Fault, Fault> {
    let mut tx = app.store.begin().await?;
    let lock = throttle::record_failure(&mut tx, acct_key, app.config.account_lockout).await?;
    if let Some(until) = lock {
        tally.lockout();
        tracing::warn!("password change lockout");
        audit::record(
            &mut tx,
            &user.actor(),
            AuditEntry::new("password.lockout")
                .target("person", user.person.id)
                .after(serde_json::json!({ "until": until })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(match lock {
        Some(until) => locked_fault(until),
        None => Fault::new(ErrorCode::CurrentPasswordWrong, "当前密码不正确").field("current"),
    })
}

/// Checks and stores a new password. Wrong current passwords count against the account's
/// login lockout (the same key and policy as the login form), so a stolen session cannot
/// guess the password faster than the login page allows.
pub async fn change_password(
    app: &App,
    tally: &dyn Tally,
    user: &Signed,
    input: &PasswordChange<'_>,
) -> Result<(), Fault> {
    let acct_key = account_key(user.person.id_number.as_str());
    if let Some(until) = app.store.locked_until(&acct_key).await? {
        return Err(locked_fault(until));
    }
    let current_ok = app
        .hasher
        .verify(input.current.to_string(), user.person.password_hash.clone())
        .await?
        || (user.person.in_initial_state()
            && input.current.to_ascii_uppercase() == user.person.id_number.initial_password());
    if !current_ok {
        return Err(wrong_current(app, tally, user, &acct_key).await?);
    }
    if input.confirm.is_some_and(|c| c != input.new) {
        let e = PasswordError::Mismatch;
        return Err(Fault::bad_request(e.code(), e.to_string()).field("confirm"));
    }
    let new = NewPassword::parse(input.new, &user.person.id_number)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("new_password"))?;
    let hash = app.hasher.hash(new.expose().to_string()).await?;
    let mut tx = app.store.begin().await?;
    set_password_hash(&mut tx, &user.actor(), user.person.id, &hash).await?;
    end_other_sessions(&mut tx, user.person.id, &user.session.token_hash).await?;
    // Its owner proved who they are: earlier failures no longer count.
    throttle::clear(&mut tx, &acct_key).await?;
    tx.commit().await?;
    Ok(())
}
