//! 团籍 and leaving (issue 12, part 4): the 超龄 list and bulk 办理离团 (`aging`), a member's
//! 团籍 page with the branch's decisions and the superior's approvals (`member`), the
//! branch's and the superior's list (`inbox`), the member's own page with the 退团 request
//! (`mine`), and their JSON twins (`api`, `request_api`). Every
//! action calls the same use case in `tuanjian_app::leaving` as its page.

pub mod aging;
pub mod api;
pub mod member;
pub mod mine;
pub mod request_api;

use axum::Router;
use axum::routing::{get, post};
use tuanjian_app::beijing::beijing;
use tuanjian_store::leaving::HistoryEntry;
use tuanjian_store::reviews::registrations::RegistrationEntry;
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::aged_out,
        api::leave_aged_out,
        api::membership,
        api::decide,
        api::restore,
        api::approve,
        api::return_step,
        api::inbox,
        api::mine,
        request_api::request,
        request_api::cancel,
        request_api::accept_request,
        request_api::decline_request,
    ),
    components(schemas(
        api::AgedBody,
        api::AgedItemBody,
        api::LeaveRequest,
        api::LeftBody,
        api::MembershipBody,
        api::RegistrationBody,
        api::StepBody,
        api::DecideRequest,
        api::RestoreRequest,
        api::ReviewRequest,
        api::InboxBody,
        request_api::WithdrawRequest,
        request_api::AcceptRequest,
        request_api::DeclineRequest,
    ))
)]
pub struct LeavingApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/aged-out", get(aging::show))
        .route("/orgs/{id}/aged-out/leave", post(aging::leave_page))
        .route("/members/{id}/membership", get(member::show))
        .route("/members/{id}/membership/decide", post(member::decide_page))
        .route(
            "/members/{id}/membership/restore",
            post(member::restore_page),
        )
        .route(
            "/members/{id}/membership/approve",
            post(member::approve_page),
        )
        .route("/members/{id}/membership/return", post(member::return_page))
        .route("/leaving", get(member::inbox_page))
        .route(
            "/members/{id}/membership/withdraw-request/accept",
            post(member::accept_page),
        )
        .route(
            "/members/{id}/membership/withdraw-request/decline",
            post(member::decline_page),
        )
        .route("/my-membership", get(mine::mine_page))
        .route("/my-membership/withdraw-request", post(mine::ask_page))
        .route(
            "/my-membership/withdraw-request/cancel",
            post(mine::cancel_page),
        )
        .route("/api/v1/orgs/{id}/aged-out", get(api::aged_out))
        .route(
            "/api/v1/orgs/{id}/aged-out/leave",
            post(api::leave_aged_out),
        )
        .route("/api/v1/members/{id}/membership", get(api::membership))
        .route("/api/v1/members/{id}/membership/decide", post(api::decide))
        .route(
            "/api/v1/members/{id}/membership/restore",
            post(api::restore),
        )
        .route(
            "/api/v1/members/{id}/membership/approve",
            post(api::approve),
        )
        .route(
            "/api/v1/members/{id}/membership/return",
            post(api::return_step),
        )
        .route("/api/v1/leaving", get(api::inbox))
        .route("/api/v1/me/membership", get(api::mine))
        .route(
            "/api/v1/me/membership/withdraw-request",
            post(request_api::request),
        )
        .route(
            "/api/v1/me/membership/withdraw-request/cancel",
            post(request_api::cancel),
        )
        .route(
            "/api/v1/members/{id}/membership/withdraw-request/accept",
            post(request_api::accept_request),
        )
        .route(
            "/api/v1/members/{id}/membership/withdraw-request/decline",
            post(request_api::decline_request),
        )
}

/// A history step as the pages show it.
pub struct StepRow {
    pub person_id: i64,
    pub person_name: String,
    pub org_name: String,
    pub kind: &'static str,
    pub step: &'static str,
    pub status_after: &'static str,
    pub reason: String,
    pub date: String,
    pub comment: String,
    pub actor: String,
    pub at: String,
    pub pending: bool,
}

impl From<&HistoryEntry> for StepRow {
    fn from(h: &HistoryEntry) -> Self {
        Self {
            person_id: h.person_id,
            person_name: h.person_name.clone(),
            org_name: h.org_name.clone(),
            kind: h.kind.label(),
            step: h.step.label(),
            status_after: h.status_after.label(),
            reason: h.reason.clone().unwrap_or_default(),
            date: h.effective_date.clone().unwrap_or_default(),
            comment: h.comment.clone().unwrap_or_default(),
            actor: h.actor_name.clone().unwrap_or_default(),
            at: beijing(h.at),
            pending: h.pending,
        }
    }
}

/// A year's 团籍注册 as the pages show it (`registrations.html`).
pub struct RegistrationRow {
    pub year: i32,
    pub org_name: String,
    pub grade: &'static str,
    pub result: &'static str,
    /// Not registered (暂缓 or 不予注册).
    pub withheld: bool,
    pub reason: String,
    pub certified_at: String,
}

impl From<&RegistrationEntry> for RegistrationRow {
    fn from(r: &RegistrationEntry) -> Self {
        Self {
            year: r.year,
            org_name: r.org_name.clone(),
            grade: r.grade.label(),
            result: r.result.label(),
            withheld: r.result != tuanjian_domain::review::Registration::Registered,
            reason: r.reason.clone().unwrap_or_default(),
            certified_at: beijing(r.certified_at),
        }
    }
}

/// Bad input and conflicts are shown on the form's page again; refusals get the error page.
pub(crate) fn shown_on_page(f: &crate::error::Fault) -> bool {
    matches!(f.status, 400 | 409)
}
