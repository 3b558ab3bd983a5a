//! 组织关系转接 (issue 12): pages and JSON API over `tuanjian_app::transfers`. The member
//! starts one in 个人中心; admins start 办理转出 (a branch's members, many at once) and 办理转入,
//! and decide from the 办理转出 / 办理转入 lists (a page at once) or one request's page.

pub mod api;
mod form;
mod lists;
mod new;
mod show;

use axum::Router;
use axum::routing::{get, post};
use tuanjian_store::transfers::Transfer;
use utoipa::OpenApi;

use crate::state::AppState;

pub(crate) use tuanjian_app::beijing::beijing as fmt_time;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::start_mine,
        api::list_mine,
        api::start_out,
        api::start_in,
        api::list,
        api::show,
        api::approve_out,
        api::approve_in,
        api::return_transfer,
        api::withdraw,
    ),
    components(schemas(
        api::TransferRequestBody,
        api::OutRequest,
        api::InRequest,
        api::TransferBody,
        api::TransferListBody,
        api::StepBody,
        api::TransferDetailBody,
        api::StartedBody,
        api::IdsRequest,
        api::ApproveInRequest,
        api::ApproveInItem,
        api::OutcomeBody,
        api::ReturnRequest,
    ))
)]
pub struct TransfersApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/transfers", get(lists::show))
        .route("/transfers/approve-out", post(lists::approve_out_page))
        .route("/transfers/approve-in", post(lists::approve_in_page))
        .route("/transfers/{id}", get(show::show))
        .route("/transfers/{id}/approve-out", post(show::approve_out_page))
        .route("/transfers/{id}/approve-in", post(show::approve_in_page))
        .route("/transfers/{id}/return", post(show::return_page))
        .route("/transfers/{id}/withdraw", post(show::withdraw_page))
        .route(
            "/me/transfers/new",
            get(new::member_form).post(new::member_submit),
        )
        .route(
            "/orgs/{id}/transfers/out/new",
            get(new::out_form).post(new::out_submit),
        )
        .route(
            "/orgs/{id}/transfers/in/new",
            get(new::in_form).post(new::in_submit),
        )
        .route(
            "/api/v1/me/transfers",
            get(api::list_mine).post(api::start_mine),
        )
        .route("/api/v1/orgs/{id}/transfers/out", post(api::start_out))
        .route("/api/v1/orgs/{id}/transfers/in", post(api::start_in))
        .route("/api/v1/transfers", get(api::list))
        .route("/api/v1/transfers/approve-out", post(api::approve_out))
        .route("/api/v1/transfers/approve-in", post(api::approve_in))
        .route("/api/v1/transfers/{id}", get(api::show))
        .route("/api/v1/transfers/{id}/return", post(api::return_transfer))
        .route("/api/v1/transfers/{id}/withdraw", post(api::withdraw))
}

/// A request as the templates show it.
pub struct TransferRow {
    pub id: i64,
    pub person_name: String,
    pub id_number: String,
    pub from: String,
    pub to: String,
    pub assigned: Option<String>,
    pub reason: &'static str,
    pub detail: String,
    pub starter: &'static str,
    pub started_by: String,
    pub started_at: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub comment: Option<String>,
    pub expires_at: String,
}

impl TransferRow {
    pub fn new(t: &Transfer) -> Self {
        let status = shown_status(t);
        let to = match t.own_system_province {
            Some(p) => format!("{}（{}，转出本系统）", t.to_org_name, p.label()),
            None => t.to_org_name.clone(),
        };
        Self {
            id: t.id,
            person_name: t.person_name.clone(),
            id_number: t.id_number.masked(),
            from: t.from_org_name.clone(),
            to,
            assigned: t.assigned_org_name.clone(),
            reason: t.reason.label(),
            detail: t.reason_detail.clone(),
            starter: t.starter.label(),
            started_by: t.started_by_name.clone(),
            started_at: fmt_time(t.started_at),
            status: status.code(),
            status_label: status_label(t, status),
            comment: t.comment.clone(),
            expires_at: fmt_time(t.expires_at),
        }
    }
}

/// An open request past its time reads as lapsed before the daily job records it.
pub(crate) fn shown_status(t: &Transfer) -> tuanjian_domain::transfer::TransferStatus {
    use tuanjian_domain::transfer::TransferStatus;
    if t.status.is_open() && t.expires_at <= tuanjian_store::now() {
        TransferStatus::Lapsed
    } else {
        t.status
    }
}

fn status_label(t: &Transfer, s: tuanjian_domain::transfer::TransferStatus) -> &'static str {
    use tuanjian_domain::transfer::TransferStatus;
    if s == TransferStatus::PendingIn && t.reason.reviewed_by_province() {
        "待接收地省级团委审核（参军）"
    } else {
        s.label()
    }
}

/// The header for the reader's current role (or none chosen yet).
pub(crate) async fn nav(
    state: &AppState,
    user: &crate::auth::user::Signed,
) -> Result<crate::pages::nav::Nav, tuanjian_app::Fault> {
    match tuanjian_app::authority::current(state, user).await? {
        Some(a) => crate::pages::nav::Nav::for_authority(state, user, &a).await,
        None => Ok(crate::pages::nav::Nav::plain(user)),
    }
}

/// The signed-in admin's organisation (the lists are its scope's).
pub(crate) async fn admin_org(
    state: &AppState,
    user: &crate::auth::user::Signed,
) -> Result<tuanjian_store::orgs::Org, tuanjian_app::Fault> {
    let refusal = "办理转出、办理转入属于组织管理员；请在首页切换到管理员身份后查看";
    let scope = tuanjian_app::authority::admin_scope(state, user, refusal).await?;
    Ok(scope.org().clone())
}
