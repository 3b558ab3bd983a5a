//! Filling and changing an organisation's information: the own admin's changes wait, the
//! superior's take effect at once, names, kind and industry, completeness, faults per field.

use super::*;

both_databases!(
    own_admin_fills_at_once_and_changes_wait,
    own_admin_requests_names_kind_and_industry,
    a_name_taken_before_approval_is_refused_clearly,
    the_root_cannot_change_its_identity,
    superior_changes_names_kind_and_industry_at_once,
    kind_change_must_fit,
    completeness_flips,
    bad_input_per_field,
);

async fn own_admin_fills_at_once_and_changes_wait(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let before = info(&own, &w.county).await;
    assert_eq!(before["complete"], false);
    assert_eq!(before["may"]["request_change"], true);
    assert_eq!(before["may"]["edit_directly"], false);

    // Empty fields: everything takes effect at once (完善组织信息).
    let (s, r) = put(&own, &w.county, full_county_form(201)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["applied"].as_array().unwrap().len(), 9, "{r}");
    assert!(r["pending_change_id"].is_null());
    assert_eq!(r["info"]["complete"], true, "{r}");
    assert_eq!(field(&r["info"], "phone"), "020-85212345");
    assert_eq!(r["info"]["secretary"]["name"], "李书记");
    assert_eq!(
        r["info"]["secretary"]["id_number_masked"],
        "440106********".to_string() + &idn(201)[14..]
    );
    let row: (String, Option<i64>) =
        sqlx::query_as("SELECT status, approver_org_id FROM org_changes WHERE org_id = $1")
            .bind(w.county.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(row, ("applied".to_string(), Some(w.city.id)));

    // Changing filled fields waits; unchanged ones drop out; a new empty... none left.
    let (s, r) = put(
        &own,
        &w.county,
        json!({ "phone": "020-88888888", "email": "thqtw@example.cn" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["applied"], json!([]));
    assert_eq!(r["pending"], json!(["phone"]));
    let pending = r["pending_change_id"].as_i64().unwrap();
    assert_eq!(field(&r["info"], "phone"), "020-85212345", "not yet");
    assert_eq!(r["info"]["pending_change"]["id"], pending);
    assert_eq!(
        r["info"]["pending_change"]["rows"][0]["before"],
        "020-85212345"
    );
    assert_eq!(
        r["info"]["pending_change"]["rows"][0]["after"],
        "020-88888888"
    );
    let approver: Option<i64> =
        sqlx::query_scalar("SELECT approver_org_id FROM org_changes WHERE id = $1")
            .bind(pending)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(approver, Some(w.city.id));
    assert_eq!(app.audit_count("org_change.request").await, 1);

    // The same form again: nothing to do.
    let (s, r) = put(&own, &w.county, json!({ "email": "thqtw@example.cn" })).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["applied"], json!([]));
    assert!(r["pending_change_id"].is_null());
}

/// Seed, question 7: every change the own admin makes waits for the superior — names, kind
/// and industry too.
async fn own_admin_requests_names_kind_and_industry(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let (county, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let approve = |id: i64| {
        let county = &county;
        let school = &w.school;
        async move {
            let (s, r) = decide(county, school, id, "approve", json!({})).await;
            assert_eq!(s, StatusCode::OK, "{r}");
        }
    };

    // 组织简称 and 组织全称: both wait, nothing changes yet.
    let (s, r) = put(
        &own,
        &w.school,
        json!({ "short_name": "天河一中团委", "full_name": "共青团广州市天河区第一中学团委员会" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["applied"], json!([]));
    assert_eq!(r["pending"], json!(["short_name", "full_name"]));
    let org = app.store.org(w.school.id).await.unwrap();
    assert_eq!(org.short_name, "一中团委", "not before approval");
    approve(r["pending_change_id"].as_i64().unwrap()).await;
    let org = app.store.org(w.school.id).await.unwrap();
    assert_eq!(org.short_name, "天河一中团委");
    assert_eq!(org.full_name, "共青团广州市天河区第一中学团委员会");
    assert_eq!(app.audit_count("org.rename").await, 1);

    // 行业类别 empty so far: filled at once, like any empty field; a change then waits.
    let (s, r) = put(&own, &w.school, json!({ "industry": "普通高中" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["applied"], json!(["industry"]));
    let (s, r) = put(&own, &w.school, json!({ "industry": "08GYQY" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["pending"], json!(["industry"]));
    assert_eq!(r["info"]["industry"], "05PTGZ", "not before approval");
    approve(r["pending_change_id"].as_i64().unwrap()).await;
    let info_school = app.store.org_info(w.school.id).await.unwrap();
    assert_eq!(info_school.industry.as_deref(), Some("08GYQY"));

    // 组织类别: the branch (no members) asks to become a graduating branch.
    let (branch_admin, _) = admin_of(&app, &w.branch, 104, "支部管理员").await;
    let (s, r) = put(&branch_admin, &w.branch, json!({ "kind": "06BYBTZB" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["pending"], json!(["kind"]));
    assert_eq!(
        app.store.org(w.branch.id).await.unwrap().kind,
        OrgKind::Branch
    );
    let (school_admin, _) = admin_of(&app, &w.school, 105, "校管理员二").await;
    let id = r["pending_change_id"].as_i64().unwrap();
    let (s, r) = decide(&school_admin, &w.branch, id, "approve", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        app.store.org(w.branch.id).await.unwrap().kind,
        OrgKind::GraduatingBranch
    );
    assert_eq!(app.audit_count("org.kind").await, 1);

    // What could never be approved is refused when asked, with nothing written: a kind that
    // does not fit (the school holds a branch), a full name another organisation uses.
    let before = changes_of(&app, &w.school).await;
    let (s, e) = put(&own, &w.school, json!({ "kind": "团支部" })).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "org_kind_children");
    assert_eq!(e["error"]["field"], "kind");
    let (s, e) = put(
        &own,
        &w.school,
        json!({ "full_name": "共青团广州市越秀区委员会" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "org_name_taken");
    assert_eq!(e["error"]["field"], "full_name");
    assert_eq!(changes_of(&app, &w.school).await, before);

    // The page offers the names, kind and industry to the own admin, saying they wait.
    let (c, _) = app.page_login(&idn(103), PW).await;
    let html = c
        .get(app.url(&format!("/orgs/{}/info", w.school.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for id in ["f-short_name", "f-full_name", "f-kind", "f-industry"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("包括组织简称、全称、类别和行业类别"));
}

/// The request was fine when made; by the time the superior approves, another organisation
/// took the name: the approval is refused, saying why and what to do, and the request waits.
async fn a_name_taken_before_approval_is_refused_clearly(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let (county, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let wanted = "共青团广州市天河区实验中学委员会";
    let (s, r) = put(&own, &w.school, json!({ "full_name": wanted })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let id = r["pending_change_id"].as_i64().unwrap();
    // Meanwhile the city renames the sibling county committee to that name, at once.
    let (city, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    let (s, r) = put(
        &city,
        &w.sibling,
        json!({ "full_name": "共青团广州市天河区实验中学委员会" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");

    let (s, e) = decide(&county, &w.school, id, "approve", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "org_name_taken");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("这份申请现在不能批准："), "{message}");
    assert!(
        message.contains(wanted) && message.contains("请退回"),
        "{message}"
    );
    let org = app.store.org(w.school.id).await.unwrap();
    assert_eq!(org.full_name, "共青团广州市天河区第一中学委员会");
    let status: String = sqlx::query_scalar("SELECT status FROM org_changes WHERE id = $1")
        .bind(id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "pending", "still waiting to be returned");
    let (s, r) = decide(
        &county,
        &w.school,
        id,
        "return",
        json!({ "comment": "全称已被使用" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
}

/// The root has nobody to approve a change of its names, kind or industry.
async fn the_root_cannot_change_its_identity(app: TestApp) {
    let p = app.add_person(&idn(110), "团中央管理员", Some(PW)).await;
    app.make_admin(&app.root, &p).await;
    let mut own = app.api();
    own.login(&idn(110), PW).await;
    let (s, e) = put(&own, &app.root, json!({ "short_name": "团中央二" })).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert_eq!(e["error"]["code"], "field_not_editable");
    assert_eq!(e["error"]["field"], "short_name");
    assert_eq!(changes_of(&app, &app.root).await, 0);
}

async fn superior_changes_names_kind_and_industry_at_once(app: TestApp) {
    let w = world(&app).await;
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    let (s, r) = put(
        &sup,
        &w.county,
        json!({
            "short_name": "团天河区工委",
            "full_name": "共青团广州市天河区工作委员会",
            "kind": "04TGW",
            "phone": "020-12345678",
        }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        r["applied"],
        json!(["short_name", "full_name", "kind", "phone"])
    );
    assert!(r["pending_change_id"].is_null());
    let org = app.store.org(w.county.id).await.unwrap();
    assert_eq!(org.short_name, "团天河区工委");
    assert_eq!(org.full_name, "共青团广州市天河区工作委员会");
    assert_eq!(org.kind, OrgKind::WorkCommittee);
    let status: String = sqlx::query_scalar("SELECT status FROM org_changes WHERE org_id = $1")
        .bind(w.county.id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status, "applied");
    assert_eq!(app.audit_count("org.rename").await, 1);
    assert_eq!(app.audit_count("org.kind").await, 1);
    assert_eq!(app.audit_count("org_change.apply").await, 1);

    // A full name already used elsewhere is refused at the field.
    let (s, e) = put(
        &sup,
        &w.county,
        json!({ "full_name": "共青团广州市越秀区委员会" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(e["error"]["code"], "org_name_taken");
    assert_eq!(e["error"]["field"], "full_name");

    // The county's admin sets the school's industry (its direct child).
    let (county_admin, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (s, r) = put(&county_admin, &w.school, json!({ "industry": "普通高中" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["info"]["industry"], "05PTGZ");
    assert_eq!(r["info"]["industry_label"], "普通高中");
    assert_eq!(r["info"]["is_school"], true);
    assert!(
        r["info"]["missing"]
            .as_array()
            .unwrap()
            .contains(&json!("学校机构编号"))
    );
}

async fn kind_change_must_fit(app: TestApp) {
    let w = world(&app).await;
    let (county_admin, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let (city_admin, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    // The school holds a branch: it cannot become a branch itself.
    let (s, e) = put(
        &county_admin,
        &w.school,
        json!({ "kind": "团支部", "industry": "08GYQY" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "org_kind_children");
    assert_eq!(e["error"]["field"], "kind");
    // A county committee cannot be a 团总支.
    let (s, e) = put(&city_admin, &w.county, json!({ "kind": "02TZZ" })).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "org_kind_not_allowed");
    // A branch with members stays a branch.
    let m = app.add_person(&idn(301), "团员甲", Some(PW)).await;
    app.make_member(&w.branch, &m).await;
    let (school_admin, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let (s, e) = put(&school_admin, &w.branch, json!({ "kind": "团总支" })).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["error"]["code"], "branch_has_members");
    // An unknown kind is a field error.
    let (s, e) = put(&school_admin, &w.branch, json!({ "kind": "团小组" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "org_kind_invalid");
    // Nothing changed, nothing recorded.
    assert_eq!(
        app.store.org(w.school.id).await.unwrap().kind,
        OrgKind::Committee
    );
    assert_eq!(
        app.store.org(w.county.id).await.unwrap().kind,
        OrgKind::Committee
    );
    assert_eq!(
        app.store.org(w.branch.id).await.unwrap().kind,
        OrgKind::Branch
    );
    assert_eq!(
        app.store.org(w.school.id).await.unwrap().kind,
        OrgKind::Committee
    );
    assert_eq!(changes_of(&app, &w.school).await, 0);
    assert_eq!(app.audit_count("org.kind").await, 0);
    let info_school = app.store.org_info(w.school.id).await.unwrap();
    assert_eq!(info_school.industry, None);
    // A branch without members may become a graduating branch.
    let (s, r) = put(&school_admin, &w.branch, json!({ "kind": "06BYBTZB" })).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        app.store.org(w.branch.id).await.unwrap().kind,
        OrgKind::GraduatingBranch
    );
}

async fn completeness_flips(app: TestApp) {
    let w = world(&app).await;
    let (school_admin, _) = admin_of(&app, &w.school, 103, "校管理员").await;
    let (branch_admin, _) = admin_of(&app, &w.branch, 104, "支部管理员").await;
    let v = info(&branch_admin, &w.branch).await;
    assert_eq!(v["complete"], false);
    assert_eq!(
        v["missing"],
        json!([
            "单位所属行业类别",
            "书记姓名",
            "书记身份证号码",
            "书记手机号码"
        ])
    );
    // The superior sets the industry (a non-school one, so no school code is asked).
    let (s, _) = put(&school_admin, &w.branch, json!({ "industry": "08GYQY" })).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(info_complete(&app, &w.branch).await, 0);
    // The branch's own admin fills the 书记 with the mobile: complete.
    let (s, r) = put(
        &branch_admin,
        &w.branch,
        json!({ "secretary_name": "陈书记", "secretary_id_number": idn(206), "secretary_phone": "13800138006" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["info"]["complete"], true, "{r}");
    assert_eq!(r["info"]["missing"], json!([]));
    assert_eq!(info_complete(&app, &w.branch).await, 1);
    assert_eq!(
        app.store.children_completion(w.school.id).await.unwrap(),
        (1, 1)
    );
}

async fn bad_input_per_field(app: TestApp) {
    let w = world(&app).await;
    let (own, _) = admin_of(&app, &w.county, 101, "区管理员").await;
    let before = app.store.org_info(w.county.id).await.unwrap();
    let good = idn(123);
    let wrong = if good.ends_with('0') { '1' } else { '0' };
    let bad_check = format!("{}{wrong}", &good[..17]);
    let (s, e) = put(
        &own,
        &w.county,
        json!({
            "phone": "电话号码",
            "email": "no-at-sign",
            "admin_staff_quota": -1,
            "secretary_name": "张三",
            "secretary_id_number": bad_check,
            "secretary_phone": "12345",
        }),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "phone_invalid");
    assert_eq!(e["error"]["field"], "phone");
    let message = e["error"]["message"].as_str().unwrap();
    for part in ["联系电话", "电子邮箱", "编制数", "校验位", "手机号码"] {
        assert!(message.contains(part), "{part} in {message}");
    }
    // The 书记's three fields go together.
    let (s, e) = put(&own, &w.county, json!({ "secretary_name": "张三" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["field"], "secretary_id_number");
    // Fields another kind's form asks for are refused.
    let (branch_admin, _) = admin_of(&app, &w.branch, 104, "支部管理员").await;
    let (s, e) = put(&branch_admin, &w.branch, json!({ "phone": "020-12345678" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["code"], "field_not_asked");
    // Too long, control characters, wrong JSON types.
    let (sup, _) = admin_of(&app, &w.city, 102, "市管理员").await;
    let (s, e) = put(&sup, &w.county, json!({ "short_name": "长".repeat(31) })).await;
    assert_eq!(
        (s, e["error"]["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "too_long")
    );
    let (s, e) = put(&sup, &w.county, json!({ "full_name": "共青团\u{7}委员会" })).await;
    assert_eq!(
        (s, e["error"]["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "invalid_text")
    );
    let (s, e) = put(&own, &w.county, json!({ "admin_staff_quota": "三" })).await;
    assert_eq!(
        (s, e["error"]["code"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "json_invalid")
    );
    let (s, e) = put(&sup, &w.county, json!({ "industry": "不存在的行业" })).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    for path in [
        "/api/v1/orgs/abc/info",
        "/api/v1/orgs/0/info",
        "/api/v1/orgs/999999/info",
    ] {
        let (s, _) = own
            .send(Method::PUT, path, json!({ "phone": "020-12345678" }))
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        let (s, _) = own.get(path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(app.store.org_info(w.county.id).await.unwrap(), before);
    assert_eq!(changes_of(&app, &w.county).await, 0);

    // The page shows every fault at its field and keeps what was typed.
    let (c, _) = app.page_login(&idn(101), PW).await;
    let html = c
        .get(app.url(&format!("/orgs/{}/info", w.county.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let res = c
        .post(app.url(&format!("/orgs/{}/info", w.county.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("phone", "电话号码"),
            ("email", "no-at-sign"),
            ("admin_staff_quota", "abc"),
            ("secretary_name", ""),
            ("secretary_id_number", "123"),
            ("secretary_phone", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    for id in [
        "err-phone",
        "err-email",
        "err-admin_staff_quota",
        "err-secretary_name",
        "err-secretary_id_number",
        "err-secretary_phone",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("value=\"no-at-sign\""));
    assert_eq!(app.store.org_info(w.county.id).await.unwrap(), before);
    // Without the CSRF token nothing is accepted.
    let res = c
        .post(app.url(&format!("/orgs/{}/info", w.county.id)))
        .form(&[("phone", "020-12345678")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.org_info(w.county.id).await.unwrap(), before);
}
