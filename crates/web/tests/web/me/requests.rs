//! 我的申请 / 我的转接: a transfer of the member's record (with its state and link) on the
//! record and the list; an applicant who is no member sees the application, no card, and
//! what they have.

use reqwest::StatusCode;
use serde_json::json;
use tuanjian_domain::transfer::{TransferInput, TransferRequest, TransferStarter};
use tuanjian_domain::{OrgKind, OrgLevel};
use tuanjian_store::audit::Actor;
use tuanjian_store::transfers::{self, NewTransfer};

use super::setup;
use crate::support::TestApp;
use crate::support::admin::{PW, get_html};

both_databases!(transfer_listed, applicant_who_is_no_member);

async fn transfer_listed(app: TestApp) {
    let (w, p, api) = setup(&app).await;
    let to = app
        .add_org(
            &w.sibling,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "越秀某大学团支部",
            "共青团广州市越秀区某大学支部",
        )
        .await;
    let request = TransferRequest::parse(&TransferInput {
        reason: "升学",
        detail: "某大学",
        to_org_id: Some(to.id),
        ..Default::default()
    })
    .unwrap();
    let mut tx = app.store.begin().await.unwrap();
    let id = transfers::start(
        &mut tx,
        &Actor::default(),
        &NewTransfer {
            person_id: p.id,
            request: &request,
            to: Some(&to),
            starter: TransferStarter::Member,
            started_by: p.id,
            approved_in_to: None,
            lapse_days: 30,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (s, body) = api.get("/api/v1/me/requests").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let t = &body["transfers"][0];
    assert_eq!(t["id"], id);
    assert_eq!(t["status"], "pending_out");
    assert_eq!(t["status_label"], "待转出组织审批");
    assert_eq!(t["to_org_name"], to.full_name.as_str());
    assert_eq!(t["reason_label"], "升学");
    assert_eq!(t["in_progress"], true);
    let (_, record) = api.get("/api/v1/me/record").await;
    assert_eq!(record["open_transfers"][0]["id"], id);

    let (c, _) = app.page_login(p.id_number.as_str(), PW).await;
    for path in ["/me", "/me/requests"] {
        let (s, html) = get_html(&app, &c, path).await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            html.contains(&format!("href=\"/transfers/{id}\"")),
            "{path}: {html}"
        );
        assert!(html.contains("待转出组织审批"), "{path}");
    }
    // One open at a time: no link to start another.
    let (_, html) = get_html(&app, &c, "/me").await;
    assert!(!html.contains("href=\"/me/transfers/new\""));
}

async fn applicant_who_is_no_member(app: TestApp) {
    let w = app.guangzhou().await;
    let id_number = tuanjian_domain::IdNumber::from_first17("44010620100301077").to_string();
    let (s, res) = app
        .api()
        .post(
            "/api/v1/join",
            json!({
                "province_id": w.province.id,
                "org_full_name": w.branch.full_name,
                "password": PW,
                "id_number": id_number,
                "name": "郑入团",
                "ethnicity": "汉族",
                "phone": "13900139000",
                "work_unit": "广州市天河区第一中学",
            }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{res}");
    let application = res["application"]["id"].as_i64().unwrap();
    let mut api = app.api();
    api.token = Some(res["token"].as_str().unwrap().to_string());

    let (s, record) = api.get("/api/v1/me/record").await;
    assert_eq!(s, StatusCode::OK, "{record}");
    assert!(record["membership"].is_null(), "{record}");
    assert!(record["card"].is_null());
    assert_eq!(record["person"]["name"], "郑入团");
    assert_eq!(record["person"]["phone"], "13900139000");
    let (_, body) = api.get("/api/v1/me/requests").await;
    assert_eq!(body["applications"][0]["id"], application);
    assert_eq!(body["applications"][0]["kind"], "join");
    assert_eq!(body["applications"][0]["status"], "pending");
    assert_eq!(body["transfers"].as_array().unwrap().len(), 0);

    let (c, _) = app.page_login(&id_number, PW).await;
    let (s, html) = get_html(&app, &c, "/me").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("id=\"no-membership\""), "{html}");
    assert!(!html.contains("id=\"member-card\""));
    let (_, html) = get_html(&app, &c, "/me/requests").await;
    assert!(
        html.contains(&format!("href=\"/applications/{application}\"")),
        "{html}"
    );
    // The applicant may still keep their own details up to date.
    let (s, body) = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/me/details",
            json!({ "phone": "13900139001" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}
