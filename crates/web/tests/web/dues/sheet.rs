//! The 团费 sheet: downloaded with the branch's members and what is due, filled and uploaded;
//! a sheet with any fault records nothing and names every faulty cell.

use reqwest::StatusCode;
use serde_json::Value;
use tuanjian_app::dues::sheet::template;
use tuanjian_sheet::{read_rows, write_filled};

use super::*;
use crate::support::TestApp;
use crate::support::import::multipart;
use crate::support::members::World;

both_databases!(
    a_filled_sheet_records_the_month,
    a_faulty_sheet_records_nothing
);

fn sheet_at(b: i64, month: Month) -> String {
    format!("/api/v1/orgs/{b}/dues/{month}/sheet")
}

async fn download(app: &TestApp, token: &str, b: i64, month: Month) -> Vec<Vec<String>> {
    let res = reqwest::Client::new()
        .get(app.url(&sheet_at(b, month)))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    read_rows(&template(), &bytes, "团费表.xlsx")
        .unwrap()
        .into_iter()
        .map(|r| r.values)
        .collect()
}

async fn upload(
    app: &TestApp,
    token: &str,
    b: i64,
    month: Month,
    rows: &[Vec<String>],
) -> (StatusCode, Value) {
    let bytes = write_filled(&template(), rows).unwrap();
    let (ct, body) = multipart("团费表.xlsx", &bytes, None);
    let res = reqwest::Client::new()
        .post(app.url(&sheet_at(b, month)))
        .bearer_auth(token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn a_filled_sheet_records_the_month(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    let c = member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    let token = t.branch.token.clone().unwrap();
    let month = month_back(1);
    let mut rows = download(&app, &token, b, month).await;
    assert_eq!(rows.len(), 2);
    let at = |rows: &Vec<Vec<String>>, name: &str| rows.iter().position(|r| r[0] == name).unwrap();
    let (ia, ic) = (at(&rows, "甲"), at(&rows, "乙"));
    assert_eq!(rows[ia][4], "3.00", "what is due is filled in");
    // 甲 declares 5000 元 (10 元 a month) and pays it; 乙 pays nothing.
    rows[ia][3] = "5000".into();
    rows[ia][5] = "10".into();
    let (status, body) = upload(&app, &token, b, month, &rows).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["paid"].as_i64(), body["unpaid"].as_i64()),
        (Some(1), Some(1))
    );
    let (_, body) = t
        .branch
        .get(&format!("/api/v1/orgs/{b}/dues?month={month}"))
        .await;
    assert_eq!(row_of(&body, a.id)["due"], "10.00", "{body}");
    assert_eq!(row_of(&body, a.id)["paid"], "10.00");
    assert_eq!(row_of(&body, a.id)["income"], "5000.00");
    assert_eq!(row_of(&body, c.id)["paid"], "0.00");
    assert_eq!(app.audit_count("dues.import").await, 1);
    assert_eq!(app.audit_count("dues.income").await, 1);
    // Downloaded again, the paid amounts are filled in.
    let rows = download(&app, &token, b, month).await;
    assert_eq!(rows[at(&rows, "甲")][5], "10.00");
    assert_eq!(rows[ic][5], "");
}

async fn a_faulty_sheet_records_nothing(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    let stranger = member_born(&app, &t.sibling_branch, 3, born(20, 0), "别处").await;
    let token = t.branch.token.clone().unwrap();
    let month = current_month();
    let mut rows = download(&app, &token, b, month).await;
    rows[0][5] = "三元".into();
    rows[1][3] = "-100".into();
    rows.push(vec![
        "别处".into(),
        stranger.id_number.as_str().into(),
        String::new(),
        String::new(),
        String::new(),
        "3".into(),
    ]);
    let (status, body) = upload(&app, &token, b, month, &rows).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("3处问题"), "{message}");
    assert!(
        message.contains("F3") && message.contains("D4"),
        "{message}"
    );
    assert!(
        message.contains("不是") && message.contains("团籍正常的团员"),
        "{message}"
    );
    assert_eq!(payment_rows(&app).await, 0);
    // Not a workbook.
    let (ct, body) = multipart("团费表.xlsx", b"not a workbook", None);
    let res = reqwest::Client::new()
        .post(app.url(&sheet_at(b, month)))
        .bearer_auth(&token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(payment_rows(&app).await, 0);
}
