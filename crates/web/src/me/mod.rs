//! 个人中心 (issue 12): the signed-in person's own pages — 我的团籍 with the 电子团员证 card
//! (`record`), the edit of contact and study/work details (`edit`), the correction request for
//! name or ID number (`correction`), 我的申请 / 我的转接 (`requests`) — and their JSON twins
//! under /api/v1/me/… (`api`). Each calls `tuanjian_app::me`, which touches only the person's
//! own rows: there is no id in these paths, so nobody else's record can be asked for.

pub mod api;
pub mod correction;
pub mod edit;
pub mod record;
pub mod requests;

use axum::Router;
use axum::routing::{get, post, put};
use tuanjian_app::me::Failure;
use utoipa::OpenApi;

use crate::auth::role;
use crate::auth::user::Signed;
use crate::error::Fault;
use crate::members::FaultItem;
use crate::pages::nav::Nav;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    paths(
        api::record,
        api::put_details,
        api::request_correction,
        api::withdraw_correction,
        api::requests
    ),
    components(schemas(
        api::MyRecordBody,
        api::MyPersonBody,
        api::MyMembershipBody,
        api::MyPostBody,
        api::CardBody,
        api::DetailsRequest,
        api::DetailsBody,
        api::CorrectionFiledBody,
        api::MyRequestsBody,
        api::MyApplicationBody,
        api::MyTransferBody,
        api::MyCorrectionBody,
        api::MyWithdrawalBody,
    ))
)]
pub struct MeApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(record::show))
        .route("/me/edit", get(edit::form).post(edit::submit))
        .route(
            "/me/correction",
            get(correction::form).post(correction::submit),
        )
        .route("/me/requests", get(requests::show))
        .route("/me/corrections/{id}/withdraw", post(correction::withdraw))
        .route("/api/v1/me/record", get(api::record))
        .route("/api/v1/me/details", put(api::put_details))
        .route("/api/v1/me/correction", post(api::request_correction))
        .route("/api/v1/me/requests", get(api::requests))
        .route(
            "/api/v1/me/corrections/{id}/withdraw",
            post(api::withdraw_correction),
        )
}

/// The header: the role the session acts in, if one is chosen and still held.
pub(crate) async fn nav(state: &AppState, user: &Signed) -> Result<Nav, Fault> {
    Ok(match role::current(state, user).await? {
        Some(a) => Nav::for_authority(state, user, &a).await?,
        None => Nav::plain(user),
    })
}

/// The use case's failure with its field faults in the API's shape (forms mark the fields).
pub(crate) enum Shown {
    Fields(Vec<FaultItem>),
    Fault(Fault),
}

pub(crate) fn failure(f: Failure) -> Shown {
    match f {
        Failure::Fault(f) => Shown::Fault(f),
        Failure::Fields(items) => Shown::Fields(items.into_iter().map(FaultItem::from).collect()),
    }
}
