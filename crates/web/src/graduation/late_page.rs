//! 延期毕业 of one member: the page beside the member's record.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use serde::Deserialize;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{PageUser, Signed};
use crate::error::{Fault, FaultStatus};
use crate::extract::{PageQuery, parse_id};
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;
use tuanjian_app::graduation::late;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LateForm {
    kind: String,
    month: String,
}

#[derive(Template)]
#[template(path = "graduation_late.html")]
struct LatePage {
    nav: Option<Nav>,
    csrf: String,
    person_id: i64,
    name: String,
    id_number: String,
    branch_id: i64,
    branch_name: String,
    current: Option<String>,
    may_mark: bool,
    form: LateForm,
    notice: Option<String>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    person_id: i64,
    form: LateForm,
    notice: Option<String>,
    error: Option<&Fault>,
) -> PageResult {
    let authority = role::required(state, user).await?;
    let m = late::show(state, user, person_id).await?;
    let page = LatePage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        csrf: user.session.csrf_token.clone(),
        person_id,
        name: m.person.name.clone(),
        id_number: m.person.id_number.masked(),
        branch_id: m.branch.id,
        branch_name: m.branch.full_name.clone(),
        current: m.late.map(|l| l.label()),
        may_mark: m.may_mark,
        form,
        notice,
        error: error.map(|f| f.message.clone()),
    };
    let mut res = Html(page.render()?).into_response();
    if let Some(f) = error {
        *res.status_mut() = f.status();
    }
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ShowQuery {
    saved: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let notice = q.saved.map(|_| "已保存。".to_string());
    render(&state, &user, id, LateForm::default(), notice, None).await
}

pub async fn mark(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<LateForm>,
) -> PageResult {
    let id = parse_id(&raw)?;
    let result = async {
        let choice = late::parse_choice(&form.kind, &form.month)?;
        late::mark(&state, &user, id, choice).await
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/members/{id}/graduation?saved=1")).into_response()),
        Err(f) if f.status().is_client_error() && f.status().as_u16() != 404 => {
            render(&state, &user, id, form, None, Some(&f)).await
        }
        Err(f) => Err(PageError(f)),
    }
}
