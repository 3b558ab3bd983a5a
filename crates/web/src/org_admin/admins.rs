//! 管理员变更 (seed, question 12): an admin adds and revokes the admins of its own organisation
//! and of its direct children. Mixed-up registration codes (question 6) are fixed here: revoke
//! the wrong admin, then hand out a regenerated code.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{Action, IdNumber, Relation};
use tuanjian_store::org_admins::{add_admin, revoke_admin};
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use super::{fmt_time, permit, shown_on_page};
use crate::auth::csrf::CsrfForm;
use crate::auth::role::{self, Authority};
use crate::auth::user::{PageUser, Signed};
use crate::error::Fault;
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// The organisation whose admins the signed-in admin may change, with the authority used.
pub async fn target(
    state: &AppState,
    user: &Signed,
    org_id: i64,
) -> Result<(Authority, Org), Fault> {
    let authority = role::required(state, user).await?;
    let org = state
        .store
        .org_in_scope(&authority.view_scope(user.person.id), org_id)
        .await?;
    permit(&authority, Action::ManageAdmins, &org)?;
    Ok((authority, org))
}

/// Adds the person with this ID number as admin of the organisation; shared with the API.
pub async fn add(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    id_number: &str,
) -> Result<Person, Fault> {
    let (_, org) = target(state, user, org_id).await?;
    let id_number = IdNumber::parse(id_number)
        .map_err(|e| Fault::bad_request(e.code(), e.to_string()).field("id_number"))?;
    let mut tx = state.store.begin().await?;
    let person = add_admin(&mut tx, &user.actor(), &org, &id_number)
        .await
        .map_err(|e| Fault::from(e).field("id_number"))?;
    tx.commit().await?;
    Ok(person)
}

/// Revokes one admin of the organisation (their account stays); shared with the API.
pub async fn revoke(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    person_id: i64,
) -> Result<(), Fault> {
    let (_, org) = target(state, user, org_id).await?;
    if person_id == user.person.id {
        return Err(Fault::new(
            ErrorCode::CannotRevokeSelf,
            "不能撤销自己的管理员身份；如确需撤销，请由上级组织的管理员办理",
        ));
    }
    let mut tx = state.store.begin().await?;
    revoke_admin(&mut tx, &user.actor(), &org, person_id).await?;
    tx.commit().await?;
    Ok(())
}

pub struct AdminRow {
    pub person_id: i64,
    pub name: String,
    pub id_number: String,
    pub since: String,
    pub is_self: bool,
}

#[derive(Template)]
#[template(path = "admin_admins.html")]
struct AdminsPage {
    nav: Option<Nav>,
    csrf: String,
    org: Org,
    admins: Vec<AdminRow>,
    /// The viewer is the direct superior, who regenerates this organisation's code.
    manages_code: bool,
    notice: Option<&'static str>,
    error: Option<String>,
    id_number: String,
}

async fn render(
    state: &AppState,
    user: &Signed,
    org_id: i64,
    notice: Option<&'static str>,
    error: Option<String>,
    id_number: String,
) -> PageResult {
    let (authority, org) = target(state, user, org_id).await?;
    let manages_code = matches!(&authority, Authority::Admin(s) if s.relation_to(&org.path) == Relation::DirectChild);
    let admins = state
        .store
        .org_admins(org.id)
        .await?
        .into_iter()
        .map(|a| AdminRow {
            is_self: a.person_id == user.person.id,
            person_id: a.person_id,
            name: a.name,
            id_number: a.id_number_masked,
            since: fmt_time(a.since),
        })
        .collect();
    let page = AdminsPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        csrf: user.session.csrf_token.clone(),
        org,
        admins,
        manages_code,
        notice,
        error,
        id_number,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize)]
pub struct AdminsQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<AdminsQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let notice = match q.done.as_deref() {
        Some("added") => {
            Some("已添加管理员。新管理员登录后在首页选择该组织的管理员身份即可办理业务。")
        }
        Some("revoked") => Some(
            "已撤销管理员。其账号保留，仍可登录，但不再是本组织的管理员；如需再次成为管理员，可在此重新添加，或由其使用新的管理员注册码注册。",
        ),
        _ => None,
    };
    render(&state, &user, id, notice, None, String::new()).await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    id_number: String,
}

pub async fn add_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<AddForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    match add(&state, &user, id, &form.id_number).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}/admins?done=added")).into_response()),
        Err(f) if shown_on_page(&f) => {
            let mut res = render(
                &state,
                &user,
                id,
                None,
                Some(f.message.clone()),
                form.id_number.trim().to_string(),
            )
            .await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {}

pub async fn revoke_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((raw, raw_person)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<RevokeForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let person_id = parse_id(&raw_person)?;
    match revoke(&state, &user, id, person_id).await {
        Ok(()) => Ok(Redirect::to(&format!("/orgs/{id}/admins?done=revoked")).into_response()),
        Err(f) if shown_on_page(&f) => {
            let mut res = render(
                &state,
                &user,
                id,
                None,
                Some(f.message.clone()),
                String::new(),
            )
            .await?;
            *res.status_mut() = f.status();
            Ok(res)
        }
        Err(f) => Err(PageError(f)),
    }
}
