//! Extractors for paths, queries and JSON bodies whose rejections speak Chinese: axum's own
//! answer in English plain text, which an admin cannot act on.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tuanjian_domain::CharName;
use tuanjian_domain::ErrorCode;

use crate::error::{ApiError, Fault};
use crate::pages::error::PageError;

pub mod upload;

/// An id in the path: anything but a positive integer is "not found", like an unknown id.
pub fn parse_id(raw: &str) -> Result<i64, Fault> {
    raw.parse::<i64>()
        .ok()
        .filter(|&n| n > 0)
        .ok_or_else(Fault::not_found)
}

fn query_fault(e: impl std::fmt::Display) -> Fault {
    Fault::new(
        ErrorCode::QueryInvalid,
        format!("网址中的查询参数格式不对，请检查后重试（{e}）"),
    )
}

/// The backstop of the text rule (`tuanjian_domain::text::check_input`): a string any client
/// sends (query parameter, form field, JSON string, upload field) holds no control character but
/// tab and line breaks, so a NUL never reaches a query (PostgreSQL refuses it with an error)
/// whichever handler runs. Name-like fields are parsed further by their domain types.
pub fn check_text(name: &str, value: &str) -> Result<(), Fault> {
    tuanjian_domain::text::check_input(value).map_err(|ch| {
        let place = if name.is_empty() {
            String::new()
        } else {
            format!("“{name}”")
        };
        Fault::new(
            ErrorCode::InvalidText,
            format!(
                "提交的内容{place}含有不可见的控制字符（{}），请删除后重新提交",
                CharName(ch)
            ),
        )
    })
}

/// Every name and value of a urlencoded string (query or form) through `check_text`.
/// (A string that is not urlencoded is left to the typed parse, which says so.)
pub fn check_urlencoded(raw: &[u8]) -> Result<(), Fault> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(raw).unwrap_or_default();
    for (name, value) in pairs {
        check_text("", &name)?;
        check_text(&name, &value)?;
    }
    Ok(())
}

/// Every key and string of a JSON value through `check_text`, named by its path.
fn check_json(path: &str, v: &serde_json::Value) -> Result<(), Fault> {
    match v {
        serde_json::Value::String(s) => check_text(path, s),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| check_json(&format!("{path}[{i}]"), item)),
        serde_json::Value::Object(fields) => fields.iter().try_for_each(|(k, item)| {
            check_text(path, k)?;
            let inner = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            check_json(&inner, item)
        }),
        _ => Ok(()),
    }
}

fn parse_query<T: DeserializeOwned>(parts: &Parts) -> Result<T, Fault> {
    let raw = parts.uri.query().unwrap_or("");
    check_urlencoded(raw.as_bytes())?;
    serde_urlencoded::from_str(raw).map_err(query_fault)
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
        // Read as a JSON value first, so every string is checked before the typed parse.
        match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => {
                check_json("", &v)?;
                serde_json::from_value(v).map(Self).map_err(|e| {
                    ApiError(Fault::new(
                        ErrorCode::JsonInvalid,
                        format!("JSON 内容不符合要求（缺少字段或类型不对）：{e}"),
                    ))
                })
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError(Fault::new(
                ErrorCode::UnsupportedContentType,
                "请求体须为 JSON，并带有 Content-Type: application/json",
            ))),
            Err(JsonRejection::JsonSyntaxError(e)) => Err(ApiError(Fault::new(
                ErrorCode::JsonInvalid,
                format!("JSON 格式错误：{}", e.body_text()),
            ))),
            Err(JsonRejection::JsonDataError(e)) => Err(ApiError(Fault::new(
                ErrorCode::JsonInvalid,
                format!(
                    "JSON 内容不符合要求（缺少字段或类型不对）：{}",
                    e.body_text()
                ),
            ))),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError(Fault::new(
                ErrorCode::TooLarge,
                "请求体太大或无法读取",
            ))),
            Err(e) => Err(ApiError(Fault::new(
                ErrorCode::JsonInvalid,
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
