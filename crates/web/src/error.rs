//! Faults as users see them: a stable code, a Chinese message, an HTTP status. The API renders
//! them as `{"error": {...}}`, pages as an error page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tuanjian_store::StoreError;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Fault {
    #[serde(skip)]
    pub status: u16,
    /// Stable snake_case code for programs.
    pub code: &'static str,
    /// What is wrong and how to fix it, in Chinese.
    pub message: String,
    /// The field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl Fault {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: status.as_u16(),
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "要找的内容不存在，或不在您的管理范围内",
        )
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "请先登录；登录超时也需要重新登录",
        )
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "服务器内部错误，请稍后重试；如果一直出现，请联系系统管理员",
        )
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Fault::not_found(),
            StoreError::Conflict { code, message } => {
                Fault::new(StatusCode::CONFLICT, code, message)
            }
            busy if busy.is_busy() => Fault::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "系统繁忙，请稍后重试",
            ),
            // Not retried by the store (a transaction cut off half-way): the change was rolled
            // back, unless the commit itself was cut off, so the user checks before repeating.
            e if e.is_connection_lost() => {
                tracing::warn!(error = %e, "database connection lost");
                Fault::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "db_connection_lost",
                    "数据库连接中断，请稍后重试；如果刚才提交了修改，请先刷新页面确认是否已经保存",
                )
            }
            other => Fault::internal(other),
        }
    }
}

impl From<anyhow::Error> for Fault {
    fn from(e: anyhow::Error) -> Self {
        Fault::internal(e)
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: Fault,
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
