//! Members and cadres (issue 4): lists, entry forms, records and their edits, name/ID
//! corrections. Every page has its API twin under /api/v1; both call the same use case in
//! `tuanjian_app::members`.

pub mod api;
pub mod assist;
pub mod bulk;
mod correction_line;
pub mod corrections;
pub mod entry;
pub mod form;
pub mod lists;
pub mod pager;
pub mod record;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use tuanjian_domain::ErrorCode;
use utoipa::{OpenApi, ToSchema};

use crate::error::Fault;
use crate::state::AppState;

pub(crate) use tuanjian_app::members::{Failure, admin_scope};

#[derive(OpenApi)]
#[openapi(
    paths(
        api::list_members,
        api::add_member,
        api::list_cadres,
        api::add_cadre,
        api::show_member,
        api::edit_member,
        api::request_correction,
        api::show_correction,
        api::approve_correction,
        api::return_correction,
        api::withdraw_correction,
        bulk::members_export_api,
        bulk::cadres_export_api,
        bulk::reset_codes_api,
        assist::api_next_dev_number,
        assist::check_member_field,
    ),
    components(schemas(
        FaultItem,
        FaultsBody,
        api::MemberListBody,
        api::MemberItemBody,
        api::CadreListBody,
        api::CadreItemBody,
        api::MemberRecordBody,
        api::PersonBody,
        api::MembershipBody,
        api::PostBody,
        api::CorrectionBody,
        api::AddedBody,
        api::ProfileRequest,
        api::MemberRequest,
        api::CadreRequest,
        api::CorrectionRequest,
        api::ReturnRequest,
        bulk::SelectedRequest,
        bulk::IssuedCodeBody,
        bulk::IssuedCodesBody,
        assist::NextDevNumberBody,
        assist::CheckValues,
        assist::FieldCheckRequest,
        assist::FieldCheckBody,
    ))
)]
pub struct MembersApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/members", get(lists::members_page))
        .route("/orgs/{id}/cadres", get(lists::cadres_page))
        .route("/orgs/{id}/members/bulk", post(bulk::members_submit))
        .route("/orgs/{id}/cadres/bulk", post(bulk::cadres_submit))
        .route(
            "/api/v1/orgs/{id}/members/export-selected",
            post(bulk::members_export_api),
        )
        .route(
            "/api/v1/orgs/{id}/cadres/export-selected",
            post(bulk::cadres_export_api),
        )
        .route("/api/v1/members/reset-codes", post(bulk::reset_codes_api))
        .route(
            "/orgs/{id}/members/new",
            get(entry::member_form).post(entry::member_submit),
        )
        .route(
            "/orgs/{id}/cadres/new",
            get(entry::cadre_form).post(entry::cadre_submit),
        )
        .route(
            "/orgs/{id}/dev-numbers/next",
            get(assist::page_next_dev_number),
        )
        .route(
            "/api/v1/orgs/{id}/dev-numbers/next",
            get(assist::api_next_dev_number),
        )
        .route(
            "/api/v1/checks/member-field",
            post(assist::check_member_field),
        )
        .route("/members/{id}", get(record::show))
        .route(
            "/members/{id}/edit",
            get(record::edit_form).post(record::edit_submit),
        )
        .route(
            "/members/{id}/corrections/new",
            get(corrections::request_form).post(corrections::request_submit),
        )
        .route("/corrections/{id}", get(corrections::show))
        .route("/corrections/{id}/approve", post(corrections::approve))
        .route("/corrections/{id}/return", post(corrections::return_page))
        .route("/corrections/{id}/withdraw", post(corrections::withdraw))
        .route(
            "/api/v1/orgs/{id}/members",
            get(api::list_members).post(api::add_member),
        )
        .route(
            "/api/v1/orgs/{id}/cadres",
            get(api::list_cadres).post(api::add_cadre),
        )
        .route(
            "/api/v1/members/{id}",
            get(api::show_member).put(api::edit_member),
        )
        .route(
            "/api/v1/members/{id}/corrections",
            post(api::request_correction),
        )
        .route("/api/v1/corrections/{id}", get(api::show_correction))
        .route(
            "/api/v1/corrections/{id}/approve",
            post(api::approve_correction),
        )
        .route(
            "/api/v1/corrections/{id}/return",
            post(api::return_correction),
        )
        .route(
            "/api/v1/corrections/{id}/withdraw",
            post(api::withdraw_correction),
        )
}

// The API's shape of `tuanjian_app::members::FaultItem`.
/// One fault of a record, as `{code, field, message}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FaultItem {
    /// Stable code (`dev_number_taken`, `join_age_too_young` …).
    pub code: String,
    /// The form/JSON field it concerns; null for the record as a whole.
    pub field: Option<String>,
    /// What is wrong and how to fix it, in Chinese.
    pub message: String,
}

impl From<tuanjian_app::members::FaultItem> for FaultItem {
    fn from(f: tuanjian_app::members::FaultItem) -> Self {
        Self {
            code: f.code,
            field: f.field,
            message: f.message,
        }
    }
}

/// 422: the usual error object (code `record_invalid`, every message joined) and each fault
/// beside it with its field, so a client can mark the fields.
#[derive(Serialize, ToSchema)]
pub struct FaultsBody {
    #[schema(value_type = crate::error::FaultSchema)]
    pub error: Fault,
    pub faults: Vec<FaultItem>,
}

/// A failure as the API answers it: the fault, or 422 with every fault in fields.
pub fn failure_response(failure: Failure) -> Response {
    match failure {
        Failure::Fault(f) => crate::error::ApiError(f).into_response(),
        Failure::Fields(items) => {
            let error = Fault::new(ErrorCode::RecordInvalid, Failure::summary(&items));
            let faults = items.into_iter().map(FaultItem::from).collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(FaultsBody { error, faults }),
            )
                .into_response()
        }
    }
}
