//! Forms that change anything carry the session's CSRF token; `CsrfForm` refuses those that do
//! not, and parses the rest with messages in Chinese.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tuanjian_domain::ErrorCode;

use crate::auth::user::Signed;
use crate::error::Fault;
use crate::pages::error::PageError;

/// Largest form body accepted (forms are a few fields; uploads have their own routes).
const MAX_FORM_BYTES: usize = 64 * 1024;

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

pub use tuanjian_app::account::same_token;

pub fn csrf_fault() -> Fault {
    Fault::new(
        ErrorCode::CsrfFailed,
        "页面已过期或请求来源无法确认，请刷新页面后重新提交",
    )
}

/// Parses a urlencoded form body into `T`, with a Chinese message for every way it can fail.
pub fn parse_form<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Fault> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(Fault::new(
            ErrorCode::UnsupportedContentType,
            "请通过页面上的表单提交（Content-Type 应为 application/x-www-form-urlencoded）",
        ));
    }
    crate::extract::check_urlencoded(body)?;
    serde_urlencoded::from_bytes(body).map_err(|e| {
        Fault::new(
            ErrorCode::FormInvalid,
            format!("表单内容不完整或格式不对，请检查后重新提交（{e}）"),
        )
    })
}

pub async fn read_body(req: Request) -> Result<(HeaderMap, Bytes), Fault> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| Fault::new(ErrorCode::TooLarge, "提交的内容太长，请删减后重新提交"))?;
    Ok((parts.headers, bytes))
}

/// A form checked against the session's CSRF token. Must follow a `PageUser` or
/// `PageUserAnyState` argument, which loads the session.
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        // Fail closed: without a loaded session there is nothing to compare with.
        let expected = req
            .extensions()
            .get::<Signed>()
            .map(|s| s.session.csrf_token.clone())
            .ok_or_else(csrf_fault)?;
        let (headers, body) = read_body(req).await?;
        let given: CsrfField = parse_form(&headers, &body)?;
        if !same_token(&given.csrf, &expected) {
            return Err(PageError(csrf_fault()));
        }
        Ok(Self(parse_form(&headers, &body)?))
    }
}
