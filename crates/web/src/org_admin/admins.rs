//! 管理员变更 (seed, question 12): an admin adds and revokes the admins of its own organisation
//! and of its direct children. Mixed-up registration codes (question 6) are fixed here: revoke
//! the wrong admin, then hand out a regenerated code.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;
use tuanjian_app::org_admin::admins::{add, list, revoke};
use tuanjian_store::orgs::Org;

use super::{fmt_time, shown_on_page};
use crate::auth::csrf::CsrfForm;
use crate::auth::user::{PageUser, Signed};
use crate::error::FaultStatus;
use crate::extract::{PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

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
    crumbs: OrgCrumbs,
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
    let of = list(state, user, org_id).await?;
    let admins = of
        .admins
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
        nav: Some(Nav::for_authority(state, user, &of.authority).await?),
        crumbs: OrgCrumbs::read(state, &of.authority, of.org.id, "管理员变更").await?,
        csrf: user.session.csrf_token.clone(),
        org: of.org,
        admins,
        manages_code: of.manages_code,
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
