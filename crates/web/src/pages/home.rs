//! Home: the person's roles, and switching between them.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::account::switch_role::switch_role;

use crate::auth::csrf::CsrfForm;
use crate::auth::user::PageUser;
use crate::extract::PageQuery;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct RoleView {
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub org_id: i64,
    pub org_short_name: String,
    pub org_full_name: String,
    pub posts: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    nav: Option<Nav>,
    csrf: String,
    notice: Option<&'static str>,
    roles: Vec<RoleView>,
}

#[derive(Deserialize)]
pub struct HomeQuery {
    password_changed: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageQuery(q): PageQuery<HomeQuery>,
) -> PageResult {
    let roles = state.store.roles_of(user.person.id).await?;
    let nav = Nav::new(&user, &roles)
        .with_inbox_count(&state, &user)
        .await?;
    let views = roles
        .iter()
        .map(|r| RoleView {
            kind: r.kind.code(),
            kind_label: r.kind.label(),
            org_id: r.org_id,
            org_short_name: r.org_short_name.clone(),
            org_full_name: r.org_full_name.clone(),
            posts: r.posts.join("、"),
            active: user.session.role == Some((r.kind, r.org_id)),
        })
        .collect();
    let page = HomePage {
        nav: Some(nav),
        csrf: user.session.csrf_token.clone(),
        notice: q
            .password_changed
            .map(|_| "密码已修改。以后请使用新密码登录。"),
        roles: views,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct RoleForm {
    kind: String,
    org_id: i64,
}

pub async fn switch(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> PageResult {
    let (_, org_id) = switch_role(&state, &user, &form.kind, form.org_id, true).await?;
    Ok(Redirect::to(&format!("/orgs/{org_id}")).into_response())
}
