//! The information pages (fill, request, decide) and the calls' OpenAPI entries.

use super::*;

both_databases!(pages_fill_request_and_decide, openapi_lists_the_calls,);

async fn pages_fill_request_and_decide(app: TestApp) {
    let w = world(&app).await;
    let own = app.add_person(&idn(101), "区管理员", Some(PW)).await;
    app.make_admin(&w.county, &own).await;
    let sup = app.add_person(&idn(102), "市管理员", Some(PW)).await;
    app.make_admin(&w.city, &sup).await;
    let info_url = app.url(&format!("/orgs/{}/info", w.county.id));

    // The own admin completes the information on the page.
    let (c, _) = app.page_login(&idn(101), PW).await;
    let html = c.get(&info_url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("信息不完整") && html.contains("请完善组织信息"),
        "{html}"
    );
    let csrf = csrf_of(&html);
    let secretary = idn(207);
    let res = c
        .post(&info_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("phone", "020-85212345"),
            ("email", "thqtw@example.cn"),
            ("admin_staff_quota", "5"),
            ("admin_staff_actual", "4"),
            ("career_staff_quota", "0"),
            ("career_staff_actual", "0"),
            ("secretary_name", "林书记"),
            ("secretary_id_number", secretary.as_str()),
            ("secretary_phone", "13800138007"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.contains("applied="), "{to}");
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已保存并立即生效"), "{html}");
    assert!(html.contains("信息完整"));
    assert!(html.contains("林书记"));
    assert!(
        !html.contains(&secretary),
        "the ID number is shown masked only"
    );

    // Sending the form back as shown (masked ID) with a changed phone asks for approval.
    let csrf = csrf_of(&html);
    let masked = IdNumber::parse(&secretary).unwrap().masked();
    let res = c
        .post(&info_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("phone", "020-66666666"),
            ("email", "thqtw@example.cn"),
            ("admin_staff_quota", "5"),
            ("admin_staff_actual", "4"),
            ("career_staff_quota", "0"),
            ("career_staff_actual", "0"),
            ("secretary_name", "林书记"),
            ("secretary_id_number", masked.as_str()),
            ("secretary_phone", "13800138007"),
        ])
        .send()
        .await
        .unwrap();
    let to = location(&res);
    assert!(to.contains("waiting=phone&pending="), "{to}");
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("已提交直属上级组织的管理员审批"));
    assert!(html.contains("id=\"pending-change\"") && html.contains("id=\"withdraw-form\""));
    assert!(!html.contains("id=\"approve-form\""));
    let change: i64 =
        sqlx::query_scalar("SELECT id FROM org_changes WHERE org_id = $1 AND status = 'pending'")
            .bind(w.county.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();

    // The superior sees before → after and decides on the page.
    let (s, _) = app.page_login(&idn(102), PW).await;
    let html = s.get(&info_url).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("020-85212345") && html.contains("020-66666666"));
    assert!(html.contains("id=\"approve-form\"") && html.contains("id=\"return-form\""));
    assert!(
        html.contains("id=\"f-short_name\""),
        "the superior may rename"
    );
    let csrf = csrf_of(&html);
    let decide_url =
        |what: &str| app.url(&format!("/orgs/{}/changes/{change}/{what}", w.county.id));
    let res = s
        .post(decide_url("return"))
        .form(&[("csrf", csrf.as_str()), ("comment", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("id=\"err-comment\""));
    let res = s
        .post(decide_url("approve"))
        .form(&[("csrf", csrf.as_str()), ("comment", "同意")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).ends_with("decided=approved"));
    let res = s
        .post(decide_url("approve"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("已经处理过"));
    assert_eq!(
        app.store
            .org_info(w.county.id)
            .await
            .unwrap()
            .phone
            .as_deref(),
        Some("020-66666666")
    );

    // The superior changes the name at once on the page.
    let res = s
        .post(&info_url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("short_name", "团天河区委（新）"),
            ("full_name", "共青团广州市天河区委员会"),
            ("kind", "03TW"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).contains("applied=short_name"),
        "{}",
        location(&res)
    );
    assert_eq!(
        app.store.org(w.county.id).await.unwrap().short_name,
        "团天河区委（新）"
    );

    // The own admin's page offers the name fields too; a new name waits for the superior.
    let html = c.get(&info_url).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("id=\"f-short_name\""),
        "the own admin may ask to rename"
    );
    let csrf = csrf_of(&html);
    let res = c
        .post(&info_url)
        .form(&[("csrf", csrf.as_str()), ("short_name", "自己改名")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&res).contains("waiting=short_name&pending="),
        "{}",
        location(&res)
    );
    assert_eq!(
        app.store.org(w.county.id).await.unwrap().short_name,
        "团天河区委（新）"
    );
}

async fn openapi_lists_the_calls(app: TestApp) {
    let (s, doc) = app.api().get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    for path in [
        "/api/v1/orgs/{id}/info",
        "/api/v1/orgs/{id}/changes/{change_id}/approve",
        "/api/v1/orgs/{id}/changes/{change_id}/return",
        "/api/v1/orgs/{id}/changes/{change_id}/withdraw",
        "/api/v1/orgs/{id}/history",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["paths"]["/api/v1/orgs/{id}/info"]["put"].is_object());
}
