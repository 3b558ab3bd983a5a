//! Changing one's password (forced at first login for accounts with the initial password).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{NewPassword, PasswordError};
use tuanjian_store::audit::{self, AuditEntry};
use tuanjian_store::people::set_password_hash;
use tuanjian_store::sessions::end_other_sessions;
use tuanjian_store::{now, throttle};

use crate::auth::csrf::CsrfForm;
use crate::auth::login::account_key;
use crate::auth::user::{PageUserAnyState, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: Option<Nav>,
    csrf: String,
    forced: bool,
    error: Option<String>,
}

fn page(user: &Signed, error: Option<String>) -> PageResult {
    let p = PasswordPage {
        nav: Some(Nav::plain(user)),
        csrf: user.session.csrf_token.clone(),
        forced: user.must_change_password(),
        error,
    };
    Ok(Html(p.render()?).into_response())
}

pub async fn show(PageUserAnyState(user): PageUserAnyState) -> PageResult {
    page(&user, None)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

fn locked_fault(until: i64) -> Fault {
    let minutes = ((until - now()).max(1) + 59) / 60;
    Fault::new(
        ErrorCode::LockedOut,
        format!(
            "当前密码输入错误次数过多，已暂时锁定，请 {minutes} 分钟后再试；如忘记密码，请在“忘记密码”中找回或联系所在团组织管理员"
        ),
    )
}

/// Checks and stores a new password; shared with the API. Wrong current passwords count
/// against the account's login lockout (the same key and policy as the login form), so a
/// stolen session cannot guess the password faster than the login page allows.
pub async fn change_password(
    state: &AppState,
    user: &Signed,
    current: &str,
    new: &str,
    confirm: Option<&str>,
) -> Result<(), Fault> {
    let acct_key = account_key(user.person.id_number.as_str());
    if let Some(until) = state.store.locked_until(&acct_key).await? {
        return Err(locked_fault(until));
    }
    let current_ok = state
        .hasher
        .verify(current.to_string(), user.person.password_hash.clone())
        .await?
        || (user.person.in_initial_state()
            && current.to_ascii_uppercase() == user.person.id_number.initial_password());
    if !current_ok {
        let mut tx = state.store.begin().await?;
        let lock =
            throttle::record_failure(&mut tx, &acct_key, state.config.account_lockout).await?;
        if let Some(until) = lock {
            state.metrics.lockout();
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
        return Err(match lock {
            Some(until) => locked_fault(until),
            None => Fault::new(ErrorCode::CurrentPasswordWrong, "当前密码不正确").field("current"),
        });
    }
    if confirm.is_some_and(|c| c != new) {
        let e = PasswordError::Mismatch;
        return Err(Fault::bad_request(e.code(), e.to_string()).field("confirm"));
    }
    let new = NewPassword::parse(new, &user.person.id_number)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("new_password"))?;
    let hash = state.hasher.hash(new.expose().to_string()).await?;
    let mut tx = state.store.begin().await?;
    set_password_hash(&mut tx, &user.actor(), user.person.id, &hash).await?;
    end_other_sessions(&mut tx, user.person.id, &user.session.token_hash).await?;
    // Its owner proved who they are: earlier failures no longer count.
    throttle::clear(&mut tx, &acct_key).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn submit(
    State(state): State<AppState>,
    PageUserAnyState(user): PageUserAnyState,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> PageResult {
    match change_password(
        &state,
        &user,
        &form.current,
        &form.new_password,
        Some(&form.confirm),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/?password_changed=1").into_response()),
        Err(f) if f.status().is_client_error() => {
            let mut res = page(&user, Some(f.message.clone()))?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}
