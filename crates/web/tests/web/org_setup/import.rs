//! Creating child organisations (one and from Excel), 学校机构编号 and completion rates, with
//! the permission checks, on SQLite and PostgreSQL.

mod common;
mod setup_support;

use common::{ROOT_ADMIN_ID, ROOT_ADMIN_PASSWORD, TestApp, csrf_of, location};
use reqwest::StatusCode;
use serde_json::{Value, json};
use setup_support::*;
use tuanjian_domain::{IdNumber, OrgInfo, OrgKind, OrgLevel};
use tuanjian_sheet::{Column, Template, read_rows, write_filled};
use tuanjian_store::audit::Actor;
use tuanjian_store::org_info::{SecretaryInput, set_secretary, write_info_fields};
use tuanjian_store::orgs::Org;
use tuanjian_web::org_setup::create::ChildOptions;
use tuanjian_web::org_setup::import::children_template;

both_databases!(
    create_single_child,
    create_single_child_refusals,
    create_through_the_page,
    permissions_of_wrong_relations,
    import_valid_file,
    import_old_xls_file,
    import_reports_every_fault_and_writes_nothing,
    import_refuses_wrong_files,
    import_through_the_page,
    import_the_largest_file,
    school_code,
    completion_numbers,
);

fn code_like(v: &Value) -> bool {
    let s = v.as_str().unwrap_or("");
    s.len() == 14
        && s.split('-').count() == 3
        && s.chars()
            .filter(|c| *c != '-')
            .all(|c| "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c))
}

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
    let branch_admin = app.add_person(&id(20), "支部管理员", Some(PASSWORD)).await;
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
    let (status, html) = get_page(&app, &c, &format!("/orgs/{}/children/new", w.city.id)).await;
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
    let (status, html) = get_page(&app, &c, &to).await;
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
    let cadre = app.add_person(&id(30), "区团干部", Some(PASSWORD)).await;
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
        let (s, _) = get_page(&app, &browser, &path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
    }
    let (s, _) = sibling.get("/api/v1/orgs/abc/completion").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(org_count(&app).await, orgs, "nothing changed");
    assert_eq!(code_count(&app).await, codes);
}

fn rows(v: &[[&str; 3]]) -> Vec<Vec<String>> {
    v.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

async fn import_valid_file(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.county_admin).await;
    // The template offered for this county has no level column.
    let t = children_template(&ChildOptions::for_parent(&w.county));
    assert_eq!(t.titles(), ["组织简称", "组织全称", "组织类别"]);
    let file = write_filled(
        &t,
        &rows(&[
            ["一中团委", "共青团天河区第一中学委员会", "团委"],
            ["二中团总支", "共青团天河区第二中学总支部委员会", "02TZZ"],
            ["某公司团支部", "共青团天河区某公司支部委员会", "团支部"],
        ]),
    )
    .unwrap();
    let before = code_count(&app).await;
    let (s, body) = api_upload(
        &app,
        &api,
        &format!("/api/v1/orgs/{}/children/import", w.county.id),
        "下级组织.xlsx",
        &file,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let created = body["created"].as_array().unwrap();
    assert_eq!(created.len(), 3);
    assert_eq!(created[1]["org"]["kind"], "02TZZ");
    assert!(created.iter().all(|c| code_like(&c["code"]["code"])));
    assert!(created.iter().all(|c| c["org"]["parent_id"] == w.county.id));
    assert_eq!(code_count(&app).await, before + 3);
    assert_eq!(app.store.child_count(w.county.id).await.unwrap(), 3);
}

async fn import_old_xls_file(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.county_admin).await;
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/setup_children.xls"
    ))
    .unwrap();
    let (s, body) = api_upload(
        &app,
        &api,
        &format!("/api/v1/orgs/{}/children/import", w.county.id),
        "children.xls",
        &file,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let created = body["created"].as_array().unwrap();
    assert_eq!(created.len(), 2);
    assert_eq!(created[0]["org"]["short_name"], "团一中委");
    // A number Excel stored as 2024.0 and full-width digits come back as typed.
    assert_eq!(created[1]["org"]["short_name"], "2024");
    assert_eq!(
        created[1]["org"]["full_name"],
        "共青团测试县第2中学总支部委员会"
    );
    assert_eq!(created[1]["org"]["kind"], "02TZZ");
}

