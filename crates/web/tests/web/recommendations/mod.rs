//! 推优入党 (issue 15, part 2): the branch's steps with their PDF forms, the superior's approvals
//! and returns, the member's 入党 fields that follow, the lists, every refusal, and the pages.

mod browser;
mod flows;
mod pages;

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::ApiClient;

pub use crate::archives::pdf;
pub use crate::leaving::{born, code, member_born, today};

/// This month as `YYYY-MM`.
pub fn this_month() -> String {
    today()[..7].to_string()
}

/// A multipart body of text fields and a `file` (none when `file` is `None`).
pub fn form(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----tuanjian-rec-boundary-51b2";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Records a step over the API.
pub async fn step(
    api: &ApiClient,
    person_id: i64,
    stage: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (StatusCode, Value) {
    let (ct, body) = form(fields, file);
    let mut req = api
        .http
        .post(format!(
            "{}/api/v1/members/{person_id}/recommendation/{stage}",
            api.base
        ))
        .header("content-type", ct)
        .body(body);
    if let Some(t) = &api.token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

pub fn at(person_id: i64, what: &str) -> String {
    format!("/api/v1/members/{person_id}/recommendation/{what}")
}
