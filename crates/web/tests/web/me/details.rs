//! The member changes their own contact and study/work details (API and page) under the
//! admin's rules, audited; name, ID number, 入团年月, 编号 and the Party fields are refused with
//! `not_self_editable`, and nothing changes.

use reqwest::StatusCode;
use serde_json::json;

use super::{details_row, setup};
use crate::support::TestApp;
use crate::support::admin::{PW, get_html, post_form};
use crate::support::location;
use crate::support::members::faults;

both_databases!(
    edits_allowed_fields,
    refuses_fields_kept_by_others,
    page_edit
);

async fn edits_allowed_fields(app: TestApp) {
    let (_, p, api) = setup(&app).await;
    let (s, body) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/details",
            json!({
                "phone": "13912345678",
                "email": "tuan@example.cn",
                "full_time_education": "大学本科在读",
                "work_unit": "广州大学",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["phone"], "13912345678");
    assert_eq!(body["full_time_education"], "大学本科在读");
    let (phone, email, edu, unit) = details_row(&app, p.id).await;
    assert_eq!(phone.as_deref(), Some("13912345678"));
    assert_eq!(email.as_deref(), Some("tuan@example.cn"));
    assert_eq!(edu.as_deref(), Some("ZD21"));
    assert_eq!(unit.as_deref(), Some("广州大学"));
    assert_eq!(app.audit_count("person.edit_own").await, 1);

    // A field left out keeps its value; an empty one is cleared.
    let (s, body) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/details",
            json!({ "email": "" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (phone, email, _, _) = details_row(&app, p.id).await;
    assert_eq!(phone.as_deref(), Some("13912345678"));
    assert_eq!(email, None);

    // The admin's rules: every fault at once, with its field; nothing saved.
    let (s, body) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/details",
            json!({ "phone": "123", "qq": "0123", "occupation": "宇航员", "work_unit": "某单位" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "record_invalid");
    let got = faults(&body);
    assert!(
        got.contains(&("invalid_format".into(), "phone".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("invalid_format".into(), "qq".into())),
        "{got:?}"
    );
    assert!(
        got.contains(&("invalid_choice".into(), "occupation".into())),
        "{got:?}"
    );
    let (phone, _, _, unit) = details_row(&app, p.id).await;
    assert_eq!(phone.as_deref(), Some("13912345678"));
    assert_eq!(unit.as_deref(), Some("广州大学"));
    assert_eq!(app.audit_count("person.edit_own").await, 2);
    // Saving what is stored changes nothing and records nothing.
    let (s, body) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/details",
            json!({ "phone": "13912345678" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(app.audit_count("person.edit_own").await, 2);

    let (_, record) = api.get("/api/v1/me/record").await;
    assert_eq!(record["person"]["phone"], "13912345678");
    assert_eq!(record["person"]["work_unit"], "广州大学");
}

async fn refuses_fields_kept_by_others(app: TestApp) {
    let (_, p, api) = setup(&app).await;
    for (key, value, says) in [
        ("name", json!("张大团"), "更正申请"),
        ("id_number", json!("11010519491231002X"), "更正申请"),
        ("join_month", json!("2020-01"), "管理员"),
        ("dev_number", json!("202244000099"), "管理员"),
        ("party_join_month", json!("2024-07"), "管理员"),
        ("political_status", json!("中共党员"), "管理员"),
    ] {
        let (s, body) = api
            .send(
                reqwest::Method::PUT,
                "/api/v1/me/details",
                json!({ "phone": "13912345678", key: value }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{key}: {body}");
        assert_eq!(body["error"]["code"], "not_self_editable", "{key}");
        assert_eq!(body["error"]["field"], key);
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{key}: {message}");
    }
    // Nothing changed, not even the allowed field sent with them.
    let (phone, ..) = details_row(&app, p.id).await;
    assert_eq!(phone, None);
    let (join, dev): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT join_month, dev_number FROM members WHERE person_id = $1")
            .bind(p.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(join.as_deref(), Some("2022-05"));
    assert_eq!(dev.as_deref(), Some("202244000001"));
    assert_eq!(app.audit_count("person.edit_own").await, 0);
}

async fn page_edit(app: TestApp) {
    let (_, p, _) = setup(&app).await;
    let (c, _) = app.page_login(p.id_number.as_str(), PW).await;
    let (s, html) = get_html(&app, &c, "/me/edit").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("name=\"phone\""));
    // Nothing an admin keeps is on the form.
    for key in ["name", "id_number", "join_month", "dev_number"] {
        assert!(!html.contains(&format!("name=\"{key}\"")), "{key}");
    }
    let fields = [
        ("phone", "1391234"),
        ("email", ""),
        ("qq", ""),
        ("wechat", ""),
        ("full_time_education", "普通高中"),
        ("highest_education", ""),
        ("occupation", ""),
        ("work_unit", "广州市第一中学"),
        ("household_place", ""),
    ];
    let res = post_form(&app, &c, "/me/edit", "/me/edit", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"fault-phone\""), "{html}");
    assert!(
        html.contains("value=\"广州市第一中学\""),
        "the form keeps what was typed"
    );
    assert_eq!(details_row(&app, p.id).await.3, None);

    let mut fields = fields;
    fields[0].1 = "13912345678";
    let res = post_form(&app, &c, "/me/edit", "/me/edit", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/me?saved=1");
    let (_, html) = get_html(&app, &c, "/me?saved=1").await;
    assert!(html.contains("id=\"saved-notice\""));
    assert!(html.contains("广州市第一中学"));
    let (phone, _, edu, unit) = details_row(&app, p.id).await;
    assert_eq!(phone.as_deref(), Some("13912345678"));
    assert_eq!(edu.as_deref(), Some("61"));
    assert_eq!(unit.as_deref(), Some("广州市第一中学"));
}
