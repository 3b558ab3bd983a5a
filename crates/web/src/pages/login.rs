//! The login page and logout.

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::account::login::login;
use tuanjian_app::account::logout::logout as end_session;
use tuanjian_store::sessions::{SessionKind, random_token};
use tuanjian_store::settings::{self, DemoAccount};

use crate::auth::client::client_addr;
use crate::auth::cookies;
use crate::auth::csrf::{CsrfForm, csrf_fault, parse_form, read_body, same_token};
use crate::auth::user::PageUserAnyState;
use crate::error::FaultStatus;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    nav: Option<Nav>,
    csrf: String,
    id_number: String,
    error: Option<String>,
    notice: Option<String>,
    demo_accounts: Vec<DemoAccount>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    expired: Option<String>,
    bye: Option<String>,
}

async fn render(
    state: &AppState,
    csrf: String,
    id_number: String,
    error: Option<String>,
    notice: Option<String>,
) -> PageResult {
    let page = LoginPage {
        nav: None,
        demo_accounts: settings::demo_accounts(&state.store).await?,
        csrf: csrf.clone(),
        id_number,
        error,
        notice,
    };
    Ok((
        AppendHeaders([(
            SET_COOKIE,
            cookies::set(cookies::LOGIN_CSRF, &csrf, state.config.secure_cookies),
        )]),
        Html(page.render()?),
    )
        .into_response())
}

pub async fn show(
    State(state): State<AppState>,
    Query(q): Query<LoginQuery>,
    req: Request,
) -> PageResult {
    let csrf =
        cookies::get(req.headers(), cookies::LOGIN_CSRF).map_or_else(random_token, str::to_string);
    let notice = if q.bye.is_some() {
        Some("您已安全退出。".to_string())
    } else if q.expired.is_some() {
        Some("请先登录；长时间未操作需要重新登录。".to_string())
    } else {
        None
    };
    render(&state, csrf, String::new(), None, notice).await
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(State(state): State<AppState>, req: Request) -> PageResult {
    let (parts, body) = req.into_parts();
    let addr = client_addr(&parts, &state.config);
    let cookie_csrf = cookies::get(&parts.headers, cookies::LOGIN_CSRF).map(str::to_string);
    let (headers, bytes) = read_body(Request::from_parts(parts, body)).await?;
    let form: LoginForm = parse_form(&headers, &bytes)?;
    // Double submit: the login form has no session yet, so its token travels in a cookie too.
    let Some(cookie_csrf) = cookie_csrf.filter(|c| same_token(c, &form.csrf)) else {
        return Err(PageError(csrf_fault()));
    };
    let id_shown: String = form.id_number.trim().chars().take(20).collect();
    match login(
        &state,
        state.metrics.as_ref(),
        &form.id_number,
        &form.password,
        addr,
        SessionKind::Web,
    )
    .await
    {
        Ok(done) => {
            // Straight into the role the session starts in (管理中心 for an admin); 我的身份
            // when there is a choice to make.
            let next = match done.role {
                _ if done.person.in_initial_state() => "/password".to_string(),
                Some((_, org_id)) => format!("/orgs/{org_id}"),
                None => "/".to_string(),
            };
            Ok((
                AppendHeaders([
                    (
                        SET_COOKIE,
                        cookies::set(cookies::SESSION, &done.token, state.config.secure_cookies),
                    ),
                    (
                        SET_COOKIE,
                        cookies::clear(cookies::LOGIN_CSRF, state.config.secure_cookies),
                    ),
                ]),
                Redirect::to(&next),
            )
                .into_response())
        }
        Err(fault) if fault.status().is_client_error() => {
            let mut res = render(
                &state,
                cookie_csrf,
                id_shown,
                Some(fault.message.clone()),
                None,
            )
            .await?;
            *res.status_mut() = fault.status();
            Ok(res)
        }
        Err(fault) => Err(PageError(fault)),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    PageUserAnyState(user): PageUserAnyState,
    CsrfForm(_): CsrfForm<Empty>,
) -> PageResult {
    end_session(&state, &user).await?;
    Ok((
        AppendHeaders([(
            SET_COOKIE,
            cookies::clear(cookies::SESSION, state.config.secure_cookies),
        )]),
        Redirect::to("/login?bye=1"),
    )
        .into_response())
}
