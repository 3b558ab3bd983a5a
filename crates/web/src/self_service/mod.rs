//! The self-service ways in (issue 4, seed question 9): 团员团干部注册, 我要入团, 流动团员报到,
//! and their review by the branch's own admin. Pages and API call the same use cases in
//! `tuanjian_app::self_service`.

pub mod api;
pub mod pages;
pub mod picker;
pub mod view;

use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::register_member,
        api::join,
        api::report,
        api::mine,
        api::of_org,
        api::show,
        api::approve,
        api::return_application,
        api::advance,
        api::withdraw,
        api::resubmit,
        picker::api_choices,
    ),
    components(schemas(
        api::ApplyRequest,
        api::ApplyErrorBody,
        api::ApplicationBody,
        api::ApplicationListBody,
        api::SubmittedBody,
        api::DecisionRequest,
        api::AdvanceRequest,
        api::ResubmitRequest,
        api::Suggestion,
        view::FieldValue,
        view::StepView,
        picker::PickLevelBody,
        picker::PickChoiceBody,
    ))
)]
pub struct SelfServiceApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/register/member",
            get(pages::register_page).post(pages::register_submit),
        )
        .route("/join", get(pages::join_page).post(pages::join_submit))
        .route(
            "/report",
            get(pages::report_page).post(pages::report_submit),
        )
        .route("/applications/mine", get(pages::mine))
        .route("/applications/{id}", get(pages::detail))
        .route("/applications/{id}/approve", post(pages::approve_page))
        .route("/applications/{id}/return", post(pages::return_page))
        .route("/applications/{id}/advance", post(pages::advance_page))
        .route("/applications/{id}/withdraw", post(pages::withdraw_page))
        .route("/applications/{id}/edit", get(pages::edit_page))
        .route("/applications/{id}/resubmit", post(pages::resubmit_page))
        .route("/orgs/{id}/applications", get(pages::org_list))
        .route("/api/v1/register/member", post(api::register_member))
        .route("/api/v1/join", post(api::join))
        .route("/api/v1/orgs/{id}/join-choices", get(picker::api_choices))
        .route("/api/v1/report", post(api::report))
        .route("/api/v1/applications/mine", get(api::mine))
        .route("/api/v1/orgs/{id}/applications", get(api::of_org))
        .route("/api/v1/applications/{id}", get(api::show))
        .route("/api/v1/applications/{id}/approve", post(api::approve))
        .route(
            "/api/v1/applications/{id}/return",
            post(api::return_application),
        )
        .route("/api/v1/applications/{id}/advance", post(api::advance))
        .route("/api/v1/applications/{id}/withdraw", post(api::withdraw))
        .route("/api/v1/applications/{id}/resubmit", post(api::resubmit))
}
