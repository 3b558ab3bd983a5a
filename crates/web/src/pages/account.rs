//! The 修改密码 page (forced at first login for accounts with the initial password); the use
//! case is `tuanjian_app::account::password`.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::account::password::{PasswordChange, change_password};

use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUserAnyState, Signed};
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

pub async fn submit(
    State(state): State<AppState>,
    PageUserAnyState(user): PageUserAnyState,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> PageResult {
    let input = PasswordChange {
        current: &form.current,
        new: &form.new_password,
        confirm: Some(&form.confirm),
    };
    match change_password(&state, state.metrics.as_ref(), &user, &input).await {
        Ok(()) => Ok(Redirect::to("/?password_changed=1").into_response()),
        Err(f) if f.status().is_client_error() => {
            let mut res = page(&user, Some(f.message.clone()))?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}
