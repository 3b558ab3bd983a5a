//! Bulk actions on the rows ticked in the member and cadre lists (select-many). The list's
//! table is one form: each row's checkbox is `id`, the button pressed names the `action`, so it
//! works without script. Members: 导出所选 (the ticked rows as the import template), 办理转出
//! (to the 办理转出 form with them ticked), 重置密码 (a code each, all in one transaction, shown
//! as a printable list). Cadres: 导出所选 and 重置密码 (the ticked posts' holders, through the
//! same use case). Each has its API twin (办理转出's is the existing
//! `POST /api/v1/orgs/{id}/transfers/out`, which takes many members).

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tuanjian_app::Authority;
use tuanjian_app::beijing::beijing;
use tuanjian_app::member_import::export_selected::{selected_cadres_xlsx, selected_members_xlsx};
use tuanjian_app::members::selection::selected;
use tuanjian_app::reset::issue::Issued;
use tuanjian_app::reset::issue_cadres::issue_for_posts;
use tuanjian_app::reset::issue_many::issue_many;
use tuanjian_domain::ErrorCode;
use tuanjian_store::orgs::Org;
use utoipa::ToSchema;

use crate::auth::csrf::CsrfForm;
use crate::auth::role;
use crate::auth::user::{ApiUser, PageUser};
use crate::error::{ApiError, ApiResult, ErrorBody, Fault};
use crate::extract::{ApiJson, parse_id};
use crate::member_import::view::xlsx_response;
use crate::pages::error::{PageError, PageResult};
use crate::pages::nav::Nav;
use crate::state::AppState;

/// The ticked ids and the button pressed.
fn read_form(pairs: &[(String, String)]) -> (Vec<String>, String) {
    let ids = pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.clone())
        .collect();
    let action = pairs
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    (ids, action)
}

fn unknown_action(action: &str, offered: &str) -> PageError {
    PageError(Fault::bad_request(
        ErrorCode::FormInvalid,
        format!("不认识的批量操作“{action}”：请点列表上方的按钮（{offered}）"),
    ))
}

fn members_file(org: &Org, bytes: Vec<u8>) -> Response {
    xlsx_response(
        "members-selected.xlsx",
        &format!("团员名单（所选）-{}.xlsx", org.short_name),
        bytes,
    )
}

fn cadres_file(org: &Org, bytes: Vec<u8>) -> Response {
    xlsx_response(
        "cadres-selected.xlsx",
        &format!("团干部名单（所选）-{}.xlsx", org.short_name),
        bytes,
    )
}

/// A reset code as the printable list shows it.
pub struct CodeLine {
    pub person_id: i64,
    pub name: String,
    pub id_masked: String,
    pub code: String,
    pub expires_at: String,
}

#[derive(Template)]
#[template(path = "members_reset_codes.html")]
struct CodesPage {
    nav: Option<Nav>,
    back: String,
    back_label: &'static str,
    lines: Vec<CodeLine>,
}

async fn codes_page(
    state: &AppState,
    user: &crate::auth::user::Signed,
    back: (String, &'static str),
    issued: Vec<Issued>,
) -> PageResult {
    let authority: Authority = role::required(state, user).await?;
    let page = CodesPage {
        nav: Some(Nav::for_authority(state, user, &authority).await?),
        back: back.0,
        back_label: back.1,
        lines: issued
            .into_iter()
            .map(|i| CodeLine {
                person_id: i.person.person_id,
                name: i.person.name,
                id_masked: i.person.id_number_masked,
                code: i.code,
                expires_at: beijing(i.record.expires_at),
            })
            .collect(),
    };
    // Codes are shown once: the page must not be kept by the browser or a proxy.
    Ok(([(CACHE_CONTROL, "no-store")], Html(page.render()?)).into_response())
}

/// `POST /orgs/{id}/members/bulk`: the member list's ticked rows and the button pressed.
pub async fn members_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let (raw_ids, action) = read_form(&pairs);
    let ids = selected(&raw_ids, "团员").map_err(PageError)?;
    match action.as_str() {
        "export" => {
            let (org, bytes) = selected_members_xlsx(&state, &user, org_id, &ids).await?;
            Ok(members_file(&org, bytes))
        }
        "transfer" => {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            Ok(Redirect::to(&format!(
                "/orgs/{org_id}/transfers/out/new?person_ids={}",
                list.join(",")
            ))
            .into_response())
        }
        "reset" => {
            let issued = issue_many(&state, &user, &ids).await?;
            let back = (format!("/orgs/{org_id}/members"), "团员列表");
            codes_page(&state, &user, back, issued).await
        }
        other => Err(unknown_action(other, "导出所选、办理转出、重置密码")),
    }
}

