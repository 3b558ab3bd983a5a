//! 管理员变更 and deletion: who may add and revoke admins, the cadre rule and its how-to message,
//! mixed-up registration codes, and deleting organisations (admins keep their accounts).

use crate::support::admin::*;
use crate::support::{ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use tuanjian_domain::OrgKind;

both_databases!(
    add_admin_needs_a_cadre,
    revoke_keeps_the_account,
    wrong_relations_change_nothing,
    mixed_up_codes_fixed_on_the_page,
    delete_refused_with_members_or_children,
    delete_removes_the_org_and_keeps_accounts,
    delete_page_and_wrong_relations,
);

const CADRE_HOWTO: &str =
    "请先在“组织信息”中将其设为书记，或在团干部管理中将其录入为本组织团干部，再添加为管理员";

async fn admin_ids(app: &TestApp, org_id: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT person_id FROM org_admins WHERE org_id = $1 ORDER BY person_id")
        .bind(org_id)
        .fetch_all(app.store.pool())
        .await
        .unwrap()
}

async fn add_admin_needs_a_cadre(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let (_, prov) = admin_of(&app, &gd, 1, "省管理员").await;
    let cadre = person(&app, 2, "王干部").await;
    app.make_cadre(&gz, &cadre, "副书记").await;
    let outsider = person(&app, 3, "李群众").await;
    // A cadre of another organisation is not a cadre of this one.
    app.make_cadre(&gd, &outsider, "委员").await;

    let adds_before = app.audit_count("admin.add").await;
    let path = format!("/api/v1/orgs/{}/admins", gz.id);
    let (status, body) = prov
        .post(&path, json!({ "id_number": outsider.id_number.as_str() }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "not_a_cadre");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains(CADRE_HOWTO) && msg.contains("李群众"), "{msg}");
    assert_eq!(body["error"]["field"], "id_number");

    let (status, body) = prov.post(&path, json!({ "id_number": idn(99) })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "person_not_in_system");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("尚未在系统中登记")
    );

    let (status, body) = prov.post(&path, json!({ "id_number": "12345" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "id_number_invalid");
    assert!(admin_ids(&app, gz.id).await.is_empty(), "nothing added");
    assert_eq!(
        app.audit_count("admin.add").await,
        adds_before,
        "nothing recorded"
    );

    let (status, body) = prov
        .post(&path, json!({ "id_number": cadre.id_number.as_str() }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["admins"][0]["name"], "王干部");
    assert_eq!(body["admins"][0]["id_number"], cadre.id_number.masked());
    assert_eq!(admin_ids(&app, gz.id).await, vec![cadre.id]);
    assert_eq!(app.audit_count("admin.add").await, adds_before + 1);
    let (status, body) = prov
        .post(&path, json!({ "id_number": cadre.id_number.as_str() }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "already_admin");

    // The new admin can act as admin of the city at once.
    let city_admin = api_as(&app, cadre.id_number.as_str(), "admin", gz.id).await;
    let (status, _) = city_admin
        .get(&format!("/api/v1/orgs/{}/children", gz.id))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The province admin may add to its own organisation too (本组织).
    let colleague = person(&app, 4, "赵同事").await;
    app.make_cadre(&gd, &colleague, "常委").await;
    let (status, body) = prov
        .post(
            &format!("/api/v1/orgs/{}/admins", gd.id),
            json!({ "id_number": colleague.id_number.as_str() }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["admins"].as_array().unwrap().len(), 2);

    // Pages: the refusal is shown on the form with the how-to.
    let c = page_as(&app, &idn(1), "admin", gd.id).await;
    let form_page = format!("/orgs/{}/admins", gz.id);
    let res = post_form(
        &app,
        &c,
        &form_page,
        &form_page,
        &[("id_number", outsider.id_number.as_str())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"admins-error\"") && html.contains(CADRE_HOWTO));
    assert!(
        html.contains(outsider.id_number.as_str()),
        "typed value kept"
    );
}

async fn revoke_keeps_the_account(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let (prov_person, prov) = admin_of(&app, &gd, 1, "省管理员").await;
    let (city_admin, city_api) = admin_of(&app, &gz, 2, "市管理员").await;
    let (status, _) = city_api.get(&format!("/api/v1/orgs/{}", gz.id)).await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = prov
        .post(
            &format!("/api/v1/orgs/{}/admins/{}/revoke", gz.id, city_admin.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["admins"].as_array().unwrap().len(), 0);
    assert_eq!(app.audit_count("admin.revoke").await, 1);
    // The open session lost the role at once.
    let (status, body) = city_api.get(&format!("/api/v1/orgs/{}", gz.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "role_required");
    // The account stays and can log in, without the admin role.
    let mut again = app.api();
    let login = again.login(city_admin.id_number.as_str(), PW).await;
    assert!(
        login["roles"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["org_id"] != gz.id),
        "{login}"
    );
    assert!(app.store.person(city_admin.id).await.is_ok());

    // Revoking again, or revoking oneself, is refused.
    let (status, body) = prov
        .post(
            &format!("/api/v1/orgs/{}/admins/{}/revoke", gz.id, city_admin.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "not_admin");
    let (status, body) = prov
        .post(
            &format!("/api/v1/orgs/{}/admins/{}/revoke", gd.id, prov_person.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "cannot_revoke_self");
    assert_eq!(admin_ids(&app, gd.id).await, vec![prov_person.id]);
}

async fn wrong_relations_change_nothing(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let th = county(&app, &gz, "天河区").await;
    let zj = app.province("团浙江省委").await;
    let (_, prov) = admin_of(&app, &gd, 1, "省管理员").await;
    let (county_admin, county_api) = admin_of(&app, &th, 2, "区管理员").await;
    let (_, zj_api) = admin_of(&app, &zj, 3, "浙江管理员").await;
    let cadre = person(&app, 4, "区干部").await;
    app.make_cadre(&th, &cadre, "副书记").await;
    // A grandchild (Descendant) is not the province's to change.
    let (status, body) = prov
        .post(
            &format!("/api/v1/orgs/{}/admins", th.id),
            json!({ "id_number": cadre.id_number.as_str() }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "not_direct_superior");
    let (status, _) = prov
        .post(
            &format!("/api/v1/orgs/{}/admins/{}/revoke", th.id, county_admin.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = prov.get(&format!("/api/v1/orgs/{}/admins", th.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Above or outside the scope: not found.
    let (status, _) = county_api
        .get(&format!("/api/v1/orgs/{}/admins", gz.id))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = zj_api
        .post(
            &format!("/api/v1/orgs/{}/admins", gz.id),
            json!({ "id_number": cadre.id_number.as_str() }),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A cadre role is no admin.
    let cadre_api = api_as(&app, cadre.id_number.as_str(), "cadre", th.id).await;
    let (status, body) = cadre_api
        .post(
            &format!("/api/v1/orgs/{}/admins", th.id),
            json!({ "id_number": cadre.id_number.as_str() }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "admin_required");
    // Without a token.
    let (status, _) = app
        .api()
        .get(&format!("/api/v1/orgs/{}/admins", th.id))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(admin_ids(&app, th.id).await, vec![county_admin.id]);
    assert_eq!(app.audit_count("admin.revoke").await, 0);
}

async fn mixed_up_codes_fixed_on_the_page(app: TestApp) {
    // Two children registered with each other's codes: each admin sits on the wrong org.
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let sz = city(&app, &gd, "深圳市").await;
    let (_, _) = admin_of(&app, &gd, 1, "省管理员").await;
    let meant_for_sz = person(&app, 2, "深圳的人").await;
    app.make_admin(&gz, &meant_for_sz).await;
    let c = page_as(&app, &idn(1), "admin", gd.id).await;
    let (status, html) = get_html(&app, &c, &format!("/orgs/{}/admins", gz.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("深圳的人") && html.contains(&meant_for_sz.id_number.masked()));
    assert!(
        !html.contains(meant_for_sz.id_number.as_str()),
        "ID numbers are masked"
    );
    assert!(html.contains("id=\"mixed-up-codes\""));
    assert!(
        html.contains(&format!("href=\"/orgs/{}/code\"", gz.id)),
        "links to the code page"
    );
    // Step 1: revoke on the page.
    let res = post_form(
        &app,
        &c,
        &format!("/orgs/{}/admins", gz.id),
        &format!("/orgs/{}/admins/{}/revoke", gz.id, meant_for_sz.id),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = get_html(&app, &c, &crate::support::location(&res)).await;
    assert!(html.contains("id=\"admins-notice\"") && html.contains("账号保留"));
    assert!(html.contains("id=\"no-admins\""));
    // The person keeps the account; once a cadre of the right org, they become its admin.
    let mut api = app.api();
    api.login(meant_for_sz.id_number.as_str(), PW).await;
    app.make_cadre(&sz, &meant_for_sz, "书记").await;
    let res = post_form(
        &app,
        &c,
        &format!("/orgs/{}/admins", sz.id),
        &format!("/orgs/{}/admins", sz.id),
        &[("id_number", meant_for_sz.id_number.as_str())],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(admin_ids(&app, sz.id).await, vec![meant_for_sz.id]);
    assert!(admin_ids(&app, gz.id).await.is_empty());
    // The org page offers 管理员变更 to the superior.
    let (_, html) = get_html(&app, &c, &format!("/orgs/{}", gz.id)).await;
    assert!(html.contains(&format!("/orgs/{}/admins", gz.id)));
}

async fn delete_refused_with_members_or_children(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let th = county(&app, &gz, "天河区").await;
    let branch = grassroots(&app, &gd, OrgKind::Branch, "省直团支部").await;
    let member = person(&app, 5, "团员甲").await;
    app.make_member(&branch, &member).await;
    let (_, prov) = admin_of(&app, &gd, 1, "省管理员").await;
    let (status, body) = prov
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{}", gz.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_has_children");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1 个下级组织")
    );
    let (status, body) = prov
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{}", branch.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_has_members");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("1 名团员")
    );
    assert!(org_row(&app, gz.id).await.is_some());
    assert!(org_row(&app, th.id).await.is_some());
    assert!(org_row(&app, branch.id).await.is_some());
    assert_eq!(app.audit_count("org.delete").await, 0);
    // Provincial committees are not deleted, even when empty.
    let mut root = app.api();
    root.login(ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD).await;
    let hn = app.province("团海南省委").await;
    let (status, body) = root
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{}", hn.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_not_deletable");
    assert!(org_row(&app, hn.id).await.is_some());
}

async fn delete_removes_the_org_and_keeps_accounts(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let sz = city(&app, &gd, "深圳市").await;
    let (_, prov) = admin_of(&app, &gd, 1, "省管理员").await;
    let (gz_admin, gz_api) = admin_of(&app, &gz, 2, "广州管理员").await;
    app.make_cadre(&gz, &gz_admin, "书记").await;
    // Rows that point at the organisation: a code, a pending change, a move request into it.
    let sz_school = grassroots(&app, &sz, OrgKind::Committee, "深圳一中团委").await;
    let (_, school_api) = admin_of(&app, &sz_school, 3, "一中管理员").await;
    let (status, body) = school_api
        .post(
            &format!("/api/v1/orgs/{}/move", sz_school.id),
            json!({ "to_parent_id": gz.id }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    sqlx::query(
        "INSERT INTO reg_codes (org_id, code, created_at, expires_at) VALUES ($1, 'CODE-FOR-GZ', 0, 0)",
    )
    .bind(gz.id)
    .execute(app.store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO org_changes (org_id, approver_org_id, requested_by, requested_at, before_json, changes_json, status) \
         VALUES ($1, $2, $3, 1, '{}', '{}', 'pending')",
    )
    .bind(gz.id)
    .bind(gd.id)
    .bind(gz_admin.id)
    .execute(app.store.pool())
    .await
    .unwrap();
    app.store.forget_cached();

    let (status, body) = prov
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{}", gz.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(org_row(&app, gz.id).await.is_none());
    for sql in [
        "SELECT COUNT(*) FROM org_admins WHERE org_id = $1",
        "SELECT COUNT(*) FROM cadre_posts WHERE org_id = $1",
        "SELECT COUNT(*) FROM reg_codes WHERE org_id = $1",
        "SELECT COUNT(*) FROM org_changes WHERE org_id = $1",
        "SELECT COUNT(*) FROM org_moves WHERE to_parent_id = $1",
    ] {
        assert_eq!(count(&app, sql, gz.id).await, 0, "{sql}");
    }
    // The audit keeps the before-snapshot.
    let audit = tuanjian_store::audit::recent(&app.store, "org.delete", 1)
        .await
        .unwrap();
    let before = audit[0].before_json.as_deref().unwrap();
    assert!(before.contains("共青团广州市委员会") && before.contains(&gz_admin.id.to_string()));
    // The admin keeps the account; the old session simply has no role.
    let (status, body) = gz_api.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["active_role"].is_null(), "{body}");
    let (status, body) = gz_api.get(&format!("/api/v1/orgs/{}", gz.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let mut again = app.api();
    let login = again.login(gz_admin.id_number.as_str(), PW).await;
    assert_eq!(login["roles"].as_array().unwrap().len(), 0, "{login}");
    // The sibling is untouched.
    assert!(org_row(&app, sz.id).await.is_some());
}

async fn delete_page_and_wrong_relations(app: TestApp) {
    let gd = app.province("团广东省委").await;
    let gz = city(&app, &gd, "广州市").await;
    let th = county(&app, &gz, "天河区").await;
    let (_, prov) = admin_of(&app, &gd, 1, "省管理员").await;
    let (_, county_api) = admin_of(&app, &th, 2, "区管理员").await;
    // Its own admin and a grand-superior may not delete.
    let (status, body) = county_api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{}", th.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "not_direct_superior");
    let (status, _) = prov
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/orgs/{}", th.id),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(org_row(&app, th.id).await.is_some());
    // GET on the same path still reads the organisation.
    let (status, _) = prov.get(&format!("/api/v1/orgs/{}", gz.id)).await;
    assert_eq!(status, StatusCode::OK);

    let c = page_as(&app, &idn(1), "admin", gd.id).await;
    let (status, html) = get_html(&app, &c, &format!("/orgs/{}/delete", gz.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"delete-blockers\"") && html.contains("1 个下级组织"));
    assert!(!html.contains("id=\"delete-form\""));
    let res = post_form(
        &app,
        &c,
        &format!("/orgs/{}", gz.id),
        &format!("/orgs/{}/delete", gz.id),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("id=\"delete-error\""));
    // The city admin deletes the county page-wise.
    let (_, _) = admin_of(&app, &gz, 3, "市管理员").await;
    let c = page_as(&app, &idn(3), "admin", gz.id).await;
    let (_, html) = get_html(&app, &c, &format!("/orgs/{}/delete", th.id)).await;
    assert!(html.contains("id=\"delete-form\"") && html.contains("区管理员"));
    let res = post_form(
        &app,
        &c,
        &format!("/orgs/{}/delete", th.id),
        &format!("/orgs/{}/delete", th.id),
        &[],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("id=\"delete-done\"") && html.contains("管理员注册"));
    assert!(org_row(&app, th.id).await.is_none());
}
