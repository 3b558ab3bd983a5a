//! Exports follow the list's filters and are audited.

use super::*;

both_databases!(export_follows_the_list_filters);

async fn export_follows_the_list_filters(app: TestApp) {
    let s = setup(&app).await;
    let school = s.w.school.id;
    let detail = check(&app, &s, school, "members", &golden_members()).await;
    commit(
        &app,
        &s,
        school,
        detail["job"]["id"].as_i64().unwrap(),
        false,
    )
    .await;
    let (status, bytes) = get_bytes(
        &app,
        &s,
        &format!("/api/v1/orgs/{school}/members/export?name=%E6%9D%8E&sort=name"),
    )
    .await;
    assert_eq!(status, 200);
    let rows = values_of(Kind::Members, &bytes);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "李红");
    assert_eq!(
        rows[0][1],
        member_id(1),
        "the full ID number: the scope covers it"
    );
    // Within one branch only.
    let (_, bytes) = get_bytes(
        &app,
        &s,
        &format!("/api/v1/orgs/{}/members/export", s.branch2.id),
    )
    .await;
    assert_eq!(values_of(Kind::Members, &bytes).len(), 2);
    let (status, body) = get_json(
        &app,
        &s,
        &format!("/api/v1/orgs/{school}/members/export?join_year=abc"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // The page route works with the session cookie.
    let (c, _) = app.page_login(&s.admin_id, ADMIN_PASSWORD).await;
    let res = c
        .get(app.url(&format!(
            "/orgs/{school}/members/export.xlsx?join_year=2019"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("members.xlsx")
    );
    let rows = values_of(Kind::Members, &res.bytes().await.unwrap());
    assert_eq!(rows.len(), 3, "joined in 2019");
    assert_eq!(
        app.audit_count("member.export").await,
        3,
        "the refused one is not an export"
    );
}
