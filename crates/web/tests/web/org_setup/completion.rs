//! Completion rates of the organisations below.

use super::*;

both_databases!(completion_numbers);

async fn completion_numbers(app: TestApp) {
    let w = World::new(&app).await;
    let a = app
        .add_org(
            &w.county,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "甲支部",
            "天河区甲团支部",
        )
        .await;
    let b = app
        .add_org(
            &w.county,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            "乙团委",
            "天河区乙团委",
        )
        .await;
    let c = app
        .add_org(
            &w.county,
            OrgLevel::Grassroots,
            OrgKind::GeneralBranch,
            "丙总支",
            "天河区丙团总支",
        )
        .await;
    app.add_org(
        &b,
        OrgLevel::Grassroots,
        OrgKind::Branch,
        "乙一支部",
        "天河区乙团委第一支部",
    )
    .await;
    // Branch 甲 completes its information: industry and a 书记 with a mobile number.
    let mut tx = app.store.begin().await.unwrap();
    set_secretary(
        &mut tx,
        &Actor::default(),
        &a,
        &SecretaryInput {
            name: "李书记".into(),
            id_number: IdNumber::parse(&idn(60)).unwrap(),
            mobile: "13800138000".into(),
        },
    )
    .await
    .unwrap();
    let info = OrgInfo {
        industry: Some("08GYQY".into()),
        ..app.store.org_info(a.id).await.unwrap()
    };
    write_info_fields(&mut tx, &Actor::default(), &a, &info)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let api = api_as(&app, &w.county_admin).await;
    let (s, body) = api
        .get(&format!("/api/v1/orgs/{}/completion", w.county.id))
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(
        body["children"],
        json!({"complete": 1, "total": 3, "rate": "33.3%"})
    );
    assert_eq!(
        body["subtree"],
        json!({"complete": 1, "total": 4, "rate": "25.0%"})
    );
    let items = body["incomplete"]["items"].as_array().unwrap();
    assert_eq!(body["incomplete"]["total"], 2);
    // In name order: 丙 (bǐng) before 乙 (yǐ).
    assert_eq!(items[0]["id"], c.id);
    assert_eq!(items[1]["id"], b.id);
    assert_eq!(
        items[0]["missing"],
        json!([
            "单位所属行业类别",
            "书记姓名",
            "书记身份证号码",
            "书记手机号码"
        ])
    );
    assert!(
        items[1]["missing"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "行政编制数")
    );
    let (_, paged) = api
        .get(&format!(
            "/api/v1/orgs/{}/completion?page=2&per_page=1",
            w.county.id
        ))
        .await;
    assert_eq!(paged["incomplete"]["items"][0]["id"], b.id);
    // From the city: its children (two counties) and all five below them plus the counties.
    let city = api_as(&app, &w.city_admin).await;
    let (_, body) = city
        .get(&format!("/api/v1/orgs/{}/completion", w.city.id))
        .await;
    assert_eq!(
        body["children"],
        json!({"complete": 0, "total": 2, "rate": "0.0%"})
    );
    assert_eq!(body["subtree"]["total"], 6);
    assert_eq!(body["subtree"]["complete"], 1);
    // A descendant is in scope too; a branch with nothing below reads "—".
    let (s, body) = city.get(&format!("/api/v1/orgs/{}/completion", a.id)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["children"]["rate"], "—");

    let (browser, _) = app
        .page_login(w.county_admin.id_number.as_str(), PASSWORD)
        .await;
    let (s, html) = get_html(&app, &browser, &format!("/orgs/{}/completion", w.county.id)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("33.3%") && html.contains("25.0%"), "{html}");
    assert!(html.contains("乙团委") && html.contains("丙总支") && !html.contains(">甲支部<"));
}
