//! Faults as users see them: a stable code from the one table (`ErrorCode`), a Chinese message
//! naming the case at hand, the HTTP status and the field at fault. Adapters render them: the API
//! as `{"error": {...}}`, pages as an error page, the command line as text or JSON.

use serde::Serialize;
use tuanjian_domain::ErrorCode;
use tuanjian_store::StoreError;

#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    /// The code's status, unless a use case answers it with another (`with_status`).
    #[serde(skip)]
    pub status: u16,
    /// Stable snake_case code for programs.
    pub code: ErrorCode,
    /// What is wrong and how to fix it, in Chinese.
    pub message: String,
    /// The field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl Fault {
    /// A fault with its code's status.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::with_status(code.status(), code, message)
    }

    /// A fault answered with a status other than its code's: a record's entry faults are
    /// 400 one by one, though some of their codes (`already_registered`) are 409 alone.
    pub fn with_status(status: u16, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    /// The code's general message.
    pub fn of(code: ErrorCode) -> Self {
        Self::new(code, code.message())
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::with_status(400, code, message)
    }

    /// Another code, the status kept (a refusal is 403 whichever rule refused).
    pub fn with_code(mut self, code: ErrorCode) -> Self {
        self.code = code;
        self
    }

    pub fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub fn not_found() -> Self {
        Self::of(ErrorCode::NotFound)
    }

    pub fn unauthenticated() -> Self {
        Self::of(ErrorCode::Unauthenticated)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "internal error");
        Self::of(ErrorCode::InternalError)
    }

    /// The status it is answered with (adapters turn it into their own type).
    pub fn status_code(&self) -> u16 {
        self.status
    }

    pub fn is_client_error(&self) -> bool {
        (400..500).contains(&self.status)
    }
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Fault::not_found(),
            StoreError::Conflict { code, message } => Fault::with_status(409, code, message),
            busy if busy.is_busy() => Fault::of(ErrorCode::Busy),
            // Not retried by the store (a transaction cut off half-way): the change was rolled
            // back, unless the commit itself was cut off, so the user checks before repeating.
            e if e.is_connection_lost() => {
                tracing::warn!(error = %e, "database connection lost");
                Fault::of(ErrorCode::DbConnectionLost)
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

impl From<tuanjian_domain::Refusal> for Fault {
    fn from(r: tuanjian_domain::Refusal) -> Self {
        Fault::forbidden(r.message).with_code(r.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_faults_keep_their_code_and_busy_is_503() {
        let f = Fault::from(StoreError::Conflict {
            code: ErrorCode::OrgNameTaken,
            message: "同名".into(),
        });
        assert_eq!((f.status_code(), f.code), (409, ErrorCode::OrgNameTaken));
        assert_eq!(Fault::from(StoreError::NotFound).code, ErrorCode::NotFound);
        let busy = Fault::of(ErrorCode::Busy);
        assert_eq!((busy.status_code(), busy.code.as_str()), (503, "busy"));
        let internal = Fault::internal("boom");
        assert_eq!(
            (internal.status_code(), internal.code.as_str()),
            (500, "internal_error")
        );
    }

    #[test]
    fn forbidden_is_403_and_keeps_it_under_a_particular_code() {
        let f = Fault::forbidden("不可以");
        assert_eq!((f.status_code(), f.code.as_str()), (403, "forbidden"));
        let f = f.with_code(ErrorCode::RoleNotHeld);
        assert_eq!(f.status_code(), 403);
    }

    #[test]
    fn serialises_code_message_and_field_only() {
        let f = Fault::new(ErrorCode::CommentRequired, "请填写").field("comment");
        assert_eq!(
            serde_json::to_value(&f).unwrap(),
            serde_json::json!({"code": "comment_required", "message": "请填写", "field": "comment"})
        );
    }
}
