//! The approval inbox (待办): everything waiting for the admins of the active admin role's
//! organisation, oldest first.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use tuanjian_app::org_admin::inbox::load;
use tuanjian_store::inbox::InboxKind;

use super::fmt_time;
use crate::auth::user::PageUser;
use crate::pages::error::PageResult;
use crate::pages::nav::Nav;
use crate::state::AppState;

pub struct ItemRow {
    pub kind: &'static str,
    pub label: &'static str,
    /// Who the item is about: name and masked ID number.
    pub person: Option<(String, String)>,
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
    let inbox = load(&state, &user).await?;
    let rows = inbox
        .items
        .iter()
        .map(|i| ItemRow {
            kind: i.kind.code(),
            label: i.kind.label(),
            person: i
                .person
                .as_ref()
                .map(|p| (p.name.clone(), p.id_number.masked())),
            org_full_name: i.org_full_name.clone(),
            detail: i.to_parent_full_name.as_ref().map(|t| match i.kind {
                InboxKind::TransferOut | InboxKind::TransferIn => format!("转往：{t}"),
                _ => format!("申请迁入：{t}"),
            }),
            requested_at: fmt_time(i.requested_at),
            requested_by: i.requested_by_name.clone(),
            link: i.link(),
        })
        .collect();
    let page = InboxPage {
        nav: Some(Nav::for_authority(&state, &user, &inbox.authority).await?),
        org_full_name: inbox.scope.org().full_name.clone(),
        items: rows,
        count: inbox.count,
    };
    Ok(Html(page.render()?).into_response())
}
