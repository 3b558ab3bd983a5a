//! 学校机构编号 (seed question 1): a school organisation's own admin fills it in from the
//! notice on its home page. Leading bodies are never schools and never get this function.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use tuanjian_app::org_setup::school_code::{save, saved_code, school};
use tuanjian_store::orgs::Org;
use utoipa::ToSchema;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser, Signed};
use crate::error::FaultStatus;
use crate::error::{ApiResult, ErrorBody, Fault};
use crate::extract::{ApiJson, PageQuery, parse_id};
use crate::pages::crumbs::OrgCrumbs;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "setup_school_code.html")]
struct SchoolCodePage {
    nav: Option<Nav>,
    crumbs: OrgCrumbs,
    csrf: String,
    org: Org,
    value: String,
    saved: bool,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    user: &Signed,
    org: Org,
    value: Option<String>,
    saved: bool,
    error: Option<&Fault>,
) -> PageResult {
    let authority = role::required(state, user).await?;
    let value = match value {
        Some(v) => v.chars().take(20).collect(),
        None => saved_code(state, &org).await?,
    };
    let page = SchoolCodePage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        crumbs: OrgCrumbs::read(state, &authority, org.id, "完善学校机构编号").await?,
        csrf: user.session.csrf_token.clone(),
        org,
        value,
        saved,
        error: error.map(|f| f.message.clone()),
    };
    let mut res = Html(page.render()?).into_response();
    if let Some(f) = error {
        *res.status_mut() = f.status();
    }
    Ok(res)
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    PageQuery(q): PageQuery<SavedQuery>,
) -> PageResult {
    let org = school(&state, &user, parse_id(&raw)?).await?;
    render(&state, &user, org, None, q.saved.is_some(), None).await
}

#[derive(Deserialize)]
pub struct SchoolCodeForm {
    #[serde(default)]
    school_code: String,
}

pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(form): CsrfForm<SchoolCodeForm>,
) -> PageResult {
    let org = school(&state, &user, parse_id(&raw)?).await?;
    match save(&state, &user, &org, &form.school_code).await {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{}/school-code?saved=1", org.id)).into_response()),
        Err(f) if f.status() == StatusCode::BAD_REQUEST => {
            render(&state, &user, org, Some(form.school_code), false, Some(&f)).await
        }
        Err(f) => Err(PageError(f)),
    }
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct SchoolCodeBody {
    /// 10 digits, the Ministry of Education's school identification code.
    pub school_code: String,
}

#[utoipa::path(put, path = "/api/v1/orgs/{id}/school-code", request_body = SchoolCodeBody,
    params(("id" = i64, Path, description = "organisation id")),
    responses((status = 200, body = SchoolCodeBody), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_put(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<SchoolCodeBody>,
) -> ApiResult<SchoolCodeBody> {
    let org = school(&state, &user, parse_id(&raw)?).await?;
    let school_code = save(&state, &user, &org, &body.school_code).await?;
    Ok(Json(SchoolCodeBody { school_code }))
}
