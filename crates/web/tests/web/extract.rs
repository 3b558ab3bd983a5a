//! Text input at one place (issue 10, items 3 and 7): a NUL or another control character in any
//! query parameter, form field or JSON string is refused with a Chinese message before the
//! handler runs (PostgreSQL used to answer 500), and organisation names that only look like
//! another (invisible characters, full-width forms) are refused, through the API and the pages.

use crate::support::setup::*;
use crate::support::{TestApp, csrf_of};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tuanjian_sheet::write_filled;
use tuanjian_web::org_setup::create::ChildOptions;
use tuanjian_web::org_setup::import::children_template;

both_databases!(
    nul_in_query_strings,
    nul_in_application_json,
    nul_in_page_forms,
    look_alike_children_through_the_api,
    look_alike_children_through_the_page,
    import_cells_with_invisible_characters_and_look_alikes,
    applicants_find_a_branch_typed_with_other_brackets,
    upload_file_names_with_control_characters,
);

async fn raw_get(c: &reqwest::Client, url: String) -> (StatusCode, String) {
    let res = c.get(url).send().await.unwrap();
    let status = res.status();
    (status, res.text().await.unwrap())
}

/// Every text parameter of the search, the member and cadre lists, API and pages.
async fn nul_in_query_strings(app: TestApp) {
    let w = World::new(&app).await;
    let mut api = app.api();
    api.login(w.city_admin.id_number.as_str(), PASSWORD).await;
    let (page, _) = app
        .page_login(w.city_admin.id_number.as_str(), PASSWORD)
        .await;
    let orgs = org_count(&app).await;

    let p = w.province.id;
    let c = w.city.id;
    let mut api_paths = vec![
        format!("/api/v1/orgs/search?province_id={p}&q=%00"),
        format!("/api/v1/orgs/search?province_id={p}&q=%E5%B9%BF%00%E5%B7%9E"),
        format!("/api/v1/orgs/search?q=%00"),
        format!("/api/v1/orgs/search?province_id={p}&q=a&%00=1"),
    ];
    let mut page_paths = vec![
        format!("/search?province_id={p}&q=%00"),
        format!("/search?q=x%00"),
    ];
    for key in [
        "name",
        "id_number",
        "join_year",
        "status",
        "faulty",
        "sort",
        "page",
        "per_page",
    ] {
        api_paths.push(format!("/api/v1/orgs/{c}/members?{key}=%00"));
        page_paths.push(format!("/orgs/{c}/members?{key}=%00"));
    }
    for key in ["name", "id_number", "post", "page", "per_page"] {
        api_paths.push(format!("/api/v1/orgs/{c}/cadres?{key}=%00"));
        page_paths.push(format!("/orgs/{c}/cadres?{key}=%00"));
    }
    for path in &api_paths {
        let (status, body) = api.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["error"]["code"], "invalid_text", "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("不可见的控制字符（U+0000 空字符），请删除后重新提交"),
            "{path}: {message}"
        );
    }
    // Anonymous search too (the public page and its API).
    let (status, body) = app.api().get(&api_paths[0]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_text");
    for path in &page_paths {
        let (status, html) = raw_get(&page, app.url(path)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {html}");
        assert!(html.contains("U+0000 空字符"), "{path}: {html}");
    }
    let (status, html) = raw_get(&app.browser(), app.url(&page_paths[0])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    // Another control character is refused the same way; tab and line breaks are text.
    let (status, body) = api
        .get(&format!("/api/v1/orgs/search?province_id={p}&q=%1B"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("U+001B 控制字符")
    );
    let (status, body) = api
        .get(&format!(
            "/api/v1/orgs/search?province_id={p}&q=%E5%B9%BF%09"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(org_count(&app).await, orgs);
}

/// `\u0000` in any JSON field of 我要入团 and 团员团干部注册: refused, no account, no application.
async fn nul_in_application_json(app: TestApp) {
    let w = app.guangzhou().await;
    let people = count(&app, "SELECT COUNT(*) FROM people").await;
    let applications = count(&app, "SELECT COUNT(*) FROM applications").await;
    let base = json!({
        "province_id": w.province.id,
        "org_full_name": w.branch.full_name,
        "password": "Applicant2024",
        "id_number": idn(500),
        "name": "王小明",
        "ethnicity": "汉族",
        "political_status": "共青团员",
        "phone": "13900139000",
        "work_unit": "广州市天河区第一中学",
        "join_month": "2015-05",
        "dev_number": "",
    });
    for path in ["/api/v1/join", "/api/v1/register/member"] {
        for field in [
            "org_full_name",
            "password",
            "id_number",
            "name",
            "ethnicity",
            "phone",
            "work_unit",
            "join_month",
        ] {
            let mut body = base.clone();
            let old = body[field].as_str().unwrap().to_string();
            body[field] = Value::String(format!("{old}\u{0}"));
            let (status, res) = app.api().post(path, body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {field}: {res}");
            assert_eq!(
                res["error"]["code"], "invalid_text",
                "{path} {field}: {res}"
            );
            let message = res["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(field) && message.contains("U+0000 空字符"),
                "{path} {field}: {message}"
            );
        }
        // A NUL in a key is refused as well.
        let mut body = base.clone();
        body["x\u{0}"] = json!("1");
        let (status, res) = app.api().post(path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
        assert_eq!(res["error"]["code"], "invalid_text");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people").await, people);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM applications").await,
        applications
    );
    // The same body without the NUL still goes through the typed parse.
    let (status, res) = app
        .api()
        .post("/api/v1/join", json!({ "province_id": "x" }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{res}");
    assert_eq!(res["error"]["code"], "json_invalid");
}

/// A form field with a NUL (`CsrfForm`): refused before the handler, nothing created.
async fn nul_in_page_forms(app: TestApp) {
    let w = World::new(&app).await;
    let (c, _) = app
        .page_login(w.city_admin.id_number.as_str(), PASSWORD)
        .await;
    let path = format!("/orgs/{}/children/new", w.city.id);
    let (_, html) = get_html(&app, &c, &path).await;
    let csrf = csrf_of(&html);
    let orgs = org_count(&app).await;
    for (short, full) in [
        ("团某\u{0}区委", "共青团某区委员会"),
        ("团某区委", "共青团\u{0}某区委员会"),
    ] {
        let res = c
            .post(app.url(&path))
            .form(&[
                ("csrf", csrf.as_str()),
                ("short_name", short),
                ("full_name", full),
                ("kind", "03TW"),
                ("level", "county"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let html = res.text().await.unwrap();
        assert!(html.contains("U+0000 空字符"), "{html}");
    }
    assert_eq!(org_count(&app).await, orgs);
}

fn child(short: &str, full: &str) -> Value {
    json!({"short_name": short, "full_name": full, "kind": "03TW", "level": "county"})
}

async fn look_alike_children_through_the_api(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.city_admin).await;
    let path = format!("/api/v1/orgs/{}/children", w.city.id);
    let (status, body) = api
        .post(&path, child("团ABC区委", "共青团广州市ABC区委员会"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let orgs = org_count(&app).await;

    // Invisible characters: refused, naming the character.
    for (full, says) in [
        ("共青团广州市ABC区委员会\u{200b}", "U+200B 零宽空格"),
        ("共青团广州市天河区\u{200d}委员会", "U+200D 零宽连接符"),
        ("\u{202e}共青团广州市ABC区委员会", "U+202E 从右到左覆盖"),
        ("\u{feff}共青团广州市某区委员会", "U+FEFF 零宽不换行空格"),
    ] {
        let (status, body) = api.post(&path, child("团某区委", full)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{full:?}: {body}");
        assert_eq!(body["error"]["code"], "invalid_text");
        assert_eq!(body["error"]["field"], "full_name");
        assert_eq!(
            body["error"]["message"],
            format!("组织全称含有不可见字符（{says}），请删除后重新填写")
        );
    }
    let (status, body) = api
        .post(&path, child("团某\u{202e}区委", "共青团广州市某区委员会"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "short_name");

    // Equal once folded (NFKC): full-width letters, full-width brackets.
    for full in ["共青团广州市ＡＢＣ区委员会", "共青团广州市ABC区委员会"] {
        let (status, body) = api.post(&path, child("团某区委", full)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{full}: {body}");
        assert_eq!(body["error"]["code"], "org_name_taken");
        assert_eq!(body["error"]["field"], "full_name");
    }
    let (_, body) = api
        .post(&path, child("团某区委", "共青团广州市ＡＢＣ区委员会"))
        .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("与已有组织“共青团广州市ABC区委员会”实质相同"),
        "{body}"
    );
    let (status, body) = api
        .post(&path, child("团一区委", "共青团广州市（一）区委员会"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["org"]["full_name"], "共青团广州市（一）区委员会",
        "kept as typed"
    );
    let (status, body) = api
        .post(&path, child("团一区委", "共青团广州市(一)区委员会"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let orgs = orgs + 1;
    assert_eq!(org_count(&app).await, orgs);

    // The search finds a full name typed with other brackets or letters as the exact match.
    for province in [format!("province_id={}&", w.province.id), String::new()] {
        for (q, found) in [
            ("共青团广州市(一)区委员会", "共青团广州市（一）区委员会"),
            ("共青团广州市ＡＢＣ区委员会", "共青团广州市ABC区委员会"),
        ] {
            let mut url =
                reqwest::Url::parse(&app.url(&format!("/api/v1/orgs/search?{province}"))).unwrap();
            url.query_pairs_mut().append_pair("q", q);
            let res = reqwest::get(url).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["total"], 1, "{q}: {body}");
            assert_eq!(body["items"][0]["full_name"], found, "{body}");
            assert_eq!(body["items"][0]["exact"], true, "{body}");
        }
    }

    // Renaming (the direct superior's change takes effect at once) is held to the same rule.
    let rename = |full: &'static str| {
        let api = &api;
        let county = w.county.id;
        async move {
            api.send(
                Method::PUT,
                &format!("/api/v1/orgs/{county}/info"),
                json!({ "full_name": full }),
            )
            .await
        }
    };
    let (status, body) = rename("共青团广州市ＡＢＣ区委员会").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "org_name_taken");
    let (status, body) = rename("共青团广州市天河区委员会\u{2060}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "invalid_text");
    let stored = app.store.org(w.county.id).await.unwrap();
    assert_eq!(stored.full_name, "共青团广州市天河区委员会");
    assert_eq!(app.audit_count("org.rename").await, 0);
}

async fn look_alike_children_through_the_page(app: TestApp) {
    let w = World::new(&app).await;
    let (c, _) = app
        .page_login(w.city_admin.id_number.as_str(), PASSWORD)
        .await;
    let path = format!("/orgs/{}/children/new", w.city.id);
    let (_, html) = get_html(&app, &c, &path).await;
    let csrf = csrf_of(&html);
    let post = |full: &'static str| {
        let c = &c;
        let url = app.url(&path);
        let csrf = csrf.clone();
        async move {
            let res = c
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("short_name", "团某区委"),
                    ("full_name", full),
                    ("kind", "03TW"),
                    ("level", "county"),
                ])
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    let orgs = org_count(&app).await;
    let (status, html) = post("共青团广州市天河区委员会\u{200b}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("组织全称含有不可见字符（U+200B 零宽空格），请删除后重新填写"),
        "{html}"
    );
    let (status, html) = post("\u{202e}共青团广州市天河区委员会").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("U+202E 从右到左覆盖"), "{html}");
    let (status, _) = post("共青团广州市ＸＹ区委员会").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = post("共青团广州市XY区委员会").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        html.contains("与已有组织“共青团广州市ＸＹ区委员会”实质相同"),
        "{html}"
    );
    assert_eq!(org_count(&app).await, orgs + 1);
}

/// Excel cells: a NUL or another control character is a fault of its cell (not a 500 on
/// PostgreSQL), invisible characters in names too, and look-alike full names are duplicates,
/// in the file and against the names stored.
async fn import_cells_with_invisible_characters_and_look_alikes(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.county_admin).await;
    let (status, body) = api
        .post(
            &format!("/api/v1/orgs/{}/children", w.county.id),
            json!({"short_name": "XY中学团委", "full_name": "共青团天河区XY中学委员会", "kind": "03TW"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let t = children_template(&ChildOptions::for_parent(&w.county));
    let row =
        |short: &str, full: &str| vec![short.to_string(), full.to_string(), "团委".to_string()];
    let file = write_filled(
        &t,
        &[
            row("一中团委", "共青团天河区第一中学委员会\u{0}"),
            row("二中团委", "共青团天河区第二中学\u{200b}委员会"),
            row("三中团委", "共青团天河区ＡＢＣ中学委员会"),
            row("四中团委", "共青团天河区ABC中学委员会"),
            row("五中团委", "共青团天河区ＸＹ中学委员会"),
            row("六中\u{1b}团委", "共青团天河区第六中学委员会"),
            row("七中\u{202e}团委", "共青团天河区第七中学委员会"),
        ],
    )
    .unwrap();
    let orgs = org_count(&app).await;
    let audits = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    let path = format!("/api/v1/orgs/{}/children/import", w.county.id);
    let (s, body) = api_upload(&app, &api, &path, "a.xlsx", &file).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
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
    let rows: Vec<(i64, &str)> = got.iter().map(|(r, c, _)| (*r, c.as_str())).collect();
    assert_eq!(
        rows,
        vec![
            (3, "组织全称"),
            (4, "组织全称"),
            (6, "组织全称"),
            (7, "组织全称"),
            (8, "组织简称"),
            (9, "组织简称"),
        ],
        "{body}"
    );
    assert_eq!(got[1].2, "invalid_text", "{body}");
    assert_eq!(got[2].2, "duplicate_in_file", "{body}");
    assert_eq!(got[3].2, "org_name_taken", "{body}");
    assert_eq!(got[5].2, "invalid_text", "{body}");
    let messages: Vec<&str> = body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"].as_str().unwrap())
        .collect();
    assert!(messages[1].contains("U+200B 零宽空格"), "{messages:?}");
    assert!(messages[2].contains("第5行"), "{messages:?}");
    assert!(
        messages[3].contains("与系统中已有组织“共青团天河区XY中学委员会”实质相同"),
        "{messages:?}"
    );
    assert!(messages[5].contains("U+202E 从右到左覆盖"), "{messages:?}");
    assert_eq!(org_count(&app).await, orgs, "nothing written");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log").await, audits);
}

/// 我要入团 names the branch by its full name: typed with ASCII brackets, the branch stored
/// with full-width ones is found (the names are compared on their NFKC form).
async fn applicants_find_a_branch_typed_with_other_brackets(app: TestApp) {
    use chrono::Datelike;
    use tuanjian_domain::{IdNumber, OrgKind, OrgLevel};
    let w = app.guangzhou().await;
    let branch = app
        .add_org(
            &w.school,
            OrgLevel::Grassroots,
            OrgKind::Branch,
            "高一（2）班团支部",
            "共青团广州市天河区第一中学高一（2）班支部",
        )
        .await;
    let year = chrono::Local::now().year() - 16;
    let id_number = IdNumber::from_first17(&format!("440106{year}0101123"));
    let (status, body) = app
        .api()
        .post(
            "/api/v1/join",
            json!({
                "province_id": w.province.id,
                "org_full_name": "共青团广州市天河区第一中学高一(2)班支部",
                "password": "Applicant2024",
                "id_number": id_number.as_str(),
                "name": "王小明",
                "ethnicity": "汉族",
                "phone": "13900139000",
                "work_unit": "广州市天河区第一中学",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let org_id: i64 = sqlx::query_scalar("SELECT org_id FROM applications")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(org_id, branch.id);
}

/// An uploaded file's name (kept with a member import job) is text input as well: a NUL in it
/// is refused, no job is made.
async fn upload_file_names_with_control_characters(app: TestApp) {
    let w = World::new(&app).await;
    let api = api_as(&app, &w.city_admin).await;
    let jobs = count(&app, "SELECT COUNT(*) FROM import_jobs").await;
    for path in [
        format!("/api/v1/orgs/{}/import/members", w.city.id),
        format!("/api/v1/orgs/{}/children/import", w.city.id),
    ] {
        let (status, body) = api_upload(&app, &api, &path, "名单\u{0}.xlsx", b"PK").await;
        // Today the multipart parser already refuses a control character in a header; the
        // upload's own check (`check_text` on the name) stands behind it.
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let code = body["error"]["code"].as_str().unwrap();
        assert!(matches!(code, "invalid_text" | "upload_invalid"), "{body}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM import_jobs").await, jobs);
}
