//! The anonymous pages that sign the applicant in, branch suggestions for a name that is not
//! exact, and the calls' OpenAPI entries.

use super::*;

both_databases!(
    anonymous_pages_sign_the_applicant_in,
    a_name_that_is_not_exact_offers_branches,
    a_cadre_may_pick_a_suggestion_of_any_level,
    openapi_documents_the_calls,
);

async fn anonymous_pages_sign_the_applicant_in(app: TestApp) {
    let World { w, admin_id, .. } = world(&app).await;
    // The login page links the three ways in.
    let c = app.browser();
    let login = c
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for href in ["/register/member", "/join", "/report"] {
        assert!(login.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let page = c.get(app.url("/join")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("我要入团") && html.contains("团支部全称"));
    let csrf = csrf_of(&html);
    let id = id_aged(14, 80);
    let province = w.province.id.to_string();
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("province_id", province.as_str()),
        ("org_name", BRANCH_FULL),
        ("id_number", id.as_str()),
        ("name", "蒋页面"),
        ("password", APPLICANT_PASSWORD),
        ("confirm", "Different1x"),
        ("ethnicity", "汉族"),
        ("phone", "13700137000"),
    ];
    // A mismatched confirmation: the form again, with the fault, and nothing created.
    let res = c.post(app.url("/join")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("两次输入"), "{html}");
    assert!(html.contains("蒋页面"), "the typed values stay");
    form[6] = ("confirm", APPLICANT_PASSWORD);
    // Without the CSRF cookie's token: refused.
    let res = app
        .browser()
        .post(app.url("/join"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c.post(app.url("/join")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(
        to.starts_with("/applications/") && to.ends_with("?done=submitted"),
        "{to}"
    );
    // Signed in as the applicant: the application page and the list.
    let html = c
        .get(app.url(&to))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("data-status=\"pending\""), "{html}");
    assert!(html.contains("申请已提交"));
    assert!(html.contains("id=\"withdraw-submit\""));
    assert!(!html.contains("id=\"advance-form\""));
    let mine = c
        .get(app.url("/applications/mine"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(mine.contains("我要入团") && mine.contains("待审核（申请入团）"));

    // The branch admin's page: advance by form.
    let (admin_c, _) = app.page_login(&admin_id, ADMIN_PASSWORD).await;
    let path = to.split('?').next().unwrap().to_string();
    let html = admin_c
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"advance-form\""), "{html}");
    let csrf = csrf_of(&html);
    let res = admin_c
        .post(app.url(&format!("{path}/advance")))
        .form(&[("csrf", csrf.as_str()), ("to", "member")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "out of order, shown on the page"
    );
    let html = res.text().await.unwrap();
    assert!(html.contains("逐步办理"), "{html}");
    let res = admin_c
        .post(app.url(&format!("{path}/advance")))
        .form(&[("csrf", csrf.as_str()), ("to", "activist")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = c
        .get(app.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("aria-current=\"step\">入团积极分子"),
        "{html}"
    );
    // The org's list page.
    let html = admin_c
        .get(app.url(&format!("/orgs/{}/applications", w.branch.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("蒋页面"), "{html}");
}

async fn a_name_that_is_not_exact_offers_branches(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let c = app.browser();
    let html = c
        .get(app.url("/register/member"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let id = id_aged(26, 90);
    let province = w.province.id.to_string();
    let mut form = vec![
        ("csrf", csrf.clone()),
        ("province_id", province.clone()),
        ("org_name", "第一中学".to_string()),
        ("id_number", id.clone()),
        ("name", "韩建议".to_string()),
        ("password", APPLICANT_PASSWORD.to_string()),
        ("confirm", APPLICANT_PASSWORD.to_string()),
        ("ethnicity", "汉族".to_string()),
        ("political_status", "共青团员".to_string()),
        ("phone", "13600136000".to_string()),
        ("join_month", "2015-06".to_string()),
    ];
    let res = c
        .post(app.url("/register/member"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"suggestions\""), "{html}");
    assert!(
        html.contains(&format!("value=\"{BRANCH_FULL}\"")),
        "the branch can be picked"
    );
    assert!(
        html.contains("不是团支部"),
        "the school's committee is shown, not pickable"
    );
    // Picking the branch submits it.
    form.push(("org_pick", BRANCH_FULL.to_string()));
    let res = c
        .post(app.url("/register/member"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
}

/// Registering as a cadre who is not a member (seed Q9), the organisation of the post may be of
/// any level: the school's committee among the suggestions can be chosen, not refused as
/// “不是团支部”; the API says so in `pickable`.
async fn a_cadre_may_pick_a_suggestion_of_any_level(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let c = app.browser();
    let html = c
        .get(app.url("/register/member"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let id = id_aged(32, 91);
    let mut form = vec![
        ("csrf", csrf_of(&html)),
        ("province_id", w.province.id.to_string()),
        ("org_name", "第一中学".to_string()),
        ("register_as", "cadre".to_string()),
        ("post", "副书记".to_string()),
        ("cadre_nature", "兼职".to_string()),
        ("id_number", id.clone()),
        ("name", "韩干部".to_string()),
        ("password", APPLICANT_PASSWORD.to_string()),
        ("confirm", APPLICANT_PASSWORD.to_string()),
        ("ethnicity", "汉族".to_string()),
        ("political_status", "中共党员".to_string()),
        ("phone", "13600136001".to_string()),
    ];
    let res = c
        .post(app.url("/register/member"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"suggestions\""), "{html}");
    assert!(
        html.contains(&format!(
            "name=\"org_pick\" value=\"{}\"",
            w.school.full_name
        )),
        "the school's committee can be picked: {html}"
    );
    assert!(!html.contains("不是团支部，不能选"), "{html}");
    assert!(html.contains("选中您任职的团组织"), "{html}");

    // The API twin: the committee is pickable for a cadre, not for a member.
    let mut body = json!({
        "province_id": w.province.id,
        "org_full_name": "第一中学",
        "password": APPLICANT_PASSWORD,
        "id_number": id,
        "name": "韩干部",
        "ethnicity": "汉族",
        "political_status": "中共党员",
        "phone": "13600136001",
        "register_as": "cadre",
        "cadre": { "post": "副书记", "cadre_nature": "兼职" },
    });
    let pickable = |b: &Value| {
        b["suggestions"]
            .as_array()
            .unwrap_or_else(|| panic!("{b}"))
            .iter()
            .find(|s| s["id"] == w.school.id)
            .map(|s| (s["is_branch"].as_bool(), s["pickable"].as_bool()))
    };
    let (s, b) = submit(&app, "/api/v1/register/member", body.clone()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(pickable(&b), Some((Some(false), Some(true))), "{b}");
    body["register_as"] = json!("");
    let (_, b) = submit(&app, "/api/v1/register/member", body).await;
    assert_eq!(pickable(&b), Some((Some(false), Some(false))), "{b}");

    // Picking the committee submits it.
    form.push(("org_pick", w.school.full_name.clone()));
    let res = c
        .post(app.url("/register/member"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
}

async fn openapi_documents_the_calls(app: TestApp) {
    let (s, doc) = app.api().get("/api/v1/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    let paths = &doc["paths"];
    for (path, method) in [
        ("/api/v1/register/member", "post"),
        ("/api/v1/join", "post"),
        ("/api/v1/report", "post"),
        ("/api/v1/applications/mine", "get"),
        ("/api/v1/orgs/{id}/applications", "get"),
        ("/api/v1/applications/{id}", "get"),
        ("/api/v1/applications/{id}/approve", "post"),
        ("/api/v1/applications/{id}/return", "post"),
        ("/api/v1/applications/{id}/advance", "post"),
        ("/api/v1/applications/{id}/withdraw", "post"),
        ("/api/v1/applications/{id}/resubmit", "post"),
    ] {
        assert!(
            paths[path][method].is_object(),
            "{method} {path} documented"
        );
    }
    assert!(doc["components"]["schemas"]["ApplicationBody"].is_object());
}
