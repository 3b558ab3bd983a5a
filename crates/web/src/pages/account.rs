//! Changing one's password (forced at first login for accounts with the initial password).

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::{NewPassword, PasswordError};
use tuanjian_store::people::set_password_hash;
use tuanjian_store::sessions::end_other_sessions;

use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUserAnyState, Signed};
use crate::error::Fault;
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

/// Checks and stores a new password; shared with the API.
pub async fn change_password(
    state: &AppState,
    user: &Signed,
    current: &str,
    new: &str,
    confirm: Option<&str>,
) -> Result<(), Fault> {
    let current_ok = state
        .hasher
        .verify(current.to_string(), user.person.password_hash.clone())
        .await?
        || (user.person.in_initial_state()
            && current.to_ascii_uppercase() == user.person.id_number.initial_password());
    if !current_ok {
        return Err(
            Fault::bad_request("current_password_wrong", "当前密码不正确").field("current"),
        );
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