async fn import_reports_every_fault_and_writes_nothing(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.county_admin).await;
    let t = children_template(&ChildOptions::for_parent(&w.county));
    let long31 = "长".repeat(31);
    let file = write_filled(
        &t,
        &[
            vec![
                "一中团委".into(),
                "共青团天河区第一中学委员会".into(),
                "团委".into(),
            ],
            vec![
                "".into(),
                "共青团天河区第二中学委员会".into(),
                "团委".into(),
            ],
            vec![
                "三中团委".into(),
                "共青团天河区第三中学委员会".into(),
                "团小组".into(),
            ],
            vec![
                "一中团委".into(),
                "共青团天河区第一中学委员会".into(),
                "团委".into(),
            ],
            vec![
                "越秀".into(),
                "共青团广州市越秀区委员会".into(),
                "团委".into(),
            ],
            vec![long31, "共青团天河区第五中学委员会".into(), "".into()],
        ],
    )
    .unwrap();
    let orgs = org_count(&app).await;
    let codes = code_count(&app).await;
    let audits = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    let path = format!("/api/v1/orgs/{}/children/import", w.county.id);
    let (s, body) = api_upload(&app, &api, &path, "a.xlsx", &file).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "sheet_invalid");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("6 处错误"),
        "{body}"
    );
    let got: Vec<(i64, String, String)> = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_i64().unwrap(),
                r["column"].as_str().unwrap().to_string(),
                r["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(i64, String, String)> = [
        (4, "组织简称", "required_missing"),
        (5, "组织类别", "org_kind_invalid"),
        (6, "组织全称", "duplicate_in_file"),
        (7, "组织全称", "org_name_taken"),
        (8, "组织简称", "too_long"),
        (8, "组织类别", "required_missing"),
    ]
    .iter()
    .map(|(r, c, k)| (*r, c.to_string(), k.to_string()))
    .collect();
    assert_eq!(got, want, "{body}");
    let messages: Vec<&str> = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].starts_with("第4行“组织简称”（A4单元格）"),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("第3行"),
        "names the first occurrence: {messages:?}"
    );
    assert_eq!(org_count(&app).await, orgs, "nothing written");
    assert_eq!(code_count(&app).await, codes);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log").await, audits);

    // With a level column (under a province): a branch cannot be municipal, and 团委 needs a level.
    let papi = api_as(&app, &w.province_admin).await;
    let pt = children_template(&ChildOptions::for_parent(&w.province));
    assert_eq!(
        pt.titles(),
        ["组织简称", "组织全称", "组织类别", "组织层级"]
    );
    let file = write_filled(
        &pt,
        &[
            vec![
                "团深圳市委".into(),
                "共青团深圳市委员会".into(),
                "团委".into(),
                "市级团委".into(),
            ],
            vec![
                "某支部".into(),
                "某市级团支部".into(),
                "团支部".into(),
                "市级团委".into(),
            ],
            vec![
                "团珠海市委".into(),
                "共青团珠海市委员会".into(),
                "团委".into(),
                "".into(),
            ],
        ],
    )
    .unwrap();
    let (s, body) = api_upload(
        &app,
        &papi,
        &format!("/api/v1/orgs/{}/children/import", w.province.id),
        "p.xlsx",
        &file,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let got: Vec<(i64, &str, &str)> = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_i64().unwrap(),
                r["column"].as_str().unwrap(),
                r["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (4, "组织类别", "org_kind_not_allowed"),
            (5, "组织层级", "required_missing")
        ]
    );
    assert_eq!(org_count(&app).await, orgs);
}

