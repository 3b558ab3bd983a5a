//! The 书记 named in an organisation's information: a new account, one person for two
//! organisations, a registered ID under another name, and the check again at approval.

use super::*;

both_databases!(
    new_secretary_gets_an_account,
    same_secretary_for_two_orgs_and_name_mismatch,
    approval_rechecks_the_secretary,
);

async fn new_secretary_gets_an_account(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let secretary = idn(202);
    let (s, r) = put(
        &own,
        &w.county,
        json!({ "secretary_name": "王书记", "secretary_id_number": secretary.to_lowercase(), "secretary_phone": "138 0013 8001" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let person = app
        .store
        .person_by_id_number(&IdNumber::parse(&secretary).unwrap())
        .await
        .unwrap()
        .expect("account created");
    assert_eq!(person.name, "王书记");
    assert_eq!(person.phone.as_deref(), Some("13800138001"));
    assert!(person.in_initial_state());
    let posts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cadre_posts WHERE person_id = $1 AND org_id = $2 AND post = '书记'",
    )
    .bind(person.id)
    .bind(w.county.id)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(posts, 1);
    // Logs in with the last 8 characters of the ID number and must change the password.
    let mut api = app.api();
    let body = api.login(&secretary, &secretary[10..]).await;
    assert_eq!(body["must_change_password"], true);
    let (s, e) = api.get(&format!("/api/v1/orgs/{}/info", w.county.id)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["code"], "password_change_required");
}

async fn same_secretary_for_two_orgs_and_name_mismatch(app: TestApp) {
    let w = world(&app).await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    let secretary = idn(203);
    let body = json!({ "secretary_name": "赵书记", "secretary_id_number": secretary, "secretary_phone": "13800138002" });
    for org in [&w.county, &w.sibling] {
        let (s, r) = put(&sup, org, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["info"]["secretary"]["name"], "赵书记");
    }
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id_number = $1")
        .bind(&secretary)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(people, 1);
    let posts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cadre_posts c JOIN people p ON p.id = c.person_id WHERE p.id_number = $1 AND c.post = '书记'",
    )
    .bind(&secretary)
    .fetch_one(app.store.pool())
    .await
    .unwrap();
    assert_eq!(posts, 2);

    // An existing account under another name: refused, nothing written.
    let (own, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let rows = changes_of(&app, &w.school).await;
    let (s, e) = put(
        &own,
        &w.school,
        json!({ "secretary_name": "钱书记", "secretary_id_number": secretary, "secretary_phone": "13800138003", "admin_staff_quota": 2 }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "secretary_name_mismatch");
    assert_eq!(e["error"]["field"], "secretary_name");
    // The registered name belongs to someone possibly outside the admin's scope: never told.
    let message = e["error"]["message"].as_str().unwrap();
    assert!(!message.contains("赵书记"), "{message}");
    assert!(
        message.contains("钱书记") && message.contains("不一致"),
        "{message}"
    );
    let after = app.store.org_info(w.school.id).await.unwrap();
    assert_eq!(after.secretary_name, None);
    assert_eq!(after.admin_staff_quota, None);
    assert_eq!(changes_of(&app, &w.school).await, rows);
    let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM people WHERE id_number = $1")
        .bind(&secretary)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(phone.as_deref(), Some("13800138002"));
}

async fn approval_rechecks_the_secretary(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    put(&own, &w.county, full_county_form(201)).await;
    // Asking for a new 书记 whose account exists under another name is refused at once.
    app.add_person(&idn(204), "孙某", None).await;
    let (s, e) = put(
        &own,
        &w.county,
        json!({ "secretary_name": "周书记", "secretary_id_number": idn(204), "secretary_phone": "13800138004" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "secretary_name_mismatch");
    // A 书记 not yet in the system waits for approval ...
    let (s, r) = put(
        &own,
        &w.county,
        json!({ "secretary_name": "吴书记", "secretary_id_number": idn(205), "secretary_phone": "13800138005" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let change = r["pending_change_id"].as_i64().unwrap();
    // ... meanwhile that ID number is registered under another name: approval is refused and
    // the request stays pending.
    app.add_person(&idn(205), "郑某", None).await;
    let (s, e) = decide(&sup, &w.county, change, "approve", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "secretary_name_mismatch");
    let now = info(&sup, &w.county).await;
    assert_eq!(now["pending_change"]["id"], change);
    assert_eq!(now["secretary"]["name"], "李书记");
    // It can still be returned.
    let (s, _) = decide(
        &sup,
        &w.county,
        change,
        "return",
        json!({ "comment": "书记姓名与身份证不符" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}
