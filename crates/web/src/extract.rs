//! Extractors for paths, queries and JSON bodies whose rejections speak Chinese: axum's own
//! answer in English plain text, which an admin cannot act on.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Fault};
use crate::pages::error::PageError;

/// An id in the path: anything but a positive integer is "not found", like an unknown id.
pub fn parse_id(raw: &str) -> Result<i64, Fault> {
    raw.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(Fault::not_found)
}

fn query_fault(e: impl std::fmt::Display) -> Fault {
    Fault::bad_request(
        "query_invalid",
        format!("网址中的查询参数格式不对，请检查后重试（{e}）"),
    )
}

fn parse_query<T: DeserializeOwned>(parts: &Parts) -> Result<T, Fault> {
    serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).map_err(query_fault)
}

/// Query string for pages.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parse_query(parts)?))
    }
}

/// Query string for the API.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parse_query(parts)?))
    }
}

/// A JSON body for the API.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError(Fault::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_content_type",
                "请求体须为 JSON，并带有 Content-Type: application/json",
            ))),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError(Fault::bad_request(
                "json_invalid",
                format!("JSON 格式错误：{}", e.body_text()),
            ))),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError(Fault::bad_request(
                "json_invalid",
                format!(
                    "JSON 内容不符合要求（缺少字段或类型不对）：{}",
                    e.body_text()
                ),
            ))),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError(Fault::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "请求体太大或无法读取",
            ))),
            Err(e) => Err(ApiError(Fault::bad_request(
                "json_invalid",
                format!("请求体无法解析：{}", e.body_text()),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids() {
        assert_eq!(super::parse_id("12").unwrap(), 12);
        for bad in ["0", "-1", "abc", "1.5", "99999999999999999999"] {
            assert_eq!(super::parse_id(bad).unwrap_err().code, "not_found");
        }
    }
}
