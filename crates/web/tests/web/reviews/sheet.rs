//! The 团员教育评议 sheet: downloaded with the branch's members, filled and uploaded; a sheet
//! with any fault records nothing and names every faulty cell.

use reqwest::StatusCode;
use serde_json::Value;
use tuanjian_app::reviews::sheet::template;
use tuanjian_sheet::{read_rows, write_filled};

use super::*;
use crate::support::TestApp;
use crate::support::import::multipart;
use crate::support::members::World;

both_databases!(
    a_filled_sheet_records_the_grades,
    a_faulty_sheet_records_nothing
);

async fn download(app: &TestApp, token: &str, b: i64) -> Vec<Vec<String>> {
    let res = reqwest::Client::new()
        .get(app.url(&at(b, "sheet")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    let bytes = res.bytes().await.unwrap();
    read_rows(&template(), &bytes, "评议表.xlsx")
        .unwrap()
        .into_iter()
        .map(|r| r.values)
        .collect()
}

async fn upload(app: &TestApp, token: &str, b: i64, rows: &[Vec<String>]) -> (StatusCode, Value) {
    let bytes = write_filled(&template(), rows).unwrap();
    let (ct, body) = multipart("评议表.xlsx", &bytes, None);
    let res = reqwest::Client::new()
        .post(app.url(&at(b, "sheet")))
        .bearer_auth(token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn a_filled_sheet_records_the_grades(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    let a = member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    member_born(&app, &t.w.branch, 3, born(20, 0), "丙").await;
    // A grade recorded on the page comes back filled in.
    t.branch
        .post(&at(b, "grades"), grades(vec![grade(a.id, "优秀")]))
        .await;
    let token = t.branch.token.clone().unwrap();
    let mut rows = download(&app, &token, b).await;
    assert_eq!(rows.len(), 3);
    let row_of = |rows: &[Vec<String>], name: &str| rows.iter().position(|r| r[0] == name).unwrap();
    assert_eq!(rows[row_of(&rows, "甲")][2], "优秀");
    assert_eq!(
        rows[row_of(&rows, "乙")][1].len(),
        18,
        "the whole ID number"
    );
    let i = row_of(&rows, "乙");
    rows[i][2] = "基本合格".into();
    let i = row_of(&rows, "丙");
    rows[i][2] = "不合格".into();
    rows[i][3] = "暂缓注册".into();
    rows[i][4] = "多次无故缺席组织生活".into();
    let (status, body) = upload(&app, &token, b, &rows).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["graded"], 3);
    let by_name = |name: &str| {
        body["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("甲")["grade"], "excellent");
    assert_eq!(by_name("乙")["grade"], "basic");
    assert_eq!(by_name("丙")["choice"], "deferred");
    assert_eq!(app.audit_count("review.import").await, 1);
    assert_eq!(app.audit_count("review.export").await, 1);
}

async fn a_faulty_sheet_records_nothing(app: TestApp) {
    let t = World::new(&app).await;
    let b = t.w.branch.id;
    member_born(&app, &t.w.branch, 1, born(20, 0), "甲").await;
    member_born(&app, &t.w.branch, 2, born(20, 0), "乙").await;
    let stranger = member_born(&app, &t.sibling_branch, 3, born(20, 0), "丙").await;
    let token = t.branch.token.clone().unwrap();
    let mut rows = download(&app, &token, b).await;
    rows[0][2] = "良好".into();
    rows[1][2] = "不合格".into();
    rows.push(vec![
        "丙".into(),
        stranger.id_number.as_str().into(),
        "合格".into(),
        String::new(),
        String::new(),
    ]);
    let (status, body) = upload(&app, &token, b, &rows).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("3处问题"), "{message}");
    assert!(message.contains("第3行“评议等次”（C3单元格）"), "{message}");
    assert!(message.contains("第4行“注册意见”（D4单元格）"), "{message}");
    assert!(message.contains("第5行“身份证号码”"), "{message}");
    assert_eq!(code(&body), "grade_invalid");
    let (_, body) = t.branch.get(&format!("/api/v1/orgs/{b}/reviews")).await;
    assert_eq!(body["graded"], 0);
    assert_eq!(app.audit_count("review.import").await, 0);
    // Not a spreadsheet at all.
    let (ct, payload) = multipart("评议表.xlsx", b"not a workbook", None);
    let res = reqwest::Client::new()
        .post(app.url(&at(b, "sheet")))
        .bearer_auth(&token)
        .header("content-type", ct)
        .body(payload)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(code(&body), "sheet_unreadable", "{body}");
}