/// `POST /orgs/{id}/cadres/bulk`: the cadre list's ticked posts.
pub async fn cadres_submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(raw): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = parse_id(&raw)?;
    let (raw_ids, action) = read_form(&pairs);
    let ids = selected(&raw_ids, "团干部").map_err(PageError)?;
    match action.as_str() {
        "export" => {
            let (org, bytes) = selected_cadres_xlsx(&state, &user, org_id, &ids).await?;
            Ok(cadres_file(&org, bytes))
        }
        "reset" => {
            let issued = issue_for_posts(&state, &user, org_id, &ids).await?;
            let back = (format!("/orgs/{org_id}/cadres"), "团干部列表");
            codes_page(&state, &user, back, issued).await
        }
        other => Err(unknown_action(other, "导出所选、重置密码")),
    }
}

/// Ids ticked in a list.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
pub struct SelectedRequest {
    /// Person ids (members) or post ids (cadres, as `post_id` in the list), 1 to 100.
    pub ids: Vec<i64>,
}

impl SelectedRequest {
    fn ids(&self, what: &str) -> Result<Vec<i64>, ApiError> {
        let raw: Vec<String> = self.ids.iter().map(i64::to_string).collect();
        Ok(selected(&raw, what)?)
    }
}

/// The members ticked, of the organisation's subtree, as the members import template (.xlsx);
/// if any is not found there, nothing is exported.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/members/export-selected",
    params(("id" = i64, Path, description = "the listed organisation")),
    request_body = SelectedRequest,
    responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody, description = "an id not a member of the organisation's subtree")))]
pub async fn members_export_api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<SelectedRequest>,
) -> Result<Response, ApiError> {
    let ids = body.ids("团员")?;
    let (org, bytes) = selected_members_xlsx(&state, &user, parse_id(&raw)?, &ids).await?;
    Ok(members_file(&org, bytes))
}

/// The cadre posts ticked (`post_id`), of the organisation's subtree, as the cadres import
/// template (.xlsx); if any is not found there, nothing is exported.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/cadres/export-selected",
    params(("id" = i64, Path, description = "the listed organisation")),
    request_body = SelectedRequest,
    responses((status = 200, description = "the .xlsx file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody, description = "an id not a post in the organisation's subtree")))]
pub async fn cadres_export_api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<SelectedRequest>,
) -> Result<Response, ApiError> {
    let ids = body.ids("团干部")?;
    let (org, bytes) = selected_cadres_xlsx(&state, &user, parse_id(&raw)?, &ids).await?;
    Ok(cadres_file(&org, bytes))
}

#[derive(Serialize, ToSchema)]
pub struct IssuedCodeBody {
    pub person_id: i64,
    pub name: String,
    /// Masked: first 6 and last 4 characters.
    pub id_number: String,
    /// Returned only this once; valid 2 days, single use, entered under 忘记密码.
    pub code: String,
    /// Unix seconds.
    pub expires_at: i64,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedCodesBody {
    pub items: Vec<IssuedCodeBody>,
}

/// A reset code for each person (same rules as one code), all in one transaction: if any one
/// may not have one, none is issued. The ids are people's: members' and cadres' alike (the
/// cadre list's `person_id`), each allowed to the admin of their own organisation or its
/// direct superior.
#[utoipa::path(post, path = "/api/v1/members/reset-codes",
    request_body = SelectedRequest,
    responses((status = 200, body = IssuedCodesBody),
        (status = 403, body = ErrorBody, description = "admin_required, not_own_or_direct_superior, target_is_admin: nothing issued"),
        (status = 404, body = ErrorBody, description = "an id not in the admin's scope: nothing issued")))]
pub async fn reset_codes_api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    ApiJson(body): ApiJson<SelectedRequest>,
) -> ApiResult<IssuedCodesBody> {
    let ids = body.ids("人员")?;
    let issued = issue_many(&state, &user, &ids).await?;
    Ok(Json(IssuedCodesBody {
        items: issued
            .into_iter()
            .map(|i| IssuedCodeBody {
                person_id: i.person.person_id,
                name: i.person.name,
                id_number: i.person.id_number_masked,
                code: i.code,
                expires_at: i.record.expires_at,
            })
            .collect(),
    }))
}
