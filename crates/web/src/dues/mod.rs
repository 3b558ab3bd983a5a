//! 团费 (issue 16, part 1): a branch's month (`pages`: record on one form, Excel in `sheet`),
//! a member's dues with the income declaration and corrections (`member`), a subtree's
//! arrears and yearly totals (`reports`), a province's bands (`bands`), the member's own
//! (`member::mine_page`), and their JSON twins in `api`. Every action calls the same use case
//! in `tuanjian_app::dues` as its page.

pub mod api;
pub mod bands;
pub mod member;
pub mod pages;
pub mod reports;
pub mod sheet;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::branch_month,
        api::record,
        api::correct,
        api::declare_income,
        api::member_dues,
        api::my_dues,
        api::arrears,
        api::totals,
        api::totals_export,
        api::bands,
        api::set_bands,
        sheet::api_download,
        sheet::api_upload,
    ),
    components(schemas(
        api::BranchMonthBody,
        api::DuesMemberBody,
        api::PaymentsRequest,
        api::PaymentBody,
        api::RecordedBody,
        api::CorrectionRequest,
        api::CorrectedBody,
        api::IncomeRequest,
        api::MemberDuesBody,
        api::HistoryMonthBody,
        api::CorrectionBody,
        api::ArrearsBody,
        api::ArrearsRowBody,
        api::TotalsBody,
        api::SumsBody,
        api::MonthSumsBody,
        api::ChildSumsBody,
        api::BandsBody,
        api::BandsRequest,
    ))
)]
pub struct DuesApi;

/// A sheet is at most 2 MB (the template's limit) plus the multipart wrapping.
const UPLOAD_BODY_LIMIT: usize = 3 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .route(
            "/orgs/{id}/dues/sheet",
            get(sheet::download).post(sheet::upload),
        )
        .route(
            "/api/v1/orgs/{id}/dues/{month}/sheet",
            get(sheet::api_download).post(sheet::api_upload),
        )
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT));
    Router::new()
        .route("/orgs/{id}/dues", get(pages::show))
        .route("/orgs/{id}/dues/record", post(pages::record_page))
        .route("/orgs/{id}/dues/arrears", get(reports::arrears_page))
        .route("/orgs/{id}/dues/totals", get(reports::totals_page))
        .route("/orgs/{id}/dues/totals.xlsx", get(reports::export_page))
        .route(
            "/orgs/{id}/dues/bands",
            get(bands::show).post(bands::save_page),
        )
        .route("/members/{id}/dues", get(member::show))
        .route("/members/{id}/dues/income", post(member::income_page))
        .route("/members/{id}/dues/correct", post(member::correct_page))
        .route("/members/{id}/dues/pay", post(member::pay_page))
        .route("/my-dues", get(member::mine_page))
        .route("/api/v1/orgs/{id}/dues", get(api::branch_month))
        .route("/api/v1/orgs/{id}/dues/{month}/payments", post(api::record))
        .route(
            "/api/v1/orgs/{id}/dues/{month}/corrections",
            post(api::correct),
        )
        .route(
            "/api/v1/orgs/{id}/dues/incomes/{person_id}",
            post(api::declare_income),
        )
        .route("/api/v1/orgs/{id}/dues/arrears", get(api::arrears))
        .route("/api/v1/orgs/{id}/dues/totals", get(api::totals))
        .route(
            "/api/v1/orgs/{id}/dues/totals/export",
            get(api::totals_export),
        )
        .route(
            "/api/v1/orgs/{id}/dues/bands",
            get(api::bands).put(api::set_bands),
        )
        .route("/api/v1/members/{id}/dues", get(api::member_dues))
        .route("/api/v1/me/dues", get(api::my_dues))
        .merge(uploads)
}

/// Bad input (a sheet too large or unreadable included) and conflicts are shown on the page
/// again; refusals get the error page.
pub(crate) fn shown_on_page(f: &crate::error::Fault) -> bool {
    matches!(f.status, 400 | 409 | 413 | 422 | 503)
}

/// An ID number as lists show it: masked.
pub(crate) fn masked(id: &str) -> String {
    tuanjian_domain::IdNumber::parse(id)
        .map(|i| i.masked())
        .unwrap_or_default()
}
