//! 学校机构编号: who may set it, for which organisations, and its format.

use super::*;

both_databases!(school_code);

async fn set_industry(app: &TestApp, org: &Org, industry: &str) {
    let mut tx = app.store.begin().await.unwrap();
    let info = OrgInfo {
        industry: Some(industry.into()),
        ..Default::default()
    };
    write_info_fields(&mut tx, &Actor::default(), org, &info)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn put(api: &crate::support::ApiClient, org: i64, code: &str) -> (StatusCode, Value) {
    api.send(
        reqwest::Method::PUT,
        &format!("/api/v1/orgs/{org}/school-code"),
        json!({ "school_code": code }),
    )
    .await
}

async fn school_code(app: TestApp) {
    let w = World::new(&app).await;
    let school = app
        .add_org(
            &w.county,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            "天河一中团委",
            "共青团广州市天河区第一中学委员会",
        )
        .await;
    set_industry(&app, &school, "05PTGZ").await;
    let company = app
        .add_org(
            &w.county,
            OrgLevel::Grassroots,
            OrgKind::Committee,
            "某公司团委",
            "共青团广州某公司委员会",
        )
        .await;
    set_industry(&app, &company, "08GYQY").await;
    let school_admin = app.add_person(&idn(40), "学校管理员", Some(PASSWORD)).await;
    app.make_admin(&school, &school_admin).await;
    let company_admin = app.add_person(&idn(41), "公司管理员", Some(PASSWORD)).await;
    app.make_admin(&company, &company_admin).await;
    let s_api = api_as(&app, &school_admin).await;
    for bad in ["12345", "6111010001", "41110100a1"] {
        let (s, body) = put(&s_api, school.id, bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["error"]["code"], "school_code_invalid");
        assert_eq!(body["error"]["field"], "school_code");
    }
    assert_eq!(
        app.store.org_info(school.id).await.unwrap().school_code,
        None
    );
    let (s, body) = put(&s_api, school.id, " 4111010001 ").await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["school_code"], "4111010001");
    assert_eq!(
        app.store
            .org_info(school.id)
            .await
            .unwrap()
            .school_code
            .as_deref(),
        Some("4111010001")
    );
    let info_audits = app.audit_count("org.info").await;
    // Leading bodies never have it; nor does a non-school organisation.
    let county = api_as(&app, &w.county_admin).await;
    let (s, body) = put(&county, w.county.id, "4111010002").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "not_school");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("领导机关")
    );
    let c_api = api_as(&app, &company_admin).await;
    let (s, body) = put(&c_api, company.id, "4111010002").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "not_school");
    // The superior does not fill it in for the school.
    let (s, body) = put(&county, school.id, "4111010003").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "not_own_org");
    assert_eq!(app.audit_count("org.info").await, info_audits);
    assert_eq!(
        app.store
            .org_info(school.id)
            .await
            .unwrap()
            .school_code
            .as_deref(),
        Some("4111010001")
    );
    // The page.
    let (c, _) = app
        .page_login(school_admin.id_number.as_str(), PASSWORD)
        .await;
    let (s, html) = get_html(&app, &c, &format!("/orgs/{}/school-code", school.id)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("value=\"4111010001\""));
    let csrf = csrf_of(&html);
    let res = c
        .post(app.url(&format!("/orgs/{}/school-code", school.id)))
        .form(&[("csrf", csrf.as_str()), ("school_code", "abc")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("10位数字"));
    let res = c
        .post(app.url(&format!("/orgs/{}/school-code", school.id)))
        .form(&[("csrf", csrf.as_str()), ("school_code", "3111010009")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .org_info(school.id)
            .await
            .unwrap()
            .school_code
            .as_deref(),
        Some("3111010009")
    );
    let (c, _) = app
        .page_login(w.county_admin.id_number.as_str(), PASSWORD)
        .await;
    let (s, html) = get_html(&app, &c, &format!("/orgs/{}/school-code", w.county.id)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(html.contains("领导机关"));
}
