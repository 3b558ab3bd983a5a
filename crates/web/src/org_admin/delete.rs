//! Deleting an organisation: by its direct superior's admin, only with no members, no
//! children, no 号段 and no running import (`store/src/org_delete.rs` settles the rest). Its
//! admins keep their accounts (seed, question 3).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use serde::Deserialize;
use tuanjian_app::Authority;
use tuanjian_app::org_admin::delete::{blockers, delete, target};
use tuanjian_store::org_admins::AdminEntry;
use tuanjian_store::orgs::Org;

use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::parse_id;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_delete.html")]
struct DeletePage {
    nav: Option<Nav>,
    csrf: String,
    org: Org,
    blockers: Vec<String>,
    admins: Vec<AdminEntry>,
    /// Set after deletion: the parent to go back to.
    deleted: bool,
    parent_id: i64,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    authority: &Authority,
    org: Org,
    deleted: bool,
    error: Option<String>,
) -> PageResult {
    let (blockers, admins) = if deleted {
        (vec![], vec![])
    } else {
        blockers(state, &org).await?
    };
    let page = DeletePage {
        nav: Some(Nav::for_authority(state, user, authority).await?),
        csrf: user.session.csrf_token.clone(),
        parent_id: org.parent_id.unwrap_or(org.id),
        org,
        blockers,
        admins,
        deleted,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (authority, org) = target(&state, &user, id).await?;
    render(&state, &user, &authority, org, false, None).await
}

#[derive(Deserialize)]
pub struct DeleteForm {}

pub async fn submit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<DeleteForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let (authority, org) = target(&state, &user, id).await?;
    match delete(&state, &user, id).await {
        Ok(deleted) => render(&state, &user, &authority, deleted, true, None).await,
        Err(f) if super::shown_on_page(&f) => {
            let mut res = render(
                &state,
                &user,
                &authority,
                org,
                false,
                Some(f.message.clone()),
            )
            .await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}
