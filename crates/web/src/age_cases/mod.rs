//! 入团年龄特殊情况 (seed, question 4): filed on a 团支部's page by its admin or one above it,
//! gathered by the provincial committee (汇总, 报团中央, Excel), entered by 团中央 with the age
//! rule waived. Pages and API call the same use cases in `tuanjian_app::age_cases`.

pub mod api;
pub mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::list_cases,
        api::export_cases,
        api::file_case,
        api::show_case,
        api::forward_cases,
        api::return_one,
        api::enter_case
    ),
    components(schemas(
        api::AgeCaseBody,
        api::AgeCaseListBody,
        api::FileRequest,
        api::FiledBody,
        api::ForwardRequest,
        api::ForwardedBody,
        api::ReturnRequest,
        api::EnterRequest,
        api::EnteredBody
    ))
)]
pub struct AgeCasesApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/orgs/{id}/age-cases/new",
            get(pages::new_form).post(pages::new_submit),
        )
        .route("/age-cases", get(pages::list_page))
        .route("/age-cases/forward", post(pages::forward_submit))
        .route("/age-cases/export", get(pages::export_page))
        .route("/age-cases/{id}", get(pages::show))
        .route("/age-cases/{id}/enter", post(pages::enter_submit))
        .route("/age-cases/{id}/return", post(pages::return_submit))
        .route("/api/v1/age-cases", get(api::list_cases))
        .route("/api/v1/age-cases/export", get(api::export_cases))
        .route("/api/v1/age-cases/forward", post(api::forward_cases))
        .route("/api/v1/age-cases/{id}", get(api::show_case))
        .route("/api/v1/age-cases/{id}/return", post(api::return_one))
        .route("/api/v1/age-cases/{id}/enter", post(api::enter_case))
        .route("/api/v1/orgs/{id}/age-cases", post(api::file_case))
}
