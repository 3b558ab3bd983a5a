//! The approval inbox (待办): everything waiting for the admins of the active admin role's
//! organisation, oldest first.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use tuanjian_domain::ErrorCode;
use tuanjian_store::AdminScope;
use tuanjian_store::inbox::InboxItem;

use super::fmt_time;
use crate::auth::role::{self, Authority};
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

/// The signed-in admin's scope and the items waiting for it; shared with the API.
pub async fn load(
    state: &AppState,
    user: &Signed,
) -> Result<(Authority, AdminScope, Vec<InboxItem>, i64), Fault> {
    let authority = role::required(state, user).await?;
    let Authority::Admin(scope) = &authority else {
        return Err(
            Fault::forbidden("待办事项属于组织管理员；请在首页切换到管理员身份后查看")
                .with_code(ErrorCode::AdminRequired),
        );
    };
    let scope = scope.clone();
    let items = state.store.inbox(scope.org().id).await?;
    let count = state.store.inbox_count(scope.org().id).await?;
    Ok((authority, scope, items, count))
}

pub struct ItemRow {
    pub kind: &'static str,
    pub label: &'static str,
    pub org_full_name: String,
    pub detail: Option<String>,
    pub requested_at: String,
    pub requested_by: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "admin_inbox.html")]
struct InboxPage {
    nav: Option<Nav>,
    org_full_name: String,
    items: Vec<ItemRow>,
    count: i64,
}

pub async fn show(State(state): State<AppState>, PageUser(user): PageUser) -> PageResult {
    let (authority, scope, items, count) = load(&state, &user).await?;
    let rows = items
        .iter()
        .map(|i| ItemRow {
            kind: i.kind.code(),
            label: i.kind.label(),
            org_full_name: i.org_full_name.clone(),
            detail: i
                .to_parent_full_name
                .as_ref()
                .map(|t| format!("申请迁入：{t}")),
            requested_at: fmt_time(i.requested_at),
            requested_by: i.requested_by_name.clone(),
            link: i.link(),
        })
        .collect();
    let page = InboxPage {
        nav: Some(Nav::for_authority(&state, &user, &authority).await?),
        org_full_name: scope.org().full_name.clone(),
        items: rows,
        count,
    };
    Ok(Html(page.render()?).into_response())
}
