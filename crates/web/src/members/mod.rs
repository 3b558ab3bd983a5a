//! Members and cadres (issue 4): lists, entry forms, records and their edits, name/ID
//! corrections. Every page has its API twin under /api/v1; both call the store through the
//! admin's `AdminScope`, so nothing outside the admin's subtree can be read or changed.

pub mod api;
mod correction_line;
pub mod corrections;
pub mod entry;
pub mod form;
pub mod lists;
pub mod record;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Serialize;
use tuanjian_domain::ErrorCode;
use tuanjian_domain::{MemberFault, Refusal};
use tuanjian_store::corrections::{CorrectionError, FieldFault};
use tuanjian_store::members::EntryError;
use tuanjian_store::scope::AdminScope;
use utoipa::{OpenApi, ToSchema};

use crate::auth::role::{self, Authority};
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::state::AppState;

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
    ))
)]
pub struct MembersApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{id}/members", get(lists::members_page))
        .route("/orgs/{id}/cadres", get(lists::cadres_page))
        .route(
            "/orgs/{id}/members/new",
            get(entry::member_form).post(entry::member_submit),
        )
        .route(
            "/orgs/{id}/cadres/new",
            get(entry::cadre_form).post(entry::cadre_submit),
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

/// The signed-in person's admin scope; cadres and members are refused (all of this is admin
/// work).
pub(crate) async fn admin_scope(state: &AppState, user: &Signed) -> Result<AdminScope, Fault> {
    match role::required(state, user).await? {
        Authority::Admin(scope) => Ok(scope),
        _ => Err(
            Fault::forbidden("只有组织管理员可以办理此项业务，请在首页切换到管理员身份")
                .with_code(ErrorCode::AdminRequired),
        ),
    }
}

pub(crate) fn refused(r: Refusal) -> Fault {
    Fault::forbidden(r.message).with_code(r.code)
}

/// Today in Beijing: the day the entry rules are checked against.
pub(crate) fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

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

impl From<&MemberFault> for FaultItem {
    fn from(f: &MemberFault) -> Self {
        Self {
            code: f.code().to_string(),
            field: f.field.map(|x| x.key().to_string()),
            message: f.message.clone(),
        }
    }
}

impl From<&FieldFault> for FaultItem {
    fn from(f: &FieldFault) -> Self {
        Self {
            code: f.code.to_string(),
            field: (!f.field.is_empty()).then(|| f.field.to_string()),
            message: f.message.clone(),
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

/// Why an action did not happen: faults in fields (shown beside them, nothing written) or a
/// refusal, a missing record or a conflict.
#[derive(Debug)]
pub enum Failure {
    Fields(Vec<FaultItem>),
    Fault(Fault),
}

impl From<Fault> for Failure {
    fn from(f: Fault) -> Self {
        Failure::Fault(f)
    }
}

impl From<tuanjian_store::StoreError> for Failure {
    fn from(e: tuanjian_store::StoreError) -> Self {
        Failure::Fault(e.into())
    }
}

impl From<EntryError> for Failure {
    fn from(e: EntryError) -> Self {
        match e {
            EntryError::Refused(r) => Failure::Fault(refused(r)),
            EntryError::Store(s) => Failure::Fault(s.into()),
            EntryError::Faults(f) => Failure::Fields(f.iter().map(FaultItem::from).collect()),
        }
    }
}

impl From<CorrectionError> for Failure {
    fn from(e: CorrectionError) -> Self {
        match e {
            CorrectionError::Refused(r) => Failure::Fault(refused(r)),
            CorrectionError::Store(s) => Failure::Fault(s.into()),
            CorrectionError::Faults(f) => Failure::Fields(f.iter().map(FaultItem::from).collect()),
        }
    }
}

impl Failure {
    /// The API's answer.
    pub fn into_api(self) -> Response {
        match self {
            Failure::Fault(f) => crate::error::ApiError(f).into_response(),
            Failure::Fields(faults) => {
                let message = format!(
                    "有 {} 处需要修改，没有保存：{}",
                    faults.len(),
                    faults
                        .iter()
                        .map(|f| f.message.as_str())
                        .collect::<Vec<_>>()
                        .join("；")
                );
                let error = Fault::new(ErrorCode::RecordInvalid, message);
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    axum::Json(FaultsBody { error, faults }),
                )
                    .into_response()
            }
        }
    }
}
