//! Creating a child organisation one by one, over the API and the page, with its registration
//! code, every refusal, and the permission checks of each relation.

use super::*;

both_databases!(
    create_single_child,
    create_single_child_refusals,
    create_through_the_page,
    permissions_of_wrong_relations,
);

async fn create_single_child(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.province_admin).await;
    let path = format!("/api/v1/orgs/{}/children", w.province.id);
    let (status, body) = api
        .post(
            &path,
            json!({"short_name": " 团深圳市委 ", "full_name": "共青团深圳市委员会", "kind": "03TW", "level": "municipal"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["org"]["short_name"], "团深圳市委");
    assert_eq!(body["org"]["level"], "municipal");
    assert_eq!(body["org"]["parent_id"], w.province.id);
    assert!(code_like(&body["code"]["code"]), "{body}");
    assert_eq!(body["code"]["state"], "active");
    let child_id = body["org"]["id"].as_i64().unwrap();
    let created_at = body["code"]["created_at"].as_i64().unwrap();
    assert_eq!(body["code"]["expires_at"], created_at + 20 * 86_400);
    let stored = app.store.current_code(child_id).await.unwrap().unwrap();
    assert_eq!(stored.display(), body["code"]["code"].as_str().unwrap());
    assert_eq!(app.audit_count("reg_code.issue").await, 1);

    // A branch can only be grassroots: the level may be left out. Labels work as kinds.
    let (status, body) = api
        .post(
            &path,
            json!({"short_name": "省直团支部", "full_name": "共青团广东省直属机关第一支部委员会", "kind": "团支部"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["org"]["level"], "grassroots");
    assert_eq!(body["org"]["kind"], "01TZB");

    // Under a county only grassroots organisations, of every kind.
    let county_api = api_as(&app, &w.county_admin).await;
    let (status, body) = county_api
        .post(
            &format!("/api/v1/orgs/{}/children", w.county.id),
            json!({"short_name": "天河团工委", "full_name": "共青团天河区某街道工作委员会", "kind": "04TGW"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["org"]["level"], "grassroots");
    assert_eq!(body["org"]["kind_label"], "团工委");
}

async fn create_single_child_refusals(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.province_admin).await;
    let path = format!("/api/v1/orgs/{}/children", w.province.id);
    let orgs = org_count(&app).await;
    let codes = code_count(&app).await;
    let audits = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    let long31 = "长".repeat(31);
    let long101 = "全".repeat(101);
    let cases = [
        (
            json!({"short_name": "团某市委", "full_name": "共青团某市委员会", "kind": "03TW"}),
            StatusCode::BAD_REQUEST,
            "required_missing",
            "level",
        ),
        (
            json!({"short_name": "团某县委", "full_name": "共青团某县委员会", "kind": "03TW", "level": "county"}),
            StatusCode::BAD_REQUEST,
            "org_kind_not_allowed",
            "kind",
        ),
        (
            json!({"short_name": "某支部", "full_name": "某市级支部", "kind": "01TZB", "level": "市级团委"}),
            StatusCode::BAD_REQUEST,
            "org_kind_not_allowed",
            "kind",
        ),
        (
            json!({"short_name": "团某市委", "full_name": "共青团广州市委员会", "kind": "03TW", "level": "municipal"}),
            StatusCode::CONFLICT,
            "org_name_taken",
            "full_name",
        ),
        (
            json!({"short_name": long31, "full_name": "共青团某市委员会", "kind": "03TW", "level": "municipal"}),
            StatusCode::BAD_REQUEST,
            "too_long",
            "short_name",
        ),
        (
            json!({"short_name": "团某市委", "full_name": long101, "kind": "03TW", "level": "municipal"}),
            StatusCode::BAD_REQUEST,
            "too_long",
            "full_name",
        ),
        (
            json!({"short_name": "团某市委", "full_name": "共青团某市委员会", "kind": "团小组"}),
            StatusCode::BAD_REQUEST,
            "org_kind_invalid",
            "kind",
        ),
        (
            json!({"short_name": "  ", "full_name": "共青团某市委员会", "kind": "03TW", "level": "municipal"}),
            StatusCode::BAD_REQUEST,
            "required_missing",
            "short_name",
        ),
        (
            json!({"short_name": "团某市委", "full_name": "共青团某市委员会", "kind": "03TW", "level": "地球"}),
            StatusCode::BAD_REQUEST,
            "org_kind_invalid",
            "level",
        ),
    ];
    for (req, status, code, field) in cases {
        let (s, body) = api.post(&path, req.clone()).await;
        assert_eq!(s, status, "{req} → {body}");
        assert_eq!(body["error"]["code"], code, "{req} → {body}");
        assert_eq!(body["error"]["field"], field, "{req} → {body}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (s, body) = api.post(&path, json!({"short_name": "x"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "json_invalid");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log").await,
        audits,
        "refusals write nothing, not even to the audit log"
    );

    // Nothing under a branch; nothing under 团中央 (provinces come from init).
    let branch = app
        .add_org(
            &w.county,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "某团支部",
            "共青团天河区某团支部",
        )
        .await;
    let branch_admin = app.add_person(&idn(20), "支部管理员", Some(PASSWORD)).await;
    app.make_admin(&branch, &branch_admin).await;
    let orgs = orgs + 1;
    let b = api_as(&app, &branch_admin).await;
    let (s, body) = b
        .post(
            &format!("/api/v1/orgs/{}/children", branch.id),
            json!({"short_name": "小组", "full_name": "某团小组", "kind": "01TZB"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_kind_not_allowed");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("团支部")
    );
    let mut root = app.api();
    root.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let (s, body) = root
        .post(
            &format!("/api/v1/orgs/{}/children", app.root.id),
            json!({"short_name": "团某省委", "full_name": "共青团某省委员会", "kind": "03TW", "level": "provincial"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_kind_not_allowed");

    assert_eq!(org_count(&app).await, orgs, "nothing was created");
    assert_eq!(code_count(&app).await, codes);
}

async fn create_through_the_page(app: TestApp) {
    let w = World::new(&app).await;
    let (c, _) = app
        .page_login(w.city_admin.id_number.as_str(), PASSWORD)
        .await;
    let (status, html) = get_html(&app, &c, &format!("/orgs/{}/children/new", w.city.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("id=\"level\""),
        "a city offers a choice of level"
    );
    assert!(html.contains("县级团委") && html.contains("基层团组织"));
    assert!(!html.contains("市级团委</option>"));
    let csrf = csrf_of(&html);
    let form =
        |short: &'static str, full: &'static str, kind: &'static str, level: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("short_name", short.to_string()),
                ("full_name", full.to_string()),
                ("kind", kind.to_string()),
                ("level", level.to_string()),
            ]
        };
    let res = c
        .post(app.url(&format!("/orgs/{}/children/new", w.city.id)))
        .form(&form(
            "团白云区委",
            "共青团广州市白云区委员会",
            "03TW",
            "county",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.ends_with("/code?created=1"), "{to}");
    let (status, html) = get_html(&app, &c, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("组织已创建") && html.contains("id=\"reg-code\""),
        "{html}"
    );
    let created = app
        .store
        .org_by_full_name("共青团广州市白云区委员会")
        .await
        .unwrap()
        .unwrap();
    let code = app.store.current_code(created.id).await.unwrap().unwrap();
    assert!(html.contains(&code.display()));

    // A refused entry comes back with the message and the values typed.
    let orgs = org_count(&app).await;
    let res = c
        .post(app.url(&format!("/orgs/{}/children/new", w.city.id)))
        .form(&form(
            "团白云区委",
            "共青团广州市白云区委员会",
            "03TW",
            "county",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("已被其他组织使用") && html.contains("value=\"团白云区委\""));
    let res = c
        .post(app.url(&format!("/orgs/{}/children/new", w.city.id)))
        .form(&form("", "共青团广州市某区委员会", "", ""))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("组织简称不能为空") && html.contains("请选择组织类别"),
        "{html}"
    );
    // Without the CSRF token nothing happens.
    let res = c
        .post(app.url(&format!("/orgs/{}/children/new", w.city.id)))
        .form(&[("short_name", "x"), ("full_name", "y"), ("kind", "03TW")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(org_count(&app).await, orgs);
}

async fn permissions_of_wrong_relations(app: TestApp) {
    let w = World::new(&app).await;
    let cadre = app.add_person(&idn(30), "区团干部", Some(PASSWORD)).await;
    app.make_cadre(&w.county, &cadre, "副书记").await;
    let orgs = org_count(&app).await;
    let codes = code_count(&app).await;
    let new_child =
        json!({"short_name": "团某中委", "full_name": "共青团某中学委员会", "kind": "03TW"});
    let county_children = format!("/api/v1/orgs/{}/children", w.county.id);

    // Sibling: the county is outside its subtree.
    let sibling = api_as(&app, &w.sibling_admin).await;
    let (s, body) = sibling.post(&county_children, new_child.clone()).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    let (s, _) = sibling
        .get(&format!("/api/v1/orgs/{}/code", w.county.id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Parent (the city) creates only under itself, not under its child.
    let city = api_as(&app, &w.city_admin).await;
    let (s, body) = city.post(&county_children, new_child.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "not_own_org");
    // The county cannot reach up to its parent.
    let county = api_as(&app, &w.county_admin).await;
    let (s, _) = county
        .post(
            &format!("/api/v1/orgs/{}/children", w.city.id),
            new_child.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Its own code is managed by the direct superior only; the province is too far up.
    let (s, body) = county
        .post(
            &format!("/api/v1/orgs/{}/code/regenerate", w.county.id),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "not_direct_superior");
    let province = api_as(&app, &w.province_admin).await;
    let (s, body) = province
        .post(
            &format!("/api/v1/orgs/{}/code/regenerate", w.county.id),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "not_direct_superior");
    // A cadre acts in no admin capacity.
    let c = api_as(&app, &cadre).await;
    let (s, body) = c.post(&county_children, new_child.clone()).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "admin_required");
    let (s, body) = c
        .get(&format!("/api/v1/orgs/{}/completion", w.county.id))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "admin_required");
    let (c_status, _) = api_upload(
        &app,
        &c,
        &format!("/api/v1/orgs/{}/children/import", w.county.id),
        "a.xlsx",
        b"x",
    )
    .await;
    assert_eq!(c_status, StatusCode::FORBIDDEN);
    // The school code belongs to the organisation's own admin.
    let (s, body) = city
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/orgs/{}/school-code", w.county.id),
            json!({"school_code": "4111010001"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], "not_own_org");
    // Pages refuse the same way.
    let (browser, _) = app
        .page_login(w.sibling_admin.id_number.as_str(), PASSWORD)
        .await;
    for path in [
        format!("/orgs/{}/children/new", w.county.id),
        format!("/orgs/{}/children/import", w.county.id),
        format!("/orgs/{}/children/template.xlsx", w.county.id),
        format!("/orgs/{}/code", w.county.id),
        format!("/orgs/{}/completion", w.county.id),
    ] {
        let (s, _) = get_html(&app, &browser, &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, _) = sibling.get("/api/v1/orgs/abc/completion").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(org_count(&app).await, orgs, "nothing changed");
    assert_eq!(code_count(&app).await, codes);
}
