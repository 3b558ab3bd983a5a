//! 团员电子档案 (issue 15, part 3): upload, rejection, replacement and certification with each
//! refusal (`flows`), what is no PDF or too large (`files`), who may download (`download`),
//! the superior's and the overdue lists (`lists`), 实名校验 线下通过 (`identity`), the pages
//! (`pages`) and the journey in a browser (`browser`).

mod browser;
mod checker;
mod download;
mod files;
mod flows;
mod identity;
mod lists;
mod pages;

use reqwest::StatusCode;
use serde_json::Value;
use tuanjian_store::orgs::Org;
use tuanjian_store::people::Person;

use crate::support::admin::person;
use crate::support::import::multipart;
use crate::support::{ApiClient, TestApp};

/// A real PDF of `pages` empty pages, its first page carrying a content stream of
/// `padding` bytes (to reach a size).
pub fn pdf(pages: usize, padding: usize) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            (0..pages)
                .map(|i| format!("{} 0 R", i + 4))
                .collect::<Vec<_>>()
                .join(" ")
        )
        .into_bytes(),
    ];
    let mut stream = format!("<< /Length {padding} >>\nstream\n").into_bytes();
    stream.extend(std::iter::repeat_n(b' ', padding));
    stream.extend(b"\nendstream");
    objects.push(stream);
    for i in 0..pages {
        let contents = if i == 0 { " /Contents 3 0 R" } else { "" };
        objects.push(
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]{contents} >>")
                .into_bytes(),
        );
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A member of `branch` who joined in `join_month`, entered `days_ago` days ago; `n` keeps ID
/// numbers apart (1–99).
pub async fn member(
    app: &TestApp,
    branch: &Org,
    n: u32,
    name: &str,
    join_month: &str,
    days_ago: i64,
) -> Person {
    let p = person(app, n, name).await;
    app.make_member(branch, &p).await;
    sqlx::query("UPDATE members SET join_month = $1, created_at = $2 WHERE person_id = $3")
        .bind(join_month)
        .bind(tuanjian_store::now() - days_ago * 24 * 3600)
        .bind(p.id)
        .execute(app.store.pool())
        .await
        .unwrap();
    p
}

/// Uploads `bytes` as the member's archive over the API.
pub async fn upload(
    api: &ApiClient,
    person_id: i64,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let (ct, body) = multipart(name, bytes, None);
    let mut req = api
        .http
        .post(format!("{}/api/v1/members/{person_id}/archive", api.base))
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
    format!("/api/v1/members/{person_id}/{what}")
}

/// The error code of an answer.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Stored files and their chunks.
pub async fn stored(app: &TestApp) -> (i64, i64) {
    (
        count(app, "SELECT COUNT(*) FROM stored_files").await,
        count(app, "SELECT COUNT(*) FROM file_chunks").await,
    )
}
