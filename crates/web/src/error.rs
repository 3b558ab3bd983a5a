//! Faults (`tuanjian_app::Fault`) as HTTP answers: the API renders them as
//! `{"error": {...}}` with the fault's status, pages as an error page (`pages::error`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tuanjian_store::StoreError;

pub use tuanjian_app::Fault;

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    #[schema(value_type = FaultSchema)]
    pub error: Fault,
}

/// The error object as the OpenAPI document shows it; `api::document` lists the codes.
#[derive(utoipa::ToSchema)]
#[schema(as = Fault)]
#[allow(dead_code)] // Describes `Fault`'s JSON; never built.
pub struct FaultSchema {
    /// Stable snake_case code for programs: one of the listed values.
    code: String,
    /// What is wrong and how to fix it, in Chinese.
    message: String,
    /// The field at fault, when there is one.
    field: Option<String>,
}

/// The status a fault is answered with, as axum's type.
pub trait FaultStatus {
    fn status(&self) -> StatusCode;
}

impl FaultStatus for Fault {
    fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// A fault rendered as the API's JSON error object.
pub struct ApiError(pub Fault);

impl From<Fault> for ApiError {
    fn from(e: Fault) -> Self {
        ApiError(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError(e.into())
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0.status(), Json(ErrorBody { error: self.0 })).into_response()
    }
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;