async fn import_refuses_wrong_files(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.county_admin).await;
    let path = format!("/api/v1/orgs/{}/children/import", w.county.id);
    let orgs = org_count(&app).await;
    // Another template (a member sheet), and the province's template with its level column.
    let other = Template::new(
        "团员",
        vec![
            Column::new("姓名").required(),
            Column::new("身份证号码").required(),
        ],
    );
    let file = write_filled(&other, &[vec!["张三".into(), id(50)]]).unwrap();
    let (s, body) = api_upload(&app, &api, &path, "团员.xlsx", &file).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "template_mismatch");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不可混用")
    );
    let pt = children_template(&ChildOptions::for_parent(&w.province));
    let file = write_filled(
        &pt,
        &[vec![
            "a".into(),
            "b".into(),
            "团委".into(),
            "基层团组织".into(),
        ]],
    )
    .unwrap();
    let (s, body) = api_upload(&app, &api, &path, "p.xlsx", &file).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "template_mismatch");
    // The empty template, a text file, no file at all, too large.
    let t = children_template(&ChildOptions::for_parent(&w.county));
    let empty = tuanjian_sheet::write_template(&t).unwrap();
    let (s, body) = api_upload(&app, &api, &path, "t.xlsx", &empty).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("sheet_empty"))
    );
    let (s, body) = api_upload(&app, &api, &path, "a.csv", b"a,b,c\n").await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("sheet_unreadable"))
    );
    let big = vec![b'x'; 2 * 1024 * 1024 + 10];
    let (s, body) = api_upload(&app, &api, &path, "big.xlsx", &big).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large"))
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2048 KB"),
        "{body}"
    );
    let huge = vec![b'x'; 4 * 1024 * 1024];
    let (s, body) = api_upload(&app, &api, &path, "huge.xlsx", &huge).await;
    assert_eq!(
        (s, body["error"]["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")),
        "{body}"
    );
    let (ct, bytes) = multipart(&[("other", None, b"1")]);
    let res = api
        .http
        .post(app.url(&path))
        .bearer_auth(api.token.as_deref().unwrap())
        .header("content-type", ct)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "file_missing");
    let (s, body) = api.post(&path, json!({})).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
    // The template downloads as .xlsx and reads back as this template.
    let (c, _) = app
        .page_login(w.county_admin.id_number.as_str(), PASSWORD)
        .await;
    let res = c
        .get(app.url(&format!("/orgs/{}/children/template.xlsx", w.county.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(
        read_rows(&t, &bytes, "t.xlsx").unwrap_err(),
        tuanjian_sheet::SheetError::NoRows
    );
    assert_eq!(org_count(&app).await, orgs);
}

async fn import_through_the_page(app: TestApp) {
    let w = World::new(&app).await;
    let (c, _) = app
        .page_login(w.county_admin.id_number.as_str(), PASSWORD)
        .await;
    let (s, html) = get_page(&app, &c, &format!("/orgs/{}/children/import", w.county.id)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("template.xlsx") && html.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_of(&html);
    let t = children_template(&ChildOptions::for_parent(&w.county));
    let post = |parts: Vec<(&'static str, Option<&'static str>, Vec<u8>)>| {
        let c = c.clone();
        let url = app.url(&format!("/orgs/{}/children/import", w.county.id));
        async move {
            let refs: Vec<(&str, Option<&str>, &[u8])> = parts
                .iter()
                .map(|(n, f, b)| (*n, *f, b.as_slice()))
                .collect();
            let (ct, body) = multipart(&refs);
            let res = c
                .post(url)
                .header("content-type", ct)
                .body(body)
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let bad = write_filled(&t, &rows(&[["甲", "共青团广州市天河区委员会", "团委"]])).unwrap();
    let (s, html) = post(vec![
        ("csrf", None, csrf.clone().into_bytes()),
        ("file", Some("a.xlsx"), bad),
    ])
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("id=\"import-faults\"") && html.contains("已被系统中其他组织使用"),
        "{html}"
    );
    let good = write_filled(
        &t,
        &rows(&[
            ["一中团委", "共青团天河区第一中学委员会", "团委"],
            ["二中团委", "共青团天河区第二中学委员会", "团委"],
        ]),
    )
    .unwrap();
    // Without the CSRF field the upload is refused.
    let (s, _) = post(vec![("file", Some("a.xlsx"), good.clone())]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(app.store.child_count(w.county.id).await.unwrap(), 0);
    let (s, html) = post(vec![
        ("csrf", None, csrf.into_bytes()),
        ("file", Some("a.xlsx"), good),
    ])
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已创建 2 个下级组织"), "{html}");
    let first = app
        .store
        .org_by_full_name("共青团天河区第一中学委员会")
        .await
        .unwrap()
        .unwrap();
    let code = app.store.current_code(first.id).await.unwrap().unwrap();
    assert!(html.contains(&code.display()));
}

async fn import_the_largest_file(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.county_admin).await;
    let t = children_template(&ChildOptions::for_parent(&w.county));
    let path = format!("/api/v1/orgs/{}/children/import", w.county.id);
    let many = |n: usize| -> Vec<Vec<String>> {
        (0..n)
            .map(|i| {
                vec![
                    format!("团支部{i}"),
                    format!("天河区第{i}团支部"),
                    "团支部".to_string(),
                ]
            })
            .collect()
    };
    let too_many = write_filled(&t, &many(2_001)).unwrap();
    let (s, body) = api_upload(&app, &api, &path, "a.xlsx", &too_many).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("最多导入 2000 行")
    );
    let started = std::time::Instant::now();
    let file = write_filled(&t, &many(2_000)).unwrap();
    let (s, body) = api_upload(&app, &api, &path, "a.xlsx", &file).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["created"].as_array().unwrap().len(), 2_000);
    assert_eq!(app.store.child_count(w.county.id).await.unwrap(), 2_000);
    eprintln!(
        "2000 rows imported in {:?} ({:?})",
        started.elapsed(),
        app.db.kind
    );
}

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

async fn put(api: &common::ApiClient, org: i64, code: &str) -> (StatusCode, Value) {
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
    let school_admin = app.add_person(&id(40), "学校管理员", Some(PASSWORD)).await;
    app.make_admin(&school, &school_admin).await;
    let company_admin = app.add_person(&id(41), "公司管理员", Some(PASSWORD)).await;
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
    let (s, html) = get_page(&app, &c, &format!("/orgs/{}/school-code", school.id)).await;
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
    let (s, html) = get_page(&app, &c, &format!("/orgs/{}/school-code", w.county.id)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(html.contains("领导机关"));
}

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
            id_number: IdNumber::parse(&id(60)).unwrap(),
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
    assert_eq!(items[0]["id"], b.id);
    assert_eq!(items[1]["id"], c.id);
    assert_eq!(
        items[1]["missing"],
        json!([
            "单位所属行业类别",
            "书记姓名",
            "书记身份证号码",
            "书记手机号码"
        ])
    );
    assert!(
        items[0]["missing"]
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
    assert_eq!(paged["incomplete"]["items"][0]["id"], c.id);
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
    let (s, html) = get_page(&app, &browser, &format!("/orgs/{}/completion", w.county.id)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("33.3%") && html.contains("25.0%"), "{html}");
    assert!(html.contains("乙团委") && html.contains("丙总支") && !html.contains(">甲支部<"));
}
