//! 团员团干部注册: approved into the branch, every refusal, registering twice naming only the
//! province (throttled), and only the branch's own admin deciding.

use super::*;

both_databases!(
    register_is_approved_into_the_branch,
    register_refusals,
    registering_twice_names_only_the_province,
    only_the_branchs_own_admin_decides,
    already_registered_answers_are_throttled,
    a_cadre_who_is_not_a_member_is_approved_into_a_post,
    a_cadres_application_shows_the_post,
);

const SCHOOL_FULL: &str = "共青团广州市天河区第一中学委员会";

fn cadre_registration(province: &Org, id: &str, political: &str) -> Value {
    json!({
        "province_id": province.id,
        "org_full_name": SCHOOL_FULL,
        "password": APPLICANT_PASSWORD,
        "id_number": id,
        "name": "党员干部",
        "ethnicity": "汉族",
        "political_status": political,
        "phone": "13800138011",
        "register_as": "cadre",
        "cadre": { "post": "副书记", "cadre_nature": "兼职", "post_since": "2023-09" },
    })
}

/// Seed, question 9: 团员团干部注册 is for members and cadres; a 中共党员 serving as 团干部 of a
/// school's committee (not a 团支部) registers and is approved into the post by that
/// committee's admin — no member record.
async fn a_cadre_who_is_not_a_member_is_approved_into_a_post(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let id = id_aged(30, 7);
    // A 共青团员 registers as a member, not as a cadre.
    let (s, e) = submit(
        &app,
        "/api/v1/register/member",
        cadre_registration(&w.province, &id, "共青团员"),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(codes(&e).contains(&"cadre_is_member".to_string()), "{e}");
    // A post the organisation does not have is a field fault.
    let mut bad = cadre_registration(&w.province, &id, "中共党员");
    bad["cadre"]["post"] = json!("宣传委员会主任");
    let (s, e) = submit(&app, "/api/v1/register/member", bad).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    // The member path still wants a 团支部.
    let mut member = registration(&w.province, &id, "党员干部", "2015-05", "");
    member["org_full_name"] = json!(SCHOOL_FULL);
    let (s, e) = submit(&app, "/api/v1/register/member", member).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(codes(&e).contains(&"not_a_branch".to_string()), "{e}");

    let (_, a) = applicant(
        &app,
        "/api/v1/register/member",
        cadre_registration(&w.province, &id, "中共党员"),
    )
    .await;
    assert_eq!(a["org_full_name"], SCHOOL_FULL);
    let app_id = a["id"].as_i64().unwrap();
    let person_id = a["person_id"].as_i64().unwrap();
    // The branch's admin is not the approver: the school committee's admin is.
    let (s, e) = admin
        .post(&format!("/api/v1/applications/{app_id}/approve"), json!({}))
        .await;
    assert!(
        matches!(s, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        "{s} {e}"
    );
    let p = app
        .add_person(&id_aged(40, 901), "校团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &p).await;
    let mut school_admin = app.api();
    school_admin.login(&id_aged(40, 901), ADMIN_PASSWORD).await;
    let (s, done) = school_admin
        .post(&format!("/api/v1/applications/{app_id}/approve"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "approved");
    // A post, not a member record.
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE person_id = $1")
        .bind(person_id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(members, 0);
    let post: (i64, String) =
        sqlx::query_as("SELECT org_id, post FROM cadre_posts WHERE person_id = $1")
            .bind(person_id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(post, (w.school.id, "副书记".to_string()));
}

/// The post a cadre who is not a member registers into is read with the application: in the
/// API view (the applicant's) and on the page the deciding admin and the applicant open.
async fn a_cadres_application_shows_the_post(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let id = id_aged(31, 8);
    let mut body = cadre_registration(&w.province, &id, "中共党员");
    body["cadre"]["party_committee"] = json!("是");
    let (me, a) = applicant(&app, "/api/v1/register/member", body).await;
    let app_id = a["id"].as_i64().unwrap();
    let (s, shown) = me.get(&format!("/api/v1/applications/{app_id}")).await;
    assert_eq!(s, StatusCode::OK, "{shown}");
    let field = |key: &str| {
        shown["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["key"] == key)
            .map(|f| f["value"].as_str().unwrap().to_string())
    };
    assert_eq!(field("post").as_deref(), Some("副书记"), "{shown}");
    assert_eq!(field("post_since").as_deref(), Some("2023-09"));
    assert_eq!(field("cadre_nature").as_deref(), Some("兼职"));
    assert_eq!(field("party_committee").as_deref(), Some("是"));
    assert_eq!(field("register_as").as_deref(), Some("团干部（不是团员）"));

    let admin_id = id_aged(40, 902);
    let p = app
        .add_person(&admin_id, "校团委管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &p).await;
    let reviewer =
        crate::support::admin::page_as_with(&app, &admin_id, ADMIN_PASSWORD, "admin", w.school.id)
            .await;
    let (applicant_page, _) = app.page_login(&id, APPLICANT_PASSWORD).await;
    for c in [&reviewer, &applicant_page] {
        let html = c
            .get(app.url(&format!("/applications/{app_id}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("id=\"value-post\">副书记<"), "{html}");
        assert!(html.contains("id=\"value-post_since\">2023-09<"), "{html}");
        assert!(html.contains("id=\"value-cadre_nature\">兼职<"), "{html}");
        assert!(html.contains("id=\"value-party_committee\">是<"), "{html}");
    }
    // A member's registration has no post.
    let (me, a) = applicant(
        &app,
        "/api/v1/register/member",
        registration(
            &w.province,
            &id_aged(24, 9),
            "钱团员",
            "2018-05",
            "201844000009",
        ),
    )
    .await;
    let (_, shown) = me.get(&format!("/api/v1/applications/{}", a["id"])).await;
    assert!(!shown.to_string().contains("\"post\""), "{shown}");
}

async fn register_is_approved_into_the_branch(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let id = id_aged(24, 1);
    let (me, a) = applicant(
        &app,
        "/api/v1/register/member",
        registration(&w.province, &id, "李注册", "2018-05", "201844000001"),
    )
    .await;
    assert_eq!(a["kind"], "register");
    assert_eq!(a["status"], "pending");
    assert_eq!(a["status_label"], "待审核");
    assert_eq!(a["org_full_name"], BRANCH_FULL);
    assert_eq!(a["province_name"], "共青团广东省委员会");
    let app_id = a["id"].as_i64().unwrap();
    let person_id = a["person_id"].as_i64().unwrap();

    // The account has the chosen password, not the initial one.
    let person = app.store.person(person_id).await.unwrap();
    assert!(!person.in_initial_state());
    let mut again = app.api();
    again.login(&id, APPLICANT_PASSWORD).await;
    let (s, mine) = again.get("/api/v1/applications/mine").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["items"][0]["id"], app_id);
    assert_eq!(mine["items"][0]["id_number"], id.as_str());

    // In the branch admin's inbox and list; the ID number shown whole to the deciding admin.
    let (_, inbox) = admin.get("/api/v1/inbox").await;
    assert!(
        inbox
            .to_string()
            .contains(&format!("/applications/{app_id}")),
        "{inbox}"
    );
    let (s, list) = admin
        .get(&format!(
            "/api/v1/orgs/{}/applications?status=pending",
            w.branch.id
        ))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["may_decide"], true);
    let (_, shown) = admin.get(&format!("/api/v1/applications/{app_id}")).await;
    assert_eq!(shown["id_number"], id.as_str());
    assert!(shown["fields"].to_string().contains("201844000001"));

    assert!(!is_member(&app, person_id, &w.branch).await);
    let (s, done) = admin
        .post(
            &format!("/api/v1/applications/{app_id}/approve"),
            json!({ "comment": "欢迎" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "approved");
    assert_eq!(done["decided_by_name"], "支部管理员");
    assert!(is_member(&app, person_id, &w.branch).await);
    let (_, mine) = me.get(&format!("/api/v1/applications/{app_id}")).await;
    assert_eq!(mine["status_label"], "已通过");
    assert_eq!(mine["comment"], "欢迎");
    // Deciding twice is a conflict, not a second member.
    let (s, body) = admin
        .post(&format!("/api/v1/applications/{app_id}/approve"), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    for action in ["application.submit", "application.approve", "member.create"] {
        assert_eq!(app.audit_count(action).await, 1, "{action}");
    }
    // The new member logs in with their own password and has the member role.
    let (_, me_body) = again.get("/api/v1/me").await;
    assert!(me_body.to_string().contains("member"), "{me_body}");
}

async fn register_refusals(app: TestApp) {
    let World { w, .. } = world(&app).await;
    // Joined in 2020: such members are entered by their branch admin.
    let (s, body) = submit(
        &app,
        "/api/v1/register/member",
        registration(
            &w.province,
            &id_aged(26, 2),
            "王新",
            "2020-03",
            "202044000002",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "joined_since_2020");
    assert_eq!(body["error"]["field"], "join_month");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("团支部管理员"),
        "{body}"
    );
    // Not a 团支部: the school's committee.
    let mut b = registration(
        &w.province,
        &id_aged(26, 3),
        "王三",
        "2018-05",
        "201844000003",
    );
    b["org_full_name"] = json!(w.school.full_name);
    let (s, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["not_a_branch"]);
    // A short name: not found, with the branch among the suggestions.
    let mut b = registration(
        &w.province,
        &id_aged(26, 4),
        "王四",
        "2018-05",
        "201844000004",
    );
    b["org_full_name"] = json!("高一1班");
    let (s, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(codes(&body), ["org_not_found"]);
    assert_eq!(body["suggestions"][0]["full_name"], BRANCH_FULL, "{body}");
    assert_eq!(body["suggestions"][0]["is_branch"], true);
    // The right name in the wrong province.
    let bj = app.province("团北京市委").await;
    let b = registration(&bj, &id_aged(26, 5), "王五", "2018-05", "201844000005");
    let (_, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(codes(&body), ["org_not_found"]);
    // No province chosen.
    let mut b = registration(
        &w.province,
        &id_aged(26, 6),
        "王六",
        "2018-05",
        "201844000006",
    );
    b["province_id"] = json!(999_999);
    let (_, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(codes(&body), ["province_invalid"]);
    // Every fault at once, with its field: the record's and the password's.
    let mut b = registration(&w.province, &id_aged(26, 7), "", "2018-05", "");
    b["ethnicity"] = json!("火星族");
    b["password"] = json!("short");
    let (s, body) = submit(&app, "/api/v1/register/member", b).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "record_invalid");
    let got = codes(&body);
    for want in [
        "required_missing",
        "invalid_choice",
        "dev_number_required",
        "password_weak",
    ] {
        assert!(got.iter().any(|c| c == want), "{want} in {got:?}");
    }
    // Nothing was created by any of these.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM applications")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
}

async fn registering_twice_names_only_the_province(app: TestApp) {
    let World { w, .. } = world(&app).await;
    let id = id_aged(26, 10);
    applicant(
        &app,
        "/api/v1/register/member",
        registration(&w.province, &id, "赵重复", "2017-09", "201744000010"),
    )
    .await;
    // Again, any way in: refused, told to log in, the province named.
    for path in ["/api/v1/register/member", "/api/v1/report"] {
        let mut b = registration(&w.province, &id, "赵重复", "2017-09", "201744000010");
        b["home_org"] = json!("共青团湖南省某某中学支部");
        let (s, body) = submit(&app, path, b).await;
        assert_eq!(s, StatusCode::CONFLICT, "{path}: {body}");
        assert_eq!(body["error"]["code"], "already_registered");
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains("共青团广东省委员会") && msg.contains("登录"),
            "{msg}"
        );
        assert!(!msg.contains(BRANCH_FULL), "only the province: {msg}");
    }

    // A member of a branch in another province: the province and a transfer, nothing more.
    let bj = app.province("团北京市委").await;
    let bj_branch = app
        .add_org(
            &bj,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "某公司团支部",
            "共青团北京市某某有限公司支部",
        )
        .await;
    let held = id_aged(25, 11);
    let p = app.add_person(&held, "钱北京", None).await;
    app.make_member(&bj_branch, &p).await;
    let (s, body) = submit(
        &app,
        "/api/v1/register/member",
        registration(&w.province, &held, "钱北京", "2016-05", ""),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("共青团北京市委员会"), "{msg}");
    assert!(msg.contains("转接"), "{msg}");
    assert!(!msg.contains("有限公司"), "{msg}");

    // An account without membership (an admin): log in, not a new record.
    let world_admin = id_aged(35, 900);
    let (s, body) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &world_admin, "支部管理员"),
    )
    .await;
    // 35 is too old to join: the age rule speaks first.
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    let admin_young = id_aged(26, 12);
    let p = app
        .add_person(&admin_young, "孙干部", Some("Cadre2024x"))
        .await;
    app.make_cadre(&w.school, &p, "书记").await;
    let (s, body) = submit(
        &app,
        "/api/v1/register/member",
        registration(
            &w.province,
            &admin_young,
            "孙干部",
            "2019-05",
            "201944000012",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已有账号")
    );

    // While pending, an admin cannot enter the same person by form either.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE id_number = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
}

async fn only_the_branchs_own_admin_decides(app: TestApp) {
    let World { w, admin, .. } = world(&app).await;
    let (me, a) = applicant(
        &app,
        "/api/v1/register/member",
        registration(
            &w.province,
            &id_aged(23, 20),
            "周范围",
            "2018-03",
            "201844000020",
        ),
    )
    .await;
    let path = format!("/api/v1/applications/{}", a["id"]);
    // The school (the branch's direct superior) sees it but does not decide it.
    let school_admin = id_aged(40, 21);
    let p = app
        .add_person(&school_admin, "学校管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.school, &p).await;
    let mut school = app.api();
    school.login(&school_admin, ADMIN_PASSWORD).await;
    let (s, shown) = school.get(&path).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(shown["may_decide"], false);
    assert_ne!(shown["id_number"], a["id_number"], "masked for others");
    for action in ["approve", "return", "advance"] {
        let (s, body) = school
            .post(&format!("{path}/{action}"), json!({ "comment": "x" }))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{action}: {body}");
        assert_eq!(body["error"]["code"], "not_own_org");
    }
    // A sibling county's admin cannot even see it.
    let sib_admin = id_aged(40, 22);
    let p = app
        .add_person(&sib_admin, "越秀管理员", Some(ADMIN_PASSWORD))
        .await;
    app.make_admin(&w.sibling, &p).await;
    let mut sibling = app.api();
    sibling.login(&sib_admin, ADMIN_PASSWORD).await;
    assert_eq!(sibling.get(&path).await.0, StatusCode::NOT_FOUND);
    let (s, _) = sibling.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = sibling
        .get(&format!("/api/v1/orgs/{}/applications", w.branch.id))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // The applicant cannot approve their own application.
    let (s, _) = me.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Someone else's application is not there for an applicant.
    let (other, _) = applicant(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(15, 23), "吴别人"),
    )
    .await;
    assert_eq!(other.get(&path).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other.post(&format!("{path}/withdraw"), json!({})).await.0,
        StatusCode::NOT_FOUND
    );
    // Nothing changed.
    let (_, still) = admin.get(&path).await;
    assert_eq!(still["status"], "pending");
}

async fn already_registered_answers_are_throttled(app: TestApp) {
    let World { w, admin_id, .. } = world(&app).await;
    let adult = id_aged(26, 95);
    let p = app.add_person(&adult, "杨已在", Some("Known2024x")).await;
    app.make_member(&w.branch, &p).await;
    let mut locked = false;
    for _ in 0..5 {
        let (s, body) = submit(
            &app,
            "/api/v1/register/member",
            registration(&w.province, &adult, "杨已在", "2018-01", "201844000095"),
        )
        .await;
        if s == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"]["code"], "locked_out");
            locked = true;
            break;
        }
        assert_eq!(s, StatusCode::CONFLICT, "{body}");
    }
    assert!(locked, "five answers lock the address");
    // Locked: even a new ID is not looked at.
    let (s, _) = submit(
        &app,
        "/api/v1/join",
        join_application(&w.province, &id_aged(15, 96), "新来的"),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.audit_count("application.lockout").await, 1);
    let _ = admin_id;
}
